"""Scripted answers walking a new project through the four wizards (shared by the wizard tests)."""

import io
import re
from pathlib import Path

from rich.console import Console

from ptms_cli.wizard.backend import ENTER, ScriptedBackend
from ptms_cli.wizard.backend import Expect as E
from ptms_cli.wizard.run import run


def drive(name: str, path: Path, script: list, *, width: int = 100, flat: bool = True,
          **kw) -> tuple[int, ScriptedBackend, str]:
    """Run the wizard `name` on `path` with scripted answers, every one of them used: (exit code, the
    backend, what it printed in a `width`-column terminal — with `flat`, every run of spaces,
    line breaks and no-break spaces included, made one space)."""
    backend = ScriptedBackend(script)
    out = io.StringIO()
    code = run(name, path, Console(file=out, width=width), lambda: backend, **kw)
    assert backend.answers == [], f"réponses non utilisées : {backend.answers[:3]}"
    return code, backend, re.sub(r"\s+", " ", out.getvalue()) if flat else out.getvalue()

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
    E("Saisir aussi le contact", False), E("Champs", ["habitat_collectif"]),
    E("Partenaires : que faire", "done"),
    H, E("Objectifs partagés", "add"), E("Énoncé", "Apaiser les halls d'immeubles"),
    E("Partenaires concernés", ["ville-de-villeneuve", "habitat-47"]), E("Champs", ["habitat_collectif"]),
    E("Objectifs partagés", "done"), H, E("Enregistrer", True),
    E("Produire maintenant", True),
]

SPECIFY = [
    H, E("Types de postes", "add"), E("Libellé", "Médiateur social"),
    E("Coût annuel", "42 000"), E("Types de postes", "done"), H,
    E("Nom du service", "Service de médiation de Villeneuve"), E("Opérateur", "ville-de-villeneuve"), E("Forme", ENTER),
    E("Raisons", ENTER), E("Activités", ["presence_active", "gestion_conflits"]), E("Champs", ["habitat_collectif"]),
    # the sectors ticked at once, their hours; time slots and priority from the sector's menu
    E("Secteurs couverts : lesquels", ["les-haras"]), E("Heures", "30"),
    E("Secteurs couverts", ("edit", 0)), E("quel champ", "time_slots"),
    E("Créneaux", "add"), E("Jours", ["lundi", "mardi"]), E("début", "16:00"), E("fin", "20:00"), E("Créneaux", "done"),
    E("quel champ", "priority"), E("prioritaire", True), E("quel champ", "done"), E("Secteurs couverts", "done"),
    E("Postes", "add"), E("Intitulé", "Médiateur"),
    E("ETP", ENTER), E("Nombre", "2"), E("Type de contrat", ENTER),
    E("Secteurs", ["les-haras"]), E("Postes", "done"),
    E("Décrire maintenant l'encadrement", False), E("Choix", ENTER), H,
    E("Ajouter des coûts en plus des postes", False), H,
    E("Ressources", "done"), E("Contributions", "done"),
    E("Répartition", True), E("Clé", "percentages"),
    E("se répartissent le reste : lesquels", ["ville-de-villeneuve", "habitat-47"]), E("Poids", "60"), E("Poids", "40"),
    E("Partenaires qui", "done"),
    H, E("Enregistrer", True), E("Produire maintenant", True),
]

CONVENE = [
    H, E("Membres", ENTER), E("Présidence", ENTER), E("Réunions", "2"), E("Règle", "consensus"),
    E("Comité technique", False), H,
    E("Pilote", ENTER), E("Démarche", ENTER), E("Indicateurs suggérés", ENTER), E("Indicateurs : que faire", "done"), H,
    E("Échéancier", "add"), E("Échéance", "À la signature"), E("Part", "100"), E("Échéancier", "done"),
    E("Tribunal", "Tribunal administratif de Bordeaux"),
    E("Protection", False), E("Lieu", "Villeneuve"),
    E("Signataires", ENTER),
    E("Représentant légal de « Ville de Villeneuve »", "M. Paul Durand, Maire"),
    E("Représentant légal de « Habitat 47 »", "Mme Claire Martin, Directrice générale"),
    H, E("Enregistrer", True), E("Produire maintenant", True),
]
