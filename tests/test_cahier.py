"""Cahier des charges (issue 16): risks from the funding engine's facts, money explained, evaluation
printed in full with PTMS-W043, the call and adopted variants, existing actors' future."""

from __future__ import annotations

import copy

import pytest
from conftest import docx_text, load_example, plain

from ptms_cli.derived import Derived
from ptms_cli.documents.context import build_context
from ptms_cli.frformat import money, quantity
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
    data["service"]["selection_criteria"] = [{"label": "Qualité du projet de médiation", "weight": 55},
                                             {"label": "Prix et cofinancements", "weight": 45}]
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
    assert "Qualité du projet de médiation\n55 %" in out["call"] and "Prix et cofinancements\n45 %" in out["call"]
    assert "Professionnalisation" not in out["call"]  # the project's criteria replace the default ones
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


# --- cost per QPV inhabitant, selection criteria as project data (issue 16) ------------------------------

def test_cost_per_qpv_inhabitant_from_the_communes(intercommunal):
    data = copy.deepcopy(intercommunal)
    communes = [x for x in data["partners"] if x["kind"] == "commune"]
    assert len(communes) >= 2
    communes[0]["qpv_population"] = 4200
    communes[1]["qpv_population"] = 1800
    project, ctx = context_of(data)
    plan = Derived.for_project(project, None).plan
    m = ctx["cahier"]["money"]
    first = plan.years[0].cost_total
    assert m["per_year"][0]["per_qpv_inhabitant"] == money(first / 6000)
    assert m["qpv_population"] == quantity(6000)
    note = " ".join(m["notes"])
    assert communes[0]["name"] in note and communes[1]["name"] in note
    for other in communes[2:]:  # a commune without the figure is named as not counted
        assert other["name"] in note and "n'est pas connue" in note


def test_cost_per_qpv_inhabitant_unknown_is_said(intercommunal):
    data = copy.deepcopy(intercommunal)
    for x in data["partners"]:
        x.pop("qpv_population", None)
    data["territory"].pop("population", None)
    _, ctx = context_of(data)
    m = ctx["cahier"]["money"]
    assert {r["per_qpv_inhabitant"] for r in m["per_year"]} == {"non calculable"}
    assert {r["per_inhabitant"] for r in m["per_year"]} == {"non calculable"}
    assert all("—" not in r.values() for r in m["per_year"])
    note = " ".join(m["notes"])
    assert "quartier prioritaire (QPV) n'est pas calculable" in note
    assert "population du territoire n'est pas renseignée" in note


def test_selection_criteria_default_and_project_data(intercommunal):
    data = copy.deepcopy(intercommunal)
    data["service"]["selection_stage"] = "call"
    _, ctx = context_of(data)
    default = ctx["cahier"]["criteria"]
    assert len(default) == 4 and default[0]["weight"] == "40 %"
    assert sum(int(c["weight"].split()[0]) for c in default) == 100
    data["service"]["selection_criteria"] = [{"label": "Qualité du projet", "weight": 62.5},
                                             {"label": "Coût", "weight": 37.5}]
    _, ctx = context_of(data)
    assert [(c["label"], c["weight"]) for c in ctx["cahier"]["criteria"]] == [("Qualité du projet", "62,5 %"),
                                                                              ("Coût", "37,5 %")]


@pytest.mark.parametrize(("criteria", "stage", "codes"), [
    ([("Projet", 60), ("Coût", 40)], "call", set()),
    ([("Projet", 60), ("Coût", 30)], "call", {"PTMS-W115"}),
    ([("Projet", 50), ("projet ", 50)], "call", {"PTMS-W116"}),
    ([("Projet", 100), ("Coût", 0)], "call", {"PTMS-W117"}),
    ([("Projet", 60), ("Coût", 40)], "adopted", {"PTMS-W118"}),
    ([("Projet", 60), ("Coût", 40)], None, {"PTMS-W118"}),
])
def test_selection_criteria_findings(write_project, intercommunal, criteria, stage, codes):
    data = copy.deepcopy(intercommunal)
    data["service"]["selection_criteria"] = [{"label": label, "weight": w} for label, w in criteria]
    if stage:
        data["service"]["selection_stage"] = stage
    result = validate_file(write_project(data))
    found = [f for f in result.findings if f.code in ("PTMS-W115", "PTMS-W116", "PTMS-W117", "PTMS-W118")]
    assert {f.code for f in found} == codes
    for f in found:
        assert f.line > 0 and f.severity.value == "warning"
    if "PTMS-W115" in codes:
        assert "90 %" in next(f.message for f in found if f.code == "PTMS-W115")


def test_selection_criterion_weight_out_of_range_is_an_error(write_project, intercommunal):
    data = copy.deepcopy(intercommunal)
    data["service"]["selection_criteria"] = [{"label": "Projet", "weight": 140}]
    result = validate_file(write_project(data))
    assert any(f.severity.value == "error" and "selection_criteria" in (f.path or f.message) for f in result.findings)


def test_indicators_with_a_blank_are_explained(intercommunal):
    data = copy.deepcopy(intercommunal)
    for i in data["evaluation"]["indicators"]:
        i.update(measure="comptage", target="10", source="main courante")
        i.setdefault("objective", data["objectives"][0]["id"])
    _, ctx = context_of(data)
    assert ctx["cahier"]["indicators_incomplete"] is False
    data["evaluation"]["indicators"][0].pop("source")
    _, ctx = context_of(data)
    assert ctx["cahier"]["indicators_incomplete"] is True


def test_landlords_contribution_is_linked_to_their_tfpb_abatement(intercommunal):
    data = copy.deepcopy(intercommunal)
    landlords = [x["name"] for x in data["partners"] if x["kind"] == "bailleur_social" and "funder" in x["roles"]]
    assert landlords
    _, ctx = context_of(data)
    sentence = ctx["cahier"]["landlords"]
    assert all(name in sentence for name in landlords)
    assert "TFPB" in sentence and "1388 bis" in sentence
    for x in data["partners"]:
        if x["kind"] == "bailleur_social":
            x["roles"] = [r for r in x["roles"] if r != "funder"]
    _, ctx = context_of(data)
    assert ctx["cahier"]["landlords"] == ""
