
from typing import Annotated

from .base import F, Id, Model, choice
from .refs import Ref


class Committee(Model):
    members: Annotated[list[Id], Ref("partners", "membre")] = F("Membres", "Identifiants des partenaires membres.", default_factory=list)
    chair: Annotated[Id | None, Ref("partners", "présidence")] = F("Présidence", "Partenaire qui préside.", default=None)
    meetings_per_year: int | None = F("Réunions par an", default=None, ge=0, le=52)
    decision_rule: choice("decision_rules") | None = F("Règle de décision", default=None)
    role: str | None = F("Missions du comité", default=None)
    quorum: str | None = F("Quorum", "Vide : la moitié au moins des membres ayant voix délibérative, présents ou représentés.", default=None)
    proxies_per_member: int = F("Pouvoirs par membre", "Nombre de pouvoirs qu'un membre présent peut recevoir.", default=1, ge=0, le=10)
    convened_by: Annotated[Id | None, Ref("partners", "convocation")] = F("Convocation", "Partenaire qui convoque ; vide : la présidence.", default=None)
    notice_days: int = F("Délai de convocation (jours)", default=15, ge=1, le=90)
    secretariat: Annotated[Id | None, Ref("partners", "secrétariat")] = F("Secrétariat", "Partenaire qui tient le secrétariat ; vide : la présidence.", default=None)
    minutes_days: int = F("Délai d'envoi du compte rendu (jours)", default=15, ge=1, le=90)
    operator_votes: bool = F("L'opérateur a voix délibérative", "Par défaut il siège avec voix consultative.", default=False)
    budget_decided_by: choice("budget_deciders") = F(
        "Décisions financières", "Qui décide du budget et des contributions.", default="funders"
    )


class Governance(Model):
    steering_committee: Committee = F(
        "Comité de pilotage", "Instance politique : orientations, budget, évaluation."
    )
    technical_committee: Committee | None = F(
        "Comité technique", "Instance opérationnelle : suivi des actions, coordination.", default=None
    )
