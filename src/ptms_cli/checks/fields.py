"""Fields of intervention: each one in the referential or in `custom_fields` (PTMS-E022).

Which fields name a field of intervention is declared on the model (`Ref("fields")`)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import referential
from ..derived import Derived
from ..findings import Problem
from ..model import Project
from ..model.refs import references
from .base import suggest


def fields(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    known = set(referential.FIELDS) | set(p.custom_fields)
    for loc, ref, f, _ in references(p):
        if ref.kind != "fields":
            continue
        if f not in known:
            yield Problem("PTMS-E022", f"champ d'intervention « {f} » inconnu{suggest(f, known)}", loc,
                          "Champs du référentiel : " + ", ".join(referential.FIELDS)
                          + ". Pour un autre champ, déclarez-le dans « custom_fields ».")
