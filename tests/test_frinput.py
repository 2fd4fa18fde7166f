"""French input of rates, dates and amounts (`wizard.frinput`): property tests and the typical answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ptms_cli.documents.formatting import long_date
from ptms_cli.wizard.frinput import (FrInputError, parse_amount, parse_date, parse_percent, show_amount,
                                     show_date, show_percent)

SPACES = st.sampled_from([" ", "\u00a0", "\u202f"])


def grouped(n: int, space: str) -> str:
    text = str(n)
    groups = []
    while len(text) > 3:
        text, groups = text[:-3], [text[-3:], *groups]
    return space.join([text, *groups])


# --- rates ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, fraction", [
    ("2", "0.02"), ("2 %", "0.02"), ("2%", "0.02"), ("2,5 %", "0.025"), ("2.5", "0.025"), ("0,5", "0.005"),
    ("100 %", "1"), ("50 %", "0.5"), ("-1,5 %", "-0.015"), ("1\u202f%", "0.01"),
])
def test_a_rate_is_typed_as_a_percentage(typed, fraction):
    assert parse_percent(typed) == Decimal(fraction)


@given(st.integers(min_value=-10**6, max_value=10**6), st.integers(min_value=0, max_value=4))
def test_a_rate_shown_back_parses_to_the_same_fraction(units, decimals):
    fraction = Decimal(units).scaleb(-decimals - 2)
    shown = show_percent(fraction)
    assert shown.endswith("\u00a0%") and "." not in shown
    assert parse_percent(shown) == fraction


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=99), SPACES, st.booleans())
def test_percent_with_comma_and_sign(whole, cents, space, sign):
    typed = f"{whole},{cents:02d}" + (f"{space}%" if sign else "")
    assert parse_percent(typed) == (Decimal(whole) + Decimal(cents) / 100) / 100


def test_a_rate_shown_back_in_french_form():
    assert show_percent(Decimal("0.025")) == "2,5\u00a0%"
    assert show_percent(Decimal("0.02")) == "2\u00a0%"
    assert show_percent(Decimal("0.0125")) == "1,25\u00a0%"  # never rounded: it is the value a prompt pre-fills


# --- amounts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, value", [
    ("30 000 €", "30000"), ("30000", "30000"), ("1 234,56", "1234.56"), ("1234.56", "1234.56"),
    ("30\u202f000,00\u00a0€", "30000.00"), ("42000 euros", "42000"), ("0,5", "0.5"), ("1 000 000 €", "1000000"),
])
def test_an_amount_in_french_form(typed, value):
    assert parse_amount(typed) == Decimal(value)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99), SPACES,
       st.sampled_from(["", " €", "\u00a0€", "€"]))
@example(30000, 0, " ", " €")
def test_an_amount_with_thousands_spaces_comma_and_euro(euros, cents, space, euro):
    typed = f"{grouped(euros, space)},{cents:02d}{euro}"
    assert parse_amount(typed) == Decimal(euros) + Decimal(cents) / 100


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_an_amount_shown_back_parses_to_the_same_value(value):
    assert parse_amount(show_amount(value)) == value


@pytest.mark.parametrize("typed, words", [
    ("1e3", "sans exposant"), ("1E3", "sans exposant"), ("2.5e-3", "sans exposant"), ("inf", "n'est pas un nombre"),
    ("nan", "n'est pas un nombre"), ("0x10", "n'est pas un nombre"), ("1_000", "n'est pas un nombre"),
    ("30 00", "se groupent par trois"), ("1.234", "le point est ambigu"), ("1,999", "au plus deux décimales"),
    ("€ 30", "après le montant"), ("", "la réponse est vide"), ("9" * 50, "trop longue"),
])
def test_an_amount_refused_with_a_french_reason(typed, words):
    with pytest.raises(FrInputError) as err:
        parse_amount(typed)
    assert words in err.value.message


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=-9, max_value=9))
def test_an_exponent_is_always_refused(mantissa, exponent):
    for parse in (parse_amount, parse_percent):
        with pytest.raises(FrInputError, match="sans exposant"):
            parse(f"{mantissa}e{exponent}")


@pytest.mark.slow
@given(st.text(max_size=30))
def test_any_text_is_a_value_or_a_french_reason(text):
    for parse in (parse_amount, parse_percent, parse_date):
        try:
            value = parse(text)
        except FrInputError as err:
            assert err.message and ("«" in err.message or "réponse" in err.message)
        else:
            assert isinstance(value, (Decimal, dt.date))


# --- dates ------------------------------------------------------------------------------------------

@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_a_date_in_every_french_form(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(long_date(day)) == day  # « 1er juillet 2026 », with accents (« août », « décembre »)
    assert parse_date(show_date(day)) == day


@pytest.mark.parametrize("typed, day", [
    ("1er juillet 2026", dt.date(2026, 7, 1)), ("14 Juillet 2026", dt.date(2026, 7, 14)),
    ("1 aout 2026", dt.date(2026, 8, 1)), ("3 DÉCEMBRE 2026", dt.date(2026, 12, 3)), (" 01/01/2026 ", dt.date(2026, 1, 1)),
])
def test_a_date_as_people_write_it(typed, day):
    assert parse_date(typed) == day


@pytest.mark.parametrize("typed, words", [
    ("31/02/2026", "ce jour n'existe pas"), ("2026-13-01", "le mois doit aller de 1 à 12"),
    ("1/7/26", "l'année sur quatre chiffres"), ("3 brumaire 2026", "mois « brumaire » inconnu"),
    ("demain", "n'est pas une date"), ("2026/07/01", "n'est pas une date"),
])
def test_a_date_refused_with_a_french_reason(typed, words):
    with pytest.raises(FrInputError) as err:
        parse_date(typed)
    assert words in err.value.message
    assert "JJ/MM/AAAA" in err.value.message or "jour" in err.value.message or "mois" in err.value.message
