"""The typed project: one YAML file = one territory's project across the three steps."""


from typing import Annotated, Literal

from ..model_cache import complete
from .base import F, Id, Model, Text
from .convention import Convention
from .evaluation import Evaluation
from .followup import FollowUp
from .funding import Budget, Funding, Parameters
from .governance import Governance
from .partners import Actor, Milestone, Objective, Partner
from .refs import Ref
from .service import Service
from .territory import ContratDeVille, Period, Territory

SCHEMA_VERSION = 1  # the one definition of the format version (the model, the wizards, the JSON Schema)


class Project(FollowUp):  # after signature: payments, results, actuals (model/followup.py)
    """Projet territorial de médiation sociale."""

    model_config = Model.model_config | {"title": "Projet territorial de médiation sociale (ptms)"}

    schema_version: Literal[SCHEMA_VERSION] = F("Version du format", "Toujours 1 pour cette version de ptms.")
    name: Text = F("Nom du projet", "Ex. « Projet territorial de médiation sociale de Villeneuve ».")
    territory: Territory = F("Territoire")
    period: Period | None = F("Période du projet", default=None)
    contrat_de_ville: ContratDeVille | None = F("Contrat de ville", default=None)
    lead_partner: Annotated[Id | None, Ref("partners", "partenaire pilote")] = F("Partenaire pilote", "Partenaire qui porte la démarche.", default=None)
    templates: str | None = F(
        "Dossier de modèles Word",
        "Chemin, relatif au fichier projet, d'un dossier de modèles personnalisés (voir « ptms templates export »).",
        default=None,
    )
    custom_fields: dict[Id, Text] = F(
        "Champs d'intervention ajoutés", "Champs hors référentiel : identifiant -> libellé.", default_factory=dict
    )
    # step 1
    partners: list[Partner] = F("Partenaires", default_factory=list)
    objectives: list[Objective] = F("Objectifs partagés", default_factory=list)
    actors: list[Actor] = F("Acteurs de médiation existants", "Pour le diagnostic.", default_factory=list)
    calendar: list[Milestone] = F("Calendrier de la démarche", default_factory=list)
    # step 2
    service: Service | None = F("Service mutualisé de médiation", default=None)
    budget: Budget | None = F("Budget (coûts)", default=None)
    parameters: Parameters | None = F("Paramètres datés", default=None)
    funding: Funding | None = F("Plan de financement", default=None)
    # step 3
    governance: Governance | None = F("Gouvernance", default=None)
    evaluation: Evaluation | None = F("Évaluation", default=None)
    convention: Convention | None = F("Convention unique", default=None)

    def partner(self, partner_id: str) -> Partner | None:
        return next((p for p in self.partners if p.id == partner_id), None)

    def signatories(self) -> list[str]:
        """Ids of the partners who sign the convention (`convention.signatories`, else the role « signatory »)."""
        if self.convention and self.convention.signatories:
            return list(self.convention.signatories)
        return [x.id for x in self.partners if "signatory" in x.roles]


# Every class defers its validator (`defer_build` in `base.Model`): `Project`'s is built here, once,
# or reread from the cache of this model's version (`model_cache`, issue 18: start-up time).
complete(Project)

__all__ = ["Project", "SCHEMA_VERSION"]
