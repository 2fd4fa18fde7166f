"""The annual report to the steering committee (bilan d'activité et d'évaluation): indicator results of
the year against baselines and targets (by CITER register and level), the executed budget against
the plan, what each partner paid against what it owed, what changes next year. Pure: the project,
its plan and a year in, plain data out (`Report`), then `context` (for the Word template and the
HTML page) and the charts (`charts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .. import referential
from ..documents.formatting import money
from ..frformat import percent, plural, quantity
from ..model import Project
from . import adapters as a
from .answers import sheet_amount

ZERO = Decimal("0.00")
_NUMBER = re.compile(r"-?\d[\d\s\u00a0\u202f]*(?:[.,]\d+)?")


def number_in(text) -> Decimal | None:
    """The first number of a value or a target (« 80 % » -> 80, « 30 000 par an » -> 30000), or None."""
    if text is None:
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    m = _NUMBER.search(str(text))
    if not m:
        return None
    try:
        return Decimal(re.sub(r"[\s\u00a0\u202f]", "", m.group(0)).replace(",", "."))
    except InvalidOperation:
        return None


def lower_is_better(target: str | None, baseline: Decimal | None, goal: Decimal | None) -> bool:
    """A target to stay under: « moins de 7 par an », « au plus 5 », or below the baseline."""
    words = (target or "").strip().lower()
    if words.startswith(("moins", "au plus", "au maximum", "<", "≤", "inférieur")):
        return True
    return baseline is not None and goal is not None and goal < baseline


@dataclass
class IndicatorRow:
    id: str
    label: str
    register: str  # French label
    level: str
    baseline: str
    target: str
    value: str  # the year's value as entered ("" if none)
    previous: str  # last year's
    reached: bool | None  # value ≥ target when both are numbers; None otherwise
    ratio: Decimal | None  # value / target
    lower: bool = False  # the target is a ceiling (« moins de 7 par an »)


@dataclass
class BudgetRow:
    category: str
    label: str
    planned: Decimal
    actual: Decimal | None  # None: not entered

    @property
    def gap(self) -> Decimal | None:
        return None if self.actual is None else self.actual - self.planned


@dataclass
class PartnerRow:
    partner: str | None
    name: str
    planned: Decimal
    received: Decimal

    @property
    def balance(self) -> Decimal:
        return self.received - self.planned


@dataclass
class Report:
    year: int
    indicators: list[IndicatorRow] = field(default_factory=list)
    budget: list[BudgetRow] = field(default_factory=list)
    partners: list[PartnerRow] = field(default_factory=list)
    next_year: list[str] = field(default_factory=list)  # French sentences
    warnings: list[str] = field(default_factory=list)

    @property
    def planned_total(self) -> Decimal:
        return sum((b.planned for b in self.budget), ZERO)

    @property
    def actual_total(self) -> Decimal | None:
        if all(b.actual is None for b in self.budget):
            return None
        return sum((b.actual or ZERO for b in self.budget), ZERO)


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return quantity(value)
    return str(value)


def build(project: Project, plan, year: int) -> Report:
    r = Report(year)
    results = project.results
    indicators = project.evaluation.indicators if project.evaluation else []
    known = {i.id for i in indicators}
    r.warnings += [f"résultats pour l'indicateur inconnu « {k} » (results) : ignorés" for k in results if k not in known]
    order = {k: n for n, k in enumerate(referential.ALL["registers"])}
    levels = {k: n for n, k in enumerate(referential.ALL["levels"])}
    for ind in sorted(indicators, key=lambda i: (order.get(i.register_, 99), levels.get(i.level, 99))):
        values = results.get(ind.id, {})
        value, previous = values.get(year), values.get(year - 1)
        v, t, b = number_in(value), number_in(ind.target), number_in(ind.baseline)
        ratio = (v / t) if v is not None and t else None
        lower = lower_is_better(ind.target, b, t)
        r.indicators.append(IndicatorRow(
            ind.id, ind.label, referential.label("registers", ind.register_), referential.label("levels", ind.level),
            ind.baseline or "", ind.target or "", _show(value), _show(previous),
            None if v is None or t is None else (v <= t if lower else v >= t), ratio, lower))
    # budget: the plan's cost categories of the year against `actuals`
    actual = project.actuals.get(year)
    planned = a.cost_by_category(plan, year) if plan is not None else {}
    if plan is not None and year not in a.plan_years(plan):
        r.warnings.append(f"l'année {year} n'est pas dans le plan de financement")
    spent = actual.costs if actual else {}
    for cat, (label, amount) in planned.items():
        r.budget.append(BudgetRow(cat, label, amount, spent.get(cat)))
    for cat, amount in spent.items():
        if cat not in planned:
            r.budget.append(BudgetRow(cat, cat, ZERO, amount))
            r.warnings.append(f"coût réalisé dans la catégorie « {cat} », absente du plan de {year}")
    # partners: what each owed in the plan (resources + contributions) against what was received
    received: dict[str | None, Decimal] = {}
    for p in project.payments:
        if p.year == year and p.received_on is not None:
            received[p.partner] = received.get(p.partner, ZERO) + p.amount
    for pid, amount in (actual.received.items() if actual else ()):
        received[pid] = received.get(pid, ZERO) + amount
    totals = a.partner_totals(plan) if plan is not None else {}
    for pid, years in totals.items():
        owed = years.get(year, ZERO)
        if owed or received.get(pid):
            r.partners.append(PartnerRow(pid, a.partner_name(project, pid), owed, received.get(pid, ZERO)))
    for pid in received:
        if pid not in totals:
            r.partners.append(PartnerRow(pid, a.partner_name(project, pid), ZERO, received[pid]))
    r.next_year = next_year(project, plan, year)
    return r


def next_year(project: Project, plan, year: int) -> list[str]:
    """What changes in `year + 1`: subsidised aids ending, posts ending, contributions moving."""
    out: list[str] = []
    if plan is None:
        return out
    nxt = year + 1
    if nxt not in a.plan_years(plan):
        return [f"La convention s'achève avec l'exercice {year} : l'évaluation finale et la suite du service sont à préparer."]
    for aid in getattr(plan, "ending_aids", []):
        if aid.year in (year, nxt):
            kind = "adultes-relais" if aid.contract == "adulte_relais" else "PEC"
            out.append(f"Fin en {aid.year} de l'aide de l'État pour {plural(aid.count, 'poste')} {kind} : "
                       f"{money(aid.amount)} par an à couvrir.")
    costs_now = {c.ref: c for y in a.calendar(plan) if y.year == year for c in y.costs}
    costs_next = {c.ref: c for y in a.calendar(plan) if y.year == nxt for c in y.costs}
    for ref, c in costs_now.items():
        if ref.startswith("post:") and (ref not in costs_next or not costs_next[ref].amount) and c.amount:
            out.append(f"Poste qui s'arrête : {c.label}.")
    now, later = a.cost_by_year(plan).get(year, ZERO), a.cost_by_year(plan).get(nxt, ZERO)
    if now != later:
        out.append(f"Coût du service en {nxt} : {money(later)} ({'+' if later > now else '−'}{money(abs(later - now))} "
                   f"par rapport à {year}).")
    contrib = a.contributions_by_partner(plan)
    for pid, years in contrib.items():
        b, n = years.get(year, ZERO), years.get(nxt, ZERO)
        if b != n:
            out.append(contribution_change(a.partner_name(project, pid), year, b, n))
    return out


def contribution_change(name: str, year: int, before, after) -> str:
    """« X : contribution 2027 de … (au lieu de …). », the name first (« Contribution de Communauté… »
    would need its article); a contribution that starts or stops is said so."""
    if not before:
        return f"{name} : contribution {year + 1} de {money(after)} (aucune en {year})."
    if not after:
        return f"{name} : aucune contribution en {year + 1} (au lieu de {money(before)} en {year})."
    return f"{name} : contribution {year + 1} de {money(after)} (au lieu de {money(before)})."


# --- context for the documents --------------------------------------------------------------------


def alt_budget(r: Report) -> str:
    parts = [f"{b.label} : prévu {money(b.planned)}, réalisé {money(b.actual) if b.actual is not None else 'non saisi'}"
             for b in r.budget]
    return f"Graphique en barres : budget {r.year} prévu et réalisé par catégorie. " + " ; ".join(parts) + "."


def alt_indicators(r: Report) -> str:
    rows = [i for i in r.indicators if i.ratio is not None]
    parts = [f"{i.label} : {i.value} pour une cible de {i.target} ({percent(i.ratio, 0)}"
             + (", plafond à ne pas dépasser" if i.lower else "") + f", {'atteinte' if i.reached else 'non atteinte'})"
             for i in rows]
    return f"Graphique en barres : résultats {r.year} rapportés à la cible. " + " ; ".join(parts) + "."


def context(base: dict, r: Report) -> dict:
    """The report's template context: the convention's context plus `report` (formatted values)."""
    actual_total = r.actual_total
    return base | {"report": {
        "year": r.year,
        "previous_year": r.year - 1,
        "convention": "",  # set by `ptms report`: the convention and its signature (`ptms sign`)
        "signed_sha256": "",
        "indicators": [{"id": i.id, "label": i.label, "register": i.register, "level": i.level, "baseline": i.baseline or "—",
                        "target": i.target or "—", "value": i.value or "non saisi", "previous": i.previous or "—",
                        "reached": "oui" if i.reached else ("non" if i.reached is False else "—"),
                        "ratio": percent(i.ratio, 0) if i.ratio is not None else "—"} for i in r.indicators],
        "indicators_entered": sum(1 for i in r.indicators if i.value),
        "budget": [{"label": b.label, "planned": money(b.planned),
                    "actual": money(b.actual) if b.actual is not None else "non saisi",
                    "gap": (("+" if b.gap > 0 else "−" if b.gap < 0 else "") + money(abs(b.gap))) if b.gap is not None else "—"}
                   for b in r.budget],
        "planned_total": money(r.planned_total),
        "actual_total": money(actual_total) if actual_total is not None else "non saisi",
        "gap_total": ((("+" if actual_total > r.planned_total else "−" if actual_total < r.planned_total else "")
                       + money(abs(actual_total - r.planned_total))) if actual_total is not None else "—"),
        "partners": [{"name": p.name, "planned": money(p.planned), "received": money(p.received),
                      "balance": ("+" if p.balance > 0 else "−" if p.balance < 0 else "") + money(abs(p.balance))}
                     for p in r.partners],
        "next_year": r.next_year,
        "has_next_year": bool(r.next_year),
        "alt_budget": alt_budget(r),
        "alt_indicators": alt_indicators(r),
    }}


# --- the sheet to fill (`ptms report --template`) ------------------------------------------------------

SHEET_HEADER = ["type", "id", "libelle", "annee", "reference", "cible", "valeur"]


def sheet_rows(project: Project, plan, year: int) -> list[list]:
    """One row per value to enter for `year`: indicators (baseline, target), cost categories (planned),
    partners (owed); the column « valeur » is for the operator."""
    rows: list[list] = []
    for ind in project.evaluation.indicators if project.evaluation else []:
        current = project.results.get(ind.id, {}).get(year)
        rows.append(["indicateur", ind.id, ind.label, year, ind.baseline or "", ind.target or "", "" if current is None else str(current)])
    actual = project.actuals.get(year)
    if plan is not None:
        for cat, (label, amount) in a.cost_by_category(plan, year).items():
            rows.append(["cout", cat, label, year, str(amount), "", str(actual.costs[cat]) if actual and cat in actual.costs else ""])
        for pid, years in a.partner_totals(plan).items():
            if pid is not None and years.get(year):
                got = actual.received.get(pid) if actual else None
                rows.append(["recu", pid, a.partner_name(project, pid), year, str(years[year]), "", str(got) if got is not None else ""])
    return rows


class SheetError(ValueError):
    """A filled sheet that cannot be read (French message with file, line and column: « fichier:ligne:colonne: »)."""


def read_sheet(rows: list[list], name: str, year: int) -> tuple[dict, dict, dict]:
    """The values of a filled sheet (`ptms report --template`, csv or xlsx rows after the header):
    (results {indicator: value}, costs {category: amount}, received {partner: amount}) for `year`.
    Rows of another year, and empty values, are skipped."""
    results: dict = {}
    costs: dict = {}
    received: dict = {}
    for line, row in enumerate(rows, start=2):
        cells = ["" if c is None else str(c).strip() for c in list(row) + [""] * 7][:7]
        kind, ident, _, row_year, _, _, value = cells
        if not kind or not value:
            continue
        try:
            if int(float(row_year)) != year:
                continue
        except ValueError:
            raise SheetError(f"{name}:{line}:4: année invalide « {row_year} » (colonne 4, annee)") from None
        if kind == "indicateur":
            try:
                results[ident] = Decimal(re.sub(r"[\s\u00a0\u202f]", "", value).replace(",", "."))
            except InvalidOperation:
                results[ident] = value  # a value in words (« 76 % », « bonne »)
        elif kind in ("cout", "recu"):
            try:
                (costs if kind == "cout" else received)[ident] = sheet_amount(value)
            except InvalidOperation:
                raise SheetError(f"{name}:{line}:7: montant invalide « {value} » (colonne 7 ; attendu : 12345.67)") from None
        else:
            raise SheetError(f"{name}:{line}:1: type « {kind} » inconnu (colonne 1 ; indicateur, cout ou recu)")
    return results, costs, received


def with_sheet(project: Project, year: int, values: tuple[dict, dict, dict]) -> Project:
    """`project` with the sheet's values for `year` (the file is not modified)."""
    from ..model.followup import ActualYear

    results, costs, received = values
    merged = {k: dict(v) for k, v in project.results.items()}
    for ident, value in results.items():
        merged.setdefault(ident, {})[year] = value
    actuals = dict(project.actuals)
    old = actuals.get(year)
    actuals[year] = ActualYear(costs={**(old.costs if old else {}), **costs},
                               received={**(old.received if old else {}), **received})
    return project.model_copy(update={"results": merged, "actuals": actuals})
