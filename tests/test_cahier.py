"""Cahier des charges (issue 16): risks from the funding engine's facts, money explained, evaluation
printed in full with PTMS-W043, the call and adopted variants, existing actors' future."""

from __future__ import annotations

import copy

import pytest
from conftest import docx_text, load_example, plain

from ptms_cli.derived import Derived
from ptms_cli.documents.context import build_context
from ptms_cli.frformat import money
from ptms_cli.model import Project
from ptms_cli.validation import validate_file


def context_of(data: dict) -> tuple[Project, dict]:
    project = Project.model_validate(data)
    return project, build_context(project)


@pytest.fixture(scope="module")
def agglo():
    return context_of(load_example("agglo-val-de-marque.yaml"))


def test_risks_are_the_engine_s_ending_aids(agglo):
    project, ctx = agglo
    aids = Derived.for_project(project, None).plan.ending_aids
    risks = ctx["cahier"]["risks"]
    assert aids and [r["year"] for r in risks["ending_aids"]] == [str(x.year) for x in aids]
    assert [r["amount"] for r in risks["ending_aids"]] == [money(x.amount) for x in aids]
    assert risks["total"] == money(sum(x.amount for x in aids))


def test_no_ending_aid_no_risk_line(intercommunal):
    data = copy.deepcopy(intercommunal)
    data["service"]["posts"] = [x for x in data["service"]["posts"] if x["contract"] not in ("adulte_relais", "pec")]
    _, ctx = context_of(data)
    assert ctx["cahier"]["risks"] == {"ending_aids": [], "total": "", "any": False}


def test_money_per_inhabitant_and_per_hour(agglo):
    project, ctx = agglo
    plan = Derived.for_project(project, None).plan
    hours = sum(x.hours_per_week for x in project.service.sectors) * 52
    rows = ctx["cahier"]["money"]["per_year"]
    assert [r["year"] for r in rows] == [str(y.year) for y in plan.years]
    first = plan.years[0].cost_total
    assert rows[0]["per_inhabitant"] == money(first / project.territory.population)
    assert rows[0]["per_hour"] == money(first / __import__("decimal").Decimal(str(hours)))
    key = ctx["cahier"]["money"]["key"]
    for share in project.funding.allocation.partners:
        assert project.partner(share.partner).name in key


def test_evaluation_warning_only_with_step_2(tmp_path, write_project, intercommunal):
    data = copy.deepcopy(intercommunal)
    data["evaluation"]["indicators"][0].pop("source", None)
    data["evaluation"]["indicators"][0]["target"] = "80 %"
    path = write_project(data)
    label = data["evaluation"]["indicators"][0]["label"]
    found = [f for f in validate_file(path, step=2).findings if f.code == "PTMS-W043"]
    assert any(label in f.message and "source" in f.message and "cible" not in f.message for f in found)
    assert not [f for f in validate_file(path).findings if f.code == "PTMS-W043"]


@pytest.mark.slow
def test_cahier_variants_and_sections(tmp_path, ptms, write_project, intercommunal):
    data = copy.deepcopy(intercommunal)
    operator = next(x["name"] for x in data["partners"] if x["id"] == data["service"]["operator"])
    data["actors"][0]["future"] = "absorbed"
    out = {}
    for stage in ("adopted", "call"):
        data["service"]["selection_stage"] = stage
        run = ptms("render", write_project(data, f"{stage}.yaml"), "-o", tmp_path / stage, "--doc", "cahier-des-charges")
        assert run.code == 0, run.err
        out[stage] = plain(docx_text(tmp_path / stage / "cahier-des-charges.docx"))
    assert f"Opérateur du service : {operator}" in out["adopted"] and "Opérateur du service :" not in out["call"]
    assert f"l'opérateur retenu, {operator}" in out["adopted"] and "l'opérateur retenu" not in out["call"]
    assert "sera choisi à l'issue de l'appel à projets" in out["call"]
    assert "Critères de sélection et pondération" in out["call"] and "Dossier de candidature" in out["call"]
    assert "Critères de sélection" not in out["adopted"]
    text = out["adopted"]
    for title in ("Risques et pérennisation", "Contrats aidés et parcours des médiateurs", "Part de chaque partenaire",
                  "Ce que coûte le service", "Acteurs de médiation existants"):
        assert title in text
    assert "intégré au service" in text and "à décider" in text
    measure = next(i["measure"] for i in data["evaluation"]["indicators"] if i.get("measure"))
    assert measure in text


# --- dossier de mobilisation ------------------------------------------------------------------------

def test_dossier_asks_each_partner_with_order_of_magnitude(intercommunal):
    data = copy.deepcopy(intercommunal)
    target = next(x for x in data["partners"] if "funder" in x["roles"] and x["id"] != data["lead_partner"])
    target["reply_by"] = "2026-03-15"
    project, ctx = context_of(data)
    mob = ctx["mobilization"]
    assert mob["budget"].startswith("environ ")
    ask = next(a for a in mob["asks"] if a["partner"] == target["name"])
    assert ask["reply_by"] == "15 mars 2026" and ask["contribution"].startswith("environ ")
    assert "financement" in ask["decision"]
    assert data["lead_partner"] not in {a["partner"] for a in mob["asks"]}
    lead_name = next(x["name"] for x in data["partners"] if x["id"] == data["lead_partner"])
    assert lead_name not in {a["partner"] for a in mob["asks"]}


@pytest.mark.slow
def test_dossier_shows_benefits_asks_and_today_s_coverage_only(tmp_path, ptms):
    from conftest import EXAMPLES

    run = ptms("render", EXAMPLES / "agglo-val-de-marque.yaml", "-o", tmp_path, "--doc", "mobilisation")
    assert run.code == 0, run.err
    text = plain(docx_text(tmp_path / "dossier-mobilisation.docx"))
    for words in ("Ce que le projet apporte à chacun", "Ce que nous vous demandons", "Ordre de grandeur du budget",
                  "Couverture actuelle des besoins"):
        assert words in text
    assert "Avec le service mutualisé" not in text
    import zipfile

    with zipfile.ZipFile(tmp_path / "dossier-mobilisation.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert 'descr="Matrice de couverture actuelle' in xml
