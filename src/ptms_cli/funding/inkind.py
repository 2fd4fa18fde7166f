"""Contributions in kind: premises, a vehicle or staff time a partner provides, valued per year (pure).

They are part of the scheme's total value, never cash: they do not enter the yearly costs, the
resources, the contributions, the balance or the overhead base (`engine.year_costs` never reads
them). The convention says what is provided and its valuation, not a payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import Project
from ..referential import label

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InKindLine:
    partner: str
    name: str  # the partner's name
    kind: str  # locaux, vehicule, personnel, materiel, autre
    kind_label: str
    label: str
    amount: Decimal
    ref: str  # in_kind:<n>, stable across years


def in_kind_lines(project: Project, year: int) -> list[InKindLine]:
    """The contributions in kind valued for `year`, in the order of the file."""
    if project.funding is None:
        return []
    out = []
    for n, item in enumerate(project.funding.in_kind):
        if year in item.amounts:
            partner = project.partner(item.partner)
            out.append(InKindLine(item.partner, partner.name if partner else item.partner, item.kind,
                                  label("in_kind_kinds", item.kind), item.label, item.amounts[year], f"in_kind:{n}"))
    return out


def in_kind_total(project: Project, year: int) -> Decimal:
    return sum((x.amount for x in in_kind_lines(project, year)), ZERO)


def in_kind_by_partner(project: Project, years: list[int]) -> dict[str, dict[int, Decimal]]:
    """partner id -> year -> valuation of its contributions in kind (years without any: absent)."""
    out: dict[str, dict[int, Decimal]] = {}
    for year in years:
        for x in in_kind_lines(project, year):
            row = out.setdefault(x.partner, {})
            row[year] = row.get(year, ZERO) + x.amount
    return out
