"""`ptms sign FICHIER`: record the signed version (its digest, the date, the documents' digests)."""

from __future__ import annotations

import os
import sys
from datetime import date as Date
from pathlib import Path
from typing import Optional

import typer

from ..frformat import plural
from .app import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, command


@command("sign")
def sign_cmd(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML, dans la version signée."),
    when: Optional[str] = typer.Option(None, "--date", metavar="AAAA-MM-JJ",
                                       help="Date de signature (par défaut convention.signing_date, sinon aujourd'hui)."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", metavar="DOSSIER",
                                       help="Dossier de l'archive (par défaut FICHIER-signature à côté du fichier)."),
    docs: str = typer.Option("convention", "--doc", "-d", metavar="DOCUMENTS",
                             help="Documents archivés (séparés par des virgules) : convention, cahier-des-charges, "
                                  "mobilisation, lettres."),
    format: str = typer.Option("pdf", "--format", "-f", metavar="FORMATS",
                               help="Formats archivés : pdf (PDF/A-2b, par défaut), docx, md, odt."),
    force: bool = typer.Option(False, "--force", help="Remplacer un enregistrement existant."),
) -> None:
    """Enregistrer la version signée du projet : archive en PDF/A, empreintes, date.

    Dans l'archive (dossier FICHIER-signature) : une copie exacte du fichier, les documents produits à partir de cette version (la convention par défaut) en PDF/A-2b, et signature.json avec la date et l'empreinte SHA-256 de chaque fichier. Dans le fichier projet : la section « signature: » (date, empreinte, dossier de l'archive).

    « ptms amend » et « ptms report » retrouvent ainsi la version signée sans qu'on la nomme, et refusent une archive modifiée depuis. Le fichier projet peut ensuite évoluer librement. Il faut LibreOffice pour le PDF/A. Codes de sortie : 0 enregistré, 1 projet invalide, PDF/A impossible ou écriture impossible, 2 usage incorrect (date, dossier, archive déjà présente).

    Exemples : [bold]ptms sign projet.yaml --date 2026-03-15[/bold] ; [bold]ptms sign projet.yaml -d convention,cahier-des-charges -f pdf,docx[/bold]
    """
    import json

    from .. import __version__
    from ..aftersign import sign
    from ..aftersign.output import FORMATS
    from ..documents import catalog
    from ..documents.manifest import sha256
    from ..documents.pipeline import render_documents
    from ..writing import write_atomic
    from ..yamledit import Conflict, folder_lock, open_document
    from .aftersign_shared import formats, out_dir, show_outcome
    from .cmd_diff import load_version

    wanted = formats(format, FORMATS)
    names = list(formats(docs, tuple(d.name for d in catalog.DOCUMENTS), "--doc"))
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
    outcome = render_documents(project, file, target, names=names, formats=wanted, derived=result.derived,
                               force=force)
    for skip in outcome.skipped:
        print(f"Erreur : « {skip.spec.title} » ne peut pas être produit : {skip.reason}.", file=sys.stderr)
    show_outcome(outcome)
    files = sorted(outcome.written + outcome.unchanged, key=lambda p: p.name)
    if outcome.skipped or not files:
        raise typer.Exit(EXIT_FINDINGS)
    pdfa = []
    for path in files:
        if path.suffix == ".pdf":
            if sign.pdfa_part(path.read_bytes()) is None:
                print(f"Erreur : « {path} » n'est pas un PDF/A : archive non enregistrée.", file=sys.stderr)
                raise typer.Exit(EXIT_FINDINGS)
            pdfa.append(path.name)
    if not pdfa:
        print("Attention : aucun document archivé en PDF/A (ajoutez « pdf » à --format pour l'archivage).",
              file=sys.stderr)
    documents = {p.name: sha256(p.read_bytes()) for p in files}
    record = sign.make_record(file.name, data, day, documents, f"ptms {__version__}", pdfa)
    write_atomic(target / file.name, data)
    write_atomic(target / sign.RECORD, (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    print(f"écrit : {target / file.name}")
    print(f"écrit : {target / sign.RECORD}")
    archive = os.path.relpath(target.resolve(), file.resolve().parent).replace(os.sep, "/")
    section = {"date": day, "sha256": record["sha256"], "archive": archive}
    try:
        document = open_document(file)
        if (document.original or "").encode("utf-8") != data:
            raise Conflict(file, "le fichier a été modifié pendant la signature")
        if "signature" in document.tree:  # signed again (an avenant): the section is replaced in place
            document.update({"signature": section}, keys=["signature"])
            document.save()
        else:  # appended as text: the rest of the file stays byte for byte as it was signed
            nl = document.newline
            text = data.decode("utf-8")
            text += ("" if text.endswith("\n") or not text else nl) + nl.join(
                ["signature:", f"  date: {day.isoformat()}", f"  sha256: {record['sha256']}",
                 f"  archive: {json.dumps(archive, ensure_ascii=False)}", ""])
            with folder_lock(file):
                if file.read_bytes() != data:
                    raise Conflict(file, "le fichier a été modifié pendant la signature")
                write_atomic(file, text.encode("utf-8"), follow_links=True)
    except Conflict as exc:
        print(f"Erreur : « signature: » non écrite dans « {file} » ({exc}) ; l'archive « {target} » est "
              "enregistrée.", file=sys.stderr)
        raise typer.Exit(EXIT_FINDINGS) from None
    print(f"écrit : {file} (section « signature: »)")
    print(f"Version signée le {day.isoformat()} enregistrée (empreinte {record['sha256'][:12]}…, "
          f"{plural(len(pdfa), 'document')} en PDF/A) : « ptms amend {file} » et « ptms report {file} » la retrouveront.")
    raise typer.Exit(EXIT_OK)

