
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


class DataProtection(Model):
    roles: list[DataRole] = F("Rôles au sens du RGPD", default_factory=list)
    contact_point: Annotated[Id | None, Ref("partners", "point de contact")] = F("Point de contact unique", "Partenaire interlocuteur des personnes.", default=None)


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
