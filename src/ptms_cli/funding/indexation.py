"""Indexation of the yearly running costs: one rate, or rates per cost category and per year (pure).

Costs quoted in base-year euros (`budget.base_year`, by default the first year of the plan; never
after it — rule PTMS-E081) are multiplied, for a year that is the n-th step after the base, by the
product of (1 + rate) of each step: the rate of step k is the last `budget.indexation` rule that
applies to the category and to the year reached at that step, else `budget.indexation_rate`.
A step is a calendar year (`indexation_step: january`, default) or a convention year, from one
anniversary of the start to the next (`anniversary`): the caller says which year a cost falls in.
Explicit `budget.lines` are never indexed (they are amounts as the partners wrote them).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ..model.funding import Budget

INDEXED = ("personnel", "encadrement", "formation", "equipement", "locaux")


def rate(budget: Budget, category: str, year: int) -> Decimal:
    """The rate that takes costs of `category` from year − 1 to `year`."""
    value = budget.indexation_rate
    for rule in budget.indexation:
        if rule.category not in (None, category):
            continue
        if rule.from_year is not None and year < rule.from_year:
            continue
        if rule.to_year is not None and year > rule.to_year:
            continue
        value = rule.rate
    return value


def factor(budget: Budget | None, category: str, year: int, base: int) -> Fraction:
    """Exact factor taking costs of `category` quoted in `base`-year euros to `year` (1 on or before the base)."""
    out = Fraction(1)
    if budget is None or category not in INDEXED:
        return out
    for y in range(base + 1, year + 1):
        out *= 1 + Fraction(rate(budget, category, y))
    return out
