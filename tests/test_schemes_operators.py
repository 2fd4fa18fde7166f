"""Issue 14, operators in the documents: who employs whom, who receives what (`operators` context)."""

from __future__ import annotations

import pytest

from conftest import EXAMPLES, docx_texts, plain, run_ptms
from ptms_cli.documents.context_operators import operators_context
from ptms_cli.validation import validate_file


def context_of(path):
    result = validate_file(path)
    assert result.errors == 0, [f.message for f in result.findings]
    return operators_context(result.project)


def test_lead_employs_the_posts_and_subcontractor_receives_its_amount():
    ctx = context_of(EXAMPLES / "agglo-val-de-marque.yaml")
    assert ctx["lead"]["name"] == "Association Médiation Val de Marque"
    assert "emploie le personnel des douze postes" in ctx["lead"]["employs"]  # 1 + 6 + 2 + 1 + 2 posts
    assert "aides de l'État" in ctx["lead"]["receives"]
    [sub] = ctx["subcontractors"]
    assert sub["name"] == "Association Voisins de Sailly" and sub["receives"] == "12\xa0000,00\xa0€ par an"
    assert "concertation avec les habitants" in sub["activities_label"] and sub["sectors_label"].startswith("Sailly-les-Prés")
    assert "\u202f; secteur\xa0:" in sub["sentence"] and "reverse à chaque sous-traitant" in ctx["summary"]


def test_share_and_scope_defaults(write_project, intercommunal):
    intercommunal["service"]["subcontractors"] = [{"partner": "voisins-sailly", "share": 0.15}]
    ctx = context_of(write_project(intercommunal))
    [sub] = ctx["subcontractors"]
    assert plain(sub["receives"]) == "15 % du coût annuel du service"
    assert sub["activities_label"] == "toutes les activités du service" and " — " not in sub["sentence"]


def test_without_subcontractor_or_aided_post(write_project, intercommunal):
    del intercommunal["service"]["subcontractors"]
    intercommunal["partners"] = [p for p in intercommunal["partners"] if p["id"] != "voisins-sailly"]
    intercommunal["service"]["posts"] = [p for p in intercommunal["service"]["posts"] if p["contract"] == "cdi"]
    ctx = context_of(write_project(intercommunal))
    assert ctx["subcontractors"] == [] and "sous-traitant" not in ctx["summary"]
    assert ctx["lead"]["receives"] == "les contributions des partenaires"
    assert "sept postes" in ctx["lead"]["employs"]


def test_no_service_no_operators(step1, write_project):
    assert context_of(write_project(step1)) is None


@pytest.mark.slow
def test_cahier_des_charges_says_who_employs_and_who_receives(tmp_path):
    r = run_ptms("render", EXAMPLES / "agglo-val-de-marque.yaml", "-o", tmp_path, "--format", "docx", "--doc", "cahier-des-charges")
    assert r.code == 0, r.err
    text = [plain(t) for t in docx_texts(tmp_path / "cahier-des-charges.docx")]
    assert any(t.startswith("L'opérateur principal, Association Médiation Val de Marque, emploie") for t in text)
    assert any(t.startswith("Association Voisins de Sailly, sous-traitant de l'opérateur principal") and
               "12 000,00 € par an" in t for t in text)
