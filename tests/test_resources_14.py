"""Issue 14 (money as real schemes hold it): contributions in kind, resource status and decision,
who decides and pays (instruments), what a refused requested resource moves to whom."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

from conftest import load_example
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptms_cli.checks import run
from ptms_cli.funding import compute_plan
from ptms_cli.funding.inkind import in_kind_by_partner, in_kind_total
from ptms_cli.funding.instruments import INSTRUMENTS, instrument
from ptms_cli.funding.scenarios import refusal, refusal_effects
from ptms_cli.model import Project
from ptms_cli.referential import RESOURCE_KINDS

AGGLO = load_example("agglo-val-de-marque.yaml")
YEARS = AGGLO["period"]["start"].year, AGGLO["period"]["end"].year
cents = st.integers(min_value=0, max_value=50_000_000).map(lambda c: Decimal(c) / 100)


def project(d: dict) -> Project:
    return Project.model_validate(d)


def cash(plan) -> list:
    return [(y.year, y.costs, y.resources, y.contributions, y.partners, y.balance) for y in plan.years]


def test_every_resource_kind_has_an_instrument_and_state_aids_are_paid_by_the_asp():
    assert set(RESOURCE_KINDS) <= set(INSTRUMENTS)
    assert "ASP" in instrument("adulte_relais").pays and "ASP" in instrument("pec").pays
    assert instrument("fipd").annual and "loi de finances" in instrument("fipd").reservation
    assert instrument("inconnu") is INSTRUMENTS["autre"]


@settings(max_examples=25, deadline=None)
@given(values=st.lists(cents, min_size=1, max_size=3), kind=st.sampled_from(["locaux", "vehicule", "personnel"]))
def test_in_kind_never_changes_cash_and_is_valued_per_year(values, kind):
    d = copy.deepcopy(AGGLO)
    before = compute_plan(project(d))
    years = list(range(YEARS[0], YEARS[0] + len(values)))
    d["funding"]["in_kind"] = [{"partner": "marcq", "kind": kind, "label": "Local rue des Écoles",
                                "amounts": dict(zip(years, values))}]
    p = project(d)
    after = compute_plan(p)
    assert cash(after) == cash(before)  # costs, resources, contributions, shares and balances untouched
    for y, v in zip(years, values):
        assert in_kind_total(p, y) == v
    assert in_kind_by_partner(p, years) == ({"marcq": {y: v for y, v in zip(years, values)}})


def _with_requested(amounts: dict, fallback: str | None, allocation: bool = True) -> Project:
    d = copy.deepcopy(AGGLO)
    d["funding"]["resources"].append({"id": "fse", "kind": "fse_plus", "label": "FSE+ volet inclusion",
                                      "partner": "region" if any(p["id"] == "region" for p in d["partners"]) else None,
                                      "nature": "droit_commun", "status": "requested", "amounts": amounts,
                                      **({"fallback": fallback} if fallback else {})})
    if not allocation:
        d["funding"].pop("allocation")
    return project(d)


def _totals(plan) -> dict:
    return {(p.partner, y.year): p.total for y in plan.years for p in y.partners}


@settings(max_examples=20, deadline=None)
@given(a=st.integers(1, 3_000_000), b=st.integers(1, 3_000_000))
def test_a_refused_resource_moves_exactly_its_amount_to_the_fallback_partner(a, b):
    amounts = {YEARS[0]: Decimal(a) / 100, YEARS[0] + 1: Decimal(b) / 100}
    p = _with_requested(amounts, "logis-marque")
    before, after = _totals(compute_plan(p)), _totals(compute_plan(refusal(p, "fse")))
    for (pid, year), total in after.items():
        moved = amounts.get(year, Decimal(0))
        if pid == "logis-marque":
            assert total - before[(pid, year)] == moved
        elif pid is not None and (pid, year) in before and pid != p.funding.resources[-1].partner:
            assert total == before[(pid, year)], (pid, year)
    assert all(y.balance == 0 for y in compute_plan(refusal(p, "fse")).years)


@settings(max_examples=15, deadline=None)
@given(a=st.integers(1, 3_000_000))
def test_without_fallback_the_allocation_key_bears_the_refused_amount(a):
    amount = Decimal(a) / 100
    p = _with_requested({YEARS[0]: amount}, None)
    base, refused = compute_plan(p), compute_plan(refusal(p, "fse"))
    y0, r0 = base.year(YEARS[0]), refused.year(YEARS[0])
    assert r0.allocated_total - y0.allocated_total == amount
    assert r0.balance == 0


def test_without_fallback_nor_key_the_refusal_leaves_the_year_short():
    p = _with_requested({YEARS[0]: Decimal("12345.67")}, None, allocation=False)
    effect = refusal_effects(p)[0]
    base_balance = compute_plan(p).year(YEARS[0]).balance
    assert effect.short[YEARS[0]] == base_balance + Decimal("12345.67")


def _codes(p: Project, step=None) -> list[str]:
    return [x.code for x in run(p, step)]


def test_requested_resource_warns_once_the_convention_is_signed_and_names_who_bears_it():
    p = _with_requested({YEARS[0]: Decimal("1000.00")}, "logis-marque")
    problems = [x for x in run(p, 3) if x.code == "PTMS-W080"]
    assert len(problems) == 1 and "logis-marque" in problems[0].message
    assert problems[0].loc[:2] == ("funding", "resources") and problems[0].loc[-1] == "status"
    d = copy.deepcopy(AGGLO)
    d.pop("convention", None)
    d["funding"]["resources"][0]["status"] = "requested"
    assert "PTMS-W080" not in _codes(project(d))
    assert "PTMS-W080" in _codes(project(d), 3)


def test_granted_without_decision_annual_instrument_over_years_and_fallback_to_the_payer():
    d = copy.deepcopy(AGGLO)
    fipd = d["funding"]["resources"][0]
    assert fipd["kind"] == "fipd" and len(fipd["amounts"]) > 1
    fipd["status"] = "granted"
    codes = _codes(project(d))
    assert "PTMS-W081" in codes and "PTMS-W082" in codes
    fipd["decision"] = {"reference": "arrêté n° 2026-118", "date": "2026-03-02"}
    fipd["amounts"] = {YEARS[0]: fipd["amounts"][YEARS[0]]}
    codes = _codes(project(d))
    assert "PTMS-W081" not in codes and "PTMS-W082" not in codes
    fipd["fallback"] = fipd["partner"]
    assert "PTMS-E080" in _codes(project(d))


def test_existing_examples_keep_their_statuses_planned_and_raise_none_of_these():
    for name in ("agglo-val-de-marque.yaml", "commune-beaulieu.yaml", "cc-deux-rives.yaml"):
        p = project(load_example(name))
        assert not {"PTMS-E080", "PTMS-W080", "PTMS-W081", "PTMS-W082"} & set(_codes(p, 3))


def test_funding_command_shows_in_kind_and_the_refusal_scenario(ptms, write_project):
    d = copy.deepcopy(AGGLO)
    d["funding"]["in_kind"] = [{"partner": "marcq", "kind": "locaux", "label": "Local de 60 m²",
                                "amounts": {YEARS[0]: "9000.00"}}]
    d["funding"]["resources"].append({"id": "fse", "kind": "fse_plus", "label": "FSE+ inclusion", "status": "requested",
                                      "fallback": "logis-marque", "nature": "droit_commun",
                                      "amounts": {YEARS[0]: "20000.00"}})
    path = write_project(d)
    r = ptms("funding", path, columns=160)
    assert r.code == 0, r.err
    out = " ".join(r.out.split())  # rich wraps titles; amounts hold no-break spaces
    assert "Contributions en nature" in out and "Local de 60" in out
    assert "Si « FSE+ inclusion » (sollicitée) est refusée : montant à la charge de Logis de la Marque" in out
    assert "(+20 000,00 €)" in out and "(−20 000,00 €)" in out
    assert "sollicitée — versée par l'autorité de gestion du programme FSE+" in out  # the instrument's payer
    assert "versée par l'Agence de services et de paiement (ASP)" in out
    j = json.loads(ptms("funding", path, "--format", "json").out)["plan"]
    assert j["in_kind"][0]["amount"] == "9000.00"
    change = [c for c in j["if_refused"][0]["changes"] if c["partner"] == "logis-marque" and c["year"] == YEARS[0]][0]
    assert Decimal(change["after"]) - Decimal(change["before"]) == Decimal("20000.00")
    plain = json.loads(ptms("funding", write_project(AGGLO, "b.yaml"), "--format", "json").out)["plan"]
    assert "in_kind" not in plain and "if_refused" not in plain


def test_the_xlsx_has_the_status_and_payer_of_each_resource_and_a_sheet_for_contributions_in_kind(ptms, tmp_path):
    from openpyxl import load_workbook

    from conftest import EXAMPLES

    out = tmp_path / "plan.xlsx"
    r = ptms("funding", EXAMPLES / "agglo-val-d-ysel.yaml", "--format", "xlsx", "-o", out)
    assert r.code == 0, r.err
    wb = load_workbook(out)
    rows = list(wb["Ressources"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Libellé", "Nature", "Statut", "Versée par")
    by_label = {row[0]: row for row in rows[1:]}
    fse = next(v for k, v in by_label.items() if k and k.startswith("FSE+"))
    assert fse[2] == "sollicitée" and fse[3] == "l'autorité de gestion du programme FSE+"
    assert all(v[3] == "l'Agence de services et de paiement (ASP)" for k, v in by_label.items()
               if k and k.startswith("Aide de l'État"))
    kind = list(wb["Apports en nature"].iter_rows(values_only=True))
    assert kind[0][3:] == (2026, 2027, 2028, 2029)  # calendar years as numbers
    assert [row[0] for row in kind[1:]] == ["Ville de Vallon-sur-Ysel", "Transysel (délégataire du réseau de bus)"]
    assert all(isinstance(v, (int, float)) for v in kind[1][3:])


def test_the_mid_year_example_shares_by_groups_and_moves_a_refused_fse_to_the_agglomeration():
    from conftest import load_example

    p = project(load_example("agglo-val-d-ysel.yaml"))
    plan = compute_plan(p)
    assert plan.allocation_method == "groups" and all(y.balance == 0 for y in plan.years)
    (effect,) = refusal_effects(p)
    assert effect.resource == "fse" and effect.fallback == "agglo" and not effect.short
    moved = {c.year: c.change for c in effect.changes if c.partner == "agglo"}
    assert sum(moved.values()) == Decimal("40000.00")  # 20 000 € in 2027 and in 2028, seen by convention year


@pytest.mark.slow
def test_the_convention_states_resources_as_planned_by_their_payer_and_the_adhesion_fallback(ptms, tmp_path):
    from conftest import EXAMPLES

    def convention(name: str) -> str:
        out = tmp_path / name
        r = ptms("render", EXAMPLES / f"{name}.yaml", "-o", out, "--format", "md")
        assert r.code == 0, r.err
        return " ".join((out / "convention.md").read_text(encoding="utf-8").split())

    ysel = convention("agglo-val-d-ysel")
    assert "ressources prévisionnelles suivantes" in ysel
    assert "(montant sollicité) — décision : l'autorité de gestion du programme FSE+" in ysel
    assert "(montant prévisionnel, attribué chaque année) — décision : le préfet" in ysel  # the FIPD
    assert "versement : Préfecture" not in ysel
    assert "Elle prend effet le 1er septembre 2026 et prend fin le 31 août 2029, soit une durée de trois (3) ans" in ysel
    assert "Si l'un d'eux n'a pas adhéré à la date prévue, sa part n'est pas mise à la charge des autres parties" in ysel
    assert "montants maximaux" in ysel and "dans la limite des crédits qu'elles ont votés" not in ysel
    assert "Si l'un d'eux n'a pas adhéré" not in convention("agglo-val-de-marque")  # nobody joins later there
