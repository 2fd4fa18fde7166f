"""Instalments (`funding.installments.split`): a schedule whose percentages do not divide the amount
evenly puts the remainder on the last instalment, to the cent; the calls for funds follow the same
split as the convention's annex."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptms_cli.aftersign.adapters import schedule
from ptms_cli.aftersign.adapters import split as calls_split
from ptms_cli.funding.installments import split
from ptms_cli.model import Project

CENT = Fraction(1, 100)


def test_each_instalment_is_what_is_due_by_it_rounded_to_the_cent_minus_what_was_paid():
    # due by the first 33,333 -> 33,33; by the second 66,667 -> 66,67 (33,34 more); the last: the rest
    assert split(D("100.00"), [D(1), D(1), D(1)]) == [D("33.33"), D("33.34"), D("33.33")]
    # due by the first: 1,5 centime -> 2 (half up); by the second: 3 centimes -> 3 (1 more); the last: the rest
    assert split(D("0.05"), [D(30), D(30), D(40)]) == [D("0.02"), D("0.01"), D("0.02")]
    assert split(D("87189.39"), [D(70), D(30)]) == [D("61032.57"), D("26156.82")]  # 61 032,573 -> ,57
    # two instalments: each rounded, the balance the rest (what signed conventions carry: 58 568,436 -> ,44)
    assert split(D("97614.06"), [D(60), D(40)]) == [D("58568.44"), D("39045.62")]
    assert split(D("1000.00"), [D(25)] * 4) == [D("250.00")] * 4  # even: nothing to move
    assert split(D("0.00"), [D(50), D(50)]) == [D("0.00"), D("0.00")]


def test_a_bad_schedule_or_amount_is_refused():
    for amount, percents in ((D("10.00"), []), (D("10.00"), [D(0)]), (D("10.00"), [D(50), D(-50)]),
                             (D("10.005"), [D(100)])):
        with pytest.raises(ValueError):
            split(amount, percents)


percent = st.integers(1, 10000).map(lambda x: D(x) / 100)  # 0,01 % to 100 %


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**11).map(lambda c: D(c) / 100), st.lists(percent, min_size=1, max_size=12))
def test_instalments_add_up_and_each_is_within_a_cent_of_its_share(amount, percents):
    parts = split(amount, percents)
    total = sum(Fraction(p) for p in percents)
    assert len(parts) == len(percents) and sum(parts) == amount
    assert all(p >= 0 and p == p.quantize(D("0.01")) for p in parts)
    due = Fraction(0)
    paid = Fraction(0)
    for k, (part, p) in enumerate(zip(parts, percents)):
        share = Fraction(amount) * Fraction(p) / total
        assert abs(Fraction(part) - share) < CENT
        due += share
        paid += Fraction(part)
        if k < len(parts) - 1:  # what is paid by each instalment is what is due, rounded to the cent
            assert abs(paid - due) <= CENT / 2


def test_the_calls_for_funds_split_exactly_like_the_annex():
    from conftest import load_example

    d = load_example("commune-beaulieu.yaml")
    d["convention"]["payment_schedule"] = [{"label": "un tiers", "percent": 33.33}, {"label": "un tiers", "percent": 33.33},
                                           {"label": "le reste", "percent": 33.34}]
    p = Project.model_validate(d)
    items = schedule(p)
    for amount in (D("87189.39"), D("30000.00"), D("0.07")):
        assert calls_split(amount, items) == split(amount, [x.percent for x in items])
