"""`ptms schema`: print or write the JSON Schema of the project file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .app import command


@command("schema")
def schema(
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Écrire le schéma dans ce fichier au lieu de l'afficher (« - » : la sortie standard). Un lien symbolique est suivi ; un périphérique ou un tube nommé est refusé."),
) -> None:
    """Afficher le schéma JSON du fichier projet (titres et aides en français).

    À utiliser dans un éditeur avec yaml-language-server : placez en tête du projet la ligne
    [bold]# yaml-language-server: $schema=ptms.schema.json[/bold]

    Exemple : [bold]ptms schema -o ptms.schema.json[/bold]
    """
    from ..jsonschema_export import project_schema
    from ..writing import write_atomic

    text = json.dumps(project_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None or str(output) == "-":
        sys.stdout.write(text)
    else:
        write_atomic(output, text.encode("utf-8"), follow_links=True)  # the user named it; « - »: stdout
        print(f"Schéma écrit dans {output}", file=sys.stderr)
