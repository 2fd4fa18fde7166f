"""Evaluation indicators suggested from the chosen activities and the CITER registers.

Small table of the core (used by `ptms convene`): activity id -> indicators it usually yields, and
one indicator for each register, so that every register of social utility can be measured.
Labels are French (they end up in the convention's annex of indicators).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    id: str
    label: str
    register: str  # referential.REGISTERS
    level: str  # referential.LEVELS

    def as_indicator(self, objective: str | None = None) -> dict:
        out = {"id": self.id, "label": self.label}
        if objective:
            out["objective"] = objective
        out |= {"register": self.register, "level": self.level}
        return out


S = Suggestion

BY_ACTIVITY: dict[str, list[Suggestion]] = {
    "presence_active": [S("heures-presence", "Nombre d'heures de présence", "tranquillite_publique", "realisation")],
    "gestion_conflits": [
        S("conflits-traites", "Nombre de conflits traités", "tranquillite_publique", "realisation"),
        S("conflits-apaises", "Part des conflits apaisés sans nouvelle intervention", "tranquillite_publique", "resultat"),
    ],
    "veille_sociale": [S("situations-signalees", "Nombre de situations signalées aux partenaires", "cohesion_sociale", "realisation")],
    "mise_en_relation": [
        S("orientations", "Nombre d'orientations vers un partenaire", "cohesion_sociale", "realisation"),
        S("orientations-abouties", "Part des orientations ayant abouti", "cohesion_sociale", "resultat"),
    ],
    "concertation": [S("rencontres-habitants", "Nombre de rencontres de concertation avec les habitants", "cohesion_sociale", "realisation")],
    "veille_technique": [
        S("dysfonctionnements", "Nombre de dysfonctionnements techniques signalés", "contribution_economique", "realisation"),
        S("couts-evites", "Coûts évités (dégradations, interventions d'urgence)", "contribution_economique", "impact"),
    ],
    "gestion_projets": [S("projets-accompagnes", "Nombre de projets d'habitants accompagnés", "innovation_apprentissage", "realisation")],
    "sensibilisation_formation": [S("actions-sensibilisation", "Nombre d'actions de sensibilisation ou de formation", "innovation_apprentissage", "realisation")],
    "intermediation_culturelle": [S("intermediations", "Nombre d'intermédiations culturelles", "cohesion_sociale", "realisation")],
}

BY_REGISTER: dict[str, Suggestion] = {
    "cohesion_sociale": S("liens-restaures", "Part des habitants déclarant un lien restauré avec les institutions", "cohesion_sociale", "impact"),
    "innovation_apprentissage": S("pratiques-partagees", "Nombre de pratiques partagées entre partenaires", "innovation_apprentissage", "resultat"),
    "tranquillite_publique": S("sentiment-securite", "Évolution du sentiment de tranquillité des habitants", "tranquillite_publique", "impact"),
    "contribution_economique": S("couts-evites", "Coûts évités (dégradations, interventions d'urgence)", "contribution_economique", "impact"),
    "reconnaissance": S("utilite-percue", "Part des habitants qui jugent la médiation utile", "reconnaissance", "resultat"),
}


def suggest(activities: list[str], existing: set[str] | frozenset[str] = frozenset()) -> list[Suggestion]:
    """Indicators for the activities, then one per register not yet covered; none already in `existing`."""
    out: list[Suggestion] = []
    for activity in activities:
        out.extend(BY_ACTIVITY.get(activity, []))
    covered = {s.register for s in out}
    out.extend(s for r, s in BY_REGISTER.items() if r not in covered)
    seen: set[str] = set(existing)
    unique = []
    for s in out:
        if s.id not in seen:
            seen.add(s.id)
            unique.append(s)
    return unique
