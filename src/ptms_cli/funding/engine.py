"""The funding engine: yearly costs, resources, contributions and balance of a project (pure).

See the package docstring (`ptms_cli.funding`) for the rules and the public API.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from ..frformat import round_half_up
from ..model import Project
from ..model.funding import DatedAmount
from .allocation import AllocationError, largest_remainder

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
    year: int
    costs: list[CostLine] = field(default_factory=list)
    resources: list[ResourceLine] = field(default_factory=list)
    contributions: list[ContributionLine] = field(default_factory=list)
    partners: list[PartnerShare] = field(default_factory=list)

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
class AllocationIssue:
    """Why `funding.allocation` cannot share the remainder (a year's, when `year` is set)."""

    kind: str  # no_partner, duplicate, missing_weight, percent_total, no_population, no_hours, no_weight,
    #           negative_remainder, impossible
    loc: tuple
    partner: str | None = None
    year: int | None = None
    amount: Decimal | None = None  # percent_total: the total of the weights; negative_remainder: the excess
    detail: str = ""  # impossible: the allocation error


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
    change: Fraction  # (after - before) / before
    threshold: Fraction
    loc: tuple


@dataclass
class FundingPlan:
    years: list[YearPlan]
    allocation_method: str | None
    state_partner: str | None
    allocation_issues: list[AllocationIssue] = field(default_factory=list)
    imbalances: list[YearImbalance] = field(default_factory=list)
    ending_aids: list[EndingAid] = field(default_factory=list)
    jumps: list[ContributionJump] = field(default_factory=list)

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
    from importlib.resources import files

    import yaml

    text = files("ptms_cli").joinpath("data/parameters.yaml").read_text(encoding="utf-8")
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


# --- costs -------------------------------------------------------------------------------------


def _index(project: Project, year: int, years: list[int]) -> Fraction:
    b = project.budget
    base = b.base_year if b and b.base_year is not None else (years[0] if years else year)
    return (1 + _dec(b.indexation_rate)) ** max(0, year - base) if b else Fraction(1)


def year_costs(project: Project, year: int, years: list[int]) -> list[CostLine]:
    b = project.budget
    if b is None:
        return []
    factor = _index(project, year, years)
    types = {t.id: t for t in b.post_types}
    out: list[CostLine] = []
    if project.service:
        for post in project.service.posts:
            t = types.get(post.post_type) if post.post_type else None
            months = months_in_year(year, post.start, post.end)
            if t is None or months == 0:
                continue
            exact = _dec(t.yearly_cost) * _dec(post.fte) * post.count * Fraction(months, 12) * factor
            out.append(CostLine(f"{post.title} ({post.count} × {fte_text(post.fte)} ETP)", "personnel", to_cents(exact),
                                f"{months} mois" if months < 12 else "", f"post:{post.id}", CATEGORY_LABELS["personnel"]))
    for key, category in (("supervision", "encadrement"), ("training", "formation"),
                          ("equipment", "equipement"), ("premises", "locaux")):
        amount = getattr(b, key)
        if amount:
            out.append(CostLine(CATEGORY_LABELS[category], category, to_cents(_dec(amount) * factor), ref=f"budget:{key}",
                                category_label=CATEGORY_LABELS[category]))
    for n, line in enumerate(b.lines):
        if year in line.amounts:
            cat_id, cat_label = cost_category(line.category)
            out.append(CostLine(line.label, cat_id, line.amounts[year], ref=f"line:{n}", category_label=cat_label))
    if b.overhead_rate:
        direct = sum((c.amount for c in out), ZERO)
        out.append(CostLine(f"Frais de structure ({fte_text(b.overhead_rate * 100)} % des coûts directs)",
                            "frais_structure", to_cents(_dec(b.overhead_rate) * Fraction(direct)), ref="overhead",
                            category_label=CATEGORY_LABELS["frais_structure"]))
    return out


# --- resources ---------------------------------------------------------------------------------


def post_aid(project: Project, post, year: int) -> Fraction:
    """Exact State aid for one post entry (all its `count` posts) in a year, before rounding."""
    if post.contract == "adulte_relais":
        if not (post.start and post.end):
            return Fraction(0)
        table = _table(project, "adulte_relais_aid")
        return sum((Fraction(in_force(table, m)) / 12 for m in _months(year, post.start, post.end)),
                   Fraction(0)) * post.count * _dec(post.fte)
    if post.contract == "pec" and post.aid_rate is not None:
        table = _table(project, "smic_hourly")
        hours = post.aid_hours_per_week or DEFAULT_PEC_HOURS
        per_month = _dec(post.aid_rate) * hours * WEEKS_PER_MONTH * post.count
        return sum((Fraction(in_force(table, m)) * per_month for m in _months(year, post.start, post.end)), Fraction(0))
    return Fraction(0)


def year_resources(project: Project, year: int) -> list[ResourceLine]:
    out: list[ResourceLine] = []
    state = state_partner(project)
    if project.service:
        for post in project.service.posts:
            if post.contract not in AID_NATURE:
                continue
            amount = to_cents(post_aid(project, post, year))
            if amount == 0:
                continue
            months = months_in_year(year, post.start, post.end)
            label = f"{RESOURCE_LABELS[post.contract]} — {post.title} ({post.count} poste{'s' if post.count > 1 else ''})"
            out.append(ResourceLine(label, post.contract, state, AID_NATURE[post.contract], amount, True,
                                    f"{months} mois" if months < 12 else "", f"aid:{post.id}"))
    if project.funding:
        for r in project.funding.resources:
            if year in r.amounts:
                out.append(ResourceLine(r.label, r.kind, r.partner, r.nature, r.amounts[year], ref=f"resource:{r.id}"))
    return out


# --- contributions and allocation --------------------------------------------------------------


def allocation_weights(project: Project) -> tuple[dict[str, Fraction], list[AllocationIssue]]:
    """Weight of each partner of `funding.allocation`, or why it is impossible."""
    alloc = project.funding.allocation if project.funding else None
    if alloc is None:
        return {}, []
    base = ("funding", "allocation")
    issues: list[AllocationIssue] = []
    if not alloc.partners:
        return {}, [AllocationIssue("no_partner", base + ("partners",))]
    seen: set[str] = set()
    for i, share in enumerate(alloc.partners):
        if share.partner in seen:
            issues.append(AllocationIssue("duplicate", base + ("partners", i, "partner"), share.partner))
        seen.add(share.partner)
    weights: dict[str, Fraction] = {}
    method = alloc.method
    if method == "percentages":
        for i, share in enumerate(alloc.partners):
            if share.weight is None:
                issues.append(AllocationIssue("missing_weight", base + ("partners", i), share.partner))
            else:
                weights[share.partner] = _dec(share.weight)
        total = sum((s.weight for s in alloc.partners if s.weight is not None), Decimal(0))
        if not issues and total != 100:
            issues.append(AllocationIssue("percent_total", base + ("partners",), amount=total))
    elif method == "equal":
        weights = {s.partner: Fraction(1) for s in alloc.partners}
    elif method == "population":
        for i, share in enumerate(alloc.partners):
            partner = project.partner(share.partner)
            if partner is None:
                continue  # reported by the reference check (PTMS-E021)
            if not partner.population:
                j = project.partners.index(partner)
                issues.append(AllocationIssue("no_population", ("partners", j), share.partner))
            else:
                weights[share.partner] = Fraction(partner.population)
    elif method == "hours":
        hours = {s.sector: _dec(s.hours_per_week) for s in project.service.sectors} if project.service else {}
        bought: dict[str, list[str]] = {}
        for share in alloc.partners:
            sectors = list(share.sectors)
            partner = project.partner(share.partner)
            if not sectors and partner is not None:
                sectors = [s for need in partner.needs for s in need.sectors]
            bought[share.partner] = list(dict.fromkeys(sectors))
        buyers: dict[str, int] = defaultdict(int)
        for sectors in bought.values():
            for s in sectors:
                buyers[s] += 1
        for i, share in enumerate(alloc.partners):
            w = sum((hours.get(s, Fraction(0)) / buyers[s] for s in bought[share.partner]), Fraction(0))
            if w == 0:
                issues.append(AllocationIssue("no_hours", base + ("partners", i), share.partner))
            weights[share.partner] = w
    if not issues and sum(weights.values(), Fraction(0)) == 0:
        issues.append(AllocationIssue("no_weight", base + ("method",)))
    return ({} if issues else weights), issues


def _fixed(project: Project, year: int) -> dict[tuple[str, str], Decimal]:
    out: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    if project.funding:
        for c in project.funding.contributions:
            if year in c.amounts:
                out[(c.partner, c.nature)] += c.amounts[year]
    return out


# --- the plan ----------------------------------------------------------------------------------


def compute_plan(project: Project) -> FundingPlan:
    """The multi-year funding plan of a project, with its problems (see the package docstring)."""
    years = plan_years(project)
    alloc = project.funding.allocation if project.funding else None
    weights, issues = allocation_weights(project)
    plan = FundingPlan([], alloc.method if alloc else None, state_partner(project), issues)
    order = {p.id: i for i, p in enumerate(project.partners)}
    for year in years:
        yp = YearPlan(year, year_costs(project, year, years), year_resources(project, year))
        fixed = _fixed(project, year)
        remainder = yp.gap - sum(fixed.values(), ZERO)
        allocated: dict[str, Decimal] = {}
        if alloc is not None and weights:
            if remainder < 0:
                plan.allocation_issues.append(AllocationIssue("negative_remainder", ("funding", "allocation"),
                                                              year=year, amount=-remainder))
            else:
                try:
                    allocated = largest_remainder(remainder, weights)
                except AllocationError as exc:  # pragma: no cover - weights were checked above
                    plan.allocation_issues.append(AllocationIssue("impossible", ("funding", "allocation"), year=year,
                                                                  detail=str(exc)))
        keys = list(fixed)
        if allocated:
            keys += [(pid, alloc.nature) for pid in allocated if (pid, alloc.nature) not in fixed]
        keys.sort(key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
        for pid, nature in keys:
            extra = allocated.get(pid, ZERO) if alloc and nature == alloc.nature else ZERO
            yp.contributions.append(ContributionLine(pid, _partner_label(project, pid), nature,
                                                     fixed.get((pid, nature), ZERO), extra))
        yp.partners = _partner_shares(project, yp, order)
        plan.years.append(yp)
        if alloc is None and project.budget is not None:  # with a key, PTMS-E036 says what went wrong
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
    """A partner's contribution changing by more than `funding.jump_threshold` from one year to the next."""
    if not project.funding:
        return []
    threshold = Fraction(_dec(project.funding.jump_threshold))
    totals: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for yp in plan.years:
        for c in yp.contributions:
            totals[c.partner][yp.year] = totals[c.partner].get(yp.year, ZERO) + c.total
    out = []
    for pid, by_year in totals.items():
        for a, b in zip(plan.years, plan.years[1:]):
            prev, cur = by_year.get(a.year, ZERO), by_year.get(b.year, ZERO)
            if prev > 0 and abs(Fraction(cur - prev)) / Fraction(prev) > threshold:
                out.append(ContributionJump(pid, a.year, b.year, prev, cur, Fraction(cur - prev) / Fraction(prev),
                                            threshold, _contribution_loc(project, pid)))
    return out


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
