"""Money that is not plain cash in the documents: each resource's status, who decides and who pays it
and the reservation it is written under; contributions in kind, valued (issue 14).

`resource_terms(p, plan)` gives, per resource line of the plan (same order as `funding.resources`),
its status (« prévisionnel », « sollicité », « accordé » with the decision), its instrument's decider,
payer and reservation; `in_kind_context(p, plan)` the contributions in kind per partner and year.
"""

from __future__ import annotations

from .. import funding as engine
from ..funding.inkind import in_kind_lines
from ..funding.instruments import instrument
from ..funding.keys import method_label
from ..model import Project
from ..referential import label
from . import formatting as fmt

STATUS_WORDS = {"planned": "prévisionnel", "requested": "sollicité", "granted": "accordé"}


def resource_terms(p: Project, plan, partner_name) -> list[dict]:
    out = []
    given = {f"resource:{r.id}": r for r in p.funding.resources} if p.funding else {}
    for row in engine.rows(plan, "resources"):
        line = row.item
        inst = instrument(line.kind)
        resource = given.get(line.ref)
        status = resource.status if resource else "planned"
        decision = ""
        if resource and resource.decision:
            decision = f"{resource.decision.reference} du {fmt.long_date(resource.decision.date)}"
        payer = inst.pays or (partner_name(p, line.partner) if line.partner else "")
        fallback = partner_name(p, resource.fallback) if resource and resource.fallback else ""
        out.append({
            "name": line.label,
            "status": status,
            "status_label": STATUS_WORDS[status] + (f" ({decision})" if decision else ""),
            "decides": inst.decides,
            "payer": payer,
            "annual": inst.annual,
            "reservation": inst.reservation if status != "granted" or inst.annual else "",
            "fallback": fallback,
            "kind_label": engine.engine.RESOURCE_LABELS.get(line.kind) or label("resource_kinds", line.kind),
        })
    return out


def in_kind_context(p: Project, plan, partner_name) -> list[dict]:
    """One row per contribution in kind: partner, what it is, valuation per year of the plan's view."""
    if p.funding is None or not p.funding.in_kind:
        return []
    rows: dict[str, dict] = {}
    years = [y.year for y in plan.years]
    calendar = {y.year for y in plan.views.get("calendar", plan.years)} if plan.view == "calendar" else set(years)
    for y in sorted(calendar):
        for x in in_kind_lines(p, y):
            row = rows.setdefault(x.ref, {"partner": partner_name(p, x.partner), "kind": x.kind_label, "label": x.label,
                                          "amounts": {}})
            row["amounts"][y] = x.amount
    out = []
    for row in rows.values():
        total = sum(row["amounts"].values())
        out.append({**{k: v for k, v in row.items() if k != "amounts"},
                    "by_year": [{"year": y, "amount": fmt.money(a)} for y, a in sorted(row["amounts"].items())],
                    "total": fmt.money(total)})
    return out


def allocation_words(p: Project) -> str:
    """The allocation key in words (« population », « par groupes : Communes (population), … »), or ""."""
    return method_label(p.funding.allocation if p.funding else None)
