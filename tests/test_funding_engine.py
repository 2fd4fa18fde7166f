"""Funding engine: costs, prorating, State aids, allocation keys, and every funding finding code."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal as D

import pytest

from ptms_cli.checks.funding import plan_problems
from ptms_cli.funding import compute_plan, months_in_year, plan_as_dict, to_cents
from ptms_cli.model import Project
from ptms_cli.validation import validate_file


def base(**extra) -> dict:
    """A small valid project: one commune, the State, a landlord; 2026-2028."""
    d = {
        "schema_version": 1,
        "name": "Projet de test",
        "territory": {"name": "Testville", "kind": "commune", "sectors": [
            {"id": "nord", "name": "Nord"}, {"id": "sud", "name": "Sud"}]},
        "period": {"start": "2026-01-01", "end": "2028-12-31"},
        "partners": [
            {"id": "ville", "name": "Ville de Testville", "kind": "commune", "population": 30000},
            {"id": "etat", "name": "Préfecture", "kind": "prefecture"},
            {"id": "bailleur", "name": "Bailleur", "kind": "bailleur_social", "population": 10000},
        ],
        "service": {"name": "Service", "operator": "ville", "sectors": [
            {"sector": "nord", "hours_per_week": 30}, {"sector": "sud", "hours_per_week": 10}], "posts": []},
        "budget": {"post_types": [{"id": "med", "label": "Médiateur", "yearly_cost": 40000}]},
        "funding": {},
    }
    d.update(extra)
    return d


def plan_of(d: dict):
    return compute_plan(Project.model_validate(d))


def codes(plan) -> list[str]:
    return [p.code for p in plan_problems(plan)]


# --- prorating and rounding ----------------------------------------------------------------------


@pytest.mark.parametrize("year, start, end, months", [
    (2027, date(2024, 7, 1), date(2027, 6, 30), 6),
    (2026, date(2026, 3, 15), None, 10),  # a month touched by the dates counts
    (2026, None, None, 12),
    (2029, date(2026, 1, 1), date(2028, 12, 31), 0),
    (2025, date(2026, 1, 1), None, 0),
])
def test_months_in_year(year, start, end, months):
    assert months_in_year(year, start, end) == months


def test_rounding_is_half_up_not_to_even():
    assert to_cents(D("50.005")) == D("50.01")
    assert to_cents(D("50.015")) == D("50.02")
    assert to_cents(D("0.004999")) == D("0.00")


# --- costs ---------------------------------------------------------------------------------------


def test_post_cost_is_fte_times_count_prorated_and_indexed():
    d = base()
    d["budget"] |= {"base_year": 2026, "indexation_rate": 0.02}
    d["service"]["posts"] = [
        {"id": "a", "title": "Médiateur", "post_type": "med", "count": 2, "fte": 0.5},
        {"id": "b", "title": "Médiateur été", "post_type": "med", "start": "2027-07-01", "end": "2027-12-31"},
    ]
    plan = plan_of(d)
    assert [c.amount for c in plan.year(2026).costs] == [D("40000.00")]
    y27 = plan.year(2027).costs
    assert y27[0].amount == D("40800.00")  # 40 000 x 0,5 x 2 x 1,02
    assert (y27[1].amount, y27[1].detail) == (D("20400.00"), "6 mois")  # 40 000 x 6/12 x 1,02
    assert plan.year(2028).costs[0].amount == D("41616.00")  # x 1,02^2


def test_running_costs_are_indexed_explicit_lines_are_not_and_overhead_applies_to_all_direct_costs():
    d = base()
    d["budget"] |= {"indexation_rate": 0.10, "training": 1000, "premises": 2000, "overhead_rate": 0.05,
                    "lines": [{"label": "Véhicule", "amounts": {2027: 5000}}]}
    y = plan_of(d).year(2027)  # base year defaults to the first year, 2026
    by_ref = {c.ref: c.amount for c in y.costs}
    assert by_ref == {"budget:training": D("1100.00"), "budget:premises": D("2200.00"), "line:0": D("5000.00"),
                      "overhead": D("415.00")}  # 5 % of 8 300
    assert y.cost_total == D("8715.00")


def test_post_without_post_type_costs_nothing():
    d = base()
    d["service"]["posts"] = [{"id": "a", "title": "Agent", "count": 3}]
    assert plan_of(d).year(2026).costs == []


# --- State aids ----------------------------------------------------------------------------------


def test_adulte_relais_aid_follows_the_dated_amounts_month_by_month():
    d = base(period={"start": "2023-01-01", "end": "2026-12-31"})
    d["service"]["posts"] = [{"id": "ar", "title": "Adulte-relais", "contract": "adulte_relais",
                              "start": "2023-07-01", "end": "2026-06-30"}]
    plan = plan_of(d)
    aid = {y.year: sum(r.amount for r in y.resources) for y in plan.years}
    # 6/12 of 17 538,40 in 2023; 22 810,61 from 2024; 6/12 of it in 2026
    assert aid == {2023: D("8769.20"), 2024: D("22810.61"), 2025: D("22810.61"), 2026: D("11405.31")}
    r = plan.year(2024).resources[0]
    assert (r.kind, r.partner, r.nature, r.computed) == ("adulte_relais", "etat", "credits_specifiques", True)


def test_project_parameters_override_the_shipped_aid_and_fte_prorates_it():
    d = base(parameters={"adulte_relais_aid": [{"since": "2020-01-01", "amount": 24000}]})
    d["service"]["posts"] = [{"id": "ar", "title": "AR", "contract": "adulte_relais", "fte": 0.5, "count": 2,
                              "start": "2026-01-01", "end": "2028-12-31"}]
    assert plan_of(d).year(2026).resources[0].amount == D("24000.00")


def test_pec_aid_uses_the_smic_in_force_each_month():
    d = base(period={"start": "2024-01-01", "end": "2024-12-31"})
    d["service"]["posts"] = [{"id": "pec", "title": "PEC", "contract": "pec", "aid_rate": 0.5,
                              "aid_hours_per_week": 20, "start": "2024-01-01", "end": "2024-12-31"}]
    r = plan_of(d).year(2024).resources[0]
    # 0,5 x 20 h x 52/12 x (10 months at 11,65 + 2 months at 11,88) = 6 077,933...
    assert (r.amount, r.kind, r.nature) == (D("6077.93"), "pec", "droit_commun")


def test_state_aid_goes_to_the_ddets_before_the_prefecture_and_to_nobody_without_either():
    d = base()
    d["service"]["posts"] = [{"id": "ar", "title": "AR", "contract": "adulte_relais",
                              "start": "2026-01-01", "end": "2028-12-31"}]
    d["partners"].append({"id": "ddets", "name": "DDETS", "kind": "ddets"})
    assert plan_of(d).year(2026).resources[0].partner == "ddets"
    d["partners"] = [p for p in d["partners"] if p["kind"] not in ("ddets", "prefecture")]
    plan = plan_of(d)
    assert plan.year(2026).resources[0].partner is None
    assert plan.year(2026).partners[-1].name == "Autres ressources (sans partenaire)"


# --- allocation keys -----------------------------------------------------------------------------


def funded(method: str, shares: list[dict], **funding) -> dict:
    d = base()
    d["budget"]["lines"] = [{"label": "Tout", "amounts": {2026: 100000, 2027: 100000, 2028: 100000}}]
    d["funding"] = {"allocation": {"method": method, "partners": shares}} | funding
    return d


def allocated(plan, year=2026) -> dict:
    return {c.partner: c.allocated for c in plan.year(year).contributions}


def test_equal_population_and_percentages_keys():
    p = plan_of(funded("equal", [{"partner": "ville"}, {"partner": "bailleur"}, {"partner": "etat"}]))
    assert sorted(allocated(p).values()) == [D("33333.33"), D("33333.33"), D("33333.34")]
    p = plan_of(funded("population", [{"partner": "ville"}, {"partner": "bailleur"}]))
    assert allocated(p) == {"ville": D("75000.00"), "bailleur": D("25000.00")}
    p = plan_of(funded("percentages", [{"partner": "ville", "weight": 70}, {"partner": "bailleur", "weight": 30}]))
    assert allocated(p) == {"ville": D("70000.00"), "bailleur": D("30000.00")}
    assert p.balanced and codes(p) == []


def test_hours_key_splits_a_sector_bought_by_several_partners():
    d = funded("hours", [{"partner": "ville", "sectors": ["nord", "sud"]}, {"partner": "bailleur"}])
    d["partners"][2]["needs"] = [{"field": "habitat_collectif", "sectors": ["nord"]}]
    # nord 30 h shared by two buyers (15 h each), sud 10 h to the ville: 25 h vs 15 h
    assert allocated(plan_of(d)) == {"ville": D("62500.00"), "bailleur": D("37500.00")}


def test_allocation_shares_what_remains_after_resources_and_fixed_contributions():
    d = funded("percentages", [{"partner": "ville", "weight": 50}, {"partner": "bailleur", "weight": 50}],
               resources=[{"id": "fipd", "kind": "fipd", "label": "FIPD", "partner": "etat", "amounts": {2026: 10000}}],
               contributions=[{"partner": "bailleur", "amounts": {2026: 20000}}])
    y = plan_of(d).year(2026)
    assert {(c.partner, c.fixed, c.allocated) for c in y.contributions} == {
        ("ville", D("0.00"), D("35000.00")), ("bailleur", D("20000.00"), D("35000.00"))}
    assert (y.gap, y.balance) == (D("90000.00"), D("0.00"))
    assert {p.partner: p.share for p in y.partners} == {"ville": D("0.3500"), "etat": D("0.1000"), "bailleur": D("0.5500")}


# --- findings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, shares, fragment", [
    ("percentages", [{"partner": "ville", "weight": 60}, {"partner": "bailleur", "weight": 30}], "totalisent 90 %"),
    ("percentages", [{"partner": "ville", "weight": 100}, {"partner": "bailleur"}], "pourcentage manquant"),
    ("population", [{"partner": "ville"}, {"partner": "etat"}], "population inconnue"),
    ("hours", [{"partner": "ville"}], "aucune heure"),
    ("equal", [{"partner": "ville"}, {"partner": "ville"}], "en double"),
    ("equal", [], "aucun partenaire"),
])
def test_impossible_allocation_is_e036(method, shares, fragment):
    plan = plan_of(funded(method, shares))
    problems = [p for p in plan_problems(plan) if p.code == "PTMS-E036"]
    assert problems and fragment in problems[0].message
    assert all(p.hint[:1].isupper() for p in plan_problems(plan) if p.hint), [p.hint for p in plan_problems(plan)]


def test_negative_remainder_under_an_allocation_is_e036_for_that_year():
    d = funded("equal", [{"partner": "ville"}], contributions=[{"partner": "bailleur", "amounts": {2027: 120000}}])
    plan = plan_of(d)
    assert [p.message[:7] for p in plan_problems(plan) if p.code == "PTMS-E036"] == ["en 2027"]
    assert plan.year(2026).balance == 0 and plan.year(2027).balance == D("-20000.00")


def test_without_allocation_a_shortfall_is_w030_and_an_excess_e030():
    d = base()
    d["budget"]["lines"] = [{"label": "Tout", "amounts": {2026: 1000, 2027: 1000, 2028: 1000}}]
    d["funding"] = {"contributions": [{"partner": "ville", "amounts": {2026: 1000, 2027: 900, 2028: 1100}}]}
    plan = plan_of(d)
    assert [(p.code, p.message.split(",")[0]) for p in plan_problems(plan)] == [
        ("PTMS-W030", "en 2027"), ("PTMS-E030", "en 2028")]
    assert "100,00\u00a0€" in plan_problems(plan)[0].message


def test_shortfall_is_an_error_once_the_project_has_a_convention(write_project):
    d = base()
    d["budget"]["lines"] = [{"label": "Tout", "amounts": {2026: 1000}}]
    assert [f.code for f in validate_file(write_project(d)).findings] == ["PTMS-W030"]
    assert [f.code for f in validate_file(write_project(d), step=3).findings if f.code.startswith("PTMS-E03")] == ["PTMS-E030"]
    d["convention"] = {"title": "Convention"}
    assert [p.code for p in plan_problems(plan_of(d))] == ["PTMS-E030"]


def test_end_of_subsidised_posts_is_w031_located_at_the_end_date(write_project, intercommunal):
    path = write_project(intercommunal)
    result = validate_file(path)
    w031 = [f for f in result.findings if f.code == "PTMS-W031"]
    messages = {f.message for f in w031}
    assert "en 2027, fin de 2 postes adultes-relais : 45\u00a0621,22\u00a0€ à couvrir" in messages
    assert "en 2026, fin de 2 postes PEC : 12\u00a0500,80\u00a0€ à couvrir" in messages
    lines = path.read_text(encoding="utf-8").splitlines()
    for f in w031:
        assert lines[f.line - 1].strip().startswith("end: 202")


def test_posts_ending_after_the_project_raise_no_w031(intercommunal):
    d = copy.deepcopy(intercommunal)
    for post in d["service"]["posts"]:
        if post.get("end"):
            post["end"] = date(2028, 12, 31)
            post["start"] = date(2026, 1, 1)
    assert "PTMS-W031" not in codes(plan_of(d))


def test_a_jump_in_a_partner_contribution_beyond_the_threshold_is_w032():
    d = base()
    d["budget"]["lines"] = [{"label": "Tout", "amounts": {2026: 10000, 2027: 20000, 2028: 22000}}]
    d["funding"] = {"contributions": [{"partner": "ville", "amounts": {2026: 10000, 2027: 20000, 2028: 22000}}]}
    plan = plan_of(d)
    jumps = [p for p in plan_problems(plan) if p.code == "PTMS-W032"]
    assert len(jumps) == 1 and "entre 2026 et 2027" in jumps[0].message and "+100,0" in jumps[0].message
    assert jumps[0].loc == ("funding", "contributions", 0, "partner")
    d["funding"]["jump_threshold"] = 1
    assert "PTMS-W032" not in codes(plan_of(d))


# --- the examples --------------------------------------------------------------------------------


def test_intercommunal_example_is_computed_from_parameters_and_balances(intercommunal):
    plan = plan_of(intercommunal)
    assert [y.year for y in plan.years] == [2026, 2027, 2028] and plan.balanced
    for y in plan.years:
        assert y.cost_total == y.resources_total + y.contributions_total
        assert any(c.ref.startswith("post:") for c in y.costs)
    # the 2 adultes-relais agreements end on 2027-06-30: full aid in 2026, 6 months in 2027, none in 2028
    aid = {y.year: sum((r.amount for r in y.resources if r.ref == "aid:adultes-relais-2024"), D(0)) for y in plan.years}
    assert aid == {2026: D("45621.22"), 2027: D("22810.61"), 2028: D(0)}


def test_commune_example_counts_the_adulte_relais_aid_once(commune):
    plan = plan_of(commune)
    assert plan.balanced and "PTMS-E030" not in codes(plan)
    state = {y.year: sum(p.total for p in y.partners if p.partner == "prefecture") for y in plan.years}
    assert state == {2026: D("22810.61"), 2027: D("22810.61"), 2028: D("17107.96")}


def test_plan_as_dict_is_json_with_exact_decimal_strings(intercommunal):
    import json

    doc = json.loads(json.dumps(plan_as_dict(plan_of(intercommunal))))
    y = doc["years"][0]
    assert y["balance"] == "0.00" and D(y["cost_total"]) == sum(D(c["amount"]) for c in y["costs"])
    assert all(isinstance(c["total"], str) for c in y["contributions"])


def _line_of(path, needle: str, after: str = "") -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, l in enumerate(lines) if after in l) if after else 0
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def test_allocation_findings_point_at_the_allocation_in_the_file(write_project, intercommunal):
    intercommunal["funding"]["allocation"]["partners"][1]["weight"] = 20  # total 90
    path = write_project(intercommunal)
    f = next(f for f in validate_file(path).findings if f.code == "PTMS-E036")
    assert f.line == _line_of(path, "partners:", after="allocation:") + 1 and f.path == "funding.allocation.partners"


def test_jump_is_located_at_the_partner_of_the_allocation_key(write_project, intercommunal):
    intercommunal["funding"]["jump_threshold"] = 0.05  # the communes' shares fall by about 20 % in 2027
    path = write_project(intercommunal)
    jumps = [f for f in validate_file(path).findings if f.code == "PTMS-W032"]
    assert {f.message.split("«")[1].split("»")[0].strip() for f in jumps} == {"agglo", "marcq", "hem", "sailly"}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(lines[f.line - 1].strip().startswith("- partner:") for f in jumps)


def test_order_of_the_allocation_partners_does_not_change_the_plan(intercommunal):
    reordered = copy.deepcopy(intercommunal)
    reordered["funding"]["allocation"]["partners"].reverse()
    a, b = plan_of(intercommunal), plan_of(reordered)
    for ya, yb in zip(a.years, b.years):
        assert {c.partner: c.total for c in ya.contributions} == {c.partner: c.total for c in yb.contributions}


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

cents = st.integers(min_value=0, max_value=10**8).map(lambda c: float(D(c) / 100))


@settings(max_examples=150, deadline=None)
@given(st.lists(cents, min_size=3, max_size=3), st.lists(cents, min_size=3, max_size=3),
       st.sampled_from(["equal", "population", "hours"]), st.floats(min_value=0, max_value=0.5))
def test_any_plan_with_an_allocation_key_balances_or_says_why(costs, fixed, method, overhead):
    d = base()
    d["budget"] |= {"overhead_rate": round(overhead, 4),
                    "lines": [{"label": "Coûts", "amounts": dict(zip((2026, 2027, 2028), costs))}]}
    d["partners"][2]["needs"] = [{"field": "habitat_collectif", "sectors": ["sud"]}]
    d["funding"] = {"contributions": [{"partner": "etat", "amounts": dict(zip((2026, 2027, 2028), fixed))}],
                    "allocation": {"method": method, "partners": [{"partner": "ville", "sectors": ["nord"]},
                                                                  {"partner": "bailleur"}]}}
    plan = plan_of(d)
    short = {int(p.message[3:7]) for p in plan_problems(plan) if p.code == "PTMS-E036"}
    for y in plan.years:
        if y.year in short:
            assert y.gap < y.fixed_total and y.allocated_total == 0
        else:
            assert y.balance == 0 and all(c.allocated >= 0 for c in y.contributions)


def test_project_parameters_take_over_from_their_first_date_only():
    d = base(period={"start": "2026-01-01", "end": "2026-12-31"},
             parameters={"smic_hourly": [{"since": "2026-07-01", "amount": 13}]})
    d["service"]["posts"] = [{"id": "pec", "title": "PEC", "contract": "pec", "aid_rate": 0.5,
                              "start": "2026-01-01", "end": "2026-12-31"}]
    # 6 months at the shipped 12,02 € then 6 months at 13 €: 0,5 x 20 h x 52/12 x (6 x 12,02 + 6 x 13)
    assert plan_of(d).year(2026).resources[0].amount == D("6505.20")  # 43,333... x 150,12


def test_with_an_invalid_key_only_e036_is_reported_not_a_shortfall(intercommunal):
    intercommunal["funding"]["allocation"]["method"] = "population"  # the agglo has no population
    found = codes(plan_of(intercommunal))
    assert "PTMS-E036" in found and "PTMS-W030" not in found and "PTMS-E030" not in found
