"""Template context `operators`: who carries the service, who employs whom, who receives what.

The lead operator (`service.operator`) employs the posts of `service.posts` and receives the
contributions and the State aids of those posts; each sub-contracted operator
(`service.subcontractors`) employs its own staff for the activities and sectors entrusted to it and
receives from the lead operator a share of the yearly cost or a yearly amount. Sentences are
ready to print (French typography by `frformat` and `formatting`): templates only lay them out.
"""

from __future__ import annotations

from typing import Any

from .. import frformat, referential
from ..model import Project
from . import formatting as fmt

NBSP, NNBSP = "\u00a0", "\u202f"  # before « : » ; before « ; » (French typography)


def _name(p: Project, pid: str) -> str:
    partner = p.partner(pid)
    return " ".join(partner.name.split()) if partner else pid


def _sectors(p: Project, ids: list[str]) -> str:
    names = {s.id: " ".join(s.name.split()) for s in p.territory.sectors}
    return fmt.join([names.get(i, i) for i in ids])


def operators_context(p: Project) -> dict[str, Any] | None:
    """`operators.lead` (name, `employs`, `receives`), `operators.subcontractors` (name,
    `activities_label`, `sectors_label`, `receives`, `sentence`), `operators.summary`; None without
    a service."""
    s = p.service
    if s is None:
        return None
    lead = _name(p, s.operator)
    staff = sum(x.count for x in s.posts)
    employs = (f"L'opérateur principal, {lead}, emploie le personnel des {fmt.count_text(staff, 'poste')} du service"
               if staff > 1 else f"L'opérateur principal, {lead}, emploie le personnel du service")
    aided = any(x.contract in ("adulte_relais", "pec") for x in s.posts)
    receives = "les contributions des partenaires" + (" et les aides de l'État attachées à ses postes aidés" if aided else "")
    subs = []
    for sub in s.subcontractors:
        name = _name(p, sub.partner)
        activities = fmt.join([referential.label("activities", a).lower() for a in sub.activities])
        sectors = _sectors(p, sub.sectors)
        if sub.share is not None:
            money = f"{frformat.rate(sub.share, ratio=True)} du coût annuel du service"
        else:
            money = f"{fmt.money(sub.amount)} par an" if sub.amount is not None else "un montant à fixer"
        scope = "".join(x for x in (
            activities and f" — activités{NBSP}: {activities}",
            sectors and f"{NNBSP}; {'secteur' if len(sub.sectors) == 1 else 'secteurs'}{NBSP}: {sectors}" if activities
            else sectors and f" — {'secteur' if len(sub.sectors) == 1 else 'secteurs'}{NBSP}: {sectors}") if x)
        subs.append({
            "id": sub.partner, "name": name, "activities_label": activities or "toutes les activités du service",
            "sectors_label": sectors or "tous les secteurs du service", "receives": money,
            "sentence": f"{name}, sous-traitant de l'opérateur principal{scope}. Ce partenaire emploie son propre "
                        f"personnel et reçoit de l'opérateur principal {money}.",
        })
    summary = f"{employs} et reçoit {receives}."
    if subs:
        summary += (" L'opérateur principal reste seul responsable de l'exécution du service devant les partenaires "
                    "et reverse à chaque sous-traitant la part qui lui revient.")
    return {"lead": {"id": s.operator, "name": lead, "employs": employs, "receives": receives},
            "subcontractors": subs, "summary": summary}
