"""Completeness of a step: what step N (and the steps before it) still needs (PTMS-E040 with `--step`).

`missing_for_step` is also what `ptms status`, the wizards and the document catalogue read."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project
from ..steps import NUMBERS, STEP_COMMANDS


def _step1(p: Project) -> list[tuple[str, tuple]]:
    """Step 1: period, lead partner, sectors, partners (one committed), objectives."""
    out: list[tuple[str, tuple]] = []
    if p.period is None:
        out.append(("la période du projet (« period »)", ()))
    if p.lead_partner is None:
        out.append(("le partenaire pilote (« lead_partner »)", ()))
    if not p.territory.sectors:
        out.append(("les secteurs du territoire (« territory.sectors »)", ("territory",)))
    if len(p.partners) < 2:
        out.append(("au moins deux partenaires (« partners »)", ()))
    elif not any(x.status == "committed" for x in p.partners):
        out.append(("au moins un partenaire engagé (statut « committed »)", ("partners",)))
    if not p.objectives:
        out.append(("au moins un objectif partagé (« objectives »)", ()))
    return out


def _step2(p: Project) -> list[tuple[str, tuple]]:
    """Step 2: the service (activities, sectors, posts), the budget, the funding plan."""
    out: list[tuple[str, tuple]] = []
    s = p.service
    if s is None:
        out.append(("le service mutualisé (« service »)", ()))
    else:
        for key, label in (("activities", "les activités"), ("sectors", "les secteurs couverts"), ("posts", "les postes")):
            if not getattr(s, key):
                out.append((f"{label} du service (« service.{key} »)", ("service",)))
    if p.budget is None:
        out.append(("le budget (« budget »)", ()))
    if p.funding is None:
        out.append(("le plan de financement (« funding »)", ()))
    return out


def _step3(p: Project) -> list[tuple[str, tuple]]:
    """Step 3: governance, indicators, convention terms, signatories and their representatives."""
    out: list[tuple[str, tuple]] = []
    if p.governance is None:
        out.append(("la gouvernance (« governance »)", ()))
    elif not p.governance.steering_committee.members:
        out.append(("les membres du comité de pilotage", ("governance", "steering_committee")))
    if p.evaluation is None or not p.evaluation.indicators:
        out.append(("les indicateurs d'évaluation (« evaluation.indicators »)", ()))
    else:
        measured = {i.objective for i in p.evaluation.indicators}
        for i, o in enumerate(p.objectives):
            if o.id not in measured:
                out.append((f"un indicateur pour l'objectif « {o.statement} »", ("objectives", i)))
    if p.convention is None:
        out.append(("les termes de la convention (« convention »)", ()))
    else:
        if not p.convention.court:
            out.append(("le tribunal compétent (« convention.court »)", ("convention",)))
        if not p.convention.payment_schedule:
            out.append(("l'échéancier de versement (« convention.payment_schedule »)", ("convention",)))
    ids = p.signatories()
    if not ids:
        out.append(("les signataires (rôle « signatory »)", ("partners",)))
    for pid in ids:
        partner = p.partner(pid)
        if partner is not None and partner.representative is None:
            i = p.partners.index(partner)
            out.append((f"le représentant du signataire « {partner.name} »", ("partners", i)))
    return out


# What each step of the approach needs, by step number (`steps.NUMBERS`).
NEEDS = {1: _step1, 2: _step2, 3: _step3}


def missing_for_step(p: Project, step: int) -> list[tuple[int, str, tuple]]:
    """What step `step` (and the steps before it) still needs: (step, French description, location)."""
    return [(n, what, loc) for n in NUMBERS if n <= step for what, loc in NEEDS[n](p)]


def step_complete(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if not step:
        return
    for at, what, loc in missing_for_step(p, step):
        yield Problem("PTMS-E040", f"étape {at} incomplète : il manque {what}", loc,
                      f"Complétez le projet avec « ptms {STEP_COMMANDS[at]} » ou en éditant le fichier.")
