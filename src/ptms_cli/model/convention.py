
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from .base import Date, F, Id, Model, Ratio, Text, choice
from .refs import Ref


class Installment(Model):
    label: Text = F("Échéance", "Ex. « à la signature », « avant le 30 juin ».")
    percent: Annotated[Decimal, Field(gt=0, le=100), Ratio] = F("Part de la contribution annuelle (%)")


class DataRole(Model):
    partner: Annotated[Id, Ref("partners")] = F("Partenaire")
    role: choice("data_roles") = F("Rôle RGPD")


class Processing(Model):
    """The processing of the shared log (annex of the convention); every field has a default text."""

    purposes: str | None = F("Finalités", "Vide : suivi de l'activité du service et veille sociale partagée.", default=None)
    data_categories: str | None = F("Catégories de données", "Vide : identité, coordonnées, nature de la sollicitation et suites données.", default=None)
    persons: str | None = F("Personnes concernées", "Vide : habitants et usagers ayant recours au service.", default=None)
    legal_basis: str | None = F("Base légale", "Vide : mission d'intérêt public (RGPD, art. 6, 1, e).", default=None)
    retention: str | None = F("Durée de conservation", "Vide : données nominatives supprimées ou anonymisées un an après la dernière intervention.", default=None)
    recipients: str | None = F("Destinataires", "Vide : les médiateurs et leur encadrement ; les parties ne reçoivent que des données agrégées.", default=None)
    security: str | None = F("Mesures de sécurité", "Vide : accès nominatif et journalisé, hébergement dans l'Union européenne, sauvegardes.", default=None)
    dpo: list[str] = F("Délégués à la protection des données", "Contact du DPO de chaque responsable (nom, courriel).", default_factory=list)


class DataProtection(Model):
    roles: list[DataRole] = F("Rôles au sens du RGPD", default_factory=list)
    contact_point: Annotated[Id | None, Ref("partners", "point de contact")] = F("Point de contact unique", "Partenaire interlocuteur des personnes.", default=None)
    processing: Processing = F("Description du traitement", default_factory=Processing)


class BankAccount(Model):
    """The operator's bank details, printed in the payment article (never invented by ptms)."""

    holder: Text = F("Titulaire du compte")
    iban: Text = F("IBAN")
    bic: str | None = F("BIC", default=None)
    bank: str | None = F("Établissement bancaire", default=None)


class Payer(Model):
    partner: Annotated[Id, Ref("partners", "financeur")] = F("Partenaire financeur")
    authorizing_officer: str | None = F("Ordonnateur", "Ex. « le président du conseil départemental ».", default=None)
    accountant: str | None = F("Comptable assignataire", "Ex. « le payeur départemental du Nord ».", default=None)


class Convention(Model):
    title: Text = F("Intitulé de la convention", default="Convention pluripartite de médiation sociale")
    start: Date | None = F("Prise d'effet", "Par défaut, le début du projet.", default=None)
    duration_years: int | None = F(
        "Durée (années)", "Vide : la convention court exactement sur la période du projet (conseillé).",
        default=None, ge=1, le=10,
    )
    payment_schedule: list[Installment] = F("Échéancier de versement", default_factory=list)
    reports_due_months: int = F(
        "Délai de remise des comptes rendus (mois)", "Après la fin de chaque exercice.", default=6, ge=1, le=12
    )
    termination_notice_months: int = F("Préavis de résiliation (mois)", default=3, ge=0, le=24)
    court: Text | None = F("Tribunal compétent", "Ex. « Tribunal administratif de Lille ».", default=None)
    data_protection: DataProtection | None = F("Protection des données", default=None)
    signatories: Annotated[list[Id], Ref("partners", "signataire")] = F(
        "Signataires", "Vide : tous les partenaires qui ont le rôle « signatory ».", default_factory=list
    )
    signing_place: str | None = F("Lieu de signature", default=None)
    signing_date: Date | None = F("Date de signature", default=None)
    communication: str | None = F("Communication", "Mention des partenaires, logos…", default=None)
    legal_setup: choice("legal_setups") | None = F(
        "Montage juridique",
        "Subvention, régie ou marché public ; vide : déduit de l'opérateur (association : subvention ; collectivité : régie).",
        default=None,
    )
    visas: list[Text] = F("Visas ajoutés", "Textes visés propres au projet, ex. « la délibération n° … ».", default_factory=list)
    replaces: list[Text] = F(
        "Conventions remplacées", "Conventions bilatérales antérieures que celle-ci remplace (intitulé et date).", default_factory=list
    )
    version: int | None = F("Version du projet de convention", "Affichée en pied de page jusqu'à la signature.", default=None, ge=1, le=999)
    version_date: Date | None = F("Date de la version", default=None)
    entry_into_force: choice("entry_modes") = F(
        "Si toutes les parties n'ont pas signé", "Caducité, ou entrée en vigueur partielle entre les signataires.", default="lapse"
    )
    lapse_months: int = F(
        "Délai de signature (mois)", "Délai, depuis la première signature, au-delà duquel la règle ci-dessus s'applique.",
        default=6, ge=1, le=24,
    )
    bank_account: BankAccount | None = F("Coordonnées bancaires de l'opérateur", "Compte sur lequel les contributions sont versées.", default=None)
    payers: list[Payer] = F("Ordonnateurs et comptables", "Pour chaque financeur public.", default_factory=list)
    sieg_mandate: bool = F(
        "Mandat SIEG", "La convention vaut acte de mandat d'un service d'intérêt économique général (au-delà du plafond de minimis).",
        default=False,
    )
    fungibility_percent: int = F(
        "Fongibilité entre lignes du budget (%)", "Écart admis entre lignes sans avenant.", default=10, ge=0, le=50
    )
