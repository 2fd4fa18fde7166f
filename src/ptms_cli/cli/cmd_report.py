"""`ptms report FICHIER --year 2027`: the annual report to the steering committee (docx/md + HTML page)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..frformat import plural
from ..sheets import csv_writer, text_only
from .app import EXIT_OK, command


@command("report")
def report_cmd(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML (avec « results: », « actuals: », « payments: »)."),
    year: int = typer.Option(..., "--year", "-y", min=2000, max=2100, help="Année du bilan."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", metavar="DOSSIER",
                                       help="Dossier de sortie (par défaut FICHIER-documents à côté du fichier)."),
    format: str = typer.Option("docx,html", "--format", "-f", metavar="FORMATS",
                               help="docx, md, pdf, odt et html (page autonome, graphiques intégrés)."),
    template: Optional[str] = typer.Option(None, "--template", metavar="FORMATS",
                                           help="Exporter seulement la feuille à remplir pour l'année : csv, xlsx."),
    values: Optional[Path] = typer.Option(None, "--values", metavar="FEUILLE",
                                          help="Feuille remplie (csv ou xlsx de --template) : ses valeurs complètent le fichier projet."),
    templates: Optional[Path] = typer.Option(None, "--templates", metavar="DOSSIER",
                                             help="Dossier de modèles personnalisés (bilan-annuel.docx)."),
    check: bool = typer.Option(False, "--check", help="Ne rien écrire : code 1 si un fichier du dossier est absent ou différent (CI)."),
    force: bool = typer.Option(False, "--force", help="Écraser aussi un bilan modifié à la main depuis sa génération."),
) -> None:
    """Bilan annuel d'activité et d'évaluation pour le comité de pilotage (docx, md, page HTML).

    Résultats des indicateurs face aux valeurs de départ et aux cibles (par registre CITER et par niveau), budget exécuté face au plan, versements de chaque partenaire, ce qui change l'an prochain (aides qui s'arrêtent, postes, contributions). Graphiques lisibles en noir et blanc, avec leur description textuelle.

    Les valeurs s'inscrivent dans le fichier projet (« results: », « actuals: », « payments: ») ; « --template csv,xlsx » exporte la feuille de l'année à remplir. Codes de sortie : 0 bilan (ou feuille) écrit, 1 projet invalide ou écriture en échec, 2 usage incorrect.

    Exemples : [bold]ptms report projet.yaml --year 2027[/bold] ; [bold]ptms report projet.yaml --year 2027 --template xlsx[/bold]
    """
    from ..aftersign import charts, report
    from ..aftersign.html import page
    from ..aftersign.output import FORMATS, Doc, render_and_write, spec
    from ..documents.pipeline import full_context
    from .aftersign_shared import formats, out_dir, show_outcome
    from .cmd_diff import load_version, plan_of

    wanted = formats(format, FORMATS + ("html",))
    sheet = formats(template, ("csv", "xlsx"), "--template") if template is not None else ()
    result = load_version(file, "Bilan non produit")
    project, plan = result.project, plan_of(result)
    target = out_dir(file, out)
    if sheet:
        rows = report.sheet_rows(project, plan, year)
        extra = {}
        if "csv" in sheet:
            extra[f"bilan-{year}-a-remplir.csv"] = _csv(rows)
        if "xlsx" in sheet:
            extra[f"bilan-{year}-a-remplir.xlsx"] = _xlsx(rows, year)
        outcome = render_and_write([], project, file, target, extra=extra, extra_document="bilan-a-remplir", force=force, check=check)
        show_outcome(outcome)
        print(f"Feuille {year} : {plural(len(rows), 'valeur')} à saisir (colonne « valeur »), puis à reporter dans « results: » et "
              "« actuals: » du fichier projet.")
        raise typer.Exit(EXIT_OK)
    if values is not None:
        project = report.with_sheet(project, year, _read_values(values, year))
    data = report.build(project, plan, year)
    for w in data.warnings:
        print(f"Attention : {w}.", file=sys.stderr)
    from ..aftersign import adapters, sign

    try:  # the signed version recorded by `ptms sign`, found without naming it
        signed = sign.find(file)
    except sign.SignError as exc:
        print(f"Attention : {exc}.", file=sys.stderr)
        signed = None
    context = report.context(full_context(result.project, result.derived), data)  # the sheet changes no key of it
    context["report"]["convention"] = adapters.convention_reference(project, signed.record if signed else None)
    context["report"]["signed_sha256"] = signed.record["sha256"][:12] if signed else ""
    images = {"budget": charts.budget_png(data), "indicators": charts.indicators_png(data)}
    # each chart's text alternative (accessibility), set on the picture by the typographic pass
    context["pictures"] = {**(context.get("pictures") or {}), **{k: {"alt": context["report"][f"alt_{k}"]} for k in images}}
    extra = {f"bilan-{year}.html": page(context, images)} if "html" in wanted else {}
    docs = [Doc(spec("bilan-annuel"), f"bilan-{year}", f"Bilan {year}", context, images)]
    doc_formats = tuple(f for f in wanted if f != "html")
    outcome = render_and_write(docs if doc_formats else [], project, file, target, formats=doc_formats or ("docx",),
                               templates=templates, force=force, extra=extra, extra_document="bilan-annuel", check=check)
    show_outcome(outcome)
    print(f"Bilan {year} : {plural(context['report']['indicators_entered'], 'indicateur renseigné', 'indicateurs renseignés')} sur "
          f"{len(data.indicators)} ; budget réalisé {context['report']['actual_total']} pour {context['report']['planned_total']} prévus.")
    raise typer.Exit(EXIT_OK)


def _read_values(path: Path, year: int):
    """The values of a filled sheet, or exit 1 (unreadable or invalid: French message with file and line)."""
    from zipfile import BadZipFile

    from ..aftersign.report import SheetError, read_sheet
    from .app import EXIT_FINDINGS

    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            rows = [list(r) for r in load_workbook(path, read_only=True, data_only=True).active.iter_rows(values_only=True)]
        else:
            import csv

            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
        return read_sheet(rows[1:], path.name, year)
    except SheetError as exc:
        print(f"Erreur : {exc}.", file=sys.stderr)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, BadZipFile) as exc:  # zip or xml errors of a broken xlsx
        print(f"Erreur : feuille illisible « {path} » ({type(exc).__name__}).", file=sys.stderr)
    raise typer.Exit(EXIT_FINDINGS)


def _csv(rows: list[list]) -> bytes:
    import io

    from ..aftersign.report import SHEET_HEADER

    buf = io.StringIO()
    w = csv_writer(buf)
    w.writerow(SHEET_HEADER)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _xlsx(rows: list[list], year: int) -> bytes:
    import datetime as dt
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.properties.creator = "ptms"
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    ws = wb.active
    ws.title = f"Bilan {year}"
    ws.append(["Type", "Identifiant", "Libellé", "Année", "Référence (départ ou prévu)", "Cible", "Valeur à saisir"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for row in rows:
        ws.append(row)
        ws.cell(ws.max_row, 7).fill = fill
    for letter, width in zip("ABCDEFG", (12, 22, 48, 7, 24, 18, 18)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    text_only(wb)
    buf = io.BytesIO()
    wb.save(buf)
    from ..aftersign.output import reproducible_xlsx

    return reproducible_xlsx(buf.getvalue())
