"""The period as the frame of every amount: months pro rata of their days, segments, year views.

Pure date arithmetic (no project I/O). See the package docstring (`ptms_cli.funding`) for the rules.

- `month_measure(lo, hi)`: the months of [lo, hi], each calendar month counting for the share of its
  days inside (1 July..31 December = 6; 15 July..14 July next year = 12 exactly).
- `anniversary(start, k)`: `start` plus k years (29 February -> 1 March).
- `segments(start, end, cuts)`: [start, end] cut at every 1 January, every anniversary of `start`
  and the given extra dates (a partner's entry, the day after its exit).
- `duration(start, end)`: (years, months, days) of [start, end] counted from `start`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

ONE_DAY = timedelta(days=1)


def days_in_month(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def month_measure(lo: date, hi: date) -> Fraction:
    """Months of [lo, hi] (inclusive): whole calendar months count 1, a partial one its days / its days."""
    if hi < lo:
        return Fraction(0)
    total = Fraction(0)
    y, m = lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        n = days_in_month(y, m)
        first = lo.day if (y, m) == (lo.year, lo.month) else 1
        last = hi.day if (y, m) == (hi.year, hi.month) else n
        total += 1 if (first, last) == (1, n) else Fraction(last - first + 1, n)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return total


def month_parts(lo: date, hi: date) -> list[tuple[date, Fraction]]:
    """(first day of the month, share of the month inside [lo, hi]) for each month touched."""
    out = []
    y, m = lo.year, lo.month
    while hi >= lo and (y, m) <= (hi.year, hi.month):
        n = days_in_month(y, m)
        first = lo.day if (y, m) == (lo.year, lo.month) else 1
        last = hi.day if (y, m) == (hi.year, hi.month) else n
        out.append((date(y, m, 1), Fraction(last - first + 1, n)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def anniversary(start: date, k: int) -> date:
    """`start` plus k years; a 29 February start has its anniversaries on 1 March of common years."""
    try:
        return start.replace(year=start.year + k)
    except ValueError:
        return date(start.year + k, 3, 1)


def clip(lo: date | None, hi: date | None, start: date, end: date) -> tuple[date, date] | None:
    """[lo, hi] (open ends: the frame's) inside [start, end], or None when they do not meet."""
    a = max(lo or start, start)
    b = min(hi or end, end)
    return (a, b) if a <= b else None


@dataclass(frozen=True)
class Segment:
    """A piece of the period inside one calendar year and one convention year (and one presence state
    of every partner): every line is computed exactly on it and rounded once at the cent."""

    start: date
    end: date
    convention_year: int  # 1-based

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def months(self) -> Fraction:
        return month_measure(self.start, self.end)


def segments(start: date, end: date, cuts: tuple[date, ...] = ()) -> list[Segment]:
    """[start, end] cut at every 1 January, every anniversary of `start` and each date of `cuts`
    (a cut date begins a new segment); each segment knows its convention year."""
    marks = {date(y, 1, 1) for y in range(start.year + 1, end.year + 1)}
    k = 1
    while anniversary(start, k) <= end:
        marks.add(anniversary(start, k))
        k += 1
    marks |= {c for c in cuts if start < c <= end}
    bounds = [start] + sorted(marks)
    out = []
    conv = 1
    for i, lo in enumerate(bounds):
        hi = bounds[i + 1] - ONE_DAY if i + 1 < len(bounds) else end
        while anniversary(start, conv) <= lo:
            conv += 1
        out.append(Segment(lo, hi, conv))
    return out


def convention_years(start: date, end: date) -> list[tuple[int, date, date]]:
    """(number, first day, last day) of each convention year of [start, end] (the last one clipped)."""
    out = []
    k = 1
    while anniversary(start, k - 1) <= end:
        out.append((k, anniversary(start, k - 1), min(anniversary(start, k) - ONE_DAY, end)))
        k += 1
    return out


def duration(start: date, end: date) -> tuple[int, int, int]:
    """(years, months, days) of [start, end], inclusive, counted from `start` (1 July 2026 - 30 June
    2029: (3, 0, 0); 15 July 2026 - 14 January 2028: (1, 6, 0))."""
    after = end + ONE_DAY
    months = (after.year - start.year) * 12 + after.month - start.month
    while months > 0 and add_months(start, months) > after:
        months -= 1
    days = (after - add_months(start, months)).days
    return months // 12, months % 12, days


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    return date(y, m, min(d.day, days_in_month(y, m)))


def convention_term(period_start: date, period_end: date, start: date | None, duration_years: int | None
                    ) -> tuple[date, date]:
    """First and last day of the convention: from its `start` (default: the period's) for
    `duration_years` years when given, else exactly to the end of the period."""
    first = start or period_start
    if duration_years:
        return first, anniversary(first, duration_years) - ONE_DAY
    return first, period_end
