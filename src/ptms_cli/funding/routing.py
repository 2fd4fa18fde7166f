"""Who receives the cost of the service: the lead operator, and what it passes on to each sub-contractor.

A sub-contractor (`service.subcontractors`) is paid by the lead operator out of the service's cost
(it is part of the cost, never added to it): either a share of the cost (`share`, e.g. 0.15) or a
yearly amount (`amount`). The lead operator keeps the rest. Per segment of the period (see `period`),
only while the sub-contractor takes part (its `from` / `until`):
  - `share`: share × the cost of the plan up to the end of the segment, rounded once to the cent
    (ROUND_HALF_UP), minus the same up to its start — the parts add up, over any run of segments
    from the period's start, to the share of their cost rounded once;
  - `amount`: the yearly amount × (its months of presence up to the end of the segment) / 12, rounded
    once, minus the same up to its start — a whole convention year gets exactly the yearly amount,
    a calendar year partly inside the period its months' share.
The lead operator's part of a segment is its cost minus the sub-contractors' parts (negative when the
sub-contractors are promised more than the service costs: `over`). Pure: the engine gives the costs,
months and presence of each segment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..model import Project

LEAD, SUBCONTRACTOR = "lead", "subcontractor"


@dataclass(frozen=True)
class OperatorShare:
    """What one operator receives of a year's cost of the service."""

    partner: str
    name: str
    role: str  # lead (the operator, `service.operator`) or subcontractor
    amount: Decimal
    basis: str = ""  # subcontractor: share (of the cost) or amount (yearly); lead: ""
    rate: Decimal | None = None  # the `share` (0.15) or the yearly `amount` of a subcontractor


def role_label(x: OperatorShare) -> str:
    """« opérateur principal », « sous-traitant : 12 000,00 € par an », « sous-traitant : 15 % du coût »."""
    from ..frformat import money, rate

    if x.role == LEAD:
        return "opérateur principal"
    if x.basis == "share" and x.rate is not None:
        return f"sous-traitant : {rate(x.rate, ratio=True)} du coût"
    return f"sous-traitant : {money(x.rate)} par an" if x.rate is not None else "sous-traitant"


def _cents(x: Fraction) -> Fraction:
    """Round an exact amount to the cent, half away from zero (as `engine.to_cents`), kept exact."""
    q = x * 100
    sign = -1 if q < 0 else 1
    q = abs(q)
    return Fraction(sign * ((q.numerator * 2 + q.denominator) // (2 * q.denominator)), 100)


def _name(project: Project, pid: str) -> str:
    p = project.partner(pid)
    return p.name if p else pid


def route(project: Project, costs: Sequence[Decimal], months: Sequence[Fraction],
          present: Callable[[str, int], bool]) -> list[list[OperatorShare]]:
    """For each segment (its cost and months, in order), what each operator receives: the lead
    operator first, then the sub-contractors in their order. Empty lists without a sub-contractor."""
    s = project.service
    if s is None or not s.subcontractors:
        return [[] for _ in costs]
    out: list[list[OperatorShare]] = [[] for _ in costs]
    subs: list[list[OperatorShare]] = [[] for _ in costs]
    for sub in s.subcontractors:
        cost_before = Fraction(0)  # the plan's cost (or the sub-contractor's months) up to the segment
        months_before = Fraction(0)
        done = Fraction(0)  # what it has received up to the segment (rounded cumulative)
        for i, (cost, m) in enumerate(zip(costs, months)):
            here = present(sub.partner, i)
            cost_before += Fraction(cost) if here else 0
            months_before += m if here else 0
            if sub.share is not None:
                upto = _cents(Fraction(sub.share) * cost_before)
                basis, rate = "share", sub.share
            elif sub.amount is not None:
                upto = _cents(Fraction(sub.amount) * months_before / 12)
                basis, rate = "amount", sub.amount
            else:  # neither (PTMS-E063): nothing to route
                continue
            part = upto - done
            done = upto
            if here:
                subs[i].append(OperatorShare(sub.partner, _name(project, sub.partner), SUBCONTRACTOR,
                                             _decimal(part), basis, rate))
    for i, cost in enumerate(costs):
        lead = cost - sum((x.amount for x in subs[i]), Decimal("0.00"))
        out[i] = [OperatorShare(s.operator, _name(project, s.operator), LEAD, lead)] + subs[i]
    return out


def _decimal(x: Fraction) -> Decimal:
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"))
