"""Staffing from the posts' dates: full-time equivalents (FTE) per month and per year, post types,
and the field-presence capacity of the mediators. Pure functions over a `Project`; facts, no message.

Rules
-----
- A post (`service.posts[]`) weighs ``fte x count`` on each day it is held. A post without `start`
  (`end`) is held from the start (until the end) of `period`. Nothing counts outside `period`.
- **Continuation** (`continues: <post id>`): the same people on a new contract (a PEC then its CDI,
  an adulte-relais post then its renewal). The continued post ends the day before its continuation
  starts (a continuation without `start` starts with the period): the two are never held on the
  same day, so never added. Invalid links (unknown id, itself, a cycle) are ignored here; the rule
  `checks.workforce` reports them.
- **FTE of a month**: the average, over the month's days inside the period (and inside the year
  asked for), of the FTE held each day. A post held during the whole month counts exactly
  ``fte x count``; a post held 10 days of a 30-day month counts a third of it.
- **Per year** (calendar years of the period by default; any list of ``(start, end, label)`` spans,
  e.g. convention years): `start` is the FTE of the year's first month, `peak` its highest month,
  `low` its lowest month, `average` the average FTE over its days (months weighted by their days).
- **Post types**: distinct `post_type`, or distinct titles for posts without one; `entries` is
  the number of post lines.
- **Mediators** (capacity): every post except those whose title or post-type label says it
  supervises or coordinates (`NOT_MEDIATOR`: encadrement, coordination, responsable, chef, direction).
  The supervision of `service.supervision` is not a post and never counts.

Capacity (`capacity`)
---------------------
The weekly presence promised in `service.sectors[].hours_per_week` must be held by the mediators.
One mediator FTE works `WEEKLY_HOURS` (35 h, the legal full-time week) of which `FIELD_SHARE`
(75 %) is field presence: 26,25 h a week. The other quarter is the time a mediator works away from
the field, on a yearly average: paid leave (5 weeks out of 52, about 10 %) and public holidays
(about 3 %), team meetings and supervision, training (the AFNOR norm and the training plan expect
it), writing the activity reports and meeting partners (about 12 % together). For each year, the
capacity is the year's average mediator FTE x 26,25 h; a year whose promised presence exceeds it is
a `CapacityBreach`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

WEEKLY_HOURS = Fraction(35)  # legal full-time working week in France (35 h)
FIELD_SHARE = Fraction(3, 4)  # share of working time spent in field presence (see the module docstring)
FIELD_HOURS_PER_FTE = WEEKLY_HOURS * FIELD_SHARE  # 26,25 h of field presence per week and per FTE

NOT_MEDIATOR = re.compile(r"encadr|coordinat|responsable|\bchef|direct", re.IGNORECASE)

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Span:
    """A year (or any stretch of time) over which staffing is summed up, bounds included."""

    start: date
    end: date
    label: str


@dataclass(frozen=True)
class Held:
    """One post held from `start` to `end` (bounds included, clipped to the period) with `fte` (fte x count)."""

    post: str
    start: date
    end: date
    fte: Fraction
    mediator: bool


@dataclass(frozen=True)
class MonthFte:
    """A month (or the part of it inside the period and the year): its days and its FTE."""

    start: date
    end: date
    fte: Fraction
    mediators: Fraction

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class YearStaffing:
    span: Span
    months: tuple[MonthFte, ...]

    @property
    def label(self) -> str:
        return self.span.label

    @property
    def start(self) -> Fraction:
        return self.months[0].fte if self.months else Fraction(0)

    @property
    def peak(self) -> Fraction:
        return max((m.fte for m in self.months), default=Fraction(0))

    @property
    def low(self) -> Fraction:
        return min((m.fte for m in self.months), default=Fraction(0))

    @property
    def average(self) -> Fraction:
        return _weighted(self.months, "fte")

    @property
    def mediators_average(self) -> Fraction:
        return _weighted(self.months, "mediators")


def _weighted(months, attr: str) -> Fraction:
    days = sum(m.days for m in months)
    return sum((getattr(m, attr) * m.days for m in months), Fraction(0)) / days if days else Fraction(0)


@dataclass(frozen=True)
class Staffing:
    held: tuple[Held, ...]
    years: tuple[YearStaffing, ...]
    types: int
    entries: int

    @property
    def months(self) -> list[MonthFte]:
        return [m for y in self.years for m in y.months]

    @property
    def start(self) -> Fraction:
        return self.years[0].start if self.years else Fraction(0)

    @property
    def peak(self) -> Fraction:
        return max((y.peak for y in self.years), default=Fraction(0))

    @property
    def low(self) -> Fraction:
        return min((y.low for y in self.years), default=Fraction(0))

    @property
    def average(self) -> Fraction:
        return _weighted(self.months, "fte")


@dataclass(frozen=True)
class CapacityBreach:
    """A year whose promised weekly presence exceeds what its mediators can hold."""

    year: YearStaffing
    presence: Fraction  # hours per week promised in service.sectors
    mediators: Fraction  # average mediator FTE of the year

    @property
    def capacity(self) -> Fraction:
        return self.mediators * FIELD_HOURS_PER_FTE

    @property
    def per_fte(self) -> Fraction | None:
        return self.presence / self.mediators if self.mediators else None


def calendar_years(start: date, end: date) -> list[Span]:
    """The calendar years of a period, each clipped to it."""
    return [Span(max(start, date(y, 1, 1)), min(end, date(y, 12, 31)), str(y)) for y in range(start.year, end.year + 1)]


def post_type_key(post) -> str:
    """What makes two post entries the same type: the `post_type`, else the title (case and spaces ignored)."""
    return f"type:{post.post_type}" if post.post_type else "title:" + " ".join(post.title.split()).casefold()


def count_types(posts) -> int:
    return len({post_type_key(x) for x in posts})


def is_mediator(post, project=None) -> bool:
    """Whether a post counts as a mediator for the capacity (see `NOT_MEDIATOR`)."""
    label = post.title
    if project is not None and project.budget and post.post_type:
        label += " " + next((t.label for t in project.budget.post_types if t.id == post.post_type), "")
    return not NOT_MEDIATOR.search(label)


def continuation_links(posts) -> dict[str, str]:
    """{continuation id: continued id} for the valid links: known target, not itself, no cycle."""
    ids = {x.id for x in posts}
    links = {x.id: x.continues for x in posts if x.continues and x.continues in ids and x.continues != x.id}
    valid = {}
    for child in links:
        seen, at = {child}, links[child]
        while at in links and at not in seen:
            seen.add(at)
            at = links[at]
        if at not in seen:  # the chain ends: no cycle through `child`
            valid[child] = links[child]
    return valid


def cycles(posts) -> list[str]:
    """Ids of the posts whose `continues` chain comes back to them."""
    ids = {x.id for x in posts}
    links = {x.id: x.continues for x in posts if x.continues and x.continues in ids and x.continues != x.id}
    out = []
    for child in links:
        seen, at = set(), links[child]
        while at in links and at not in seen and at != child:
            seen.add(at)
            at = links[at]
        if at == child:
            out.append(child)
    return out


def held_posts(project) -> list[Held]:
    """Each post's days inside the period, after its continuations (see the module docstring)."""
    s, period = project.service, project.period
    if s is None or period is None or period.end < period.start:
        return []
    starts = {x.id: max(x.start or period.start, period.start) for x in s.posts}
    successors: dict[str, list[str]] = {}
    for child, parent in continuation_links(s.posts).items():
        successors.setdefault(parent, []).append(child)
    out = []
    for x in s.posts:
        start = starts[x.id]
        end = min(x.end or period.end, period.end)
        for child in successors.get(x.id, []):
            end = min(end, starts[child] - _DAY)
        if start <= end:
            out.append(Held(x.id, start, end, Fraction(x.fte) * x.count, is_mediator(x, project)))
    return out


def _months(start: date, end: date) -> list[tuple[date, date]]:
    out = []
    at = start
    while at <= end:
        nxt = date(at.year + at.month // 12, at.month % 12 + 1, 1)
        out.append((at, min(end, nxt - _DAY)))
        at = nxt
    return out


def _overlap(a0: date, a1: date, b0: date, b1: date) -> int:
    return max(0, (min(a1, b1) - max(a0, b0)).days + 1)


def compute(project, years: list[Span] | list[tuple[date, date, str]] | None = None) -> Staffing:
    """FTE per month and per year of `project` (`years`: calendar years of the period by default)."""
    period = project.period
    posts = project.service.posts if project.service else []
    if period is None or period.end < period.start:
        return Staffing((), (), count_types(posts), len(posts))
    spans = [y if isinstance(y, Span) else Span(*y) for y in (years or calendar_years(period.start, period.end))]
    held = held_posts(project)
    out = []
    for span in spans:
        lo, hi = max(span.start, period.start), min(span.end, period.end)
        months = []
        for m0, m1 in _months(lo, hi) if lo <= hi else []:
            days = (m1 - m0).days + 1
            fte = med = Fraction(0)
            for h in held:
                share = Fraction(_overlap(h.start, h.end, m0, m1), days) * h.fte
                fte += share
                if h.mediator:
                    med += share
            months.append(MonthFte(m0, m1, fte, med))
        out.append(YearStaffing(span, tuple(months)))
    return Staffing(tuple(held), tuple(out), count_types(posts), len(posts))


def presence_hours(project) -> Fraction:
    """Weekly presence promised over every sector of the service."""
    return sum((Fraction(str(x.hours_per_week)) for x in project.service.sectors), Fraction(0)) if project.service else Fraction(0)


def capacity(project, staffing: Staffing) -> list[CapacityBreach]:
    """The years whose promised presence exceeds the mediators' field capacity (see the module docstring)."""
    presence = presence_hours(project)
    if not presence or not (project.service and project.service.posts):
        return []
    return [CapacityBreach(y, presence, y.mediators_average) for y in staffing.years
            if y.months and presence > y.mediators_average * FIELD_HOURS_PER_FTE]


def format_fte(value: Fraction) -> str:
    """French form of a number of FTE: one decimal, none when whole (« 12,6 », « 8 »)."""
    from .frformat import number

    return number(value, 1).removesuffix(",0")


def range_text(st: Staffing) -> str:
    """« de 8,6 à 12,6 ETP » (lowest and highest month of the period), or « 8 ETP » when constant."""
    low, high = format_fte(st.low), format_fte(st.peak)
    return f"{high} ETP" if low == high else f"de {low} à {high} ETP"


def types_text(st: Staffing) -> str:
    """« 4 types de poste (9 lignes de poste) »."""
    types = f"{st.types} type{'s' if st.types > 1 else ''} de poste"
    return types if st.entries == st.types else f"{types} ({st.entries} lignes de poste)"
