"""`ptms validate`: check project files; output for people (text) and machines (json, github)."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Optional

import typer

from ..exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from .app import command


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"


@command("validate")
def validate(
    files: list[str] = typer.Argument(
        ..., metavar="FICHIER", help="Fichiers projet YAML, dossiers (parcourus récursivement) ou motifs (« projets/*.yaml »)."
    ),
    format: Format = typer.Option(Format.text, "--format", "-f", help="Format : text (lecture), json (machines), github (annotations GitHub Actions)."),
    strict: bool = typer.Option(False, "--strict", help="Les avertissements font aussi échouer la validation."),
    step: Optional[int] = typer.Option(
        None, "--step", metavar="N", help="Exiger que l'étape N (1, 2 ou 3) et les précédentes soient complètes."
    ),
) -> None:
    """Vérifier des fichiers projet : syntaxe, format, références, financements, complétude.

    Chaque problème est localisé (fichier:ligne:colonne), avec un code stable (PTMS-E…, PTMS-W…), un message et un conseil. Les résultats vont sur la sortie standard, avec un bilan à la fin.

    Codes de sortie : 0 valide ; 1 problèmes trouvés ; 2 usage incorrect, fichier illisible ou erreur interne.

    Exemple : [bold]ptms validate examples/ --format github --strict[/bold]
    """
    from ..reporters import REPORTER_BY_NAME, clean
    from .paths import expand

    if step is not None and step not in (1, 2, 3):
        raise typer.BadParameter(f"« {step} » : l'étape vaut 1, 2 ou 3", param_hint="--step")

    paths, unmatched = expand(files)
    for arg in unmatched:
        print(f"Erreur : « {clean(arg)} » ne correspond à aucun fichier .yaml ou .yml", file=sys.stderr)
    # Each file is reported as soon as it is checked, then dropped (its model and funding plan are
    # not kept): the memory stays the same for 10 or 10 000 files (json keeps only the findings).
    reporter = REPORTER_BY_NAME[format.value](strict=strict)
    unreadable = bool(unmatched)
    for path in paths:
        result = _validate(path, step)
        unreadable = unreadable or result.unreadable
        reporter.file(result)
        reporter.stream.flush()  # a CI log shows each file as it is checked
        del result
    reporter.finish(unmatched)
    tally = reporter.tally
    code = EXIT_USAGE if unreadable else (EXIT_FINDINGS if tally.failed else EXIT_OK)
    raise typer.Exit(code)


def _validate(path, step):
    """One file's result; a bug of ptms on this file is its PTMS-E000 finding (exit 2), the others
    are still checked and reported."""
    from ..validation import FileResult, validate_file

    try:
        return validate_file(path, step=step)
    except Exception as exc:
        from .app import internal_finding

        return FileResult(str(path), [internal_finding(exc, str(path))], unreadable=True)
