"""Properties of the largest-remainder sharing (hypothesis, thousands of cases)."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptms_cli.funding import AllocationError, largest_remainder

amounts = st.integers(min_value=0, max_value=10**10).map(lambda c: Decimal(c) / 100)
weight_values = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    st.fractions(min_value=0, max_value=1000, max_denominator=97),
)
weights = st.dictionaries(st.text("abcdefghij", min_size=1, max_size=6), weight_values, min_size=1, max_size=12).filter(
    lambda w: sum(Fraction(v) for v in w.values()) > 0
)


def exact(amount: Decimal, w: dict) -> dict:
    total = sum(Fraction(v) for v in w.values())
    return {k: Fraction(amount) * Fraction(v) / total for k, v in w.items()}


@pytest.mark.slow
@settings(max_examples=1500, deadline=None)
@given(amounts, weights)
def test_parts_add_up_exactly_are_not_negative_and_stay_within_a_cent(amount, w):
    parts = largest_remainder(amount, w)
    assert set(parts) == set(w)
    assert sum(parts.values()) == amount
    assert all(p >= 0 and p == p.quantize(Decimal("0.01")) for p in parts.values())
    for k, x in exact(amount, w).items():
        assert abs(Fraction(parts[k]) - x) < Fraction(1, 100)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(amounts, weights, st.randoms(use_true_random=False))
def test_order_of_partners_does_not_change_any_amount(amount, w, rnd: random.Random):
    items = list(w.items())
    rnd.shuffle(items)
    assert largest_remainder(amount, dict(items)) == largest_remainder(amount, w)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(amounts, weights)
def test_same_inputs_same_outputs_and_zero_weight_gets_nothing(amount, w):
    w = dict(w) | {"zzz-zero": 0}
    first = largest_remainder(amount, w)
    assert first == largest_remainder(amount, dict(w))
    assert first["zzz-zero"] == 0


def test_tie_break_gives_the_extra_cent_to_the_smallest_key_among_equal_weights():
    # 0,02 € between three equal weights: two parts get a cent; with equal remainders and weights, keys decide
    assert largest_remainder(Decimal("0.02"), {"c": 1, "a": 1, "b": 1}) == {
        "a": Decimal("0.01"), "b": Decimal("0.01"), "c": Decimal("0.00")}
    # a larger weight wins a tie on the dropped fraction
    assert largest_remainder(Decimal("0.01"), {"a": 1, "b": 1})["a"] == Decimal("0.01")


def test_percentages_of_the_intercommunal_example_by_hand():
    parts = largest_remainder(Decimal("244035.14"), {"agglo": 40, "marcq": 30, "hem": 20, "sailly": 10})
    # floors leave 2 cents; they go to the largest dropped fractions: hem (0,8 cent), agglo (0,6 cent)
    assert parts == {"agglo": Decimal("97614.06"), "marcq": Decimal("73210.54"), "hem": Decimal("48807.03"),
                     "sailly": Decimal("24403.51")}


@pytest.mark.parametrize("amount, w", [(Decimal("-1.00"), {"a": 1}), (Decimal("10.00"), {"a": 0}),
                                       (Decimal("10.001"), {"a": 1}), (Decimal("10.00"), {"a": -1, "b": 2})])
def test_impossible_sharing_is_refused(amount, w):
    with pytest.raises(AllocationError):
        largest_remainder(amount, w)
