"""Template context of the staffing (FTE from the posts' dates) and of the partners' participation dates.

Called by `documents.context.build_context` once the rest of the context is built: it adds the
`staffing` key, dates on each partner, the initial signatories and the adherents, and the dates of
the committee members. Pure, like the rest of the context.

Keys (all values formatted for a French reader):

- `staffing`: `range` (« de 8,6 à 12,6 ETP », lowest and highest month of the period), `effectif`
  (« un effectif de 8,6 à 12,6 équivalents temps plein (ETP) selon les mois »), `start_fte`, `peak`, `low`, `average` (FTE), `types` / `entries` (post types and post lines), `types_label`,
  `years` (per year: `label`, `start`, `end` (long dates), `start_fte`, `peak`, `average`,
  `mediators`), `presence` (weekly hours promised in the sectors), `field_hours` (hours of presence
  per mediator FTE, 26,25) and `capacity_ok` (no year beyond it). `service.fte_total` is the peak
  (highest month), no longer the sum of the post lines, which counted the same people twice.
- each partner: `from` / `until` (long dates or ""), `joins_later`, `leaves_early`,
  `participation_label` (« à compter du 1er janvier 2027 », « jusqu'au 30 juin 2027 », « du … au … »
  or ""), `participation_start` / `participation_end` (its days inside the period, long dates).
- `signatories`: the partners who sign the initial convention (`participation.initial_signatories`);
  `adherents`: those who join later by adhesion; `copies_label` counts the initial signatories.
- `governance.steering|technical.members_label`: each member who joins or leaves during the period
  with its dates (« Bailleur (à compter du 1er janvier 2027) »).
"""

from __future__ import annotations

from typing import Any

from .. import participation, staffing
from ..derived import Derived
from ..frformat import number
from ..model import Project
from . import formatting as fmt


def staffing_context(p: Project, derived: Derived) -> dict | None:
    if p.service is None:
        return None
    st = derived.staffing
    fte = staffing.format_fte
    presence = staffing.presence_hours(p)
    return {
        "range": staffing.range_text(st) if st.years else "",
        "effectif": _effectif(st),
        "start_fte": fte(st.start), "peak": fte(st.peak), "low": fte(st.low), "average": fte(st.average),
        "types": st.types, "entries": st.entries, "types_label": staffing.types_text(st),
        "years": [
            {"label": y.label, "start": fmt.long_date(y.span.start), "end": fmt.long_date(y.span.end),
             "start_fte": fte(y.start), "peak": fte(y.peak), "average": fte(y.average), "mediators": fte(y.mediators_average)}
            for y in st.years
        ],
        "presence": staffing.format_fte(presence),
        "field_hours": number(staffing.FIELD_HOURS_PER_FTE, 2),
        "capacity_ok": not staffing.capacity(p, st),
    }


def _effectif(st: staffing.Staffing) -> str:
    if not st.years:
        return ""
    low, high = staffing.format_fte(st.low), staffing.format_fte(st.peak)
    if low == high:
        return f"un effectif de {high} équivalents temps plein (ETP)"
    return f"un effectif de {low} à {high} équivalents temps plein (ETP) selon les mois"


def _participation(p: Project, x) -> dict[str, Any]:
    joins, leaves = participation.joins_later(p, x), participation.leaves_early(p, x)
    if joins and leaves:
        label = f"du {fmt.long_date(x.from_)} au {fmt.long_date(x.until)}"
    elif joins:
        label = f"à compter du {fmt.long_date(x.from_)}"
    elif leaves:
        label = f"jusqu'au {fmt.long_date(x.until)}"
    else:
        label = ""
    window = participation.window(p, x)
    return {
        "from": fmt.long_date(x.from_), "until": fmt.long_date(x.until),
        "joins_later": joins, "leaves_early": leaves, "participation_label": label,
        "participation_start": fmt.long_date(window[0]) if window else "",
        "participation_end": fmt.long_date(window[1]) if window else "",
    }


def _members_label(p: Project, c, names: list[str]) -> str:
    by_id = {x.id: x for x in p.partners}
    out = []
    for m, name in zip(c.members, names):
        x = by_id.get(m)
        label = _participation(p, x)["participation_label"] if x is not None else ""
        out.append(f"{name} ({label})" if label else name)
    return fmt.join(out)


def extend(ctx: dict[str, Any], p: Project, derived: Derived) -> None:
    """Add the staffing and participation keys to a context built by `build_context` (in place)."""
    ctx["staffing"] = staffing_context(p, derived)
    if ctx.get("service") and ctx["staffing"] and ctx["staffing"]["range"]:
        ctx["service"]["fte_total"] = ctx["staffing"]["peak"]
    by_id = {}
    for x, d in zip(p.partners, ctx["partners"]):
        d.update(_participation(p, x))
        by_id[x.id] = d
    initial = participation.initial_signatories(p)
    ctx["signatories"] = [by_id[i] for i in initial if i in by_id]
    ctx["adherents"] = [by_id[i] for i in participation.adherents(p) if i in by_id]
    ctx["copies_label"] = fmt.count_words(len(initial), "exemplaire original", "exemplaires originaux")
    gov = ctx.get("governance")
    if gov and p.governance:
        for key, c in (("steering", p.governance.steering_committee), ("technical", p.governance.technical_committee)):
            if gov.get(key) and c is not None:
                gov[key]["members_label"] = _members_label(p, c, gov[key]["members"])
