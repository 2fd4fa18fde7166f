
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from .base import Date, F, Id, Model, Money, Rate, Ratio, Text, Time, Year, choice
from .refs import Ref


class TimeSlot(Model):
    days: list[choice("weekdays")] = F("Jours", default_factory=list)
    start: Time = F("Heure de début", "Format HH:MM, ex. 16:00.")
    end: Time = F("Heure de fin", "Format HH:MM, ex. 20:00.")


class ServiceSector(Model):
    sector: Annotated[Id, Ref("sectors")] = F("Secteur", "Identifiant d'un secteur du territoire.")
    hours_per_week: float = F("Heures de présence par semaine", ge=0, le=10000)
    fields: Annotated[list[Id], Ref("fields")] = F("Champs couverts dans ce secteur", "Vide : tous les champs du service.", default_factory=list)
    time_slots: list[TimeSlot] = F("Créneaux", default_factory=list)
    priority: bool = F("Secteur prioritaire (renforcement)", default=False)


class Post(Model):
    id: Id = F("Identifiant du poste")
    title: Text = F("Intitulé du poste", "Ex. « Médiateur social ».")
    post_type: Annotated[Id | None, Ref("post_types")] = F("Type de poste (coût)", "Identifiant d'un type de poste du budget.", default=None)
    fte: Annotated[Decimal, Field(gt=0, le=1), Ratio] = F("Équivalent temps plein (ETP)", "Entre 0 et 1.", default=Decimal(1))
    count: int = F("Nombre de postes identiques", default=1, ge=1, le=500)
    contract: choice("contract_types") = F("Type de contrat", default="cdi")
    start: Date | None = F("Début", "Début du poste ou de la convention d'aide.", default=None)
    end: Date | None = F("Fin", "Fin du poste ou de la convention d'aide (adulte-relais : 3 ans).", default=None)
    aid_rate: Rate | None = F("Taux d'aide PEC", "Entre 0,30 et 0,60 du SMIC sur 20 h/semaine.", default=None)
    aid_hours_per_week: int | None = F("Heures aidées par semaine (PEC)", default=None, ge=1, le=35)
    sectors: Annotated[list[Id], Ref("sectors")] = F("Secteurs d'affectation", default_factory=list)
    continues: Annotated[Id | None, Ref("posts", "poste prolongé")] = F(
        "Prolonge le poste", "Poste que celui-ci prolonge avec les mêmes personnes (ex. un PEC puis un CDI).",
        default=None,
    )


class Supervision(Model):
    description: str | None = F("Encadrement", "Qui encadre les médiateurs, comment.", default=None)
    fte: Annotated[Decimal, Field(ge=0, le=100), Ratio] | None = F("ETP d'encadrement", default=None)


class Training(Model):
    title: Text = F("Formation")
    provider: str | None = F("Organisme", "Ex. CNFPT, AFPA, CNAM, France Médiation.", default=None)
    certification: str | None = F("Certification visée", "Ex. « Technicien médiateur social » (niveau 4).", default=None)
    hours: int | None = F("Durée (heures)", default=None, ge=0, le=5000)
    year: Year | None = F("Année", default=None)
    audience: str | None = F("Public", default=None)
    pooled: bool = F("Mutualisée entre structures", default=False)


class Reporting(Model):
    tool: str | None = F("Outil de suivi", "Ex. « tableau de bord partagé », logiciel de main courante.", default=None)
    frequency: choice("frequencies") | None = F("Fréquence des bilans", default=None)


class Subcontractor(Model):
    partner: Annotated[Id, Ref("partners", "opérateur sous-traitant")] = F(
        "Opérateur sous-traitant", "Partenaire (association, entreprise…) à qui l'opérateur confie une partie du service."
    )
    activities: list[choice("activities")] = F("Activités confiées", "Vide : toutes les activités du service.", default_factory=list)
    sectors: Annotated[list[Id], Ref("sectors")] = F("Secteurs confiés", "Vide : tous les secteurs du service.", default_factory=list)
    share: Rate | None = F("Part du coût confiée", "Part du coût annuel du service reversée au sous-traitant, ex. 0.15.", default=None)
    amount: Money | None = F("Montant annuel reversé", "Montant reversé chaque année au sous-traitant (au lieu d'une part).", default=None)


class SelectionCriterion(Model):
    label: Text = F("Critère de sélection", "Ex. « Qualité du projet de service ».")
    weight: Annotated[Decimal, Field(ge=0, le=100), Ratio] = F(
        "Pondération (%)", "Poids du critère en pourcentage ; les pondérations des critères totalisent 100.")


# The call for projects' criteria when the project gives none (`service.selection_criteria` empty).
DEFAULT_SELECTION_CRITERIA: tuple[tuple[str, int], ...] = (
    ("Compréhension des besoins du territoire et qualité du projet de service", 40),
    ("Professionnalisation : qualification, encadrement, formation et parcours des médiateurs", 25),
    ("Ancrage territorial, connaissance des partenaires et capacité de coordination", 15),
    ("Coût, soutenabilité financière et cofinancements mobilisés", 20),
)


class Service(Model):
    name: Text = F("Nom du service", "Ex. « Service intercommunal de médiation sociale ».")
    operator: Annotated[Id, Ref("partners", "opérateur", checked=False)] = F("Opérateur", "Partenaire qui porte le service.")
    legal_form: str | None = F("Forme de portage", "Ex. « régie municipale », « association », « GIP ».", default=None)
    purposes: list[choice("purposes")] = F("Raisons d'être de la médiation", default_factory=list)
    activities: list[choice("activities")] = F("Activités (référentiel des 9 activités)", default_factory=list)
    fields: Annotated[list[Id], Ref("fields")] = F("Champs d'intervention", default_factory=list)
    sectors: list[ServiceSector] = F("Secteurs couverts", default_factory=list)
    subcontractors: list[Subcontractor] = F(
        "Opérateurs sous-traitants", "Partenaires à qui l'opérateur principal confie des activités ou des secteurs.", default_factory=list
    )
    posts: list[Post] = F("Postes", default_factory=list)
    supervision: Supervision | None = F("Encadrement", default=None)
    training: list[Training] = F("Plan de formation", default_factory=list)
    reporting: Reporting | None = F("Suivi et bilans", default=None)
    charter: str | None = F("Posture et charte", "Principes déontologiques des médiateurs.", default=None)
    resources: str | None = F("Moyens matériels", "Locaux, véhicules, téléphones, tenues…", default=None)
    selection: str | None = F("Choix de l'opérateur", "Comment l'opérateur est désigné ou sélectionné.", default=None)
    selection_stage: Literal["call", "adopted"] | None = F(
        "Stade du choix de l'opérateur",
        "« call » : le cahier des charges sert à l'appel à projets (l'opérateur n'est pas encore choisi : il n'est "
        "pas nommé et ne signe pas de lettre d'intention) ; « adopted » (par défaut) : cahier adopté avec "
        "l'opérateur retenu.", default=None)
    selection_criteria: list[SelectionCriterion] = F(
        "Critères de sélection de l'appel à projets",
        "Critères et pondérations imprimés dans le cahier des charges de l'appel à projets (« selection_stage: "
        "call ») ; vide : les quatre critères par défaut (projet de service 40 %, professionnalisation 25 %, "
        "ancrage territorial 15 %, coût et cofinancements 20 %).", default_factory=list)
