"""`ptms validate`: check project files; output for people (text) and machines (json, github)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Optional

import typer

from .app import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, command
from .output import paint, plural, use_color


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

    Codes de sortie : 0 valide ; 1 problèmes trouvés ; 2 usage incorrect ou fichier illisible.

    Exemple : [bold]ptms validate examples/ --format github --strict[/bold]
    """
    from ..validation import validate_file
    from .paths import expand

    if step is not None and step not in (1, 2, 3):
        raise typer.BadParameter(f"« {step} » : l'étape vaut 1, 2 ou 3", param_hint="--step")

    paths, unmatched = expand(files)
    for arg in unmatched:
        print(f"Erreur : « {arg} » ne correspond à aucun fichier .yaml ou .yml", file=sys.stderr)
    results = [validate_file(p, step=step) for p in paths]
    unreadable = bool(unmatched) or any(r.unreadable for r in results)
    failed = [r for r in results if r.errors or (strict and r.warnings)]
    {"text": _text, "json": _json, "github": _github}[format.value](results, strict, unmatched)
    code = EXIT_USAGE if unreadable else (EXIT_FINDINGS if failed else EXIT_OK)
    raise typer.Exit(code)


def _summary(results, strict: bool) -> str:
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    bad = sum(1 for r in results if r.errors or (strict and r.warnings))
    text = f"{plural(len(results), 'fichier vérifié', 'fichiers vérifiés')} : "
    text += f"{plural(len(results) - bad, 'valide', 'valides')}, {plural(bad, 'en échec', 'en échec')} "
    text += f"({plural(errors, 'erreur')}, {plural(warnings, 'avertissement')})."
    return text


def _text(results, strict: bool, unmatched) -> None:
    color = use_color()
    for r in results:
        for f in r.findings:
            sev = paint("erreur", "red", color) if f.severity.value == "error" else paint("avertissement", "yellow", color)
            print(f"{f.location()}: {sev} {f.code} {f.message}")
            if f.hint:
                print(paint(f"    conseil : {f.hint}", "dim", color))
        if not r.findings:
            print(f"{r.file}: {paint('valide', 'green', color)}")
    print(_summary(results, strict))


def _json(results, strict: bool, unmatched) -> None:
    doc = {
        "version": 1,
        "files": [
            {
                "file": r.file,
                "valid": not (r.errors or (strict and r.warnings)),
                "unreadable": r.unreadable,
                "errors": r.errors,
                "warnings": r.warnings,
                "findings": [f.to_dict() for f in r.findings],
            }
            for r in results
        ],
        "unmatched": list(unmatched),
        "summary": {
            "files": len(results),
            "failed": sum(1 for r in results if r.errors or (strict and r.warnings)),
            "errors": sum(r.errors for r in results),
            "warnings": sum(r.warnings for r in results),
            "strict": strict,
        },
    }
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
    print()


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(results, strict: bool, unmatched) -> None:
    for r in results:
        for f in r.findings:
            level = "error" if f.severity.value == "error" or strict else "warning"
            props = f"file={_gh_escape(f.file, True)}"
            if f.line:
                props += f",line={f.line},col={f.column}"
            props += f",title={_gh_escape(f.code, True)}"
            message = f.message + (f" — conseil : {f.hint}" if f.hint else "")
            print(f"::{level} {props}::{_gh_escape(message)}")
    print(_summary(results, strict))
