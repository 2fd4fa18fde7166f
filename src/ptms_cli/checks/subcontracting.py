"""Sub-contracting in the funding plan (PTMS-W125): the yearly amounts promised to the
sub-contractors exceed the cost of the service in a calendar year (the lead operator's part,
`funding.routing`, would be negative: the service would pay more than it costs)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..derived import Derived
from ..findings import Problem
from ..frformat import money
from ..model import Project


def over_cost(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.service is None or not p.service.subcontractors:
        return
    for y in d.plan.views.get("calendar", []):
        lead = next((o for o in y.operators if o.role == "lead"), None)
        if lead is None or lead.amount >= 0:
            continue
        passed = sum((o.amount for o in y.operators if o.role == "subcontractor"), Decimal("0.00"))
        yield Problem(
            "PTMS-W125",
            f"en {y.year}, les montants reversés aux sous-traitants ({money(passed)}) dépassent le coût du service "
            f"({money(y.cost_total)})",
            ("service", "subcontractors"),
            "Le montant d'un sous-traitant fait partie du coût du service : réduisez « amount » (ou « share »), "
            "ou ajoutez son coût au budget (« budget.lines »).",
        )
