"""`ptms diff A.yaml B.yaml`: what changed between two versions of a project (text or JSON)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from .app import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, command


class Format(str, Enum):
    text = "text"
    json = "json"


def load_version(file: Path, refused: str, machine: bool = False):
    """The validation of `file` (its project and plan), or exit with its errors (1; 2 unreadable)."""
    from ..validation import validate_file
    from .output import exit_unless_valid

    result = validate_file(file)
    exit_unless_valid(result, f"{refused} : corrigez ces erreurs (voir « ptms validate {file} »).", machine=machine)
    return result


def plan_of(result):
    """The funding plan of a validated project, or None when it has no budget nor funding."""
    p = result.project
    return result.derived.plan if (p.budget is not None or p.funding is not None) else None


@command("diff")
def diff_cmd(
    before: Path = typer.Argument(..., metavar="AVANT", help="Version de référence (en général la version signée)."),
    after: Path = typer.Argument(..., metavar="APRÈS", help="Version modifiée du projet."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="Format : text (lecture) ou json (outils)."),
) -> None:
    """Comparer deux versions d'un projet (en général la version signée et l'actuelle).

    Parties qui entrent ou sortent, montants par partenaire et par année (avant → après), clé de répartition, durée, échéancier, gouvernance.

    Code de sortie : 0 aucun changement, 1 des changements (comme « diff »), 2 version illisible ou invalide (erreurs de validation), ou usage incorrect.

    Exemples : [bold]ptms diff signe.yaml projet.yaml[/bold] ; [bold]ptms diff signe.yaml projet.yaml --format json[/bold]
    """
    import json

    from ..aftersign import diff
    from .output import file_name

    machine = format is Format.json
    try:  # an unusable version: 2, so that 1 means « changes » only
        old = load_version(before, "Comparaison impossible", machine)
        new = load_version(after, "Comparaison impossible", machine)
    except typer.Exit:
        raise typer.Exit(EXIT_USAGE) from None
    d = diff.compute(old.project, plan_of(old), new.project, plan_of(new))
    a, b = file_name(str(before)), file_name(str(after))
    if machine:
        sys.stdout.write(json.dumps(diff.as_json(d, a, b), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(diff.as_text(d, a, b))
    raise typer.Exit(EXIT_FINDINGS if d else EXIT_OK)
