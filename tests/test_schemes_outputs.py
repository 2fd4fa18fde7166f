"""Issue 14, outputs of `ptms funding`: the xlsx holds numbers and years as numbers, the json's
`to_fund_by_partners` (with `gap`, its deprecated alias, for one version)."""

from __future__ import annotations

import io
import json
from decimal import Decimal as D

import pytest
from conftest import EXAMPLES, run_ptms
from openpyxl import load_workbook

from ptms_cli.cli import cmd_funding
from ptms_cli.validation import validate_file

AGGLO = EXAMPLES / "agglo-val-de-marque.yaml"


@pytest.fixture(scope="module")
def agglo():
    result = validate_file(AGGLO)
    alerts = [f for f in result.findings if f.code.startswith("PTMS-W03")]
    return result.project, result.derived.plan, alerts


@pytest.fixture(scope="module")
def workbook(agglo):
    return load_workbook(io.BytesIO(cmd_funding._xlsx(*agglo)))


@pytest.mark.parametrize("title", ["Équilibre", "Coûts", "Ressources", "Contributions", "Partenaires", "Parts du coût"])
def test_every_view_has_years_as_numbers(workbook, agglo, title):
    _, plan, _ = agglo
    header = [c.value for c in workbook[title][1]]
    years = [y.year for y in plan.years]
    assert header[-len(years):] == years and all(type(v) is int for v in header[-len(years):])


@pytest.mark.parametrize("title", ["Équilibre", "Coûts", "Ressources", "Contributions", "Partenaires", "Parts du coût"])
def test_every_amount_is_a_number(workbook, agglo, title):
    _, plan, _ = agglo
    n = len(plan.years)
    cells = [c for row in workbook[title].iter_rows(min_row=2) for c in row[-n:]]
    assert cells and all(c.value is None or c.data_type == "n" for c in cells)
    assert any(isinstance(c.value, (int, float)) for c in cells)


def test_partners_sheet_amounts_and_shares(workbook, agglo):
    _, plan, _ = agglo
    amounts = {row[0]: row[1:] for row in workbook["Partenaires"].iter_rows(min_row=2, values_only=True)}
    shares = {row[0]: row[1:] for row in workbook["Parts du coût"].iter_rows(min_row=2, values_only=True)}
    first = plan.years[0]
    for p in first.partners:
        assert D(str(amounts[p.name][0])) == p.total and D(str(shares[p.name][0])) == p.share
    assert [D(str(v)) for v in amounts["Total"]] == [y.cost_total for y in plan.years]  # every euro is paid by someone
    assert workbook["Parts du coût"].cell(2, 2).number_format == "0.0%"


def test_json_names_the_amount_left_to_the_partners_and_keeps_the_alias(agglo):
    project, plan, alerts = agglo
    doc = json.loads(cmd_funding._json(project, plan, alerts, "x.yaml"))
    for y, year in zip(plan.years, doc["plan"]["years"]):
        assert year["to_fund_by_partners"] == year["gap"] == str(y.cost_total - y.resources_total)
        assert D(year["to_fund_by_partners"]) == D(year["contributions_total"])  # balanced example
        keys = list(year)
        assert keys.index("to_fund_by_partners") + 1 == keys.index("gap")


@pytest.mark.slow
def test_json_alias_through_the_command():
    r = run_ptms("funding", AGGLO, "-f", "json")
    assert r.code == 0, r.err
    years = json.loads(r.out)["plan"]["years"]
    assert [y["to_fund_by_partners"] for y in years] == [y["gap"] for y in years]
    assert all(D(y["to_fund_by_partners"]) > 0 for y in years)
