"""French number layout agrees with babel's fr_FR (CLDR) output, spaces made no-break."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptms_cli.frformat import NBSP, money, number, percent

SPACES = str.maketrans({"\u202f": NBSP, " ": NBSP})


@pytest.mark.slow
@settings(max_examples=2000)
@given(st.integers(min_value=-99_999_999_999, max_value=99_999_999_999))
def test_money_matches_babel(cents):
    amount = Decimal(cents).scaleb(-2)
    assert money(amount) == format_currency(amount, "EUR", locale="fr_FR").translate(SPACES)


@pytest.mark.slow
@settings(max_examples=1000)
@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=0, max_value=3))
def test_number_matches_babel_on_exact_values(units, digits):
    value = Decimal(units).scaleb(-digits)
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    assert number(value, digits) == format_decimal(value, format=fmt, locale="fr_FR").translate(SPACES)


def test_half_up_and_examples():
    assert money(Decimal("12345.67")) == f"12{NBSP}345,67{NBSP}€"
    assert number(Decimal("2.345")) == "2,35"  # half up, where babel would give 2,34
    assert percent(Decimal("0.262548")) == f"26,3{NBSP}%"
    assert number(Decimal("-0.001")) == "0,00"
