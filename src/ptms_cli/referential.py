"""Domain vocabularies as data: id -> French label.

Every list of choices the tool offers (model validation, JSON Schema, wizard, documents) comes
from here. Sources: ../shared/seed (MRA 2015), CITER social-utility referential.
"""

from __future__ import annotations

# The 9 activities of social mediation (seed, Annexe 1).
ACTIVITIES: dict[str, str] = {
    "presence_active": "Présence active de proximité",
    "gestion_conflits": "Gestion de conflits (en temps réel ou différé : médiation « navette » ou « table ronde »)",
    "veille_sociale": "Veille sociale territoriale",
    "mise_en_relation": "Mise en relation avec un partenaire",
    "concertation": "Concertation avec les habitants et les institutions",
    "veille_technique": "Veille technique",
    "gestion_projets": "Facilitation et/ou gestion de projets",
    "sensibilisation_formation": "Sensibilisation et/ou formation",
    "intermediation_culturelle": "Intermédiation culturelle",
}

# Fields of intervention (seed, forum table). The list is open: other ids are accepted with a
# warning-free free label in `custom_fields` of the project.
FIELDS: dict[str, str] = {
    "participation_habitants": "Participation des habitants",
    "transports": "Transports en commun",
    "emploi": "Emploi",
    "gens_du_voyage": "Gens du voyage",
    "habitat_collectif": "Habitat collectif",
    "tranquillite_publique": "Tranquillité publique",
    "sante": "Médiation santé",
    "scolaire_jeunesse": "Milieu scolaire et jeunesse",
    "gestion_urbaine": "Gestion urbaine de proximité",
    "acces_services": "Accès aux services",
    "acces_droits": "Accès aux droits",
}

PARTNER_KINDS: dict[str, str] = {
    "commune": "Commune",
    "epci": "Intercommunalité (EPCI)",
    "departement": "Département",
    "region": "Région",
    "prefecture": "État — préfecture",
    "ddets": "État — DDETS",
    "education_nationale": "État — Éducation nationale",
    "police_gendarmerie": "État — police ou gendarmerie",
    "bailleur_social": "Bailleur social",
    "transporteur": "Opérateur de transport public",
    "caf": "Caisse d'allocations familiales (CAF)",
    "cpam": "Caisse primaire d'assurance maladie (CPAM)",
    "france_travail": "France Travail",
    "mission_locale": "Mission locale",
    "ccas": "Centre communal d'action sociale (CCAS)",
    "hopital": "Établissement de santé",
    "college": "Collège",
    "lycee": "Lycée",
    "association": "Association",
    "entreprise": "Entreprise",
    "autre": "Autre",
}

PARTNER_ROLES: dict[str, str] = {
    "funder": "Financeur",
    "operator": "Opérateur",
    "prescriber": "Prescripteur",
    "beneficiary": "Bénéficiaire",
    "signatory": "Signataire",
}

MOBILIZATION_STATUSES: dict[str, str] = {
    "identified": "Identifié",
    "contacted": "Contacté",
    "interested": "Intéressé",
    "committed": "Engagé",
    "declined": "A décliné",
}

TERRITORY_KINDS: dict[str, str] = {
    "commune": "Commune",
    "epci": "Intercommunalité (EPCI)",
    "other": "Autre territoire",
}

# CITER registers of social utility.
REGISTERS: dict[str, str] = {
    "cohesion_sociale": "Cohésion sociale",
    "innovation_apprentissage": "Innovation et apprentissage",
    "tranquillite_publique": "Tranquillité publique",
    "contribution_economique": "Contribution économique",
    "reconnaissance": "Reconnaissance",
}

LEVELS: dict[str, str] = {
    "realisation": "Réalisation",
    "resultat": "Résultat",
    "impact": "Impact",
}

CONTRACT_TYPES: dict[str, str] = {
    "cdi": "CDI",
    "cdd": "CDD",
    "adulte_relais": "Adulte-relais (convention de 3 ans avec l'État)",
    "pec": "Parcours emploi compétences (PEC)",
    "fonctionnaire": "Fonctionnaire ou contractuel de la fonction publique",
    "autre": "Autre",
}

FUNDING_NATURES: dict[str, str] = {
    "droit_commun": "Droit commun",
    "credits_specifiques": "Crédits spécifiques (contrat de ville)",
}

RESOURCE_KINDS: dict[str, str] = {
    "fipd": "Fonds interministériel de prévention de la délinquance (FIPD)",
    "contrat_de_ville": "Crédits du contrat de ville",
    "fse_plus": "Fonds social européen (FSE+)",
    "region": "Subvention régionale",
    "caf": "Subvention de la CAF",
    "mecenat": "Mécénat",
    "autre": "Autre ressource",
}

RESOURCE_STATUSES: dict[str, str] = {
    "planned": "Prévisionnel",
    "requested": "Sollicité",
    "granted": "Accordé",
}

IN_KIND_KINDS: dict[str, str] = {
    "locaux": "Mise à disposition de locaux",
    "vehicule": "Mise à disposition d'un véhicule",
    "personnel": "Mise à disposition de personnel",
    "materiel": "Prêt de matériel",
    "autre": "Autre contribution en nature",
}

ALLOCATION_METHODS: dict[str, str] = {
    "percentages": "Pourcentages fixés",
    "hours": "Heures de service achetées dans les secteurs du partenaire",
    "population": "Population",
    "equal": "Parts égales",
    "qpv_population": "Population en quartier prioritaire (QPV)",
    "housing_units": "Logements sociaux",
    "attribute": "Attribut déclaré",
}

INDEXATION_STEPS: dict[str, str] = {
    "january": "Au 1er janvier",
    "anniversary": "À la date anniversaire de la convention",
}

YEAR_VIEWS: dict[str, str] = {
    "calendar": "Années civiles (exercices budgétaires)",
    "convention": "Années de convention (de date anniversaire en date anniversaire)",
}

DECISION_RULES: dict[str, str] = {
    "consensus": "Consensus",
    "majorite_simple": "Majorité simple des membres présents",
    "majorite_qualifiee": "Majorité des deux tiers",
    "unanimite": "Unanimité",
}

FREQUENCIES: dict[str, str] = {
    "mensuelle": "Mensuelle",
    "trimestrielle": "Trimestrielle",
    "semestrielle": "Semestrielle",
    "annuelle": "Annuelle",
}

DATA_ROLES: dict[str, str] = {
    "joint_controller": "Responsable conjoint du traitement (art. 26 RGPD)",
    "controller": "Responsable du traitement (art. 24 RGPD)",
    "processor": "Sous-traitant (art. 28 RGPD)",
    "none": "Aucun traitement de données personnelles",
}

LEGAL_SETUPS: dict[str, str] = {
    "subsidy": "Subvention à un projet initié et conduit par l'opérateur",
    "regie": "Régie (l'opérateur est une collectivité partie à la convention)",
    "public_contract": "Marché public ou groupement de commandes",
}

ENTRY_MODES: dict[str, str] = {
    "lapse": "Caducité si toutes les parties n'ont pas signé à la date limite",
    "partial": "Entrée en vigueur partielle entre les signataires, parts réparties",
}

BUDGET_DECIDERS: dict[str, str] = {
    "funders": "Les financeurs concernés",
    "members": "Tous les membres ayant voix délibérative",
}

WEEKDAYS: dict[str, str] = {
    "lundi": "Lundi", "mardi": "Mardi", "mercredi": "Mercredi", "jeudi": "Jeudi",
    "vendredi": "Vendredi", "samedi": "Samedi", "dimanche": "Dimanche",
}

# Why mediation (seed).
PURPOSES: dict[str, str] = {
    "presence_humaine": "Renforcer la présence humaine",
    "interface": "Assurer une fonction d'interface",
    "apaiser": "Apaiser les tensions",
    "decoder": "Décoder les cultures",
    "confiance": "Mettre en confiance",
}

ALL: dict[str, dict[str, str]] = {
    "activities": ACTIVITIES,
    "fields": FIELDS,
    "partner_kinds": PARTNER_KINDS,
    "partner_roles": PARTNER_ROLES,
    "mobilization_statuses": MOBILIZATION_STATUSES,
    "territory_kinds": TERRITORY_KINDS,
    "registers": REGISTERS,
    "levels": LEVELS,
    "contract_types": CONTRACT_TYPES,
    "funding_natures": FUNDING_NATURES,
    "resource_kinds": RESOURCE_KINDS,
    "resource_statuses": RESOURCE_STATUSES,
    "in_kind_kinds": IN_KIND_KINDS,
    "allocation_methods": ALLOCATION_METHODS,
    "year_views": YEAR_VIEWS,
    "indexation_steps": INDEXATION_STEPS,
    "decision_rules": DECISION_RULES,
    "frequencies": FREQUENCIES,
    "data_roles": DATA_ROLES,
    "weekdays": WEEKDAYS,
    "legal_setups": LEGAL_SETUPS,
    "entry_modes": ENTRY_MODES,
    "budget_deciders": BUDGET_DECIDERS,
    "purposes": PURPOSES,
}


def label(vocabulary: str, key: str) -> str:
    """French label of `key` in `vocabulary`, or the key itself for open lists."""
    return ALL[vocabulary].get(key, key)
