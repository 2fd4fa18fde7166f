"""Who may hold which place: partners who declined or left, operators (PTMS-E060, E061, E062, E063).

The places a partner holds are found by `model.refs.usages` (every field marked `Ref("partners")`),
so a field added to the model later is covered without a change here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ..derived import Derived
from ..findings import Problem
from ..model import Project
from ..model.refs import usages
from .posts import short_date

# Places a partner who declined cannot hold, by the start of their path in the project, and what
# they make of the partner (the first match wins).
FORBIDDEN: tuple[tuple[tuple[str, ...], str], ...] = (
    (("funding",), "financeur"),
    (("convention", "signatories"), "signataire"),
    (("convention",), "partie à la convention"),
    (("governance",), "membre de la gouvernance"),
    (("service", "operator"), "opérateur"),
    (("service", "subcontractors"), "opérateur sous-traitant"),
)

# Places a partner who has left the project before the convention starts cannot hold.
AFTER_LEAVING: tuple[tuple[tuple[str, ...], str], ...] = (
    (("convention", "signatories"), "signataire"),
    (("governance",), "membre de la gouvernance"),
)


def _match(loc: tuple, places: tuple[tuple[tuple[str, ...], str], ...]) -> str | None:
    return next((what for prefix, what in places if loc[: len(prefix)] == prefix), None)


def place_title(project: BaseModel, loc: tuple) -> str:
    """« Plan de financement › Contributions fixes des partenaires › Partenaire contributeur »: the
    French titles of the fields along `loc` (list indexes skipped)."""
    titles: list[str] = []
    node: Any = project
    for key in loc:
        if isinstance(key, int):
            node = node[key] if isinstance(node, list) and key < len(node) else None
            continue
        if not isinstance(node, BaseModel):
            break
        name = next((n for n, f in type(node).model_fields.items() if (f.alias or n) == key), key)
        field = type(node).model_fields.get(name)
        titles.append(field.title if field is not None and field.title else str(key))
        node = getattr(node, name, None)
    return " › ".join(titles)


def _role_signatory(p: Project, i: int) -> tuple | None:
    """Path of the role « signatory » of partner `i` when that role makes it a signatory."""
    partner = p.partners[i]
    if (p.convention and p.convention.signatories) or "signatory" not in partner.roles:
        return None
    return ("partners", i, "roles", partner.roles.index("signatory"))


def declined(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    for i, partner in enumerate(p.partners):
        if partner.status != "declined":
            continue
        places = [(loc, what) for loc, _ in usages(p, "partners", partner.id) if (what := _match(loc, FORBIDDEN))]
        if (role := _role_signatory(p, i)) is not None:
            places.append((role, "signataire"))
        for loc, what in places:
            where = "rôle « signatory »" if loc[0] == "partners" else place_title(p, loc)
            yield Problem(
                "PTMS-E060",
                f"le partenaire « {partner.id} » a décliné : il ne peut pas être {what} ({where})",
                loc,
                "Retirez-le de cette place, ou changez son statut (« status ») s'il s'est finalement engagé.",
            )


def left(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    start = (p.convention.start if p.convention else None) or (p.period.start if p.period else None)
    if start is None or p.convention is None and p.governance is None:
        return
    for i, partner in enumerate(p.partners):
        if partner.until is None or partner.until >= start or partner.status == "declined":
            continue
        places = [(loc, what) for loc, _ in usages(p, "partners", partner.id) if (what := _match(loc, AFTER_LEAVING))]
        if p.convention is not None and (role := _role_signatory(p, i)) is not None:
            places.append((role, "signataire"))
        for loc, what in places:
            where = "rôle « signatory »" if loc[0] == "partners" else place_title(p, loc)
            yield Problem(
                "PTMS-E061",
                f"le partenaire « {partner.id} » quitte le projet le {short_date(partner.until)}, avant la prise d'effet "
                f"de la convention le {short_date(start)} : il ne peut pas être {what} ({where})",
                loc,
                "Retirez-le de cette place, ou corrigez sa date de sortie (« until »).",
            )


def operators(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.service is None:
        return
    lead = p.service.operator
    subs = p.service.subcontractors
    seen: set[str] = set()
    for j, sub in enumerate(subs):
        loc = ("service", "subcontractors", j)
        if sub.partner == lead:
            yield Problem("PTMS-E063", f"« {sub.partner} » est l'opérateur principal : il ne peut pas être aussi son sous-traitant",
                          loc + ("partner",), "Retirez cette ligne des sous-traitants.")
        elif sub.partner in seen:
            yield Problem("PTMS-E063", f"le sous-traitant « {sub.partner} » est déclaré deux fois", loc + ("partner",),
                          "Regroupez ses activités et secteurs dans une seule ligne.")
        seen.add(sub.partner)
        if (sub.share is None) == (sub.amount is None):
            yield Problem("PTMS-E063", f"sous-traitant « {sub.partner} » : indiquez soit une part du coût (« share »), "
                          "soit un montant annuel (« amount »)" + (", pas les deux" if sub.share is not None else ""),
                          loc, "Ex. « share: 0.15 » pour 15 % du coût annuel du service, ou « amount: 30000 ».")
        outside = [a for a in sub.activities if a not in p.service.activities] if p.service.activities else []
        if outside:
            yield Problem("PTMS-E063", f"sous-traitant « {sub.partner} » : activité{'s' if len(outside) > 1 else ''} "
                          f"{', '.join(outside)} hors des activités du service", loc + ("activities",),
                          "Un sous-traitant ne peut porter que des activités du service (« service.activities »).")
        covered = {s.sector for s in p.service.sectors}
        out_sectors = [s for s in sub.sectors if covered and s not in covered]
        if out_sectors:
            yield Problem("PTMS-E063", f"sous-traitant « {sub.partner} » : secteur{'s' if len(out_sectors) > 1 else ''} "
                          f"{', '.join(out_sectors)} hors des secteurs couverts par le service", loc + ("sectors",),
                          "Ajoutez le secteur au service (« service.sectors ») ou retirez-le du sous-traitant.")
    total = sum((s.share for s in subs if s.share is not None), start=0)
    if total > 1:
        yield Problem("PTMS-E063", "les parts confiées aux sous-traitants dépassent le coût du service "
                      f"({', '.join(str(s.share) for s in subs if s.share is not None)})",
                      ("service", "subcontractors"), "La somme des « share » doit rester inférieure ou égale à 1.")
    carriers = {lead} | {s.partner for s in subs}
    for i, partner in enumerate(p.partners):
        if "operator" in partner.roles and partner.id not in carriers and partner.status != "declined":
            yield Problem(
                "PTMS-E062",
                f"le partenaire « {partner.id} » a le rôle « operator » mais ne porte pas le service : "
                f"l'opérateur est « {lead} » et il n'est pas déclaré comme sous-traitant",
                ("partners", i, "roles", partner.roles.index("operator")),
                "Déclarez-le dans « service.subcontractors » (activités, secteurs, part ou montant) "
                "ou retirez-lui le rôle « operator ».",
            )
