
from .base import Date, F, Id, Model, Text, Year, choice


class Qpv(Model):
    name: Text = F("Nom du quartier prioritaire")
    code: str | None = F("Code QPV", "Code officiel du quartier (ex. « QN05901M »).", default=None)
    commune: str | None = F("Commune", default=None)


class Sector(Model):
    id: Id = F("Identifiant du secteur")
    name: Text = F("Nom du secteur", "Quartier, zone ou ligne couverte (ex. « Centre-ville »).")
    commune: str | None = F("Commune", default=None)
    qpv: bool = F("Quartier prioritaire (QPV)", "Le secteur est-il en quartier prioritaire ?", default=False)


class Territory(Model):
    name: Text = F("Nom du territoire", "Commune ou intercommunalité porteuse du projet.")
    kind: choice("territory_kinds") = F("Type de territoire", "Commune, intercommunalité (EPCI) ou autre territoire.")
    department: str | None = F("Département", "Nom et numéro (ex. « Nord (59) »).", default=None)
    communes: list[Text] = F("Communes concernées", default_factory=list)
    qpv: list[Qpv] = F("Quartiers prioritaires (QPV)", default_factory=list)
    population: int | None = F("Population", "Nombre d'habitants (facultatif).", default=None, ge=0, le=100_000_000)
    sectors: list[Sector] = F(
        "Secteurs opérationnels",
        "Découpage du territoire utilisé pour les besoins, les acteurs existants et le service.",
        default_factory=list,
    )


class ContratDeVille(Model):
    name: Text = F("Intitulé du contrat de ville", "Ex. « Contrat de ville Engagements Quartiers 2030 ».")
    reference: str | None = F("Référence", "Date ou numéro de signature.", default=None)
    start_year: Year | None = F("Première année", default=None)
    end_year: Year | None = F("Dernière année", default=None)


class Period(Model):
    start: Date = F("Début du projet", "Date ISO, ex. 2026-01-01.")
    end: Date = F("Fin du projet", "Date ISO, ex. 2028-12-31.")

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))
