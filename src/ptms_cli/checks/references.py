"""References: every id that points at a partner, sector, objective or post type exists (PTMS-E021, E032)."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project
from .base import suggest


def _references(p: Project) -> Iterator[tuple[str, str, tuple, str | None]]:
    """(kind of target, label, location, referenced id) for every reference in the project."""
    yield "partner", "partenaire pilote", ("lead_partner",), p.lead_partner
    for i, o in enumerate(p.objectives):
        for j, ref in enumerate(o.partners):
            yield "partner", "partenaire", ("objectives", i, "partners", j), ref
    for i, a in enumerate(p.actors):
        yield "partner", "partenaire employeur", ("actors", i, "partner"), a.partner
        for j, ref in enumerate(a.sectors):
            yield "sector", "secteur", ("actors", i, "sectors", j), ref
    for i, partner in enumerate(p.partners):
        for j, need in enumerate(partner.needs):
            for k, ref in enumerate(need.sectors):
                yield "sector", "secteur", ("partners", i, "needs", j, "sectors", k), ref
    if p.service:
        s = p.service
        for i, sec in enumerate(s.sectors):
            yield "sector", "secteur", ("service", "sectors", i, "sector"), sec.sector
        for i, post in enumerate(s.posts):
            yield "post_type", "type de poste", ("service", "posts", i, "post_type"), post.post_type
            for j, ref in enumerate(post.sectors):
                yield "sector", "secteur", ("service", "posts", i, "sectors", j), ref
    if p.funding:
        for i, r in enumerate(p.funding.resources):
            yield "partner", "partenaire", ("funding", "resources", i, "partner"), r.partner
        for i, c in enumerate(p.funding.contributions):
            yield "partner", "partenaire", ("funding", "contributions", i, "partner"), c.partner
        if p.funding.allocation:
            for i, share in enumerate(p.funding.allocation.partners):
                yield "partner", "partenaire", ("funding", "allocation", "partners", i, "partner"), share.partner
                for j, ref in enumerate(share.sectors):
                    yield "sector", "secteur", ("funding", "allocation", "partners", i, "sectors", j), ref
    if p.governance:
        for name in ("steering_committee", "technical_committee"):
            committee = getattr(p.governance, name)
            if committee is None:
                continue
            for i, ref in enumerate(committee.members):
                yield "partner", "membre", ("governance", name, "members", i), ref
            yield "partner", "présidence", ("governance", name, "chair"), committee.chair
    if p.evaluation:
        yield "partner", "pilote de l'évaluation", ("evaluation", "lead"), p.evaluation.lead
        for i, ind in enumerate(p.evaluation.indicators):
            yield "objective", "objectif", ("evaluation", "indicators", i, "objective"), ind.objective
    if p.convention:
        for i, ref in enumerate(p.convention.signatories):
            yield "partner", "signataire", ("convention", "signatories", i), ref
        dp = p.convention.data_protection
        if dp:
            for i, role in enumerate(dp.roles):
                yield "partner", "partenaire", ("convention", "data_protection", "roles", i, "partner"), role.partner
            yield "partner", "point de contact", ("convention", "data_protection", "contact_point"), dp.contact_point


def references(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    targets = {
        "partner": ({x.id for x in p.partners}, "partners", "partenaire"),
        "sector": ({x.id for x in p.territory.sectors}, "territory.sectors", "secteur"),
        "objective": ({x.id for x in p.objectives}, "objectives", "objectif"),
        "post_type": ({x.id for x in p.budget.post_types} if p.budget else set(), "budget.post_types", "type de poste"),
    }
    for kind, label, loc, ref in _references(p):
        if ref is None:
            continue
        ids, where, noun = targets[kind]
        if ref not in ids:
            yield Problem("PTMS-E021", f"{label} « {ref} » : aucun {noun} n'a cet identifiant{suggest(ref, ids)}", loc,
                          f"Identifiants définis dans {where} : {', '.join(sorted(ids)) or '(aucun)'}.")
    if p.service and p.service.operator not in targets["partner"][0]:
        ids = targets["partner"][0]
        yield Problem("PTMS-E032", f"l'opérateur « {p.service.operator} » n'est pas un partenaire du projet{suggest(p.service.operator, ids)}",
                      ("service", "operator"), "Ajoutez l'opérateur dans « partners » avec le rôle « operator ».")
