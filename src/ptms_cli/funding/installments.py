"""Instalments: each partner's contribution of each year split along the convention's payment
schedule, to the cent, each part with the date from which it is due.

Rule (`split`): instalment k brings what is due by it — the amount times the schedule's cumulative
percentage up to k, rounded down to the cent — minus what the earlier ones brought; the last one
brings the rest. So the parts add up exactly to the amount, the instalments before the last never
bring more than the schedule has made due so far, the remainder of the rounding falls on the last
(100 € in three thirds: 33,33 + 33,33 + 33,34 €), and each part is within a cent of its exact share
(rounding each part on its own and giving the last the rest could put it n − 1 half-cents away). The k-th (from 0) of n instalments of a year
[start, end] of M whole months is due from start + ⌊k × M / n⌋ months (a year of 12 months and two
instalments: on its first day and six months later): every one inside the year, so inside the period. A convention year and a calendar
year partly inside the period are the parts of the period they cover (`YearPlan.start` / `end`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

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


def split(amount: Decimal, percents: Sequence[Decimal | int]) -> list[Decimal]:
    """`amount` (whole cents) split along the schedule (`percents`, > 0, in its order; shares of their
    sum, normally 100): what is due by each instalment (its cumulative share) rounded to the nearest
    cent (half up), minus what the earlier ones paid; the last part takes the rest. With two
    instalments this is the usual « each rounded, the balance takes the rest » (the rule conventions
    already signed with ptms carry); with more, no part is ever more than a cent off its share."""
    total = sum((Fraction(p) for p in percents), Fraction(0))
    if not percents or total <= 0 or any(p <= 0 for p in percents):
        raise ValueError("échéancier sans pourcentage positif")
    cents = Fraction(amount) * 100
    if cents.denominator != 1:
        raise ValueError("le montant à échelonner doit être en centimes")
    sign, left = (-1 if cents < 0 else 1), abs(cents.numerator)
    out: list[Decimal] = []
    done, cumulative = 0, Fraction(0)
    for k, p in enumerate(percents):
        cumulative += Fraction(p)
        den = cumulative.denominator * total.numerator
        upto = left if k == len(percents) - 1 else (2 * left * cumulative.numerator * total.denominator + den) // (2 * den)
        out.append((Decimal(sign * (upto - done)) / 100).quantize(Decimal("0.01")))
        done = upto
    return out


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
            out.append(Installment(c.partner, c.name, c.nature, y.year, y.short or str(y.year),
                                   tuple(zip(dues, split(c.total, percents)))))
    first: dict[tuple[str, str], int] = {}
    for x in out:
        first.setdefault((x.partner, x.nature), len(first))
    return sorted(out, key=lambda x: first[(x.partner, x.nature)])  # stable: years stay in order
