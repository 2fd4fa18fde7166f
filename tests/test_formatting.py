"""Document formatting (`documents.formatting`) agrees with babel's fr_FR output where it lays
things out itself or remembers them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptms_cli.documents import formatting as fmt
from ptms_cli import frformat

SPACES = str.maketrans({"\u202f": "\u00a0", "\u2009": "\u00a0"})


def babel_long_date(d: date) -> str:
    text = format_date(d, "d MMMM y", locale="fr_FR")
    return "1er" + text[1:] if d.day == 1 else text


@pytest.mark.slow
@settings(max_examples=1500)
@given(st.dates())
def test_long_date_matches_babel(d):
    assert fmt.long_date(d) == babel_long_date(d)


def test_long_date_of_a_datetime_is_its_date_and_every_month_is_named():
    assert fmt.long_date(datetime(2026, 8, 1, 23, 59)) == "1er août 2026"
    assert [fmt.long_date(date(2026, m, 2)).split()[1] for m in range(1, 13)] == [
        babel_long_date(date(2026, m, 2)).split()[1] for m in range(1, 13)]


@pytest.mark.slow
@settings(max_examples=500)
@given(st.one_of(st.integers(-10**7, 10**7), st.decimals(min_value=-10**9, max_value=10**9, places=4),
                 st.floats(-1e6, 1e6, allow_nan=False)))
def test_number_matches_babel_whatever_was_formatted_before(value):
    assert frformat.quantity(value) == format_decimal(value, locale="fr_FR").translate(SPACES)


def test_equal_values_of_another_type_or_sign_are_not_confused():
    seq = [1, 1.0, Decimal("1.0"), Decimal("1"), Decimal("0"), Decimal("-0"), 0.0, -0.0, 0, Decimal("2.50")]
    for value in seq + seq[::-1]:  # each formatted after the equal values of the other types
        assert frformat.quantity(value) == format_decimal(value, locale="fr_FR").translate(SPACES), repr(value)


@pytest.mark.parametrize("label, expected", [
    ("Habitat collectif", "habitat collectif"),
    ("Médiation numérique", "médiation numérique"),
    ("Île de loisirs", "île de loisirs"),  # an accented capital is lowered too
    ("CAF", "CAF"),  # all capitals: an acronym
    ("QPV prioritaires", "QPV prioritaires"),  # starts with an acronym
    ("FSE+ et FEDER", "FSE+ et FEDER"),
    ("Caisse d'allocations familiales (CAF)", "caisse d'allocations familiales (CAF)"),
    ("État — préfecture", "État — préfecture"),  # a proper noun
    ("transports", "transports"),
    ("", ""),
])
def test_a_label_inside_a_sentence(label, expected):
    assert fmt.in_sentence(label) == expected


def test_a_list_of_labels_is_capitalised_only_where_the_sentence_or_an_acronym_needs_it():
    labels = ["Tranquillité publique", "Habitat collectif", "ERBM", "Médiation numérique"]
    assert fmt.label_list(labels) == "Tranquillité publique, habitat collectif, ERBM, médiation numérique"
    assert fmt.label_list(labels, last=" et ", first_capital=False) == (
        "tranquillité publique, habitat collectif, ERBM et médiation numérique")
    assert fmt.label_list(["CAF", "Emploi"]) == "CAF, emploi"
    assert fmt.label_list(["", "Emploi", None]) == "Emploi"  # empty labels are dropped, the first keeps its capital
    assert fmt.label_list([]) == ""


def test_labels_that_hold_et_are_separated_by_semicolons_in_a_sentence():
    labels = ["Tranquillité publique", "Milieu scolaire et jeunesse"]
    assert fmt.label_list(labels, last=" et ", first_capital=False) == "tranquillité publique ; milieu scolaire et jeunesse"
    assert fmt.label_list(labels) == "Tranquillité publique, milieu scolaire et jeunesse"  # a cell: commas
    assert fmt.label_list(["Emploi", "Habitat collectif"], last=" et ") == "Emploi et habitat collectif"
