"""References: every id that points at a partner, sector, objective or post type exists (PTMS-E021, E032).

Which fields are references is declared once, on the model (`model.refs.Ref`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project
from ..model.refs import TARGETS
from ..model.refs import references as project_references
from .base import suggest


def _defined(p: Project) -> dict[str, set[str]]:
    """kind -> ids defined in the project (fields are checked by `checks.fields`)."""
    return {
        "partners": {x.id for x in p.partners},
        "sectors": {x.id for x in p.territory.sectors},
        "objectives": {x.id for x in p.objectives},
        "post_types": {x.id for x in p.budget.post_types} if p.budget else set(),
        "posts": {x.id for x in p.service.posts} if p.service else set(),
    }


def references(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    defined = _defined(p)
    for loc, ref, value, _ in project_references(p):
        if value is None or not ref.checked or ref.kind not in defined:
            continue
        ids = defined[ref.kind]
        if value not in ids:
            where = ".".join(TARGETS[ref.kind][0] or ())
            yield Problem("PTMS-E021", f"{ref.name} « {value} » : aucun {ref.noun} n'a cet identifiant{suggest(value, ids)}", loc,
                          f"Identifiants définis dans {where} : {', '.join(sorted(ids)) or '(aucun)'}.")
    if p.service and p.service.operator not in defined["partners"]:
        ids = defined["partners"]
        yield Problem("PTMS-E032", f"l'opérateur « {p.service.operator} » n'est pas un partenaire du projet{suggest(p.service.operator, ids)}",
                      ("service", "operator"), "Ajoutez l'opérateur dans « partners » avec le rôle « operator ».")
