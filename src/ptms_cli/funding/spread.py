"""Amounts given per calendar year shared between the segments of that year by their need, to the cent.

Without an allocation key, every resource and contribution is a fixed amount per calendar year, and a
calendar year is cut into segments (1 January, anniversaries of the period's start, partners' dates).
Each segment's costs are computed on it and rounded once; for each year of both views (calendar and
convention years, each the sum of its segments) to balance, each segment must receive exactly its
need (its costs minus what is computed on it, e.g. the State aids). `by_need` shares the year's given
amounts that way: the segments' targets are the year's total shared in proportion to their needs
(largest remainder; exactly the needs when the year balances), then every amount is split over the
segments so that each amount and each segment add up exactly (a controlled rounding, see `fill`).

Pure: no project, no dates; the engine says which amounts and which needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from .allocation import largest_remainder

ZERO = Decimal("0.00")


def fill(amounts: Mapping[str, Decimal], targets: Sequence[Decimal]) -> dict[str, list[Decimal]]:
    """Each amount split over the columns (`targets`) so that the parts of an amount add up to it and
    the parts of a column add up to its target, all in whole cents, none negative.

    Requires: amounts and targets >= 0 in whole cents, sum(amounts) == sum(targets). Column by column,
    the target is shared in proportion to what each amount has left (largest remainder); the last
    column takes what is left. A part never exceeds what is left of its amount (its exact share of the
    target is at most that, and both are whole cents), so nothing goes negative."""
    total = sum(amounts.values(), ZERO)
    if total != sum(targets, ZERO) or any(a < 0 for a in amounts.values()) or any(t < 0 for t in targets):
        raise ValueError("fill: amounts and targets must be >= 0 and add up to the same total")
    left = dict(amounts)
    out: dict[str, list[Decimal]] = {k: [] for k in amounts}
    for j, target in enumerate(targets):
        if j == len(targets) - 1:
            parts = left
        elif target == 0:
            parts = dict.fromkeys(left, ZERO)
        else:
            parts = largest_remainder(target, left)
        for k in amounts:
            out[k].append(parts[k])
        left = {k: left[k] - parts[k] for k in left}
    return out


def by_need(amounts: Mapping[str, Decimal], needs: Sequence[Decimal]) -> dict[str, list[Decimal]] | None:
    """The amounts of one year shared between its segments in proportion to their `needs` (each
    segment's exact need when the amounts add up to the needs' total); None when the needs cannot
    weight (one negative, or none positive): the caller keeps its own rule (pro rata of months)."""
    if not amounts or any(n < 0 for n in needs) or not any(n > 0 for n in needs):
        return None
    total = sum(amounts.values(), ZERO)
    weights = {f"{j:06d}": n for j, n in enumerate(needs)}
    shares = largest_remainder(total, weights) if total else dict.fromkeys(weights, ZERO)
    return fill(amounts, [shares[f"{j:06d}"] for j in range(len(needs))])
