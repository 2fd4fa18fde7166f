"""`ptms calls FICHIER --year 2027 | --due-before DATE`: calls for funds (letters and a summary table)."""

from __future__ import annotations

import sys
from datetime import date as Date
from pathlib import Path
from typing import Optional

import typer

from ..frformat import plural
from .app import EXIT_FINDINGS, EXIT_OK, command


def _date(value: str | None, option: str) -> Date | None:
    if value is None:
        return None
    try:
        return Date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"date « {value} » invalide : attendu AAAA-MM-JJ (ex. 2027-06-30)",
                                 param_hint=option) from None


@command("calls")
def calls_cmd(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML (convention signée)."),
    year: Optional[int] = typer.Option(None, "--year", "-y", min=2000, max=2100, help="Appeler les contributions de cette année."),
    due_before: Optional[str] = typer.Option(None, "--due-before", metavar="AAAA-MM-JJ",
                                             help="Appeler les échéances dues avant cette date (non encore reçues)."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", metavar="DOSSIER",
                                       help="Dossier de sortie (par défaut FICHIER-documents à côté du fichier)."),
    format: str = typer.Option("docx", "--format", "-f", metavar="FORMATS", help="Lettres : docx, md, pdf, odt."),
    summary: str = typer.Option("csv,xlsx", "--summary", metavar="FORMATS", help="Tableau récapitulatif : csv, xlsx."),
    today: Optional[str] = typer.Option(None, "--today", metavar="AAAA-MM-JJ",
                                        help="Date des lettres et du calcul des retards (par défaut aujourd'hui)."),
    answers: Optional[Path] = typer.Option(None, "--answers", metavar="FEUILLE",
                                           help="Tableau récapitulatif (csv ou xlsx) complété : colonnes « recu » et "
                                                "« recu_le » des échéances reçues."),
    templates: Optional[Path] = typer.Option(None, "--templates", metavar="DOSSIER",
                                             help="Dossier de modèles personnalisés (appel-de-fonds.docx)."),
    check: bool = typer.Option(False, "--check", help="Ne rien écrire : code 1 si un fichier du dossier est absent ou différent (CI)."),
    force: bool = typer.Option(False, "--force", help="Écraser aussi une lettre modifiée à la main depuis sa génération."),
) -> None:
    """Appels de fonds de l'année : une lettre par financeur et par échéance, et un tableau récapitulatif.

    Pour chaque échéance de l'échéancier de la convention : montant en chiffres et en lettres, article de la convention, avance ou solde et sa condition, coordonnées bancaires de l'opérateur, date d'échéance ; et un tableau récapitulatif (csv, xlsx) de ce qui est dû, par qui, quand.

    Les versements reçus s'inscrivent dans « payments: » du fichier projet, ou dans le tableau récapitulatif complété (colonnes « recu » et « recu_le ») donné avec « --answers » : les appels suivants et le tableau montrent alors le reste dû et les retards ; une échéance entièrement reçue n'a plus de lettre. Codes de sortie : 0 appels écrits (ou rien à appeler), 1 projet invalide, sans échéancier, ou écriture en échec, 2 usage incorrect.

    Exemples : [bold]ptms calls projet.yaml --year 2027[/bold] ; [bold]ptms calls projet.yaml --due-before 2027-07-01 -f docx,md[/bold] ; [bold]ptms calls projet.yaml --year 2027 --answers appels-de-fonds-2027.csv[/bold]
    """
    from ..aftersign import adapters, calls
    from ..aftersign.output import FORMATS, Doc, render_and_write, spec
    from ..documents.pipeline import full_context
    from .aftersign_shared import formats, out_dir, show_outcome
    from .cmd_diff import load_version, plan_of

    if (year is None) == (due_before is None):
        raise typer.BadParameter("indiquez soit --year ANNÉE, soit --due-before DATE", param_hint="--year")
    wanted = formats(format, FORMATS)
    tables = formats(summary, ("csv", "xlsx"), "--summary")
    limit = _date(due_before, "--due-before")
    day = _date(today, "--today") or Date.today()
    result = load_version(file, "Aucun appel de fonds produit")
    project = result.project
    plan = plan_of(result)
    if not adapters.schedule(project) or plan is None:
        print(f"Erreur : « {file} » n'a pas d'échéancier de versement (convention.payment_schedule) ou pas de plan de "
              "financement : rien à appeler.", file=sys.stderr)
        raise typer.Exit(EXIT_FINDINGS)
    filled = []
    if answers is not None:
        from ..aftersign.answers import AnswersError, read

        try:
            filled = read(answers)
        except AnswersError as exc:
            print(f"Erreur : {exc}.", file=sys.stderr)
            raise typer.Exit(EXIT_FINDINGS) from None
    everything = calls.all_calls(project, plan, filled)
    for x in calls.unknown_answers(everything, filled):
        print(f"Attention : {answers}:{x.line} : échéance « {x.reference} » inconnue de la convention : ignorée.",
              file=sys.stderr)
    for x in filled:
        if x.received_on is None and x.amount:
            print(f"Attention : {answers}:{x.line} : « {x.reference} » sans date de réception (colonne « recu_le ») : "
                  "annoncé, pas compté comme reçu.", file=sys.stderr)
    for i in calls.unknown_payments(project, everything):
        p = project.payments[i]
        print(f"Attention : payments[{i}] ({p.partner}, {p.year}, échéance {p.installment}) ne correspond à aucune "
              "échéance de la convention : ignoré.", file=sys.stderr)
    chosen = calls.select(everything, year, limit)
    if limit is not None:
        unknown = [c for c in calls.select(everything) if c.due is None and c.outstanding]
        if unknown:
            print(f"Attention : {plural(len(unknown), 'échéance')} sans date connue dans l'échéancier (libellé sans date) : "
                  "non retenues par --due-before ; utilisez --year.", file=sys.stderr)
    due = [c for c in chosen if c.outstanding]
    if not chosen:
        print("Aucune échéance à appeler pour cette sélection.")
        raise typer.Exit(EXIT_OK)
    template = adapters.convention_template(project, file, templates)
    articles = adapters.convention_articles(template, project=project)
    article, _ = adapters.article_ref("Modalités de versement", articles)
    reference = adapters.convention_reference(project)
    base = full_context(project, result.derived)
    docs = [Doc(spec("appel-de-fonds"), f"appel-de-fonds-{c.year}-{c.partner}-{c.number}", f"Appel de fonds {c.reference}",
                calls.letter(c, project, base, article, reference, day)) for c in due]
    stem = f"appels-de-fonds-{year}" if year is not None else f"appels-de-fonds-avant-{limit}"
    extra = {}
    if "csv" in tables:
        extra[f"{stem}.csv"] = calls.summary_csv(chosen, day)
    if "xlsx" in tables:
        extra[f"{stem}.xlsx"] = calls.summary_xlsx(chosen, day)
    outcome = render_and_write(docs, project, file, out_dir(file, out), formats=wanted, templates=templates,
                               force=force, extra=extra, extra_document="appels-de-fonds", check=check)
    show_outcome(outcome)
    total = sum((c.outstanding for c in due), calls.ZERO)
    late = [c for c in due if c.status(day) == "en retard"]
    from ..documents.formatting import money

    print(f"{plural(len(due), 'appel')} de fonds pour {money(total)} ; {plural(len(chosen) - len(due), 'échéance déjà reçue', 'échéances déjà reçues')}"
          + (f" ; {len(late)} en retard" if late else "") + ".")
    for c in late:
        print(f"En retard : {c.reference} ({c.partner_name}), {money(c.outstanding)} restant dû depuis le "
              f"{c.due.strftime('%d/%m/%Y') if c.due else '?'}.")
    if not adapters.operator(project)["bank_known"]:
        print("Attention : coordonnées bancaires de l'opérateur absentes du projet : les lettres portent un champ à "
              "compléter.", file=sys.stderr)
    raise typer.Exit(EXIT_OK)
