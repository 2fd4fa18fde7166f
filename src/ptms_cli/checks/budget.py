"""The budget's indexation: a base year no later than the first year, rules whose years make sense (PTMS-E081)."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project


def indexation(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    b = p.budget
    if b is None:
        return
    first = p.period.start.year if p.period else None
    if b.base_year is not None and first is not None and b.base_year > first:
        yield Problem("PTMS-E081", f"l'année de référence des coûts ({b.base_year}) est après la première année du projet "
                      f"({first}) : les coûts de {first} à {b.base_year - 1} ne seraient pas ramenés en euros de leur année",
                      ("budget", "base_year"),
                      f"Les coûts annuels sont donnés en euros de l'année de référence : indiquez {first} ou une année "
                      "antérieure (celle du devis), ou retirez « base_year ».")
    for i, rule in enumerate(b.indexation):
        if rule.from_year is not None and rule.to_year is not None and rule.from_year > rule.to_year:
            yield Problem("PTMS-E081", f"la règle d'indexation va de {rule.from_year} à {rule.to_year} : la première année "
                          "est après la dernière", ("budget", "indexation", i, "to_year"),
                          "Inversez « from_year » et « to_year ».")
