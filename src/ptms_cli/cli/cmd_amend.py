"""`ptms amend FICHIER --from SIGNE.yaml`: the avenant to the signed convention, from what changed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..frformat import plural
from .app import EXIT_OK, command


@command("amend")
def amend_cmd(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML (version actuelle)."),
    signed: Optional[Path] = typer.Option(None, "--from", metavar="SIGNE",
                                          help="Version signée du projet ; par défaut celle enregistrée par « ptms sign »."),
    number: int = typer.Option(1, "--number", "-n", min=1, max=99, help="Numéro de l'avenant (1 pour le premier)."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", metavar="DOSSIER",
                                       help="Dossier de sortie (par défaut FICHIER-documents à côté du fichier)."),
    format: str = typer.Option("docx", "--format", "-f", metavar="FORMATS", help="docx, md, pdf, odt (séparés par des virgules)."),
    templates: Optional[Path] = typer.Option(None, "--templates", metavar="DOSSIER",
                                             help="Dossier de modèles personnalisés (avenant.docx, convention.docx)."),
    check: bool = typer.Option(False, "--check", help="Ne rien écrire : code 1 si un fichier du dossier est absent ou différent (CI)."),
    force: bool = typer.Option(False, "--force", help="Écraser aussi un avenant modifié à la main depuis sa génération."),
) -> None:
    """Avenant à la convention signée, rédigé à partir de ce qui a changé depuis la signature.

    Chaque changement (parties, montants par partenaire et par année, clé de répartition, durée, échéancier, gouvernance) énoncé sous l'article qu'il modifie (« L'article 6 est ainsi modifié : … »), les signataires requis et, en annexe, le plan de financement modifié.

    Sans changement, aucun avenant n'est produit (message, code 0). Les changements qui exigent l'accord de toutes les parties sont signalés. Codes de sortie : 0 avenant écrit ou rien à modifier, 1 écriture ou rendu en échec (ou version invalide), 2 version signée introuvable ou illisible.

    Exemples : [bold]ptms amend projet.yaml --from signe.yaml[/bold] ; [bold]ptms amend projet.yaml --number 2 -f docx,md[/bold]
    """
    from ..aftersign import adapters, amend, diff
    from ..aftersign.output import FORMATS, Doc, render_and_write, spec
    from ..documents.pipeline import full_context
    from .aftersign_shared import formats, out_dir, show_outcome, signed_version
    from .cmd_diff import load_version, plan_of
    from .output import file_name

    wanted = formats(format, FORMATS)
    signed_path, record = signed_version(file, signed)
    old = load_version(signed_path, "Avenant non produit (version signée)")
    new = load_version(file, "Avenant non produit")
    d = diff.compute(old.project, plan_of(old), new.project, plan_of(new))
    if not d:
        print(f"Aucun changement depuis la version signée ({file_name(str(signed_path))}) : aucun avenant à produire.")
        raise typer.Exit(EXIT_OK)
    template = adapters.convention_template(old.project, signed_path, templates)
    articles = adapters.convention_articles(template, project=old.project)
    annexes = adapters.convention_articles(template, "Annexe")
    context = amend.context(full_context(new.project, new.derived), d, old.project, new.project, articles, annexes,
                            number, record)
    for c in amend.clauses(d, old.project, new.project, articles):
        if c.article and c.number is None:
            print(f"Attention : article « {c.article} » introuvable dans le modèle de convention « {template.name} » : "
                  "l'avenant le désigne par son titre.", file=sys.stderr)
    target = out_dir(file, out)
    doc = Doc(spec("avenant"), f"avenant-{number}", f"Avenant n° {number}", context)
    outcome = render_and_write([doc], new.project, file, target, formats=wanted, templates=templates, force=force, check=check)
    show_outcome(outcome)
    av = context["avenant"]
    print(f"Avenant n° {number} : {plural(len(d.changes), 'changement')} dans {plural(len(av['clauses']), 'article')} ; "
          f"à signer par {av['signers_rule']} ({plural(len(av['signers']), 'signataire')}).")
    if av["unanimity"]:
        ref, _ = adapters.article_ref(amend.AMENDMENT_ARTICLE, articles)  # « l'article 20 « Avenant » »
        print(f"Unanimité requise : {ref} de la convention exige la signature de toutes les parties "
              "pour ces changements.")
