"""The shipped history: examples/historique/agglo-val-de-marque.yaml is the intercommunal project
one year after its signature (payments, results and executed budget of 2026, the Commune de Villers
joining in 2027), with the archive `ptms sign` made of the signed version beside it. `amend`,
`report --year` and `calls` run on it without naming the signed file."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal

import pytest
import yaml
from conftest import EXAMPLES, docx_text, plain

from ptms_cli.aftersign import sign

HISTORY = EXAMPLES / "historique" / "agglo-val-de-marque.yaml"


@pytest.fixture
def history(tmp_path):
    """A copy of the history and its archive (commands write beside the project file)."""
    shutil.copytree(EXAMPLES / "historique", tmp_path / "historique")
    return tmp_path / "historique" / HISTORY.name


def _data(path=HISTORY) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_archive_is_found_through_the_project_file_and_checks():
    found = sign.find(HISTORY)
    assert found is not None and found.directory == HISTORY.parent / "agglo-val-de-marque-signature"
    section = _data()["signature"]
    assert found.record["sha256"] == section["sha256"] and found.record["date"] == section["date"].isoformat()
    signed = _data(found.copy)
    assert "villers" not in {p["id"] for p in signed["partners"]} and "payments" not in signed
    assert "villers" in {p["id"] for p in _data()["partners"]}


def test_the_signed_year_keeps_its_amounts(ptms):
    """The joining partner changes 2027 and 2028 only: the 2026 plan is the signed one."""
    def plan_years(path):
        r = ptms("funding", path, "--format", "json")
        assert r.code == 0, r.err
        return {y["year"]: y for y in json.loads(r.out)["plan"]["years"]}

    signed, current = plan_years(sign.find(HISTORY).copy), plan_years(HISTORY)
    assert signed[2026] == current[2026]
    assert signed[2027] != current[2027]


@pytest.mark.slow
def test_amend_on_the_history_writes_the_avenant_for_the_joining_partner(ptms, history, tmp_path):
    out = tmp_path / "out"
    r = ptms("amend", history, "-o", out, "-f", "docx")
    assert r.code == 0, r.err
    text = plain(docx_text(out / "avenant-1.docx"))
    assert "Commune de Villers-sur-Marque devient partie à la convention" in text
    assert "Commune de Villers-sur-Marque — pour 2027, la contribution est fixée à 8 000,00 €" in text
    # the message cites the signed convention's article by its number (« l'article 20 « Avenant » »)
    from ptms_cli.documents import articles
    from ptms_cli.validation import validate_file

    number = articles.number_of(validate_file(sign.find(HISTORY).copy).project, "Avenant")
    assert number is not None and number > 1
    assert f"Unanimité requise : l'article {number} « Avenant » de la convention exige" in plain(r.out)
    assert "(article « Avenant »)" not in r.out
    # the avenant's own articles: « Article 1er », then 2, 3… without gap (French legal usage)
    import re

    numbers = re.findall(r"Article (\w+) – ", text)
    assert numbers[0] == "1er" and numbers[1:] == [str(n) for n in range(2, len(numbers) + 1)]
    assert re.search(r"Article \d+ – Entrée en vigueur", text)


@pytest.mark.slow
def test_calls_on_the_history_show_what_is_outstanding_and_late(ptms, history, tmp_path):
    out = tmp_path / "out"
    r = ptms("calls", history, "--year", "2026", "--today", "2027-01-15", "-o", out, "-f", "md", "--summary", "csv")
    assert r.code == 0, r.err
    with (out / "appels-de-fonds-2026.csv").open(encoding="utf-8") as fh:
        rows = {row["reference"]: row for row in csv.DictReader(fh)}
    payments = _data()["payments"]
    for ref, row in rows.items():
        paid = sum((Decimal(str(p["amount"])) for p in payments
                    if f"AF-{p['year']}-{p['partner']}-{p['installment']}" == ref), Decimal("0"))
        assert Decimal(row["recu"]) == paid
        assert Decimal(row["reste"]) == max(Decimal(row["montant"]) - paid, Decimal("0"))
        assert row["statut"] == ("payé" if Decimal(row["reste"]) == 0 else "en retard")
    late = sorted(ref for ref, row in rows.items() if row["statut"] == "en retard")
    assert late == ["AF-2026-departement-2", "AF-2026-sailly-2"]
    assert sorted(p.name for p in out.glob("appel-de-fonds-*.md")) == [f"appel-de-fonds-{x[3:]}.md" for x in late]
    following = ptms("calls", history, "--year", "2027", "--today", "2027-01-15", "-o", out, "-f", "md",
                     "--summary", "csv")
    assert following.code == 0 and (out / "appel-de-fonds-2027-villers-1.md").exists()


@pytest.mark.slow
def test_report_on_the_history_matches_its_inputs(ptms, history, tmp_path):
    out = tmp_path / "out"
    r = ptms("report", history, "--year", "2026", "-o", out, "-f", "md,html")
    assert r.code == 0, r.err
    actual = sum(Decimal(str(v)) for v in _data()["actuals"][2026]["costs"].values())
    text = plain((out / "bilan-2026.md").read_text(encoding="utf-8"))
    shown = f"{actual:,.2f}".replace(",", " ").replace(".", ",") + " €"
    assert f"budget réalisé {shown}" in plain(r.out) and shown in text
    assert "Villers" in text  # what changes next year: the joining partner's contribution
    assert "signed_sha256" not in text and _data()["signature"]["sha256"][:12] in plain(
        (out / "bilan-2026.html").read_text(encoding="utf-8")) + text
