"""The jurist's leftovers of issue 15: payment schedule and budget years with dates, a consultative
technical committee, annex 4 listing only parties, the de minimis test over a dated three-year period."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import docx_text, load_example, plain
from ptms_cli import frformat, legalfacts, participation
from ptms_cli.derived import Derived
from ptms_cli.documents import catalog
from ptms_cli.documents import render as R
from ptms_cli.documents.context import build_context
from ptms_cli.funding.installments import installments
from ptms_cli.model import Project


def _project(name: str) -> Project:
    return Project.model_validate(load_example(f"{name}.yaml"))


@pytest.fixture(scope="module")
def ysel():
    p = _project("agglo-val-d-ysel")
    return p, build_context(p)


def _convention(p: Project) -> str:
    blob = R.render(catalog.default_templates() / "convention.docx", build_context(p), R.Properties("t", "a"))
    return plain(docx_text(blob))


# --- (a) schedule and budget years ---------------------------------------------------------------

def test_budget_years_follow_the_due_dates_of_the_schedule(ysel):
    p, ctx = ysel
    budget = ctx["legal"]["budget_years"]
    plan = Derived.for_project(p, None).plan
    assert plan.view == "convention"
    due = installments(plan.years, [s.percent for s in p.convention.payment_schedule])
    expected: dict[str, dict[int, Decimal]] = {}
    for x in due:
        for day, amount in x.parts:
            expected.setdefault(x.name, {}).setdefault(day.year, Decimal(0))
            expected[x.name][day.year] += amount
    years = sorted({y for row in expected.values() for y in row})
    assert budget["years"] == [str(y) for y in years] == ["2026", "2027", "2028", "2029"]
    for row in budget["rows"]:
        assert row["amounts"] == [frformat.money(expected[row["partner"]].get(y, Decimal(0))) for y in years]
    # every contribution is paid once: the budget-year totals are the contributions' totals
    contributions = {c["partner"]: c["total"] for c in ctx["funding"]["contributions"]}
    assert {r["partner"]: r["total"] for r in budget["rows"]} == contributions
    # a partner joining in year 2 (1 September 2027) pays nothing in 2026
    flines = next(r for r in budget["rows"] if "Flines" in r["partner"])
    assert flines["amounts"][0] == frformat.money(0)


def test_calendar_view_needs_no_budget_year_table():
    p = _project("agglo-val-de-marque")
    assert Derived.for_project(p, None).plan.view == "calendar"
    assert build_context(p)["legal"]["budget_years"] is None


def test_other_view_names_the_payer_not_the_prefecture(ysel):
    _, ctx = ysel
    labels = [r["label"] for r in ctx["funding"]["other"]["rows"]]
    aids = [x for x in labels if x.startswith("Aide de l'État")]
    assert aids and all(x.endswith("(l'Agence de services et de paiement (ASP))") for x in aids), aids
    assert not any("Préfecture" in x for x in labels)


@pytest.mark.slow
def test_schedule_and_budget_years_printed_with_dates(ysel):
    p, _ = ysel
    text = _convention(p)
    annex = text[text.index("Échéancier des versements"):]
    assert "72 825,59 €\n1er septembre 2026" in annex and "48 550,40 €\n1er mars 2027" in annex
    assert "Versements par exercice budgétaire" in annex and "de sa date d'échéance" in annex
    assert "au prorata des jours" in text


# --- (b) technical committee --------------------------------------------------------------------

def test_technical_committee_is_consultative_and_has_no_quorum(ysel):
    _, ctx = ysel
    steering, technical = ctx["legal"]["governance"]["steering"], ctx["legal"]["governance"]["technical"]
    assert technical["consultative"] is True and steering["consultative"] is False


@pytest.mark.slow
def test_rendered_technical_committee_decides_nothing(ysel):
    p, ctx = ysel
    text = _convention(p)
    technical = text[text.index("Comité technique."):text.index("Le comité technique ne traite")]
    steering = text[text.index("Comité de pilotage."):text.index("Comité technique.")]
    assert "Quorum" not in technical and "Pouvoirs" not in technical
    assert "instance consultative" in technical and "ne prend aucune décision qui engage les parties" in technical
    territory = next(a["ordinal"] for a in ctx["legal"]["articles"] if a["key"] == "territoire")
    assert f"créneaux de l'article {territory} prennent effet après accord du comité de pilotage" in technical
    assert "Quorum" in steering


# --- (c) annex 4: parties only ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["agglo-val-de-marque", "agglo-val-d-ysel", "commune-beaulieu"])
def test_annex_4_lists_parties_and_names_the_others_apart(name):
    p = _project(name)
    legal = build_context(p)["legal"]
    party_names = {s["heading"] for s in legal["parties"]} | {s["service"] for s in legal["parties"] if s["state"]}
    listed = [r["name"] for r in legal["data"]["parties"]]
    adherent = " (à compter de son adhésion)"
    for n in listed:
        base = n.removesuffix(adherent)
        assert base in party_names or base.startswith("L'État (") or n.endswith(adherent), n
    signing = set(p.signatories()) | {p.service.operator}
    joining = set(participation.adherents(p))
    outsiders = [x for x in p.partners if x.status != "declined" and x.id not in signing | joining
                 and {"prescriber", "beneficiary"} & set(x.roles)]
    assert outsiders, "each example has a prescriber that does not sign"
    for x in outsiders:
        assert x.name not in listed and x.name in legal["data"]["non_parties"]


# --- (d) de minimis over a dated three-year period ---------------------------------------------

def test_de_minimis_window_is_three_years_not_three_calendar_years(ysel):
    p, ctx = ysel
    aid = legalfacts.public_aid(p, Derived.for_project(p, None))
    window = aid.three_year_window()
    assert (window.start, window.end) == (p.period.start, p.period.end)  # a 3-year convention: the whole period
    # the same money counted by calendar year: the whole period's public aid is the sum of its calendar years
    assert window.amount == sum(aid.by_year.values())
    calendar_three = sum(aid.by_year[y] for y in (2027, 2028, 2029))  # the old test: 32 months only
    assert window.amount > calendar_three
    sieg = ctx["legal"]["sieg"]
    assert sieg["period"] == "du 1er septembre 2026 au 31 août 2029"
    assert sieg["amount"] == frformat.money(window.amount)


def test_de_minimis_window_slides_over_a_longer_period():
    aid = legalfacts.PublicAid(by_period=[
        (legalfacts.date(2026, 1, 1), legalfacts.date(2026, 12, 31), Decimal(100)),
        (legalfacts.date(2027, 1, 1), legalfacts.date(2027, 12, 31), Decimal(300)),
        (legalfacts.date(2028, 1, 1), legalfacts.date(2028, 12, 31), Decimal(300)),
        (legalfacts.date(2029, 1, 1), legalfacts.date(2029, 12, 31), Decimal(200)),
    ])
    w = aid.three_year_window()
    assert (w.amount, w.start.year, w.end.year) == (Decimal(800), 2027, 2029)
    assert aid.max_three_years() == (Decimal(800), [2027, 2028, 2029])
    assert legalfacts.PublicAid().three_year_window() is None
