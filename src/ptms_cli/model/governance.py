
from typing import Annotated

from .base import F, Id, Model, choice
from .refs import Ref


class Committee(Model):
    members: Annotated[list[Id], Ref("partners", "membre")] = F("Membres", "Identifiants des partenaires membres.", default_factory=list)
    chair: Annotated[Id | None, Ref("partners", "présidence")] = F("Présidence", "Identifiant du partenaire qui préside.", default=None)
    meetings_per_year: int | None = F("Réunions par an", default=None, ge=0, le=52)
    decision_rule: choice("decision_rules") | None = F("Règle de décision", default=None)
    role: str | None = F("Missions du comité", default=None)


class Governance(Model):
    steering_committee: Committee = F(
        "Comité de pilotage", "Instance politique : orientations, budget, évaluation."
    )
    technical_committee: Committee | None = F(
        "Comité technique", "Instance opérationnelle : suivi des actions, coordination.", default=None
    )
