"""Scripted answers walking a new project through the four wizards (shared by the wizard tests)."""

from ptms_cli.wizard.backend import ENTER
from ptms_cli.wizard.backend import Expect as E

H = E("quelle section", ENTER)  # the step's hub: Enter opens the next section, then « Terminer »

INIT = [
    E("Nom du territoire", "Villeneuve"), E("Type de territoire", "commune"), E("Département", "Lot (47)"),
    E("Communes", "Villeneuve"), E("Quartiers prioritaires", "done"), E("Population", "24 000"),
    E("Secteurs opérationnels", "add"), E("Nom du secteur", "Les Haras"),
    E("Quartier prioritaire", True),
    E("Secteurs opérationnels", "add"), E("Nom du secteur", "Centre-ville"),
    E("Quartier prioritaire", False), E("Secteurs opérationnels", "done"),
    E("Début du projet", "2026-01-01"), E("Fin du projet", "2028-12-31"), E("Nom du projet", ENTER),
    E("Contrat de ville", False),
    E("Nom du partenaire", "Ville de Villeneuve"), E("Type de partenaire", ENTER),
    E("Rôles", ENTER), E("Statut", ENTER), E("Enregistrer", True),
]

MOBILIZE = [
    H, E("Partenaires : que faire", "add"), E("Nom du partenaire", "Habitat 47"),
    E("Type", "bailleur_social"), E("Rôles", ["funder", "signatory"]), E("Statut", "committed"),
    E("Contact", False), E("Champs", ["habitat_collectif"]),
    E("Besoins", "done"), E("Partenaires : que faire", "done"),
    H, E("Objectifs partagés", "add"), E("Énoncé", "Apaiser les halls d'immeubles"),
    E("Partenaires concernés", ["ville-de-villeneuve", "habitat-47"]), E("Champs", ["habitat_collectif"]),
    E("Objectifs partagés", "done"), H, E("Acteurs", "done"), H, E("Calendrier", "done"), H, E("Enregistrer", True),
    E("Produire maintenant", True),
]

SPECIFY = [
    H, E("Types de postes", "add"), E("Libellé", "Médiateur social"),
    E("Coût annuel", "42 000"), E("Types de postes", "done"), H,
    E("Nom du service", "Service de médiation de Villeneuve"), E("Opérateur", "ville-de-villeneuve"), E("Forme", ENTER),
    E("Raisons", ENTER), E("Activités", ["presence_active", "gestion_conflits"]), E("Champs", ["habitat_collectif"]),
    E("Secteurs couverts", "add"), E("Secteur", "les-haras"), E("Heures", "30"), E("Champs", ENTER),
    E("Créneaux", "add"), E("Jours", ["lundi", "mardi"]), E("début", "16:00"), E("fin", "20:00"), E("Créneaux", "done"),
    E("prioritaire", True), E("Secteurs couverts", "done"), E("Opérateurs sous-traitants", "done"),
    E("Postes", "add"), E("Intitulé", "Médiateur"), E("Type de poste", "mediateur-social"),
    E("ETP", ENTER), E("Nombre", "2"), E("Type de contrat", ENTER),
    E("Secteurs", ["les-haras"]), E("Postes", "done"),
    E("Encadrement", False), E("Plan de formation", "done"), E("Suivi", False), E("Posture", ENTER),
    E("Moyens", ENTER), E("Choix", ENTER), H,
    E("Encadrement", ENTER), E("Formation", ENTER),
    E("Équipement", ENTER), E("Locaux", ENTER), E("Frais de structure", ENTER),
    H, E("Paramètres", False), H,
    E("Ressources", "done"), E("Contributions", "done"),
    E("Répartition", True), E("Clé", "percentages"),
    E("Partenaires qui", "add"), E("Partenaire", "ville-de-villeneuve"), E("Poids", "60"),
    E("Partenaires qui", "add"), E("Partenaire", "habitat-47"), E("Poids", "40"), E("Partenaires qui", "done"),
    H, E("Enregistrer", True), E("Produire maintenant", True),
]

CONVENE = [
    H, E("Membres", ENTER), E("Présidence", ENTER), E("Réunions", "2"), E("Règle", "consensus"), E("Missions", ENTER),
    E("Comité technique", False), H,
    E("Pilote", ENTER), E("Démarche", ENTER), E("Indicateurs suggérés", ENTER), E("Indicateurs : que faire", "done"), H,
    E("Intitulé", ENTER),
    E("Échéancier", "add"), E("Échéance", "À la signature"), E("Part", "100"), E("Échéancier", "done"),
    E("Tribunal", "Tribunal administratif de Bordeaux"),
    E("Protection", False), E("Lieu", "Villeneuve"), E("Date de signature", ENTER), E("Communication", ENTER),
    E("Signataires", ENTER),
    E("Nom du représentant", "M. Paul Durand"), E("Qualité", "Maire"), E("Décision", ENTER), E("Date de la décision", ENTER),
    E("Nom du représentant", "Mme Claire Martin"), E("Qualité", "Directrice générale"), E("Décision", ENTER),
    E("Date de la décision", ENTER),
    H, E("Enregistrer", True), E("Produire maintenant", True),
]
