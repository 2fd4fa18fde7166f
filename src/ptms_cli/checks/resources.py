"""Resources as real schemes hold them: status, decision, fallback, annual instruments
(PTMS-E080, W080, W081, W082)."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..funding.instruments import instrument
from ..model import Project
from ..referential import label


def resources(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.funding is None:
        return
    signing = p.convention is not None or (step or 0) >= 3
    keyed = p.funding.allocation is not None
    for i, r in enumerate(p.funding.resources):
        loc = ("funding", "resources", i)
        if r.fallback is not None and r.fallback == r.partner:
            yield Problem("PTMS-E080", f"la ressource « {r.id} » a pour partenaire de repli celui qui la verse",
                          loc + ("fallback",),
                          "Le partenaire de repli est celui qui prendrait le montant à sa charge si la ressource "
                          "était refusée : choisissez un autre partenaire, ou laissez vide pour la clé de répartition.")
        if r.status == "requested" and signing:
            who = (f"le partenaire « {r.fallback} » la prendrait à sa charge" if r.fallback
                   else "la clé de répartition la reporterait sur les partenaires" if keyed
                   else "aucun partenaire ne la prendrait à sa charge")
            yield Problem("PTMS-W080", f"la ressource « {r.id} » est seulement sollicitée et finance la convention : "
                          f"si elle est refusée, {who}", loc + ("status",),
                          "La convention la présente comme « sollicitée » ; « ptms funding » montre le plan si elle est "
                          "refusée. Indiquez « granted » et la décision dès qu'elle est accordée.")
        if r.status == "granted" and r.decision is None:
            yield Problem("PTMS-W081", f"la ressource « {r.id} » est accordée sans référence de décision", loc + ("status",),
                          "Ajoutez « decision » (référence et date de l'arrêté, de la délibération ou de la notification).")
        inst = instrument(r.kind)
        years = sorted(y for y, a in r.amounts.items() if a)
        if r.status == "granted" and inst.annual and len(years) > 1:
            yield Problem("PTMS-W082", f"la ressource « {r.id} » ({label('resource_kinds', r.kind)}) est attribuée chaque "
                          f"année mais accordée pour {len(years)} années ({years[0]}–{years[-1]})", loc + ("status",),
                          "Séparez l'année accordée (statut « granted ») des années suivantes (statut « planned »).")
