"""Instalments: each partner's contribution of each year split along the convention's payment
schedule, to the cent, each part with the date from which it is due.

Rule: the parts are the year's contribution shared by the schedule's percentages with
`largest_remainder` (they always add up to the amount); the k-th (from 0) of n instalments of a year
[start, end] of M whole months is due from start + ⌊k × M / n⌋ months (a year of 12 months and two
instalments: on its first day and six months later): every one inside the year, so inside the period. A convention year and a calendar
year partly inside the period are the parts of the period they cover (`YearPlan.start` / `end`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .allocation import largest_remainder
from .engine import YearPlan
from .period import add_months, month_measure


@dataclass(frozen=True)
class Installment:
    partner: str
    name: str  # the partner's name
    nature: str
    year: int  # YearPlan.year (calendar year, or number of the convention year)
    year_label: str  # YearPlan.short: « 2026 », « Année 1 »
    parts: tuple[tuple[date, Decimal], ...]  # (due from, amount) for each instalment of the schedule

    @property
    def total(self) -> Decimal:
        return sum((a for _, a in self.parts), Decimal("0.00"))


def due_dates(start: date, end: date, n: int) -> list[date]:
    """From when each of n instalments of the year [start, end] is due (all inside the year)."""
    months = int(month_measure(start, end))
    return [min(add_months(start, k * months // n), end) for k in range(n)]


def installments(years: list[YearPlan], percents: list[Decimal]) -> list[Installment]:
    """Each non-zero contribution of each year split along the schedule (`percents`, in its order);
    by contribution (partner and nature, in the order they first appear), then by year."""
    if not percents:
        return []
    out: list[Installment] = []
    for y in years:
        if y.start is None or y.end is None:
            continue
        dues = due_dates(y.start, y.end, len(percents))
        for c in y.contributions:
            if not c.total:
                continue
            split = largest_remainder(c.total, {f"{i:03d}": p for i, p in enumerate(percents)})
            out.append(Installment(c.partner, c.name, c.nature, y.year, y.short or str(y.year),
                                   tuple((dues[i], split[f"{i:03d}"]) for i in range(len(percents)))))
    first: dict[tuple[str, str], int] = {}
    for x in out:
        first.setdefault((x.partner, x.nature), len(first))
    return sorted(out, key=lambda x: first[(x.partner, x.nature)])  # stable: years stay in order
