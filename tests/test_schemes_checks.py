"""Issue 14, rules: declined and departed partners, operators and sub-contractors, PEC and adultes-relais."""

from __future__ import annotations

import pytest

from ptms_cli.checks.posts import adulte_relais_max_end, latest_end, max_months
from ptms_cli.validation import validate_file


def found(result, code):
    return [f for f in result.findings if f.code == code]


def line_of(path, needle, nth=0):
    return [i + 1 for i, t in enumerate(path.read_text(encoding="utf-8").splitlines()) if needle in t][nth]


def decline(data, pid):
    next(p for p in data["partners"] if p["id"] == pid)["status"] = "declined"


# --- 6. declined partners --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pid, words, path",
    [
        ("logis-marque", "financeur (Plan de financement › Contributions fixes des partenaires", "funding.contributions[0].partner"),
        ("marcq", "financeur (Plan de financement › Répartition du reste à financer", "funding.allocation.partners[1].partner"),
        ("prefecture", "financeur (Plan de financement › Ressources", "funding.resources[0].partner"),
        ("hem", "membre de la gouvernance (Gouvernance › Comité de pilotage › Membres)", "governance.steering_committee.members[2]"),
        ("amvm", "membre de la gouvernance (Gouvernance › Comité technique › Présidence)", "governance.technical_committee.chair"),
        ("amvm", "opérateur (Service mutualisé de médiation › Opérateur)", "service.operator"),
        ("sailly", "signataire (rôle « signatory »)", "partners[3].roles[1]"),
    ],
)
def test_declined_partner_is_an_error_in_each_place(write_project, intercommunal, pid, words, path):
    decline(intercommunal, pid)
    result = validate_file(write_project(intercommunal))
    errors = found(result, "PTMS-E060")
    at = [f for f in errors if f.path == path]
    assert at, [(f.path, f.message) for f in errors]
    assert f"« {pid} » a décliné" in at[0].message and words in at[0].message
    assert at[0].line > 0 and at[0].column > 0 and at[0].hint


def test_declined_partner_one_error_per_place(write_project, intercommunal):
    decline(intercommunal, "logis-marque")  # contribution, role signatory, two committees
    path = write_project(intercommunal)
    paths = {f.path for f in found(validate_file(path), "PTMS-E060")}
    assert paths == {"funding.contributions[0].partner", "partners[4].roles[1]",
                     "governance.steering_committee.members[4]", "governance.technical_committee.members[4]"}


def test_declined_explicit_signatory_is_located_on_the_list(write_project, intercommunal):
    decline(intercommunal, "college-zola")
    intercommunal["convention"]["signatories"] = ["agglo", "college-zola"]
    path = write_project(intercommunal)
    errors = [f for f in found(validate_file(path), "PTMS-E060") if f.path == "convention.signatories[1]"]
    assert errors and "signataire (Convention unique › Signataires)" in errors[0].message
    assert errors[0].line == line_of(path, "- college-zola", -1)


def test_declined_partner_out_of_the_scheme_is_fine(write_project, intercommunal, step1):
    decline(intercommunal, "police")  # only in the technical committee: remove it from there
    intercommunal["governance"]["technical_committee"]["members"].remove("police")
    assert not found(validate_file(write_project(intercommunal)), "PTMS-E060")
    assert not found(validate_file(write_project(step1, "s.yaml")), "PTMS-E060")  # example with a declined partner


def test_partner_who_left_before_the_convention(write_project, intercommunal):
    intercommunal["convention"]["start"] = "2026-07-01"
    caf = next(p for p in intercommunal["partners"] if p["id"] == "caf")
    caf["until"] = "2026-06-30"
    path = write_project(intercommunal)
    errors = found(validate_file(path), "PTMS-E061")
    assert {f.path for f in errors} == {"partners[9].roles[1]", "governance.steering_committee.members[7]",
                                        "governance.technical_committee.members[9]"}
    assert "quitte le projet le 30/06/2026" in errors[0].message and "01/07/2026" in errors[0].message
    caf["until"] = "2026-07-01"  # still there on the first day
    assert not found(validate_file(write_project(intercommunal)), "PTMS-E061")


# --- 5. operators ----------------------------------------------------------------------------------


def without_subcontractors(data):
    """The intercommunal example without its sub-contracted association."""
    data["service"].pop("subcontractors", None)
    data["partners"] = [p for p in data["partners"] if p["id"] != "voisins-sailly"]
    return data


def test_example_subcontractor_is_valid(intercommunal, write_project):
    assert intercommunal["service"]["subcontractors"][0]["partner"] == "voisins-sailly"
    result = validate_file(write_project(intercommunal))
    assert not [f for f in result.findings if f.code in {"PTMS-E062", "PTMS-E063"}]
    del intercommunal["service"]["subcontractors"]  # the association keeps its role « operator »
    errors = found(validate_file(write_project(intercommunal)), "PTMS-E062")
    assert [f.message.split(" a le rôle")[0] for f in errors] == ["le partenaire « voisins-sailly »"]


def association(pid="asso-voisins"):
    return {"id": pid, "name": "Association Les Voisins", "kind": "association", "roles": ["operator"], "status": "committed"}


def test_operator_role_unused_is_an_error(write_project, intercommunal):
    without_subcontractors(intercommunal)["partners"].append(association())
    path = write_project(intercommunal)
    errors = found(validate_file(path), "PTMS-E062")
    assert len(errors) == 1 and "« asso-voisins »" in errors[0].message and "« amvm »" in errors[0].message
    assert errors[0].path == f"partners[{len(intercommunal['partners']) - 1}].roles[0]"
    assert "subcontractors" in errors[0].hint


def test_subcontractor_makes_the_operator_role_valid(write_project, intercommunal):
    without_subcontractors(intercommunal)["partners"].append(association())
    intercommunal["service"]["subcontractors"] = [
        {"partner": "asso-voisins", "activities": ["concertation"], "sectors": ["sailly"], "share": 0.1}]
    result = validate_file(write_project(intercommunal))
    assert not found(result, "PTMS-E062") and not found(result, "PTMS-E063") and result.errors == 0


@pytest.mark.parametrize(
    "sub, words, path",
    [
        ({"partner": "amvm", "share": 0.1}, "est l'opérateur principal", "service.subcontractors[0].partner"),
        ({"partner": "asso-voisins"}, "soit une part du coût", "service.subcontractors[0]"),
        ({"partner": "asso-voisins", "share": 0.1, "amount": 1000}, "pas les deux", "service.subcontractors[0]"),
        ({"partner": "asso-voisins", "share": 0.1, "activities": ["intermediation_culturelle"]},
         "intermediation_culturelle hors des activités", "service.subcontractors[0].activities"),
        ({"partner": "asso-voisins", "amount": 1000, "sectors": ["sailly"]}, None, None),
    ],
)
def test_subcontractor_declaration(write_project, intercommunal, sub, words, path):
    without_subcontractors(intercommunal)["partners"].append(association())
    intercommunal["service"]["subcontractors"] = [sub]
    errors = found(validate_file(write_project(intercommunal)), "PTMS-E063")
    if words is None:
        assert errors == []
    else:
        assert [f.path for f in errors] == [path] and words in errors[0].message


def test_subcontractor_shares_above_the_cost(write_project, intercommunal):
    without_subcontractors(intercommunal)["partners"] += [association(), association("asso-b")]
    intercommunal["service"]["subcontractors"] = [{"partner": "asso-voisins", "share": 0.6}, {"partner": "asso-b", "share": 0.5}]
    errors = found(validate_file(write_project(intercommunal)), "PTMS-E063")
    assert [f.path for f in errors] == ["service.subcontractors"] and "dépassent" in errors[0].message


def test_unknown_subcontractor_is_a_reference_error(write_project, intercommunal):
    intercommunal["service"]["subcontractors"] = [{"partner": "inconnu", "share": 0.1}]
    errors = found(validate_file(write_project(intercommunal)), "PTMS-E021")
    assert [f.path for f in errors] == ["service.subcontractors[0].partner"]


# --- 7. PEC and adultes-relais ---------------------------------------------------------------------


def pec(data):
    return next(p for p in data["service"]["posts"] if p["contract"] == "pec")


def test_pec_without_aid_rate(write_project, intercommunal):
    del pec(intercommunal)["aid_rate"]
    path = write_project(intercommunal)
    errors = found(validate_file(path), "PTMS-E070")
    assert len(errors) == 1 and "« pec » sans taux d'aide" in errors[0].message and "aid_rate" in errors[0].hint
    assert errors[0].path == "service.posts[4].contract" and errors[0].line == line_of(path, "contract: pec")


def test_pec_with_aid_rate_is_fine(write_project, intercommunal):
    result = validate_file(write_project(intercommunal))
    assert not [f for f in result.findings if f.code in {"PTMS-E070", "PTMS-E071", "PTMS-W072", "PTMS-W073"}]


def test_aid_hours_above_worked_hours(write_project, intercommunal):
    post = pec(intercommunal)
    post["fte"], post["aid_hours_per_week"] = 0.4, 30
    path = write_project(intercommunal)
    errors = found(validate_file(path), "PTMS-E071")
    assert len(errors) == 1 and errors[0].path == "service.posts[4].aid_hours_per_week"
    assert "30 h par semaine pour 14 h travaillées (0,4 ETP × 35 h)" in errors[0].message.replace("\xa0", " ")
    post["aid_hours_per_week"] = 14  # exactly the hours worked
    assert not found(validate_file(write_project(intercommunal)), "PTMS-E071")


def test_default_aid_hours_above_worked_hours(write_project, intercommunal):
    post = pec(intercommunal)
    post["fte"] = 0.5
    del post["aid_hours_per_week"]  # 20 h by default, 17,5 h worked
    errors = found(validate_file(write_project(intercommunal)), "PTMS-E071")
    assert len(errors) == 1 and "(valeur par défaut)" in errors[0].message and errors[0].path == "service.posts[4].fte"


def test_pec_longer_than_the_law_allows(write_project, intercommunal):
    post = pec(intercommunal)
    post["end"] = "2028-12-31"  # 36 months
    warnings = found(validate_file(write_project(intercommunal)), "PTMS-W072")
    assert len(warnings) == 1 and "au-delà de 24 mois" in warnings[0].message and "L5134-23" in warnings[0].hint
    post["end"] = "2027-12-31"  # 24 months exactly
    assert not found(validate_file(write_project(intercommunal)), "PTMS-W072")


def test_pec_prolongation_counts_in_the_maximum(write_project, intercommunal):
    first = pec(intercommunal)
    second = dict(first, id="pec-suite", start="2027-01-01", end="2028-06-30", continues="pec")
    intercommunal["service"]["posts"].append(second)
    warnings = found(validate_file(write_project(intercommunal)), "PTMS-W072")
    assert [f.path for f in warnings] == ["service.posts[5].end"]
    assert "prolongations comprises depuis le 01/01/2026 (postes pec, pec-suite)" in warnings[0].message
    second["end"] = "2027-12-31"
    assert not found(validate_file(write_project(intercommunal)), "PTMS-W072")


def test_adulte_relais_outside_qpv(write_project, intercommunal):
    intercommunal["service"]["posts"][3]["sectors"] = ["sailly", "marcq-centre"]
    warnings = found(validate_file(write_project(intercommunal)), "PTMS-W073")
    assert [f.path for f in warnings] == ["service.posts[3].sectors"]
    assert "sailly, marcq-centre" in warnings[0].message and "qpv: true" in warnings[0].hint
    intercommunal["service"]["posts"][3]["sectors"] = ["sailly", "trois-ponts"]  # one QPV sector is enough
    assert not found(validate_file(write_project(intercommunal)), "PTMS-W073")


def test_adulte_relais_longer_than_three_years(write_project, commune):
    commune["service"]["posts"][1]["end"] = "2028-10-01"  # 3 years and a day from 2025-10-01
    errors = [f for f in validate_file(write_project(commune)).findings if f.code == "PTMS-E034" and "3 ans" in f.message]
    assert [f.path for f in errors] == ["service.posts[1].end"]
    commune["service"]["posts"][1]["end"] = "2028-09-30"
    assert not [f for f in validate_file(write_project(commune)).findings if f.code == "PTMS-E034"]


def test_maxima_are_dated_parameters():
    from datetime import date

    assert max_months("pec_max_months", date(2026, 1, 1)) == 24
    assert max_months("adulte_relais_max_months", date(2026, 1, 1)) == 36
    assert latest_end(date(2026, 1, 1), 24) == date(2027, 12, 31)
    assert latest_end(date(2024, 1, 31), 1) == date(2024, 2, 28)  # 29 February is the day after
    assert adulte_relais_max_end(date(2024, 2, 29)) == date(2027, 2, 27)
