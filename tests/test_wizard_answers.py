"""Wizard defects found in QA: answers merged by natural key, step ownership of answer keys, answers that
would add validation errors, directories as targets, failed writes, render offered only when possible,
amounts shown as written."""

from __future__ import annotations

import io
import shutil

import pytest
import yaml
from rich.console import Console

from conftest import EXAMPLES, run_ptms
from ptms_cli import writing, yamledit
from ptms_cli.model.convention import DataRole, Installment
from ptms_cli.model.funding import AllocationShare, Contribution, Resource
from ptms_cli.model.service import ServiceSector
from ptms_cli.wizard import run as wizard_run
from ptms_cli.wizard.backend import ENTER, ScriptedBackend
from ptms_cli.wizard.engine import Engine
from ptms_cli.wizard.questions import natural_key, question

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

QA_ANSWERS = """\
partners: [{id: ccas, status: committed}]
funding:
  contributions:
    - {partner: habitat-sambre, nature: droit_commun, amounts: {2026: 30000.00, 2027: 30000.00, 2028: 30000.00}}
"""


@pytest.fixture
def beaulieu(tmp_path):
    target = tmp_path / "cm3.yaml"
    shutil.copy(EXAMPLES / "commune-beaulieu.yaml", target)
    return target


def answers_file(tmp_path, text, name="reponses.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def contributions(path):
    return {c["partner"]: c for c in yaml.safe_load(path.read_text(encoding="utf-8"))["funding"]["contributions"]}


def test_a_step_wizard_refuses_answers_for_another_steps_sections(tmp_path, beaulieu):
    before = beaulieu.read_bytes()
    r = run_ptms("mobilize", beaulieu, "--answers", answers_file(tmp_path, QA_ANSWERS))
    assert r.code == 2, r.out + r.err
    assert "funding" in r.err and "ptms specify" in r.err and "Rien n'a été écrit" in r.err
    assert "partners" not in r.err.splitlines()[0]  # only the foreign key is named as refused
    assert beaulieu.read_bytes() == before


def test_step_1_answers_update_one_partner_and_keep_everything_else(tmp_path, beaulieu):
    original = yaml.safe_load(beaulieu.read_text(encoding="utf-8"))
    r = run_ptms("mobilize", beaulieu, "--answers", answers_file(tmp_path, "partners: [{id: ccas, status: committed}]\n"))
    assert r.code == 0, r.out + r.err
    now = yaml.safe_load(beaulieu.read_text(encoding="utf-8"))
    expected = {**original, "partners": [dict(p, status="committed") if p["id"] == "ccas" else p
                                         for p in original["partners"]]}
    assert now == expected


def test_contributions_are_merged_by_partner_not_replaced(tmp_path, beaulieu):
    answers = answers_file(tmp_path, "funding:\n  contributions:\n    - {partner: habitat-sambre, nature: credits_specifiques}\n")
    ville = contributions(beaulieu)["ville"]
    r = run_ptms("specify", beaulieu, "--answers", answers)
    assert r.code == 0, r.out + r.err
    now = contributions(beaulieu)
    assert now["ville"] == ville
    assert now["habitat-sambre"]["nature"] == "credits_specifiques"
    assert len(now["habitat-sambre"]["amounts"]) == 3


def test_answers_that_add_validation_errors_are_refused_unless_forced(tmp_path, beaulieu):
    answers = answers_file(tmp_path, "funding:\n  contributions:\n    - {partner: ville, amounts: {2026: 1000.00}}\n")
    before = beaulieu.read_bytes()
    r = run_ptms("specify", beaulieu, "--answers", answers)
    assert r.code == 1, r.out + r.err
    assert "PTMS-E030" in r.err and "--force" in r.err and "rien n'a été écrit" in r.err
    assert beaulieu.read_bytes() == before

    forced = run_ptms("specify", beaulieu, "--answers", answers, "--force")
    assert forced.code == 1  # saved, but the project now has errors
    assert contributions(beaulieu)["ville"]["amounts"][2026] == 1000
    # D5: a project with errors is not sent to « ptms render » (which refuses it)
    # (the « Prochaine action » line comes from status.py, handled separately)
    offer = forced.out[forced.out.index("Validation\u00a0:"):].split("\n", 2)[2]  # French console: no-break space
    assert "ptms render" not in offer and "Pour produire les documents" not in forced.out
    assert f"ptms validate {beaulieu}" in offer


def test_errors_the_file_already_had_do_not_block_answers(tmp_path, beaulieu):
    broken = answers_file(tmp_path, "funding:\n  contributions:\n    - {partner: ville, amounts: {2026: 1000.00}}\n", "a.yaml")
    assert run_ptms("specify", beaulieu, "--answers", broken, "--force").code == 1
    r = run_ptms("mobilize", beaulieu, "--answers", answers_file(tmp_path, "partners: [{id: ccas, status: committed}]\n"))
    assert "enregistré" in r.out, r.out + r.err
    assert r.code == 1  # still the earlier errors, reported
    assert yaml.safe_load(beaulieu.read_text(encoding="utf-8"))["partners"][2]["status"] == "committed"


def test_natural_keys_come_from_the_model():
    assert natural_key(Resource) == "id"
    assert natural_key(Contribution) == natural_key(AllocationShare) == natural_key(DataRole) == "partner"
    assert natural_key(ServiceSector) == "sector"
    assert natural_key(Installment) is None


def test_nested_lists_without_id_merge_by_their_key():
    old = {"funding": {"allocation": {"method": "hours", "partners": [{"partner": "a", "sectors": ["x"]},
                                                                      {"partner": "b"}]}}}
    new = {"funding": {"allocation": {"partners": [{"partner": "b", "sectors": ["y"]}, {"partner": "c"}]}}}
    merged = wizard_run.merge_answers(old, new)
    assert merged["funding"]["allocation"] == {"method": "hours", "partners": [
        {"partner": "a", "sectors": ["x"]}, {"partner": "b", "sectors": ["y"]}, {"partner": "c"}]}


@pytest.mark.parametrize("name", ["init", "mobilize"])
def test_a_directory_is_not_taken_for_an_existing_project(tmp_path, name):
    folder = tmp_path / "dossier"
    folder.mkdir()
    answers = answers_file(tmp_path, "partners: []\n")
    r = run_ptms(name, folder, "--answers", answers)
    assert r.code == 2
    assert "est un dossier" in r.err and str(folder / "projet.yaml") in r.err
    assert "existe déjà" not in r.err and "Traceback" not in r.err
    assert list(folder.iterdir()) == []


def test_a_read_only_project_file_is_a_french_error_and_stays_untouched(tmp_path, beaulieu):
    beaulieu.chmod(0o444)
    before = beaulieu.read_bytes()
    r = run_ptms("mobilize", beaulieu, "--answers", answers_file(tmp_path, "partners: [{id: ccas, status: committed}]\n"))
    assert r.code == 1
    assert "lecture seule" in r.err and str(beaulieu) in r.err and "Traceback" not in r.err
    assert "enregistré" not in r.out
    assert beaulieu.read_bytes() == before


@pytest.mark.parametrize("failure", [writing.WriteError("cm3.yaml", "disque plein"),
                                     PermissionError(13, "Permission denied", "cm3.yaml")])
def test_a_failed_write_is_a_french_error_not_a_traceback(tmp_path, beaulieu, monkeypatch, capsys, failure):
    def refuse(path, data, **kwargs):
        raise failure

    monkeypatch.setattr(yamledit, "write_atomic", refuse)
    before = beaulieu.read_bytes()
    answers = answers_file(tmp_path, "partners: [{id: ccas, status: committed}]\n")
    code = wizard_run.run("mobilize", beaulieu, Console(file=io.StringIO()), None, answers=answers)
    err = capsys.readouterr().err
    assert code == 1
    assert "impossible d'écrire « cm3.yaml »" in err and ("disque plein" in err or "droits insuffisants" in err)
    assert "rien n'a été modifié" in err
    assert beaulieu.read_bytes() == before


class RecordingBackend(ScriptedBackend):
    def __init__(self, answers):
        super().__init__(answers)
        self.defaults: list[str] = []

    def text(self, message, default="", validate=None):
        self.defaults.append(default)
        return super().text(message, default, validate)


def test_existing_amounts_are_offered_as_written_in_the_file(beaulieu):
    data = yamledit.open_document(beaulieu).data()
    backend = RecordingBackend([ENTER, ENTER, ENTER])
    engine = Engine(backend, Console(file=io.StringIO()), data)
    habitat = next(c for c in data["funding"]["contributions"] if c["partner"] == "habitat-sambre")
    kept = engine.ask_years(question(Contribution, "amounts"), habitat["amounts"])
    assert backend.defaults == ["30\u00a0000,00\u00a0€"] * 3  # in French, as the user types an amount
    assert kept == habitat["amounts"]


@pytest.mark.parametrize("answered, other", [("ville", "ccas"), ("ccas", "ville")])
def test_an_answer_for_a_partner_sharing_an_anchor_changes_that_partner_only(tmp_path, beaulieu, answered, other):
    new = ["tranquillite_publique", "acces_droits", "participation_habitants", "emploi"]
    """`fields: &champs [...]` on one partner, `fields: *champs` on another: the answer is neither dropped
    (« inchangé ») nor applied to the partner sharing the anchor."""
    text = beaulieu.read_text(encoding="utf-8")
    text = text.replace("    fields: [tranquillite_publique, acces_droits, participation_habitants]\n",
                        "    fields: &champs [tranquillite_publique, acces_droits, participation_habitants]\n", 1)
    text = text.replace("    fields: [acces_droits]\n", "    fields: *champs\n", 1)
    beaulieu.write_text(text, encoding="utf-8")
    answers = answers_file(tmp_path, f"partners: [{{id: {answered}, fields: [{', '.join(new)}]}}]\n")
    r = run_ptms("mobilize", beaulieu, "--answers", answers)
    assert f"{beaulieu} enregistré" in r.out, r.err
    fields = {p["id"]: p["fields"] for p in yaml.safe_load(beaulieu.read_text(encoding="utf-8"))["partners"]}
    assert fields[answered] == new
    assert fields[other] == ["tranquillite_publique", "acces_droits", "participation_habitants"]
