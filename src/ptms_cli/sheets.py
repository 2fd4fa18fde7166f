"""Spreadsheets (xlsx, csv) that users open in Excel or LibreOffice Calc: text stays text.

A partner named « =HYPERLINK("http://…") » or « @SUM(…) » must not become a formula in a funding
table, a summary of calls for funds or a report sheet (formula injection, OWASP « CSV injection »).
One definition for every writer:

- `csv_row(row)`: a text cell starting with « = + - @ », a tab or a carriage return gets a leading
  apostrophe, which spreadsheets read as « this is text » (numbers, even negative ones, are left as
  they are);
- `text_only(workbook)`: no cell of the workbook is a formula (openpyxl makes one of every string
  starting with « = »); ptms writes no formula itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?[0-9][0-9 \u00a0\u202f]*([.,][0-9]+)?[ \u00a0\u202f]*(%|€)?")


def csv_text(value: Any) -> Any:
    """`value`, with a leading apostrophe if it is a text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(row: Iterable[Any]) -> list[Any]:
    return [csv_text(v) for v in row]


def text_only(workbook: Any) -> None:
    """Every formula cell of `workbook` (openpyxl) becomes the text it was written with."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


class _Writer:
    def __init__(self, out: Any):
        import csv

        self._w = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._w.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: Any) -> _Writer:
    """`csv.writer(out, lineterminator="\\n")` whose rows go through `csv_row`."""
    return _Writer(out)
