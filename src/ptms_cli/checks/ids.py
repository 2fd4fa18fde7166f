"""Identifiers: each one unique in its list (PTMS-E020)."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project


def unique_ids(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    groups: list[tuple[str, tuple, list]] = [
        ("partenaire", ("partners",), p.partners),
        ("objectif", ("objectives",), p.objectives),
        ("acteur", ("actors",), p.actors),
        ("secteur", ("territory", "sectors"), p.territory.sectors),
    ]
    if p.service:
        groups.append(("poste", ("service", "posts"), p.service.posts))
    if p.budget:
        groups.append(("type de poste", ("budget", "post_types"), p.budget.post_types))
    if p.funding:
        groups.append(("ressource", ("funding", "resources"), p.funding.resources))
    if p.evaluation:
        groups.append(("indicateur", ("evaluation", "indicators"), p.evaluation.indicators))
    for what, base, items in groups:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                yield Problem("PTMS-E020", f"identifiant de {what} « {item.id} » en double (déjà utilisé en position {seen[item.id] + 1})",
                              base + (i, "id"), "Chaque identifiant doit être unique dans sa liste.")
            else:
                seen[item.id] = i
