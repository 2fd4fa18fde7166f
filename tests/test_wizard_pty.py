"""End to end in a real pseudo-terminal: a new user walks init -> mobilize -> specify -> convene -> documents.

Keystrokes as a user types them (arrows, space, Enter); each is sent once its question is on screen.
"""

from __future__ import annotations

import io
import os
import re
import sys

import pexpect
import pytest
import yaml

from conftest import run_ptms

pytestmark = pytest.mark.pty

D, U, CR, SP, KILL = "\x1b[B", "\x1b[A", "\r", " ", "\x15"  # down, up, Enter, space, Ctrl-U (clear the line)

INIT = [
    ("Nom du territoire", "Villeneuve" + CR), ("Type de territoire", CR), ("Département", CR),
    ("Communes concernées", "Villeneuve" + CR), ("Quartiers prioritaires (QPV) : que faire", CR), ("Population", CR),
    ("Secteurs opérationnels : que faire", CR), ("Nom du secteur", "Les Haras" + CR),
    ("Quartier prioritaire (QPV)", U + CR),
    ("Secteurs opérationnels : que faire", CR),
    ("Début du projet", "2026-01-01" + CR), ("Fin du projet", "2028-12-31" + CR), ("Nom du projet", CR),
    ("Renseigner « Contrat de ville »", CR),
    ("Nom du partenaire", "Ville de Villeneuve" + CR),
    ("Type de partenaire", CR), ("Rôles", CR), ("Statut de mobilisation", CR), ("Enregistrer", CR),
]

MOBILIZE = [
    ("quelle section", CR), ("Partenaires : que faire", D * 2 + CR), ("Nom du partenaire", "Habitat 47" + CR),
    ("Type de partenaire", D * 8 + CR), ("Rôles", SP + D * 4 + SP + CR), ("Statut de mobilisation", D * 3 + CR),
    ("Saisir aussi le contact", CR), ("Champs d'intérêt", D * 4 + SP + CR), ("Partenaires : que faire", CR),
    ("quelle section", CR), ("Objectifs partagés : que faire", CR), ("Énoncé de l'objectif", "Apaiser les halls" + CR),
    ("Partenaires concernés", SP + D + SP + CR),
    ("Champs d'intervention", D * 4 + SP + CR), ("Objectifs partagés : que faire", CR),
    ("quelle section", CR), ("Enregistrer", CR), ("Produire maintenant", CR),
]

SPECIFY = [
    ("quelle section", CR), ("Types de postes : que faire", CR), ("Libellé", "Médiateur social" + CR),
    ("Coût annuel", "42000" + CR),
    ("Types de postes : que faire", CR),
    ("quelle section", CR), ("Nom du service", "Service de médiation" + CR), ("? Opérateur", CR), ("Forme de portage", CR),
    ("Raisons d'être", CR), ("Activités", SP + D + SP + CR), ("Champs d'intervention", D * 4 + SP + CR),
    ("Secteurs couverts : lesquels", CR), ("Heures de présence", "30" + CR), ("Secteurs couverts : que faire", CR),
    ("Postes : que faire", CR), ("Intitulé du poste", "Médiateur" + CR),
    ("Équivalent temps plein", CR), ("Nombre de postes", "2" + CR),
    ("Type de contrat", CR),
    ("Secteurs d'affectation", SP + CR), ("Postes : que faire", CR),
    ("Décrire maintenant l'encadrement", CR), ("Choix de l'opérateur", CR), ("quelle section", CR),
    ("Ajouter des coûts en plus des postes", CR),
    ("quelle section", CR),
    ("Ressources (hors contributions des partenaires) : que faire", CR),
    ("Contributions fixes des partenaires : que faire", CR),
    ("Renseigner « Répartition du reste à financer »", U + CR), ("Clé de répartition", D * 4 + CR),
    # the funders but the operator (the town) are ticked: the town is ticked too
    ("Partenaires qui se répartissent le reste : lesquels", SP + CR), ("Poids", CR), ("Poids", CR),
    ("Partenaires qui se répartissent le reste : que faire", CR), ("quelle section", CR), ("Enregistrer", CR),
    ("Produire maintenant", CR),
]

CONVENE = [
    ("quelle section", CR), ("Membres", CR), ("Présidence", CR), ("Réunions par an", "2" + CR), ("Règle de décision", CR),
    ("Renseigner « Comité technique »", CR), ("quelle section", CR),
    ("Pilote de l'évaluation", CR), ("Démarche", CR), ("Indicateurs suggérés", CR), ("Indicateurs : que faire", CR),
    ("quelle section", CR),
    ("Échéancier de versement : que faire", CR), ("? Échéance", "À la signature" + CR),
    ("Part de la contribution", "100" + CR), ("Échéancier de versement : que faire", CR),
    ("Tribunal compétent", "Tribunal administratif de Bordeaux" + CR),
    ("Renseigner « Protection des données »", CR), ("Lieu de signature", CR), ("Signataires", CR),
    ("Représentant légal de « Ville", "M. Paul Durand, Maire" + CR),
    ("Représentant légal de « Habitat", "Mme Martin, Directrice" + CR), ("quelle section", CR), ("Enregistrer", CR),
    ("Produire maintenant", CR),
]


def pattern(question: str) -> str:
    """A question as shown on screen, whatever style codes the terminal gets after its spaces."""
    style = r"(\x1b\[[0-9;]*m)*"
    return (style + " " + style).join(re.escape(part) for part in question.split(" "))


def walk(tmp_path, args: list[str], steps: list[tuple[str, str]]) -> str:
    env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "NO_COLOR": "1", "COLUMNS": "100", "LINES": "40"}
    child = pexpect.spawn(sys.executable, ["-m", "ptms_cli", *args], cwd=str(tmp_path), env=env,
                          dimensions=(40, 100), encoding="utf-8", timeout=60)
    child.logfile_read = screen = io.StringIO()
    seen = []
    try:
        for question, keys in steps:
            child.expect(pattern(question))
            seen.append(question)
            child.send(keys)
        child.expect(pexpect.EOF)
    except pexpect.TIMEOUT as exc:  # pragma: no cover - a diagnosis for a failing run
        raise AssertionError(f"après {seen[-3:]}, écran : {child.before[-1500:]!r}") from exc
    child.close()
    assert child.exitstatus == 0, child.before[-2000:]
    return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen.getvalue())  # all it printed, without terminal codes


def test_a_new_user_reaches_a_complete_convention_with_the_wizards(tmp_path):
    walk(tmp_path, ["init", "projet.yaml"], INIT)
    text = (tmp_path / "projet.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=ptms.schema.json")
    # the user adds a comment by hand between two steps
    (tmp_path / "projet.yaml").write_text(text.replace("period:", "# période votée le 12 mars\nperiod:"), encoding="utf-8")
    out = walk(tmp_path, ["mobilize", "projet.yaml"], MOBILIZE)
    assert "Étape 1 — Mobiliser et fédérer les partenaires (complète)" in out
    out = walk(tmp_path, ["specify", "projet.yaml"], SPECIFY)
    assert "Étape 2 — Définir les besoins et le cahier des charges (complète)" in out
    out = walk(tmp_path, ["convene", "projet.yaml"], CONVENE)
    assert "Étape 3 — Signer la convention unique (complète)" in out
    text = (tmp_path / "projet.yaml").read_text(encoding="utf-8")
    assert "# période votée le 12 mars\nperiod:" in text
    data = yaml.safe_load(text)
    assert data["partners"][1]["kind"] == "bailleur_social" and data["partners"][1]["roles"] == ["funder", "signatory"]
    assert data["funding"]["allocation"]["method"] == "equal"
    assert data["convention"]["court"] == "Tribunal administratif de Bordeaux"
    r = run_ptms("validate", tmp_path / "projet.yaml", "--step", "3")
    assert r.code == 0, r.out
    # and the documents of the three steps, rendered when each wizard offered them
    assert "écrit\u00a0: projet-documents/convention.docx" in out  # French typography in the terminal
    names = sorted(p.name for p in (tmp_path / "projet-documents").glob("*.docx"))
    assert names == ["cahier-des-charges.docx", "convention.docx", "dossier-mobilisation.docx",
                     "lettre-intention-habitat-47.docx", "lettre-intention-ville-de-villeneuve.docx"]


def test_ctrl_c_in_a_terminal_changes_nothing(tmp_path):
    walk(tmp_path, ["init", "projet.yaml"], INIT)
    path = tmp_path / "projet.yaml"
    before = path.read_bytes()
    env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "NO_COLOR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "ptms_cli", "mobilize", "projet.yaml"], cwd=str(tmp_path), env=env,
                          dimensions=(40, 100), encoding="utf-8", timeout=60)
    for question, keys in MOBILIZE[:6]:  # up to the partner's mobilization status
        child.expect(pattern(question))
        child.send(keys)
    child.expect(pattern("Saisir aussi le contact"))  # the prompt is on screen: Ctrl-C is typed into it
    child.sendcontrol("c")
    child.expect(re.escape("Interrompu : rien n'a été modifié."))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert path.read_bytes() == before


def test_a_killed_wizard_leaves_the_project_untouched_and_its_draft_resumable(tmp_path):
    walk(tmp_path, ["init", "projet.yaml"], INIT)
    path = tmp_path / "projet.yaml"
    before = path.read_bytes()
    env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1", "NO_COLOR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "ptms_cli", "mobilize", "projet.yaml"], cwd=str(tmp_path), env=env,
                          dimensions=(40, 100), encoding="utf-8", timeout=60)
    steps = MOBILIZE[:MOBILIZE.index(("Partenaires : que faire", CR)) + 1]  # one partner added, back at the list
    for question, keys in steps[:-1]:
        child.expect(pattern(question))
        child.send(keys)
    child.expect(pattern("Partenaires : que faire"))
    child.kill(9)  # a crash, a closed terminal: no chance to clean up
    child.close()
    assert path.read_bytes() == before
    draft = tmp_path / "projet.yaml.brouillon-mobilize"
    assert "Habitat 47" in draft.read_text(encoding="utf-8")
    # resumed; « 5 » then Enter: « Terminer » (the shortcut key of the 5th choice); no objective yet: no document offered
    out = walk(tmp_path, ["mobilize", "projet.yaml"], [("Reprendre le brouillon du", CR), ("quelle section", "5" + CR),
                                                     ("Enregistrer", CR)])
    assert "Habitat 47" in path.read_text(encoding="utf-8")
    assert not draft.exists()
    assert "enregistré" in out
