"""Sub-contractors in the funding plan (`funding.routing`): which part of the service's cost the lead
operator passes on to each sub-contractor, per year of both views, in `ptms funding` (table, csv,
json, xlsx) and in the documents' funding context."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from ptms_cli.documents.typography import typeset
from conftest import EXAMPLES, load_example, run_ptms
from hypothesis import given, settings
from hypothesis import strategies as st

from ptms_cli.documents.context import build_context
from ptms_cli.funding import compute_plan, plan_as_dict, to_cents
from ptms_cli.funding.period import add_months
from ptms_cli.model import Project

ZERO = D("0.00")
NBSP = "\u00a0"
AGGLO = EXAMPLES / "agglo-val-de-marque.yaml"


def agglo() -> dict:
    return load_example("agglo-val-de-marque.yaml")


def small(start="2026-09-01", end="2029-08-31", subs=(), partners=()) -> dict:
    return {
        "schema_version": 1, "name": "Projet", "period": {"start": start, "end": end},
        "territory": {"name": "T", "kind": "commune", "sectors": [{"id": "s", "name": "S"}]},
        "partners": [{"id": "ville", "name": "Ville", "kind": "commune"},
                     {"id": "asso", "name": "Association du quartier", "kind": "association", "roles": ["operator"]},
                     *partners],
        "service": {"name": "S", "operator": "ville", "sectors": [{"sector": "s", "hours_per_week": 20}],
                    "subcontractors": list(subs),
                    "posts": [{"id": "m", "title": "Médiateur", "post_type": "med", "count": 2}]},
        "budget": {"post_types": [{"id": "med", "label": "Médiateur", "yearly_cost": 41234.57}], "overhead_rate": 0.07},
        "funding": {"allocation": {"method": "equal", "partners": [{"partner": "ville"}]}},
    }


def shares(years, pid):
    return [sum((o.amount for o in y.operators if o.partner == pid), ZERO) for y in years]


def test_the_example_sub_contractor_receives_its_yearly_amount_and_the_lead_operator_the_rest():
    d = agglo()
    sub = d["service"]["subcontractors"][0]
    plan = compute_plan(Project.model_validate(d))
    for y in plan.years:
        roles = {o.partner: o for o in y.operators}
        assert roles[sub["partner"]].amount == D(str(sub["amount"]))  # whole calendar years
        assert roles[sub["partner"]].role == "subcontractor" and roles[sub["partner"]].basis == "amount"
        lead = roles[d["service"]["operator"]]
        assert lead.role == "lead" and lead.amount == y.cost_total - D(str(sub["amount"]))
        assert [o.role for o in y.operators] == ["lead", "subcontractor"]


def test_a_yearly_amount_follows_the_period_whole_convention_years_get_it_exactly():
    d = small(subs=[{"partner": "asso", "amount": 10000.01}])
    plan = compute_plan(Project.model_validate(d))
    assert shares(plan.views["convention"], "asso") == [D("10000.01")] * 3
    calendar = plan.views["calendar"]
    # 2026: September - December, 4 months of 12; 2029: January - August, 8 months
    assert shares(calendar, "asso")[0] == to_cents(Fraction(D("10000.01")) * 4 / 12)
    assert sum(shares(calendar, "asso"), ZERO) == D("30000.03")
    for y in plan.views["calendar"] + plan.views["convention"]:
        assert sum((o.amount for o in y.operators), ZERO) == y.cost_total


def test_a_share_of_the_cost_is_exact_over_the_period_and_within_a_cent_each_year():
    d = small(start="2026-07-17", end="2029-07-16", subs=[{"partner": "asso", "share": 0.15}])
    plan = compute_plan(Project.model_validate(d))
    for view in plan.views.values():
        total_cost = sum((y.cost_total for y in view), ZERO)
        assert sum(shares(view, "asso"), ZERO) == to_cents(Fraction(total_cost) * Fraction(15, 100))
        for y in view:
            assert abs(Fraction(shares([y], "asso")[0]) - Fraction(y.cost_total) * Fraction(15, 100)) <= Fraction(1, 100)


def test_a_sub_contractor_joining_later_receives_nothing_before():
    partner = {"id": "asso2", "name": "Régie de quartier", "kind": "association", "roles": ["operator"], "from": "2027-09-01"}
    d = small(subs=[{"partner": "asso2", "amount": 6000}], partners=[partner])
    plan = compute_plan(Project.model_validate(d))
    assert shares(plan.views["convention"], "asso2") == [ZERO, D("6000.00"), D("6000.00")]
    assert all(o.partner != "asso2" for o in plan.views["convention"][0].operators)


def test_without_sub_contractor_nothing_is_added_to_the_plan_json_or_context():
    d = load_example("commune-beaulieu.yaml")
    p = Project.model_validate(d)
    plan = compute_plan(p)
    assert all(y.operators == [] for v in plan.views.values() for y in v)
    assert all("operators" not in y for y in plan_as_dict(plan)["years"])
    assert build_context(p)["funding"]["operators"] == []


def test_the_documents_get_each_operator_per_year_in_figures_and_words():
    d = agglo()
    p = Project.model_validate(d)
    ops = build_context(p)["funding"]["operators"]
    assert [o["role"] for o in ops] == ["lead", "subcontractor"]
    sub = ops[1]
    assert sub["partner_id"] == "voisins-sailly" and sub["label"] == "Association Voisins de Sailly"
    assert sub["role_label"] == f"sous-traitant : 12{NBSP}000,00{NBSP}€ par an"
    assert sub["amounts"] == [f"12{NBSP}000,00{NBSP}€"] * 3 and sub["amounts_words"][0] == "douze mille euros"
    costs = compute_plan(p).years
    assert ops[0]["raw"] == [str(y.cost_total - D("12000.00")) for y in costs]


def test_sub_contractor_share_is_worded_as_a_percentage():
    d = small(subs=[{"partner": "asso", "share": 0.15}])
    d["funding"]["years"] = "convention"
    ctx = build_context(Project.model_validate(d))
    assert ctx["funding"]["operators"][1]["role_label"] == f"sous-traitant : 15{NBSP}% du coût"


@settings(max_examples=30, deadline=None)
@given(st.dates(date(2025, 1, 2), date(2030, 12, 31)), st.integers(6, 60),
       st.sampled_from([0.1, 0.15, 0.333]), st.integers(0, 5_000_000))
def test_operators_always_split_each_year_cost_exactly(start, months, share, cents):
    subs = [{"partner": "asso", "share": share},
            {"partner": "asso2", "amount": float(D(cents) / 100)}]
    partner = {"id": "asso2", "name": "Régie", "kind": "association", "roles": ["operator"]}
    d = small(start=start.isoformat(), end=(add_months(start, months) - (date(2000, 1, 2) - date(2000, 1, 1))).isoformat(),
              subs=subs, partners=[partner])
    plan = compute_plan(Project.model_validate(d))
    for view in plan.views.values():
        for y in view:
            assert sum((o.amount for o in y.operators), ZERO) == y.cost_total
    for pid in ("asso", "asso2", "ville"):
        assert len({sum(shares(v, pid), ZERO) for v in plan.views.values()}) == 1  # both views, same total


# --- ptms funding ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_ptms_funding_table_csv_json_and_xlsx_itemise_the_sub_contractor(tmp_path):
    table = run_ptms("funding", AGGLO, columns=160)
    assert table.code == 0, table.err
    assert "Qui reçoit le coût du service" in table.out
    assert typeset(f"sous-traitant : 12{NBSP}000,00{NBSP}€ par an") in table.out and "opérateur principal" in table.out

    doc = json.loads(run_ptms("funding", AGGLO, "-f", "json").out)
    for y in doc["plan"]["years"]:
        got = {o["partner"]: D(o["amount"]) for o in y["operators"]}
        assert got["voisins-sailly"] == D("12000.00") and sum(got.values()) == D(y["cost_total"])

    rows = [r for r in csv.DictReader(io.StringIO(run_ptms("funding", AGGLO, "-f", "csv").out)) if r["vue"] == "operateurs"]
    assert {(r["annee"], r["reference"], r["categorie"]) for r in rows} == {
        (str(y["year"]), o["partner"], o["role"]) for y in doc["plan"]["years"] for o in y["operators"]}

    out = tmp_path / "plan.xlsx"
    assert run_ptms("funding", AGGLO, "-f", "xlsx", "-o", out).code == 0
    from openpyxl import load_workbook

    sheet = [list(r) for r in load_workbook(out)["Opérateurs"].iter_rows(values_only=True)]
    by_name = {r[0]: r for r in sheet[1:]}
    assert [D(str(v)) for v in by_name["Association Voisins de Sailly"][2:]] == [D("12000.00")] * 3
    assert [D(str(v)) for v in by_name["Coût total"][2:]] == [D(y["cost_total"]) for y in doc["plan"]["years"]]


@pytest.mark.slow
def test_ptms_funding_without_sub_contractor_has_no_operators_table(tmp_path):
    d = copy.deepcopy(agglo())
    d["service"]["subcontractors"] = []
    d["partners"] = [p for p in d["partners"] if p["id"] != "voisins-sailly"]
    import yaml

    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = run_ptms("funding", path, columns=160)
    assert r.code == 0, r.err
    assert "Qui reçoit le coût" not in r.out and "Qui paie quoi" in r.out


# --- PTMS-W125 ------------------------------------------------------------------------------------


def test_sub_contractors_promised_more_than_the_service_costs_are_warned(write_project):
    from ptms_cli.validation import validate_file

    d = small(start="2026-01-01", end="2027-12-31", subs=[{"partner": "asso", "amount": 50000}])
    d["service"]["posts"][0]["end"] = "2026-12-31"  # 2027 costs nothing, the sub-contractor is still promised its amount
    result = validate_file(write_project(d))
    w = [f for f in result.findings if f.code == "PTMS-W125"]
    assert [f.message for f in w] == [
        f"en 2027, les montants reversés aux sous-traitants (50{NBSP}000,00{NBSP}€) dépassent le coût du service (0,00{NBSP}€)"]
    assert w[0].path == "service.subcontractors" and w[0].line > 0
    plan = compute_plan(Project.model_validate(d))
    assert [o.amount for o in plan.views["calendar"][1].operators] == [D("-50000.00"), D("50000.00")]


def test_sub_contractors_within_the_cost_raise_no_warning(write_project):
    from ptms_cli.validation import validate_file

    d = small(subs=[{"partner": "asso", "share": 0.5}])
    assert not [f for f in validate_file(write_project(d)).findings if f.code == "PTMS-W125"]
