"""`ptms init`, `mobilize`, `specify`, `convene`: the wizards (logic in `ptms_cli.wizard`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer

from .app import command

ANSWERS = typer.Option(
    None, "--answers", "-a",
    help="Fichier YAML de réponses (mêmes clés que le projet) : appliquées sans poser de questions.",
)
NO_INPUT = typer.Option(False, "--no-input", help="Ne poser aucune question : échouer en listant les réponses manquantes.")
FORCE = typer.Option(
    False, "--force",
    help="Avec --answers : enregistrer même si les réponses ajoutent des erreurs de validation (sinon refus, rien n'est écrit).",
)
FILE = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML.")


def _edit(sections: str) -> Any:
    """--edit of a step wizard: open one section at once (`wizard.flows.EDITABLE`)."""
    return typer.Option(None, "--edit", metavar="SECTION", help=(
        "Ouvrir directement une section pour changer une valeur : après la modification, Entrée enregistre "
        f"(la relecture est affichée). Sections : {sections}."))


def _questionary():
    from ..wizard.backend import QuestionaryBackend

    return QuestionaryBackend()


def _run(name: str, file: Path, answers: Optional[Path], no_input: bool, force: bool = False,
         edit: Optional[str] = None) -> None:
    from ..terminal import console as Console  # French typography, tables fitted to the width
    from ..wizard.run import run

    # in a terminal, lines wrapped by rich at words (the terminal would cut « génére|z » at its edge)
    console = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
    # prompt_toolkit needs a terminal on both sides: with stdout in a pipe or a file, the questions
    # would go there and the command would wait for an answer nobody can see
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    interactive = answers is None and not no_input and terminal
    factory = _questionary if interactive else None
    if not interactive and answers is None and not no_input:
        where = "l'entrée" if not sys.stdin.isatty() else "la sortie"
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            f"Pas de terminal interactif ({where} est redirigée) : l'assistant ne pose pas de questions "
            "(--answers ou --no-input).")
    raise typer.Exit(run(name, file, console, factory, answers=answers, force=force, edit=edit))


@command("init")
def init(
    file: Path = typer.Argument(Path("projet-ptms.yaml"), metavar="FICHIER", help="Fichier projet à créer."),
    answers: Optional[Path] = ANSWERS,
    no_input: bool = NO_INPUT,
    force: bool = typer.Option(False, "--force", help="Reprendre un fichier existant au lieu de refuser ; avec --answers, enregistrer même si "
                                                 "les réponses ajoutent des erreurs de validation."),
) -> None:
    """Créer un projet : territoire, secteurs, période, contrat de ville, partenaire pilote.

    Écrit aussi le schéma JSON (ptms.schema.json) à côté du fichier, pour l'aide en ligne de l'éditeur.

    Exemple : [bold]ptms init projet.yaml[/bold]
    """
    _run("init", file, answers, no_input, force)


@command("mobilize")
def mobilize(file: Path = FILE, answers: Optional[Path] = ANSWERS, no_input: bool = NO_INPUT, force: bool = FORCE,
             edit: Optional[str] = _edit("partners, objectives, actors, calendar")) -> None:
    """Étape 1 : partenaires (carte, statut, besoins), objectifs partagés, acteurs existants.

    Exemple : [bold]ptms mobilize projet.yaml[/bold]
    """
    _run("mobilize", file, answers, no_input, force, edit)


@command("specify")
def specify(file: Path = FILE, answers: Optional[Path] = ANSWERS, no_input: bool = NO_INPUT, force: bool = FORCE,
            edit: Optional[str] = _edit("budget (types de postes), service, costs (autres coûts), parameters, funding")) -> None:
    """Étape 2 : service (opérateur, activités, secteurs), postes, formation, budget et financement.

    Exemple : [bold]ptms specify projet.yaml[/bold]
    """
    _run("specify", file, answers, no_input, force, edit)


@command("convene")
def convene(file: Path = FILE, answers: Optional[Path] = ANSWERS, no_input: bool = NO_INPUT, force: bool = FORCE,
            edit: Optional[str] = _edit("governance, evaluation, convention")) -> None:
    """Étape 3 : gouvernance, indicateurs d'évaluation, termes de la convention, signataires.

    Exemple : [bold]ptms convene projet.yaml[/bold]
    """
    _run("convene", file, answers, no_input, force, edit)
