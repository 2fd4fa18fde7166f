"""How `ptms funding` and `ptms coverage` show numbers and labels: one rounding of the shares
(half up), amounts never split across lines, labels wrapped at spaces only, one category rule,
hints starting with a capital letter."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal as D, localcontext
from fractions import Fraction

import pytest
import yaml

from conftest import EXAMPLES, run_ptms
from ptms_cli.frformat import money, number, percent
from ptms_cli.funding import compute_plan
from ptms_cli.funding.engine import cost_category
from ptms_cli.validation import validate_file

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

AGGLO = EXAMPLES / "agglo-val-de-marque.yaml"
NBSP = "\u00a0"


# --- D7: shares rounded once, half up ------------------------------------------------------------


def test_percent_and_number_round_half_up_from_the_exact_value():
    # babel alone rounds half to even: 26,25 % -> « 26,2 % », 2,345 -> « 2,34 »
    assert percent(D("0.2625")) == f"26,3{NBSP}%"
    assert percent(Fraction(11866398, 45197057)) == f"26,3{NBSP}%"  # 26,2548... %
    assert percent(D("0.0125")) == f"1,3{NBSP}%"
    assert percent(Fraction(1, 8), 0) == f"13{NBSP}%"
    assert number(D("2.345")) == "2,35"
    assert number(D("-2.345")) == "-2,35"
    assert money(D("1234.50")) == f"1{NBSP}234,50{NBSP}€"


def _half_up(total: D, cost: D) -> D:
    with localcontext() as ctx:
        ctx.prec = 60
        return (total / cost).quantize(D("0.001"), rounding=ROUND_HALF_UP)


def test_each_share_is_the_exact_ratio_rounded_once_half_up_to_a_tenth_of_a_point():
    plan = compute_plan(validate_file(AGGLO).project)
    y2028 = plan.year(2028)
    agglo = next(p for p in y2028.partners if p.partner == "agglo")
    assert (agglo.total, y2028.cost_total) == (D("118663.98"), D("451970.57"))
    assert agglo.share == D("0.263")  # 26,2548 %, not 0.2625 then 26,2 %
    for y in plan.years:
        for p in y.partners:
            assert p.share == _half_up(p.total, y.cost_total), (y.year, p.partner)


def test_table_csv_json_and_xlsx_show_the_same_share(tmp_path):
    from openpyxl import load_workbook

    table = run_ptms("funding", AGGLO).out
    row = next(line for line in table.splitlines() if "118" + NBSP + "663,98" in line)
    nxt = table.splitlines()[table.splitlines().index(row) + 1]
    assert f"26,3{NBSP}%" in nxt and f"26,2{NBSP}%" not in table
    rows = list(csv.DictReader(io.StringIO(run_ptms("funding", AGGLO, "-f", "csv").out)))
    shares_csv = {(r["annee"], r["partenaire"]): r["part"] for r in rows if r["vue"] == "partenaires"}
    assert shares_csv[("2028", "agglo")] == "0.263"
    doc = json.loads(run_ptms("funding", AGGLO, "-f", "json").out)
    shares_json = {(str(y["year"]), p["partner"] or ""): p["share"] for y in doc["plan"]["years"] for p in y["partners"]}
    assert shares_json == shares_csv
    out = tmp_path / "plan.xlsx"
    assert run_ptms("funding", AGGLO, "-f", "xlsx", "-o", out).code == 0
    ws = load_workbook(out)["Parts du coût"]
    agglo = next(r for r in ws.iter_rows() if r[0].value == "Communauté d'agglomération du Val de Marque")
    share_2028 = agglo[[c.value for c in ws[1]].index(2028)]
    assert D(str(share_2028.value)) == D("0.263") and share_2028.number_format == "0.0%"


# --- D8: amounts never wrap, labels wrap at spaces -----------------------------------------------


def _label_words(doc: dict) -> set[str]:
    """Every word of the labels the plan shows (cost lines, resources, partners)."""
    words = set()
    for y in doc["plan"]["years"]:
        for item in y["costs"] + y["resources"] + y["contributions"] + y["partners"]:
            words |= set((item.get("label") or item.get("name")).split())
    return words


@pytest.mark.parametrize("columns", [80, 100])
def test_funding_table_never_splits_an_amount_nor_a_word(columns):
    r = run_ptms("funding", AGGLO, columns=columns)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert max(len(line) for line in lines) <= columns
    # « € » always right after its number and a no-break space, never alone on a line
    assert not re.search(r"[│ ]\s*€", r.out), r.out
    assert len(re.findall(r"\d" + NBSP + "€", r.out)) == r.out.count("€")
    doc = json.loads(run_ptms("funding", AGGLO, "-f", "json").out)
    for y in doc["plan"]["years"]:
        for p in y["partners"]:
            assert money(D(p["total"])) in r.out
    assert "…" not in r.out  # no label cut short
    text = " ".join(r.out.split())
    for word in _label_words(doc):
        assert word in text, word  # whole, not broken across lines


@pytest.mark.parametrize("columns", [80, 100])
def test_coverage_table_never_breaks_a_word_and_fits(columns):
    r = run_ptms("coverage", AGGLO, columns=columns)
    assert r.code == 0, r.err
    assert max(len(line) for line in r.out.splitlines()) <= columns
    data = yaml.safe_load(AGGLO.read_text(encoding="utf-8"))
    words = {w for s in data["territory"]["sectors"] for w in s["name"].split()}
    # a line may break at a space or after a hyphen (« Marcq-la- / Rivière) »), never inside a word
    pieces = set()
    for w in words:
        parts = re.split(r"(?<=[^\W\d_]-)(?=[^\W\d_])", w)
        pieces |= {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}
    tokens = {t for line in r.out.splitlines() if line.startswith("│") for t in line.replace("│", " ").split()}
    broken = {t for t in tokens for w in words if t != w and t not in pieces and (w.startswith(t) or w.endswith(t))}
    assert not broken, broken
    text = " ".join(r.out.split())
    assert "lotissements)" in text


# --- D15: one category rule ----------------------------------------------------------------------


def test_cost_category_gives_a_stable_id_and_a_capitalised_label():
    assert cost_category("équipement") == ("equipement", "Équipement")
    assert cost_category("  Équipement ") == ("equipement", "Équipement")
    assert cost_category("frais de structure") == ("frais_structure", "Frais de structure")
    assert cost_category("communication et événements") == ("communication_et_evenements", "Communication et événements")
    assert cost_category(None) == ("autre", "Autre")


def test_computed_and_explicit_lines_of_a_category_look_the_same_everywhere():
    rows = [r for r in csv.DictReader(io.StringIO(run_ptms("funding", AGGLO, "-f", "csv").out)) if r["vue"] == "couts"]
    vehicle = next(r for r in rows if r["libelle"] == "Véhicule de service (achat)")
    equipment = next(r for r in rows if r["reference"] == "budget:equipment")
    assert (vehicle["categorie"], vehicle["categorie_libelle"]) == (equipment["categorie"], equipment["categorie_libelle"]) \
        == ("equipement", "Équipement")
    labels: dict = {}
    for r in rows:
        assert labels.setdefault(r["categorie"], r["categorie_libelle"]) == r["categorie_libelle"]
        assert r["categorie_libelle"][:1].isupper()
    doc = json.loads(run_ptms("funding", AGGLO, "-f", "json").out)
    costs = [c for y in doc["plan"]["years"] for c in y["costs"]]
    assert {(c["category"], c["category_label"]) for c in costs if c["ref"] in ("line:0", "budget:equipment")} == {
        ("equipement", "Équipement")}
    table = run_ptms("funding", AGGLO).out
    assert "équipement" not in table.replace("Équipement", "")


# --- D17: hints start with a capital letter ------------------------------------------------------


def test_nothing_to_compute_hint_starts_with_a_capital():
    r = run_ptms("funding", EXAMPLES / "cc-deux-rives.yaml")
    hints = re.findall(r"conseil : (.)", r.err)
    assert r.code == 1 and hints and all(h.isupper() for h in hints), r.err


def test_funding_and_coverage_hints_start_with_a_capital(write_project, intercommunal):
    import copy

    jumps = copy.deepcopy(intercommunal)
    jumps["funding"]["jump_threshold"] = 0.05  # W032 for the communes
    short = copy.deepcopy(intercommunal)
    short["funding"].pop("allocation")  # E030: years short of funding (the project has a convention)
    uncovered = copy.deepcopy(intercommunal)
    uncovered["service"]["sectors"] = uncovered["service"]["sectors"][:1]  # W050: needs left uncovered
    findings = [f for d in (jumps, short, uncovered) for f in validate_file(write_project(d)).findings]
    codes = {f.code for f in findings}
    assert {"PTMS-E030", "PTMS-W031", "PTMS-W032", "PTMS-W050"} <= codes, codes
    hints = [f.hint for f in findings if f.code.startswith(("PTMS-W03", "PTMS-E03", "PTMS-W05"))]
    assert hints and all(h[:1].isupper() for h in hints), hints
