"""Share an amount between parties in proportion to weights, exactly to the cent.

Largest-remainder (Hamilton) rounding, in exact rational arithmetic (`fractions.Fraction`, no
float): each party first gets its exact proportional part rounded down to the cent; the cents left
over (fewer than the number of parties) go one each to the parties with the largest dropped
fractions. Ties are broken by larger weight first, then by key in ascending order, so the result
does not depend on the order in which parties are listed.

Guarantees (property-tested): the parts add up exactly to the amount shared; no part is negative;
each part is within one cent (strictly) of its exact proportional value; same inputs, same outputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from math import lcm

CENT = Decimal("0.01")


class AllocationError(ValueError):
    """The amount cannot be shared (negative amount, no positive weight, negative weight)."""


def largest_remainder(amount: Decimal, weights: Mapping[str, Fraction | Decimal | int]) -> dict[str, Decimal]:
    """Parts of `amount` (>= 0, whole cents) for each key, proportional to its weight (>= 0)."""
    if amount != amount.quantize(CENT):
        raise AllocationError("le montant à répartir doit être en centimes")
    if amount < 0:
        raise AllocationError("le montant à répartir est négatif")
    w = {k: Fraction(v) for k, v in weights.items()}
    if any(v < 0 for v in w.values()):
        raise AllocationError("poids négatif")
    total_weight = sum(w.values(), Fraction(0))
    if total_weight == 0:
        raise AllocationError("aucun poids positif")
    cents = int(amount * 100)
    # The same ratios as integers (the weights over a common denominator): the exact part of k is
    # cents * iw[k] / total, its floor and dropped fraction one integer divmod, compared exactly.
    den = lcm(*(v.denominator for v in w.values()))
    iw = {k: v.numerator * (den // v.denominator) for k, v in w.items()}
    total = sum(iw.values())
    parts, dropped = {}, {}
    for k, x in iw.items():
        parts[k], dropped[k] = divmod(cents * x, total)
    left = cents - sum(parts.values())
    order = sorted(iw, key=lambda k: (-dropped[k], -iw[k], k))
    for k in order[:left]:
        parts[k] += 1
    return {k: (Decimal(c) / 100).quantize(CENT) for k, c in parts.items()}
