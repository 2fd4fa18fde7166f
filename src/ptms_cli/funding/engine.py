"""The funding engine: yearly costs, resources, contributions and balance of a project (pure).

See the package docstring (`ptms_cli.funding`) for the rules and the public API.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from ..frformat import round_half_up
from ..model import Project
from ..model.funding import DatedAmount
from .allocation import largest_remainder
from .keys import AllocationIssue, allocate, static_issues
from .period import ONE_DAY, Segment, clip, month_measure, month_parts, segments
from .routing import OperatorShare, route

ZERO = Decimal("0.00")
WEEKS_PER_MONTH = Fraction(52, 12)
STATE_KINDS = ("ddets", "prefecture")  # who is shown as paying the State aids, in this order
AID_NATURE = {"adulte_relais": "credits_specifiques", "pec": "droit_commun"}
DEFAULT_PEC_HOURS = 20
SHARE_DIGITS = 3  # a partner's share of the year's cost: a ratio to 0.001, i.e. a percentage to 0.1 point

CATEGORY_LABELS = {
    "personnel": "Personnel",
    "encadrement": "Encadrement",
    "formation": "Formation",
    "equipement": "Équipement",
    "locaux": "Locaux",
    "frais_structure": "Frais de structure",
}
OTHER_CATEGORY = "autre"


def cost_category(text: str | None) -> tuple[str, str]:
    """(stable id, French label) of a cost category, the same rule for computed and explicit lines.

    The id is the text without accents, in lower case, words joined by « _ » (« équipement » ->
    `equipement`); an id or label of `CATEGORY_LABELS` gives that category and its label, any other
    text keeps its own wording with a capital first letter (« communication » -> « Communication »);
    no category -> (`autre`, « Autre »).
    """
    text = " ".join((text or "").split())
    slug = category_slug(text) or OTHER_CATEGORY
    for key, label in CATEGORY_LABELS.items():
        if slug in (key, category_slug(label)):
            return key, label
    label = text or OTHER_CATEGORY
    return slug, label[:1].upper() + label[1:]


def category_slug(label: str) -> str:
    """« Frais de structure » -> `frais_de_structure` (no accents, lower case, words joined by « _ »)."""
    from ..slug import slug

    return slug(label, sep="_", max_len=None, fallback="")


RESOURCE_LABELS = {
    "adulte_relais": "Aide de l'État adulte-relais",
    "pec": "Aide de l'État PEC (parcours emploi compétences)",
}


# --- data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostLine:
    label: str
    category: str  # stable id: personnel, encadrement, formation, equipement, locaux, frais_structure, autre, or a line's own (see `cost_category`)
    amount: Decimal
    detail: str = ""  # e.g. « 6 mois » when a post covers part of the year
    ref: str = ""  # stable across years: post:<id>, budget:<key>, line:<n>, overhead
    category_label: str = ""  # French label of `category` (« Équipement »)


@dataclass(frozen=True)
class ResourceLine:
    label: str
    kind: str  # adulte_relais, pec (computed State aids) or a resource kind (fipd, contrat_de_ville, ...)
    partner: str | None
    nature: str  # droit_commun or credits_specifiques
    amount: Decimal
    computed: bool = False
    detail: str = ""
    ref: str = ""  # stable across years: aid:<post id>, resource:<id>


@dataclass(frozen=True)
class ContributionLine:
    partner: str
    name: str
    nature: str
    fixed: Decimal
    allocated: Decimal

    @property
    def total(self) -> Decimal:
        return self.fixed + self.allocated


@dataclass(frozen=True)
class PartnerShare:
    partner: str | None  # None: resources paid by no named partner
    name: str
    resources: Decimal
    contributions: Decimal
    share: Decimal  # of the year's cost: exact ratio rounded once, half up, to 3 decimals (0.263 = 26,3 %)

    @property
    def total(self) -> Decimal:
        return self.resources + self.contributions


@dataclass
class YearPlan:
    year: int  # calendar view: the year (2026); convention view: the year's number (1, 2, 3)
    costs: list[CostLine] = field(default_factory=list)
    resources: list[ResourceLine] = field(default_factory=list)
    contributions: list[ContributionLine] = field(default_factory=list)
    partners: list[PartnerShare] = field(default_factory=list)
    start: date | None = None  # first day of the year inside the period
    end: date | None = None  # last day of the year inside the period
    months: Fraction = Fraction(12)  # months of the year inside the period (pro rata of days)
    view: str = "calendar"  # calendar or convention
    # who receives the cost: the lead operator, then each sub-contractor (empty without sub-contractors)
    operators: list[OperatorShare] = field(default_factory=list)

    @property
    def label(self) -> str:
        """« 2026 », « 2026 (du 1er juillet au 31 décembre) », « Année 1 : du 1er juillet 2026 au 30 juin 2027 »
        (computed when read: the month names need babel, which `validate` never imports)."""
        if self.start is None or self.end is None:
            return str(self.year) if self.view == "calendar" else f"Année {self.year}"
        return year_label(self.view, self.year, self.start, self.end)[0]

    @property
    def short(self) -> str:
        """Column header: « 2026 », « Année 1 »."""
        return str(self.year) if self.view == "calendar" else f"Année {self.year}"

    @property
    def partial(self) -> bool:
        """A calendar year not whole inside the period (always False in the convention view)."""
        return self.view == "calendar" and self.start is not None and self.end is not None and (
            (self.start.month, self.start.day, self.end.month, self.end.day) != (1, 1, 12, 31))

    @property
    def cost_total(self) -> Decimal:
        return sum((c.amount for c in self.costs), ZERO)

    @property
    def resources_total(self) -> Decimal:
        return sum((r.amount for r in self.resources), ZERO)

    @property
    def fixed_total(self) -> Decimal:
        return sum((c.fixed for c in self.contributions), ZERO)

    @property
    def allocated_total(self) -> Decimal:
        return sum((c.allocated for c in self.contributions), ZERO)

    @property
    def contributions_total(self) -> Decimal:
        return self.fixed_total + self.allocated_total

    @property
    def gap(self) -> Decimal:
        """Cost minus resources: what the partners' contributions must cover."""
        return self.cost_total - self.resources_total

    @property
    def balance(self) -> Decimal:
        """Cost minus resources minus contributions: 0 when the year balances, > 0 when short."""
        return self.gap - self.contributions_total


# --- facts: what the plan finds wrong or notable; the rules of `checks.funding` word them --------


@dataclass(frozen=True)
class YearImbalance:
    """Without an allocation key: a year whose resources and contributions differ from its cost."""

    year: int
    balance: Decimal  # > 0: short of funding; < 0: over-funded
    cost: Decimal
    funded: Decimal
    signed: bool  # the project has a `convention`
    loc: tuple


@dataclass(frozen=True)
class EndingAid:
    """Subsidised posts of one contract whose aid ends in `year`, before the project does."""

    year: int
    contract: str  # adulte_relais or pec
    count: int  # number of posts
    amount: Decimal  # the aid of a full year of these posts, at the amounts in force on their end date
    loc: tuple


@dataclass(frozen=True)
class ContributionJump:
    """A partner's contribution changing by more than `funding.jump_threshold` from a year to the next."""

    partner: str
    year_from: int
    year_to: int
    before: Decimal
    after: Decimal
    change: Fraction  # of the amount per month of presence: (after/months_to) / (before/months_from) - 1
    threshold: Fraction
    loc: tuple
    months_from: Fraction = Fraction(12)  # months of presence of the partner in year_from
    months_to: Fraction = Fraction(12)


@dataclass
class FundingPlan:
    years: list[YearPlan]
    allocation_method: str | None
    state_partner: str | None
    allocation_issues: list[AllocationIssue] = field(default_factory=list)
    imbalances: list[YearImbalance] = field(default_factory=list)
    ending_aids: list[EndingAid] = field(default_factory=list)
    jumps: list[ContributionJump] = field(default_factory=list)
    view: str = "calendar"  # the view of `years`
    views: dict[str, list[YearPlan]] = field(default_factory=dict)  # calendar and convention: the same total
    segments: list[Segment] = field(default_factory=list)

    @property
    def other_view(self) -> str:
        return "convention" if self.view == "calendar" else "calendar"

    def year(self, y: int) -> YearPlan:
        return next(x for x in self.years if x.year == y)

    @property
    def balanced(self) -> bool:
        return all(y.balance == 0 for y in self.years)


# --- arithmetic --------------------------------------------------------------------------------


def to_cents(x: Fraction | Decimal | int) -> Decimal:
    """Round to the cent, half away from zero (ROUND_HALF_UP), from an exact value."""
    q = Fraction(x) * 100
    sign = -1 if q < 0 else 1
    q = abs(q)
    n = (q.numerator * 2 + q.denominator) // (2 * q.denominator)
    return (Decimal(sign * n) / 100).quantize(Decimal("0.01"))


def _dec(value) -> Fraction:
    return Fraction(Decimal(str(value)))


def months_in_year(year: int, start: date | None, end: date | None) -> int:
    """Number of calendar months of `year` touched by [start, end] (open ends: the whole year)."""
    return len(_months(year, start, end))


def _months(year: int, start: date | None, end: date | None) -> list[date]:
    """First days of the calendar months of `year` touched by [start, end]."""
    first = year * 12
    lo = first if start is None else max(first, start.year * 12 + start.month - 1)
    hi = first + 11 if end is None else min(first + 11, end.year * 12 + end.month - 1)
    return [date(i // 12, i % 12 + 1, 1) for i in range(lo, hi + 1)]


@lru_cache(maxsize=1)
def default_parameters() -> dict[str, tuple[tuple[date, Decimal], ...]]:
    """Dated parameters shipped in `ptms_cli/data/parameters.yaml` (package data, not a project)."""
    from pathlib import Path  # the package's own folder: importlib.resources costs `validate` ≈ 10 ms to import

    import yaml

    text = (Path(__file__).parents[1] / "data" / "parameters.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 8x faster (start-up)
    return {k: tuple(sorted((d["since"], Decimal(str(d["amount"]))) for d in v)) for k, v in raw.items()}


def _table(project: Project, name: str) -> tuple[tuple[date, Decimal], ...]:
    """The project's dated amounts from their first date on; before it, the shipped ones."""
    given: list[DatedAmount] = getattr(project.parameters, name, []) if project.parameters else []
    own = sorted((d.since, d.amount) for d in given)
    shipped = [x for x in default_parameters()[name] if not own or x[0] < own[0][0]]
    return tuple(shipped + own)


def in_force(table: tuple[tuple[date, Decimal], ...], on: date) -> Decimal:
    """Amount in force on a date: the last entry on or before it (0 before the first entry)."""
    value = Decimal(0)
    for since, amount in table:
        if since <= on:
            value = amount
    return value


def fte_text(x: Decimal) -> str:
    """« 0,5 », « 12,5 »: a decimal as written, French comma, no trailing zeros."""
    return format(x.normalize(), "f").replace(".", ",")


def _partner_label(project: Project, pid: str | None) -> str:
    if pid is None:
        return "Autres ressources (sans partenaire)"
    p = project.partner(pid)
    return p.name if p else pid


def state_partner(project: Project) -> str | None:
    """The partner shown as paying the State aids: the first of kind `ddets`, else `prefecture`."""
    for kind in STATE_KINDS:
        for p in project.partners:
            if p.kind == kind:
                return p.id
    return None


def plan_years(project: Project) -> list[int]:
    if project.period:
        return project.period.years
    years: set[int] = set()
    if project.budget:
        for line in project.budget.lines:
            years |= set(line.amounts)
    if project.funding:
        for r in project.funding.resources:
            years |= set(r.amounts)
        for c in project.funding.contributions:
            years |= set(c.amounts)
    return sorted(years)


# --- costs (per segment of the period, see `period.segments`) ----------------------------------


def _index(project: Project, seg: Segment, years: list[int], category: str) -> Fraction:
    """Indexation factor of a yearly cost of `category` in a segment (see `indexation`): steps on
    1 January (the segment's calendar year), or on the convention's anniversaries (its convention year)."""
    from .indexation import factor

    b = project.budget
    first = years[0] if years else seg.year
    base = b.base_year if b and b.base_year is not None else first
    if b is not None and b.indexation_step == "anniversary":
        return factor(b, category, first + seg.convention_year - 1, base)
    return factor(b, category, seg.year, base)


BUDGET_YEARLY = (("supervision", "encadrement"), ("training", "formation"), ("equipment", "equipement"),
                 ("premises", "locaux"))


def _spread(amount: Decimal, weights: dict[int, Fraction]) -> dict[int, Decimal]:
    """A calendar year's amount shared between its segments (index -> months), exactly to the cent."""
    weights = {k: w for k, w in weights.items() if w > 0}
    if not weights:
        return {}
    if len(weights) == 1:
        return {next(iter(weights)): amount}
    sign = -1 if amount < 0 else 1
    parts = largest_remainder(abs(amount), {f"{k:06d}": w for k, w in weights.items()})
    return {int(k): sign * v for k, v in parts.items()}


@dataclass
class _Frame:
    """The segments of a plan and what is shared per calendar year (explicit amounts)."""

    segments: list[Segment]
    years: list[int]  # calendar years of the frame (indexation base)
    months: list[Fraction]  # months of each segment
    presence: dict[str, tuple[date, date] | None]  # partner id -> its part of the frame (None: absent)

    def present(self, pid: str | None, i: int) -> bool:
        if pid is None or pid not in self.presence:
            return True
        iv = self.presence[pid]
        s = self.segments[i]
        return iv is not None and iv[0] <= s.start and s.end <= iv[1]

    def spread(self, year: int, amount: Decimal, pid: str | None = None) -> dict[int, Decimal]:
        return _spread(amount, {i: self.months[i] for i, s in enumerate(self.segments)
                                if s.year == year and self.present(pid, i)})


def frame(project: Project) -> _Frame | None:
    """The period cut into segments (at 1 January, anniversaries, partners' entries and exits).

    Without a period: the calendar years found in the amounts, whole."""
    if project.period:
        start, end = project.period.start, project.period.end
    else:
        years = plan_years(project)
        if not years:
            return None
        start, end = date(years[0], 1, 1), date(years[-1], 12, 31)
    if end < start:
        return None
    cuts: list[date] = []
    presence: dict[str, tuple[date, date] | None] = {}
    for p in project.partners:
        if p.from_ is None and p.until is None:
            continue
        presence[p.id] = clip(p.from_, p.until, start, end)
        if p.from_:
            cuts.append(p.from_)
        if p.until:
            cuts.append(p.until + ONE_DAY)
    segs = segments(start, end, tuple(cuts))
    return _Frame(segs, list(range(start.year, end.year + 1)), [s.months for s in segs], presence)


def presence(project: Project, pid: str, lo: date, hi: date) -> Fraction:
    """Months of [lo, hi] during which the partner takes part (its `from` / `until`)."""
    p = project.partner(pid)
    iv = clip(p.from_ if p else None, p.until if p else None, lo, hi)
    return month_measure(*iv) if iv else Fraction(0)


def months_text(m: Fraction) -> str:
    """« 6 mois », « 5,55 mois » (months pro rata of days, rounded half up to 0.01)."""
    from ..frformat import number

    return f"{m.numerator} mois" if m.denominator == 1 else f"{number(m, 2).rstrip('0').rstrip(',')} mois"


def segment_costs(project: Project, fr: _Frame, i: int, lines: dict[int, dict[int, Decimal]]
                  ) -> tuple[list[CostLine], dict[str, Fraction]]:
    """Cost lines of segment i (rounded once each) and the months each post covers in it."""
    b = project.budget
    if b is None:
        return [], {}
    seg = fr.segments[i]
    types = {t.id: t for t in b.post_types}
    out: list[CostLine] = []
    measures: dict[str, Fraction] = {}
    if project.service:
        for post in project.service.posts:
            t = types.get(post.post_type) if post.post_type else None
            iv = clip(post.start, post.end, seg.start, seg.end)
            if t is None or iv is None:
                continue
            def exact(j: int, post=post, t=t) -> Fraction:
                part = clip(post.start, post.end, fr.segments[j].start, fr.segments[j].end)
                return (_dec(t.yearly_cost) * _dec(post.fte) * post.count * month_measure(*part) / 12
                        * _index(project, fr.segments[j], fr.years, "personnel")) if part else Fraction(0)

            ref = f"post:{post.id}"
            measures[ref] = month_measure(*iv)
            out.append(CostLine(f"{post.title} ({post.count} × {fte_text(post.fte)} ETP)", "personnel",
                                segment_share(exact, fr, i), "", ref, CATEGORY_LABELS["personnel"]))
    for key, category in BUDGET_YEARLY:
        amount = getattr(b, key)
        if amount:
            def yearly(j: int, amount=amount, category=category) -> Fraction:
                return _dec(amount) * _index(project, fr.segments[j], fr.years, category) * fr.months[j] / 12

            out.append(CostLine(CATEGORY_LABELS[category], category, segment_share(yearly, fr, i),
                                ref=f"budget:{key}", category_label=CATEGORY_LABELS[category]))
    for n, line in enumerate(b.lines):
        if i in lines.get(n, {}):
            cat_id, cat_label = cost_category(line.category)
            out.append(CostLine(line.label, cat_id, lines[n][i], ref=f"line:{n}", category_label=cat_label))
    if b.overhead_rate:
        direct = sum((c.amount for c in out), ZERO)
        out.append(CostLine(f"Frais de structure ({fte_text(b.overhead_rate * 100)} % des coûts directs)",
                            "frais_structure", to_cents(_dec(b.overhead_rate) * Fraction(direct)), ref="overhead",
                            category_label=CATEGORY_LABELS["frais_structure"]))
    return out, measures


# --- resources ---------------------------------------------------------------------------------


def post_aid(project: Project, post, lo: date, hi: date) -> Fraction:
    """Exact State aid for one post entry (all its `count` posts) over [lo, hi], before rounding:
    per month, the aid in force on its 1st, pro rata of the month's days worked."""
    iv = clip(post.start, post.end, lo, hi)
    if iv is None:
        return Fraction(0)
    if post.contract == "adulte_relais":
        if not (post.start and post.end):
            return Fraction(0)
        table = _table(project, "adulte_relais_aid")
        return sum((Fraction(in_force(table, m)) / 12 * share for m, share in month_parts(*iv)),
                   Fraction(0)) * post.count * _dec(post.fte)
    if post.contract == "pec" and post.aid_rate is not None:
        table = _table(project, "smic_hourly")
        hours = post.aid_hours_per_week or DEFAULT_PEC_HOURS
        per_month = _dec(post.aid_rate) * hours * WEEKS_PER_MONTH * post.count
        return sum((Fraction(in_force(table, m)) * per_month * share for m, share in month_parts(*iv)), Fraction(0))
    return Fraction(0)


def segment_resources(project: Project, fr: _Frame, i: int, given: dict[int, dict[int, Decimal]]
                      ) -> tuple[list[ResourceLine], dict[str, Fraction]]:
    """Resource lines of segment i: the State aids computed on it, then the given resources' parts."""
    out, measures = segment_aids(project, fr, i)
    return out + given_resources(project, i, given), measures


def given_resources(project: Project, i: int, given: dict[int, dict[int, Decimal]]) -> list[ResourceLine]:
    if not project.funding:
        return []
    return [ResourceLine(r.label, r.kind, r.partner, r.nature, given[n][i], ref=f"resource:{r.id}")
            for n, r in enumerate(project.funding.resources) if i in given.get(n, {})]


def segment_share(exact: Callable[[int], Fraction], fr: _Frame, i: int) -> Decimal:
    """Segment i's part, to the cent, of an amount that accrues segment by segment (`exact(j)`: its
    exact value on segment j): the running total from the first segment of i's calendar year to i,
    rounded, less the same up to the segment before i. The running total is rounded, not each
    segment, so every calendar year (the unit of the amounts written in a project) is its exact
    value rounded once: a year cut in two halves of 11 405,305 € is 22 810,61 €, not 2 × 11 405,31 €."""
    year = fr.segments[i].year
    first = i
    while first > 0 and fr.segments[first - 1].year == year:
        first -= 1
    before = sum((exact(j) for j in range(first, i)), Fraction(0))
    return to_cents(before + exact(i)) - to_cents(before)


def segment_aids(project: Project, fr: _Frame, i: int) -> tuple[list[ResourceLine], dict[str, Fraction]]:
    """The State aids of segment i (rounded once each) and the months each aided post covers in it."""
    seg = fr.segments[i]
    out: list[ResourceLine] = []
    measures: dict[str, Fraction] = {}
    state = state_partner(project)
    if project.service:
        for post in project.service.posts:
            if post.contract not in AID_NATURE:
                continue
            amount = segment_share(lambda j: post_aid(project, post, fr.segments[j].start, fr.segments[j].end), fr, i)
            if amount == 0:
                continue
            iv = clip(post.start, post.end, seg.start, seg.end)
            ref = f"aid:{post.id}"
            measures[ref] = month_measure(*iv) if iv else Fraction(0)
            label = f"{RESOURCE_LABELS[post.contract]} — {post.title} ({post.count} poste{'s' if post.count > 1 else ''})"
            out.append(ResourceLine(label, post.contract, state, AID_NATURE[post.contract], amount, True, "", ref))
    return out, measures


# --- contributions and allocation --------------------------------------------------------------


def _given(fr: _Frame, items, pid_of) -> dict[int, dict[int, Decimal]]:
    """Explicit yearly amounts (index of the item -> segment -> amount), each year spread over its
    segments (where the item's partner takes part) pro rata of their months."""
    out: dict[int, dict[int, Decimal]] = {}
    for n, item in enumerate(items):
        for year, amount in item.amounts.items():
            for i, part in fr.spread(year, amount, pid_of(item)).items():
                out.setdefault(n, {})[i] = out.get(n, {}).get(i, ZERO) + part
    return out


def _spread_by_need(project: Project, fr: _Frame, computed, given: dict[int, dict[int, Decimal]],
                    fixed: dict[int, dict[int, Decimal]]) -> None:
    """Without an allocation key: the given resources and fixed contributions of each calendar year
    cut into several segments, shared between them by need (`spread.by_need`) instead of pro rata of
    months, so that each segment — hence each year of both views — balances when its calendar year
    does. A contribution of a partner absent from part of the year keeps its months (it can only go
    where the partner is) and lowers the need of its segments. In place."""
    from .spread import by_need

    f = project.funding
    by_year: dict[int, list[int]] = defaultdict(list)
    for i, seg in enumerate(fr.segments):
        by_year[seg.year].append(i)
    for year, idx in by_year.items():
        if len(idx) < 2:
            continue
        need = {i: sum((c.amount for c in computed[i][0][0]), ZERO) - sum((r.amount for r in computed[i][1][0]), ZERO)
                for i in idx}
        amounts: dict[str, Decimal] = {}
        for n, r in enumerate(f.resources):
            if year in r.amounts:
                amounts[f"r{n:06d}"] = r.amounts[year]
        for n, c in enumerate(f.contributions):
            if year not in c.amounts:
                continue
            if all(fr.present(c.partner, i) for i in idx):
                amounts[f"c{n:06d}"] = c.amounts[year]
            else:
                for i in idx:
                    need[i] -= fixed.get(n, {}).get(i, ZERO)
        shared = by_need(amounts, [need[i] for i in idx])
        if shared is None:
            continue
        for key, parts in shared.items():
            target = given if key[0] == "r" else fixed
            row = target.setdefault(int(key[1:]), {})
            for i, part in zip(idx, parts):
                row[i] = part


def _segment_plan(project: Project, fr: _Frame, i: int, keyed: bool, computed, given, fixed_given, group_given,
                  order: dict[str, int], issues: dict) -> tuple[YearPlan, dict[str, Fraction]]:
    """The plan of one segment: costs and aids (`computed`: `segment_costs`, `segment_aids`), given
    resources, fixed contributions, the remainder allocated to the partners of the key (or of each
    group) present in the segment."""
    seg = fr.segments[i]
    alloc = project.funding.allocation if project.funding else None
    (costs, measures), (aids, aid_measures) = computed
    resources = aids + given_resources(project, i, given)
    yp = YearPlan(seg.year, costs, resources, start=seg.start, end=seg.end, months=fr.months[i])
    fixed: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    if project.funding:
        for n, c in enumerate(project.funding.contributions):
            if i in fixed_given.get(n, {}):
                fixed[(c.partner, c.nature)] += fixed_given[n][i]
    remainder = yp.gap - sum(fixed.values(), ZERO)
    allocated: dict[str, Decimal] = {}
    if alloc is not None and keyed:
        if remainder < 0:
            issues.setdefault(("negative_remainder", seg.year), ZERO)
            issues[("negative_remainder", seg.year)] -= remainder
        else:
            groups = {n: part[i] for n, part in group_given.items() if i in part}
            allocated, problems = allocate(project, remainder, seg.year, lambda pid: fr.present(pid, i), groups)
            for x in problems:
                if x.kind in ("nobody_present", "groups_over", "groups_short"):
                    issues.setdefault((x.kind, seg.year), ZERO)
                    issues[(x.kind, seg.year)] += x.amount or ZERO
                else:
                    issues.setdefault((x.kind, seg.year), x)
    keys = list(fixed)
    if allocated and alloc is not None:
        keys += [(pid, alloc.nature) for pid in allocated if (pid, alloc.nature) not in fixed]
    keys.sort(key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
    for pid, nature in keys:
        extra = allocated.get(pid, ZERO) if alloc and nature == alloc.nature else ZERO
        yp.contributions.append(ContributionLine(pid, _partner_label(project, pid), nature,
                                                 fixed.get((pid, nature), ZERO), extra))
    return yp, measures | aid_measures


def _rank(project: Project, ref: str) -> tuple:
    """Canonical order of the lines of a year: posts, yearly budget amounts, explicit lines, overhead;
    aids, then given resources (the order of a one-segment year)."""
    kind, _, key = ref.partition(":")
    posts = [p.id for p in project.service.posts] if project.service else []
    resources = [r.id for r in project.funding.resources] if project.funding else []
    if kind in ("post", "aid"):
        return (0, posts.index(key) if key in posts else len(posts))
    if kind == "budget":
        return (1, [k for k, _ in BUDGET_YEARLY].index(key))
    if kind in ("line", "resource"):
        return (2, int(key) if kind == "line" else resources.index(key) if key in resources else len(resources))
    return (3, 0)


def _merge(project: Project, parts: list[tuple[YearPlan, dict[str, Fraction]]], year: int, view: str,
           order: dict[str, int]) -> YearPlan:
    """One year of a view: the sum of its segments, line by line (nothing rounded again)."""
    months = sum((yp.months for yp, _ in parts), Fraction(0))
    start, end = parts[0][0].start, parts[-1][0].end
    costs: dict[str, CostLine] = {}
    resources: dict[str, ResourceLine] = {}
    measure: dict[str, Fraction] = defaultdict(Fraction)
    contributions: dict[tuple[str, str], ContributionLine] = {}
    operators: dict[tuple[str, str], OperatorShare] = {}
    for yp, m in parts:
        for o in yp.operators:
            prev_o = operators.get((o.partner, o.role))
            operators[(o.partner, o.role)] = o if prev_o is None else replace(prev_o, amount=prev_o.amount + o.amount)
        for k, v in m.items():
            measure[k] += v
        for c in yp.costs:
            prev = costs.get(c.ref)
            costs[c.ref] = c if prev is None else replace(prev, amount=prev.amount + c.amount)
        for r in yp.resources:
            prev_r = resources.get(r.ref)
            resources[r.ref] = r if prev_r is None else replace(prev_r, amount=prev_r.amount + r.amount)
        for cl in yp.contributions:
            key = (cl.partner, cl.nature)
            prev_c = contributions.get(key)
            contributions[key] = cl if prev_c is None else replace(prev_c, fixed=prev_c.fixed + cl.fixed,
                                                                  allocated=prev_c.allocated + cl.allocated)

    def detail(ref: str) -> str:
        if ref in measure:
            return months_text(measure[ref]) if measure[ref] < months else ""
        if ref.startswith("budget:") and months < 12:
            return months_text(months)
        return ""

    out = YearPlan(year, start=start, end=end, months=months, view=view)
    out.costs = [replace(c, detail=detail(c.ref)) for c in sorted(costs.values(), key=lambda c: _rank(project, c.ref))]
    out.resources = [replace(r, detail=detail(r.ref))
                     for r in sorted(resources.values(), key=lambda r: _rank(project, r.ref))]
    out.contributions = sorted(contributions.values(), key=lambda c: (order.get(c.partner, len(order)), c.partner, c.nature))
    out.partners = _partner_shares(project, out, order)
    out.operators = list(operators.values())  # lead first, then the sub-contractors in their order
    return out


def year_label(view: str, number: int, start: date, end: date) -> tuple[str, str]:
    """(label, short) of a year: « Année 1 : du 1er juillet 2026 au 30 juin 2027 », « Année 1 »;
    calendar: « 2026 » when whole, « 2026 (du 1er juillet au 31 décembre) » when partial."""
    from ..documents.formatting import long_date

    if view == "convention":
        return f"Année {number} : du {long_date(start)} au {long_date(end)}", f"Année {number}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(number), str(number)
    lo, hi = long_date(start).rsplit(" ", 1)[0], long_date(end).rsplit(" ", 1)[0]
    return f"{number} (du {lo} au {hi})", str(number)


def compute_plan(project: Project, by: str | None = None) -> FundingPlan:
    """The multi-year funding plan of a project, with its problems (see the package docstring).

    `by`: the view of `years` (`calendar` or `convention`; default `funding.years`); both views are
    in `views`."""
    alloc = project.funding.allocation if project.funding else None
    view = by or (project.funding.years if project.funding else "calendar")
    alloc_issues = static_issues(project)
    method = (alloc.method or "groups") if alloc else None
    plan = FundingPlan([], method, state_partner(project), list(alloc_issues), view=view)
    fr = frame(project)
    if fr is None:
        plan.views = {"calendar": [], "convention": []}
        return plan
    order = {p.id: i for i, p in enumerate(project.partners)}
    lines = _given(fr, project.budget.lines, lambda x: None) if project.budget else {}
    given = _given(fr, project.funding.resources, lambda x: None) if project.funding else {}
    fixed = _given(fr, project.funding.contributions, lambda x: x.partner) if project.funding else {}
    issues: dict[tuple[str, int], Decimal] = {}
    group_given = _given(fr, alloc.groups, lambda x: None) if alloc else {}
    keyed = alloc is not None and not alloc_issues
    computed = [(segment_costs(project, fr, i, lines), segment_aids(project, fr, i)) for i in range(len(fr.segments))]
    if alloc is None and project.funding:
        _spread_by_need(project, fr, computed, given, fixed)
    parts = [_segment_plan(project, fr, i, keyed, computed[i], given, fixed, group_given, order, issues)
             for i in range(len(fr.segments))]
    for (yp, _), shares in zip(parts, route(project, [yp.cost_total for yp, _ in parts], fr.months, fr.present)):
        yp.operators = shares
    for (kind, year), value in sorted(issues.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if isinstance(value, AllocationIssue):
            plan.allocation_issues.append(value)
        else:
            loc = ("funding", "allocation") + (("groups",) if kind.startswith("groups") else ())
            plan.allocation_issues.append(AllocationIssue(kind, loc, year=year, amount=value))
    for name, key in (("calendar", lambda s: s.year), ("convention", lambda s: s.convention_year)):
        groups: dict[int, list] = {}
        for seg, part in zip(fr.segments, parts):
            groups.setdefault(key(seg), []).append(part)
        years = []
        for number, group in groups.items():
            yp = _merge(project, group, number, name, order)
            years.append(yp)
        plan.views[name] = years
    plan.years = plan.views[view]
    plan.segments = fr.segments
    if alloc is None and project.budget is not None:  # with a key, PTMS-E036 says what went wrong
        for yp in plan.views["calendar"]:
            plan.imbalances.extend(_imbalance(project, yp))
    plan.ending_aids.extend(ending_aids(project))
    plan.jumps.extend(contribution_jumps(project, plan))
    return plan


def _partner_shares(project: Project, yp: YearPlan, order: dict[str, int]) -> list[PartnerShare]:
    res: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    con: dict[str | None, Decimal] = defaultdict(lambda: ZERO)
    for r in yp.resources:
        res[r.partner] += r.amount
    for c in yp.contributions:
        con[c.partner] += c.total
    ids = sorted(set(res) | set(con), key=lambda k: (k is None, order.get(k, len(order)) if k else 0, k or ""))
    cost = yp.cost_total
    out = []
    for pid in ids:
        total = res[pid] + con[pid]
        share = round_half_up(Fraction(total) / Fraction(cost) if cost else Fraction(0), SHARE_DIGITS)
        out.append(PartnerShare(pid, _partner_label(project, pid), res[pid], con[pid], share))
    return out


def _imbalance(project: Project, yp: YearPlan) -> list[YearImbalance]:
    """Without an allocation key: the year, if its resources and contributions differ from its cost."""
    if yp.balance == 0:
        return []
    loc = ("funding",) if project.funding or yp.balance < 0 else ("budget",)
    return [YearImbalance(yp.year, yp.balance, yp.cost_total, yp.resources_total + yp.contributions_total,
                          project.convention is not None, loc)]


def full_year_aid(project: Project, post, on: date) -> Fraction:
    """Aid the post entry would bring over a full year at the amounts in force on a date."""
    if post.contract == "adulte_relais":
        return Fraction(in_force(_table(project, "adulte_relais_aid"), on)) * post.count * _dec(post.fte)
    if post.contract == "pec" and post.aid_rate is not None:
        hours = post.aid_hours_per_week or DEFAULT_PEC_HOURS
        return Fraction(in_force(_table(project, "smic_hourly"), on)) * _dec(post.aid_rate) * hours * 52 * post.count
    return Fraction(0)


def ending_aids(project: Project) -> list[EndingAid]:
    """Subsidised posts (adultes-relais, PEC) whose aid ends before the project does, per end year and contract.

    Amount « à couvrir »: the aid these posts bring over a full year at the amounts in force on their
    end date, i.e. the yearly resource that goes missing from the year after (count x FTE x yearly aid
    for adultes-relais; count x rate x SMIC x hours x 52 for PEC), rounded once to the cent.
    """
    if not (project.service and project.period):
        return []
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, post in enumerate(project.service.posts):
        if post.contract in AID_NATURE and post.end and project.period.start <= post.end < project.period.end:
            groups[(post.end.year, post.contract)].append(i)
    out = []
    for (year, contract), idx in sorted(groups.items()):
        posts = [project.service.posts[i] for i in idx]
        amount = to_cents(sum((full_year_aid(project, p, p.end) for p in posts), Fraction(0)))
        if amount == 0:
            continue
        out.append(EndingAid(year, contract, sum(p.count for p in posts), amount, ("service", "posts", idx[0], "end")))
    return out


def contribution_jumps(project: Project, plan: FundingPlan) -> list[ContributionJump]:
    """A partner's contribution per month of presence changing by more than `funding.jump_threshold`
    from one calendar year to the next (a year partly inside the period, or partly with the partner,
    is compared on its months: a mid-year plan raises no jump)."""
    if not project.funding:
        return []
    threshold = Fraction(_dec(project.funding.jump_threshold))
    years = plan.views.get("calendar", plan.years)
    totals: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for yp in years:
        for c in yp.contributions:
            totals[c.partner][yp.year] = totals[c.partner].get(yp.year, ZERO) + c.total
    out = []
    for pid, by_year in totals.items():
        for a, b in zip(years, years[1:]):
            prev, cur = by_year.get(a.year, ZERO), by_year.get(b.year, ZERO)
            ma, mb = _presence_months(project, pid, a), _presence_months(project, pid, b)
            if prev <= 0 or ma == 0 or mb == 0:
                continue
            change = (Fraction(cur) / mb) / (Fraction(prev) / ma) - 1
            if abs(change) > threshold:
                out.append(ContributionJump(pid, a.year, b.year, prev, cur, change, threshold,
                                            _contribution_loc(project, pid), ma, mb))
    return out


def _presence_months(project: Project, pid: str, yp: YearPlan) -> Fraction:
    if yp.start is None or yp.end is None:
        return yp.months
    return presence(project, pid, yp.start, yp.end)


def _contribution_loc(project: Project, pid: str) -> tuple:
    f = project.funding
    if f.allocation:
        for i, s in enumerate(f.allocation.partners):
            if s.partner == pid:
                return ("funding", "allocation", "partners", i, "partner")
    for i, c in enumerate(f.contributions):
        if c.partner == pid:
            return ("funding", "contributions", i, "partner")
    return ("funding",)
