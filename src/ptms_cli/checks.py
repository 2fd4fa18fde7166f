"""Cross-field rules: small pure functions over a valid `Project`, yielding located problems.

A check yields `Problem`s (code, French message, path in the file, hint). `validation.py` turns the
path into file:line:column. Other modules (funding, coverage) add their own checks to `CHECKS`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from . import referential
from .derived import Derived
from .model import Project


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    loc: tuple = ()
    hint: str = ""
    key: bool = False  # point at the key rather than the value


# A check: (project, step asked by --step or None, what is computed once per run: funding plan and
# coverage matrix, see `ptms_cli.derived`) -> problems.
Check = Callable[[Project, "int | None", Derived], Iterable[Problem]]


def _suggest(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" : vouliez-vous dire « {close[0]} » ?" if close else ""


def check_unique_ids(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    groups: list[tuple[str, tuple, list]] = [
        ("partenaire", ("partners",), p.partners),
        ("objectif", ("objectives",), p.objectives),
        ("acteur", ("actors",), p.actors),
        ("secteur", ("territory", "sectors"), p.territory.sectors),
    ]
    if p.service:
        groups.append(("poste", ("service", "posts"), p.service.posts))
    if p.budget:
        groups.append(("type de poste", ("budget", "post_types"), p.budget.post_types))
    if p.funding:
        groups.append(("ressource", ("funding", "resources"), p.funding.resources))
    if p.evaluation:
        groups.append(("indicateur", ("evaluation", "indicators"), p.evaluation.indicators))
    for what, base, items in groups:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                yield Problem("PTMS-E020", f"identifiant de {what} « {item.id} » en double (déjà utilisé en position {seen[item.id] + 1})",
                              base + (i, "id"), "Chaque identifiant doit être unique dans sa liste.")
            else:
                seen[item.id] = i


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


def check_references(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
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
            yield Problem("PTMS-E021", f"{label} « {ref} » : aucun {noun} n'a cet identifiant{_suggest(ref, ids)}", loc,
                          f"Identifiants définis dans {where} : {', '.join(sorted(ids)) or '(aucun)'}.")
    if p.service and p.service.operator not in targets["partner"][0]:
        ids = targets["partner"][0]
        yield Problem("PTMS-E032", f"l'opérateur « {p.service.operator} » n'est pas un partenaire du projet{_suggest(p.service.operator, ids)}",
                      ("service", "operator"), "Ajoutez l'opérateur dans « partners » avec le rôle « operator ».")


def _field_refs(p: Project) -> Iterator[tuple[tuple, str]]:
    for i, partner in enumerate(p.partners):
        for j, f in enumerate(partner.fields):
            yield ("partners", i, "fields", j), f
        for j, need in enumerate(partner.needs):
            yield ("partners", i, "needs", j, "field"), need.field
    for i, o in enumerate(p.objectives):
        for j, f in enumerate(o.fields):
            yield ("objectives", i, "fields", j), f
    for i, a in enumerate(p.actors):
        for j, f in enumerate(a.fields):
            yield ("actors", i, "fields", j), f
    if p.service:
        for j, f in enumerate(p.service.fields):
            yield ("service", "fields", j), f
        for i, sec in enumerate(p.service.sectors):
            for j, f in enumerate(sec.fields):
                yield ("service", "sectors", i, "fields", j), f


def check_fields(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    known = set(referential.FIELDS) | set(p.custom_fields)
    for loc, f in _field_refs(p):
        if f not in known:
            yield Problem("PTMS-E022", f"champ d'intervention « {f} » inconnu{_suggest(f, known)}", loc,
                          "Champs du référentiel : " + ", ".join(referential.FIELDS)
                          + ". Pour un autre champ, déclarez-le dans « custom_fields ».")


def _years_used(p: Project) -> Iterator[tuple[tuple, int]]:
    if p.budget:
        for i, line in enumerate(p.budget.lines):
            for y in line.amounts:
                yield ("budget", "lines", i, "amounts", y), y
    if p.funding:
        for i, r in enumerate(p.funding.resources):
            for y in r.amounts:
                yield ("funding", "resources", i, "amounts", y), y
        for i, c in enumerate(p.funding.contributions):
            for y in c.amounts:
                yield ("funding", "contributions", i, "amounts", y), y
    if p.service:
        for i, t in enumerate(p.service.training):
            if t.year is not None:
                yield ("service", "training", i, "year"), t.year


def check_years(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.period is None or not p.period.years:
        return
    years = p.period.years
    for loc, y in _years_used(p):
        if y not in years:
            yield Problem("PTMS-E031", f"l'année {y} est hors de la période du projet ({years[0]}-{years[-1]})", loc,
                          "Corrigez l'année ou la période (« period »).", key=loc[-2] == "amounts")


def check_dates(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.period and p.period.end <= p.period.start:
        yield Problem("PTMS-E034", "la fin du projet précède son début", ("period", "end"))
    cdv = p.contrat_de_ville
    if cdv and cdv.start_year and cdv.end_year and cdv.end_year < cdv.start_year:
        yield Problem("PTMS-E034", "le contrat de ville finit avant de commencer", ("contrat_de_ville", "end_year"))
    if p.service:
        for i, post in enumerate(p.service.posts):
            loc = ("service", "posts", i)
            if post.start and post.end and post.end <= post.start:
                yield Problem("PTMS-E034", f"poste « {post.id} » : la fin précède le début", loc + ("end",))
            if post.contract == "adulte_relais":
                if not (post.start and post.end):
                    yield Problem("PTMS-E034", f"poste adulte-relais « {post.id} » : dates de la convention d'aide manquantes",
                                  loc, "Indiquez « start » et « end » de la convention (3 ans, renouvelable).")
                elif post.end > _add_years(post.start, 3):
                    yield Problem("PTMS-E034", f"poste adulte-relais « {post.id} » : une convention adulte-relais dure au plus 3 ans",
                                  loc + ("end",), "Au-delà, déclarez un renouvellement comme un nouveau poste.")
            if post.contract == "pec":
                if post.aid_rate is not None and not (0.3 <= float(post.aid_rate) <= 0.6):
                    yield Problem("PTMS-E034", f"poste PEC « {post.id} » : le taux d'aide doit être entre 0,30 et 0,60",
                                  loc + ("aid_rate",))
                if not post.end:
                    yield Problem("PTMS-E034", f"poste PEC « {post.id} » : date de fin du contrat aidé manquante",
                                  loc, "Un PEC dure de 9 à 12 mois, renouvelable : indiquez « end ».")
    if p.convention and p.convention.start and p.period:
        if not (p.period.start <= p.convention.start <= p.period.end):
            yield Problem("PTMS-E034", "la convention prend effet hors de la période du projet", ("convention", "start"))


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def signatories(p: Project) -> list[str]:
    """Ids of the partners who sign the convention."""
    if p.convention and p.convention.signatories:
        return list(p.convention.signatories)
    return [x.id for x in p.partners if "signatory" in x.roles]


def check_signatures(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.convention is None and (step or 0) < 3:
        return
    signing = set(signatories(p))
    for i, partner in enumerate(p.partners):
        if "funder" in partner.roles and partner.id not in signing and partner.status != "declined":
            yield Problem("PTMS-E033", f"le financeur « {partner.id} » ne signe pas la convention", ("partners", i, "roles"),
                          "Tout financeur est partie à la convention : ajoutez le rôle « signatory ».")
    if p.convention and p.convention.payment_schedule:
        total = sum(x.percent for x in p.convention.payment_schedule)
        if total != 100:
            yield Problem("PTMS-E035", f"l'échéancier de versement totalise {total} % au lieu de 100 %",
                          ("convention", "payment_schedule"))


def check_indicators(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.evaluation is None:
        return
    measured = {i.objective for i in p.evaluation.indicators}
    for i, o in enumerate(p.objectives):
        if o.id not in measured:
            yield Problem("PTMS-W041", f"l'objectif « {o.id} » n'a aucun indicateur d'évaluation", ("objectives", i, "id"),
                          "Ajoutez un indicateur dans « evaluation.indicators » avec « objective: " + o.id + " ».")


def check_representatives(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    signing = set(signatories(p))
    for i, partner in enumerate(p.partners):
        if partner.id in signing and partner.status == "committed" and partner.representative is None:
            yield Problem("PTMS-W042", f"le signataire engagé « {partner.id} » n'a pas de représentant légal",
                          ("partners", i), "Renseignez « representative » (nom, qualité, décision) avant la convention.")


# --- step completeness ------------------------------------------------------------------------

STEPS = {
    1: "Mobiliser et fédérer les partenaires",
    2: "Définir les besoins et le cahier des charges",
    3: "Signer la convention unique",
}


STEP_COMMANDS = {1: "mobilize", 2: "specify", 3: "convene"}


def missing_for_step(p: Project, step: int) -> list[tuple[int, str, tuple]]:
    """What step `step` (and the steps before it) still needs: (step, French description, location)."""
    out: list[tuple[int, str, tuple]] = []
    if step >= 1:
        if p.period is None:
            out.append((1, "la période du projet (« period »)", ()))
        if p.lead_partner is None:
            out.append((1, "le partenaire pilote (« lead_partner »)", ()))
        if not p.territory.sectors:
            out.append((1, "les secteurs du territoire (« territory.sectors »)", ("territory",)))
        if len(p.partners) < 2:
            out.append((1, "au moins deux partenaires (« partners »)", ()))
        elif not any(x.status == "committed" for x in p.partners):
            out.append((1, "au moins un partenaire engagé (statut « committed »)", ("partners",)))
        if not p.objectives:
            out.append((1, "au moins un objectif partagé (« objectives »)", ()))
    if step >= 2:
        s = p.service
        if s is None:
            out.append((2, "le service mutualisé (« service »)", ()))
        else:
            for key, label in (("activities", "les activités"), ("sectors", "les secteurs couverts"), ("posts", "les postes")):
                if not getattr(s, key):
                    out.append((2, f"{label} du service (« service.{key} »)", ("service",)))
        if p.budget is None:
            out.append((2, "le budget (« budget »)", ()))
        if p.funding is None:
            out.append((2, "le plan de financement (« funding »)", ()))
    if step >= 3:
        if p.governance is None:
            out.append((3, "la gouvernance (« governance »)", ()))
        elif not p.governance.steering_committee.members:
            out.append((3, "les membres du comité de pilotage", ("governance", "steering_committee")))
        if p.evaluation is None or not p.evaluation.indicators:
            out.append((3, "les indicateurs d'évaluation (« evaluation.indicators »)", ()))
        else:
            measured = {i.objective for i in p.evaluation.indicators}
            for i, o in enumerate(p.objectives):
                if o.id not in measured:
                    out.append((3, f"un indicateur pour l'objectif « {o.id} »", ("objectives", i)))
        if p.convention is None:
            out.append((3, "les termes de la convention (« convention »)", ()))
        else:
            if not p.convention.court:
                out.append((3, "le tribunal compétent (« convention.court »)", ("convention",)))
            if not p.convention.payment_schedule:
                out.append((3, "l'échéancier de versement (« convention.payment_schedule »)", ("convention",)))
        ids = signatories(p)
        if not ids:
            out.append((3, "les signataires (rôle « signatory »)", ("partners",)))
        for pid in ids:
            partner = p.partner(pid)
            if partner is not None and partner.representative is None:
                i = p.partners.index(partner)
                out.append((3, f"le représentant du signataire « {pid} »", ("partners", i)))
    return out


def check_step(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if not step:
        return
    for at, what, loc in missing_for_step(p, step):
        yield Problem("PTMS-E040", f"étape {at} incomplète : il manque {what}", loc,
                      f"Complétez le projet avec « ptms {STEP_COMMANDS[at]} » ou en éditant le fichier.")


def check_funding(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    """Balance, allocation and alerts of the funding plan (PTMS-E030, E036, W030, W031, W032)."""
    from .funding import funding_problems

    yield from funding_problems(p, step, d)


def check_coverage(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    """PTMS-W050 (needs no planned service sector covers): see `coverage.check_coverage`."""
    from .coverage import check_coverage as run

    yield from run(p, step, d)


CHECKS: list[Check] = [
    check_unique_ids,
    check_references,
    check_fields,
    check_years,
    check_dates,
    check_signatures,
    check_indicators,
    check_representatives,
    check_coverage,
    check_step,
    check_funding,
]


def run(p: Project, step: int | None = None, derived: Derived | None = None) -> list[Problem]:
    """Every check of `CHECKS` on `p`. The funding plan and coverage matrix are computed once, in
    `derived` (made here unless given: pass one to keep them, see `ptms_cli.derived`)."""
    derived = Derived.for_project(p, derived)
    out: list[Problem] = []
    for check in CHECKS:
        out.extend(check(p, step, derived))
    return out
