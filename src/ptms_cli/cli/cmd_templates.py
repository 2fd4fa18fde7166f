"""`ptms templates export|check`: customise the Word templates and check them before use."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..frformat import plural
from .app import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Command, Group, _french_help_panels, app

_french_help_panels()  # « ptms templates » alone prints the group's help: in French too

templates_app = typer.Typer(
    cls=Group, no_args_is_help=True, add_completion=False, rich_markup_mode="rich",
    help="Modèles Word des documents : les copier pour les personnaliser, les vérifier.",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
app.add_typer(templates_app, name="templates")


@templates_app.command("export", cls=Command)
def export_cmd(
    directory: Path = typer.Argument(..., metavar="DOSSIER", help="Dossier où copier les modèles."),
    force: bool = typer.Option(False, "--force", help="Remplacer les modèles déjà présents dans le dossier."),
) -> None:
    """Copier les modèles Word fournis dans DOSSIER pour les personnaliser.

    Ensuite : « ptms render projet.yaml --templates DOSSIER », ou « templates: DOSSIER » dans le fichier projet.

    Chaque copie est notée dans DOSSIER/ptms-templates.json : « templates check » signale un modèle fourni changé depuis.

    Exemple : [bold]ptms templates export mes-modeles[/bold]
    """
    from ..documents import catalog, exported
    from ..writing import write_atomic

    if directory.exists() and not directory.is_dir():
        print(f"Erreur : « {directory} » existe et n'est pas un dossier.", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    copied = []
    for spec in catalog.TEMPLATES:
        target = directory / spec.template
        if target.exists() and not force:
            print(f"conservé (déjà présent, --force pour remplacer) : {target}")
            continue
        write_atomic(target, (catalog.default_templates() / spec.template).read_bytes())
        copied.append(spec.template)
        print(f"copié : {target} ({spec.title})")
    if copied:
        exported.record(directory, copied)
        print(f"version des modèles copiés notée dans {directory / exported.NAME}")
    print("Modifiez-les dans Word ou LibreOffice, puis vérifiez-les avec « ptms templates check "
          f"{directory} --project FICHIER ».")
    raise typer.Exit(EXIT_OK)


@templates_app.command("list", cls=Command)
def list_cmd() -> None:
    """Lister les modèles fournis : fichier, document, commande qui le produit.

    Tous se copient avec « ptms templates export DOSSIER » et s'utilisent avec « --templates DOSSIER ».

    Exemple : [bold]ptms templates list[/bold]
    """
    from ..documents import catalog

    for spec in catalog.TEMPLATES:
        print(f"{spec.template} : {spec.title} (ptms {spec.command})")
    raise typer.Exit(EXIT_OK)


@templates_app.command("check", cls=Command)
def check_cmd(
    directory: Path = typer.Argument(..., metavar="DOSSIER", help="Dossier de modèles .docx."),
    project: Optional[Path] = typer.Option(
        None, "--project", "-p", metavar="FICHIER",
        help="Projet d'essai : chaque modèle est aussi rendu avec lui (attributs mal orthographiés…)."),
) -> None:
    """Vérifier des modèles : balises coupées par Word, balises mal formées, variables inconnues.

    Signale aussi (avertissement) un modèle fourni qui a changé depuis l'export du dossier
    (noté dans ptms-templates.json par « ptms templates export »).

    Codes de sortie : 0 aucun problème ; 1 problèmes trouvés ; 2 dossier introuvable ou vide.

    Exemple : [bold]ptms templates check mes-modeles --project examples/agglo-val-de-marque.yaml[/bold]
    """
    from ..documents import exported
    from ..documents.checker import check_directory, minimal_context

    if not directory.is_dir():
        print(f"Erreur : dossier de modèles introuvable : {directory}", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    the_project = None
    if project is not None:
        from ..documents.pipeline import full_context
        from .cmd_render import load_for_documents

        result = load_for_documents(project)
        the_project = result.project
        context = full_context(the_project, result.derived)
    else:
        context = minimal_context()
    files, problems, notes = check_directory(directory, context, the_project)
    if not files:
        print(f"Erreur : aucun modèle .docx dans {directory}", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    for p in problems:
        print(f"{directory / p.template}: {p.message}")
    for note in notes:
        print(f"note : {note}")
    outdated = exported.outdated(directory)
    for stale in outdated:
        print(f"avertissement : {stale.message(directory)}")
    bad = len({p.template for p in problems})
    newer = f" ; {plural(len(outdated), 'modèle fourni modifié', 'modèles fournis modifiés')} depuis l'export" if outdated else ""
    print(f"{plural(len(files), 'modèle vérifié', 'modèles vérifiés')} : {len(files) - bad} sans problème, {bad} à corriger "
          f"({plural(len(problems), 'problème')}){newer}.")
    raise typer.Exit(EXIT_FINDINGS if problems else EXIT_OK)
