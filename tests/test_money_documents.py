"""Issue 14 in the documents: each resource's status, decider, payer and reservation; contributions in
kind as valued, never paid; the allocation key in words."""

from __future__ import annotations

import copy

import pytest

from conftest import load_example
from ptms_cli.documents.context import build_context
from ptms_cli.model import Project

AGGLO = load_example("agglo-val-de-marque.yaml")


def context(d: dict) -> dict:
    return build_context(Project.model_validate(d))["funding"]


def with_money() -> dict:
    d = copy.deepcopy(AGGLO)
    d["funding"]["in_kind"] = [{"partner": "marcq", "kind": "locaux", "label": "Local de 60 m²",
                                "amounts": {2026: 9000.00, 2027: 9000.00}}]
    d["funding"]["resources"].append({"id": "fse", "kind": "fse_plus", "label": "FSE+ inclusion", "status": "requested",
                                      "fallback": "logis-marque", "nature": "droit_commun", "amounts": {2026: 20000.00}})
    d["funding"]["resources"][0] |= {"status": "granted",
                                     "decision": {"reference": "arrêté n° 2026-118", "date": "2026-03-02"}}
    return d


def test_state_aids_are_paid_by_the_asp_and_every_resource_says_its_status_and_who_decides():
    terms = {t["name"]: t for t in context(with_money())["resource_terms"]}
    aids = [t for name, t in terms.items() if name.startswith("Aide de l'État")]
    assert aids and all(t["payer"] == "l'Agence de services et de paiement (ASP)" for t in aids)
    assert all("loi de finances" in t["reservation"] and t["status_label"] == "prévisionnel" for t in aids)
    fse = terms["FSE+ inclusion"]
    assert fse["status_label"] == "sollicité" and fse["fallback"].startswith("Logis de la Marque")
    fipd = terms["Fonds interministériel de prévention de la délinquance"]
    assert fipd["status_label"] == "accordé (arrêté n° 2026-118 du 2 mars 2026)" and fipd["annual"]


def test_in_kind_is_listed_with_its_valuation_and_changes_no_amount_of_the_plan():
    plain, rich = context(copy.deepcopy(AGGLO)), context(with_money())
    assert plain["in_kind"] == []
    (k,) = rich["in_kind"]
    assert k["partner"] == "Ville de Marcq-la-Rivière" and k["kind"] == "Mise à disposition de locaux"
    assert [y["year"] for y in k["by_year"]] == [2026, 2027] and k["total"].startswith("18")
    assert rich["cost_total"] == plain["cost_total"]


def test_the_allocation_key_is_stated_in_words_with_groups():
    d = copy.deepcopy(AGGLO)
    assert context(d)["allocation_words"] == "pourcentages fixés"
    d["funding"]["allocation"] = {"groups": [
        {"name": "Communes", "method": "equal", "percent": 70,
         "partners": [{"partner": "marcq"}, {"partner": "hem"}, {"partner": "sailly"}]},
        {"name": "Agglomération", "method": "equal", "percent": 30, "partners": [{"partner": "agglo"}]}]}
    assert context(d)["allocation_words"] == "par groupes : Communes (parts égales), Agglomération (parts égales)"


@pytest.mark.slow
def test_the_cahier_prints_the_conditions_and_the_contributions_in_kind(ptms, write_project, tmp_path):
    out = tmp_path / "docs"
    r = ptms("render", write_project(with_money()), "-o", out, "--format", "md")
    assert r.code == 0, r.err
    text = " ".join((out / "cahier-des-charges.md").read_text(encoding="utf-8").split())
    assert "### Conditions des ressources" in text and "**FSE+ inclusion** : montant sollicité" in text
    assert "versement : l'Agence de services et de paiement (ASP)" in text
    assert "### Contributions en nature" in text and "ne donnent lieu à aucun versement" in text
    r = ptms("render", write_project(copy.deepcopy(AGGLO), "plain.yaml"), "-o", tmp_path / "plain", "--format", "md")
    assert "Contributions en nature" not in (tmp_path / "plain" / "cahier-des-charges.md").read_text(encoding="utf-8")
