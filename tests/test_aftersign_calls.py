"""`ptms calls` and `aftersign.calls`: instalments to the cent, payments received, lateness."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ptms_cli.aftersign import adapters, calls
from ptms_cli.derived import Derived
from ptms_cli.documents.context import build_context
from ptms_cli.documents.formatting import money
from ptms_cli.model import Project

TODAY = dt.date(2027, 5, 1)


def _project(data: dict) -> tuple[Project, object]:
    project = Project.model_validate(data)
    return project, Derived.for_project(project, None).plan


@st.composite
def schedules(draw):
    """1 to 4 instalments whose percentages (up to 2 decimals) add up to 100."""
    n = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=n - 1, max_size=n - 1, unique=True)))
    bounds = [0] + cuts + [10000]
    return [{"label": f"échéance {i + 1}", "percent": Decimal(bounds[i + 1] - bounds[i]) / 100} for i in range(n)]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedule=schedules(), amount=st.integers(1, 99_999_999).map(lambda c: Decimal(c) / 100))
def test_calls_match_the_schedule_to_the_cent(intercommunal, schedule, amount):
    data = copy.deepcopy(intercommunal)
    data["convention"]["payment_schedule"] = schedule
    next(c for c in data["funding"]["contributions"] if c["partner"] == "caf")["amounts"][2027] = amount
    project, plan = _project(data)
    every = calls.all_calls(project, plan)
    contributions = adapters.contributions_by_partner(plan)
    by_key: dict = {}
    for c in every:
        by_key.setdefault((c.partner, c.year), []).append(c)
    assert set(by_key) == {(p, y) for p, years in contributions.items() for y, v in years.items() if v}
    for (pid, year), parts in by_key.items():
        total = contributions[pid][year]
        assert [c.number for c in parts] == list(range(1, len(schedule) + 1))
        assert sum(c.amount for c in parts) == total  # to the cent
        for c, item in zip(parts, schedule):  # each part within a cent of the exact share
            assert abs(c.amount - total * item["percent"] / 100) < Decimal("0.01")
    caf = [c.amount for c in by_key[("caf", 2027)]]
    assert sum(caf) == amount
    # the same figures as the convention's annex (documents/context.py `_installments`)
    annex = build_context(project)["funding"]["installments"]
    shown = {(v["partner"], v["year"]): v["parts"] for v in annex}
    for (pid, year), parts in by_key.items():
        assert shown[(adapters.partner_name(project, pid), str(year))] == [money(c.amount) for c in parts]


def test_payments_received_make_the_outstanding_and_late_calls(intercommunal):
    data = copy.deepcopy(intercommunal)
    project, plan = _project(data)
    first = next(c for c in calls.all_calls(project, plan) if c.partner == "caf" and c.year == 2027 and c.number == 1)
    data["payments"] = [
        {"partner": "caf", "year": 2027, "installment": 1, "amount": str(first.amount - Decimal("100.00")),
         "received_on": "2027-04-02"},
        {"partner": "caf", "year": 2027, "installment": 2, "amount": "1.00"},  # announced, not received
    ]
    project, plan = _project(data)
    got = {c.number: c for c in calls.select(calls.all_calls(project, plan), 2027) if c.partner == "caf"}
    assert got[1].received == first.amount - Decimal("100.00") and got[1].outstanding == Decimal("100.00")
    assert got[1].due == dt.date(2027, 3, 31) and got[1].status(TODAY) == "en retard"
    assert got[2].received == 0 and got[2].status(TODAY) == "à venir"
    data["payments"][0]["amount"] = str(first.amount)
    project, plan = _project(data)
    paid = next(c for c in calls.all_calls(project, plan) if (c.partner, c.year, c.number) == ("caf", 2027, 1))
    assert paid.outstanding == 0 and paid.status(TODAY) == "payé"


def test_due_before_keeps_only_known_dates_before_the_limit(intercommunal):
    project, plan = _project(intercommunal)
    chosen = calls.select(calls.all_calls(project, plan), due_before=dt.date(2027, 6, 1))
    assert chosen and all(c.due < dt.date(2027, 6, 1) for c in chosen)
    assert {(c.year, c.number) for c in chosen} == {(2026, 1), (2026, 2), (2027, 1)}


def test_due_dates_and_conditions_come_from_the_schedule_wording(intercommunal):
    project, _ = _project(intercommunal)
    items = adapters.schedule(project)
    assert [i.kind for i in items] == ["avance", "solde"]
    assert adapters.due_date(project, items[1], 2028) == dt.date(2028, 9, 30)
    assert adapters.condition(items[1]) == "sur présentation du bilan intermédiaire"
    assert adapters.condition(items[0]) == ""  # none stated: none invented


def test_summary_csv_lists_every_call(intercommunal):
    project, plan = _project(intercommunal)
    chosen = calls.select(calls.all_calls(project, plan), 2027)
    rows = list(csv.DictReader(io.StringIO(calls.summary_csv(chosen, TODAY).decode())))
    assert len(rows) == len(chosen)
    assert sum(Decimal(r["montant"]) for r in rows) == sum(
        v[2027] for v in adapters.contributions_by_partner(plan).values() if 2027 in v)


@pytest.mark.slow
def test_cli_writes_letters_and_summary(ptms, write_project, intercommunal, tmp_path):
    from conftest import docx_text, plain

    data = copy.deepcopy(intercommunal)
    data["payments"] = [{"partner": "caf", "year": 2027, "installment": 1, "amount": "9000.00",
                         "received_on": "2027-03-20"}]
    path = write_project(data)
    out = tmp_path / "out"
    r = ptms("calls", path, "--year", "2027", "-o", out, "--today", "2027-05-01")
    assert r.code == 0, r.err
    assert not (out / "appel-de-fonds-2027-caf-1.docx").exists()  # fully received: no letter
    text = plain(docx_text(out / "appel-de-fonds-2027-caf-2.docx"))
    assert "6 000,00 €" in text and "six mille euros" in text and "« Modalités de versement »" in text
    assert "30 septembre 2027" in text and "IBAN : FR76 0000" in text  # convention.bank_account of the example
    # greeted by office and gender (Mme Hélène Masson, Directrice), in the salutation and the closing
    assert "Madame la Directrice,\n" in text and "agréer, Madame la Directrice, l'expression" in text
    assert "Madame, Monsieur" not in text
    rows = list(csv.DictReader((out / "appels-de-fonds-2027.csv").open(encoding="utf-8")))
    caf = {r["echeance"]: r for r in rows if r["partenaire"] == "caf"}
    assert caf["1"]["statut"] == "payé" and caf["2"]["statut"] == "à venir"
    assert (out / "appels-de-fonds-2027.xlsx").stat().st_size > 0
    both = ptms("calls", path)
    assert both.code == 2 and "--year" in both.err
    bad = ptms("calls", path, "--due-before", "2027-13-01")
    assert bad.code == 2 and "AAAA-MM-JJ" in bad.err


@pytest.mark.slow
def test_call_letters_go_through_the_french_typography_pass(ptms, intercommunal, write_project, tmp_path):
    from conftest import docx_text

    out = tmp_path / "out"
    r = ptms("calls", write_project(intercommunal), "--year", "2027", "-o", out)
    assert r.code == 0, r.err
    text = docx_text(out / "appel-de-fonds-2027-caf-1.docx")
    assert "Objet\u00a0:" in text and "Objet :" not in text  # no-break space before the colon, as in every document
