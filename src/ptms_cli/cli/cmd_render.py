"""`ptms render` (documents of a project) and `ptms context` (the template context as JSON)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from .app import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, command


def load_for_documents(file: Path, refused: str = "Aucun document produit"):
    """The project of `file`, or exit with its validation errors (1; 2 when unreadable);
    `refused` says what the command does not produce."""
    from ..validation import validate_file
    from .output import exit_unless_valid

    result = validate_file(file)
    exit_unless_valid(result, f"{refused} : corrigez ces erreurs (voir « ptms validate {file} »).")
    return result.project


def _formats(value: str) -> tuple[str, ...]:
    from ..documents.pipeline import FORMATS

    wanted = tuple(dict.fromkeys(x.strip().lower() for x in value.split(",") if x.strip()))
    bad = [x for x in wanted if x not in FORMATS]
    if bad or not wanted:
        raise typer.BadParameter(f"format « {', '.join(bad) or value} » inconnu ; formats possibles : "
                                 + ", ".join(FORMATS), param_hint="--format")
    return wanted


@command("render")
def render_cmd(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML."),
    out: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="DOSSIER",
        help="Dossier de sortie (défaut : « <nom du fichier>-documents » à côté du projet)."),
    docs: Optional[list[str]] = typer.Option(
        None, "--doc", metavar="NOM",
        help="Document à produire (répétable) : mobilisation, lettres, cahier-des-charges, convention. Défaut : tous."),
    format: str = typer.Option("docx", "--format", "-f", metavar="FORMATS",
                               help="Formats séparés par des virgules : docx, md, pdf (PDF : LibreOffice requis)."),
    templates: Optional[Path] = typer.Option(
        None, "--templates", "-t", metavar="DOSSIER",
        help="Dossier de modèles personnalisés (sinon « templates: » du projet, sinon les modèles fournis)."),
    force: bool = typer.Option(False, "--force", help="Écraser aussi les fichiers modifiés à la main depuis la dernière génération."),
) -> None:
    """Produire les documents que l'avancement du projet permet, et dire ce qui est ignoré et pourquoi.

    Étape 1 : dossier de mobilisation et une lettre d'intention par partenaire ; étape 2 : cahier des charges ; étape 3 : convention unique. Un fichier généré puis modifié à la main n'est pas écrasé sans --force (le manifeste « .ptms-manifest.json » du dossier garde la trace de ce qui a été produit).

    Exemple : [bold]ptms render examples/agglo-val-de-marque.yaml -o documents --format docx,md,pdf[/bold]
    """
    from ..documents import catalog
    from ..documents.pipeline import render_documents

    formats = _formats(format)
    unknown = [d for d in docs or [] if d not in catalog.BY_NAME]
    if unknown:
        raise typer.BadParameter(f"document « {unknown[0]} » inconnu ; documents possibles : "
                                 + ", ".join(catalog.BY_NAME), param_hint="--doc")
    if templates is not None and not templates.is_dir():
        print(f"Erreur : dossier de modèles introuvable : {templates}", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    project = load_for_documents(file)
    out_dir = out if out is not None else file.parent / f"{file.stem}-documents"
    if out_dir.exists() and not out_dir.is_dir():
        print(f"Erreur : « {out_dir} » existe et n'est pas un dossier.", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    try:
        outcome = render_documents(project, file, out_dir, names=docs, formats=formats, templates=templates,
                                   force=force)
    except OSError as exc:
        from ..writing import os_reason

        print(f"Erreur : écriture impossible dans « {out_dir} » : {os_reason(exc)}", file=sys.stderr)
        raise typer.Exit(EXIT_FINDINGS) from None
    for path in outcome.written:
        print(f"écrit : {path}")
    for path in outcome.unchanged:
        print(f"inchangé : {path}")
    for skip in outcome.skipped:
        print(f"ignoré : {skip.spec.title} — {skip.reason}")
    for path in outcome.protected:
        print(f"Erreur : « {path} » a été modifié depuis sa génération : il n'est pas écrasé "
              "(relancez avec --force pour l'écraser).", file=sys.stderr)
    for message in outcome.errors:
        print(f"Erreur : {message}", file=sys.stderr)
    done = len(outcome.written) + len(outcome.unchanged)
    print(f"{done} fichier(s) à jour dans {out_dir}, {len(outcome.skipped)} document(s) ignoré(s)"
          + (f", {len(outcome.protected) + len(outcome.errors)} en échec" if outcome.failed else "") + ".")
    raise typer.Exit(EXIT_FINDINGS if outcome.failed else EXIT_OK)


@command("context")
def context_cmd(file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML.")) -> None:
    """Afficher en JSON le contexte transmis aux modèles Word (pour écrire ses propres modèles).

    Les lettres d'intention reçoivent en plus « partner » (le partenaire destinataire, même forme qu'un élément de « partners ») ; tous les modèles reçoivent « images » (contributions, coverage).

    Exemple : [bold]ptms context examples/agglo-val-de-marque.yaml > contexte.json[/bold]
    """
    import json

    from ..documents.pipeline import full_context

    project = load_for_documents(file, "Contexte des modèles non produit")
    print(json.dumps(full_context(project), ensure_ascii=False, indent=2))
