"""What changed between two versions of a project (the signed one and the current one): one
structured list of `Change`, used by `ptms diff` (text and JSON) and `ptms amend` (the avenant).

Pure: two typed projects and their funding plans in, changes out; no wording of legal clauses here
(see `amend`), only a short French description of each change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .. import referential
from ..documents.formatting import long_date, money
from ..frformat import plural, quantity
from ..model import Project
from . import adapters as a

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Family:
    id: str
    label: str  # French, for `ptms diff`
    article: str | None  # title of the convention's article it amends (None: the parties, in the preamble)
    unanimity: bool  # the convention forbids the change without every party's signature


# One table: each family of change, its article of the convention (by TITLE: articles may be
# renumbered), and whether it needs every party. Today's convention (article « Avenant ») makes every
# amendment signed by all parties; only a partner joining may, with an adhesion clause, be signed by
# the newcomer and the lead (`adapters.adhesion_clause`).
FAMILIES: dict[str, Family] = {f.id: f for f in (
    Family("parties", "Parties à la convention", None, True),
    Family("duration", "Durée", "Durée", True),
    Family("cost", "Coût de l'action", "Coût de l'action", True),
    Family("contributions", "Contributions des partenaires", "Contributions financières", True),
    Family("resources", "Autres ressources", "Contributions financières", True),
    Family("allocation", "Clé de répartition", "Contributions financières", True),
    Family("schedule", "Échéancier de versement", "Modalités de versement", True),
    Family("governance", "Gouvernance", "Gouvernance", True),
)}


@dataclass(frozen=True)
class Change:
    family: str  # a key of FAMILIES
    kind: str  # "added", "removed" or "modified"
    subject: str  # what changed, in French (« Ville de Marque », « Comité de pilotage : présidence »)
    before: str | None = None  # French value before (None: did not exist)
    after: str | None = None
    key: str = ""  # stable id of the subject (partner id, resource ref, committee field…)
    year: int | None = None
    amount_before: Decimal | None = None  # exact amounts for tools (JSON) and for the avenant
    amount_after: Decimal | None = None

    @property
    def delta(self) -> Decimal | None:
        if self.amount_before is None and self.amount_after is None:
            return None
        return (self.amount_after or ZERO) - (self.amount_before or ZERO)

    def as_dict(self) -> dict:
        out: dict = {"family": self.family, "kind": self.kind, "subject": self.subject, "key": self.key,
                     "year": self.year, "before": self.before, "after": self.after,
                     "article": FAMILIES[self.family].article, "unanimity": FAMILIES[self.family].unanimity}
        for name in ("amount_before", "amount_after", "delta"):
            value = getattr(self, name)
            out[name] = None if value is None else str(value)
        return out


@dataclass
class Diff:
    changes: list[Change] = field(default_factory=list)
    joining: list[str] = field(default_factory=list)  # partner ids who become parties
    leaving: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def families(self) -> list[str]:
        """Families with a change, in the order of `FAMILIES`."""
        seen = {c.family for c in self.changes}
        return [f for f in FAMILIES if f in seen]

    def of(self, family: str) -> list[Change]:
        return [c for c in self.changes if c.family == family]


def _amounts(family: str, subject: str, key: str, old: dict[int, Decimal], new: dict[int, Decimal]) -> list[Change]:
    out = []
    for y in sorted(set(old) | set(new)):
        before, after = old.get(y, ZERO), new.get(y, ZERO)
        if before == after:
            continue
        kind = "added" if y not in old or not before else ("removed" if y not in new or not after else "modified")
        out.append(Change(family, kind, subject, money(before) if y in old else None,
                          money(after) if y in new else None, key, y, before, after))
    return out


def _period(p: Project) -> tuple[str, str]:
    c = p.convention
    start = (c.start if c and c.start else (p.period.start if p.period else None))
    end = p.period.end if p.period else None
    return long_date(start) if start else "—", long_date(end) if end else "—"


def _committee(p: Project, attr: str):
    g = p.governance
    return getattr(g, attr, None) if g else None


def _names(p: Project, ids) -> str:
    from ..documents.formatting import join

    return join([a.partner_name(p, i) for i in ids]) or "—"


def compute(old: Project, old_plan, new: Project, new_plan) -> Diff:
    """The changes from `old` (signed) to `new` (current), grouped in the order of `FAMILIES`."""
    d = Diff()
    ch = d.changes
    # parties: the signatories of the convention
    before, after = old.signatories(), new.signatories()
    d.joining = [x for x in after if x not in before]
    d.leaving = [x for x in before if x not in after]
    ch += [Change("parties", "added", a.partner_name(new, x), None, "partie à la convention", x) for x in d.joining]
    ch += [Change("parties", "removed", a.partner_name(old, x), "partie à la convention", None, x) for x in d.leaving]
    # duration
    ob, nb = _period(old), _period(new)
    if ob != nb:
        ch.append(Change("duration", "modified", "Période de la convention", f"du {ob[0]} au {ob[1]}",
                         f"du {nb[0]} au {nb[1]}", "period"))
    od = old.convention.duration_years if old.convention else None
    nd = new.convention.duration_years if new.convention else None
    if od != nd:
        ch.append(Change("duration", "modified", "Durée (années)", str(od) if od else None, str(nd) if nd else None,
                         "duration_years"))
    # money (only when both versions have a plan)
    if old_plan is not None and new_plan is not None:
        ch += _amounts("cost", "Coût total du service", "cost", a.cost_by_year(old_plan), a.cost_by_year(new_plan))
        oc, nc = a.contributions_by_partner(old_plan), a.contributions_by_partner(new_plan)
        for pid in list(oc) + [x for x in nc if x not in oc]:
            name = a.partner_name(new if pid in nc else old, pid)
            ch += _amounts("contributions", name, pid, oc.get(pid, {}), nc.get(pid, {}))
        orr, nr = a.resources_by_key(old_plan), a.resources_by_key(new_plan)
        for key in list(orr) + [x for x in nr if x not in orr]:
            label = (nr.get(key) or orr[key])[0]
            ch += _amounts("resources", label, key, orr.get(key, ("", None, {}))[2], nr.get(key, ("", None, {}))[2])
    # allocation key
    oa = old.funding.allocation if old.funding else None
    na = new.funding.allocation if new.funding else None
    om, nm = (oa.method if oa else None), (na.method if na else None)
    if om != nm:
        ch.append(Change("allocation", "modified", "Méthode de répartition",
                         referential.label("allocation_methods", om) if om else None,
                         referential.label("allocation_methods", nm) if nm else None, "method"))
    ow = {s.partner: s.weight for s in oa.partners} if oa else {}
    nw = {s.partner: s.weight for s in na.partners} if na else {}
    for pid in list(ow) + [x for x in nw if x not in ow]:
        if pid in ow and pid in nw and ow[pid] == nw[pid]:
            continue
        def show(w, method=nm or om):
            return f"{quantity(w)}\u00a0%" if w is not None and method == "percentages" else "part de la répartition"

        kind = "added" if pid not in ow else ("removed" if pid not in nw else "modified")
        ch.append(Change("allocation", kind, a.partner_name(new if pid in nw else old, pid),
                         show(ow[pid]) if pid in ow else None, show(nw[pid]) if pid in nw else None, pid))
    # schedule
    os_ = [(x.label, x.percent) for x in a.schedule(old)]
    ns = [(x.label, x.percent) for x in a.schedule(new)]
    if os_ != ns:
        def show_s(items):
            return " ; ".join(f"{label} : {quantity(pct)}\u00a0%" for label, pct in items) or None
        ch.append(Change("schedule", "modified", "Échéancier de versement", show_s(os_), show_s(ns), "payment_schedule"))
    # governance
    for attr, label in (("steering_committee", "Comité de pilotage"), ("technical_committee", "Comité technique")):
        oc_, nc_ = _committee(old, attr), _committee(new, attr)
        if oc_ is None and nc_ is None:
            continue
        if (oc_ is None) != (nc_ is None):
            ch.append(Change("governance", "added" if oc_ is None else "removed", label,
                             None if oc_ is None else "institué", None if nc_ is None else "institué", attr))
            continue
        gone = [m for m in oc_.members if m not in nc_.members]
        came = [m for m in nc_.members if m not in oc_.members]
        if gone or came:
            ch.append(Change("governance", "modified", f"{label} : membres",
                             "quittent le comité : " + _names(old, gone) if gone else None,
                             "entrent au comité : " + _names(new, came) if came else None, f"{attr}.members"))
        fields = (("chair", "présidence", lambda p, c: a.partner_name(p, c.chair) if c.chair else "—"),
                  ("meetings_per_year", "réunions par an", lambda p, c: str(c.meetings_per_year or "—")),
                  ("decision_rule", "règle de décision",
                   lambda p, c: referential.label("decision_rules", c.decision_rule) if c.decision_rule else "—"))
        for key, name, show_c in fields:
            b, n = show_c(old, oc_), show_c(new, nc_)
            if b != n:
                ch.append(Change("governance", "modified", f"{label} : {name}", b, n, f"{attr}.{key}"))
    order = list(FAMILIES)
    d.changes = sorted(ch, key=lambda c: order.index(c.family))  # stable: order within a family kept
    return d


# --- text for people -------------------------------------------------------------------------------


def as_text(d: Diff, old_name: str, new_name: str) -> str:
    """The changes in French, family by family (amounts per partner and year before → after)."""
    if not d:
        return f"Aucun changement entre {old_name} et {new_name}.\n"
    lines = [f"Changements de {old_name} à {new_name} : {plural(len(d.changes), 'changement')}.", ""]
    for fam in d.families():
        f = FAMILIES[fam]
        where = f" — article « {f.article} »" if f.article else ""
        lines.append(f"{f.label}{where}{' (unanimité requise)' if f.unanimity else ''}")
        for c in d.of(fam):
            when = f"{c.year} : " if c.year is not None else ""
            if c.kind == "added" and c.before is None:
                text = f"ajout — {c.after}"
            elif c.kind == "removed" and c.after is None:
                text = f"retrait — était {c.before}"
            elif c.before is None or c.after is None:
                text = c.before or c.after or ""
            else:
                text = f"{c.before} → {c.after}"
            delta = c.delta
            if delta:
                text += f" ({'+' if delta > 0 else '−'}{money(abs(delta))})"
            lines.append(f"  - {c.subject} : {when}{text}")
        lines.append("")
    return "\n".join(lines)


def as_json(d: Diff, old_name: str, new_name: str) -> dict:
    return {"version": 1, "before": old_name, "after": new_name, "changed": bool(d),
            "joining": d.joining, "leaving": d.leaving,
            "families": d.families(), "changes": [c.as_dict() for c in d.changes]}
