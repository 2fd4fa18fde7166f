"""`ptms diff` and `aftersign.diff`: the changes between two versions of a project."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from ptms_cli.aftersign import diff
from ptms_cli.validation import validate_file


def _load(path):
    r = validate_file(path)
    assert not r.errors, [f.message for f in r.findings]
    return r.project, r.derived.plan


@pytest.fixture
def compare(write_project):
    def run(old: dict, new: dict) -> diff.Diff:
        a = _load(write_project(old, "a.yaml"))
        b = _load(write_project(new, "b.yaml"))
        return diff.compute(a[0], a[1], b[0], b[1])
    return run


def _contribution(data: dict, pid: str) -> dict:
    return next(c for c in data["funding"]["contributions"] if c["partner"] == pid)


def test_same_project_has_no_change(compare, intercommunal):
    d = compare(intercommunal, intercommunal)
    assert not d and d.changes == [] and d.families() == []
    assert diff.as_text(d, "a", "b").startswith("Aucun changement")


def test_an_amount_change_gives_before_after_and_delta_for_that_partner_and_year(compare, intercommunal):
    new = copy.deepcopy(intercommunal)
    _contribution(new, "caf")["amounts"][2027] = 17500.00
    d = compare(intercommunal, new)
    caf = [c for c in d.of("contributions") if c.key == "caf"]
    assert [(c.year, c.amount_before, c.amount_after, c.delta) for c in caf] == [
        (2027, Decimal("15000.00"), Decimal("17500.00"), Decimal("2500.00"))]
    # the allocation key gives the 2 500 € back to the four communes of the percentages: their parts fall
    assert {c.key for c in d.of("contributions") if c.year == 2027} == {"caf", "agglo", "marcq", "hem", "sailly"}
    assert sum(c.delta for c in d.of("contributions")) == 0  # the cost is unchanged
    assert not d.of("cost")
    text = diff.as_text(d, "a", "b")
    assert "2027 : 15 000,00 € → 17 500,00 € (+2 500,00 €)" in text.replace("\u202f", " ").replace("\xa0", " ")


def test_a_partner_joining_is_a_party_with_its_amounts_allocation_and_governance(compare, intercommunal):
    new = copy.deepcopy(intercommunal)
    new["partners"].append({"id": "villers", "name": "Commune de Villers", "kind": "commune",
                            "roles": ["funder", "signatory"], "status": "committed", "population": 9000})
    shares = new["funding"]["allocation"]["partners"]
    next(s for s in shares if s["partner"] == "sailly")["weight"] = 5
    shares.append({"partner": "villers", "weight": 5})
    new["governance"]["steering_committee"]["members"].append("villers")
    d = compare(intercommunal, new)
    assert d.joining == ["villers"] and d.leaving == []
    assert d.families() == ["parties", "contributions", "allocation", "governance"]
    villers = [c for c in d.of("contributions") if c.key == "villers"]
    assert [c.year for c in villers] == [2026, 2027, 2028] and all(c.kind == "added" for c in villers)
    sailly = {c.year: c for c in d.of("contributions") if c.key == "sailly"}
    for c in villers:  # Sailly's half goes to Villers (to the cent, largest remainder)
        assert abs(sailly[c.year].delta + c.amount_after) <= Decimal("0.01")


def test_a_partner_leaving(compare, intercommunal):
    old = copy.deepcopy(intercommunal)
    new = copy.deepcopy(intercommunal)
    dep = next(p for p in new["partners"] if p["id"] == "departement")
    dep["roles"] = [r for r in dep["roles"] if r not in ("signatory", "funder")]
    new["funding"]["contributions"] = [c for c in new["funding"]["contributions"] if c["partner"] != "departement"]
    d = compare(old, new)
    assert d.leaving == ["departement"] and d.joining == []
    assert [c.kind for c in d.of("parties")] == ["removed"]
    gone = [c for c in d.of("contributions") if c.key == "departement"]
    assert [(c.year, c.amount_after) for c in gone] == [(2026, Decimal(0)), (2027, Decimal(0)), (2028, Decimal(0))]


def test_duration_schedule_allocation_and_governance_changes(compare, intercommunal):
    new = copy.deepcopy(intercommunal)
    new["convention"]["payment_schedule"] = [{"label": "avant le 30 avril", "percent": 100}]
    new["funding"]["allocation"]["method"] = "equal"
    new["governance"]["steering_committee"]["chair"] = "marcq"
    d = compare(intercommunal, new)
    assert {"schedule", "allocation", "governance", "contributions"} <= set(d.families())
    (s,) = d.of("schedule")
    assert "avant le 30 avril : 100\xa0%" in s.after
    assert [c.subject for c in d.of("governance")] == ["Comité de pilotage : présidence"]
    method = next(c for c in d.of("allocation") if c.key == "method")
    assert method.before != method.after


def test_period_change_is_a_duration_change(compare, intercommunal):
    new = copy.deepcopy(intercommunal)
    new["period"]["end"] = "2029-12-31"
    new["convention"]["duration_years"] = 4  # else PTMS-E037: the convention's term must be the period
    for c in new["funding"]["contributions"] + new["funding"]["resources"]:
        c["amounts"][2029] = c["amounts"][2028]
    d = compare(intercommunal, new)
    (c,) = [c for c in d.of("duration") if c.key == "period"]
    assert "2028" in c.before and "2029" in c.after
    assert [c.year for c in d.of("cost")] == [2029]


def test_json_shape(compare, intercommunal):
    new = copy.deepcopy(intercommunal)
    _contribution(new, "caf")["amounts"][2026] = 14000.00
    doc = diff.as_json(compare(intercommunal, new), "a", "b")
    json.dumps(doc)  # JSON-able
    caf = next(c for c in doc["changes"] if c["key"] == "caf")
    assert (caf["amount_before"], caf["amount_after"], caf["delta"]) == ("15000.00", "14000.00", "-1000.00")
    assert caf["article"] == "Contributions financières" and caf["unanimity"] is True


@pytest.mark.slow
def test_cli_exit_codes_and_json(ptms, write_project, intercommunal, tmp_path):
    a = write_project(intercommunal, "a.yaml")
    new = copy.deepcopy(intercommunal)
    _contribution(new, "caf")["amounts"][2026] = 14000.00
    b = write_project(new, "b.yaml")
    same = ptms("diff", a, a)
    assert same.code == 0 and "Aucun changement" in same.out
    changed = ptms("diff", a, b, "--format", "json")
    assert changed.code == 1 and json.loads(changed.out)["changed"] is True
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [\n", encoding="utf-8")
    broken = ptms("diff", a, bad)
    assert broken.code == 2 and "bad.yaml:" in broken.err and "Traceback" not in broken.err
