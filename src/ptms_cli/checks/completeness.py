"""Completeness of a step: what step N (and the steps before it) still needs (PTMS-E040 with `--step`).

`missing_for_step` is also what `ptms status`, the wizards and the document catalogue read."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project
from ..steps import STEP_COMMANDS


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
        ids = p.signatories()
        if not ids:
            out.append((3, "les signataires (rôle « signatory »)", ("partners",)))
        for pid in ids:
            partner = p.partner(pid)
            if partner is not None and partner.representative is None:
                i = p.partners.index(partner)
                out.append((3, f"le représentant du signataire « {pid} »", ("partners", i)))
    return out


def step_complete(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if not step:
        return
    for at, what, loc in missing_for_step(p, step):
        yield Problem("PTMS-E040", f"étape {at} incomplète : il manque {what}", loc,
                      f"Complétez le projet avec « ptms {STEP_COMMANDS[at]} » ou en éditant le fichier.")
