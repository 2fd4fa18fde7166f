"""Evaluation: every objective has an indicator (PTMS-W041)."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project


def indicators(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.evaluation is None:
        return
    measured = {i.objective for i in p.evaluation.indicators}
    for i, o in enumerate(p.objectives):
        if o.id not in measured:
            yield Problem("PTMS-W041", f"l'objectif « {o.id} » n'a aucun indicateur d'évaluation", ("objectives", i, "id"),
                          "Ajoutez un indicateur dans « evaluation.indicators » avec « objective: " + o.id + " ».")
