"""The convention's legal set-up, parties, visas and conditioned clauses (issue 15), read from the
rendered document; and the legal rules PTMS-W100 to W074. Each clause family is checked present when its
condition holds and absent otherwise."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest

from conftest import docx_text, plain
from ptms_cli import legalfacts
from ptms_cli.derived import Derived
from ptms_cli.documents import catalog
from ptms_cli.documents import render as R
from ptms_cli.documents.context import build_context
from ptms_cli.model import Project
from ptms_cli.validation import validate_file

pytestmark = pytest.mark.slow  # renders the convention (about a second each) or runs `ptms`


def convention(data: dict) -> str:
    """The convention of a project, rendered in-process with the shipped template, as plain text."""
    p = Project.model_validate(data)
    blob = R.render(catalog.default_templates() / "convention.docx", build_context(p), R.Properties("t", "a"))
    return plain(docx_text(blob))


def codes(result, code):
    return [f for f in result.findings if f.code == code]


@pytest.fixture
def agglo(intercommunal):
    return copy.deepcopy(intercommunal)


@pytest.fixture
def regie(commune):
    return copy.deepcopy(commune)


# --- set-up: recitals and framework ------------------------------------------------------------

def test_subsidy_recitals_follow_the_cpo_model(agglo):
    text = convention(agglo)
    assert "Considérant le projet initié et conçu par l'association" in text
    assert "à son initiative et sous sa responsabilité" in text
    assert "subventions au sens de l'article 9-1 de la loi n° 2000-321 du 12 avril 2000" in text
    assert "régie" not in text.lower().replace("régie municipale", "")


def test_regie_has_no_association_clause_and_no_self_payment(regie):
    text = convention(regie)
    assert "exploite en régie avec ses propres agents" in text and "compte administratif" in text
    for absent in ("contrat d'engagement républicain", "compte rendu financier", "cerfa", "Considérant le projet initié",
                   "coordonnées bancaires", "IBAN", "exiger le reversement", "commissaire aux comptes"):
        assert absent not in text, absent
    # the operator's own contribution is no instalment row; the other funder's is
    ville = next(x["name"] for x in regie["partners"] if x["id"] == "ville")
    annex = text[text.index("Échéancier des versements"):]
    assert "Habitat Sambre & Avesnois\n2026" in annex and f"{ville}\n2026" not in annex




def test_public_contract_says_what_it_is_not(agglo):
    agglo["convention"]["legal_setup"] = "public_contract"
    text = convention(agglo)
    assert "groupement de commandes" in text and "ne tient lieu ni de la convention constitutive" in text
    assert "Considérant le projet initié" not in text and "IBAN" not in text
    assert "le code de la commande publique, notamment ses articles L2113-6 et suivants" in text


def test_render_prints_the_public_contract_note(tmp_path, ptms, write_project, agglo):
    agglo["convention"]["legal_setup"] = "public_contract"
    run = ptms("render", write_project(agglo), "-o", tmp_path / "out", "--doc", "convention", "--format", "md")
    assert run.code == 0, run.err
    assert "il ne rédige ni la convention constitutive du groupement de commandes" in run.out
    plain_run = ptms("render", write_project(copy.deepcopy(agglo) | {"convention": {**agglo["convention"],
                                                                                     "legal_setup": "subsidy"}},
                                             "b.yaml"), "-o", tmp_path / "b", "--doc", "convention", "--format", "md")
    assert plain_run.code == 0 and "convention constitutive" not in plain_run.out


# --- parties ----------------------------------------------------------------------------------

def test_the_state_is_the_party_represented_by_a_person(agglo):
    text = convention(agglo)
    state = next(x for x in agglo["partners"] if x["kind"] == "prefecture")
    rep = state["representative"]
    assert f"L'État (Préfecture du Nord), représenté par {rep['name']}, {rep['title']}" in text
    assert "ci-après « l'État »" in text
    assert not re.search(r"^\*?\*?Préfecture du Nord \(État\)", text, re.M)


def test_short_name_is_defined_once(agglo):
    text = convention(agglo)
    assert text.count("ci-après « l'Agglomération »") == 1
    without = copy.deepcopy(agglo)
    next(x for x in without["partners"] if x["id"] == "agglo").pop("short_name")
    assert "l'Agglomération" not in convention(without)


# --- visas ------------------------------------------------------------------------------------

def test_visas_come_from_data_by_set_up_and_kind(agglo, regie):
    text = convention(agglo)
    assert "Vu la loi n° 2000-321 du 12 avril 2000, notamment ses articles 9-1, 10 et 10-1 ;" in text
    assert "Vu le code général des collectivités territoriales, notamment ses articles L1611-4, L2121-29, L3211-1 et L5216-5 ;" in text
    assert "18 janvier 2010" not in text and "circulaire n° 5811-SG du 29 septembre 2015" in text
    norm = legalfacts.legal_data()["norm"][-1]["text"]
    assert f"Vu {norm} ;" in text
    regie_text = convention(regie)
    assert "2000-321" not in regie_text.split("Il est convenu")[0]  # no subsidy visa in a régie
    assert "L5216-5" not in regie_text and "L2121-29" in regie_text


def test_project_visas_and_replaced_agreements(agglo):
    base = convention(agglo)
    assert "remplace" not in base and "se substitue" not in base
    agglo["convention"]["visas"] = ["la délibération n° 2025-300 du conseil communautaire"]
    agglo["convention"]["replaces"] = ["la convention Agglomération–Logis de la Marque du 3 mars 2022"]
    text = convention(agglo)
    assert "Vu la délibération n° 2025-300 du conseil communautaire ;" in text
    assert "Elle remplace, à compter de son entrée en vigueur, les conventions suivantes :" in text
    assert "la convention Agglomération–Logis de la Marque du 3 mars 2022" in text


# --- thresholds -------------------------------------------------------------------------------

def _scale(data: dict, factor: Decimal) -> dict:
    """Every cost and amount multiplied (the plan stays balanced), posts' State aid left out."""
    out = copy.deepcopy(data)
    for line in out["budget"].get("lines", []):
        line["amounts"] = {y: float(Decimal(str(v)) * factor) for y, v in line["amounts"].items()}
    for key in ("training", "equipment", "premises"):
        if key in out["budget"]:
            out["budget"][key] = float(Decimal(str(out["budget"][key])) * factor)
    for t in out["budget"].get("post_types", []):
        t["yearly_cost"] = float(Decimal(str(t["yearly_cost"])) * factor)
    for section in ("resources", "contributions"):
        for x in out["funding"].get(section, []):
            x["amounts"] = {y: float(Decimal(str(v)) * factor) for y, v in x["amounts"].items()}
    return out


def test_auditor_and_essential_data_above_thresholds_only(agglo):
    text = convention(agglo)
    assert "commissaire aux comptes" in text and "153 000 €" in text
    assert "en publient les données essentielles" in text
    small = _scale(agglo, Decimal("0.01"))
    for post in small["service"]["posts"]:
        post["contract"] = "cdi"  # no State aid for posts either
    p = Project.model_validate(small)
    aid = legalfacts.public_aid(p, Derived(p))
    assert max(aid.by_year.values()) < 153000
    assert all(max(v.values()) <= 23000 for v in aid.by_funder.values())
    text = convention(small)
    assert "commissaire aux comptes" not in text and "données essentielles" not in text


def test_sieg_mandate_clause_and_warning(agglo, write_project):
    assert "vaut acte de mandat au sens de la décision 2012/21/UE" in convention(agglo)
    del agglo["convention"]["sieg_mandate"]
    warning = codes(validate_file(write_project(agglo)), "PTMS-W102")
    assert len(warning) == 1 and "750 000,00 €" in plain(warning[0].message) and warning[0].path == "funding"
    small = _scale(agglo, Decimal("0.3"))
    for post in small["service"]["posts"]:
        post["contract"] = "cdi"
    assert not codes(validate_file(write_project(small, "small.yaml")), "PTMS-W102")
    assert "acte de mandat" not in convention(small)




# --- association clauses, payment ---------------------------------------------------------------

def test_republican_contract_only_for_an_association(agglo):
    assert "contrat d'engagement républicain prévu par l'article 10-1" in convention(agglo)
    company = copy.deepcopy(agglo)
    next(x for x in company["partners"] if x["id"] == "amvm")["kind"] = "entreprise"
    assert "contrat d'engagement républicain prévu" not in convention(company)


def test_bank_details_printed_or_placeholder_and_warning(agglo, write_project):
    iban = agglo["convention"]["bank_account"]["iban"]
    assert f"IBAN, {iban}" in convention(agglo)
    assert not codes(validate_file(write_project(agglo)), "PTMS-W101")
    del agglo["convention"]["bank_account"]
    assert "IBAN, [à compléter]" in convention(agglo)
    found = codes(validate_file(write_project(agglo)), "PTMS-W101")
    assert len(found) == 1 and found[0].path == "convention"


def test_payers_and_allocation_key_in_words(agglo):
    agglo["convention"]["payers"] = [{"partner": "departement", "authorizing_officer": "le président du conseil départemental",
                                      "accountant": "le payeur départemental du Nord"}]
    text = convention(agglo)
    assert "Département du Nord : ordonnateur, le président du conseil départemental ; comptable assignataire, " \
           "le payeur départemental du Nord" in text
    assert ("réparti chaque année selon des pourcentages fixés entre les parties suivantes : l'Agglomération (40 %), "
            "Ville de Marcq-la-Rivière (30 %), Ville de Hem-sur-Marque (20 %) et Commune de Sailly-les-Prés (10 %)") in text


def test_state_aids_are_planned_under_reservation(agglo, regie):
    text = convention(agglo)
    assert "sous réserve des crédits ouverts en loi de finances" in text
    assert "Les aides de l'État aux postes (postes d'adultes-relais et parcours emploi compétences) sont des aides prévues" in text
    for post in agglo["service"]["posts"]:
        post["contract"] = "cdi"
    assert "aides de l'État aux postes" not in convention(agglo)


# --- multi-party mechanics ---------------------------------------------------------------------

def test_entry_into_force_lapse_or_partial(agglo):
    text = convention(agglo)
    assert "signature par la dernière des parties" in text and "elle est caduque" in text
    agglo["convention"]["entry_into_force"] = "partial"
    agglo["convention"]["lapse_months"] = 4
    text = convention(agglo)
    assert "quatre (4) mois" in text and "entre les seules parties qui l'ont signée" in text and "caduque" not in text


def test_version_marker_until_signed(agglo):
    agglo["convention"]["version"] = 2
    agglo["convention"]["version_date"] = "2026-11-20"
    assert "Projet – version" not in convention(agglo)  # signed (signing_date set): no marker
    del agglo["convention"]["signing_date"]
    text = convention(agglo)
    assert text.count("Projet – version 2 du 20 novembre 2026") >= 2  # under the title and in the footer


def test_one_place_and_date_line_per_signature_block(agglo):
    del agglo["convention"]["signing_date"]
    text = convention(agglo)
    signatories = [x for x in agglo["partners"] if "signatory" in x["roles"]]
    assert text.count("Fait à ……………………, le ……………………") == len(signatories)
    assert "exemplaire distinct" in text and "signature électronique est admise" in text


# --- governance -------------------------------------------------------------------------------

def test_operator_consultative_voice_and_restricted_cell(agglo, regie, write_project):
    text = convention(agglo)
    assert "L'opérateur siège avec voix consultative" in text
    assert "Quorum : la moitié au moins des membres" in text
    assert "aucun dossier nominatif n'est conservé" in text
    assert "voix consultative" not in convention(regie)  # the collectivity runs and funds its own service
    agglo["governance"]["steering_committee"]["operator_votes"] = True
    assert "voix consultative" not in convention(agglo)
    found = codes(validate_file(write_project(agglo)), "PTMS-W103")
    assert len(found) == 1 and found[0].path == "governance.steering_committee.operator_votes"




# --- set-up against data, representatives ------------------------------------------------------







# --- data protection --------------------------------------------------------------------------

def test_rgpd_annex_roles_for_every_referring_party_and_agreements(agglo, regie):
    text = convention(agglo)
    annex = text[text.index("Annexe 4 – Protection des données personnelles"):] if "Annexe 4 –" in text else \
        text[text.rindex("Protection des données personnelles"):]
    referring = [x for x in agglo["partners"] if x.get("status") != "declined"
                 and ({"prescriber", "signatory", "operator", "beneficiary"} & set(x.get("roles", [])))]
    for x in referring:
        name = "L'État (Préfecture du Nord)" if x["kind"] == "prefecture" else x["name"]
        assert name in annex, name
    assert "Accord entre responsables conjoints du traitement (article 26 du RGPD)" in annex
    assert "Clauses de sous-traitance (article 28 du RGPD)" in annex
    assert "article 10 du RGPD" in annex and "Durée de conservation" in annex
    regie_text = convention(regie)
    assert "article 26 du RGPD)\n" not in regie_text and "Clauses de sous-traitance" not in regie_text
    regie["convention"]["data_protection"]["processing"] = {"retention": "trois mois", "dpo": ["dpo@beaulieu.example.fr"]}
    text = convention(regie)
    assert "Durée de conservation : trois mois" in text and "dpo@beaulieu.example.fr" in text


def test_bad_legal_setup_is_a_located_error(tmp_path, ptms, write_project, agglo):
    agglo["convention"]["legal_setup"] = "gip"
    run = ptms("validate", write_project(agglo))
    assert run.code == 1 and "PTMS-E011" in run.out and "legal_setup" in run.out and "Traceback" not in run.err
