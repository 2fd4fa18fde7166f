"""The funding, period and convention-term parts of the document context (`context.build_context`).

The plan comes from `ptms_cli.funding` (`derived.plan`): its years in the view the project chose
(`funding.years`: calendar years or convention years), each with its dates; the other view is given
too (`funding.other`, an annex table: a commune needs its budget lines per calendar year even when the
convention counts convention years). Durations in words come from the period's dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .. import frformat, referential
from ..derived import Derived
from ..funding.period import duration
from ..model import Project
from . import formatting as fmt
from .context_money import allocation_words, in_kind_context, resource_terms

VIEW_LABELS = {
    "calendar": "années civiles (exercices budgétaires)",
    "convention": "années de convention, comptées de la date anniversaire",
}


def _no_figures(text: str) -> str:
    """« trois (3) ans » -> « trois ans » (running text)."""
    return re.sub(r" \(\d+\)", "", text)


def period_context(p: Project) -> dict | None:
    if p.period is None:
        return None
    years = p.period.years
    words = fmt.duration_words(duration(p.period.start, p.period.end)) if p.period.end >= p.period.start else ""
    return {
        "start": fmt.long_date(p.period.start),
        "end": fmt.long_date(p.period.end),
        "years": years,
        "years_label": f"{years[0]} à {years[-1]}" if len(years) > 1 else str(years[0]) if years else "",
        "duration": words,
        "duration_text": _no_figures(words),
    }


def convention_term(p: Project) -> dict:
    """Start, end and duration in words of the convention (`funding.period.convention_term`): the
    period, unless `convention.start` / `duration_years` say otherwise (PTMS-E037 when they disagree)."""
    from ..funding.period import convention_term as term

    c = p.convention
    if c is None or p.period is None:
        start = c.start if c else None
        return {"start": fmt.long_date(start), "end": "", "duration": fmt.count_words(c.duration_years, "an")
                if c and c.duration_years else ""}
    start, end = term(p.period.start, p.period.end, c.start, c.duration_years)
    return {"start": fmt.long_date(start), "end": fmt.long_date(end),
            "duration": fmt.duration_words(duration(start, end)) if end >= start else ""}


def _amounts(years: list[int], amounts: dict[int, Decimal], labels: list[str] | None = None) -> dict:
    """A row of yearly amounts: figures, words, and the total."""
    cells = [amounts.get(y, Decimal(0)) for y in years]
    total = sum(cells, Decimal(0))
    return {
        "amounts": [fmt.money(v) for v in cells],
        "amounts_words": [fmt.money_words(v) for v in cells],
        "by_year": [{"year": label, "amount": fmt.money(v), "words": fmt.money_words(v), "zero": not v}
                    for label, v in zip(labels or years, cells)],
        "total": fmt.money(total),
        "total_words": fmt.money_words(total),
        "raw": [str(Decimal(v).quantize(fmt.CENT)) for v in cells],
    }


@dataclass
class _Line:
    """One line of the plan across years: what `ptms_cli.funding.rows` gives, in plain terms."""

    label: str
    amounts: dict[int, Decimal]
    partner: str | None = None
    nature: str = "droit_commun"


def _plan_lines(plan) -> tuple[list[_Line], list[_Line], list[_Line], list[_Line]]:
    """(costs, resources, contributions, partners) of a plan computed by `ptms_cli.funding`."""
    from .. import funding as engine

    costs = [_Line(r.item.label, dict(r.amounts)) for r in engine.rows(plan, "costs")]
    resources = [_Line(r.item.label, dict(r.amounts), r.item.partner, r.item.nature) for r in engine.rows(plan, "resources")]
    contributions = [_Line(r.item.name, dict(r.amounts), r.item.partner, r.item.nature)
                     for r in engine.rows(plan, "contributions")]
    partners = [_Line(r.item.name, dict(r.amounts), r.item.partner) for r in engine.rows(plan, "partners")]
    return costs, resources, contributions, partners


def _headers(years) -> list:
    """Column headers: the calendar year (an int, as before the year views) or « Année 1 »."""
    return [y.year if y.view == "calendar" else y.short for y in years]


def _year_labels(years) -> list[dict]:
    return [{"short": y.short or str(y.year), "label": y.label or str(y.year), "start": fmt.long_date(y.start),
             "end": fmt.long_date(y.end), "partial": y.partial} for y in years]


def funding_context(p: Project, derived: Derived, partner_name: Callable[[Project, str | None], str]) -> dict | None:
    """The multi-year funding plan as table rows (lines x years), amounts in figures and in words.

    `years`: the column headers of the chosen view (« 2026 », « Année 1 »); `year_labels`: each year
    with its dates; `other`: the other view (same total), for the annex, when it differs."""
    if p.funding is None or p.period is None:
        return None
    plan = derived.plan
    keys = [y.year for y in plan.years]
    headers = _headers(plan.years)
    costs, resources, contributions, partners = _plan_lines(plan)
    signing = set(p.signatories())

    def total(lines: list[_Line], years: list[int]) -> dict[int, Decimal]:
        return {y: sum((x.amounts.get(y, Decimal(0)) for x in lines), Decimal(0)) for y in years}

    def row(line: _Line, label: str | None = None) -> dict:
        return {
            "label": label or line.label,
            "name": line.label,
            "partner": partner_name(p, line.partner),
            "partner_id": line.partner or "",
            "signatory": line.partner in signing,
            "nature_label": referential.label("funding_natures", line.nature),
            **_amounts(keys, line.amounts, headers),
        }

    terms = resource_terms(p, plan, partner_name)  # status, decider, payer: same order as `resources`
    resource_rows = [row(x, f"{x.label} ({t['payer']})" if t["payer"] else x.label)
                     | {k: t[k] for k in ("status_label", "decides", "payer", "annual", "reservation", "fallback")}
                     for x, t in zip(resources, terms)]
    contribution_rows = [row(x) for x in contributions]
    cost_total = total(costs, keys)
    return {
        "balanced": plan.balanced,
        "years": headers,
        "view": plan.view,
        "view_label": VIEW_LABELS[plan.view],
        "year_labels": _year_labels(plan.years),
        "dated": plan.view == "convention" or any(y.partial for y in plan.years),
        "costs": [row(x) for x in costs],
        "cost_total": _amounts(keys, cost_total, headers),
        "resources": resource_rows,
        "contributions": contribution_rows,
        "rows": resource_rows + contribution_rows,
        "partners": [
            dict(row(x), shares=[frformat.percent(Fraction(x.amounts.get(y, Decimal(0))) / Fraction(cost_total[y]))
                                 if cost_total[y] else "—" for y in keys])  # as `ptms funding` shows them
            for x in partners
        ],
        "total": _amounts(keys, total(resources + contributions, keys), headers),
        "installments": _installments(p, plan.years),
        "resource_terms": terms,
        "in_kind": in_kind_context(p, plan, partner_name),
        "allocation_words": allocation_words(p),
        "other": _other_view(p, plan, partner_name, {x.label: t["payer"] for x, t in zip(resources, terms)}),
        "operators": _operators(plan, keys, headers),
    }


def _operators(plan, keys: list[int], headers: list) -> list[dict]:
    """Who receives the cost of the service (`funding.routing`): the lead operator, then what it passes
    on to each sub-contractor, per year; empty without sub-contractors."""
    from ..funding import rows
    from ..funding.routing import role_label

    return [{"label": r.item.name, "partner_id": r.item.partner, "role": r.item.role, "role_label": role_label(r.item),
             **_amounts(keys, dict(r.amounts), headers)} for r in rows(plan, "operators")]


def _other_view(p: Project, plan, partner_name, payers: dict[str, str] | None = None) -> dict | None:
    """The other year view (calendar years when the convention counts convention years, and the
    reverse) when it differs from the chosen one: totals and each financer's line per year."""
    from ..funding import FundingPlan, rows

    years = plan.views.get(plan.other_view, [])
    if not years or not plan.segments or (plan.segments[0].start.month, plan.segments[0].start.day) == (1, 1):
        return None
    other = FundingPlan(years, plan.allocation_method, plan.state_partner, view=plan.other_view)
    keys = [y.year for y in years]
    headers = _headers(years)
    payers = payers or {}
    lines = [(f"{r.item.label} ({payers.get(r.item.label) or partner_name(p, r.item.partner)})"  # the payer, as above
              if r.item.partner or payers.get(r.item.label) else r.item.label, r.amounts)
             for r in rows(other, "resources")]
    lines += [(r.item.name, r.amounts) for r in rows(other, "contributions")]
    return {
        "view": plan.other_view,
        "view_label": VIEW_LABELS[plan.other_view],
        "years": headers,
        "year_labels": _year_labels(years),
        "cost_total": _amounts(keys, {y.year: y.cost_total for y in years}, headers),
        "rows": [{"label": label, **_amounts(keys, dict(amounts), headers)} for label, amounts in lines],
        "total": _amounts(keys, {y.year: y.resources_total + y.contributions_total for y in years}, headers),
    }


def _installments(p: Project, years) -> list[dict]:
    """Each contribution of each year split along the convention's payment schedule, to the cent,
    with the date from which each part is due (`ptms_cli.funding.installments`)."""
    from ..funding.installments import installments

    schedule = p.convention.payment_schedule if p.convention else []
    return [{"partner": x.name, "year": str(x.year), "year_label": x.year_label, "parts": [fmt.money(a) for _, a in x.parts],
             "due": [fmt.long_date(d) for d, _ in x.parts], "total": fmt.money(x.total)}
            for x in installments(years, [s.percent for s in schedule])]
