"""Fewer questions (issue 17's measured goals): optional fields asked as a group, lists proposed at once,
values derived and shown, the representative on one line, « Enregistrer et quitter » and `--edit`;
references that are a mapping's keys (`results`, `actuals`) follow a rename."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from ptms_cli.model.refs import Key, usages
from ptms_cli.validation import validate_file
from ptms_cli.wizard import flows
from ptms_cli.wizard.backend import ENTER, ScriptedBackend
from ptms_cli.wizard.backend import Expect as E
from ptms_cli.wizard.engine import Engine
from ptms_cli.wizard.run import run
import wizard_scripts as scripts
from wizard_scripts import INIT, MOBILIZE, SPECIFY

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "agglo-val-de-marque.yaml"


def drive(name: str, path: Path, script: list, **kw):
    return scripts.drive(name, path, script, width=120, **kw)


@pytest.fixture
def created(tmp_path) -> Path:
    path = tmp_path / "projet.yaml"
    code, _, _ = drive("init", path, list(INIT))
    assert code == 0
    return path


@pytest.fixture
def example(tmp_path) -> Path:
    path = tmp_path / "projet.yaml"
    shutil.copy(EXAMPLE, path)
    return path


def partners(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["partners"]


# --- groups of optional fields --------------------------------------------------------------------

def add_partner(name: str, kind: str) -> list:
    return [E("Partenaires : que faire", "add"), E("Nom du partenaire", name), E("Type", kind),
            E("Rôles", ["funder"]), E("Statut", "contacted")]


def test_the_contact_group_is_asked_once_for_the_partners_added_and_left_empty(created):
    script = [E("quelle section", 0), *add_partner("Habitat 47", "bailleur_social"),
              E("Saisir aussi le contact", False), E("Champs", ENTER),
              *add_partner("Caisse d'allocations familiales", "caf"), E("Champs", ENTER),  # not asked again
              E("Partenaires : que faire", "done"), E("quelle section", "done"), E("Enregistrer", True)]
    code, backend, out = drive("mobilize", created, script)
    assert sum("Saisir aussi le contact" in m for _, m in backend.asked) == 1
    assert not [m for _, m in backend.asked if "Contact professionnel" in m or "Besoins" in m]
    added = partners(created)[1:]
    assert [p["name"] for p in added] == ["Habitat 47", "Caisse d'allocations familiales"]
    assert all("contact" not in p and "needs" not in p for p in added)
    assert "À compléter plus tard si besoin" in out and "contact professionnel, besoins exprimés" in out


def test_the_contact_group_answered_yes_asks_the_contact_of_each_new_partner(created):
    script = [E("quelle section", 0), *add_partner("Habitat 47", "bailleur_social"),
              E("Saisir aussi le contact", True), E("Contact professionnel", True), E("Nom du contact", "Léa Roux"),
              E("Fonction", "Cheffe de projet"), E("Courriel", ENTER), E("Téléphone", ENTER), E("Besoins", "done"),
              E("Champs", ENTER), *add_partner("CAF", "caf"), E("Contact professionnel", False), E("Besoins", "done"),
              E("Champs", ENTER), E("Partenaires : que faire", "done"), E("quelle section", "done"), E("Enregistrer", True)]
    drive("mobilize", created, script)
    added = {p["name"]: p for p in partners(created)}
    assert added["Habitat 47"]["contact"] == {"name": "Léa Roux", "function": "Cheffe de projet"}
    assert "contact" not in added["CAF"]


def test_a_group_with_a_value_is_asked_without_the_group_question():
    from ptms_cli.model.funding import Budget

    names = [n for n in Budget.model_fields if n != "post_types"]
    asked_all = [E("Encadrement", "15 000"), E("Formation", ENTER), E("Équipement", ENTER), E("Locaux", ENTER),
                 E("Frais de structure", ENTER)]
    e = Engine(ScriptedBackend(asked_all), Console(file=io.StringIO()), {})
    budget = e.fields(Budget, {"supervision": 12000}, names=names)
    assert not [m for _, m in e.b.asked if "Ajouter des coûts" in m]  # one of them has a value: all asked
    assert str(budget["supervision"]) == "15000.00"
    e = Engine(ScriptedBackend([E("Ajouter des coûts en plus des postes", ENTER)]), Console(file=io.StringIO()), {})
    assert e.fields(Budget, {}, names=names) == {}  # none: one question, default Non, nothing added


# --- lists proposed at once ----------------------------------------------------------------------

def test_one_sector_per_priority_neighbourhood_is_proposed_and_the_unticked_one_is_not_created(tmp_path):
    path = tmp_path / "projet.yaml"
    script = list(INIT)
    at = script.index(E("Quartiers prioritaires", "done"))
    script[at:at + 1] = [E("Quartiers prioritaires", "add"), E("Nom du quartier", "Les Haras"),
                         E("Quartiers prioritaires", "add"), E("Nom du quartier", "Le Centre ancien"),
                         E("Quartiers prioritaires", "done")]
    at = script.index(E("Secteurs opérationnels", "add"))
    end = script.index(E("Secteurs opérationnels", "done"))
    script[at:end] = [E("un secteur par quartier prioritaire", ["Le Centre ancien"])]
    code, backend, _ = drive("init", path, script)
    assert code == 0
    checkbox = next((kind, m) for kind, m in backend.asked if "un secteur par quartier" in m)
    assert checkbox[0] == "checkbox"
    sectors = yaml.safe_load(path.read_text(encoding="utf-8"))["territory"]["sectors"]
    assert sectors == [{"id": "le-centre-ancien", "name": "Le Centre ancien", "commune": "Villeneuve", "qpv": True}]
    assert not [m for _, m in backend.asked if "Code QPV" in m]  # in the neighbourhood's « Options avancées »


@pytest.mark.parametrize("name, expected", [
    ("Les Haras", True), ("Centre ancien", True), ("Le Centre ancien", True), ("Centre", False), ("Haras nord", False)])
def test_a_sector_named_as_a_priority_neighbourhood_defaults_to_being_in_it(name, expected):
    e = Engine(ScriptedBackend([]), Console(file=io.StringIO()),
               {"territory": {"qpv": [{"name": "Les Haras"}, {"name": "Le Centre ancien"}]}})
    assert flows.qpv_named(e, {"name": name}) is expected


def funding_engine(data: dict) -> Engine:
    return Engine(ScriptedBackend([]), Console(file=io.StringIO()), data)


def test_who_shares_the_rest_is_proposed_without_the_operator_and_the_fixed_contributors():
    data = {"partners": [{"id": "ville", "name": "Ville", "roles": ["funder", "signatory"]},
                         {"id": "bailleur", "name": "Bailleur", "roles": ["funder"]},
                         {"id": "caf", "name": "CAF", "roles": ["funder"]},
                         {"id": "asso", "name": "Association", "roles": ["operator", "funder"]},
                         {"id": "ecole", "name": "École", "roles": ["beneficiary"]}],
            "service": {"operator": "asso"}, "funding": {"contributions": [{"partner": "caf"}]}}
    text, choices, ticked, make = flows.sharing_partners(funding_engine(data))
    assert [i for i, _ in choices] == ["ville", "bailleur", "caf", "asso", "ecole"]  # every partner can be ticked
    assert ticked == ["ville", "bailleur"]
    assert make("ville") == {"partner": "ville"}


def test_the_service_sectors_are_ticked_at_once_and_only_their_hours_are_asked(created):
    drive("mobilize", created, list(MOBILIZE))
    code, backend, out = drive("specify", created, list(SPECIFY))
    assert code == 0
    sectors = yaml.safe_load(created.read_text(encoding="utf-8"))["service"]["sectors"]
    assert [s["sector"] for s in sectors] == ["les-haras"] and sectors[0]["hours_per_week"] == 30
    asked = [m for _, m in backend.asked]
    assert sum(m.startswith("Heures de présence") for m in asked) == 1
    assert sum(m.startswith("Secteur prioritaire") for m in asked) == 1  # once: from the sector's menu (the script)
    shares = yaml.safe_load(created.read_text(encoding="utf-8"))["funding"]["allocation"]["partners"]
    assert [(s["partner"], s["weight"]) for s in shares] == [("ville-de-villeneuve", 60), ("habitat-47", 40)]
    # the only post type goes without asking, and is said
    assert not [m for m in asked if m.startswith("Type de poste")]
    assert "Type de poste (coût) : Médiateur social — le seul type de poste du budget" in out
    post = yaml.safe_load(created.read_text(encoding="utf-8"))["service"]["posts"][0]
    assert post["post_type"] == "mediateur-social"


# --- an indicator's objective ---------------------------------------------------------------------

OBJECTIVES = [{"id": "calme", "statement": "Apaiser les halls", "fields": ["tranquillite_publique"]},
              {"id": "droits", "statement": "Ramener les familles vers leurs droits", "fields": ["acces_droits"]}]


def test_an_indicator_goes_to_the_one_objective_of_its_field_and_it_is_said():
    from ptms_cli.indicators import BY_ACTIVITY

    presence, conflicts = BY_ACTIVITY["presence_active"][0], BY_ACTIVITY["gestion_conflits"][0]
    out = io.StringIO()
    e = Engine(ScriptedBackend([]), Console(file=out, width=200), {"objectives": OBJECTIVES})
    assert flows.objective_for(e, presence, []) == "calme"
    assert "→ Apaiser les halls (même champ d'intervention" in out.getvalue()
    # « calme » is measured and « droits » is not: asked, the one not measured by default
    e = Engine(ScriptedBackend([E("Nombre de conflits traités", ENTER)]), Console(file=io.StringIO()), {"objectives": OBJECTIVES})
    assert flows.objective_for(e, conflicts, [{"objective": "calme"}]) == "droits"
    # both measured: the objective of its field again, without a question
    e = Engine(ScriptedBackend([]), Console(file=io.StringIO()), {"objectives": OBJECTIVES})
    assert flows.objective_for(e, conflicts, [{"objective": "calme"}, {"objective": "droits"}]) == "calme"


def test_an_indicator_of_no_objective_field_is_asked():
    from ptms_cli.indicators import BY_ACTIVITY

    orientations = BY_ACTIVITY["mise_en_relation"][0]  # cohésion sociale: the field of no objective
    e = Engine(ScriptedBackend([E("Nombre d'orientations", "droits")]), Console(file=io.StringIO()), {"objectives": OBJECTIVES})
    assert flows.objective_for(e, orientations, []) == "droits"
    assert len(e.b.asked) == 1


# --- the representative -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Mme Claire Martin, Directrice générale", {"name": "Mme Claire Martin", "title": "Directrice générale"}),
    ("M. Luc Moreau , Préfet, délégué", {"name": "M. Luc Moreau", "title": "Préfet, délégué"}),
])
def test_a_representative_is_typed_on_one_line(text, expected):
    assert flows.split_representative(text) == (expected, None)


@pytest.mark.parametrize("text", ["Mme Claire Martin", ", Maire", "Paul Durand,  ", ""])
def test_a_representative_without_name_or_title_is_refused_in_french(text):
    value, error = flows.split_representative(text)
    assert value is None and "séparés par une virgule" in error


def test_the_contact_is_proposed_as_representative_with_one_confirmation():
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for p in data["partners"]:
        p.pop("representative", None)
        p.pop("contact", None)
    signatory = data["partners"][0]
    signatory["contact"] = {"name": "Mme Léa Roux", "function": "Directrice générale des services"}
    backend = ScriptedBackend([E(f"Représentant légal de « {signatory['name']} » : Mme Léa Roux", ENTER)]
                              + [E("Représentant légal de", "M. Jean Dupont, Président")] * 20)
    e = Engine(backend, Console(file=io.StringIO()), data)
    project = e.project()
    assert project is not None
    flows.representatives(e)
    assert signatory["representative"] == {"name": "Mme Léa Roux", "title": "Directrice générale des services"}
    others = [p for p in data["partners"] if p["id"] in project.signatories() and p is not signatory]
    assert others and all(p["representative"] == {"name": "M. Jean Dupont", "title": "Président"} for p in others)
    assert len(backend.asked) == len(others) + 1  # one question per signatory


# --- change one value --------------------------------------------------------------------------------

def test_edit_opens_the_section_and_enter_after_the_change_saves_with_the_review_shown(example):
    i = [p["id"] for p in partners(example)].index("caf")
    before = partners(example)[i]["status"]
    assert before == "committed"
    code, backend, out = drive("mobilize", example, [
        E("Partenaires : que faire", ("edit", i)), E("quel champ modifier", "status"), E("Statut", "interested"),
        E("quel champ modifier", ENTER), E("Produire maintenant", False)], edit="partners")
    assert not [m for _, m in backend.asked if "quelle section" in m or "Enregistrer les modifications" in m]
    assert len(backend.asked) == 5
    assert partners(example)[i]["status"] == "interested"
    assert "Relecture avant d'enregistrer" in out and "Statut de mobilisation : Engagé → Intéressé" in out


def test_outside_edit_enter_after_a_change_validates_the_item_and_goes_back_to_the_list(example):
    i = [p["id"] for p in partners(example)].index("caf")
    code, backend, _ = drive("mobilize", example, [
        E("quelle section", 0), E("Partenaires : que faire", ("edit", i)), E("quel champ modifier", "status"),
        E("Statut", "interested"), E("quel champ modifier", ENTER), E("Partenaires : que faire", ("edit", i)),
        E("quel champ modifier", "save"), E("Produire maintenant", False)])
    assert partners(example)[i]["status"] == "interested"
    assert not [m for _, m in backend.asked if "Enregistrer les modifications" in m]  # « Enregistrer et quitter »


@pytest.mark.parametrize("name, edit, message", [
    ("mobilize", "budget", "Sections possibles : partners, objectives, actors, calendar"),
    ("init", "partners", "n'a pas d'option --edit"),
])
def test_edit_of_an_unknown_section_is_refused_in_french(example, name, edit, message, capsys):
    before = example.read_bytes()
    code = run(name, example, Console(file=io.StringIO()), lambda: ScriptedBackend([]), edit=edit, force=True)
    assert code == 2
    assert message in capsys.readouterr().err
    assert example.read_bytes() == before


def test_edit_without_a_terminal_fails_fast(example, capsys):
    code = run("mobilize", example, Console(file=io.StringIO()), None, edit="partners")
    assert code == 2 and "terminal interactif" in capsys.readouterr().err


# --- references that are keys ----------------------------------------------------------------------------

FOLLOW_UP = "results:\n  interventions: {2027: 2140}\nactuals:\n  2027:\n    received: {caf: 1000.00, agglo: 5000.00}\n"


def test_usages_find_the_keys_of_results_and_actuals(example):
    example.write_text(example.read_text(encoding="utf-8") + FOLLOW_UP, encoding="utf-8")
    project = validate_file(example).project
    assert ("actuals", 2027, "received", "caf") in {loc for loc, _ in usages(project, "partners", "caf")}
    assert usages(project, "indicators", "interventions")[-1][0] == ("results", "interventions")
    assert isinstance(usages(project, "indicators", "interventions")[-1][0][-1], Key)


def test_renaming_a_partner_and_an_indicator_moves_their_keys_in_results_and_actuals(example):
    example.write_text(example.read_text(encoding="utf-8") + FOLLOW_UP, encoding="utf-8")
    assert validate_file(example).errors == 0
    i = [p["id"] for p in partners(example)].index("caf")
    code, _, out = drive("mobilize", example, [
        E("quelle section", 0), E("Partenaires : que faire", ("edit", i)),
        E("quel champ modifier", "rename"), E("Nouvel identifiant", "caf-nord"),
        E("quel champ modifier", "done"), E("Partenaires : que faire", "done"),
        E("quelle section", "done"), E("Enregistrer", True), E("Produire maintenant", False)])
    assert code == 0, out
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    assert set(data["actuals"][2027]["received"]) == {"caf-nord", "agglo"}  # same amount
    assert str(data["actuals"][2027]["received"]["caf-nord"]) == "1000.0"
    code, _, out = drive("convene", example, [
        E("quelle section", 1), E("Pilote", ENTER), E("Démarche", ENTER), E("Indicateurs suggérés", []),
        E("Indicateurs : que faire", ("edit", 0)), E("quel champ modifier", "rename"),
        E("Nouvel identifiant", "interventions-mediation"), E("quel champ modifier", "done"),
        E("Indicateurs : que faire", "done"), E("quelle section", "done"), E("Enregistrer", True),
        E("Produire maintenant", False)])
    assert code == 0, out
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    assert data["results"] == {"interventions-mediation": {2027: 2140}}
    assert data["evaluation"]["indicators"][0]["id"] == "interventions-mediation"
    assert validate_file(example).errors == 0


def test_the_command_line_edit_is_checked_and_documented_in_french(example):
    from conftest import run_ptms

    before = example.read_bytes()
    r = run_ptms("specify", example, "--edit", "partners")
    assert r.code == 2 and "Sections possibles : budget, service, costs, parameters, funding" in r.err
    assert "Traceback" not in r.err and example.read_bytes() == before
    r = run_ptms("convene", "--help")
    assert "--edit" in r.out and "governance, evaluation, convention" in " ".join(r.out.split())


def test_save_and_quit_with_errors_stops_at_the_review_which_asks(example):
    i = [p["id"] for p in partners(example)].index("caf")  # a funder and a signatory: « a décliné » is an error
    before = example.read_bytes()
    code, backend, out = drive("mobilize", example, [
        E("Partenaires : que faire", ("edit", i)), E("quel champ modifier", "status"), E("Statut", "declined"),
        E("quel champ modifier", ENTER), E("Enregistrer les modifications", False)], edit="partners")
    assert code == 0 and re.search(r"\b\d+ erreurs?\b", out)
    kind, message = backend.asked[-1]
    assert kind == "select" and "Enregistrer les modifications" in message
    assert example.read_bytes() == before  # « Quitter sans enregistrer »


def test_escape_in_a_linear_wizard_starts_the_section_again(tmp_path):
    """`ptms init` has no section menu: Échap in a section (here at « Département ») drops that
    section's answers and asks it again from its start (it used to end in « erreur interne », exit 2)."""
    from ptms_cli.wizard.backend import ESCAPE

    path = tmp_path / "projet.yaml"
    code, backend, out = drive("init", path, [E("Nom du territoire", "Ville abandonnée"),
                                              E("Type de territoire", "commune"),
                                              E("Département", ESCAPE), *INIT])
    assert code == 0, out
    assert "Retour : les réponses de cette section n'ont pas été gardées ; elle reprend au début." in out
    assert [m for _, m in backend.asked].count("Nom du territoire") == 2
    text = path.read_text(encoding="utf-8")
    assert "Ville abandonnée" not in text
    assert validate_file(path).errors == 0
