"""Partners who join or leave (`from` / `until`): signatories of the initial convention, adhesion,
committee seats, letters of intent, and the rules PTMS-W091 / W072; the staffing keys of the context."""

from __future__ import annotations

import copy

import pytest

from ptms_cli import participation
from ptms_cli.documents.context import build_context, letter_context
from ptms_cli.model import Project
from ptms_cli.validation import validate_file


def dated(intercommunal: dict, **dates) -> dict:
    """The intercommunal example (2026-2028) with participation dates: dated(x, nord_habitat=("2027-01-01", None))."""
    data = copy.deepcopy(intercommunal)
    for p in data["partners"]:
        key = p["id"].replace("-", "_")
        if key in dates:
            start, end = dates[key]
            if start:
                p["from"] = start
            if end:
                p["until"] = end
    return data


def test_a_partner_joining_in_year_2_adheres_instead_of_signing(intercommunal):
    p = Project.model_validate(dated(intercommunal, nord_habitat=("2027-01-01", None), transmarque=(None, "2027-06-30")))
    assert "nord-habitat" in p.signatories()  # still a signatory partner (role), by adhesion
    assert "nord-habitat" not in participation.initial_signatories(p)
    assert participation.adherents(p) == ["nord-habitat"]
    assert "transmarque" in participation.initial_signatories(p)  # a partner leaving early signs at the start
    ctx = build_context(p)
    assert [x["id"] for x in ctx["adherents"]] == ["nord-habitat"]
    assert "nord-habitat" not in [x["id"] for x in ctx["signatories"]]
    assert f"({len(p.signatories()) - 1}) exemplaires originaux" in ctx["copies_label"]
    nh = next(x for x in ctx["partners"] if x["id"] == "nord-habitat")
    assert (nh["participation_label"], nh["joins_later"], nh["leaves_early"]) == ("à compter du 1er janvier 2027", True, False)
    assert (nh["participation_start"], nh["participation_end"]) == ("1er janvier 2027", "31 décembre 2028")
    tm = next(x for x in ctx["partners"] if x["id"] == "transmarque")
    assert tm["participation_label"] == "jusqu'au 30 juin 2027"
    steering = ctx["governance"]["steering"]["members_label"]
    assert "Nord Habitat Solidaire (entreprise sociale pour l'habitat) (à compter du 1er janvier 2027)" in steering
    assert "(jusqu'au 30 juin 2027)" in steering
    assert letter_context(ctx, "nord-habitat")["partner"]["participation_start"] == "1er janvier 2027"


def test_an_explicit_signatory_joining_later_signs_the_initial_convention(intercommunal):
    data = dated(intercommunal, nord_habitat=("2027-01-01", None))
    data["convention"]["signatories"] = [x["id"] for x in data["partners"] if "signatory" in x.get("roles", [])]
    p = Project.model_validate(data)
    assert "nord-habitat" in participation.initial_signatories(p) and participation.adherents(p) == []
    signing = next(x for x in build_context(p)["signatories"] if x["id"] == "nord-habitat")
    assert signing["participation_label"] == "à compter du 1er janvier 2027"  # deferred start, said in the parties


def test_partners_without_dates_change_nothing(intercommunal):
    p = Project.model_validate(intercommunal)
    ctx = build_context(p)
    assert ctx["adherents"] == [] and [x["id"] for x in ctx["signatories"]] == p.signatories()
    assert all(x["participation_label"] == "" for x in ctx["partners"])


def test_chair_who_leaves_is_flagged_on_the_chair(write_project, intercommunal):
    data = dated(intercommunal, agglo=(None, "2027-06-30"), amvm=("2026-03-01", None))
    path = write_project(data)
    found = {f.path: f for f in validate_file(path).findings if f.code == "PTMS-W091"}
    steering = found["governance.steering_committee.chair"]
    assert "comité de pilotage" in steering.message and "quitte le projet le 30/06/2027" in steering.message
    technical = found["governance.technical_committee.chair"]
    assert "comité technique" in technical.message and "ne rejoint le projet que le 01/03/2026" in technical.message
    assert path.read_text(encoding="utf-8").splitlines()[steering.line - 1].strip() == "chair: agglo"


def test_member_or_signatory_outside_the_period_is_flagged(write_project, intercommunal):
    data = dated(intercommunal, caf=("2030-01-01", None), college_zola=(None, "2025-12-31"))
    found = [f for f in validate_file(write_project(data)).findings if f.code == "PTMS-W092"]
    paths = {f.path for f in found}
    caf = next(i for i, x in enumerate(data["partners"]) if x["id"] == "caf")
    assert f"partners[{caf}].roles" in paths  # the signatory (by its role)
    steering = data["governance"]["steering_committee"]["members"]
    assert f"governance.steering_committee.members[{steering.index('caf')}]" in paths
    technical = data["governance"]["technical_committee"]["members"]
    assert f"governance.technical_committee.members[{technical.index('college-zola')}]" in paths


def test_dates_inside_the_period_raise_nothing(write_project, intercommunal):
    data = dated(intercommunal, nord_habitat=("2027-01-01", None), transmarque=(None, "2027-06-30"))
    codes = [f.code for f in validate_file(write_project(data)).findings]
    assert "PTMS-W091" not in codes and "PTMS-W092" not in codes


def test_staffing_keys_of_the_context(intercommunal):
    ctx = build_context(Project.model_validate(intercommunal))
    s = ctx["staffing"]
    assert s["effectif"] == f"un effectif de {s['low']} à {s['peak']} équivalents temps plein (ETP) selon les mois"
    assert ctx["service"]["fte_total"] == s["peak"]  # the highest month, not the sum of the post lines
    assert [y["label"] for y in s["years"]] == ["2026", "2027", "2028"]
    assert s["field_hours"] == "26,25" and s["capacity_ok"] is False
    assert s["types_label"] == "3 types de poste (5 lignes de poste)"


@pytest.mark.slow
def test_documents_say_when_a_partner_joins(ptms, intercommunal, write_project, tmp_path):
    data = dated(intercommunal, nord_habitat=("2027-01-01", None), transmarque=(None, "2027-06-30"))
    for c in data["funding"]["contributions"]:  # no contribution in a year the partner is absent (PTMS-E038)
        c["amounts"].pop({"nord-habitat": 2026, "transmarque": 2028}.get(c["partner"]), None)
    path = write_project(data)
    out = tmp_path / "docs"
    run = ptms("render", path, "-o", out, "--format", "md")
    assert run.code == 0, run.err
    convention = (out / "convention.md").read_text(encoding="utf-8")
    parties = convention.split("ci-après désignés ensemble")[0]
    assert "Nord Habitat Solidaire" not in parties  # not a party to the initial convention
    assert "Rejoindront la convention par adhésion" in convention
    assert "**Nord Habitat Solidaire (entreprise sociale pour l'habitat)**, à compter du 1er janvier 2027" in convention
    assert "partie à la convention jusqu'au 30 juin 2027" in parties
    assert "avec un effectif de 8 à 11,2 équivalents temps plein (ETP) selon les mois" in convention
    letter = (out / "lettre-intention-nord-habitat.md").read_text(encoding="utf-8")
    assert "pour la période du 1er janvier 2027 au 31 décembre 2028" in letter
    cahier = (out / "cahier-des-charges.md").read_text(encoding="utf-8")
    assert "le service compte un effectif de 8 à 11,2 équivalents temps plein (ETP) selon les mois" in cahier
    assert "| 2028 | 8 | 8 | 8 | 7 |" in cahier
