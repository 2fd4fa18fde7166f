"""`ptms coverage` through the real entry point: table, json, csv, png, exit codes."""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest

from conftest import EXAMPLES

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

AGGLO = EXAMPLES / "agglo-val-de-marque.yaml"


def test_table_fits_100_columns_with_french_legend(ptms):
    r = ptms("coverage", AGGLO)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "Sans projet territorial" in r.out and "Avec projet territorial" in r.out
    from ptms_cli.documents.typography import typeset  # the terminal speaks French typography

    for text in ("Légende", "▲ (jaune) Plusieurs acteurs, sans coordination", "✖ (rouge) Besoin non couvert : aucun acteur",
                 "■ (bleu) Couvert par le service mutualisé", "parts égales"):
        assert typeset(text) in r.out, text
    # 80 h over 3 fields at Les Trois Ponts: 26,7 h for a need of 27 h -> partly covered, not « tous couverts »
    assert typeset("◧ (orange) Partiellement couvert : heures prévues inférieures au besoin") in r.out
    assert typeset("Besoins partiellement couverts (1) :") in r.out
    assert typeset("Habitat collectif — Les Trois Ponts (Hem-sur-Marque) : 26,7 h prévues pour 27 h de besoin") in r.out
    assert "Tous les besoins exprimés sont couverts" not in r.out
    # the overlap in La Briqueterie: habitat collectif row shows two actors, then the service
    habitat = [line for line in lines if line.startswith("│ Habitat")]  # « collectif » may wrap
    assert habitat[0].split("│")[2].strip() == "▲ 2 acteurs"
    assert habitat[1].split("│")[2].strip() == "■ service"


def test_all_needs_covered_only_when_hours_suffice(ptms, intercommunal, write_project):
    data = copy.deepcopy(intercommunal)
    trois_ponts = next(s for s in data["service"]["sectors"] if s["sector"] == "trois-ponts")
    trois_ponts["hours_per_week"] = 81  # 27 h for each of its three fields: the 27 h need is met
    r = ptms("coverage", write_project(data))
    assert r.code == 0, r.err
    assert "Tous les besoins exprimés sont couverts par le service prévu." in r.out
    assert "partiellement couverts (" not in r.out


def test_many_sectors_are_split_into_tables_that_fit(ptms, write_project, step1):
    data = copy.deepcopy(step1)
    data["territory"]["sectors"] = [{"id": f"s{i}", "name": f"Quartier numéro {i} de la commune"} for i in range(12)]
    data["actors"] = [{"id": "a", "name": "A", "fields": ["emploi"], "sectors": [f"s{i}" for i in range(12)],
                       "hours_per_week": 24}]
    for p in data["partners"]:
        p.pop("needs", None)
    r = ptms("coverage", write_project(data), "--view", "before")
    assert r.code == 0, r.err
    assert max(len(line) for line in r.out.splitlines()) <= 100
    assert r.out.count("┌") >= 2  # several tables
    assert r.out.count("● 1 acteur") == 12 and "Avec projet territorial" not in r.out.split("Légende")[0]


def test_view_after_only_and_missing_service_note(ptms):
    r = ptms("coverage", EXAMPLES / "cc-deux-rives.yaml", "--view", "after")
    assert r.code == 0, r.err
    assert "Sans projet territorial" not in r.out
    assert "n'est pas encore défini" in r.out and "✖ à couvrir" in r.out


def test_json_output(ptms):
    r = ptms("coverage", AGGLO, "--format", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["version"] == 1 and doc["has_service"] is True
    cells = {(c["field"], c["sector"]): c for c in doc["cells"]}
    overlap = cells[("habitat_collectif", "briqueterie")]
    assert (overlap["before"], overlap["after"]) == ("overlap", "planned")
    assert overlap["actors"] == ["mediateurs-marcq", "agents-tranquillite"]
    assert overlap["actor_hours"] == 52.5 and overlap["planned_hours"] == 45.0
    for key in [("scolaire_jeunesse", "trois-ponts"), ("acces_droits", "sailly"), ("transports", "marcq-centre")]:
        assert (cells[key]["before"], cells[key]["after"]) == ("gap", "planned"), key
    assert doc["summary"]["before"]["overlap"] >= 1 and doc["summary"]["after"]["gap"] == 0
    assert doc["uncovered_needs"] == []


def test_csv_output(ptms):
    r = ptms("coverage", AGGLO, "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    doc = json.loads(ptms("coverage", AGGLO, "--format", "json").out)
    assert len(rows) == len(doc["cells"])
    assert list(rows[0]) == ["champ_id", "champ", "secteur_id", "secteur", "besoin", "partenaires_demandeurs", "acteurs",
                             "heures_besoin", "heures_acteurs", "heures_service", "etat_sans_projet", "etat_avec_projet"]
    row = next(x for x in rows if (x["champ_id"], x["secteur_id"]) == ("habitat_collectif", "briqueterie"))
    assert row["champ"] == "Habitat collectif" and row["secteur"] == "La Briqueterie (Marcq-la-Rivière)"
    assert row["besoin"] == "oui" and row["acteurs"] == "mediateurs-marcq agents-tranquillite"
    assert (row["heures_acteurs"], row["heures_service"]) == ("52.5", "45.0")
    assert (row["etat_sans_projet"], row["etat_avec_projet"]) == ("overlap", "planned")
    empty = next(x for x in rows if x["etat_sans_projet"] == "none")
    assert empty["heures_besoin"] == "" and empty["besoin"] == "non"


def test_png_option_writes_the_picture(ptms, tmp_path):
    out = tmp_path / "sous-dossier" / "couverture.png"
    r = ptms("coverage", AGGLO, "--format", "json", "--png", out, "--view", "before")
    assert r.code == 0, r.err
    json.loads(r.out)  # stdout stays pure JSON; the message goes to stderr
    assert "Image écrite" in r.err
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in out.parent.iterdir()] == ["couverture.png"]  # no temp file left


def test_png_into_unwritable_place_fails_in_french(ptms, tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    r = ptms("coverage", AGGLO, "--png", blocker / "image.png")
    assert r.code == 1
    assert "impossible d'écrire l'image" in r.err and "Traceback" not in r.err


def test_invalid_project_gives_located_errors(ptms, write_project, intercommunal):
    data = copy.deepcopy(intercommunal)
    data["actors"][0]["sectors"] = ["briquetrie"]
    path = write_project(data)
    r = ptms("coverage", path)
    assert r.code == 1 and r.out == ""
    line = next(i + 1 for i, t in enumerate(path.read_text(encoding="utf-8").splitlines()) if "briquetrie" in t)
    assert f"{path}:{line}:" in r.err and "PTMS-E021" in r.err and "vouliez-vous dire « briqueterie »" in r.err


def test_schema_error_and_unreadable_file(ptms, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nname: x\n", encoding="utf-8")
    r = ptms("coverage", bad)
    assert r.code == 1 and "PTMS-E010" in r.err
    r = ptms("coverage", tmp_path / "absent.yaml")
    assert r.code == 2 and "introuvable" in r.err and "Traceback" not in r.err


def test_bad_option_values_are_usage_errors(ptms):
    r = ptms("coverage", AGGLO, "--view", "pendant")
    assert r.code == 2 and "--view" in r.err and "pendant" in r.err
    r = ptms("coverage", AGGLO, "--format", "xml")
    assert r.code == 2 and "xml" in r.err


def test_w050_shown_by_validate(ptms, write_project, intercommunal):
    data = copy.deepcopy(intercommunal)
    sailly = next(s for s in data["service"]["sectors"] if s["sector"] == "sailly")
    sailly["fields"] = ["numerique"]
    path = write_project(data)
    r = ptms("validate", path)
    assert r.code == 0  # a warning, not an error
    assert "PTMS-W050" in r.out and "Accès aux droits" in r.out and "Sailly-les-Prés" in r.out
    assert "Ajoutez « acces_droits » aux champs (« fields ») du secteur « sailly »" in r.out
    assert ptms("validate", path, "--strict").code == 1
    r = ptms("coverage", path, "--view", "after")
    assert "Besoins non couverts par le service (1)" in r.out
