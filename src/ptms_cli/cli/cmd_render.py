"""`ptms render` (documents of a project) and `ptms context` (the template context as JSON)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..frformat import plural
from .app import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, command


def load_for_documents(file: Path, refused: str = "Aucun document produit"):
    """The validation of `file` (`FileResult`, with its project and what the checks computed), or
    exit with its validation errors (1; 2 when unreadable); `refused` says what the command does not produce."""
    from ..validation import validate_file
    from .output import exit_unless_valid

    result = validate_file(file)
    exit_unless_valid(result, f"{refused} : corrigez ces erreurs (voir « ptms validate {file} »).")
    return result


def _formats(value: str) -> tuple[str, ...]:
    from ..documents.catalog import FORMATS

    wanted = tuple(dict.fromkeys(x.strip().lower() for x in value.split(",") if x.strip()))
    bad = [x for x in wanted if x not in FORMATS]
    if bad or not wanted:
        raise typer.BadParameter(f"format « {', '.join(bad) or value} » inconnu ; formats possibles : "
                                 + ", ".join(FORMATS), param_hint="--format")
    return wanted


@command("render")
def render_cmd(
    files: list[str] = typer.Argument(..., metavar="FICHIER",
                                      help="Fichiers projet YAML, dossiers (parcourus) ou motifs (« projets/*.yaml »)."),
    out: Optional[Path] = typer.Option(
        None, "--output", "-o", metavar="DOSSIER",
        help="Dossier de sortie (défaut : « <nom du fichier>-documents » à côté du projet). "
             "Avec plusieurs projets : un sous-dossier par projet, nommé d'après le fichier."),
    docs: Optional[list[str]] = typer.Option(
        None, "--doc", metavar="NOM",
        help="Document à produire (répétable) : mobilisation, lettres, cahier-des-charges, convention. Défaut : tous."),
    format: str = typer.Option("docx", "--format", "-f", metavar="FORMATS",
                               help="Formats séparés par des virgules : docx, md, pdf, odt (PDF et ODT : LibreOffice requis)."),
    templates: Optional[Path] = typer.Option(
        None, "--templates", "-t", metavar="DOSSIER",
        help="Dossier de modèles personnalisés (sinon « templates: » du projet, sinon les modèles fournis)."),
    force: bool = typer.Option(False, "--force", help="Écraser aussi les fichiers modifiés à la main depuis la dernière génération."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", metavar="N",
                                       help="Processus de rendu en parallèle (défaut : nombre de cœurs ; 1 : sans processus séparé). "
                                            "Avec PDF ou ODT, chacun garde son LibreOffice ouvert (≈\u00a0200\u00a0Mio de mémoire de plus par processus)."),
    check: bool = typer.Option(False, "--check",
                               help="Ne rien écrire : échouer (code 1) si un document manque ou diffère de ce que produirait un rendu maintenant (pour la CI)."),
    changed_only: bool = typer.Option(False, "--changed-only",
                                      help="Ne régénérer que les projets dont le fichier ou les modèles ont changé depuis le manifeste."),
    report: Optional[Path] = typer.Option(None, "--report", metavar="FICHIER",
                                          help="Écrire un rapport JSON (par projet : documents écrits, ignorés, en échec, motifs, durées)."),
    prune: bool = typer.Option(False, "--prune",
                               help="Supprimer les documents orphelins : produits par ptms mais que le projet ne produit plus (lettre d'un partenaire retiré…), s'ils n'ont pas été modifiés à la main."),
    engine: str = typer.Option("ptms", "--engine", metavar="MOTEUR",
                               help="Moteur de rendu : ptms (défaut) ou docxtpl (référence, lent, un seul processus) "
                                    "pour comparer en cas de différence."),
) -> None:
    """Produire les documents que l'avancement du projet permet, et dire ce qui est ignoré et pourquoi.

    Étape 1 : dossier de mobilisation et une lettre d'intention par partenaire ; étape 2 : cahier des charges ; étape 3 : convention unique. Un fichier généré puis modifié à la main n'est pas écrasé sans --force (le manifeste « .ptms-manifest.json » du dossier garde la trace de ce qui a été produit).

    Plusieurs projets (fichiers, dossiers, motifs) : un sous-dossier par projet sous -o, rendus en parallèle (-j), un projet en échec n'arrête pas les autres ; tableau récapitulatif à la fin, code 1 si un projet a échoué.

    Exemples : [bold]ptms render examples/agglo-val-de-marque.yaml -o documents --format docx,md,pdf[/bold] ; [bold]ptms render projets/ -o documents -j 2 --report rapport.json[/bold] ; en CI : [bold]ptms render projets/ -o documents --check[/bold]
    """
    if jobs is not None and jobs < 1:
        raise typer.BadParameter(f"« {jobs} » : le nombre de processus doit être au moins 1", param_hint="--jobs")
    if engine != "ptms":  # the default imports nothing here (workers start first)
        from ..documents import render as render_engine

        if engine not in render_engine.ENGINES:
            raise typer.BadParameter(f"moteur « {engine} » inconnu ; moteurs possibles : "
                                     + ", ".join(render_engine.ENGINES), param_hint="--engine")
        render_engine.ENGINE = engine
        jobs = 1  # the reference path renders in this process
    if jobs != 1 and not (len(files) == 1 and Path(files[0]).is_file()):
        from ..documents.batch import start_workers

        start_workers()  # the worker server imports the rendering modules while this process goes on
    from ..documents import catalog
    from .paths import expand_with_roots

    formats = _formats(format)
    unknown = [d for d in docs or [] if d not in catalog.BY_NAME]
    if unknown:
        raise typer.BadParameter(f"document « {unknown[0]} » inconnu ; documents possibles : "
                                 + ", ".join(catalog.BY_NAME), param_hint="--doc")
    if templates is not None and not templates.is_dir():
        print(f"Erreur : dossier de modèles introuvable : {templates}", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    if check and changed_only:
        raise typer.BadParameter("--check et --changed-only ne vont pas ensemble (--check compare tout).",
                                 param_hint="--changed-only")
    if check and prune:
        raise typer.BadParameter("--check n'écrit ni ne supprime rien : il signale les orphelins ; "
                                 "--prune les supprime lors d'un rendu.", param_hint="--prune")
    if out is not None and out.exists() and not out.is_dir():
        print(f"Erreur : « {out} » existe et n'est pas un dossier.", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    single = len(files) == 1 and not Path(files[0]).is_dir() and not _has_magic(files[0])
    if single and not (check or changed_only or report):
        _render_one(Path(files[0]), out, docs, formats, templates, force, prune)
    found, unmatched = expand_with_roots(files)
    paths = [f for f, _ in found]
    for arg in unmatched:
        print(f"Erreur : « {arg} » ne correspond à aucun fichier .yaml ou .yml", file=sys.stderr)
    if unmatched or not paths:
        raise typer.Exit(EXIT_USAGE)
    from ..documents import batch
    from .render_display import show_batch

    try:
        dirs = batch.output_dirs(paths, out, single, [r for _, r in found])
    except batch.FolderClash as exc:
        print(f"Erreur : {exc}.", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE) from None
    own = not (single and out is not None)  # a folder the user named may be a link; ptms's own may not
    tasks = [batch.Task(p, d, tuple(docs) if docs else None, formats, templates, force, check, changed_only,
                        prune, own) for p, d in zip(paths, dirs)]
    code = show_batch(tasks, jobs or batch.default_jobs(), report)
    raise typer.Exit(code)


def _has_magic(arg: str) -> bool:
    import glob

    return glob.has_magic(arg)


def _render_one(file: Path, out: Path | None, docs, formats, templates, force, prune) -> None:
    """One project named as a file: written files listed one per line (the original display)."""
    from ..documents.pipeline import render_documents
    from ..writing import WriteError

    result = load_for_documents(file)
    project = result.project
    out_dir = out if out is not None else file.parent / f"{file.stem}-documents"
    if out_dir.exists() and not out_dir.is_dir():
        print(f"Erreur : « {out_dir} » existe et n'est pas un dossier.", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    try:
        outcome = render_documents(project, file, out_dir, names=docs, formats=formats, templates=templates,
                                   force=force, derived=result.derived, prune=prune, own_dir=out is None,
                                   on_wait=lambda message: print(message, file=sys.stderr, flush=True))
    except KeyboardInterrupt:
        print("\nInterrompu : les documents déjà écrits sont complets et inscrits au manifeste, les autres "
              "n'ont pas été modifiés (aucun fichier partiel) ; relancez la commande pour finir.", file=sys.stderr)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except OSError as exc:  # a WriteError names its file; then what was written before it
        from ..writing import os_reason, stopped_summary

        print(f"Erreur : {exc}." if isinstance(exc, WriteError)
              else f"Erreur : écriture impossible dans « {out_dir} » : {os_reason(exc)}", file=sys.stderr)
        print("\n".join(stopped_summary(exc, out_dir)), file=sys.stderr)
        raise typer.Exit(EXIT_FINDINGS) from None
    for path in outcome.written:
        print(f"écrit : {path}")
    for path in outcome.unchanged:
        print(f"inchangé : {path}")
    for path in outcome.pruned:
        print(f"supprimé (orphelin) : {path}")
    for path in outcome.orphans:
        if path not in outcome.pruned and path not in outcome.protected:
            print(f"orphelin : {path} — plus produit par le projet (--prune pour le supprimer)")
    for skip in outcome.skipped:
        print(f"ignoré : {skip.spec.title} — {skip.reason}")
    for path in outcome.protected:
        print(f"Erreur : « {path} » a été modifié depuis sa génération : il n'est pas "
              + ("supprimé." if path in outcome.orphans else "écrasé (relancez avec --force pour l'écraser)."),
              file=sys.stderr)
    for message in outcome.errors:
        print(f"Erreur : {message}", file=sys.stderr)
    done = len(outcome.written) + len(outcome.unchanged)
    print(f"{plural(done, 'fichier')} à jour dans {out_dir}, {plural(len(outcome.skipped), 'document ignoré', 'documents ignorés')}"
          + (f", {len(outcome.protected) + len(outcome.errors)} en échec" if outcome.failed else "") + ".")
    from ..legalfacts import render_note

    if note := render_note(project):
        print(note)
    raise typer.Exit(EXIT_FINDINGS if outcome.failed else EXIT_OK)


@command("context")
def context_cmd(file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML.")) -> None:
    """Afficher en JSON le contexte transmis aux modèles Word (pour écrire ses propres modèles).

    Les lettres d'intention reçoivent en plus « partner » (le partenaire destinataire, même forme qu'un élément de « partners ») ; tous les modèles reçoivent « images » (contributions, coverage).

    Exemple : [bold]ptms context examples/agglo-val-de-marque.yaml > contexte.json[/bold]
    """
    import json

    from ..documents.pipeline import full_context

    result = load_for_documents(file, "Contexte des modèles non produit")
    print(json.dumps(full_context(result.project, result.derived), ensure_ascii=False, indent=2))
