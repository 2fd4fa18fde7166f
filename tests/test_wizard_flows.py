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
from ptms_cli.wizard.backend import CTRL_C, ENTER, ESCAPE, ScriptedBackend
from ptms_cli.wizard.backend import Expect as E
from ptms_cli.wizard.run import run
import wizard_scripts as scripts
from wizard_scripts import CONVENE, INIT, MOBILIZE, SPECIFY, H


def drive(name: str, path: Path, script: list, **kw):
    return scripts.drive(name, path, script, flat=False, **kw)


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
    assert data["lead_partner"] == "ville-de-villeneuve"
    assert data["territory"]["population"] == 24000
    assert [s["id"] for s in data["territory"]["sectors"]] == ["les-haras", "centre-ville"]
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
    assert outputs["specify"].index("Équilibre du financement") < outputs["specify"].index("À compléter plus tard")
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
        "lettre-intention-habitat-47.docx", "lettre-intention-ville-de-villeneuve.docx"]
    assert "écrit : " in outputs["convene"] and "convention.docx" in outputs["convene"]
    text = docx_text(documents / "convention.docx")
    assert "tribunal administratif de Bordeaux" in text and "M.\u00a0Paul Durand" in text  # lower case in running text
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
    # everything complete: Enter opens the first section, then Enter goes to « Terminer »
    rerun = [H, E("Partenaires : que faire", "done"), E("quelle section", ENTER), E("Enregistrer", True),
             E("Produire maintenant", False)]
    code, _, out = drive("mobilize", created, rerun)
    assert created.read_bytes() == before
    assert "inchangé" in out


def test_editing_a_partner_shows_its_fields_with_their_values_and_changes_only_the_one_picked(created):
    drive("mobilize", created, list(MOBILIZE))
    script = [E("quelle section", 0), E("Partenaires : que faire", ("edit", 1)), E("quel champ modifier", "status"),
              E("Statut", "interested"), E("quel champ modifier", "done"),
              E("Partenaires : que faire", "done"), E("quelle section", "done"), E("Enregistrer", True),
              E("Produire maintenant", False)]
    _, backend, out = drive("mobilize", created, script)
    partner = yaml.safe_load(created.read_text(encoding="utf-8"))["partners"][1]
    assert partner["status"] == "interested"
    assert partner["name"] == "Habitat 47" and partner["kind"] == "bailleur_social"
    assert partner["fields"] == ["habitat_collectif"]  # the other answers kept
    menu = [m for k, m in backend.asked if "quel champ" in m]
    assert len(menu) == 2 and menu[0].startswith("Habitat 47")
    assert "~ Partenaires › Habitat 47 › Statut de mobilisation : Engagé → Intéressé" in out.replace("\u00a0", " ")


def test_back_leaves_an_item_and_a_section_without_keeping_their_answers(created):
    drive("mobilize", created, list(MOBILIZE))
    before = created.read_bytes()
    script = [E("quelle section", 0), E("Partenaires : que faire", ("edit", 1)), E("quel champ modifier", "status"),
              E("Statut", "interested"), E("quel champ modifier", "back"),  # the item as it was
              E("Partenaires : que faire", "add"), E("Nom du partenaire", "Collège"),
              E("Type", ESCAPE),  # Échap in the middle of a new item: no item
              E("Partenaires : que faire", ("remove", 0)), E("Retirer", "cascade"),
              E("Partenaires : que faire", "back"),  # the whole section as it was: the removal is forgotten
              E("quelle section", "done"), E("Enregistrer", True), E("Produire maintenant", False)]
    _, _, out = drive("mobilize", created, script)
    assert created.read_bytes() == before
    assert "inchangé" in out


def test_removing_a_used_partner_lists_every_place_and_cancel_is_the_default(created):
    drive("mobilize", created, list(MOBILIZE))
    before = created.read_bytes()
    script = [H, E("Partenaires : que faire", ("remove", 1)), E("Retirer « Habitat 47 »", ENTER),
              E("Partenaires : que faire", "done"), E("quelle section", "done"), E("Enregistrer", True),
              E("Produire maintenant", False)]
    _, _, out = drive("mobilize", created, script)
    assert created.read_bytes() == before
    flat = re.sub(r"\s+", " ", out)
    assert "« Habitat 47 » est utilisé à 1 endroit : – Objectifs partagés › Apaiser les halls d'immeubles › Partenaires concernés" in flat


def test_removing_a_used_partner_with_its_uses_leaves_no_dangling_reference(created):
    for name, script in (("mobilize", MOBILIZE), ("specify", SPECIFY)):
        drive(name, created, list(script))
    script = [E("quelle section", 0), E("Partenaires : que faire", ("remove", 1)), E("Retirer « Habitat 47 »", "cascade"),
              E("Partenaires : que faire", "done"), E("quelle section", "done"), E("Enregistrer", True)]
    code, _, out = drive("mobilize", created, script)  # (one partner left: step 1 incomplete, no document offered)
    data = yaml.safe_load(created.read_text(encoding="utf-8"))
    assert [p["id"] for p in data["partners"]] == ["ville-de-villeneuve"]
    assert data["objectives"][0]["partners"] == ["ville-de-villeneuve"]  # removed from the list of ids
    assert "habitat-47" not in created.read_text(encoding="utf-8")  # the share of the allocation key too
    flat = re.sub(r"\s+", " ", out)
    assert "− Plan de financement › Répartition du reste à financer › Partenaires qui se répartissent le reste › Habitat 47 (retiré)" in flat  # by its name


@pytest.mark.parametrize("at", [1, 5, 12, 15])
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


@pytest.mark.slow
def test_cross_field_error_offers_to_go_back(created):
    for name, script in (("mobilize", MOBILIZE), ("specify", SPECIFY)):
        drive(name, created, list(script))
    script = list(CONVENE)
    at = script.index(E("Part", "100"))
    script[at:at + 2] = [E("Part", "60"), E("Échéancier", "done"),
                         E("corriger maintenant", "keep")]  # said as the list is left: kept, to fix later
    at = script.index(E("Signataires", ENTER)) + 1
    # back at the hub, Enter reopens the section that has an error (the default)
    script[at + 2:at + 2] = [E("quelle section", ENTER),  # after the two representatives
                             E("Échéancier", ("edit", 0)), E("quel champ", "percent"), E("Part", "100"),
                             E("quel champ", "done"), E("Échéancier", "done"),
                             E("Tribunal", ENTER), E("Protection", ENTER), E("Lieu", ENTER), E("Signataires", ENTER)]
    code, _, out = drive("convene", created, script)
    flat = re.sub(r"\s+", " ", out)  # the terminal wraps long lines
    assert "✗ l'échéancier de versement totalise 60 % au lieu de 100 %" in flat  # at once
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


def test_a_draft_survives_ctrl_c_and_is_resumed_then_removed_by_the_save(created, capsys):
    drive("mobilize", created, list(MOBILIZE))
    before = created.read_bytes()
    draft = created.with_name("projet.yaml.brouillon-mobilize")
    # a new objective, complete, then Ctrl-C in the middle of a second one
    script = [H, E("Partenaires : que faire", "done"), E("quelle section", 1), E("Objectifs partagés", "add"),
              E("Énoncé", "Réduire les incivilités"),
              E("Partenaires concernés", ["ville-de-villeneuve"]), E("Champs", ENTER),
              E("Objectifs partagés", "add"), E("Énoncé", CTRL_C)]
    backend = ScriptedBackend(script)
    assert run("mobilize", created, Console(file=io.StringIO()), lambda: backend) == 130
    assert created.read_bytes() == before  # the project is untouched
    assert "projet.yaml.brouillon-mobilize" in capsys.readouterr().err
    kept = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert [o["id"] for o in kept["objectives"]] == ["apaiser-les-halls-d-immeubles", "reduire-les-incivilites"]
    # the next run offers it, with its date; accepted, then saved: in the project, and the draft is gone
    code, backend, _ = drive("mobilize", created, [E("Reprendre le brouillon du", True), E("quelle section", "done"),
                                                   E("Enregistrer", True), E("Produire maintenant", False)])
    assert re.fullmatch(r"Reprendre le brouillon du (1er|\d+) \w+, \d+ h \d\d \?", backend.asked[0][1])
    data = yaml.safe_load(created.read_text(encoding="utf-8"))
    assert [o["id"] for o in data["objectives"]] == ["apaiser-les-halls-d-immeubles", "reduire-les-incivilites"]
    assert not draft.exists()


def test_a_declined_draft_leaves_the_project_as_it_is(created):
    drive("mobilize", created, list(MOBILIZE))
    before = created.read_bytes()
    backend = ScriptedBackend([H, E("Partenaires : que faire", ("remove", 1)), E("Retirer", "cascade"),
                               E("Partenaires : que faire", "done"), CTRL_C])
    assert run("mobilize", created, Console(file=io.StringIO()), lambda: backend) == 130
    assert [p["id"] for p in yaml.safe_load(created.with_name("projet.yaml.brouillon-mobilize").read_text())["partners"]] == ["ville-de-villeneuve"]
    drive("mobilize", created, [E("Reprendre le brouillon", False), E("quelle section", "done"), E("Enregistrer", True),
                                E("Produire maintenant", False)])
    assert created.read_bytes() == before  # the removal kept in the draft was not applied
    assert not created.with_name("projet.yaml.brouillon-mobilize").exists()


def test_saving_with_errors_is_a_deliberate_choice_not_the_default(created):
    drive("mobilize", created, list(MOBILIZE))
    text = created.read_text(encoding="utf-8").replace("partners: [ville-de-villeneuve, habitat-47]", "partners: [ville-de-villeneuve, habitat-47, bailleur-inconnu]", 1)
    created.write_text(text, encoding="utf-8")  # a hand edit: an objective names a partner that does not exist
    assert "bailleur-inconnu" in text
    before = created.read_bytes()
    script = [H, E("Partenaires : que faire", ("remove", 1)), E("Retirer", "cascade"), E("Partenaires : que faire", "done"),
              E("quelle section", "done"), E("Enregistrer", ENTER),  # Enter: back to the sections, not saved
              E("quelle section", "done"), E("Enregistrer", False)]
    _, backend, out = drive("mobilize", created, script)
    assert created.read_bytes() == before
    flat = re.sub(r"\s+", " ", out)
    assert "− Partenaires › Habitat 47 (retiré)" in flat
    assert "✗ Objectifs partagés › Apaiser les halls d'immeubles › Partenaires concernés" in flat  # where to go back
    assert "bailleur-inconnu" in flat
    assert "PTMS-" not in out and "objectives[" not in out
    labels = [m for k, m in backend.asked if m.startswith("Enregistrer")]
    assert len(labels) == 2
