"""Spreadsheets keep user text as text: a name that starts like a formula never becomes one
(found by the adversary pass: « =HYPERLINK(…) » as a partner's name was a live formula in xlsx)."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from conftest import EXAMPLES, run_ptms
from hypothesis import given
from hypothesis import strategies as st

from ptms_cli.sheets import csv_row, csv_text, text_only

HOSTILE = '=HYPERLINK("http://evil.example","clic")'


@pytest.mark.parametrize("text", [HOSTILE, "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tx", "=1+1"])
def test_a_text_a_spreadsheet_would_compute_gets_an_apostrophe(text):
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("value", ["-1 234,56", "-12.5", "-3 %", "-1\u202f000,00\u00a0€", "Ville", "", 12, None])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert csv_text(value) == value


@given(st.lists(st.one_of(st.text(max_size=20), st.integers())))
def test_a_row_keeps_its_length_and_changes_only_formula_like_texts(row):
    out = csv_row(row)
    assert len(out) == len(row)
    for before, after in zip(row, out):
        assert after == before or (after == "'" + before and before[:1] in "=+-@\t\r")


def test_no_cell_of_a_workbook_stays_a_formula():
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    wb.active.append([HOSTILE, 3])
    assert wb.active["A1"].data_type == "f"  # what openpyxl does by itself
    text_only(wb)
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    assert back["A1"].data_type == "s" and back["A1"].value == HOSTILE and back["B1"].value == 3


@pytest.mark.slow
def test_funding_xlsx_and_csv_keep_a_hostile_partner_name_as_text(tmp_path):
    from openpyxl import load_workbook

    data = yaml.safe_load((EXAMPLES / "commune-beaulieu.yaml").read_text(encoding="utf-8"))
    data["partners"][1]["name"] = HOSTILE
    project = tmp_path / "p.yaml"
    project.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    xlsx = tmp_path / "plan.xlsx"
    run = run_ptms("funding", project, "--format", "xlsx", "-o", xlsx)
    assert run.code in (0, 1), run.err
    cells = [c for ws in load_workbook(xlsx).worksheets for row in ws.iter_rows() for c in row if c.value == HOSTILE]
    assert cells and all(c.data_type == "s" for c in cells)
    run = run_ptms("funding", project, "--format", "csv")
    rows = list(csv.reader(io.StringIO(run.out)))
    names = [cell for row in rows for cell in row if "HYPERLINK" in cell]
    assert names and all(cell == "'" + HOSTILE for cell in names)
