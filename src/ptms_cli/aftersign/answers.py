"""`ptms calls --answers FEUILLE`: the summary table of the calls (csv or xlsx), filled by the
operator, marks instalments received without editing the project file.

The sheet is the one `ptms calls` writes: a row per instalment, found by its « reference »
(AF-2027-ville-1); the operator fills « recu » (the total received on that instalment) and
« recu_le » (the date the funds arrived). A row with an amount and no date is announced, not received
(as `payments:` without `received_on`). Other columns are ignored: the sheet may be re-sorted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path


class AnswersError(ValueError):
    """A filled sheet that cannot be read (French message with file, line and column)."""


@dataclass(frozen=True)
class Answer:
    reference: str
    amount: Decimal  # total received on the instalment
    received_on: dt.date | None
    line: int


# header cell (csv name, or the xlsx's French label, compared without accents and case) -> field
_COLUMNS = {"reference": "reference", "recu": "amount", "recu_le": "received_on", "recu le": "received_on"}


def _key(text: object) -> str:
    plain = unicodedata.normalize("NFD", str(text or "").strip().lower())
    return "".join(c for c in plain if not unicodedata.combining(c))


def sheet_amount(text: str) -> Decimal:
    """An amount typed in a filled sheet (« 1 234,56 € », « 1234.56 »): whole cents, not negative;
    InvalidOperation otherwise. Shared with the annual report's sheet (`report.read_sheet`)."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
    value = Decimal(cleaned)  # InvalidOperation for anything else
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    return dt.date.fromisoformat(text)  # ValueError otherwise


def rows_of(path: Path) -> list[list]:
    """The rows of a csv (utf-8, « , » or « ; ») or xlsx sheet; OSError/ValueError if unreadable."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(r) for r in workbook.active.iter_rows(values_only=True)]
        finally:
            workbook.close()
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(text.splitlines(), delimiter=delimiter))


def parse(rows: list[list], name: str) -> list[Answer]:
    """The answers of the rows (header first). Rows with neither amount nor date are skipped."""
    if not rows:
        raise AnswersError(f"{name}:1:1: feuille vide (attendu le tableau écrit par « ptms calls »)")
    where = {_COLUMNS[_key(c)]: i for i, c in reversed(list(enumerate(rows[0]))) if _key(c) in _COLUMNS}
    missing = [label for field, label in (("reference", "reference"), ("amount", "recu"), ("received_on", "recu_le"))
               if field not in where]
    if missing:
        raise AnswersError(f"{name}:1:1: {'colonnes' if len(missing) > 1 else 'colonne'} {', '.join(f'« {m} »' for m in missing)} {'absentes' if len(missing) > 1 else 'absente'} "
                           "(attendu le tableau écrit par « ptms calls », complété)")
    out: list[Answer] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        def cell(field: str) -> object:
            i = where[field]
            return row[i] if i < len(row) and row[i] is not None else ""

        reference = str(cell("reference")).strip()
        amount, day = cell("amount"), cell("received_on")
        if not reference or (str(amount).strip() == "" and str(day).strip() == ""):
            continue
        if reference in seen:
            raise AnswersError(f"{name}:{line}:{where['reference'] + 1}: l'échéance « {reference} » figure déjà "
                               f"ligne {seen[reference]}")
        seen[reference] = line
        try:
            value = sheet_amount(str(amount)) if str(amount).strip() else Decimal("0.00")
        except InvalidOperation:
            raise AnswersError(f"{name}:{line}:{where['amount'] + 1}: colonne « recu » : montant invalide « {amount} » "
                               "(ex. 27000,00 ; positif, au plus deux décimales)") from None
        try:
            received = _date(day) if str(day).strip() else None
        except ValueError:
            raise AnswersError(f"{name}:{line}:{where['received_on'] + 1}: colonne « recu_le » : date invalide « {day} » "
                               "(JJ/MM/AAAA ou AAAA-MM-JJ)") from None
        out.append(Answer(reference, value, received, line))
    return out


def read(path: Path) -> list[Answer]:
    """The answers of the sheet at `path` (AnswersError with a French message if unreadable)."""
    from zipfile import BadZipFile

    try:
        rows = rows_of(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, BadZipFile) as exc:  # a broken xlsx: zip or xml errors
        raise AnswersError(f"feuille illisible « {path} » ({type(exc).__name__})") from None
    return parse(rows, str(path))
