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

    from ..reporters import TextReporter
    from ..status import print_status
    from ..terminal import console as Console  # French typography, tables fitted to the width
    from ..validation import validate_file

    console = Console(highlight=False)
    result = validate_file(file)
    if result.project is None:
        TextReporter(stream=sys.stdout).errors(result)
        console.print("Corrigez ces erreurs (voir « ptms validate ») avant de consulter l'avancement.")
        raise typer.Exit(EXIT_USAGE if result.unreadable else EXIT_FINDINGS)
    print_status(console, file, result)
