"""Calls for funds: each funder's yearly contribution split along the convention's payment schedule
(to the cent, as the convention's annex shows it), what was received (`payments:`), what is
outstanding and late. Pure; the letters and the summary are laid out by `ptms calls`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from ..documents.formatting import long_date, money, money_words
from ..frformat import quantity
from ..model import Project
from ..sheets import csv_writer, text_only
from . import adapters as a

ZERO = Decimal("0.00")
KIND_LABELS = {"avance": "avance", "acompte": "acompte", "solde": "solde"}


@dataclass
class Call:
    partner: str
    partner_name: str
    year: int
    number: int  # instalment number, 1-based
    label: str  # the schedule's wording (« avant le 31 mars de chaque année »)
    kind: str  # avance, acompte, solde
    percent: Decimal
    annual: Decimal  # the partner's contribution of the year
    amount: Decimal  # this instalment
    received: Decimal  # received so far on it (`payments` with a date)
    due: dt.date | None
    condition: str
    received_on: dt.date | None = None  # when the last funds of it arrived

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.received, ZERO)

    @property
    def reference(self) -> str:
        return f"AF-{self.year}-{self.partner}-{self.number}"

    def status(self, today: dt.date) -> str:
        if not self.outstanding:
            return "payé"
        if self.due is None:
            return "date à préciser"
        return "en retard" if self.due < today else "à venir"


def all_calls(project: Project, plan, answers: list | None = None) -> list[Call]:
    """Every instalment of every partner and year of the plan, in the order partner, year, instalment.

    `answers` (`aftersign.answers`, a filled summary): for each instalment it names, its total
    received replaces what `payments:` says (it is the operator's latest statement)."""
    items = a.schedule(project)
    if not items:
        return []
    received: dict[tuple[str, int, int], Decimal] = {}
    last: dict[tuple[str, int, int], dt.date] = {}
    for p in project.payments:
        if p.received_on is not None:
            key = (p.partner, p.year, p.installment)
            received[key] = received.get(key, ZERO) + p.amount
            last[key] = max(last.get(key, p.received_on), p.received_on)
    out = []
    for pid, years in a.callable_contributions(project, plan).items():
        for year in sorted(years):
            annual = years[year]
            if not annual:
                continue
            for item, part in zip(items, a.split(annual, items)):
                out.append(Call(pid, a.partner_name(project, pid), year, item.number, item.label, item.kind,
                                item.percent, annual, part, received.get((pid, year, item.number), ZERO),
                                a.due_date(project, item, year), a.condition(item),
                                last.get((pid, year, item.number))))
    by_reference = {c.reference: c for c in out}
    for answer in answers or ():
        call = by_reference.get(answer.reference)
        if call is not None and answer.received_on is not None:
            call.received, call.received_on = answer.amount, answer.received_on
    return out


def unknown_answers(calls: list[Call], answers: list) -> list:
    """The answers whose reference is no instalment of the convention."""
    known = {c.reference for c in calls}
    return [x for x in answers if x.reference not in known]


def select(calls: list[Call], year: int | None = None, due_before: dt.date | None = None) -> list[Call]:
    """The calls of a contribution year, or those due before a date (known due date only)."""
    if year is not None:
        calls = [c for c in calls if c.year == year]
    if due_before is not None:
        calls = [c for c in calls if c.due is not None and c.due < due_before]
    return calls


def unknown_payments(project: Project, calls: list[Call]) -> list[int]:
    """Indexes of `payments` entries that match no instalment (wrong partner, year or number)."""
    keys = {(c.partner, c.year, c.number) for c in calls}
    return [i for i, p in enumerate(project.payments) if (p.partner, p.year, p.installment) not in keys]


def letter(call: Call, project: Project, base: dict, article: str, reference: str, today: dt.date) -> dict:
    """The template context of one letter: the convention's context plus `call`."""
    partners = {x["id"]: x for x in base.get("partners", [])}
    op = a.operator(project)
    return base | {"call": {
        "reference": call.reference,
        "date": long_date(today),
        "partner": partners.get(call.partner) or {"id": call.partner, "name": call.partner_name,
                                                 "representative": None, "address": ""},
        "year": call.year,
        "number": call.number,
        "installment_label": call.label,
        "kind": call.kind,
        "kind_label": KIND_LABELS[call.kind],
        "percent": f"{quantity(call.percent)}\u00a0%",
        "annual": money(call.annual),
        "amount": money(call.amount),
        "amount_words": money_words(call.amount),
        "received": money(call.received),
        "outstanding": money(call.outstanding),
        "outstanding_words": money_words(call.outstanding),
        "due_label": long_date(call.due) if call.due else "à préciser (voir l'échéancier de la convention)",
        "late": call.status(today) == "en retard",
        "condition": call.condition,
        "convention": reference,
        "article": article,
        "operator": op,
    }}


SUMMARY_HEADER = ["reference", "partenaire", "partenaire_nom", "annee", "echeance", "libelle", "nature", "part",
                  "contribution_annuelle", "montant", "recu", "reste", "date_echeance", "statut", "recu_le"]


def summary_rows(calls: list[Call], today: dt.date) -> list[list]:
    return [[c.reference, c.partner, c.partner_name, c.year, c.number, c.label, c.kind, c.percent, c.annual, c.amount,
             c.received, c.outstanding, c.due.isoformat() if c.due else "", c.status(today),
             c.received_on.isoformat() if c.received_on else ""] for c in calls]


def summary_csv(calls: list[Call], today: dt.date) -> bytes:
    buf = io.StringIO()
    w = csv_writer(buf)
    w.writerow(SUMMARY_HEADER)
    w.writerows(summary_rows(calls, today))
    return buf.getvalue().encode("utf-8")


def summary_xlsx(calls: list[Call], today: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.properties.creator = "ptms"
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    ws = wb.active
    ws.title = "Appels de fonds"
    ws.append(["Référence", "Partenaire (id)", "Partenaire", "Année", "Échéance", "Libellé", "Nature", "Part (%)",
               "Contribution annuelle", "Montant appelé", "Reçu", "Reste dû", "Date d'échéance", "Statut", "Reçu le"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in summary_rows(calls, today):
        ws.append(row[:12] + [dt.date.fromisoformat(row[12]) if row[12] else None, row[13],
                              dt.date.fromisoformat(row[14]) if row[14] else None])
        for col in (9, 10, 11, 12):
            ws.cell(ws.max_row, col).number_format = '#,##0.00\\ "€"'
        for col in (13, 15):
            ws.cell(ws.max_row, col).number_format = "dd/mm/yyyy"
    ws.freeze_panes = "A2"
    for letter_, width in zip("ABCDEFGHIJKLMNO", (22, 14, 36, 7, 9, 40, 9, 8, 16, 16, 14, 14, 13, 14, 13)):
        ws.column_dimensions[letter_].width = width
    text_only(wb)
    buf = io.BytesIO()
    wb.save(buf)
    from .output import reproducible_xlsx

    return reproducible_xlsx(buf.getvalue())
