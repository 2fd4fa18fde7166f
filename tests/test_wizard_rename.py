"""Identifiers made from names, never typed; « Changer l'identifiant » updates every reference."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ptms_cli.model.refs import usages
from ptms_cli.validation import validate_file
from ptms_cli.wizard.backend import ENTER
from ptms_cli.wizard.backend import Expect as E
from ptms_cli.wizard.engine import unique_id
import wizard_scripts as scripts

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "agglo-val-de-marque.yaml"


def drive(name: str, path: Path, script: list, **kw):
    return scripts.drive(name, path, script, width=120, flat=False, **kw)


@pytest.fixture
def caf_project(tmp_path) -> Path:
    """The Val de Marque example where the CAF is also in the key, an explicit signatory and has an RGPD role."""
    path = tmp_path / "projet.yaml"
    shutil.copy(EXAMPLE, path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("      - partner: sailly\n        weight: 10\n",
                        "      - partner: sailly\n        weight: 5\n      # la CAF prend sa part\n"
                        "      - partner: caf\n        weight: 5\n", 1)
    text = text.replace("      - partner: amvm\n        role: processor\n",
                        "      - partner: amvm\n        role: processor\n      - partner: caf\n        role: joint_controller\n", 1)
    signatories = validate_file(EXAMPLE).project.signatories()
    assert "caf" in signatories
    text = text.replace("  duration_years: 3\n", f"  duration_years: 3\n  signatories: [{', '.join(signatories)}]\n", 1)
    path.write_text(text, encoding="utf-8")
    result = validate_file(path)
    assert result.errors == 0, [f.message for f in result.findings]
    return path


def partner_index(path: Path, ident: str) -> int:
    return [p["id"] for p in yaml.safe_load(path.read_text(encoding="utf-8"))["partners"]].index(ident)


def test_renaming_the_caf_updates_every_reference_and_keeps_the_comments(caf_project):
    before = validate_file(caf_project).project
    places = {loc for loc, _ in usages(before, "partners", "caf")}
    kinds = {loc[0] for loc in places}
    assert {"objectives", "funding", "governance", "convention"} <= kinds  # funder, key, COPIL, signatory, RGPD
    assert ("funding", "allocation", "partners", 4, "partner") in places
    i = partner_index(caf_project, "caf")
    code, backend, out = drive("mobilize", caf_project, [
        E("quelle section", 0), E("Partenaires : que faire", ("edit", i)),
        E("quel champ modifier", "rename"), E("Nouvel identifiant", "caf-nord"),
        E("quel champ modifier", "done"), E("Partenaires : que faire", "done"),
        E("quelle section", "done"), E("Enregistrer", True), E("Produire maintenant", False)])
    assert code == 0, out
    flat = " ".join(out.replace("\u00a0", " ").split())
    assert f"Identifiant « caf » → « caf-nord » : {len(places)} références mises à jour" in flat
    assert "identifiant « caf » → « caf-nord » (références mises à jour)" in flat  # the review screen says it
    result = validate_file(caf_project)
    assert result.errors == 0 and not [f for f in result.findings if "caf" in f.message]
    after = result.project
    assert usages(after, "partners", "caf") == []
    assert {loc for loc, _ in usages(after, "partners", "caf-nord")} == places  # every place, nothing else
    text = caf_project.read_text(encoding="utf-8")
    assert "# la CAF prend sa part\n      - partner: caf-nord\n" in text  # comments kept
    assert "# Aides publiques au-delà du plafond de minimis SIEG" in text


def test_a_rename_to_a_used_or_invalid_identifier_is_refused_as_typed(caf_project):
    i = partner_index(caf_project, "caf")
    before = caf_project.read_bytes()
    _, backend, _ = drive("mobilize", caf_project, [
        E("quelle section", 0), E("Partenaires : que faire", ("edit", i)),
        E("quel champ modifier", "rename"), E("Nouvel identifiant", "agglo"), E("Nouvel identifiant", "CAF Nord"),
        E("Nouvel identifiant", ENTER),  # Enter keeps the identifier
        E("quel champ modifier", "done"), E("Partenaires : que faire", "done"),
        E("quelle section", "done"), E("Enregistrer", True), E("Produire maintenant", False)])
    assert [r[1] for r in backend.rejected] == ["agglo", "CAF Nord"]
    assert backend.rejected[0][2] == "identifiant « agglo » déjà utilisé"
    assert "minuscules" in backend.rejected[1][2]
    assert caf_project.read_bytes() == before


def test_a_rename_left_with_back_changes_nothing(caf_project):
    i = partner_index(caf_project, "caf")
    before = caf_project.read_bytes()
    code, _, _ = drive("mobilize", caf_project, [
        E("quelle section", 0), E("Partenaires : que faire", ("edit", i)),
        E("quel champ modifier", "rename"), E("Nouvel identifiant", "caf-nord"),
        E("quel champ modifier", "back"), E("Partenaires : que faire", "done"),
        E("quelle section", "done"), E("Enregistrer", True), E("Produire maintenant", False)])
    assert code == 0
    assert caf_project.read_bytes() == before


def test_a_new_item_gets_its_identifier_from_its_name_unique_in_its_list(caf_project):
    code, backend, _ = drive("mobilize", caf_project, [
        E("quelle section", 0), E("Partenaires : que faire", "add"),
        E("Nom du partenaire", "CAF"), E("Type de partenaire", "caf"), E("Rôles", ["prescriber"]), E("Statut", ENTER),
        E("Saisir aussi le contact", False), E("Champs", ENTER),
        E("Partenaires : que faire", "done"), E("quelle section", "done"), E("Enregistrer", True),
        E("Produire maintenant", False)])
    assert code == 0
    assert not [m for _, m in backend.asked if "Identifiant" in m]  # never typed
    ids = [p["id"] for p in yaml.safe_load(caf_project.read_text(encoding="utf-8"))["partners"]]
    assert ids[-1] == "caf-2" and ids.count("caf") == 1


@pytest.mark.parametrize("name, taken, expected", [
    ("Ville d'Été", set(), "ville-d-ete"), ("Ville d'Été", {"ville-d-ete"}, "ville-d-ete-2"),
    ("Ville d'Été", {"ville-d-ete", "ville-d-ete-2"}, "ville-d-ete-3"), ("!!!", set(), "x")])
def test_unique_id(name, taken, expected):
    assert unique_id(name, taken) == expected
