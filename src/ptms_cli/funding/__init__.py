"""Funding engine: the multi-year plan (costs, resources, contributions, balance) of a project.

Pure functions over a valid `Project`; no I/O (the shipped dated parameters are package data).

Public API (stable, used by `ptms funding`, `ptms validate` and the documents)
------------------------------------------------------------------------------
- `compute_plan(project, by=None) -> FundingPlan`
    `FundingPlan.years`: one `YearPlan` per year of the view `by` (default `funding.years`):
    `calendar` — one per calendar year touching `period` (without a period: the years found in the
    cost lines, resources and contributions), `year` = 2026; `convention` — one per convention year
    counted from the period's start and its anniversaries, `year` = 1, 2, 3. Both views are always
    computed: `FundingPlan.views["calendar"]`, `views["convention"]` (`view`, `other_view`), and split
    the same total line by line. Each `YearPlan` carries its dates inside the period: `start`, `end`,
    `months` (Fraction, pro rata of days), `label` (« 2026 », « 2026 (du 1er juillet au 31 décembre) »,
    « Année 1 : du 1er juillet 2026 au 30 juin 2027 »), `short` (« 2026 », « Année 1 »: a column
    header), `partial` (a calendar year not whole in the period), and
      - `costs`: `CostLine(label, category, amount, detail, ref, category_label)` — `category` a stable
        id and `category_label` its French label, one rule for computed and explicit lines
        (`engine.cost_category`: « équipement » -> `equipement`, « Équipement »); French labels, e.g. « Médiateur social
        (6 × 1 ETP) », detail « 6 mois » for part of a year, `ref` stable across years (post:<id>, budget:<key>,
        line:<n>, overhead);
      - `resources`: `ResourceLine(label, kind, partner, nature, amount, computed, detail, ref)` — `kind` is
        `adulte_relais` / `pec` for the State aids computed here (`computed=True`), else the
        resource's kind (`fipd`, `contrat_de_ville`, …); `partner` is a partner id or None;
      - `contributions`: `ContributionLine(partner, name, nature, fixed, allocated)` (`.total`);
      - `partners`: `PartnerShare(partner, name, resources, contributions, share)` — who pays what
        (resources attributed to the partner + its contributions; `share` of the year's cost:
        the exact ratio rounded once, half up, to 3 decimals — 0.263 for 26,3 % —, the value every
        output shows: table « 26,3 % », csv/json "0.263", xlsx 0.263 shown « 26,3 % »); partner None = resources paid by no named partner;
      - `operators`: `OperatorShare(partner, name, role, amount, basis, rate)` — who receives the year's
        cost when the service has sub-contractors (`service.subcontractors`; empty without): the lead
        operator (`role` `lead`, the cost minus the sub-contractors' parts), then each sub-contractor
        (`subcontractor`, `basis` `share` of the cost or yearly `amount`, `rate` the given value);
        see `routing`;
      - totals: `cost_total`, `resources_total`, `fixed_total`, `allocated_total`,
        `contributions_total`, `gap` (cost − resources), `balance` (cost − resources − contributions,
        0 when the year balances).
    Facts, each located in the YAML (`loc`): `FundingPlan.allocation_issues` (why the allocation key
    cannot share), `imbalances` (years whose funding differs from the cost, without a key),
    `ending_aids` (subsidised posts ending before the project), `jumps` (contributions changing
    too much); the rules of `checks.funding` word them as findings (`plan_problems(plan)`, codes
    PTMS-E030, E036, W030, W031, W032); `allocation_method`, `state_partner` (who is shown paying the State aids), `balanced`.
- `plan_as_dict(plan, problems) -> dict`: the same, JSON-able, every amount an exact decimal string ("12345.67");
  a year's `operators` only when the service has sub-contractors.
- `rows(plan, view) -> list[Row]`: the lines of a view (`costs`, `resources`, `contributions`,
  `partners`, `operators`) across years, one row per stable key (`ref`; (partner, nature); partner;
  (partner, role)), with the line of the first year it appears (`item`) and `amounts`/`details` per year — for tables.
- `largest_remainder(amount, weights)`: exact sharing to the cent (see `allocation`).
- `installments.installments(years, percents) -> list[Installment]`: each contribution of each year
  (of `plan.years` or `plan.views[...]`) split along the payment schedule, each part with the date
  from which it is due (`Installment.parts`: (due, amount); `year`, `year_label`, `partner`, `name`,
  `nature`, `total`) — for the documents and the calls for funds; `installments.split(amount,
  percents)`: the one split of an amount along a schedule (the remainder on the last instalment).
- `period`: the date arithmetic — `month_measure(lo, hi)`, `segments(start, end, cuts)`,
  `convention_years(start, end)`, `duration(start, end)` -> (years, months, days),
  `convention_term(...)` (first and last day of the convention); `presence(project, partner, lo, hi)`:
  the months a partner takes part in [lo, hi].

The period
----------
The period is the frame of every amount: nothing is costed, aided or due outside it. It is cut into
*segments* at every 1 January, every anniversary of its start (convention years) and every partner's
entry (`from`) and the day after its exit (`until`); each line is computed exactly (Fraction) on
each segment and rounded once per segment at the cent (ROUND_HALF_UP). A year of either view is the
sum of its segments, line by line, so both views split the same total to the cent; the allocation
key shares each segment's remainder (largest remainder), so each year of either view balances
exactly. A period starting on 1 January with no partner dates has one segment per calendar year: the
amounts are those of the calendar-year rules of the previous versions, to the byte.
Months: a calendar month counts for the share of its days inside the period and inside the post's
dates (1 July - 31 December = 6 months; a PEC from 15 July to 14 July = 17/31 + 11 + 14/31 = 12).

Rules
-----
Costs, per segment S of calendar year Y (all `Decimal`, exact `Fraction` arithmetic, rounded to the
cent ROUND_HALF_UP once per line and segment): indexation factor of the line's category, the product
over the steps k from the base year + 1 to Y of (1 + rate of k) — a step is a calendar year, or a
convention year with `budget.indexation_step: anniversary` (then Y is the first year + the
segment's convention year − 1); rate: the last `budget.indexation` rule for the category and k,
else `budget.indexation_rate` (see `indexation`; base year: `budget.base_year`, else the first year
of the plan, never after it: PTMS-E081).
  - one line per post of `service.posts` with a `post_type`: yearly cost of the type × fte × count ×
    (months of S inside the post's start..end, pro rata of days)/12 × factor; a post without dates
    runs the whole period, a post dated before the start costs nothing before it; posts without a
    `post_type` cost nothing here (give them as explicit lines);
  - `budget.supervision`, `training`, `equipment`, `premises`: yearly amounts × factor × (months of
    S)/12 (indexed and prorated like the posts: yearly running costs quoted in base-year euros);
  - `budget.lines`: explicit amounts for calendar year Y, as given (not indexed, not prorated: the
    amount of Y inside the period), shared between the segments of Y pro rata of their months
    (largest remainder, exact to the cent);
  - overhead: `budget.overhead_rate` × the sum of all the lines above (rounded lines), one line.
Resources, per segment:
  - State aid for each post with `contract: adulte_relais` and start/end: for each month of S inside
    the agreement, 1/12 of the yearly aid in force on the 1st of that month × its share of days × count × fte
    (`parameters.adulte_relais_aid` from its first date on; before it, the shipped defaults:
    17 538,40 € from 2013-01-01, 22 810,61 € from 2024-01-01); nature crédits spécifiques
    (politique de la ville credits);
  - PEC aid for each post with `contract: pec` and an `aid_rate`: per month of S inside start..end,
    aid_rate × SMIC hourly in force on the 1st of the month × `aid_hours_per_week` (default 20) ×
    52/12 × its share of days × count (`parameters.smic_hourly` from its first date on, before it the shipped sourced values);
    nature droit commun;
  - both aids are attributed to the first partner of kind `ddets`, else `prefecture` (None if the
    project has neither: shown as « Autres ressources »);
  - `funding.resources`: the given amounts of calendar year Y, partner and nature, shared between
    the segments of Y like explicit cost lines.
Contributions, per segment: fixed amounts (`funding.contributions`, summed per partner and nature;
the amount of calendar year Y as given — not prorated: it is what the partner inscribes in its
budget —, shared between the segments of Y where the partner takes part, pro rata of their months;
an amount for a year the partner is absent is PTMS-E038), then `funding.allocation` shares the
remainder (cost − resources − fixed) between the partners of the key present in the segment (their
`from` / `until`) with largest-remainder rounding, parts adding up exactly to the cent — one key, or
named groups each with its key and its share of the remainder (see `keys`; a group's fixed
`amounts` of Y are shared between the segments of Y like fixed contributions).
Without an allocation key, a calendar year cut into several segments shares its given resources and
fixed contributions by need instead (`spread`: each segment's costs minus its State aids, minus the
months' share of a contribution whose partner is absent from part of the year; exactly the need of
each segment when the calendar year balances, a controlled rounding keeping each amount and each
segment to the cent), so each year of both views balances when the calendar years do (the months
rule stays when a need is negative or none is positive).
Not cash: contributions in kind (`funding.in_kind`, see `inkind`) never enter the plan; requested
resources are in the plan, and `scenarios.refusal_effects` says who bears each if refused;
`instruments` says who decides and who pays each kind of resource. Weights: `percentages` (the `weight`s, summing to
100); `equal`; `population` (each partner's `population`); `hours` (hours per week of
`service.sectors` in the sectors the partner buys — its share's `sectors`, else the sectors of its
`needs` — a sector bought by several partners being split equally between them).
Facts, worded by `checks.funding`: PTMS-E036 impossible allocation (no partner, duplicate, missing weight, percentages not
summing to 100, population unknown, no hour bought, remainder negative in a year); without an
allocation key, a year short of funding is PTMS-W030 while the project is being drafted and PTMS-E030
once it has a `convention` (or with `--step 3`), a year over-funded is PTMS-E030; PTMS-W031 subsidised
posts ending before the project ends (amount: see `engine.ending_aids`); PTMS-W032 a partner's
contribution (fixed + allocated) per month of presence (its months in the year, inside the period and
its `from` / `until`) changing by more than `funding.jump_threshold` from one calendar year to the
next; imbalances (W030/E030) are per calendar year (the years the amounts are given in).
Instalments (`installments`): each part is what is due by it (the cumulative percentage of the
amount, rounded down to the cent) minus the earlier parts, the last one takes the rest (`split`);
the k-th of n parts of a year of M whole months is due from its start
+ ⌊k × M / n⌋ months: every instalment falls inside its year, hence inside the period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from .allocation import AllocationError, largest_remainder
from .engine import (
    AllocationIssue,
    ContributionJump,
    ContributionLine,
    CostLine,
    EndingAid,
    FundingPlan,
    PartnerShare,
    ResourceLine,
    YearImbalance,
    YearPlan,
    compute_plan,
    months_in_year,
    presence,
    to_cents,
)
from .period import Segment, convention_years, duration, month_measure, segments
from .routing import OperatorShare

__all__ = [
    "AllocationError", "AllocationIssue", "ContributionJump", "EndingAid", "YearImbalance", "ContributionLine", "CostLine", "FundingPlan", "OperatorShare", "PartnerShare", "ResourceLine", "YearPlan",
    "Row", "compute_plan", "rows", "largest_remainder", "months_in_year", "plan_as_dict", "to_cents",
    "Segment", "convention_years", "duration", "month_measure", "presence", "segments", "year_dict",
]


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@dataclass
class Row:
    key: object
    item: Any  # the first line of the view for this key (a contribution, a resource, a partner…)
    amounts: dict = field(default_factory=dict)  # year -> Decimal
    details: dict = field(default_factory=dict)  # year -> str (e.g. « 6 mois »)
    shares: dict = field(default_factory=dict)  # year -> Decimal (view `partners` only)


_KEYS = {
    "costs": lambda x: x.ref or x.label,
    "resources": lambda x: x.ref or x.label,
    "contributions": lambda x: (x.partner, x.nature),
    "partners": lambda x: x.partner,
    "operators": lambda x: (x.partner, x.role),
}


def rows(plan: FundingPlan, view: str) -> list[Row]:
    """Lines of one view of the plan across its years (missing years: no entry in `amounts`)."""
    out: dict = {}
    for y in plan.years:
        for item in getattr(y, view):
            key = _KEYS[view](item)
            row = out.setdefault(key, Row(key, item))
            amount = item.total if view in ("contributions", "partners") else item.amount
            row.amounts[y.year] = row.amounts.get(y.year, Decimal("0.00")) + amount
            if getattr(item, "detail", ""):
                row.details[y.year] = item.detail
            if view == "partners":
                row.shares[y.year] = item.share
    return list(out.values())


def year_dict(y: YearPlan) -> dict:
    """One year as plain data (amounts as Decimal). Its dates and label (`start`, `end`, `label`)
    only for a convention year or a calendar year partly inside the period: a whole calendar year
    is its number (and the files written before these keys stay byte-identical)."""
    dates = {"start": y.start.isoformat(), "end": y.end.isoformat(), "label": y.label} if (
        y.start and y.end and (y.view == "convention" or y.partial)) else {}
    return {
        "year": y.year,
        **dates,
        "costs": [asdict(c) for c in y.costs],
        "cost_total": y.cost_total,
        "resources": [asdict(r) for r in y.resources],
        "resources_total": y.resources_total,
        "contributions": [asdict(c) | {"total": c.total} for c in y.contributions],
        "fixed_total": y.fixed_total,
        "allocated_total": y.allocated_total,
        "contributions_total": y.contributions_total,
        "partners": [asdict(p) | {"total": p.total} for p in y.partners],
        "gap": y.gap,
        "balance": y.balance,
        # only with sub-contractors (files of projects without any stay byte-identical)
        **({"operators": [asdict(o) for o in y.operators]} if y.operators else {}),
    }


def plan_as_dict(plan: FundingPlan, problems: Iterable = ()) -> dict:
    """The plan as plain JSON-able data (amounts as exact decimal strings), with its findings
    (`checks.funding.plan_problems(plan)`, given by the caller: the engine does not word them).

    Keys `view` and `other_years` (the other view, same shape) only when they carry something: the
    convention view, or a period that does not start on 1 January (the two views then differ)."""
    years = [year_dict(y) for y in plan.years]
    extra: dict = {}
    if plan.view == "convention":
        extra["view"] = plan.view
    starts_jan_1 = bool(plan.segments) and (plan.segments[0].start.month, plan.segments[0].start.day) == (1, 1)
    if plan.segments and not starts_jan_1:
        extra["other_view"] = plan.other_view
        extra["other_years"] = [year_dict(y) for y in plan.views[plan.other_view]]
    return _jsonable({
        "years": years,
        **extra,
        "allocation_method": plan.allocation_method,
        "state_partner": plan.state_partner,
        "balanced": plan.balanced,
        "problems": [{"code": p.code, "message": p.message, "path": list(p.loc), "hint": p.hint} for p in problems],
    })
