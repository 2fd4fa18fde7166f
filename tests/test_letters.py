"""Letters of intent (issue 16): the lead invites, the others write to the lead; each partner endorses
the objectives it takes part in; commitments by role; salutation from the addressee; the operator of
a call for projects writes none; the letter is printed on the partner's letterhead."""

from __future__ import annotations

import copy

import pytest
from conftest import docx_text, docx_texts, load_example, plain

from ptms_cli.documents import catalog
from ptms_cli.documents.context import build_context, letter_context
from ptms_cli.documents.context_documents import appellation, commitments
from ptms_cli.documents.formatting import in_sentence
from ptms_cli.model import Project


def context_of(data: dict) -> dict:
    return build_context(Project.model_validate(data))


@pytest.fixture(scope="module")
def agglo() -> dict:
    return context_of(load_example("agglo-val-de-marque.yaml"))


def test_lead_gets_an_invitation_the_others_a_letter_to_the_lead(agglo):
    lead = letter_context(agglo, "agglo")["letter"]
    caf = letter_context(agglo, "caf")["letter"]
    assert lead["kind"] == "invitation" and caf["kind"] == "intent"
    assert "agglo" not in {x["id"] for x in lead["invited"]} and "caf" in {x["id"] for x in lead["invited"]}
    assert caf["invited"] == []  # only the invitation lists the partners (one list, not one per letter)


def test_each_partner_endorses_only_its_objectives(agglo):
    letter = letter_context(agglo, "caf")["letter"]
    assert [o["id"] for o in letter["objectives_own"]] == ["droits"]
    assert [o["id"] for o in letter["objectives_others"]] == ["tranquillite", "jeunesse"]
    hem = letter_context(agglo, "hem")["letter"]
    assert [o["id"] for o in hem["objectives_own"]] == ["tranquillite", "jeunesse"]


def test_an_objective_without_partners_is_everyone_s(intercommunal):
    data = copy.deepcopy(intercommunal)
    data["objectives"][2]["partners"] = []
    letter = letter_context(context_of(data), "college-curie")["letter"]
    assert [o["id"] for o in letter["objectives_own"]] == ["jeunesse", "droits"]


def test_commitments_by_role():
    signing = commitments(["funder", "signatory"], True)
    associated = commitments(["prescriber"], False)
    assert any("instances de décision" in c and "convention" in c for c in signing)
    assert any("financement" in c for c in signing)
    assert not any("convention unique pluripartite" in c for c in associated)
    assert any("orienter vers le service" in c for c in associated)
    assert not any("financement" in c for c in associated)


@pytest.mark.parametrize("representative, expected", [
    ({"name": "M. Philippe Garnier", "title": "Président"}, "Monsieur le Président"),
    ({"name": "Philippe Garnier", "title": "président", "civility": "monsieur"}, "Monsieur le Président"),
    ({"name": "Mme Claire Roussel", "title": "Maire"}, "Madame la Maire"),
    ({"name": "Claire Roussel", "title": "Adjointe au maire", "civility": "madame"}, "Madame l'Adjointe au maire"),
    ({"name": "Claire Roussel", "title": "Maire"}, "Madame, Monsieur"),  # no civility: both
    ({"name": "M. Paul Roux", "title": ""}, "Monsieur"),
    (None, "Madame, Monsieur"),
    # the office only, not what it is in charge of
    ({"name": "M. Bernard Leclercq", "title": "Vice-président chargé de la prévention"}, "Monsieur le Vice-président"),
    ({"name": "Mme Camille Roussel", "title": "préfète déléguée pour l'égalité des chances, par délégation du préfet"},
     "Madame la Préfète"),
    ({"name": "M. Luc Blanc", "title": "Président du conseil départemental"}, "Monsieur le Président"),
    ({"name": "Mme Agnès Vandenbussche", "title": "Directrice territoriale"}, "Madame la Directrice territoriale"),
])
def test_appellation_from_title_and_civility(representative, expected):
    assert appellation(representative) == expected


def test_salutation_and_closing_use_the_lead_s_representative(agglo):
    letter = letter_context(agglo, "caf")["letter"]
    assert letter["salutation"] == "Monsieur le Président,"
    assert letter["closing"].startswith("Veuillez agréer, Monsieur le Président, l'expression")


def test_field_labels_in_a_sentence_keep_only_acronyms_capitalised():
    assert in_sentence("ERBM") == "ERBM"
    assert in_sentence("Transports en commun") == "transports en commun"
    assert in_sentence("CAF et partenaires") == "CAF et partenaires"
    assert in_sentence("Équipe de rue") == "équipe de rue"  # a custom label too: it is a common noun


def test_custom_field_in_a_letter(intercommunal):
    data = copy.deepcopy(intercommunal)
    data["custom_fields"] = {"erbm": "ERBM"}
    data["partners"][1]["fields"] = ["erbm", "transports"]
    letter = letter_context(context_of(data), data["partners"][1]["id"])["letter"]
    assert letter["fields_text"] == "ERBM et transports en commun"
    data["custom_fields"] = {"erbm": "Équipe de rue ERBM"}
    data["partners"][1]["fields"] = ["transports", "erbm"]
    letter = letter_context(context_of(data), data["partners"][1]["id"])["letter"]
    assert letter["fields_text"] == "transports en commun et équipe de rue ERBM"


def test_operator_writes_no_letter_before_the_call(intercommunal):
    data = copy.deepcopy(intercommunal)
    operator = data["service"]["operator"]
    before = {j.partner for j in catalog.plan(Project.model_validate(data), ["lettres"]).jobs}
    data["service"]["selection_stage"] = "call"
    plan = catalog.plan(Project.model_validate(data), ["lettres"])
    after = {j.partner for j in plan.jobs}
    subcontractors = {x["partner"] for x in data["service"].get("subcontractors", [])}  # not selected either
    assert operator in before and operator not in after and before - after == {operator} | subcontractors
    assert any("opérateur pressenti" in s.reason for s in plan.skipped)


@pytest.mark.slow
def test_rendered_letters(tmp_path, ptms):
    from conftest import EXAMPLES

    out = tmp_path / "out"
    run = ptms("render", EXAMPLES / "agglo-val-de-marque.yaml", "-o", out, "--doc", "lettres")
    assert run.code == 0, run.err
    caf = plain(docx_text(out / "lettre-intention-caf.docx"))
    assert "Monsieur le Président," in caf and "Veuillez agréer, Monsieur le Président," in caf
    assert "Fait à" not in caf and "Lille, le " in caf  # place and date at the top
    assert caf.index("Lille, le ") < caf.index("Objet")
    assert "Ramener vers les services" in caf
    assert caf.index("Apaiser les espaces publics") > caf.index("également, avec d'autres partenaires")
    assert docx_texts(out / "lettre-intention-caf.docx")[-2:] == ["", ""]  # no header, no footer
    college = plain(docx_text(out / "lettre-intention-college-curie.docx"))
    assert "convention unique pluripartite" not in college.split("nous engageons")[1].split("La présente")[0]
    lead = plain(docx_text(out / "lettre-intention-agglo.docx"))
    assert "invitation à rejoindre" in lead and "Caisse d'allocations familiales du Nord" in lead


@pytest.mark.pdf
def test_a_letter_fits_on_one_page_and_a_long_one_keeps_its_end_together(tmp_path, ptms):
    """Room for the letterhead, yet the CAF's letter is one page; a letter that runs over (the lead's invitation
    to 16 partners) carries its last paragraph to the closing and the signature, never the closing alone."""
    import subprocess

    from conftest import EXAMPLES, require_soffice

    require_soffice()
    out = tmp_path / "out"
    run = ptms("render", EXAMPLES / "agglo-val-de-marque.yaml", "-o", out, "--doc", "lettres", "--format", "pdf",
               timeout=600)
    assert run.code == 0, run.err

    def pages(name: str) -> list[str]:
        text = subprocess.run(["pdftotext", "-layout", str(out / name), "-"], capture_output=True, text=True,
                              timeout=60).stdout
        return [plain(x) for x in text.split("\f") if x.strip()]

    assert len(pages("lettre-intention-caf.pdf")) == 1
    lead = pages("lettre-intention-agglo.pdf")
    assert len(lead) == 2
    last = " ".join(lead[-1].split())
    assert "Veuillez agréer" in last and "Nous vous invitons à nous faire part" in last


@pytest.mark.parametrize("example", ["agglo-val-de-marque.yaml", "agglo-val-d-ysel.yaml", "commune-beaulieu.yaml",
                                     "cc-deux-rives.yaml"])
def test_label_lists_of_the_context_have_no_capital_after_a_comma(example):
    """« Tranquillité publique, habitat collectif » in running text and cells, never « …, Habitat
    collectif »; an acronym keeps its capitals."""
    import re

    data = load_example(example)
    data.setdefault("custom_fields", {})["erbm"] = "ERBM"
    for x in data["partners"]:
        if x.get("fields"):
            x["fields"] = [*x["fields"], "erbm"]
            break
    ctx = context_of(data)
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in {"fields_label", "roles_label"} and isinstance(v, str):
                    found.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(ctx)
    lists = [v for v in found if ", " in v]
    assert lists, "the example lists several fields somewhere"
    for value in lists:
        for word in re.findall(r", (\w+)", value):
            assert word[0].islower() or word.isupper(), value
    assert any(", ERBM" in v or v.startswith("ERBM") for v in found)  # an acronym keeps its capitals


def test_a_field_label_holding_et_is_not_run_into_the_list(agglo):
    """Hem's fields: « tranquillité publique ; milieu scolaire et jeunesse », not « … et milieu scolaire
    et jeunesse »."""
    hem = letter_context(agglo, "hem")["letter"]
    assert hem["fields_text"] == "tranquillité publique ; milieu scolaire et jeunesse"


def test_every_representative_in_the_context_carries_its_appellation(agglo):
    """Call letters (`call.partner.representative.appellation`) greet the partner's representative by
    office and gender, as the letters of intent do."""
    by_id = {x["id"]: x for x in agglo["partners"]}
    assert by_id["departement"]["representative"]["appellation"] == "Monsieur le Vice-président"
    assert by_id["caf"]["representative"]["appellation"] == "Madame la Directrice"
    assert agglo["lead"]["representative"]["appellation"] == "Monsieur le Président"
