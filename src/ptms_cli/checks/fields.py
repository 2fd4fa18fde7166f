"""Fields of intervention: each one in the referential or in `custom_fields` (PTMS-E022)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import referential
from ..derived import Derived
from ..findings import Problem
from ..model import Project
from .base import suggest


def _field_refs(p: Project) -> Iterator[tuple[tuple, str]]:
    for i, partner in enumerate(p.partners):
        for j, f in enumerate(partner.fields):
            yield ("partners", i, "fields", j), f
        for j, need in enumerate(partner.needs):
            yield ("partners", i, "needs", j, "field"), need.field
    for i, o in enumerate(p.objectives):
        for j, f in enumerate(o.fields):
            yield ("objectives", i, "fields", j), f
    for i, a in enumerate(p.actors):
        for j, f in enumerate(a.fields):
            yield ("actors", i, "fields", j), f
    if p.service:
        for j, f in enumerate(p.service.fields):
            yield ("service", "fields", j), f
        for i, sec in enumerate(p.service.sectors):
            for j, f in enumerate(sec.fields):
                yield ("service", "sectors", i, "fields", j), f


def fields(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    known = set(referential.FIELDS) | set(p.custom_fields)
    for loc, f in _field_refs(p):
        if f not in known:
            yield Problem("PTMS-E022", f"champ d'intervention « {f} » inconnu{suggest(f, known)}", loc,
                          "Champs du référentiel : " + ", ".join(referential.FIELDS)
                          + ". Pour un autre champ, déclarez-le dans « custom_fields ».")
