"""Defaults the wizards derive instead of asking: the commune, post dates, the COTECH, the tribunal."""

from __future__ import annotations


import pytest
import yaml

from ptms_cli.wizard.backend import ENTER
from ptms_cli.wizard.backend import Expect as E
from ptms_cli.wizard.tribunals import OVERSEAS, RESSORTS, tribunal_for
import wizard_scripts as scripts
from wizard_scripts import CONVENE, INIT, MOBILIZE, SPECIFY


drive = scripts.drive


def replace(script: list, old: E, new: list) -> list:
    script = list(script)
    at = script.index(old)
    script[at:at + 1] = new
    return script


@pytest.mark.parametrize("department, tribunal", [
    ("Nord (59)", "Tribunal administratif de Lille"), ("Pas-de-Calais", "Tribunal administratif de Lille"),
    ("Somme (80)", "Tribunal administratif d'Amiens"), ("Loiret", "Tribunal administratif d'Orléans"),
    ("Seine-Saint-Denis (93)", "Tribunal administratif de Montreuil"), ("Côte-d’Or (21)", "Tribunal administratif de Dijon"),
    ("Lot", "Tribunal administratif de Toulouse"), ("Lot-et-Garonne", "Tribunal administratif de Bordeaux"),
    ("La Réunion", "Tribunal administratif de La Réunion"), ("Haute-Corse (2B)", "Tribunal administratif de Bastia")])
def test_the_tribunal_of_a_department(department, tribunal):
    assert tribunal_for(department) == tribunal


@pytest.mark.parametrize("department", [None, "", "59", "Nouvelle-Calédonie", "Lotte", "Nord-Est"])
def test_no_tribunal_without_a_department_of_the_table(department):
    assert tribunal_for(department) is None


def test_the_table_covers_each_department_once():
    departments = [d for deps in RESSORTS.values() for d in deps]
    assert len(departments) == len(set(departments)) == 96  # metropolitan France, Paris and Corsica included
    assert all(tribunal_for(d) for d in departments + list(OVERSEAS))


def test_one_commune_is_not_asked_for_each_sector(tmp_path):
    path = tmp_path / "projet.yaml"
    code, backend, _ = drive("init", path, list(INIT))
    assert code == 0
    assert not [m for _, m in backend.asked if m == "Commune"]
    sectors = yaml.safe_load(path.read_text(encoding="utf-8"))["territory"]["sectors"]
    assert [s["commune"] for s in sectors] == ["Villeneuve", "Villeneuve"]


def test_with_several_communes_the_one_a_sector_names_is_proposed(tmp_path):
    path = tmp_path / "projet.yaml"
    script = replace(INIT, E("Communes", "Villeneuve"), [E("Communes", "Roubaix, Tourcoing, Eu")])
    script = replace(script, E("Nom du secteur", "Les Haras"),
                     [E("Nom du secteur", "Tourcoing — La Bourgogne"), E("Commune", ENTER)])
    script = replace(script, E("Nom du secteur", "Centre-ville"), [E("Nom du secteur", "Centre Europe"), E("Commune", ENTER)])
    code, backend, _ = drive("init", path, script)
    assert code == 0
    sectors = yaml.safe_load(path.read_text(encoding="utf-8"))["territory"]["sectors"]
    assert sectors[0]["commune"] == "Tourcoing"
    assert "commune" not in sectors[1]  # « Eu » is not a word of « Centre Europe »: no default


@pytest.mark.slow
def test_post_dates_cotech_and_tribunal_come_from_the_project(tmp_path):
    """A post on common law contract runs over the period (no date asked: `test_a_common_law_post_is_not_asked_its_dates`)."""
    path = tmp_path / "projet.yaml"
    script = replace(INIT, E("Département", "Lot (47)"), [E("Département", "Nord (59)")])
    specify = replace(SPECIFY, E("Type de contrat", ENTER),  # an aided post: its dates are asked, the period proposed
                      [E("Type de contrat", "adulte_relais"), E("Début", ENTER), E("Fin", ENTER)])
    for name, steps in (("init", script), ("mobilize", MOBILIZE), ("specify", specify)):
        assert drive(name, path, list(steps))[0] == 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    post = data["service"]["posts"][0]
    assert (post["start"], post["end"]) == (data["period"]["start"], data["period"]["end"])  # Enter at both
    convene = replace(CONVENE, E("Comité technique", False),
                      [E("Comité technique", True), E("Membres", ENTER), E("Présidence", ENTER), E("Réunions", "6"),
                       E("Règle", ENTER)])  # the missions are in « Options avancées »
    convene = replace(convene, E("Tribunal", "Tribunal administratif de Bordeaux"), [E("Tribunal", ENTER)])
    code, _, out = drive("convene", path, convene)
    assert code == 0
    assert "Par défaut, celui du département (Nord (59)) : Code de justice administrative, art. R221-3" in out
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["convention"]["court"] == "Tribunal administratif de Lille"
    copil = data["governance"]["steering_committee"]["members"]
    # nobody has a technical contact yet: the COPIL's members, and the operator
    assert data["governance"]["technical_committee"]["members"] == copil + [
        m for m in [data["service"]["operator"]] if m not in copil]


def test_a_common_law_post_is_not_asked_its_dates(tmp_path):
    path = tmp_path / "projet.yaml"
    for name, steps in (("init", INIT), ("mobilize", MOBILIZE)):
        assert drive(name, path, list(steps))[0] == 0
    code, backend, _ = drive("specify", path, list(SPECIFY))
    assert code == 0
    assert not [m for _, m in backend.asked if m in ("Début", "Fin")]
    post = yaml.safe_load(path.read_text(encoding="utf-8"))["service"]["posts"][0]
    assert "start" not in post and "end" not in post  # the whole period
