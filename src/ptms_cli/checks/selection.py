"""The call for projects' selection criteria (`service.selection_criteria`, issue 16): weights that sum
to 100 % (PTMS-W115), one line per criterion (PTMS-W116), no criterion that counts for nothing
(PTMS-W117), criteria that the cahier des charges will print (PTMS-W118: only for `selection_stage: call`)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..derived import Derived
from ..findings import Problem
from ..frformat import quantity
from ..model import Project


def _percent(x: Decimal) -> str:
    return f"{quantity(x)} %"


def criteria(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    s = p.service
    if s is None or not s.selection_criteria:
        return
    if s.selection_stage != "call":
        yield Problem("PTMS-W118", "des critères de sélection sont donnés mais le cahier des charges n'est pas celui "
                      "d'un appel à projets : ils ne seront pas imprimés", ("service", "selection_criteria"),
                      "Ajoutez « selection_stage: call » au service, ou retirez « selection_criteria ».", key=True)
    seen: dict[str, int] = {}
    for n, c in enumerate(s.selection_criteria):
        name = " ".join(c.label.split()).casefold()
        if name in seen:
            yield Problem("PTMS-W116", f"le critère « {c.label.strip()} » est donné deux fois",
                          ("service", "selection_criteria", n, "label"),
                          f"Fusionnez-le avec le critère n° {seen[name] + 1} (une ligne par critère).")
        else:
            seen[name] = n
        if c.weight == 0:
            yield Problem("PTMS-W117", f"le critère « {c.label.strip()} » a une pondération nulle : il ne compte pas",
                          ("service", "selection_criteria", n, "weight"),
                          "Donnez-lui un poids, ou retirez-le de la liste.")
    total = sum((c.weight for c in s.selection_criteria), Decimal(0))
    if total != 100:
        yield Problem("PTMS-W115", f"les pondérations des critères de sélection totalisent {_percent(total)}, "
                      "et non 100 %", ("service", "selection_criteria"),
                      "Ajustez les « weight » des critères pour que leur somme fasse 100.", key=True)
