"""Budget (costs) and funding (resources and contributions) of the service: step 2.

The funding engine (`ptms_cli.funding`) computes the yearly plan from these parameters.
"""


from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .base import ID_PATTERN, Date, F, Id, Model, Money, Rate, Ratio, Text, Year, YearAmounts, YearKeyed, choice
from .refs import Ref

MAX_WEIGHT = Decimal("1000000000")  # a weight (percentage, population, housing units…) below a billion
MAX_INDEXATION = Decimal("0.2")  # 20 % a year: beyond, a typo (and costs that explode over the period)
IndexationRate = Annotated[Decimal, Field(ge=0, le=MAX_INDEXATION), Ratio]


class PostType(Model):
    id: Id = F("Identifiant du type de poste")
    label: Text = F("Libellé", "Ex. « Médiateur social ».")
    yearly_cost: Money = F(
        "Coût annuel chargé d'un ETP", "Salaire, charges, tenue… pour un ETP sur un an (35 000 à 50 000 €)."
    )


class CostLine(Model):
    label: Text = F("Libellé de la ligne de coût")
    category: str | None = F("Catégorie", "Ex. « équipement », « locaux ».", default=None)
    amounts: YearAmounts = F("Montants par année", "Ex. {2026: 12000.00, 2027: 12000.00}.", default_factory=dict)


IndexedCategory = Literal["personnel", "encadrement", "formation", "equipement", "locaux"]


class IndexationRule(Model):
    category: IndexedCategory | None = F(
        "Catégorie de coût", "personnel, encadrement, formation, equipement ou locaux ; vide : toutes.", default=None
    )
    rate: IndexationRate = F("Taux d'indexation", "Ex. 0.025 pour 2,5 % (au plus 0.2).")
    from_year: Year | None = F("À partir de l'année", "Vide : dès la deuxième année.", default=None)
    to_year: Year | None = F("Jusqu'à l'année", "Vide : jusqu'à la fin.", default=None)


class Budget(Model):
    base_year: Year | None = F(
        "Année de référence des coûts",
        "Année en euros de laquelle les coûts annuels sont donnés ; au plus la première année du projet (par défaut).",
        default=None,
    )
    indexation_rate: IndexationRate = F(
        "Taux d'indexation annuel", "Un seul taux pour toutes les catégories et toutes les années : ex. 0.02 pour 2 % "
        "par an (au plus 0.2). Par catégorie ou par année : « indexation ».", default=Decimal(0)
    )
    indexation: list[IndexationRule] = F(
        "Indexation par catégorie ou par année",
        "Règles qui remplacent « indexation_rate » pour une catégorie et/ou des années ; la dernière qui s'applique l'emporte.",
        default_factory=list,
    )
    indexation_step: choice("indexation_steps") = F(
        "Date de l'indexation", "Au 1er janvier (par défaut) ou à chaque date anniversaire de la convention.",
        default="january",
    )
    post_types: list[PostType] = F("Types de postes", default_factory=list)
    supervision: Money | None = F("Encadrement (par an)", default=None)
    training: Money | None = F("Formation (par an)", default=None)
    equipment: Money | None = F("Équipement (par an)", default=None)
    premises: Money | None = F("Locaux (par an)", default=None)
    overhead_rate: Rate = F("Frais de structure", "Taux appliqué aux coûts directs, ex. 0.07.", default=Decimal(0))
    lines: list[CostLine] = F("Lignes de coût explicites", default_factory=list)


class DatedAmount(Model):
    since: Date = F("Applicable à partir du")
    amount: Money = F("Montant")


class Parameters(Model):
    adulte_relais_aid: list[DatedAmount] = F(
        "Aide de l'État par poste adulte-relais (par an)",
        "Montants datés ; avant la première date : 17 538,40 € (2013) puis 22 810,61 € (2024).",
        default_factory=list,
    )
    smic_hourly: list[DatedAmount] = F(
        "SMIC horaire brut",
        "Montants datés, pour l'aide PEC ; avant la première date, les valeurs livrées avec ptms.",
        default_factory=list,
    )


class Decision(Model):
    reference: Text = F("Référence de la décision", "Ex. « arrêté n° 2026-118 », « délibération n° 2026-045 ».")
    date: Date = F("Date de la décision")


class Resource(Model):
    id: Id = F("Identifiant de la ressource")
    kind: choice("resource_kinds") = F(
        "Dispositif", "FIPD, crédits du contrat de ville, FSE+, Région, CAF, mécénat ou autre ressource."
    )
    label: Text = F("Libellé")
    partner: Annotated[Id | None, Ref("partners")] = F("Partenaire qui verse", default=None)
    nature: choice("funding_natures") = F("Nature des crédits", default="credits_specifiques")
    amounts: YearAmounts = F("Montants par année", default_factory=dict)
    status: choice("resource_statuses") = F(
        "Statut", "Prévisionnel (par défaut), sollicité (demande déposée) ou accordé (décision prise).", default="planned"
    )
    decision: Decision | None = F("Décision d'attribution", "Référence et date, quand la ressource est accordée.", default=None)
    fallback: Annotated[Id | None, Ref("partners", "partenaire de repli")] = F(
        "Partenaire de repli",
        "Qui prend le montant à sa charge si la ressource est refusée ; vide : la clé de répartition.",
        default=None,
    )


class InKind(Model):
    partner: Annotated[Id, Ref("partners")] = F("Partenaire qui apporte la contribution")
    kind: choice("in_kind_kinds") = F("Nature de l'apport", "Locaux, véhicule, personnel, matériel ou autre.")
    label: Text = F("Description", "Ex. « Local de 60 m² au 12 rue des Écoles ».")
    amounts: YearAmounts = F(
        "Valorisation par année", "Valeur estimée de l'apport chaque année (pas un versement).", default_factory=dict
    )


class Contribution(Model):
    partner: Annotated[Id, Ref("partners")] = F("Partenaire contributeur")
    nature: choice("funding_natures") = F("Nature des crédits", default="droit_commun")
    amounts: YearAmounts = F("Montants fixes par année", default_factory=dict)


AttributeId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]  # a key of `allocation.attributes`
Percent = Annotated[Decimal, Field(ge=0, le=100), Ratio]
Weight = Annotated[Decimal, Field(ge=0, le=MAX_WEIGHT), Ratio]
YearWeights = Annotated[dict[Year, Weight], YearKeyed()]
YearPercents = Annotated[dict[Year, Percent], YearKeyed()]


class AllocationShare(Model):
    partner: Annotated[Id, Ref("partners")] = F("Partenaire")
    weight: Money | None = F(
        "Poids", "Pourcentage (clé « percentages ») ; ignoré pour les autres clés.", default=None
    )
    weight_by_year: YearWeights = F(
        "Poids par année", "Remplace, pour ces années, le poids que donne la clé (pourcentage, population…).",
        default_factory=dict,
    )
    sectors: Annotated[list[Id], Ref("sectors")] = F(
        "Secteurs achetés (clé « hours »)",
        "Secteurs du service dont le partenaire achète les heures ; vide : les secteurs de ses besoins.",
        default_factory=list,
    )


class AllocationGroup(Model):
    name: Text = F("Nom du groupe", "Ex. « Communes », « Bailleurs sociaux ».")
    method: choice("allocation_methods") = F(
        "Clé de répartition dans le groupe", "Pourcentages, heures, population, logements, population en QPV, "
        "attribut déclaré ou parts égales."
    )
    attribute: AttributeId | None = F("Attribut (clé « attribute »)", "Identifiant d'un attribut déclaré dans « attributes ».",
                             default=None)
    percent: Percent | None = F("Part du reste à financer (%)", "Ex. 60 ; les groupes en pourcentage totalisent 100.",
                                default=None)
    percent_by_year: YearPercents = F("Part par année (%)", "Remplace « percent » pour ces années.", default_factory=dict)
    amounts: YearAmounts = F("Montant fixe par année", "Au lieu d'un pourcentage : le groupe prend ce montant.",
                             default_factory=dict)
    partners: list[AllocationShare] = F("Partenaires du groupe", default_factory=list)


class Allocation(Model):
    method: choice("allocation_methods") | None = F(
        "Clé de répartition du reste à financer",
        "Pourcentages fixés, heures achetées dans les secteurs du partenaire, population, logements, population "
        "en QPV, attribut déclaré ou parts égales ; vide avec des groupes (« groups »).",
        default=None,
    )
    attribute: AttributeId | None = F("Attribut (clé « attribute »)", "Identifiant d'un attribut déclaré dans « attributes ».",
                             default=None)
    nature: choice("funding_natures") = F("Nature des crédits", default="droit_commun")
    partners: list[AllocationShare] = F("Partenaires qui se répartissent le reste", default_factory=list)
    groups: list[AllocationGroup] = F(
        "Groupes de partenaires", "Plusieurs clés : ex. les communes à la population, les bailleurs aux logements.",
        default_factory=list,
    )
    attributes: dict[Id, Text] = F(
        "Attributs de répartition déclarés", "Identifiant -> libellé d'un nombre propre à chaque partenaire "
        "(« attributes » du partenaire), ex. {kilometres_de_ligne: Kilomètres de ligne desservis}.",
        default_factory=dict,
    )


class Funding(Model):
    resources: list[Resource] = F("Ressources (hors contributions des partenaires)", default_factory=list)
    contributions: list[Contribution] = F("Contributions fixes des partenaires", default_factory=list)
    in_kind: list[InKind] = F(
        "Contributions en nature", "Apports valorisés (locaux, véhicule, personnel) : jamais versés en argent.",
        default_factory=list,
    )
    allocation: Allocation | None = F("Répartition du reste à financer", default=None)
    years: choice("year_views") = F(
        "Années de la convention",
        "Années civiles (exercices budgétaires, par défaut) ou années de convention comptées de date anniversaire.",
        default="calendar",
    )
    jump_threshold: Rate = F(
        "Seuil d'alerte de variation", "Variation annuelle d'une part au-delà de laquelle avertir (0.25 = 25 %).",
        default=Decimal("0.25"),
    )
