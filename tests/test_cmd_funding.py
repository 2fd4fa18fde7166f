"""`ptms funding` through the real entry point: every format, files, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import uuid
from decimal import Decimal as D

import pytest

from conftest import EXAMPLES, require_soffice, run_ptms

from ptms_cli.documents.typography import typeset

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

AGGLO = EXAMPLES / "agglo-val-de-marque.yaml"
NBSP = "\u00a0"


def test_table_shows_the_plan_the_balance_and_the_end_of_the_agreements():
    r = run_ptms("funding", AGGLO)
    assert r.code == 0, r.err
    for text in ("Coûts", "Ressources", "Contributions des partenaires", "Qui paie quoi", "Équilibre par année",
                 typeset(f"en 2027, fin de 2 postes adultes-relais : 45{NBSP}621,22{NBSP}€ à couvrir")):  # French console
        assert text in r.out
    assert r.out.count("non équilibré") == 0 and r.out.count("équilibré") == 3
    assert f"97{NBSP}614,06{NBSP}€" in r.out  # the agglo's 40 % of the 2026 remainder


def test_csv_is_exact_and_each_year_balances():
    r = run_ptms("funding", AGGLO, "--format", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    years = sorted({row["annee"] for row in rows})
    assert years == ["2026", "2027", "2028"]
    for y in years:
        of = [row for row in rows if row["annee"] == y]
        total = {row["reference"]: D(row["montant"]) for row in of if row["vue"] == "equilibre"}
        assert total["solde"] == 0
        assert sum(D(row["montant"]) for row in of if row["vue"] == "couts") == total["cout_total"]
        funded = sum(D(row["montant"]) for row in of if row["vue"] in ("ressources", "contributions"))
        assert funded == total["cout_total"]
    assert all(row["montant"] == str(D(row["montant"]).quantize(D("0.01"))) for row in rows)
    assert "PTMS-W031" in r.err  # alerts go to stderr, the data stays clean


def test_json_to_stdout_and_to_a_file(tmp_path):
    r = run_ptms("funding", AGGLO, "-f", "json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["plan"]["balanced"] is True
    assert [y["balance"] for y in doc["plan"]["years"]] == ["0.00"] * 3
    assert {f["code"] for f in doc["findings"]} == {"PTMS-W031"}
    out = tmp_path / "plan.json"
    r2 = run_ptms("funding", AGGLO, "-f", "json", "-o", out)
    assert r2.code == 0 and r2.out == ""
    assert json.loads(out.read_text(encoding="utf-8"))["plan"] == doc["plan"]


def test_table_to_a_file(tmp_path):
    out = tmp_path / "plan.txt"
    r = run_ptms("funding", EXAMPLES / "commune-beaulieu.yaml", "-o", out)
    assert r.code == 0 and "Plan de financement écrit" in r.err and r.out == ""
    assert "Préfecture du Nord" in out.read_text(encoding="utf-8")


def test_xlsx_needs_an_output_file():
    r = run_ptms("funding", AGGLO, "--format", "xlsx")
    assert r.code == 2 and "-o plan.xlsx" in r.err and "Traceback" not in r.err


def _read_xlsx(path):
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_xlsx_has_a_sheet_per_view_with_exact_amounts(tmp_path):
    out = tmp_path / "plan.xlsx"
    r = run_ptms("funding", AGGLO, "-f", "xlsx", "-o", out)
    assert r.code == 0, r.err
    sheets = _read_xlsx(out)
    assert list(sheets) == ["Équilibre", "Coûts", "Ressources", "Contributions", "Partenaires", "Parts du coût", "Opérateurs",
                            "Alertes"]
    doc = json.loads(run_ptms("funding", AGGLO, "-f", "json").out)
    balance = {row[0]: row[1:] for row in sheets["Équilibre"][1:]}
    assert [D(str(v)) for v in balance["Coût total"]] == [D(y["cost_total"]) for y in doc["plan"]["years"]]
    assert len(sheets["Alertes"]) == 3  # header + two W031


@pytest.mark.pdf
def test_xlsx_opens_in_libreoffice_calc(tmp_path):
    require_soffice()
    out = tmp_path / "plan.xlsx"
    assert run_ptms("funding", AGGLO, "-f", "xlsx", "-o", out).code == 0
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    from ptms_cli.documents.export import soffice_path

    subprocess.run([soffice_path(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(tmp_path / "csv"), str(out)],
                   capture_output=True, timeout=180, check=False)
    converted = tmp_path / "csv" / "plan-Équilibre.csv"
    assert converted.exists(), "LibreOffice n'a pas converti le classeur"
    rows = list(csv.reader(converted.open(encoding="utf-8")))
    doc = json.loads(run_ptms("funding", AGGLO, "-f", "json").out)
    assert rows[0] == ["Poste", "2026", "2027", "2028"]
    values = {row[0]: [D(v) for v in row[1:]] for row in rows[1:]}
    assert values["Coût total"] == [D(y["cost_total"]) for y in doc["plan"]["years"]]
    assert values["Solde (coût − financements)"] == [0, 0, 0]
    partners = list(csv.reader((tmp_path / "csv" / "plan-Partenaires.csv").open(encoding="utf-8")))
    assert partners[1][0] == "Communauté d'agglomération du Val de Marque"


def test_invalid_project_is_a_french_error_exit_1(write_project, intercommunal):
    intercommunal["funding"]["allocation"]["partners"][0]["weight"] = 30  # 90 %
    r = run_ptms("funding", write_project(intercommunal))
    assert r.code == 1 and "PTMS-E036" in r.err and "totalisent 90 %" in r.err and "non calculé" in r.err
    assert r.out == ""


def test_schema_error_is_exit_1_and_unreadable_exit_2(write_project, commune, tmp_path):
    commune["budget"]["overhead_rate"] = "beaucoup"
    r = run_ptms("funding", write_project(commune))
    assert r.code == 1 and "Traceback" not in r.err and "overhead_rate" in r.err
    r = run_ptms("funding", tmp_path / "absent.yaml")
    assert r.code == 2 and "introuvable" in r.err


def test_project_without_budget_nor_funding_has_nothing_to_compute():
    r = run_ptms("funding", EXAMPLES / "cc-deux-rives.yaml")
    assert r.code == 1 and "rien à calculer" in r.err


def test_unwritable_output_is_a_french_error(tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("x", encoding="utf-8")
    r = run_ptms("funding", AGGLO, "-f", "csv", "-o", blocker / "plan.csv")
    assert r.code == 1 and "impossible d'écrire le plan de financement" in r.err and "Traceback" not in r.err
