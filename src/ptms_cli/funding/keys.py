"""Allocation keys: who shares the remainder of a year, and in what proportions (pure).

`funding.allocation` is either one key (`method` + `partners`) or named groups (`groups`), each with
its own key and its share of the remainder: a fixed amount for the year (`amounts`), or a
percentage (`percent`, per year `percent_by_year`; the percentage groups total 100). Groups with a
fixed amount are served first, then the percentage groups share what is left; inside a group the
key shares the group's amount. Every split is largest-remainder rounding (`allocation`), so the
groups' amounts add up exactly to the remainder and each group's parts exactly to its amount.

Weights of a key, for a year: `percentages` (each share's `weight`), `equal`, `population`,
`qpv_population`, `housing_units` (the partner's attribute of that name), `attribute` (the
partner's `attributes[<key's attribute>]`, declared once in `allocation.attributes`), `hours`
(hours per week of the service's sectors the partner buys, a sector bought by several split
equally). A share's `weight_by_year[year]` replaces its weight for that year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..model import Project
from ..model.funding import Allocation, AllocationShare
from .allocation import largest_remainder

ZERO = Decimal("0.00")
PARTNER_ATTRIBUTES = {"population": "population", "qpv_population": "population en QPV", "housing_units": "logements"}


@dataclass(frozen=True)
class AllocationIssue:
    """Why `funding.allocation` cannot share the remainder (a year's, when `year` is set)."""

    kind: str  # no_partner, duplicate, missing_weight, percent_total, no_population, no_attribute, no_hours,
    #           no_weight, unknown_attribute, no_method, groups_and_key, group_no_share, group_percent_total,
    #           groups_over, groups_short, negative_remainder, nobody_present (no partner of the key takes
    #           part), impossible
    loc: tuple
    partner: str | None = None
    year: int | None = None
    amount: Decimal | None = None  # percent_total: the total of the weights; negative_remainder: the excess
    detail: str = ""  # impossible: the allocation error


@dataclass(frozen=True)
class Key:
    """One sharing key: the allocation itself, or one of its groups."""

    name: str | None  # the group's name (None: the single key)
    method: str
    attribute: str | None
    shares: list[AllocationShare]
    loc: tuple  # of the key in the YAML: (funding, allocation) or (funding, allocation, groups, i)


def keys(alloc: Allocation) -> list[Key]:
    base = ("funding", "allocation")
    if alloc.groups:
        return [Key(g.name, g.method, g.attribute, list(g.partners), base + ("groups", i))
                for i, g in enumerate(alloc.groups)]
    return [Key(None, alloc.method or "", alloc.attribute, list(alloc.partners), base)]


def _dec(value) -> Fraction:
    return Fraction(Decimal(str(value)))


def _issue(kind: str, loc: tuple, partner: str | None = None, year: int | None = None, amount=None,
           detail: str = "") -> AllocationIssue:
    return AllocationIssue(kind, loc, partner, year, amount, detail)


def key_weights(project: Project, key: Key, year: int | None) -> tuple[dict[str, Fraction], list]:
    """Weight of each partner of `key` in `year` (None: the weights without yearly overrides), or why it is impossible."""
    alloc = project.funding.allocation if project.funding else None
    issues: list = []
    if not key.shares:
        return {}, [_issue("no_partner", key.loc + ("partners",))]
    seen: set[str] = set()
    for i, share in enumerate(key.shares):
        if share.partner in seen:
            issues.append(_issue("duplicate", key.loc + ("partners", i, "partner"), share.partner))
        seen.add(share.partner)
    weights: dict[str, Fraction] = {}
    method = key.method
    if method == "percentages":
        for i, share in enumerate(key.shares):
            if share.weight is None:
                issues.append(_issue("missing_weight", key.loc + ("partners", i), share.partner))
            else:
                weights[share.partner] = _dec(share.weight)
        total = sum((s.weight for s in key.shares if s.weight is not None), Decimal(0))
        if not issues and total != 100:
            issues.append(_issue("percent_total", key.loc + ("partners",), amount=total))
    elif method == "equal":
        weights = {s.partner: Fraction(1) for s in key.shares}
    elif method in PARTNER_ATTRIBUTES or method == "attribute":
        attribute = method if method != "attribute" else key.attribute
        if method == "attribute" and (attribute is None or alloc is None or attribute not in alloc.attributes):
            return {}, [_issue("unknown_attribute", key.loc + ("attribute",), detail=attribute or "")]
        for share in key.shares:
            partner = project.partner(share.partner)
            if partner is None:
                continue  # reported by the reference check (PTMS-E021)
            value = getattr(partner, method) if method != "attribute" else partner.attributes.get(attribute or "")
            if not value and not share.weight_by_year:
                j = project.partners.index(partner)
                kind = "no_population" if method == "population" else "no_attribute"
                label = PARTNER_ATTRIBUTES.get(method) or (alloc.attributes[attribute] if alloc and attribute else "")
                issues.append(_issue(kind, ("partners", j), share.partner, detail=f"{label}|{attribute or method}"))
            else:
                weights[share.partner] = _dec(value or 0)
    elif method == "hours":
        hours = {s.sector: _dec(s.hours_per_week) for s in project.service.sectors} if project.service else {}
        bought: dict[str, list[str]] = {}
        for share in key.shares:
            sectors = list(share.sectors)
            partner = project.partner(share.partner)
            if not sectors and partner is not None:
                sectors = [s for need in partner.needs for s in need.sectors]
            bought[share.partner] = list(dict.fromkeys(sectors))
        buyers: dict[str, int] = defaultdict(int)
        for sectors in bought.values():
            for s in sectors:
                buyers[s] += 1
        for i, share in enumerate(key.shares):
            w = sum((hours.get(s, Fraction(0)) / buyers[s] for s in bought[share.partner]), Fraction(0))
            if w == 0 and not share.weight_by_year:
                issues.append(_issue("no_hours", key.loc + ("partners", i), share.partner))
            weights[share.partner] = w
    if year is not None:
        for share in key.shares:
            if year in share.weight_by_year:
                weights[share.partner] = _dec(share.weight_by_year[year])
    if not issues and sum(weights.values(), Fraction(0)) == 0:
        issues.append(_issue("no_weight", key.loc + (("method",) if key.name is None else ("partners",)), year=year))
    return ({} if issues else weights), issues


def group_percent(alloc: Allocation, i: int, year: int) -> Decimal | None:
    g = alloc.groups[i]
    return g.percent_by_year.get(year, g.percent)


def static_issues(project: Project) -> list:
    """Why the allocation cannot share at all (reported once, not per year)."""
    alloc = project.funding.allocation if project.funding else None
    if alloc is None:
        return []
    base = ("funding", "allocation")
    if alloc.groups and (alloc.method or alloc.partners):
        return [_issue("groups_and_key", base + ("groups",))]
    if not alloc.groups and alloc.method is None:
        return [_issue("no_method", base)]
    issues = []
    for key in keys(alloc):
        issues.extend(key_weights(project, key, None)[1])
    for i, g in enumerate(alloc.groups):
        if g.percent is None and not g.amounts and not g.percent_by_year:
            issues.append(_issue("group_no_share", base + ("groups", i), detail=g.name))
    plain = [g.percent for g in alloc.groups if not g.amounts and not g.percent_by_year and g.percent is not None]
    if alloc.groups and not issues and len(plain) == len(alloc.groups) and sum(plain, Decimal(0)) != 100:
        issues.append(_issue("group_percent_total", base + ("groups",), amount=sum(plain, Decimal(0))))
    return issues


def _share(amount: Decimal, weights: dict[str, Fraction], present, loc: tuple, year: int) -> tuple[dict, list]:
    """`amount` between the partners of `weights` present (`present(pid)`), or why nobody takes it."""
    here = {k: w for k, w in weights.items() if present(k)}
    if amount == 0:
        return {}, []
    if not any(here.values()):
        return {}, [_issue("nobody_present", loc, year=year, amount=amount)]
    return largest_remainder(amount, here), []


def allocate(project: Project, remainder: Decimal, year: int, present=lambda pid: True,
             fixed_groups: dict[int, Decimal] | None = None) -> tuple[dict[str, Decimal], list]:
    """The remainder of a year (or of a piece of a year: a segment of the period) shared between the
    partners present (`present(pid)`, see a partner's `from` / `until`), exact to the cent, or the issues.

    `fixed_groups`: the amounts of the groups with `amounts` for this piece (default: their amount of
    `year`). Call only when `static_issues(project)` is empty and `remainder` >= 0."""
    alloc = project.funding.allocation  # type: ignore[union-attr]
    assert alloc is not None
    if not alloc.groups:
        key = keys(alloc)[0]
        weights, problems = key_weights(project, key, year)
        if not weights:
            return {}, problems
        return _share(remainder, weights, present, key.loc, year)
    loc = ("funding", "allocation", "groups")
    fixed = {i: (fixed_groups or {}).get(i, ZERO) if fixed_groups is not None else g.amounts[year]
             for i, g in enumerate(alloc.groups) if year in g.amounts}
    left = remainder - sum(fixed.values(), ZERO)
    if left < 0:
        return {}, [_issue("groups_over", loc, year=year, amount=-left)]
    percents = {i: group_percent(alloc, i, year) for i in range(len(alloc.groups)) if i not in fixed}
    percents = {i: p for i, p in percents.items() if p is not None}
    amounts: dict[int, Decimal] = dict(fixed)
    if percents:
        total = sum(percents.values(), Decimal(0))
        if total != 100:
            return {}, [_issue("group_percent_total", loc, year=year, amount=total)]
        amounts |= {int(k): v for k, v in largest_remainder(left, {str(i): p for i, p in percents.items()}).items()}
    elif left > 0:
        return {}, [_issue("groups_short", loc, year=year, amount=left)]
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    issues: list = []
    for i, key in enumerate(keys(alloc)):
        weights, problems = key_weights(project, key, year)
        issues.extend(problems)
        if weights:
            parts, problems = _share(amounts.get(i, ZERO), weights, present, key.loc, year)
            issues.extend(problems)
            for pid, part in parts.items():
                out[pid] += part
    return dict(out), issues


def group_amounts(project: Project, remainder: Decimal, year: int) -> dict[str, Decimal]:
    """Each group's amount of the year's remainder (for documents), by group name."""
    alloc = project.funding.allocation if project.funding else None
    if alloc is None or not alloc.groups or remainder < 0:
        return {}
    fixed = {i: g.amounts[year] for i, g in enumerate(alloc.groups) if year in g.amounts}
    left = remainder - sum(fixed.values(), ZERO)
    percents = {str(i): p for i in range(len(alloc.groups)) if i not in fixed
                and (p := group_percent(alloc, i, year)) is not None}
    shared = largest_remainder(left, percents) if percents and left >= 0 and sum(percents.values()) == 100 else {}
    return {g.name: fixed.get(i, shared.get(str(i), ZERO)) for i, g in enumerate(alloc.groups)}


def method_label(alloc: Allocation | None) -> str:
    """« population », or « par groupes : Communes (population), Bailleurs (logements sociaux) » (lower case)."""
    from ..referential import ALLOCATION_METHODS

    if alloc is None:
        return ""
    if not alloc.groups:
        return ALLOCATION_METHODS.get(alloc.method or "", "").lower()
    parts = [f"{g.name} ({ALLOCATION_METHODS[g.method].lower()})" for g in alloc.groups]
    return "par groupes : " + ", ".join(parts)
