"""`ptms calls --answers`: the filled summary table marks instalments received (csv and xlsx),
later calls and the summary show what is outstanding and late; a bad sheet is a French error."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from ptms_cli.aftersign import answers, calls
from ptms_cli.derived import Derived
from ptms_cli.model import Project

TODAY = "2027-05-01"


def _summary(path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as fh:
        return {row["reference"]: row for row in csv.DictReader(fh)}


def _fill(src, dst, values: dict[str, tuple[str, str]], delimiter: str = ",") -> None:
    with src.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    for row in rows[1:]:
        if row[0] in values:
            row[head.index("recu")], row[head.index("recu_le")] = values[row[0]]
    with dst.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)


def test_answers_replace_the_received_total_of_the_instalments_they_name(intercommunal):
    project = Project.model_validate(intercommunal)
    plan = Derived.for_project(project, None).plan
    before = {c.reference: c for c in calls.all_calls(project, plan)}
    first, second = "AF-2027-caf-1", "AF-2027-caf-2"
    given = [answers.Answer(first, before[first].amount, dt.date(2027, 4, 2), 2),
             answers.Answer(second, Decimal("10.00"), None, 3),  # no date: announced, not received
             answers.Answer("AF-2027-inconnu-1", Decimal("5.00"), dt.date(2027, 4, 2), 4)]
    after = {c.reference: c for c in calls.all_calls(project, plan, given)}
    assert after[first].outstanding == 0 and after[first].received_on == dt.date(2027, 4, 2)
    assert after[second].received == 0 and after[second].outstanding == before[second].amount
    assert [x.reference for x in calls.unknown_answers(list(after.values()), given)] == ["AF-2027-inconnu-1"]


@pytest.mark.slow
def test_cli_answers_csv_mark_received_and_the_rest_stays_late(ptms, write_project, intercommunal, tmp_path):
    path = write_project(intercommunal)
    out = tmp_path / "out"
    first = ptms("calls", path, "--year", "2027", "-o", out, "--today", TODAY, "--summary", "csv", "-f", "md")
    assert first.code == 0, first.err
    table = _summary(out / "appels-de-fonds-2027.csv")
    paid = "AF-2027-agglo-1"
    assert table[paid]["statut"] == "en retard" and (out / "appel-de-fonds-2027-agglo-1.md").exists()
    amount = Decimal(table[paid]["montant"])
    filled = tmp_path / "rempli.csv"
    _fill(out / "appels-de-fonds-2027.csv", filled,
          {paid: (str(amount).replace(".", ","), "02/04/2027"), "AF-2027-marcq-1": ("1 000,00", "2027-04-03")},
          delimiter=";")
    again = ptms("calls", path, "--year", "2027", "-o", out, "--today", TODAY, "--summary", "csv", "-f", "md",
                 "--answers", filled)
    assert again.code == 0, again.err
    table = _summary(out / "appels-de-fonds-2027.csv")
    assert table[paid]["statut"] == "payé" and table[paid]["reste"] == "0.00" and table[paid]["recu_le"] == "2027-04-02"
    partly = table["AF-2027-marcq-1"]
    assert Decimal(partly["reste"]) == Decimal(partly["montant"]) - Decimal("1000.00")
    assert partly["statut"] == "en retard" and "En retard : AF-2027-marcq-1" in again.out
    assert f"En retard : {paid}" not in again.out
    # a fully received instalment gets no new letter; the partly received one asks for the rest
    manifest_letters = {p.name for p in out.glob("appel-de-fonds-2027-*.md")}
    assert "appel-de-fonds-2027-marcq-1.md" in manifest_letters
    assert (out / "appel-de-fonds-2027-agglo-1.md").exists()  # written by the first run, kept
    assert "appel-de-fonds-2027-agglo-1.md" not in again.out


@pytest.mark.slow
def test_cli_answers_xlsx_round_trip(ptms, write_project, intercommunal, tmp_path):
    from openpyxl import load_workbook

    path = write_project(intercommunal)
    out = tmp_path / "out"
    assert ptms("calls", path, "--year", "2027", "-o", out, "--today", TODAY, "--summary", "xlsx,csv", "-f", "md").code == 0
    book = load_workbook(out / "appels-de-fonds-2027.xlsx")
    sheet = book.active
    head = [c.value for c in sheet[1]]
    row = 2
    assert sheet.cell(row, 1).value == "AF-2027-agglo-1"
    sheet.cell(row, head.index("Reçu") + 1).value = sheet.cell(row, head.index("Montant appelé") + 1).value
    sheet.cell(row, head.index("Reçu le") + 1).value = dt.datetime(2027, 4, 2)
    filled = tmp_path / "rempli.xlsx"
    book.save(filled)
    r = ptms("calls", path, "--year", "2027", "-o", out, "--today", TODAY, "--summary", "csv", "-f", "md",
             "--answers", filled)
    assert r.code == 0, r.err
    assert _summary(out / "appels-de-fonds-2027.csv")["AF-2027-agglo-1"]["statut"] == "payé"


@pytest.mark.parametrize("cells, message", [
    (("abc", "2027-04-02"), ":2:2: colonne « recu » : montant invalide « abc »"),
    (("-5", "2027-04-02"), ":2:2: colonne « recu » : montant invalide « -5 »"),
    (("10,001", "2027-04-02"), "montant invalide"),
    (("10", "31/02/2027"), ":2:3: colonne « recu_le » : date invalide « 31/02/2027 »"),
])
def test_bad_cells_name_file_line_and_column(cells, message):
    rows = [["reference", "recu", "recu_le"], ["AF-2027-caf-1", *cells]]
    with pytest.raises(answers.AnswersError) as err:
        answers.parse(rows, "rempli.csv")
    assert message in str(err.value) and str(err.value).startswith("rempli.csv")


def test_a_sheet_without_the_columns_or_with_a_repeated_row_is_refused():
    with pytest.raises(answers.AnswersError, match="« recu_le »"):
        answers.parse([["reference", "recu"], ["AF-2027-caf-1", "10"]], "f.csv")
    with pytest.raises(answers.AnswersError, match="f.csv:3:1: l'échéance « AF-2027-caf-1 » figure déjà ligne 2"):
        answers.parse([["reference", "recu", "recu_le"], ["AF-2027-caf-1", "10", "2027-04-02"],
                       ["AF-2027-caf-1", "12", "2027-04-03"]], "f.csv")
    assert answers.parse([["reference", "recu", "recu_le"], ["AF-2027-caf-1", "", ""]], "f.csv") == []


def test_cli_bad_answers_file_exits_1_in_french(ptms, write_project, intercommunal, tmp_path):
    path = write_project(intercommunal)
    bad = tmp_path / "rempli.csv"
    bad.write_text("reference,recu,recu_le\nAF-2027-caf-1,douze,2027-04-02\n", encoding="utf-8")
    r = ptms("calls", path, "--year", "2027", "-o", tmp_path / "out", "--answers", bad)
    assert r.code == 1 and "rempli.csv:2:2: colonne « recu »" in r.err and "Traceback" not in r.err
    assert not (tmp_path / "out").exists()  # nothing half-written
    broken = tmp_path / "casse.xlsx"
    broken.write_bytes(b"PK\x03\x04 pas un classeur")
    r = ptms("calls", path, "--year", "2027", "-o", tmp_path / "out", "--answers", broken)
    assert r.code == 1 and "feuille illisible" in r.err and "Traceback" not in r.err
