"""The legal rules PTMS-W100, W073, W074 and the legal facts (set-up, dated thresholds), without rendering
(fast lane; the clauses themselves are in test_legal.py)."""

from __future__ import annotations

import copy

import pytest

from ptms_cli import legalfacts
from ptms_cli.model import Project
from ptms_cli.validation import validate_file


def codes(result, code):
    return [f for f in result.findings if f.code == code]


@pytest.fixture
def agglo(intercommunal):
    return copy.deepcopy(intercommunal)


@pytest.fixture
def regie(commune):
    return copy.deepcopy(commune)


def test_regie_deduced_from_a_public_operator(regie):
    del regie["convention"]["legal_setup"]
    assert legalfacts.setup(Project.model_validate(regie)) == "regie"
    regie["convention"]["legal_setup"] = "subsidy"
    assert legalfacts.setup(Project.model_validate(regie)) == "subsidy"


def test_threshold_is_dated():
    from datetime import date

    assert legalfacts.threshold("sieg_de_minimis", date(2023, 6, 1)) == 500000
    assert legalfacts.threshold("sieg_de_minimis", date(2026, 1, 1)) == 750000
    assert legalfacts.threshold("statutory_auditor", date(2026, 1, 1)) == 153000


def test_non_signatory_deciding_the_budget(regie, write_project):
    assert not codes(validate_file(write_project(regie)), "PTMS-W103")
    regie["governance"]["steering_committee"]["budget_decided_by"] = "members"
    found = codes(validate_file(write_project(regie)), "PTMS-W103")
    assert [f.path for f in found] == ["governance.steering_committee.members[3]"]  # the CCAS
    assert "« ccas »" in found[0].message


def test_subsidy_after_a_call_for_tenders_warns(agglo, write_project):
    assert not codes(validate_file(write_project(agglo)), "PTMS-W100")
    agglo["service"]["selection"] = "Appel d'offres de l'agglomération en 2025."
    found = codes(validate_file(write_project(agglo)), "PTMS-W100")
    assert len(found) == 1 and found[0].path == "service.selection" and "appel d'offres" in found[0].message.lower()


def test_regie_with_an_association_operator_warns(agglo, regie, write_project):
    assert not codes(validate_file(write_project(regie)), "PTMS-W100")
    agglo["convention"]["legal_setup"] = "regie"
    found = codes(validate_file(write_project(agglo)), "PTMS-W100")
    assert len(found) == 1 and "régie" in found[0].message and found[0].path == "convention.legal_setup"
    regie["convention"]["legal_setup"] = "subsidy"
    found = codes(validate_file(write_project(regie, "r.yaml")), "PTMS-W100")
    assert any("collectivité" in f.message for f in found)


def test_representative_named_by_a_title_warns(regie, write_project):
    assert not codes(validate_file(write_project(regie)), "PTMS-W104")
    state = next(x for x in regie["partners"] if x["id"] == "prefecture")
    state["representative"]["name"] = "M. le préfet délégué pour l'égalité des chances"
    found = codes(validate_file(write_project(regie)), "PTMS-W104")
    assert len(found) == 1 and found[0].path == "partners[4].representative.name"


def test_w105_a_technical_committee_that_decides_contradicts_the_convention(agglo, write_project):
    assert not codes(validate_file(write_project(agglo)), "PTMS-W105")  # the example's COTECH has no rule
    agglo["governance"]["technical_committee"]["decision_rule"] = "majorite_simple"
    found = codes(validate_file(write_project(agglo, "decides.yaml")), "PTMS-W105")
    assert len(found) == 1
    assert found[0].path == "governance.technical_committee.decision_rule"
    assert "consultatif" in found[0].message and "majorité" in found[0].message.lower()
    del agglo["governance"]["technical_committee"]
    assert not codes(validate_file(write_project(agglo, "none.yaml")), "PTMS-W105")
