"""Findings: what the checks report, located in the project file.

The bottom of the package: it imports nothing from `ptms_cli`. A rule (`checks/`) yields `Problem`s
(code, French message, path in the project); `validation.locate` turns each into a `Finding`
(file:line:column, severity from the code).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


# Every code the tool can emit, with its short French title. One place: the README's table and
# `ptms validate --format json` consumers rely on codes being stable.
CODES: dict[str, str] = {
    "PTMS-E000": "Erreur interne de ptms",
    "PTMS-E001": "Fichier illisible",
    "PTMS-E002": "Encodage non UTF-8 ou fichier binaire",
    "PTMS-E003": "Syntaxe YAML invalide",
    "PTMS-E004": "Clé en double",
    "PTMS-E005": "Étiquette YAML non autorisée",
    "PTMS-E006": "Fichier trop gros ou trop d'alias",
    "PTMS-E007": "Le document n'est pas un projet (vide ou pas un dictionnaire)",
    "PTMS-E010": "Champ obligatoire manquant",
    "PTMS-E011": "Valeur invalide",
    "PTMS-E012": "Clé inconnue",
    "PTMS-E020": "Identifiant en double",
    "PTMS-E021": "Référence introuvable",
    "PTMS-E022": "Champ d'intervention inconnu",
    "PTMS-E030": "Année non équilibrée",
    "PTMS-E031": "Année hors de la période",
    "PTMS-E032": "L'opérateur n'est pas un partenaire",
    "PTMS-E033": "Financeur non signataire",
    "PTMS-E034": "Dates incohérentes",
    "PTMS-E035": "Échéancier de versement incomplet",
    "PTMS-E036": "Répartition impossible",
    "PTMS-E037": "Durée de la convention différente de la période",
    "PTMS-E038": "Participation d'un partenaire hors période",
    "PTMS-E040": "Étape incomplète",
    "PTMS-E060": "Partenaire ayant décliné à une place d'engagé",
    "PTMS-E061": "Partenaire sorti du projet avant la convention",
    "PTMS-E062": "Opérateur qui ne porte pas le service",
    "PTMS-E063": "Sous-traitant mal déclaré",
    "PTMS-E070": "Poste PEC sans taux d'aide",
    "PTMS-E071": "Heures aidées au-delà des heures travaillées",
    "PTMS-E080": "Repli sur le partenaire qui verse",
    "PTMS-E081": "Indexation incohérente",
    "PTMS-E090": "Prolongation de poste impossible (boucle)",
    "PTMS-W030": "Reste à financer",
    "PTMS-W031": "Fin de postes aidés pendant la période",
    "PTMS-W032": "Forte variation d'une contribution",
    "PTMS-W041": "Objectif sans indicateur",
    "PTMS-W042": "Signataire engagé sans représentant",
    "PTMS-W043": "Indicateur sans cible ou sans source",
    "PTMS-W050": "Besoin non couvert par le service",
    "PTMS-W051": "Présence promise au-delà de la capacité des médiateurs",
    "PTMS-W052": "Besoin partiellement couvert par le service",
    "PTMS-W072": "PEC au-delà de sa durée maximale",
    "PTMS-W073": "Poste adulte-relais hors quartier prioritaire",
    "PTMS-W080": "Ressource seulement sollicitée",
    "PTMS-W081": "Ressource accordée sans décision",
    "PTMS-W082": "Ressource annuelle accordée pour plusieurs années",
    "PTMS-W090": "Prolongation de poste mal datée",
    "PTMS-W091": "Présidence confiée à un partenaire absent une partie de la période",
    "PTMS-W092": "Signataire ou membre hors de la période",
    "PTMS-W100": "Montage juridique incohérent avec le projet",
    "PTMS-W101": "Coordonnées bancaires de l'opérateur manquantes",
    "PTMS-W102": "Aides publiques au-delà du plafond de minimis SIEG",
    "PTMS-W103": "Gouvernance en conflit d'intérêts",
    "PTMS-W104": "Représentant désigné par un titre",
    "PTMS-W105": "Comité technique doté d'une règle de décision",
    "PTMS-W115": "Pondérations des critères de sélection différentes de 100 %",
    "PTMS-W116": "Critère de sélection en double",
    "PTMS-W117": "Critère de sélection de pondération nulle",
    "PTMS-W118": "Critères de sélection hors appel à projets",
    "PTMS-W125": "Sous-traitants payés au-delà du coût du service",
    "PTMS-W140": "Caractère invisible (contrôle de direction ou autre) dans un texte",
    "PTMS-W141": "Nom très long, recopié dans chaque document",
}


@dataclass(frozen=True)
class Problem:
    """What a rule reports, before it is located in the file: `loc` is the path in the project."""

    code: str
    message: str
    loc: tuple = ()
    hint: str = ""
    key: bool = False  # point at the key rather than the value


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    hint: str = ""
    path: str = ""

    def location(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    def to_dict(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


def error(code: str, message: str, **kw) -> Finding:
    return Finding(code, Severity.ERROR, message, **kw)


def warning(code: str, message: str, **kw) -> Finding:
    return Finding(code, Severity.WARNING, message, **kw)
