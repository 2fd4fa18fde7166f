"""The wizards' flows driven by a scripted backend (no terminal): what they write, keep and refuse."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from conftest import docx_text

from ptms_cli.validation import validate_file
from ptms_cli.wizard.backend import CTRL_C, ENTER, ScriptedBackend
from ptms_cli.wizard.backend import Expect as E
from ptms_cli.wizard.run import run
from wizard_scripts import CONVENE, INIT, MOBILIZE, SPECIFY


def drive(name: str, path: Path, script: list, **kw) -> tuple[int, ScriptedBackend, str]:
    backend = ScriptedBackend(script)
    out = io.StringIO()
    code = run(name, path, Console(file=out, width=100), lambda: backend, **kw)
    assert backend.answers == [], f"réponses non utilisées : {backend.answers[:3]}"
    return code, backend, out.getvalue()


@pytest.fixture
def created(tmp_path) -> Path:
    path = tmp_path / "projet.yaml"
    code, _, _ = drive("init", path, list(INIT))
    assert code == 0
    return path


def test_init_writes_modeline_header_schema_and_a_valid_project(created):
    text = created.read_text(encoding="utf-8")
    first = text.splitlines()
    assert first[0] == "# yaml-language-server: $schema=ptms.schema.json"
    assert first[1].startswith("# ") and "ptms init" in first[1]
    assert (created.parent / "ptms.schema.json").exists()
    data = yaml.safe_load(text)
    assert data["lead_partner"] == "ville"
    assert data["territory"]["population"] == 24000
    assert [s["id"] for s in data["territory"]["sectors"]] == ["les-haras", "centre"]
    assert data["partners"][0]["roles"] == ["funder", "signatory"]  # lead partner defaults
    result = validate_file(created)
    assert result.errors == 0


@pytest.mark.slow
def test_the_four_wizards_reach_a_complete_step_3(created):
    outputs = {}
    for name, script in (("mobilize", MOBILIZE), ("specify", SPECIFY), ("convene", CONVENE)):
        code, _, out = drive(name, created, list(script))
        assert code == 0, out
        outputs[name] = out.replace("\u00a0", " ").replace("\u202f", " ")
    # the live balance: 2 posts x 42 000 € unfunded as soon as the post is added (before the end of
    # the service section), then shared by the allocation key once both partners are in it
    assert outputs["specify"].index("Équilibre du financement") < outputs["specify"].index("Principes déontologiques")
    balance = outputs["specify"].split("Équilibre du financement")
    assert len(balance) == 3
    assert re.search(r"2028 +│ +84 000,00 € │ +0,00 € │ +0,00 € │ +84 000,00 €", balance[1])
    assert re.search(r"2028 +│ +84 000,00 € │ +0,00 € │ +84 000,00 € │ +0,00 €", balance[2])
    result = validate_file(created, step=3)
    assert [f.message for f in result.findings if f.severity.value == "error"] == []
    # each step offered its documents (`ptms render` core), accepted here
    documents = created.parent / "projet-documents"
    assert sorted(p.name for p in documents.glob("*.docx")) == [
        "cahier-des-charges.docx", "convention.docx", "dossier-mobilisation.docx",
        "lettre-intention-habitat-47.docx", "lettre-intention-ville.docx"]
    assert "écrit : " in outputs["convene"] and "convention.docx" in outputs["convene"]
    text = docx_text(documents / "convention.docx")
    assert "Tribunal administratif de Bordeaux" in text and "M. Paul Durand" in text
    data = yaml.safe_load(created.read_text(encoding="utf-8"))
    assert data["service"]["sectors"][0]["time_slots"][0]["start"] == "16:00"  # quoted, not sexagesimal
    assert "yearly_cost: 42000.00" in created.read_text(encoding="utf-8")  # money as a plain number
    assert {i["id"] for i in data["evaluation"]["indicators"]} >= {"heures-presence"}
    assert data["partners"][0]["representative"]["title"] == "Maire"


def test_hand_comments_survive_a_later_step(created):
    text = created.read_text(encoding="utf-8")
    text = text.replace("period:", "# voté en conseil le 12 mars\nperiod:")
    text = text.replace("    status: committed", "    status: committed  # confirmé par courrier", 1)
    created.write_text(text, encoding="utf-8")
    drive("mobilize", created, list(MOBILIZE))
    after = created.read_text(encoding="utf-8")
    assert "# voté en conseil le 12 mars\nperiod:" in after
    assert "status: committed  # confirmé par courrier" in after
    assert after.startswith(text.split("partners:")[0])  # everything above the partners is untouched


def test_rerun_with_all_defaults_changes_nothing(created):
    drive("mobilize", created, list(MOBILIZE))
    before = created.read_bytes()
    rerun = [E("Partenaires : que faire", "done"), E("Objectifs partagés", "done"), E("Acteurs", "done"),
             E("Calendrier", "done"), E("Enregistrer", True), E("Produire maintenant", False)]
    code, _, out = drive("mobilize", created, rerun)
    assert created.read_bytes() == before
    assert "inchangé" in out


def test_editing_a_partner_offers_its_current_values(created):
    drive("mobilize", created, list(MOBILIZE))
    script = [E("Partenaires : que faire", ("edit", 1)), E("Nom du partenaire", ENTER), E("Identifiant", ENTER),
              E("Type", ENTER), E("Rôles", ENTER), E("Statut", "interested"), E("Représentant", ENTER),
              E("Nom du représentant", ENTER), E("Qualité", ENTER), E("Décision", ENTER), E("Date", ENTER),
              E("Contact", ENTER), E("Champs", ENTER), E("Besoins", "done"), E("Notes", ENTER),
              E("Partenaires : que faire", "done"), E("Objectifs", "done"), E("Acteurs", "done"),
              E("Calendrier", "done"), E("Enregistrer", True), E("Produire maintenant", False)]
    drive("mobilize", created, script)
    partner = yaml.safe_load(created.read_text(encoding="utf-8"))["partners"][1]
    assert partner["status"] == "interested"
    assert partner["name"] == "Habitat 47" and partner["kind"] == "bailleur_social"
    assert partner["representative"]["name"] == "Mme Claire Martin"


def test_removing_a_partner(created):
    drive("mobilize", created, list(MOBILIZE))
    script = [E("Partenaires : que faire", ("remove", 1)), E("Retirer", True), E("Partenaires : que faire", "done"),
              E("Objectifs", "done"), E("Revenir", False), E("Acteurs", "done"), E("Calendrier", "done"),
              E("Enregistrer", True)]
    code, _, out = drive("mobilize", created, script)
    data = yaml.safe_load(created.read_text(encoding="utf-8"))
    assert [p["id"] for p in data["partners"]] == ["ville"]
    assert "habitat-47" in out  # the dangling reference of the objective is reported at once
    assert code == 1  # and by the validation summary


@pytest.mark.parametrize("at", [1, 5, 12, 20])
def test_ctrl_c_halfway_leaves_the_file_byte_identical(created, at, capsys):
    before = created.read_bytes()
    script = list(MOBILIZE[:at]) + [CTRL_C]
    backend = ScriptedBackend(script)
    code = run("mobilize", created, Console(file=io.StringIO()), lambda: backend)
    assert code == 130
    assert created.read_bytes() == before
    assert "Interrompu : rien n'a été modifié." in capsys.readouterr().err
    assert not [p for p in created.parent.iterdir() if p.name.endswith(".tmp")]


def test_ctrl_c_during_init_creates_no_file(tmp_path):
    path = tmp_path / "nouveau.yaml"
    backend = ScriptedBackend(INIT[:8] + [CTRL_C])
    assert run("init", path, Console(file=io.StringIO()), lambda: backend) == 130
    assert not path.exists()


def test_declining_to_save_changes_nothing(created):
    before = created.read_bytes()
    drive("mobilize", created, MOBILIZE[:-2] + [E("Enregistrer", False)])
    assert created.read_bytes() == before


def test_invalid_answers_are_refused_with_the_validate_message(tmp_path):
    script = list(INIT)
    at = script.index(E("Population", "24 000"))
    script[at:at] = [E("Population", "beaucoup")]
    at = script.index(E("Fin du projet", "2028-12-31"))
    script[at:at] = [E("Fin du projet", "31/02/2028")]
    _, backend, _ = drive("init", tmp_path / "p.yaml", script)
    assert ("Population", "beaucoup", "« beaucoup » n'est pas un nombre (ex. 24 000)") in backend.rejected
    assert ("Fin du projet", "31/02/2028", "« 31/02/2028 » : ce jour n'existe pas (le mois n'a pas 31 jours)") in backend.rejected


def test_duplicate_identifier_is_refused_as_typed(created):
    script = list(MOBILIZE)
    at = script.index(E("Identifiant", ENTER))
    script[at:at + 1] = [E("Identifiant", "ville"), E("Identifiant", ENTER)]
    _, backend, _ = drive("mobilize", created, script)
    assert backend.rejected == [("Identifiant du partenaire", "ville", "identifiant « ville » déjà utilisé")]


@pytest.mark.slow
def test_cross_field_error_offers_to_go_back(created):
    for name, script in (("mobilize", MOBILIZE), ("specify", SPECIFY)):
        drive(name, created, list(script))
    script = list(CONVENE)
    at = script.index(E("Part", "100"))
    script[at] = E("Part", "60")
    at = script.index(E("Signataires", ENTER)) + 1
    script[at:at] = [E("Revenir", True), E("Intitulé", ENTER), E("Prise d'effet", ENTER), E("Durée", ENTER),
                     E("Échéancier", ("edit", 0)), E("Échéance", ENTER), E("Part", "100"), E("Échéancier", "done"),
                     E("comptes rendus", ENTER), E("Préavis", ENTER), E("Tribunal", ENTER), E("Protection", ENTER),
                     E("Lieu", ENTER), E("Date de signature", ENTER), E("Communication", ENTER), E("Signataires", ENTER)]
    code, _, out = drive("convene", created, script)
    flat = re.sub(r"\s+", " ", out)  # the terminal wraps long lines
    assert "Convention unique › Échéancier de versement : l'échéancier de versement totalise 60 % au lieu de 100 %" in flat
    assert "PTMS-" not in out  # no code in the wizard
    data = yaml.safe_load(created.read_text(encoding="utf-8"))
    assert data["convention"]["payment_schedule"] == [{"label": "À la signature", "percent": 100}]


def test_init_refuses_an_existing_file(created, capsys):
    before = created.read_bytes()
    assert run("init", created, Console(file=io.StringIO()), None) == 1
    assert created.read_bytes() == before
    assert "existe déjà" in capsys.readouterr().err


class AllDefaults(ScriptedBackend):
    """A user who presses Enter at every question (at most 400 of them)."""

    def __init__(self):
        super().__init__([ENTER] * 400)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["init", "mobilize", "specify", "convene"])
def test_rerunning_a_step_offers_the_current_values(created, name):
    for step, script in (("mobilize", MOBILIZE), ("specify", SPECIFY), ("convene", CONVENE)):
        drive(step, created, list(script))
    before = created.read_bytes()
    backend = AllDefaults()
    code = run(name, created, Console(file=io.StringIO()), lambda: backend, force=name == "init")
    assert code == 0
    assert created.read_bytes() == before
    assert len(backend.asked) >= 5  # every question was answered with its default
