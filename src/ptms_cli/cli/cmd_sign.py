"""`ptms sign FICHIER`: record the signed version (its digest, the date, the documents' digests)."""

from __future__ import annotations

import sys
from datetime import date as Date
from pathlib import Path
from typing import Optional

import typer

from .app import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, command


@command("sign")
def sign_cmd(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML, dans la version signée."),
    when: Optional[str] = typer.Option(None, "--date", metavar="AAAA-MM-JJ",
                                       help="Date de signature (par défaut convention.signing_date, sinon aujourd'hui)."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", metavar="DOSSIER",
                                       help="Dossier de l'enregistrement (par défaut FICHIER-signature à côté du fichier)."),
    format: str = typer.Option("docx", "--format", "-f", metavar="FORMATS",
                               help="Formats de la convention archivée : docx, md, pdf, odt."),
    force: bool = typer.Option(False, "--force", help="Remplacer un enregistrement existant."),
) -> None:
    """Enregistrer la version signée du projet (empreinte, date, convention archivée).

    Une copie exacte du fichier, son empreinte SHA-256, la date, et la convention produite à partir de cette version avec l'empreinte de chaque fichier (signature.json).

    L'enregistrement est un dossier à côté du fichier (FICHIER-signature) : « ptms amend » et « ptms report » l'y trouvent sans qu'on le nomme. Le fichier projet peut ensuite évoluer librement. Codes de sortie : 0 enregistré, 1 projet invalide ou écriture impossible, 2 usage incorrect (date, dossier).

    Exemple : [bold]ptms sign projet.yaml --date 2026-03-15 -f docx,pdf[/bold]
    """
    from .. import __version__
    from ..aftersign import sign
    from ..aftersign.output import FORMATS
    from ..documents.pipeline import render_documents
    from ..writing import write_atomic
    from .aftersign_shared import formats, out_dir, show_outcome
    from .cmd_diff import load_version

    wanted = formats(format, FORMATS)
    try:
        day = Date.fromisoformat(when) if when else None
    except ValueError:
        raise typer.BadParameter(f"date « {when} » invalide : attendu AAAA-MM-JJ (ex. 2026-03-15)",
                                 param_hint="--date") from None
    result = load_version(file, "Signature non enregistrée")
    project = result.project
    if project.convention is None:
        print(f"Erreur : « {file} » n'a pas de convention (section « convention ») : rien à signer.", file=sys.stderr)
        raise typer.Exit(EXIT_FINDINGS)
    day = day or project.convention.signing_date or Date.today()
    target = out if out is not None else sign.folder_for(file)
    target = out_dir(file, target)
    if (target / sign.RECORD).exists() and not force:
        print(f"Erreur : « {target / sign.RECORD} » existe déjà : une version signée est enregistrée "
              "(--force pour la remplacer).", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    data = file.read_bytes()
    outcome = render_documents(project, file, target, names=["convention"], formats=wanted, derived=result.derived,
                               force=force)
    show_outcome(outcome)
    from ..documents.manifest import Manifest, sha256

    manifest = Manifest.load(target)
    documents = {p.name: sha256(p.read_bytes()) for p in outcome.written + outcome.unchanged}
    documents = {n: manifest.files.get(n, {}).get("sha256", digest) for n, digest in documents.items()}
    record = sign.make_record(file.name, data, day, documents, f"ptms {__version__}")
    import json

    write_atomic(target / file.name, data)
    write_atomic(target / sign.RECORD, (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    print(f"écrit : {target / file.name}")
    print(f"écrit : {target / sign.RECORD}")
    print(f"Version signée le {day.isoformat()} enregistrée (empreinte {record['sha256'][:12]}…) : "
          f"« ptms amend {file} » et « ptms report {file} » la retrouveront.")
    raise typer.Exit(EXIT_OK)
