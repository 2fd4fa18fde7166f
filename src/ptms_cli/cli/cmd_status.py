"""`ptms status`: a checklist of the three steps."""

from __future__ import annotations

from pathlib import Path

import typer

from ..exitcodes import EXIT_FINDINGS, EXIT_USAGE
from .app import command


@command("status")
def status(file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML.")) -> None:
    """Afficher l'avancement du projet : étapes faites, ce qui manque, prochaine action.

    Exemple : [bold]ptms status examples/agglo-val-de-marque.yaml[/bold]
    """
    import sys

    from rich.console import Console

    from ..reporters import TextReporter
    from ..validation import validate_file

    console = Console(highlight=False)
    result = validate_file(file)
    if result.project is None:
        TextReporter(stream=sys.stdout).errors(result)
        console.print("Corrigez ces erreurs (voir « ptms validate ») avant de consulter l'avancement.")
        raise typer.Exit(EXIT_USAGE if result.unreadable else EXIT_FINDINGS)
    print_status(console, file, result)


def print_status(console, file, result) -> None:
    """The checklist of a validated file (`validation.FileResult` with a project); used by the wizards."""
    from ..status import next_action, project_status
    from .output import markup as escape  # user text: no control character, no markup

    project = result.project
    steps = project_status(project)
    console.print(f"[bold]Avancement — {escape(project.name)}[/bold]\n")
    for s in steps:
        mark = "[green]✔[/green]" if s.complete else "[yellow]◐[/yellow]" if s.done else "[dim]○[/dim]"
        state = "complète" if s.complete else "en cours" if s.done else "à faire"
        console.print(f"{mark} [bold]Étape {s.number} — {s.title}[/bold] ({state})")
        for d in s.done:
            console.print(f"    [green]✔[/green] {escape(d)}")
        for m in s.missing:
            console.print(f"    [yellow]✘[/yellow] manque : {escape(m)}")
        console.print()
    if result.findings:
        console.print(f"Validation : {result.errors} erreur(s), {result.warnings} avertissement(s) — "
                      f"détail avec « ptms validate {escape(str(file))} ».")
    else:
        console.print("Validation : [green]aucun problème[/green].")
    console.print(f"[bold]Prochaine action :[/bold] {escape(next_action(steps, result.errors, str(file)))}")
