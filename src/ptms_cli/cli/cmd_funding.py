"""`ptms funding`: the multi-year funding plan as tables (people) or csv / json / xlsx (machines)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from ..sheets import csv_writer, text_only
from .app import EXIT_FINDINGS, EXIT_USAGE, command
from .output import clean, exit_unless_valid, file_name, write_or_exit


class YearView(str, Enum):
    calendar = "calendar"
    convention = "convention"


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@command("funding")
def funding(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="Format : table (lecture), csv, json ou xlsx (tableur)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Écrire dans ce fichier (obligatoire pour xlsx)."),
    by: Optional[YearView] = typer.Option(
        None, "--by", help="Années montrées : calendar (années civiles, exercices budgétaires) ou convention (années "
        "comptées de la date anniversaire de la convention). Par défaut, le choix du projet (« funding.years »)."),
) -> None:
    """Calculer et afficher le plan de financement pluriannuel : coûts, ressources, contributions, équilibre.

    Les coûts sont calculés à partir des paramètres du budget (postes, indexation, frais de structure) et des lignes explicites ; les aides de l'État aux postes adultes-relais et PEC sont calculées automatiquement ; le reste est réparti selon la clé de répartition, au centime près.

    Exemples : [bold]ptms funding projet.yaml[/bold] ; [bold]ptms funding projet.yaml --format xlsx -o plan.xlsx[/bold]
    """
    from ..validation import validate_file

    if format is Format.xlsx and output is None:
        print("Erreur : le format xlsx s'écrit dans un fichier : ajoutez « -o plan.xlsx ».\n"
              "Aide : « ptms funding --help ».", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    result = validate_file(file)
    exit_unless_valid(result, "Plan de financement non calculé : corrigez ces erreurs (voir « ptms validate »).",
                      machine=format is Format.json)
    project = result.project
    if project.budget is None and project.funding is None:
        print(f"{file_name(str(file))}: aucun budget ni plan de financement (« budget », « funding ») : rien à calculer.\n"
              "    conseil : Complétez l'étape 2 (« ptms specify » ou édition du fichier).", file=sys.stderr)
        if format is Format.json:  # stdout is JSON whatever happens
            from ..reporters import JsonReporter

            JsonReporter().report([result], error="aucun budget ni plan de financement : rien à calculer")
        raise typer.Exit(EXIT_FINDINGS)

    plan = result.derived.plan  # computed once, by the checks
    if by is not None and by.value != plan.view:  # both views are computed: only the one shown changes
        from dataclasses import replace

        plan = replace(plan, years=plan.views[by.value], view=by.value)
    alerts = [f for f in result.findings if f.code.startswith("PTMS-W03")]
    if format is Format.table:
        text = None
        _table(project, plan, alerts, output)
    elif format is Format.csv:
        text = _csv(plan)
    elif format is Format.json:
        text = _json(project, plan, alerts, str(file))
    else:
        text = None
        _write(output, _xlsx(project, plan, alerts))
    if text is not None:
        if output is None:
            sys.stdout.write(text)
        else:
            _write(output, text.encode("utf-8"))
    if format is not Format.table and format is not Format.json:
        from ..reporters import TextReporter

        for f in alerts:
            TextReporter(stream=sys.stderr, color=False).finding(f)


def _write(path: Path, data: bytes) -> None:
    write_or_exit(path, data, "le plan de financement", f"Plan de financement écrit dans {path}")


# --- people ------------------------------------------------------------------------------------


def _table(project, plan, alerts, output: Path | None) -> None:
    from rich.table import Table

    from .. import referential as ref
    from ..frformat import money, percent
    from ..funding import rows
    from ..terminal import console as Console  # French typography, tables fitted to the width
    from .output import markup as escape  # user text: no control character, no markup

    if output is None:
        console = Console(highlight=False)
    else:  # recorded for the file only, not shown
        import io

        console = Console(highlight=False, record=True, width=140, file=io.StringIO())
    years = [y.year for y in plan.years]

    def label_column(t: Table, header: str, cells: list[str], footer: str = "") -> None:
        # words wrap at spaces, never inside a word: the column is at least as wide as its longest word
        longest = max((len(w) for c in cells + [header] for w in c.split()), default=1)
        t.add_column(header, footer=footer, min_width=min(longest, LONGEST_WORD), overflow="fold")

    def amount_column(t: Table, header: str, footer: str = "") -> None:
        # an amount is one unit: never wrapped (rich would break « 45 621,22 € » at its no-break spaces)
        t.add_column(header, footer=footer, justify="right", no_wrap=True)

    def matrix(title: str, view: str, label, extra: list[tuple[str, Callable[[Any], str]]] | None = None, total=None,
               inline: list[tuple[str, Callable[[Any], str]]] | None = None) -> Table:
        """Lines x years; `extra` columns after the label; `inline` facts on a second line of the label."""
        t = Table(title=title, title_justify="left", title_style="bold", show_footer=total is not None)
        lines = rows(plan, view)
        labels = [label(r.item) + "".join(f"\n{fn(r.item)}" for fn in [f for _, f in inline or []][:1])
                  + (" — " + " — ".join(fn(r.item) for _, fn in (inline or [])[1:]) if len(inline or []) > 1 else "")
                  for r in lines]
        label_column(t, "Libellé", labels, "Total" if total else "")
        for name, fn in extra or []:
            label_column(t, name, [fn(r.item) for r in lines])
        for y in plan.years:
            amount_column(t, y.short or str(y.year), money(total(y)) if total else "")
        for r, text in zip(lines, labels):
            first, _, second = text.partition("\n")
            cells = [escape(first) + (f"\n[dim]{escape(second)}[/dim]" if second else "")]
            cells += [escape(fn(r.item)) for _, fn in extra or []]
            for y in years:
                if y in r.amounts:
                    cell = money(r.amounts[y])
                    if y in r.details:
                        cell += f"\n[dim]{escape(r.details[y])}[/dim]"
                else:
                    cell = "[dim]—[/dim]"
                cells.append(cell)
            t.add_row(*cells)
        return t

    console.print(f"[bold]Plan de financement — {escape(project.name)}[/bold]")
    if plan.view == "convention" or any(y.partial for y in plan.years):
        console.print("Années " + ("de convention" if plan.view == "convention" else "civiles") + " ; montants en euros :")
        for y in plan.years:
            console.print(f"  {escape(y.label)}")
    else:
        console.print(f"Années {years[0]}-{years[-1]} ; montants en euros." if years else "Aucune année à calculer (« period »).")
    console.print()
    console.print(matrix("Coûts", "costs", lambda x: x.label, [("Catégorie", lambda x: x.category_label)], lambda y: y.cost_total))
    console.print()
    console.print(matrix("Ressources (hors contributions des partenaires)", "resources", lambda x: x.label, [],
                         lambda y: y.resources_total,
                         inline=[("Nature", lambda x: ref.FUNDING_NATURES[x.nature]),
                                 ("Versée par", lambda x: _payer(project, x))]))
    console.print()
    from ..funding.keys import method_label

    method = method_label(project.funding.allocation if project.funding else None)
    title = "Contributions des partenaires" + (f" (reste réparti : {method})" if method else "")
    console.print(matrix(title, "contributions", lambda x: x.name, [("Nature", lambda x: ref.FUNDING_NATURES[x.nature])],
                         lambda y: y.contributions_total))
    console.print()
    t = Table(title="Qui paie quoi (ressources et contributions ; en dessous, part du coût de l'année)",
              title_justify="left", title_style="bold")
    partners = rows(plan, "partners")
    label_column(t, "Partenaire", [r.item.name for r in partners])
    for y in plan.years:
        amount_column(t, y.short or str(y.year))
    for row in partners:
        cells = [escape(row.item.name)]
        for y in years:
            cells.append(f"{money(row.amounts[y])}\n{percent(row.shares[y])}" if y in row.amounts else "[dim]—[/dim]")
        t.add_row(*cells)
    console.print(t)
    from ..funding.routing import role_label

    operators = rows(plan, "operators")
    if operators:
        console.print()
        t = Table(title="Qui reçoit le coût du service (l'opérateur principal reverse leur part aux sous-traitants)",
                  title_justify="left", title_style="bold", show_footer=True)
        label_column(t, "Opérateur", [r.item.name + " " + role_label(r.item) for r in operators], "Coût total")
        for y in plan.years:
            amount_column(t, y.short or str(y.year), money(y.cost_total))
        for row in operators:
            cells = [f"{escape(row.item.name)}\n[dim]{escape(role_label(row.item))}[/dim]"]
            cells += [money(row.amounts[y]) if y in row.amounts else "[dim]—[/dim]" for y in years]
            t.add_row(*cells)
        console.print(t)
    from .funding_extras import print_extras

    print_extras(console, project, plan, escape)
    console.print()
    t = Table(title="Équilibre par année", title_justify="left", title_style="bold")
    label_column(t, "", [label for label, _ in _BALANCE])
    for y in plan.years:
        amount_column(t, y.short or str(y.year))
    for label, fn in _BALANCE:
        t.add_row(label, *[money(fn(y)) for y in plan.years])
    t.add_row("Équilibre", *["[green]équilibré[/green]" if y.balance == 0 else "[red]non équilibré[/red]" for y in plan.years])
    console.print(t)
    if alerts:
        console.print()
        console.print("[bold]Alertes[/bold]")
        for f in alerts:
            # wrapped here by textwrap, which never breaks at a no-break space (rich would split « 12 500,80 € »)
            console.print(_wrap(f"⚠ {clean(f.message)} ({f.code}, ligne {f.line})", console.width, "  ", "    "),
                          soft_wrap=True, markup=False)
            if f.hint:
                console.print(_wrap(clean(f.hint), console.width, "    "), soft_wrap=True, markup=False, style="dim")
    if output is not None:
        _write(output, console.export_text().encode("utf-8"))


LONGEST_WORD = 20  # a label column is never narrower than its longest word, up to this width

_BALANCE = [
    ("Coût total", lambda y: y.cost_total),
    ("Ressources", lambda y: y.resources_total),
    ("Reste à la charge des partenaires", lambda y: y.gap),
    ("Contributions fixes", lambda y: y.fixed_total),
    ("Contributions réparties", lambda y: y.allocated_total),
    ("Solde (coût − financements)", lambda y: y.balance),
]


def _wrap(text: str, width: int, indent: str, then: str | None = None) -> str:
    import textwrap

    return textwrap.fill(text, max(20, width - 1), initial_indent=indent, subsequent_indent=then or indent,
                         break_long_words=False, break_on_hyphens=False)


def _payer(project, line) -> str:
    """« versée par l'ASP », « sollicitée — versée par la Région »: the status (when not planned) and the payer."""
    from ..funding.instruments import instrument

    status = _status(project, line)
    inst = instrument(line.kind)
    payer = inst.pays or (_name(project, line.partner) if line.partner else "")
    return " — ".join(x for x in (status, f"versée par {payer}" if payer else "") if x)


def _payer_name(project, line) -> str:
    """Who pays a resource: the instrument's payer (the ASP for post aids), else the resource's partner."""
    from ..funding.instruments import instrument

    return instrument(line.kind).pays or _name(project, line.partner)


def _status(project, line) -> str:
    if line.computed or not line.ref.startswith("resource:") or project.funding is None:
        return ""
    r = next((r for r in project.funding.resources if f"resource:{r.id}" == line.ref), None)
    return _STATUS_WORDS[r.status] if r and r.status != "planned" else ""


_STATUS_WORDS = {"planned": "prévisionnelle", "requested": "sollicitée", "granted": "accordée"}  # une ressource


def _name(project, pid: str | None) -> str:
    if pid is None:
        return "—"
    p = project.partner(pid)
    return p.name if p else pid


# --- machines ----------------------------------------------------------------------------------

CSV_HEADER = ["vue", "annee", "reference", "libelle", "detail", "categorie", "partenaire", "nature",
              "montant", "fixe", "reparti", "part", "categorie_libelle"]


def _csv(plan) -> str:
    import io

    buf = io.StringIO()
    w = csv_writer(buf)
    w.writerow(CSV_HEADER)
    for y in plan.years:
        for c in y.costs:
            w.writerow(["couts", y.year, c.ref, c.label, c.detail, c.category, "", "", c.amount, "", "", "", c.category_label])
        for r in y.resources:
            w.writerow(["ressources", y.year, r.ref, r.label, r.detail, r.kind, r.partner or "", r.nature, r.amount, "", "", "", ""])
        for c in y.contributions:
            w.writerow(["contributions", y.year, c.partner, c.name, "", "", c.partner, c.nature, c.total, c.fixed, c.allocated, "", ""])
        for p in y.partners:
            w.writerow(["partenaires", y.year, p.partner or "", p.name, "", "", p.partner or "", "", p.total, "", "", p.share, ""])
        for o in y.operators:  # only with sub-contractors: who receives the cost
            w.writerow(["operateurs", y.year, o.partner, o.name, o.basis, o.role, o.partner, "", o.amount, "", "", "", ""])
        for key, value in (("cout_total", y.cost_total), ("ressources", y.resources_total), ("reste", y.gap),
                           ("contributions", y.contributions_total), ("solde", y.balance)):
            w.writerow(["equilibre", y.year, key, "", "", "", "", "", value, "", "", "", ""])
    return buf.getvalue()


def _json(project, plan, alerts, shown: str) -> str:
    import json

    from ..checks.funding import plan_problems
    from ..funding import plan_as_dict

    plan_doc = plan_as_dict(plan, plan_problems(plan))
    plan_doc["years"] = [_renamed(y) for y in plan_doc["years"]]
    doc = {"version": 1, "file": shown, "project": project.name, "plan": plan_doc,
           "findings": [f.to_dict() for f in alerts]}
    from .funding_extras import extras_as_dict

    doc["plan"] |= extras_as_dict(project, plan)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# json keys of a year renamed to say what they are: new name -> old name, kept one version as a
# deprecated alias (README, « ptms funding »), right after the new one.
RENAMED_YEAR_KEYS = {"to_fund_by_partners": "gap"}  # cost − resources: what the partners' contributions must cover


def _renamed(year: dict) -> dict:
    out: dict = {}
    for key, value in year.items():
        new = next((n for n, old in RENAMED_YEAR_KEYS.items() if old == key), None)
        if new is not None:
            out[new] = value
        out[key] = value
    return out


def _xlsx(project, plan, alerts) -> bytes:
    import io
    from datetime import datetime
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from .. import referential as ref
    from ..funding import rows

    euro = '#,##0.00\\ "€"'
    pct = "0.0%"
    bold = Font(bold=True)
    years = [y.year for y in plan.years]
    heads: list = [y.year if y.view == "calendar" else y.short for y in plan.years]  # column headers
    wb = Workbook()
    wb.properties.creator = "ptms"
    wb.properties.created = wb.properties.modified = datetime(2000, 1, 1)

    def sheet(title: str, header: list, first: bool = False):
        ws = wb.active if first else wb.create_sheet()
        ws.title = title
        ws.append(header)
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "B2"
        ws.column_dimensions["A"].width = 48
        for i in range(2, len(header) + 1):
            ws.column_dimensions[get_column_letter(i)].width = 16
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        return ws

    def amounts(ws, row_values: list, money_cols: range, total: bool = False):
        ws.append(row_values)
        for col in money_cols:
            ws.cell(ws.max_row, col).number_format = euro
            if total:
                ws.cell(ws.max_row, col).font = bold
        if total:
            ws.cell(ws.max_row, 1).font = bold

    ws = sheet("Équilibre", ["Poste"] + heads, first=True)
    for label, fn in _BALANCE:
        amounts(ws, [label] + [fn(y) for y in plan.years], range(2, 2 + len(years)), total=label == "Coût total")

    def matrix(title: str, view: str, label, extra: list[tuple[str, Callable[[Any], str]]], total):
        cols = ["Libellé"] + [n for n, _ in extra] + heads
        ws = sheet(title, cols)
        start = 2 + len(extra)
        for r in rows(plan, view):
            amounts(ws, [label(r.item)] + [fn(r.item) for _, fn in extra] + [r.amounts.get(y) for y in years],
                    range(start, start + len(years)))
        amounts(ws, ["Total"] + [""] * len(extra) + [total(y) for y in plan.years], range(start, start + len(years)), True)
        for i in range(len(extra)):
            ws.column_dimensions[chr(ord("B") + i)].width = 30

    matrix("Coûts", "costs", lambda x: x.label, [("Catégorie", lambda x: x.category_label)],
           lambda y: y.cost_total)
    matrix("Ressources", "resources", lambda x: x.label,
           [("Nature", lambda x: ref.FUNDING_NATURES[x.nature]), ("Statut", lambda x: _status(project, x) or "prévisionnelle"),
            ("Versée par", lambda x: _payer_name(project, x))],
           lambda y: y.resources_total)
    matrix("Contributions", "contributions", lambda x: x.name, [("Nature", lambda x: ref.FUNDING_NATURES[x.nature])],
           lambda y: y.contributions_total)
    # by partner: what each pays (resources and contributions), then its share of the year's cost;
    # years are numbers in the header (one header row: sortable, filterable)
    partners = rows(plan, "partners")
    ws = sheet("Partenaires", ["Partenaire"] + heads)
    for r in partners:
        amounts(ws, [r.item.name] + [r.amounts.get(y) for y in years], range(2, 2 + len(years)))
    amounts(ws, ["Total"] + [sum((p.total for p in y.partners), Decimal(0)) for y in plan.years],
            range(2, 2 + len(years)), True)
    ws = sheet("Parts du coût", ["Partenaire"] + heads)
    for r in partners:
        ws.append([r.item.name] + [r.shares.get(y) for y in years])
        for col in range(2, 2 + len(years)):
            ws.cell(ws.max_row, col).number_format = pct
    from ..funding.routing import role_label

    operators = rows(plan, "operators")
    if operators:  # only with sub-contractors: who receives the cost (the lead operator, each sub-contractor)
        ws = sheet("Opérateurs", ["Opérateur", "Rôle"] + heads)
        for r in operators:
            amounts(ws, [r.item.name, role_label(r.item)] + [r.amounts.get(y) for y in years], range(3, 3 + len(years)))
        amounts(ws, ["Coût total", ""] + [y.cost_total for y in plan.years], range(3, 3 + len(years)), True)
        ws.column_dimensions["B"].width = 36
    from ..funding.inkind import in_kind_lines

    calendar = [y.year for y in (plan.views.get("calendar") or plan.years)]
    kinds = {x.ref: x for y in calendar for x in in_kind_lines(project, y)}
    if kinds:  # valued, never paid: apart from the cash sheets (calendar years, as entered)
        ws = sheet("Apports en nature", ["Partenaire", "Nature", "Description"] + calendar)
        for key, x in kinds.items():
            values = {y: next((z.amount for z in in_kind_lines(project, y) if z.ref == key), None) for y in calendar}
            amounts(ws, [x.name, x.kind_label, x.label] + [values[y] for y in calendar], range(4, 4 + len(calendar)))
        ws.column_dimensions["B"].width = ws.column_dimensions["C"].width = 30
    ws = sheet("Alertes", ["Code", "Message", "Ligne"])
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 90
    for f in alerts:
        ws.append([f.code, f.message, f.line])
    text_only(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
