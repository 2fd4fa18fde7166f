"""The period is the frame of every amount (issue 13, money side): proration to the day, segments,
calendar and convention year views, partners who join or leave, durations in words, W032 per month."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, run_ptms

from ptms_cli.checks import run as run_checks
from ptms_cli.checks.funding import plan_problems
from ptms_cli.documents.context import build_context
from ptms_cli.documents.formatting import duration_words
from ptms_cli.funding import compute_plan, duration, month_measure, plan_as_dict, segments
from ptms_cli.funding.installments import due_dates, installments
from ptms_cli.model import Project

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "funding_json"
SMIC = [{"since": "2020-01-01", "amount": 12.00}]  # one SMIC for the whole test: exact month counts


def project(start="2026-07-01", end="2029-06-30", posts=(), **extra) -> dict:
    """A small valid project: a commune, the State, a landlord, one post type of 40 000 € a year."""
    d = {
        "schema_version": 1,
        "name": "Projet de test",
        "territory": {"name": "Testville", "kind": "commune", "sectors": [{"id": "nord", "name": "Nord"}]},
        "period": {"start": start, "end": end},
        "partners": [
            {"id": "ville", "name": "Ville de Testville", "kind": "commune", "population": 30000},
            {"id": "etat", "name": "Préfecture", "kind": "prefecture"},
            {"id": "bailleur", "name": "Bailleur", "kind": "bailleur_social", "population": 10000},
        ],
        "service": {"name": "Service", "operator": "ville", "sectors": [{"sector": "nord", "hours_per_week": 30}],
                    "posts": list(posts)},
        "budget": {"post_types": [{"id": "med", "label": "Médiateur", "yearly_cost": 40000}]},
        "parameters": {"smic_hourly": SMIC},
        "funding": {"allocation": {"method": "equal", "partners": [{"partner": "ville"}, {"partner": "bailleur"}]}},
    }
    d.update(extra)
    return d


def plan_of(d: dict, by: str | None = None):
    return compute_plan(Project.model_validate(d), by)


def line_total(years, ref: str) -> D:
    return sum((c.amount for y in years for c in y.costs + y.resources if c.ref == ref), D("0.00"))


# --- the three shipped examples: byte-identical `ptms funding --format json` ------------------------


@pytest.mark.parametrize("name", ["agglo-val-de-marque", "cc-deux-rives", "commune-beaulieu"])
def test_examples_funding_json_is_byte_identical_to_before_the_period_rules(name):
    run = run_ptms("funding", f"examples/{name}.yaml", "--format", "json", cwd=EXAMPLES.parent)
    assert run.out == (FIXTURES / f"{name}.json").read_text(encoding="utf-8")


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lo, hi, months", [
    (date(2026, 7, 15), date(2027, 7, 14), Fraction(12)),
    (date(2026, 7, 1), date(2026, 12, 31), Fraction(6)),
    (date(2026, 2, 15), date(2026, 2, 28), Fraction(14, 28)),
    (date(2026, 1, 1), date(2025, 12, 31), Fraction(0)),
])
def test_month_measure_counts_months_pro_rata_of_their_days(lo, hi, months):
    assert month_measure(lo, hi) == months


def test_segments_cut_at_new_year_anniversaries_and_given_dates():
    segs = segments(date(2026, 9, 1), date(2028, 8, 31), (date(2027, 3, 15),))
    assert [(s.start, s.end, s.convention_year) for s in segs] == [
        (date(2026, 9, 1), date(2026, 12, 31), 1), (date(2027, 1, 1), date(2027, 3, 14), 1),
        (date(2027, 3, 15), date(2027, 8, 31), 1), (date(2027, 9, 1), date(2027, 12, 31), 2),
        (date(2028, 1, 1), date(2028, 8, 31), 2)]


@pytest.mark.parametrize("start, end, words", [
    (date(2026, 7, 1), date(2029, 6, 30), "trois (3) ans"),
    (date(2026, 1, 1), date(2027, 6, 30), "dix-huit (18) mois"),
    (date(2026, 9, 1), date(2029, 2, 28), "deux ans et six mois"),
    (date(2026, 1, 1), date(2026, 12, 31), "un (1) an"),
    (date(2026, 1, 1), date(2026, 1, 10), "dix (10) jours"),
])
def test_duration_in_words_comes_from_the_dates(start, end, words):
    assert duration_words(duration(start, end)) == words


# --- point 1: the period frames every amount -----------------------------------------------------


def test_a_twelve_month_pec_from_15_july_costs_and_is_aided_exactly_twelve_months():
    pec = {"id": "pec", "title": "PEC", "post_type": "med", "contract": "pec", "aid_rate": 0.5,
           "start": "2026-07-15", "end": "2027-07-14"}
    plan = plan_of(project(posts=[pec]))
    assert line_total(plan.years, "post:pec") == D("40000.00")  # was 43 333,33 € (13 months)
    # 0,5 × 12 € × 20 h × 52/12 a month, twelve months (the SMIC does not change in this test)
    assert line_total(plan.years, "aid:pec") == D("6240.00")


def test_a_mid_year_period_costs_its_months_and_prorates_yearly_amounts():
    d = project(posts=[{"id": "m", "title": "Médiateur", "post_type": "med", "count": 2}])
    d["budget"]["supervision"] = 12000
    plan = plan_of(d)
    by_year = {y.year: (line_total([y], "post:m"), line_total([y], "budget:supervision")) for y in plan.years}
    assert by_year == {2026: (D("40000.00"), D("6000.00")), 2027: (D("80000.00"), D("12000.00")),
                       2028: (D("80000.00"), D("12000.00")), 2029: (D("40000.00"), D("6000.00"))}
    assert plan.years[0].label == "2026 (du 1er juillet au 31 décembre)" and plan.years[1].label == "2027"


def test_a_post_dated_before_the_start_costs_nothing_before_it():
    ar = {"id": "ar", "title": "Adulte-relais", "post_type": "med", "contract": "adulte_relais",
          "start": "2024-07-01", "end": "2027-06-30"}
    plan = plan_of(project(posts=[ar]))
    assert plan.years[0].start == date(2026, 7, 1)
    assert line_total(plan.years, "post:ar") == D("40000.00")  # 1 July 2026 - 30 June 2027 only


def test_explicit_and_fixed_yearly_amounts_are_kept_and_spread_over_their_segments():
    d = project(start="2026-09-01", end="2028-08-31")
    d["budget"]["lines"] = [{"label": "Véhicule", "amounts": {2027: 9000}}]
    d["funding"] = {"contributions": [{"partner": "ville", "amounts": {2026: 1000, 2027: 9000, 2028: 2000}}],
                    "years": "convention"}
    plan = plan_of(d)
    assert [line_total([y], "line:0") for y in plan.years] == [D("6000.00"), D("3000.00")]  # Jan-Aug / Sep-Dec
    assert [y.contributions_total for y in plan.views["calendar"]] == [D("1000.00"), D("9000.00"), D("2000.00")]
    assert sum(y.contributions_total for y in plan.years) == D("12000.00")


# --- point 2: two year views -------------------------------------------------------------------


def test_convention_years_carry_their_dates_and_the_json_says_so():
    d = project(posts=[{"id": "m", "title": "Médiateur", "post_type": "med"}])
    d["funding"]["years"] = "convention"
    plan = plan_of(d)
    assert [y.label for y in plan.years] == [
        "Année 1 : du 1er juillet 2026 au 30 juin 2027", "Année 2 : du 1er juillet 2027 au 30 juin 2028",
        "Année 3 : du 1er juillet 2028 au 30 juin 2029"]
    data = plan_as_dict(plan, plan_problems(plan))
    assert data["view"] == "convention" and data["years"][0]["start"] == "2026-07-01"
    assert [y["year"] for y in data["other_years"]] == [2026, 2027, 2028, 2029]
    assert plan_of(d, "calendar").years[0].year == 2026


def test_instalments_fall_inside_their_year_hence_inside_the_period():
    assert due_dates(date(2026, 9, 1), date(2027, 8, 31), 2) == [date(2026, 9, 1), date(2027, 3, 1)]
    d = project(start="2026-09-15", end="2028-03-20", posts=[{"id": "m", "title": "M", "post_type": "med"}])
    plan = plan_of(d)
    parts = installments(plan.years, [D(30), D(30), D(40)])
    assert parts and all(date(2026, 9, 15) <= due <= date(2028, 3, 20) for x in parts for due, _ in x.parts)
    assert sum(x.total for x in parts) == sum(y.contributions_total for y in plan.years)


# --- point 3: duration and convention term -------------------------------------------------------


def test_the_documents_say_three_years_and_the_convention_runs_exactly_the_period():
    d = project(convention={"title": "Convention"})
    ctx = build_context(Project.model_validate(d))
    assert ctx["period"]["duration"] == "trois (3) ans" and ctx["period"]["duration_text"] == "trois ans"
    assert ctx["convention"]["end"] == "30 juin 2029" and ctx["convention"]["duration"] == "trois (3) ans"


def test_a_duration_that_disagrees_with_the_period_is_a_located_error(write_project, ptms):
    d = project(convention={"title": "Convention", "duration_years": 4})
    problems = [p for p in run_checks(Project.model_validate(d)) if p.code == "PTMS-E037"]
    assert [p.loc for p in problems] == [("convention", "duration_years")]
    assert "30 juin 2030" in problems[0].message and "trois (3) ans" in problems[0].hint
    run = ptms("validate", write_project(d), "--step", "3")
    assert run.code != 0 and "PTMS-E037" in run.out
    d["convention"]["duration_years"] = 3
    assert not [p for p in run_checks(Project.model_validate(d)) if p.code == "PTMS-E037"]


# --- point 6: W032 per month of presence ----------------------------------------------------------


def mid_year_plan() -> dict:
    d = project(posts=[{"id": "m", "title": "Médiateur", "post_type": "med", "count": 2}])
    d["funding"]["contributions"] = [{"partner": "etat", "nature": "credits_specifiques",
                                      "amounts": {2026: 5000, 2027: 10000, 2028: 10000, 2029: 5000}}]
    return d


def test_a_correct_mid_year_plan_raises_no_jump_and_passes_strict(write_project, ptms):
    plan = plan_of(mid_year_plan())
    assert plan.jumps == []
    run = ptms("validate", write_project(mid_year_plan()), "--strict")
    assert run.code == 0, run.out


def test_a_real_jump_per_month_still_warns():
    d = mid_year_plan()
    d["funding"]["contributions"][0]["amounts"] = {2026: 5000, 2027: 20000, 2028: 10000, 2029: 5000}
    jumps = plan_of(d).jumps
    assert [(j.partner, j.year_from, j.year_to) for j in jumps] == [("etat", 2026, 2027), ("etat", 2027, 2028)]
    assert "par mois de présence" in plan_problems(plan_of(d))[0].message


# --- point 7: partners who join or leave -------------------------------------------------------------


def test_a_partner_joining_in_year_two_pays_only_from_then_and_the_key_shares_among_those_present():
    d = project(posts=[{"id": "m", "title": "Médiateur", "post_type": "med", "count": 3}])
    d["partners"].append({"id": "late", "name": "Commune tardive", "kind": "commune", "from": "2027-07-01"})
    d["funding"]["allocation"]["partners"].append({"partner": "late"})
    plan = plan_of(d, "convention")
    paid = [{c.partner: c.total for c in y.contributions} for y in plan.years]
    assert "late" not in paid[0] and paid[0]["ville"] + paid[0]["bailleur"] == D("120000.00")
    assert paid[1] == {"ville": D("40000.00"), "bailleur": D("40000.00"), "late": D("40000.00")}
    assert all(y.balance == 0 for y in plan.views["calendar"] + plan.views["convention"])


def test_participation_dates_are_checked_and_located():
    d = project()
    d["partners"][0]["from"] = "2025-01-01"
    d["partners"][2].update({"from": "2027-01-01", "until": "2026-12-31"})
    d["partners"].append({"id": "late", "name": "Tardive", "kind": "commune", "from": "2028-01-01"})
    d["funding"]["contributions"] = [{"partner": "late", "amounts": {2027: 1000}}]
    problems = [p for p in run_checks(Project.model_validate(d)) if p.code == "PTMS-E038"]
    assert sorted(p.loc for p in problems) == sorted([("partners", 0, "from"), ("partners", 2, "until"),
                                                      ("funding", "contributions", 0, "amounts", 2027)])


# --- CLI ----------------------------------------------------------------------------------------


def test_funding_by_convention_in_every_format(tmp_path, write_project, ptms):
    path = write_project(mid_year_plan())
    table = ptms("funding", path, "--by", "convention")
    from ptms_cli.documents.typography import typeset  # the terminal speaks French typography

    assert table.code == 0 and typeset("Année 1 : du 1er juillet 2026 au 30 juin 2027") in table.out
    data = json.loads(ptms("funding", path, "--format", "json", "--by", "convention").out)["plan"]
    assert data["view"] == "convention" and len(data["years"]) == 3 and len(data["other_years"]) == 4
    csv = ptms("funding", path, "--format", "csv", "--by", "calendar").out
    assert {line.split(",")[1] for line in csv.splitlines()[1:]} == {"2026", "2027", "2028", "2029"}
    out = tmp_path / "plan.xlsx"
    assert ptms("funding", path, "--format", "xlsx", "--by", "convention", "-o", out).code == 0
    from openpyxl import load_workbook

    assert [c.value for c in load_workbook(out)["Équilibre"][1]] == ["Poste", "Année 1", "Année 2", "Année 3"]
    bad = ptms("funding", path, "--by", "fiscal")
    assert bad.code != 0 and "fiscal" in bad.err


def test_the_mid_year_example_validates_without_errors(ptms):
    run = ptms("validate", "examples/agglo-val-d-ysel.yaml", "--step", "3", "--format", "json", cwd=EXAMPLES.parent)
    data = json.loads(run.out)
    assert data["summary"]["errors"] == 0
    example = yaml.safe_load((EXAMPLES / "agglo-val-d-ysel.yaml").read_text(encoding="utf-8"))
    assert example["period"]["start"].month == 9 and example["funding"]["years"] == "convention"
    assert any(p.get("from") for p in example["partners"])
    assert not [f for f in data["files"][0]["findings"] if f["code"] == "PTMS-W032"]


def test_the_funding_annex_shows_the_other_view_with_dates():
    example = yaml.safe_load((EXAMPLES / "agglo-val-d-ysel.yaml").read_text(encoding="utf-8"))
    funding = build_context(Project.model_validate(copy.deepcopy(example)))["funding"]
    assert funding["years"] == ["Année 1", "Année 2", "Année 3"]
    assert funding["other"]["years"] == [2026, 2027, 2028, 2029]
    assert funding["other"]["year_labels"][0]["label"] == "2026 (du 1er septembre au 31 décembre)"
    assert funding["other"]["total"]["total"] == funding["total"]["total"]
