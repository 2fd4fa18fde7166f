"""`ptms coverage`: who covers which need where, without and with the territorial project."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import command
from .output import exit_unless_valid, write_or_exit


class View(str, Enum):
    before = "before"
    after = "after"
    both = "both"


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# Terminal symbol and colour of each state, per view (the legend explains them in French).
SYMBOLS = {
    "before": {"gap": ("✖", "bold white on red"), "once": ("●", "green"), "overlap": ("▲", "bold yellow"),
               "none": ("·", "dim")},
    "after": {"planned": ("■", "bold blue"), "partial": ("◧", "bold dark_orange"), "coordinated": ("◆", "cyan"), "gap": ("✖", "bold white on red"),
              "none": ("·", "dim")},
}
COLOUR_NAMES = {"bold white on red": "rouge", "green": "vert", "bold yellow": "jaune", "dim": "gris",
                "bold blue": "bleu", "bold dark_orange": "orange", "cyan": "cyan"}

CSV_COLUMNS = ["champ_id", "champ", "secteur_id", "secteur", "besoin", "partenaires_demandeurs", "acteurs",
               "heures_besoin", "heures_acteurs", "heures_service", "etat_sans_projet", "etat_avec_projet"]


@command("coverage")
def coverage(
    file: Path = typer.Argument(..., metavar="FICHIER", help="Fichier projet YAML."),
    view: View = typer.Option(View.both, "--view", help="Vue : before (sans projet), after (avec projet) ou both (les deux)."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="Format : table (lecture), json ou csv (machines)."),
    png: Optional[Path] = typer.Option(None, "--png", metavar="IMAGE", help="Écrire aussi l'image de la matrice (PNG) dans ce fichier."),
) -> None:
    """Diagnostic de couverture : qui couvre quel besoin, où — manques et doublons, sans puis avec le projet territorial.

    Matrice champs d'intervention x secteurs, construite à partir des besoins des partenaires, des acteurs de médiation existants et du service mutualisé prévu. Les formats json et csv contiennent toujours les deux vues.

    Exemple : [bold]ptms coverage examples/agglo-val-de-marque.yaml --png couverture.png[/bold]
    """
    from ..coverage import coverage_as_dict
    from ..validation import validate_file

    result = validate_file(file)
    exit_unless_valid(result, "Corrigez ces erreurs (voir « ptms validate ») avant le diagnostic de couverture.",
                      machine=format is Format.json)
    project = result.project
    matrix = result.derived.coverage  # computed once (also used by the checks)
    if format is Format.json:
        import json

        json.dump(coverage_as_dict(matrix), sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif format is Format.csv:
        _csv(matrix)
    else:
        _table(matrix, ["before", "after"] if view is View.both else [view.value])
    if png is not None:
        _write_png(project, view.value, png, matrix)


def _write_png(project, view: str, path: Path, matrix) -> None:
    from ..coverage import coverage_png

    write_or_exit(path, coverage_png(project, view, matrix=matrix), "l'image", f"Image écrite : {path}")


def _csv(matrix) -> None:
    from ..coverage import hours
    from ..sheets import csv_writer

    labels_f, labels_s = dict(matrix.fields), dict(matrix.sectors)
    writer = csv_writer(sys.stdout)
    writer.writerow(CSV_COLUMNS)
    for c in matrix.cells.values():
        writer.writerow([
            c.field, labels_f[c.field], c.sector, labels_s[c.sector], "oui" if c.need else "non",
            " ".join(dict.fromkeys(n.partner for n in c.needs)), " ".join(c.actors),
            *("" if h is None else h for h in (hours(c.needed_hours), hours(c.actor_hours), hours(c.planned_hours))),
            c.before, c.after,
        ])


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _table(matrix, views: list[str]) -> None:
    import re
    import textwrap

    from rich import box
    from rich.markup import escape as rich_escape
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from ..coverage import STATES, VIEW_TITLES, cell_lines, format_hours, view_summary
    from ..reporters import clean
    from ..terminal import console as Console  # French typography, tables fitted to the width
    from .output import markup as escape  # user text: no control character, no markup

    console = Console(highlight=False)
    width = console.width

    def longest_word(texts) -> int:  # lines break at spaces, or after a hyphen (« Marcq-la-|Rivière »)
        return max((len(w) for t in texts for w in re.split(r"\s+|(?<=[^\W\d_]-)(?=[^\W\d_])", t)), default=1)

    # Never inside a word: a column is never narrower than the longest word (or hyphen part) it shows.
    n = max(1, len(matrix.sectors))
    cell_words = [line for c in matrix.cells.values() for v in views for line in cell_lines(c, v)]
    min_w = max(11, longest_word([label for _, label in matrix.sectors] + cell_words))
    min_label = longest_word(label for _, label in matrix.fields)

    def layout(label_w: int) -> tuple[int, int, int]:
        room = width - label_w - 4  # borders and padding of the label column
        col_w = max(min_w, min(18, room // n - 3))  # each sector column: its text, 2 spaces of padding, 1 border
        return label_w, col_w, max(1, room // (col_w + 3))  # several tables if the sectors do not fit in one

    label_w, col_w, per_table = layout(max(20 if width >= 80 else 14, min_label))
    for narrower in range(label_w - 1, max(min_label, 12) - 1, -1):  # a narrower label column if it saves a table
        if per_table >= n:
            break
        if layout(narrower)[2] > per_table:
            label_w, col_w, per_table = layout(narrower)
    console.print(f"[bold]Couverture des besoins — {escape(matrix.project)}[/bold]")
    if not matrix.fields:
        console.print("Aucun besoin, acteur ni service à représenter : renseignez « partners[].needs », "
                      "« actors » ou « service.sectors ».")
        return
    for view in views:
        console.print()
        console.print(f"[bold]{VIEW_TITLES[view]}[/bold] : {escape(view_summary(matrix, view))}.")
        for sectors in _chunks(matrix.sectors, per_table):
            table = Table(box=box.SQUARE, show_lines=True, padding=(0, 1))
            table.add_column("Champ \\ secteur", width=label_w)
            for _, label in sectors:  # wrapped at spaces or after hyphens, never inside a word
                label = clean(label)
                header = "\n".join(textwrap.wrap(label, col_w, break_long_words=False, break_on_hyphens=True))
                table.add_column(rich_escape(header or label), width=col_w, justify="left")  # cleaned above
            for (f, flabel) in matrix.fields:
                row = [Text(clean(flabel), style="bold")]
                for s, _ in sectors:
                    c = matrix.cell(f, s)
                    symbol, style = SYMBOLS[view][c.state(view)]
                    lines = cell_lines(c, view)
                    text = Text(f"{symbol} ", style=style)
                    text.append("\n".join(map(clean, lines)) if lines else "")
                    row.append(text)
                table.add_row(*row)
            console.print(table)
    console.print()
    console.print("[bold]Légende[/bold]")
    for view in views:
        console.print(f"  {VIEW_TITLES[view]} :")
        for state, label in STATES[view].items():
            symbol, style = SYMBOLS[view][state]
            console.print(Text("    ").append(symbol, style=style).append(f" ({COLOUR_NAMES[style]}) {label}"))
    console.print(Padding("Heures : par semaine. Dans une case, d'abord l'offre (acteurs existants ou service), "
                          "puis le besoin exprimé. Les heures d'un besoin, d'un acteur ou d'un secteur du service "
                          "sont réparties à parts égales entre ses cases.", (0, 0, 0, 2)))
    if "after" in views:
        console.print()
        if not matrix.has_service:
            console.print("Le service mutualisé n'est pas encore défini (section « service ») : la vue « avec "
                          "projet territorial » ne montre que la coordination des acteurs existants.")
        field_labels, sector_labels = dict(matrix.fields), dict(matrix.sectors)
        partial = [c for c in matrix.cells.values() if c.after == "partial"]
        if matrix.has_service and matrix.uncovered_needs:
            console.print(f"[bold]Besoins non couverts par le service ({len(matrix.uncovered_needs)})[/bold] :")
            for u in matrix.uncovered_needs:
                console.print(f"  ✖ {escape(field_labels[u.field])} — {escape(sector_labels[u.sector])} "
                              f"(besoin exprimé par « {escape(u.partner)} »)")
        if matrix.has_service and partial:
            console.print(f"[bold]Besoins partiellement couverts ({len(partial)})[/bold] :")
            for c in partial:
                console.print(f"  ◧ {escape(field_labels[c.field])} — {escape(sector_labels[c.sector])} : "
                              f"{format_hours(c.offered_hours)} prévues pour {format_hours(c.needed_hours)} de besoin")
        if matrix.has_service and not (matrix.uncovered_needs or partial):
            console.print("[green]Tous les besoins exprimés sont couverts par le service prévu.[/green]")
