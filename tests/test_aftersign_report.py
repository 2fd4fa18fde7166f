"""`ptms report` and `aftersign.report`: tables match the inputs, charts with text alternatives,
the standalone HTML page, the sheet to fill."""

from __future__ import annotations

import copy
import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from ptms_cli.aftersign import adapters, charts, html, report
from ptms_cli.derived import Derived
from ptms_cli.documents.formatting import money
from ptms_cli.documents.pipeline import full_context
from ptms_cli.model import Project
from ptms_cli.referential import REGISTERS

FOLLOWUP = {
    "payments": [
        {"partner": "caf", "year": 2026, "installment": 1, "amount": "9000.00", "received_on": "2026-03-20"},
        {"partner": "caf", "year": 2026, "installment": 2, "amount": "6000.00", "received_on": "2026-10-02"},
        {"partner": "agglo", "year": 2026, "installment": 1, "amount": "58568.44", "received_on": "2026-04-15"},
        {"partner": "marcq", "year": 2026, "installment": 1, "amount": "1.00"},  # announced: not received
    ],
    "results": {"interventions": {2026: 10450, 2025: 300}, "agressions-bus": {2026: 6},
                "utilite-percue": {2026: "76 %"}},
    "actuals": {2026: {"costs": {"personnel": "440000.00", "formation": "15000.00"},
                       "received": {"prefecture": "80000.00"}}},
}


@pytest.fixture
def project(intercommunal):
    data = copy.deepcopy(intercommunal) | copy.deepcopy(FOLLOWUP)
    p = Project.model_validate(data)
    return p, Derived.for_project(p, None)


def test_indicator_rows_match_the_results_baselines_and_targets(project):
    p, d = project
    r = report.build(p, d.plan, 2026)
    assert len(r.indicators) == len(p.evaluation.indicators)
    rows = {i.id: i for i in r.indicators}
    for ind in p.evaluation.indicators:
        assert rows[ind.id].baseline == (ind.baseline or "") and rows[ind.id].target == (ind.target or "")
    assert rows["interventions"].value == "10 450".replace(" ", "\xa0") and rows["interventions"].previous != ""
    assert rows["interventions"].reached is False  # 10 450 < 12 000
    assert rows["agressions-bus"].lower and rows["agressions-bus"].reached is True  # 6 under a ceiling of 7
    assert rows["utilite-percue"].ratio == Decimal(76) / Decimal(80)
    assert rows["couts-evites"].value == "" and rows["couts-evites"].reached is None
    registers = [i.register for i in r.indicators]  # grouped by CITER register, in the referential's order
    assert registers == sorted(registers, key=list(REGISTERS.values()).index)


def test_budget_rows_match_the_plan_and_the_actuals(project):
    p, d = project
    r = report.build(p, d.plan, 2026)
    plan_2026 = next(y for y in d.plan.years if y.year == 2026)
    assert r.planned_total == plan_2026.cost_total
    by_cat = {b.category: b for b in r.budget}
    assert by_cat["personnel"].actual == Decimal("440000.00")
    assert by_cat["personnel"].gap == Decimal("440000.00") - by_cat["personnel"].planned
    assert by_cat["locaux"].actual is None
    assert r.actual_total == Decimal("455000.00")


def test_partner_rows_sum_received_payments_and_actuals(project):
    p, d = project
    r = report.build(p, d.plan, 2026)
    rows = {x.partner: x for x in r.partners}
    totals = adapters.partner_totals(d.plan)
    assert rows["caf"].received == Decimal("15000.00") and rows["caf"].planned == totals["caf"][2026]
    assert rows["caf"].balance == Decimal("15000.00") - totals["caf"][2026]
    assert rows["marcq"].received == 0  # an announced payment is not received
    assert rows["prefecture"].received == Decimal("80000.00")


def test_next_year_tells_the_aids_ending(project):
    p, d = project
    text = " ".join(report.build(p, d.plan, 2026).next_year)
    assert "adultes-relais" in text and "2027" in text
    last = report.build(p, d.plan, 2028).next_year
    assert last and "s'achève" in last[0]


def test_next_year_names_each_partner_whose_contribution_moves(project):
    """« <partenaire> : contribution 2027 de … (au lieu de …). », the name first (no article to guess),
    for exactly the partners whose contribution changes, with the plan's amounts."""
    p, d = project
    lines = report.build(p, d.plan, 2026).next_year
    contrib = adapters.contributions_by_partner(d.plan)
    moving = [pid for pid, years in contrib.items() if years.get(2026, 0) != years.get(2027, 0)]
    assert moving
    for pid in moving:
        years = contrib[pid]
        assert (f"{adapters.partner_name(p, pid)} : contribution 2027 de {money(years.get(2027, 0))} "
                f"(au lieu de {money(years.get(2026, 0))}).") in lines
    assert not [line for line in lines if line.startswith("Contribution de ")]


def test_a_contribution_that_starts_or_stops_is_said_so():
    assert report.contribution_change("Commune de Villers", 2026, Decimal("0"), Decimal("8000")) == (
        f"Commune de Villers : contribution 2027 de {money(Decimal('8000'))} (aucune en 2026).")
    assert report.contribution_change("CAF du Nord", 2026, Decimal("15000"), Decimal("0")) == (
        f"CAF du Nord : aucune contribution en 2027 (au lieu de {money(Decimal('15000'))} en 2026).")


def test_unknown_indicator_in_results_is_warned(intercommunal):
    data = copy.deepcopy(intercommunal) | {"results": {"inconnu": {2026: 3}}}
    p = Project.model_validate(data)
    r = report.build(p, Derived.for_project(p, None).plan, 2026)
    assert any("inconnu" in w for w in r.warnings)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.slow  # matplotlib
def test_html_page_is_standalone_with_text_alternatives(project):
    p, d = project
    r = report.build(p, d.plan, 2026)
    ctx = report.context(full_context(p, d), r)
    pictures = {"budget": charts.budget_png(r), "indicators": charts.indicators_png(r)}
    assert all(v and v.startswith(b"\x89PNG") for v in pictures.values())
    page = html.page(ctx, pictures).decode("utf-8")
    parsed = _Page()
    parsed.feed(page)
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    assert not re.search(r"(src|href)=\"(?!data:)", page) and "url(" not in page
    images = [a for t, a in parsed.tags if t == "img"]
    assert len(images) == 2 and all(a["src"].startswith("data:image/png;base64,") and len(a["alt"]) > 40 for a in images)
    assert money(Decimal("440000")) in page and money(r.planned_total) in page


def test_html_escapes_user_text(project):
    p, d = project
    p.evaluation.indicators[0].label = "<script>alert(1)</script> & co"
    r = report.build(p, d.plan, 2026)
    page = html.page(report.context(full_context(p, d), r), {"budget": None, "indicators": None}).decode()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_sheet_to_fill_lists_indicators_costs_and_partners(project):
    p, d = project
    rows = report.sheet_rows(p, d.plan, 2026)
    kinds = [r[0] for r in rows]
    assert kinds.count("indicateur") == len(p.evaluation.indicators)
    costs = {r[1]: r for r in rows if r[0] == "cout"}
    assert set(costs) == set(adapters.cost_by_category(d.plan, 2026))
    assert costs["personnel"][6] == "440000.00"  # already entered: shown
    assert next(r for r in rows if r[1] == "interventions")[6] == "10450"


@pytest.mark.slow
def test_cli_report_docx_html_and_template(ptms, write_project, intercommunal, tmp_path):
    from conftest import docx_text, plain

    path = write_project(copy.deepcopy(intercommunal) | copy.deepcopy(FOLLOWUP))
    out = tmp_path / "out"
    r = ptms("report", path, "--year", "2026", "-o", out, "-f", "docx,md,html")
    assert r.code == 0, r.err
    text = plain(docx_text(out / "bilan-2026.docx"))
    assert "Bilan d'activité et d'évaluation 2026" in text and "Description du graphique" in text
    assert "440 000,00 €" in text and "Nombre d'interventions de médiation" in text
    assert (out / "bilan-2026.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    t = ptms("report", path, "--year", "2026", "-o", out, "--template", "csv,xlsx")
    assert t.code == 0
    rows = list(csv.DictReader(io.StringIO((out / "bilan-2026-a-remplir.csv").read_text(encoding="utf-8"))))
    assert {row["type"] for row in rows} == {"indicateur", "cout", "recu"}
    bad = ptms("report", path, "--year", "2026", "-f", "gif")
    assert bad.code == 2 and "gif" in bad.err


@pytest.mark.slow
def test_check_compares_without_writing(ptms, write_project, intercommunal, tmp_path):
    path = write_project(copy.deepcopy(intercommunal) | copy.deepcopy(FOLLOWUP))
    out = tmp_path / "out"
    missing = ptms("report", path, "--year", "2026", "-o", out, "-f", "md,html", "--check")
    assert missing.code == 1 and "absent" in missing.err and not out.exists()
    assert ptms("report", path, "--year", "2026", "-o", out, "-f", "md,html").code == 0
    assert ptms("report", path, "--year", "2026", "-o", out, "-f", "md,html", "--check").code == 0  # reproducible
    (out / "bilan-2026.md").write_text("modifié\n", encoding="utf-8")
    changed = ptms("report", path, "--year", "2026", "-o", out, "-f", "md,html", "--check")
    assert changed.code == 1 and "bilan-2026.md (différent)" in changed.err
    assert (out / "bilan-2026.md").read_text(encoding="utf-8") == "modifié\n"  # --check wrote nothing


def test_filled_sheet_values_feed_the_report(project):
    p, d = project
    rows = report.sheet_rows(p, d.plan, 2026)
    for row in rows:
        if row[1] == "couts-evites":
            row[6] = "12 500"
        if row[1] == "locaux":
            row[6] = "23 999,99"
    values = report.read_sheet(rows, "f.csv", 2026)
    assert values[0]["couts-evites"] == Decimal(12500) and values[1]["locaux"] == Decimal("23999.99")
    r = report.build(report.with_sheet(p, 2026, values), d.plan, 2026)
    assert {b.category: b.actual for b in r.budget}["locaux"] == Decimal("23999.99")
    assert {b.category: b.actual for b in r.budget}["personnel"] == Decimal("440000.00")  # kept from the file
    assert {i.id: i.value for i in r.indicators}["couts-evites"] == "12\xa0500"


@pytest.mark.parametrize("row, words", [
    (["cout", "locaux", "", "2026", "", "", "beaucoup"], "f.csv:2:7: montant invalide « beaucoup »"),
    (["cout", "locaux", "", "2026", "", "", "12.345"], "f.csv:2:7: montant invalide"),
    (["depense", "x", "", "2026", "", "", "1"], "f.csv:2:1: type « depense » inconnu"),
    (["cout", "locaux", "", "deux", "", "", "1"], "f.csv:2:4: année invalide « deux »"),
])
def test_a_bad_sheet_is_located(row, words):
    with pytest.raises(report.SheetError) as err:
        report.read_sheet([row], "f.csv", 2026)
    assert words in str(err.value)
