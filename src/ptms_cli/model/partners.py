

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from .base import EMAIL_PATTERN, SIRET_PATTERN, Date, F, Id, Model, Ratio, Text, choice
from .refs import Ref


class Representative(Model):
    name: Text = F("Nom du représentant", "Personne qui signe pour le partenaire.")
    title: Text = F("Qualité", "Ex. « Maire », « Directeur général ».")
    decision: str | None = F(
        "Décision autorisant la signature", "Ex. « délibération n° 2026-045 du conseil municipal ».", default=None
    )
    decision_date: Date | None = F("Date de la décision", default=None)
    civility: Literal["madame", "monsieur"] | None = F(
        "Civilité", "« madame » ou « monsieur » : appel et formule de politesse des lettres (« Monsieur le Président, »).",
        default=None)


class Contact(Model):
    name: str | None = F("Nom du contact", default=None)
    function: str | None = F("Fonction", default=None)
    email: str | None = F(
        "Courriel professionnel", default=None, pattern=EMAIL_PATTERN
    )
    phone: str | None = F("Téléphone professionnel", default=None)


class Need(Model):
    field: Annotated[Id, Ref("fields")] = F("Champ d'intervention", "Identifiant d'un champ (référentiel ou champ ajouté).")
    sectors: Annotated[list[Id], Ref("sectors")] = F("Secteurs concernés", "Identifiants des secteurs du territoire.", default_factory=list)
    description: str | None = F("Description du besoin", default=None)
    hours_per_week: float | None = F("Heures par semaine souhaitées", default=None, ge=0, le=168)


class Partner(Model):
    id: Id = F("Identifiant du partenaire")
    name: Text = F("Nom du partenaire")
    short_name: str | None = F("Nom court", "Désignation dans la convention, ex. « l'Agglomération ».", default=None)
    kind: choice("partner_kinds") = F("Type de partenaire")
    roles: list[choice("partner_roles")] = F(
        "Rôles", "Financeur, opérateur, prescripteur, bénéficiaire, signataire (plusieurs possibles).",
        default_factory=list,
    )
    status: choice("mobilization_statuses") = F(
        "Statut de mobilisation", "Où en est la mobilisation : identifié, contacté, intéressé, engagé ou a décliné.", default="identified"
    )
    address: str | None = F("Adresse du siège", default=None)
    siret: str | None = F("SIRET", default=None, pattern=SIRET_PATTERN)
    population: int | None = F("Population", "Pour une clé de répartition à la population.", default=None, ge=0, le=100_000_000)
    qpv_population: int | None = F(
        "Population en QPV", "Habitants des quartiers prioritaires, pour une clé à la population en QPV.",
        default=None, ge=0, le=100_000_000,
    )
    housing_units: int | None = F(
        "Logements", "Logements sociaux du bailleur sur le territoire, pour une clé aux logements.",
        default=None, ge=0, le=100_000_000,
    )
    attributes: dict[Id, Annotated[Decimal, Field(ge=0, le=1_000_000_000), Ratio]] = F(
        "Attributs de répartition", "Valeurs des attributs déclarés dans « funding.allocation.attributes ».",
        default_factory=dict,
    )
    representative: Representative | None = F("Représentant légal", default=None)
    contact: Contact | None = F("Contact professionnel", default=None)
    fields: Annotated[list[Id], Ref("fields")] = F("Champs d'intérêt", default_factory=list)
    needs: list[Need] = F("Besoins exprimés", default_factory=list)
    notes: str | None = F("Notes", default=None)
    reply_by: Date | None = F(
        "Réponse attendue le", "Date à laquelle la décision du partenaire est attendue (dossier de mobilisation).",
        default=None)
    from_: Date | None = F(
        "Entrée dans le projet", "Date à laquelle le partenaire rejoint le projet ; vide : dès le début.",
        default=None, alias="from",
    )
    until: Date | None = F(
        "Sortie du projet", "Dernier jour de participation du partenaire ; vide : jusqu'à la fin.", default=None
    )


class Objective(Model):
    id: Id = F("Identifiant de l'objectif")
    statement: Text = F("Énoncé de l'objectif partagé")
    partners: Annotated[list[Id], Ref("partners")] = F("Partenaires concernés", default_factory=list)
    fields: Annotated[list[Id], Ref("fields")] = F("Champs d'intervention", default_factory=list)


class Actor(Model):
    id: Id = F("Identifiant de l'acteur")
    name: Text = F("Nom de l'acteur de médiation existant")
    partner: Annotated[Id | None, Ref("partners", "partenaire employeur")] = F("Partenaire employeur", "Partenaire qui l'emploie, s'il en est un.", default=None)
    fields: Annotated[list[Id], Ref("fields")] = F("Champs couverts", default_factory=list)
    sectors: Annotated[list[Id], Ref("sectors")] = F("Secteurs couverts", default_factory=list)
    hours_per_week: float | None = F("Heures par semaine", default=None, ge=0, le=10000)
    time_slots: str | None = F("Horaires", "Ex. « du lundi au vendredi, 16 h – 20 h ».", default=None)
    future: Literal["absorbed", "coordinated", "stop"] | None = F(
        "Avenir avec le service", "« absorbed » (intégré au service), « coordinated » (coordonné par le service) "
        "ou « stop » (arrêté) : le cahier des charges le dit, avec ce que devient son financement.", default=None)


class Milestone(Model):
    date: Date = F("Date")
    label: Text = F("Étape", "Ex. « Réunion de lancement des partenaires ».")
