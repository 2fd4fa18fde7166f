
from typing import Annotated

from .base import F, Id, Model, Text, choice
from .refs import Ref


class Indicator(Model):
    id: Id = F("Identifiant de l'indicateur")
    label: Text = F("Intitulé de l'indicateur", "Ex. « Nombre d'interventions ».")
    objective: Annotated[Id | None, Ref("objectives")] = F("Objectif évalué", "Identifiant d'un objectif partagé.", default=None)
    # `register` would shadow a class attribute: the YAML key is kept through an alias.
    register_: choice("registers") = F(
        "Registre d'utilité sociale",
        "Un des cinq registres du référentiel CITER (cohésion sociale, innovation, tranquillité publique, contribution économique, reconnaissance).",
        alias="register",
    )
    level: choice("levels") = F("Niveau", "Réalisation (ce qui est fait), résultat (effet direct) ou impact (effet durable sur le territoire).")
    measure: str | None = F("Mode de mesure", "Ex. « comptage mensuel dans l'outil de suivi ».", default=None)
    baseline: str | None = F("Valeur de départ", default=None)
    target: str | None = F("Cible", "Ex. « 80 % » ou « 30 000 par an ».", default=None)
    source: str | None = F("Source", default=None)
    frequency: choice("frequencies") | None = F("Fréquence", default=None)


class Evaluation(Model):
    lead: Annotated[Id | None, Ref("partners", "pilote de l'évaluation")] = F("Pilote de l'évaluation", "Partenaire qui pilote l'évaluation (en général l'opérateur).", default=None)
    method: str | None = F(
        "Démarche", "Évaluation de l'utilité sociale co-construite avec les financeurs (référentiel CITER).",
        default=None,
    )
    indicators: list[Indicator] = F("Indicateurs", default_factory=list)
