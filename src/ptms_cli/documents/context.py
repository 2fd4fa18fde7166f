"""Project -> template context: a plain, JSON-serialisable dict. PURE: no files, no clock, no Word.

Every label shown in a document comes from the model's field titles (`labels`) or from the
referential (`*_label` keys); every amount comes formatted (`12 345,67 €`) and in words; every date
in the long French form. Templates only lay these values out.
"""

from __future__ import annotations

import re
import typing
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel

from .. import frformat, referential
from ..derived import Derived
from ..model import Project
from . import context_staffing
from . import formatting as fmt
from .context_documents import appellation, documents_context
from .context_legal import legal_context, legal_references
from .context_operators import operators_context

# Legal references quoted in the cahier des charges (the convention's visas: `context_legal`), from
# `data/legal.yaml`: the common visas, the AFNOR norm and the CPO circulaire in force.
LEGAL_REFERENCES: list[str] = legal_references()

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not representable in XML (keeps \t and \n)


def _clean(value: str | None) -> str:
    """Text as the user typed it, minus characters XML cannot hold; CRLF -> LF."""
    if value is None:
        return ""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _sentence(value: str | None) -> str:
    """A free text the documents print as a whole sentence: cleaned, ending with a full stop."""
    text = _clean(value).strip()
    return text + "." if text and text[-1] not in ".!?…»)" else text


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _models(annotation) -> list[type[BaseModel]]:
    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    for arg in typing.get_args(annotation):
        found.extend(_models(arg))
    return found


def field_labels() -> dict[str, dict[str, str]]:
    """{model name in snake case: {field: French title}} for every model reachable from Project.

    A fresh copy each time (it goes into a context); the titles are read from the model classes,
    which do not change while the process runs, once.
    """
    return {model: dict(titles) for model, titles in _field_labels().items()}


@cache
def _field_labels() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    todo: list[type[BaseModel]] = [Project]
    while todo:
        model = todo.pop()
        key = _snake(model.__name__)
        if key in out:
            continue
        out[key] = {}
        for name, info in model.model_fields.items():
            out[key][name.rstrip("_")] = info.title or name
            todo.extend(_models(info.annotation))
    return dict(sorted(out.items()))


def _field_label(p: Project, field_id: str) -> str:
    return p.custom_fields.get(field_id) or referential.label("fields", field_id)


def _representative(r) -> dict | None:
    if r is None:
        return None
    d = {"name": _clean(r.name), "title": _clean(r.title), "civility": r.civility or "",
         "decision": _clean(r.decision),
         "decision_date": fmt.long_date(r.decision_date)}
    d["appellation"] = appellation(d)  # « Monsieur le Président », for a letter's salutation
    return d


def _contact(c) -> dict | None:
    if c is None:
        return None
    d = {k: _clean(getattr(c, k)) for k in ("name", "function", "email", "phone")}
    d["text"] = "\n".join(x for x in (", ".join(x for x in (d["name"], d["function"]) if x), d["email"], d["phone"]) if x)
    return d


def _partner(p: Project, x) -> dict:
    return {
        "id": x.id,
        "name": _clean(x.name),
        "kind": x.kind,
        "kind_label": referential.label("partner_kinds", x.kind),
        "roles": list(x.roles),
        "roles_label": fmt.label_list([referential.label("partner_roles", r) for r in x.roles]) or "—",
        "status": x.status,
        "status_label": referential.label("mobilization_statuses", x.status),
        "address": _clean(x.address),
        "siret": x.siret or "",
        "population": frformat.quantity(x.population),
        "representative": _representative(x.representative),
        "contact": _contact(x.contact),
        "fields_label": fmt.label_list([_field_label(p, f) for f in x.fields]) or "—",
        "needs": [
            {
                "field_label": _field_label(p, n.field),
                "sectors_label": fmt.join([_sector_name(p, s) for s in n.sectors], last=", ") or "tout le territoire",
                "description": _clean(n.description),
                "hours_per_week": frformat.quantity(n.hours_per_week) if n.hours_per_week is not None else "",
            }
            for n in x.needs
        ],
        "notes": _clean(x.notes),
    }


def _sector_name(p: Project, sector_id: str) -> str:
    s = next((x for x in p.territory.sectors if x.id == sector_id), None)
    return _clean(s.name) if s else sector_id


def _partner_name(p: Project, partner_id: str | None) -> str:
    if partner_id is None:
        return ""
    x = p.partner(partner_id)
    return _clean(x.name) if x else partner_id


def _hour(hhmm: str) -> str:
    """« 09:00 » -> « 9 h », « 17:30 » -> « 17 h 30 »."""
    h, m = hhmm.split(":")
    return f"{int(h)} h" + (f" {m}" if m != "00" else "")


def _slots(slots) -> str:
    out = []
    for t in slots:
        days = fmt.join([referential.label("weekdays", d).lower() for d in t.days], last=" et ")
        out.append(f"{days} de {_hour(t.start)} à {_hour(t.end)}")
    return " ; ".join(out)


def _territory(p: Project) -> dict:
    t = p.territory
    return {
        "name": _clean(t.name),
        "kind": t.kind,
        "kind_label": referential.label("territory_kinds", t.kind),
        "department": _clean(t.department),
        "communes": [_clean(c) for c in t.communes],
        "communes_label": fmt.join([_clean(c) for c in t.communes]),
        "population": frformat.quantity(t.population),
        "qpv": [{"name": _clean(q.name), "code": q.code or "", "commune": _clean(q.commune)} for q in t.qpv],
        "qpv_count_label": fmt.count_text(len(t.qpv), "quartier prioritaire", "quartiers prioritaires")
        + " de la politique de la ville" if t.qpv else "",
        "sectors": [
            {"id": s.id, "name": _clean(s.name), "commune": _clean(s.commune), "qpv": s.qpv, "qpv_label": fmt.yes_no(s.qpv)}
            for s in t.sectors
        ],
    }


def _period(p: Project) -> dict | None:
    from .context_funding import period_context

    return period_context(p)


def _service(p: Project) -> dict | None:
    s = p.service
    if s is None:
        return None
    fte_total = sum((x.fte * x.count for x in s.posts), Decimal(0))
    return {
        "name": _clean(s.name),
        "operator": _partner(p, p.partner(s.operator)) if p.partner(s.operator) else {"id": s.operator, "name": s.operator},
        "legal_form": _clean(s.legal_form),
        "purposes": [referential.label("purposes", x) for x in s.purposes],
        "activities": [referential.label("activities", x) for x in s.activities],
        "fields": [_field_label(p, f) for f in s.fields],
        "fields_label": fmt.label_list([_field_label(p, f) for f in s.fields]),
        "sectors": [
            {
                "name": _sector_name(p, x.sector),
                "hours_per_week": frformat.quantity(x.hours_per_week),
                "priority": x.priority,
                "priority_label": "Prioritaire (renforcement)" if x.priority else "Couverture de droit commun",
                "fields_label": fmt.label_list([_field_label(p, f) for f in (x.fields or s.fields)]),
                "time_slots": _slots(x.time_slots) or "à définir en comité technique",
            }
            for x in s.sectors
        ],
        "hours_per_week": frformat.quantity(sum(x.hours_per_week for x in s.sectors)),
        "posts": [
            {
                "title": _clean(x.title),
                "count": x.count,
                "fte": frformat.quantity(x.fte.normalize()),
                "contract_label": referential.label("contract_types", x.contract),
                "start": fmt.long_date(x.start),
                "end": fmt.long_date(x.end),
                "dates": (f"du {fmt.long_date(x.start)} au {fmt.long_date(x.end)}" if x.start and x.end
                          else f"à partir du {fmt.long_date(x.start)}" if x.start else "durée du projet"),
                "sectors_label": fmt.join([_sector_name(p, z) for z in x.sectors], last=", ") or "tous les secteurs",
            }
            for x in s.posts
        ],
        "fte_total": frformat.quantity(fte_total.normalize()),
        "supervision": {
            "description": _sentence(s.supervision.description) if s.supervision else "",
            "fte": frformat.quantity(s.supervision.fte.normalize()) if s.supervision and s.supervision.fte is not None else "",
        },
        "training": [
            {
                "title": _clean(t.title), "provider": _clean(t.provider), "certification": _clean(t.certification),
                "hours": frformat.quantity(t.hours) if t.hours is not None else "", "year": str(t.year or ""),
                "audience": _clean(t.audience), "pooled_label": fmt.yes_no(t.pooled),
            }
            for t in s.training
        ],
        "reporting": {
            "tool": _sentence(s.reporting.tool) if s.reporting else "",
            "frequency": referential.label("frequencies", s.reporting.frequency).lower()
            if s.reporting and s.reporting.frequency else "",
        },
        "charter": _sentence(s.charter),
        "resources": _sentence(s.resources),
        "selection": _sentence(s.selection),
    }


def _funding(p: Project, derived: Derived) -> dict | None:
    from .context_funding import funding_context

    return funding_context(p, derived, _partner_name)


def _committee(p: Project, c) -> dict | None:
    if c is None:
        return None
    return {
        "members": [_partner_name(p, m) for m in c.members],
        "members_label": fmt.join([_partner_name(p, m) for m in c.members]),
        "chair": _partner_name(p, c.chair),
        "meetings_per_year": c.meetings_per_year,
        "meetings_label": fmt.count_words(c.meetings_per_year, "fois", "fois") + " par an"
        if c.meetings_per_year else "",
        "decision_rule": referential.label("decision_rules", c.decision_rule).lower() if c.decision_rule else "",
        "role": _clean(c.role),
    }


def _evaluation(p: Project) -> dict | None:
    e = p.evaluation
    if e is None:
        return None
    statements = {o.id: _clean(o.statement) for o in p.objectives}
    numbers = {o.id: i for i, o in enumerate(p.objectives, 1)}
    return {
        "lead": _partner_name(p, e.lead),
        "method": _sentence(e.method),
        "registers": list(referential.REGISTERS.values()),
        "indicators": [
            {
                "label": _clean(i.label),
                "objective": statements.get(i.objective or "", ""),
                "objective_number": str(numbers.get(i.objective or "", "")),
                "register_label": referential.label("registers", i.register_),
                "level_label": referential.label("levels", i.level),
                "measure": _clean(i.measure),
                "baseline": _clean(i.baseline) or "—",
                "target": _clean(i.target) or "—",
                "source": _clean(i.source) or "—",
                "frequency": referential.label("frequencies", i.frequency) if i.frequency else "—",
            }
            for i in e.indicators
        ],
    }


def _convention(p: Project) -> dict | None:
    c = p.convention
    if c is None:
        return None
    from .context_funding import convention_term

    term = convention_term(p)
    dp = c.data_protection
    return {
        "title": _clean(c.title),
        "start": term["start"],
        "end": term["end"],
        "duration": term["duration"],
        "payment_schedule": [{"label": _clean(x.label), "percent": frformat.rate(x.percent)} for x in c.payment_schedule],
        "reports_due": fmt.count_words(c.reports_due_months, "mois", "mois"),
        "notice": fmt.count_words(c.termination_notice_months, "mois", "mois"),
        "court": _clean(c.court),
        "data_protection": {
            "roles": [{"partner": _partner_name(p, r.partner), "role_label": referential.label("data_roles", r.role)}
                      for r in dp.roles],
            "contact_point": _partner_name(p, dp.contact_point),
            "joint": any(r.role == "joint_controller" for r in dp.roles),
            "processor": any(r.role == "processor" for r in dp.roles),
        } if dp else None,
        "signing_place": _clean(c.signing_place),
        "signing_date": fmt.long_date(c.signing_date),
        "communication": _sentence(c.communication),
    }


def _coverage(p: Project, derived: Derived) -> dict:
    """The coverage diagnosis (`ptms_cli.coverage`), plus French sentences for the documents."""
    from .. import coverage

    matrix = derived.coverage
    data = coverage.coverage_as_dict(matrix)
    fields = {f["id"]: f["label"] for f in data["fields"]}
    sectors = {x["id"]: x["label"] for x in data["sectors"]}
    data["summary_text"] = {v: coverage.view_summary(matrix, v) for v in coverage.VIEWS}
    data["gaps"] = [f"{fields[c['field']]} — {sectors[c['sector']]}" for c in data["cells"] if c["before"] == "gap"]
    actors = {a.id: _clean(a.name) for a in p.actors}
    data["overlaps"] = [f"{fields[c['field']]} — {sectors[c['sector']]} : "
                        f"{fmt.join([actors.get(a, a) for a in c['actors']])}"
                        for c in data["cells"] if c["before"] == "overlap"]
    data["uncovered"] = [f"{fields[u['field']]} — {sectors[u['sector']]} (besoin exprimé par "
                         f"{_partner_name(p, u['partner'])})" for u in data["uncovered_needs"]]
    return data


def document_date(p: Project) -> date | None:
    """The date a document carries (core properties): signing date, else project start. Never the clock."""
    if p.convention and p.convention.signing_date:
        return p.convention.signing_date
    return p.period.start if p.period else None


def build_context(p: Project, derived: Derived | None = None) -> dict[str, Any]:
    """The whole template context of a project (the same for every document).

    `derived`: the funding plan and coverage matrix of `p` already computed (`FileResult.derived` of
    its validation); without it they are computed here.
    """
    derived = Derived.for_project(p, derived)
    partners = [_partner(p, x) for x in p.partners]
    by_id = {x["id"]: x for x in partners}
    sign_ids = p.signatories()
    objectives = [
        {"number": i, "id": o.id, "statement": _clean(o.statement),
         "partners_label": fmt.join([_partner_name(p, x) for x in o.partners], last=", ") or "tous les partenaires",
         "fields_label": fmt.label_list([_field_label(p, f) for f in o.fields]) or "—"}
        for i, o in enumerate(p.objectives, 1)
    ]
    ctx: dict[str, Any] = {
        "project": {"name": _clean(p.name), "date": fmt.long_date(document_date(p))},
        "labels": field_labels(),
        "legal_references": LEGAL_REFERENCES,
        "territory": _territory(p),
        "period": _period(p),
        "contrat_de_ville": {
            "name": _clean(p.contrat_de_ville.name), "reference": _clean(p.contrat_de_ville.reference),
            "years_label": f"{p.contrat_de_ville.start_year}-{p.contrat_de_ville.end_year}"
            if p.contrat_de_ville.start_year and p.contrat_de_ville.end_year else "",
        } if p.contrat_de_ville else None,
        "lead": by_id.get(p.lead_partner or ""),
        "partners": partners,
        "partners_active": [x for x in partners if x["status"] != "declined"],
        "partners_count": len(partners),
        "committed_count": sum(x["status"] == "committed" for x in partners),
        "objectives": objectives,
        "actors": [
            {"name": _clean(a.name), "partner": _partner_name(p, a.partner) or "—",
             "fields_label": fmt.label_list([_field_label(p, f) for f in a.fields]) or "—",
             "sectors_label": fmt.join([_sector_name(p, s) for s in a.sectors], last=", ") or "—",
             "hours_per_week": frformat.quantity(a.hours_per_week) if a.hours_per_week is not None else "—",
             "time_slots": _clean(a.time_slots) or "—"}
            for a in p.actors
        ],
        "needs": [dict(need, partner=x["name"]) for x in partners for need in x["needs"]],
        "calendar": [{"date": fmt.long_date(m.date), "label": _clean(m.label)} for m in sorted(p.calendar, key=lambda m: m.date)],
        "activities_all": list(referential.ACTIVITIES.values()),
        "purposes_all": list(referential.PURPOSES.values()),
        "service": _service(p),
        "operators": operators_context(p),
        "funding": _funding(p, derived),
        "governance": {
            "steering": _committee(p, p.governance.steering_committee),
            "technical": _committee(p, p.governance.technical_committee),
        } if p.governance else None,
        "evaluation": _evaluation(p),
        "convention": _convention(p),
        "signatories": [by_id[i] for i in sign_ids if i in by_id],
        "copies_label": fmt.count_words(len(sign_ids), "exemplaire original", "exemplaires originaux"),
        "coverage": _coverage(p, derived),
        "legal": legal_context(p, derived),
    }
    context_staffing.extend(ctx, p, derived)  # staffing from the posts' dates, partners' participation dates
    ctx.update(documents_context(p, derived, ctx))
    return ctx


def letter_context(context: dict, partner_id: str) -> dict:
    """Context of the letter of intent of one partner: the project context plus `partner`."""
    partner = next(x for x in context["partners"] if x["id"] == partner_id)
    return {**context, "partner": partner, "letter": context["letters"][partner_id]}
