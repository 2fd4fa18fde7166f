"""Issue 14: several allocation keys (named groups, weights from partner attributes, per year) and
indexation per cost category and per year."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptms_cli.checks import run
from ptms_cli.checks.funding import plan_problems
from ptms_cli.funding import compute_plan
from ptms_cli.funding.allocation import largest_remainder
from ptms_cli.funding.keys import group_amounts, method_label
from ptms_cli.model import Project


def project(**funding) -> dict:
    return {
        "schema_version": 1, "name": "Projet de test",
        "territory": {"name": "Agglo", "kind": "epci", "sectors": [{"id": "nord", "name": "Nord", "qpv": True}]},
        "period": {"start": "2026-01-01", "end": "2028-12-31"},
        "partners": [
            {"id": "agglo", "name": "Agglo", "kind": "epci"},
            {"id": "a", "name": "Ville A", "kind": "commune", "population": 30000, "qpv_population": 6000},
            {"id": "b", "name": "Ville B", "kind": "commune", "population": 10000, "qpv_population": 4000},
            {"id": "h1", "name": "Bailleur 1", "kind": "bailleur_social", "housing_units": 2400},
            {"id": "h2", "name": "Bailleur 2", "kind": "bailleur_social", "housing_units": 600,
             "attributes": {"tfpb": 150000}},
        ],
        "service": {"name": "Service", "operator": "agglo", "sectors": [{"sector": "nord", "hours_per_week": 40}]},
        "budget": {"lines": [{"label": "Service", "amounts": {2026: 300000.00, 2027: 310000.00, 2028: 320000.01}}]},
        "funding": funding,
    }


def groups(pct_communes=60, pct_landlords=40, **extra) -> dict:
    return {"allocation": {"groups": [
        {"name": "Communes", "method": "population", "percent": pct_communes, "partners": [{"partner": "a"}, {"partner": "b"}]},
        {"name": "Bailleurs", "method": "housing_units", "percent": pct_landlords,
         "partners": [{"partner": "h1"}, {"partner": "h2"}]},
    ], **extra}}


def plan(d: dict):
    return compute_plan(Project.model_validate(d))


def test_two_groups_share_the_remainder_by_their_percent_then_by_their_own_key():
    p = plan(project(**groups()))
    y = p.year(2026)
    parts = {c.partner: c.allocated for c in y.contributions}
    assert parts == {"a": D("135000.00"), "b": D("45000.00"), "h1": D("96000.00"), "h2": D("24000.00")}
    assert y.balance == 0 and p.allocation_method == "groups"
    assert method_label(Project.model_validate(project(**groups())).funding.allocation) == \
        "par groupes : Communes (population), Bailleurs (logements sociaux)"


@settings(max_examples=60, deadline=None)
@given(pct=st.integers(0, 100), cost=st.integers(0, 10**9), fixed=st.integers(0, 10**6))
def test_groups_sum_exactly_to_the_remainder_and_each_group_to_its_amount(pct, cost, fixed):
    d = project(**groups(pct, 100 - pct))
    d["budget"]["lines"][0]["amounts"] = {2026: cost / 100}
    d["funding"]["allocation"]["groups"][1].pop("percent")
    d["funding"]["allocation"]["groups"][1]["amounts"] = {2026: min(fixed, cost) / 100}
    d["funding"]["allocation"]["groups"][0]["percent"] = 100
    y = plan(d).year(2026)
    assert y.allocated_total == y.gap and y.balance == 0
    landlords = sum((c.allocated for c in y.contributions if c.partner in ("h1", "h2")), D(0))
    assert landlords == D(min(fixed, cost)) / 100
    g = group_amounts(Project.model_validate(d), y.gap, 2026)
    assert sum(g.values()) == y.gap and g["Bailleurs"] == landlords


def test_the_key_can_change_after_year_one_and_weights_can_be_given_per_year():
    d = project(**groups())
    d["funding"]["allocation"]["groups"][0]["percent_by_year"] = {2027: 50, 2028: 50}
    d["funding"]["allocation"]["groups"][1]["percent_by_year"] = {2027: 50, 2028: 50}
    d["funding"]["allocation"]["groups"][0]["partners"][1]["weight_by_year"] = {2028: 30000}
    p = plan(d)
    y26, y27, y28 = (p.year(y) for y in (2026, 2027, 2028))
    communes = lambda y: sum((c.allocated for c in y.contributions if c.partner in ("a", "b")), D(0))  # noqa: E731
    assert communes(y26) == D("180000.00") and communes(y27) == D("155000.00")
    parts28 = {c.partner: c.allocated for c in y28.contributions}
    assert abs(parts28["a"] - parts28["b"]) <= D("0.01")  # 30 000 inhabitants each in 2028 only (odd cent)
    assert {c.partner: c.allocated for c in y27.contributions}["a"] == 3 * {c.partner: c.allocated
                                                                            for c in y27.contributions}["b"]
    assert all(y.balance == 0 for y in p.years)


@pytest.mark.parametrize("method, attribute, expect", [
    ("qpv_population", None, {"a": D("180000.00"), "b": D("120000.00")}),
    ("attribute", "tfpb", None),
])
def test_weights_from_qpv_population_or_a_declared_attribute(method, attribute, expect):
    d = project(allocation={"method": method, **({"attribute": attribute} if attribute else {}),
                            "attributes": {"tfpb": "Abattement de TFPB"},
                            "partners": [{"partner": "a"}, {"partner": "b"}] if expect else [{"partner": "h2"}]})
    y = plan(d).year(2026)
    parts = {c.partner: c.allocated for c in y.contributions}
    assert parts == (expect or {"h2": D("300000.00")})


def _e036(d: dict) -> list[str]:
    return [p.message for p in plan_problems(plan(d)) if p.code == "PTMS-E036"]


def test_each_impossible_group_configuration_is_a_located_e036():
    assert _e036(project(**groups(60, 30))) == ["les parts des groupes totalisent 90 % au lieu de 100 %"]  # once
    d = project(**groups())
    d["funding"]["allocation"]["groups"][0]["percent_by_year"] = {2027: 70}
    assert _e036(d) == ["en 2027, les parts des groupes totalisent 110 % au lieu de 100 %"]
    d = project(**groups())
    d["funding"]["allocation"]["method"] = "equal"
    assert any("à la fois des groupes" in m for m in _e036(d))
    d = project(allocation={"method": "attribute", "attribute": "km", "partners": [{"partner": "a"}]})
    assert any("non déclaré" in m and "km" in m for m in _e036(d))
    d = project(allocation={"method": "housing_units", "partners": [{"partner": "a"}, {"partner": "h1"}]})
    problems = [p for p in plan_problems(plan(d)) if p.code == "PTMS-E036"]
    assert len(problems) == 1 and "« a »" in problems[0].message and "logements" in problems[0].message
    assert problems[0].loc == ("partners", 1) and "housing_units" in problems[0].hint
    d = project(**groups())
    del d["funding"]["allocation"]["groups"][1]["percent"]
    assert any("ni pourcentage ni montant" in m for m in _e036(d))


def test_the_single_key_of_existing_files_still_shares_as_before():
    d = project(allocation={"method": "population", "partners": [{"partner": "a"}, {"partner": "b"}]})
    y = plan(d).year(2028)
    assert {c.partner: c.allocated for c in y.contributions} == largest_remainder(D("320000.01"), {"a": 3, "b": 1})


# --- indexation ----------------------------------------------------------------------------------


def indexed(**budget) -> dict:
    d = project()
    d["budget"] = {"post_types": [{"id": "m", "label": "Médiateur", "yearly_cost": 40000}], "premises": 10000,
                   "training": 5000, **budget}
    d["service"]["posts"] = [{"id": "p", "title": "Médiateur", "post_type": "m"}]
    return d


def costs(d: dict, year: int) -> dict[str, D]:
    return {c.category: c.amount for c in plan(d).year(year).costs}


def test_one_rate_indexes_every_category_as_before():
    c = costs(indexed(indexation_rate=0.02), 2028)
    assert c["personnel"] == D("41616.00") and c["locaux"] == D("10404.00") and c["formation"] == D("5202.00")


def test_a_rate_per_category_and_per_year_and_the_last_rule_wins():
    d = indexed(indexation_rate=0.02, indexation=[
        {"category": "personnel", "rate": 0.03},
        {"category": "personnel", "rate": 0.01, "from_year": 2028},
        {"category": "locaux", "rate": 0},
    ])
    c27, c28 = costs(d, 2027), costs(d, 2028)
    assert c27["personnel"] == D("41200.00") and c28["personnel"] == D("41612.00")  # 40 000 × 1,03 × 1,01
    assert c28["locaux"] == D("10000.00")
    assert c28["formation"] == D("5202.00")  # no rule: indexation_rate
    assert Fraction(c28["personnel"]) == 40000 * Fraction("1.03") * Fraction("1.01")


def test_base_year_after_the_first_year_is_an_error_that_says_why():
    d = indexed(indexation_rate=0.02, base_year=2027)
    problems = [p for p in run(Project.model_validate(d)) if p.code == "PTMS-E081"]
    assert len(problems) == 1 and problems[0].loc == ("budget", "base_year")
    assert "2026" in problems[0].message and "2026" in problems[0].hint
    d = indexed(indexation_rate=0.02, base_year=2025)
    assert costs(d, 2026)["personnel"] == D("40800.00")  # quoted in 2025 euros: one step to 2026
    assert not [p for p in run(Project.model_validate(d)) if p.code == "PTMS-E081"]


def test_a_rule_whose_years_are_reversed_is_an_error_located_on_it():
    d = indexed(indexation=[{"rate": 0.02, "from_year": 2028, "to_year": 2027}])
    problems = [p for p in run(Project.model_validate(d)) if p.code == "PTMS-E081"]
    assert [p.loc for p in problems] == [("budget", "indexation", 0, "to_year")]


def test_a_year_map_given_as_indexation_rate_gets_a_rate_message_pointing_to_indexation(ptms, write_project):
    d = indexed()
    d["budget"]["indexation_rate"] = {2027: 0.025}
    r = ptms("validate", write_project(copy.deepcopy(d)))
    assert r.code == 1
    assert "ex. 0.02 pour 2 %" in r.out and "« indexation »" in r.out and "12000.50" not in r.out


def test_indexation_steps_on_the_anniversary_or_on_1_january():
    d = indexed(indexation_rate=0.02)
    d["period"] = {"start": "2026-07-01", "end": "2029-06-30"}
    d["budget"]["lines"] = []
    d["budget"].pop("training")
    january = costs(d, 2027)["locaux"]
    d["budget"]["indexation_step"] = "anniversary"
    anniversary = costs(d, 2027)["locaux"]
    assert january == D("10200.00")  # the whole of 2027 at 1,02
    assert anniversary == D("10100.00")  # January–June at 1 (convention year 1), July–December at 1,02


def test_a_group_partner_who_joins_in_year_two_pays_nothing_before_and_the_group_still_takes_its_share():
    d = project(**groups())
    d["partners"][2]["from"] = "2027-01-01"  # Ville B joins on 1 January 2027
    p = plan(d)
    y26, y27 = p.year(2026), p.year(2027)
    parts26 = {c.partner: c.allocated for c in y26.contributions}
    assert parts26.get("b", D(0)) == 0 and parts26["a"] == D("180000.00")  # the communes' 60 % on Ville A alone
    parts27 = {c.partner: c.allocated for c in y27.contributions}
    assert parts27["a"] + parts27["b"] == D("186000.00") and parts27["a"] == 3 * parts27["b"]
    assert all(y.balance == 0 for y in p.years)
