"""Coverage diagnosis: who covers which need where, without and with the territorial project.

The central argument of a pooled scheme (seed, « Cas 1 / Cas 2 »): without a common frame, some
situations are handled by several operators with no coordination, others by nobody, and no one
sees the whole. This module shows it as a matrix of **fields of intervention (rows) x operational
sectors (columns)**, in two views. Pure functions over a `Project`; no display, no I/O.

Inputs
------
- **Needs** (`partners[].needs[]`): one field x its sectors, with optional `hours_per_week`.
- **Existing actors** (`actors[]`): fields x sectors, with optional `hours_per_week`.
- **Planned pooled service** (`service.sectors[]`): per sector, `hours_per_week` and `fields`
  (empty = every field of `service.fields`; if both are empty the sector covers no field).
- An empty `sectors` list on a need or an actor means the whole territory (every
  `territory.sectors`). An actor without `fields` covers no cell.

Rows and columns: only the fields and sectors that appear in a need, an actor or the service.
Fields follow the referential order (`referential.FIELDS`), then `custom_fields` in declaration
order, then unknown ids in order of appearance; sectors follow `territory.sectors`, then unknown
ids. Labels are French (`referential.FIELDS`, `custom_fields`, `territory.sectors[].name`).

Hours (indicative, per week)
----------------------------
A need, an actor or a service sector gives one number of hours for several cells. It is spread
**in equal shares** over its cells: a need's hours over its sectors; an actor's hours over its
fields x sectors; a service sector's hours over its fields. The shares of one source add up to its
total. A cell's hours are the sum of the shares it receives: `needed_hours` (needs),
`actor_hours` (existing actors), `planned_hours` (pooled service). A value is `None` when no
source of that kind gives hours for the cell (unknown, not zero). Nobody records who does what
hour by hour; equal shares are the neutral estimate, and the total per source is preserved.

Cell states
-----------
View ``before`` — « sans projet territorial » (existing actors, each on its own):

- ``gap``: at least one need is expressed, and no existing actor covers the cell;
- ``once``: exactly one existing actor covers the cell (need expressed or not);
- ``overlap``: two or more existing actors cover the cell without coordination (need expressed
  or not: duplicated presence is a waste even where nobody stated a need);
- ``none``: no need and no actor.

View ``after`` — « avec projet territorial » (one common frame; existing actors become partners
of the frame and are coordinated with the pooled service):

- ``planned``: the pooled service covers the cell (its sector lists the field); actors present
  there act in coordination with it;
- ``coordinated``: the service does not cover the cell, but existing actors do, now coordinated
  within the frame;
- ``gap``: a need is expressed and neither the service nor any actor covers it;
- ``none``: no need, no actor, no service.

Without a `service` section, the after view only shows the coordination of existing actors
(no cell is ``planned``) and `uncovered_needs` is empty (the service is not specified yet).

Stable API (used by the documents)
----------------------------------
- `coverage_matrix(project) -> Matrix`
- `coverage_as_dict(matrix) -> dict`: JSON-able, shape below (``version`` 1).
- `coverage_png(project, view="both", matrix=None) -> bytes`: a deterministic PNG picture (byte-identical
  across runs), 16 cm wide, for Word documents. `view` is ``before``, ``after`` or ``both``
  (the two views stacked, « sans » above « avec »).
- `STATES`: ``{view: {state: French label}}``; `VIEW_TITLES`: ``{view: French title}``.

JSON shape of `coverage_as_dict` (hours are numbers rounded to 2 decimals, or null)::

    {"version": 1, "project": str, "has_service": bool,
     "views": {"before": str, "after": str},              # French titles
     "states": {"before": {state: label}, "after": {state: label}},
     "fields": [{"id": str, "label": str}],
     "sectors": [{"id": str, "label": str}],
     "cells": [{"field": str, "sector": str, "need": bool,
                "needs": [{"partner": str, "need_index": int}],
                "actors": [str], "needed_hours": num|null, "actor_hours": num|null,
                "planned_hours": num|null, "before": state, "after": state}],   # rows x cols, row-major
     "uncovered_needs": [{"partner": str, "partner_index": int, "need_index": int,
                          "field": str, "sector": str}],
     "summary": {"before": {state: count}, "after": {state: count}}}
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from . import referential

VIEWS = ("before", "after")
VIEW_TITLES = {"before": "Sans projet territorial", "after": "Avec projet territorial"}

STATES: dict[str, dict[str, str]] = {
    "before": {
        "gap": "Besoin non couvert : aucun acteur",
        "once": "Couvert par un seul acteur",
        "overlap": "Plusieurs acteurs, sans coordination",
        "none": "Ni besoin exprimé ni acteur",
    },
    "after": {
        "planned": "Couvert par le service mutualisé (coordonné)",
        "coordinated": "Acteurs existants, coordonnés dans le cadre commun",
        "gap": "Besoin toujours non couvert",
        "none": "Ni besoin, ni acteur, ni service",
    },
}


@dataclass(frozen=True)
class NeedRef:
    partner: str
    partner_index: int
    need_index: int


@dataclass
class Cell:
    field: str
    sector: str
    needs: list[NeedRef] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    needed_hours: Fraction | None = None
    actor_hours: Fraction | None = None
    planned_hours: Fraction | None = None
    covered_by_service: bool = False

    @property
    def need(self) -> bool:
        return bool(self.needs)

    @property
    def before(self) -> str:
        if len(self.actors) >= 2:
            return "overlap"
        if self.actors:
            return "once"
        return "gap" if self.needs else "none"

    @property
    def after(self) -> str:
        if self.covered_by_service:
            return "planned"
        if self.actors:
            return "coordinated"
        return "gap" if self.needs else "none"

    def state(self, view: str) -> str:
        return self.before if view == "before" else self.after


@dataclass(frozen=True)
class UncoveredNeed:
    partner: str
    partner_index: int
    need_index: int
    field: str
    sector: str


@dataclass
class Matrix:
    project: str
    fields: list[tuple[str, str]]  # (id, French label), display order
    sectors: list[tuple[str, str]]
    cells: dict[tuple[str, str], Cell]
    has_service: bool
    uncovered_needs: list[UncoveredNeed]

    def cell(self, field_id: str, sector_id: str) -> Cell:
        return self.cells[(field_id, sector_id)]

    def rows(self) -> Iterator[list[Cell]]:
        for f, _ in self.fields:
            yield [self.cells[(f, s)] for s, _ in self.sectors]

    def summary(self, view: str) -> dict[str, int]:
        counts = dict.fromkeys(STATES[view], 0)
        for c in self.cells.values():
            counts[c.state(view)] += 1
        return counts


def _add(total: Fraction | None, share: Fraction | None) -> Fraction | None:
    if share is None:
        return total
    return share if total is None else total + share


def _share(hours: float | None, parts: int) -> Fraction | None:
    if hours is None or parts == 0:
        return None
    return Fraction(str(hours)) / parts


def service_cells(project) -> dict[tuple[str, str], Fraction]:
    """(field, sector) -> planned hours per week for every cell the pooled service covers."""
    out: dict[tuple[str, str], Fraction] = {}
    s = project.service
    if s is None:
        return out
    for sec in s.sectors:
        fields = list(dict.fromkeys(sec.fields or s.fields))
        share = _share(sec.hours_per_week, len(fields))
        for f in fields:
            out[(f, sec.sector)] = out.get((f, sec.sector), Fraction(0)) + (share or 0)
    return out


def coverage_matrix(project) -> Matrix:
    """Build the coverage matrix of a (valid) project."""
    all_sectors = [x.id for x in project.territory.sectors]
    sector_names = {x.id: x.name for x in project.territory.sectors}
    cells: dict[tuple[str, str], Cell] = {}
    seen_fields: list[str] = []
    seen_sectors: list[str] = []

    def cell(f: str, s: str) -> Cell:
        if f not in seen_fields:
            seen_fields.append(f)
        if s not in seen_sectors:
            seen_sectors.append(s)
        return cells.setdefault((f, s), Cell(f, s))

    for i, partner in enumerate(project.partners):
        for j, need in enumerate(partner.needs):
            sectors = list(dict.fromkeys(need.sectors or all_sectors))
            share = _share(need.hours_per_week, len(sectors))
            for s in sectors:
                c = cell(need.field, s)
                c.needs.append(NeedRef(partner.id, i, j))
                c.needed_hours = _add(c.needed_hours, share)
    for actor in project.actors:
        fields = list(dict.fromkeys(actor.fields))
        sectors = list(dict.fromkeys(actor.sectors or all_sectors))
        share = _share(actor.hours_per_week, len(fields) * len(sectors))
        for f in fields:
            for s in sectors:
                c = cell(f, s)
                c.actors.append(actor.id)
                c.actor_hours = _add(c.actor_hours, share)
    planned = service_cells(project)
    for (f, s), hours in planned.items():
        c = cell(f, s)
        c.covered_by_service = True
        c.planned_hours = hours

    order_f = {f: n for n, f in enumerate([*referential.FIELDS, *project.custom_fields])}
    fields = sorted(seen_fields, key=lambda f: (order_f.get(f, len(order_f)), seen_fields.index(f)))
    order_s = {s: n for n, s in enumerate(all_sectors)}
    sectors = sorted(seen_sectors, key=lambda s: (order_s.get(s, len(order_s)), seen_sectors.index(s)))
    for f in fields:
        for s in sectors:
            cells.setdefault((f, s), Cell(f, s))
    ordered = {(f, s): cells[(f, s)] for f in fields for s in sectors}

    uncovered: list[UncoveredNeed] = []
    if project.service is not None:
        for i, partner in enumerate(project.partners):
            for j, need in enumerate(partner.needs):
                for s in dict.fromkeys(need.sectors or all_sectors):
                    if (need.field, s) not in planned:
                        uncovered.append(UncoveredNeed(partner.id, i, j, need.field, s))

    return Matrix(
        project=project.name,
        fields=[(f, field_label(project, f)) for f in fields],
        sectors=[(s, sector_names.get(s, s)) for s in sectors],
        cells=ordered,
        has_service=project.service is not None,
        uncovered_needs=uncovered,
    )


def field_label(project, field_id: str) -> str:
    return referential.FIELDS.get(field_id) or project.custom_fields.get(field_id) or field_id


def hours(value: Fraction | None) -> float | None:
    """Hours as a number rounded to 2 decimals (for JSON and CSV), or None."""
    return None if value is None else round(float(value), 2)


def coverage_as_dict(matrix: Matrix) -> dict:
    """The matrix as JSON-able data (stable shape, see the module docstring)."""
    return {
        "version": 1,
        "project": matrix.project,
        "has_service": matrix.has_service,
        "views": dict(VIEW_TITLES),
        "states": {v: dict(STATES[v]) for v in VIEWS},
        "fields": [{"id": f, "label": label} for f, label in matrix.fields],
        "sectors": [{"id": s, "label": label} for s, label in matrix.sectors],
        "cells": [
            {
                "field": c.field,
                "sector": c.sector,
                "need": c.need,
                "needs": [{"partner": n.partner, "need_index": n.need_index} for n in c.needs],
                "actors": list(c.actors),
                "needed_hours": hours(c.needed_hours),
                "actor_hours": hours(c.actor_hours),
                "planned_hours": hours(c.planned_hours),
                "before": c.before,
                "after": c.after,
            }
            for c in matrix.cells.values()
        ],
        "uncovered_needs": [
            {"partner": u.partner, "partner_index": u.partner_index, "need_index": u.need_index,
             "field": u.field, "sector": u.sector}
            for u in matrix.uncovered_needs
        ],
        "summary": {v: matrix.summary(v) for v in VIEWS},
    }


# --- presentation shared by the terminal table and the picture ---------------------------------

def format_hours(value: Fraction | None) -> str:
    """French form of a number of hours per week: « 17,5 h » (one decimal at most, exact half-up rounding)."""
    from .frformat import number

    if value is None:
        return ""
    text = number(value, 1)
    return (text[:-2] if text.endswith(",0") else text) + " h"


def cell_lines(cell: Cell, view: str) -> list[str]:
    """Short French text of a cell in a view (empty for ``none``): what covers it, then hours."""
    state = cell.state(view)
    if state == "none":
        return []
    need = f"besoin {format_hours(cell.needed_hours)}" if cell.needed_hours is not None else "besoin exprimé"
    if state == "gap":
        return ["0 acteur" if view == "before" else "à couvrir", need]
    n = len(cell.actors)
    if state == "planned":
        lines = ["service", format_hours(cell.planned_hours) or "heures inconnues"]
    else:
        lines = [f"{n} acteur{'s' if n > 1 else ''}", format_hours(cell.actor_hours) or "heures inconnues"]
    return lines + ([need] if cell.need else [])


def view_summary(matrix: Matrix, view: str) -> str:
    """One French sentence that sums up a view (counts of the notable states)."""
    counts = matrix.summary(view)

    def n(k: str, one: str, many: str) -> str:
        return f"{counts[k]} {one if counts[k] <= 1 else many}"

    if view == "before":
        return (f"{n('gap', 'besoin sans acteur', 'besoins sans acteur')}, "
                f"{n('overlap', 'chevauchement', 'chevauchements')} sans coordination, "
                f"{n('once', 'case couverte une fois', 'cases couvertes une fois')}")
    if not matrix.has_service:
        return f"service mutualisé non défini ; {n('gap', 'besoin sans acteur', 'besoins sans acteur')}"
    return (f"{n('planned', 'case couverte', 'cases couvertes')} par le service, "
            f"{n('coordinated', 'case', 'cases')} par des acteurs coordonnés, "
            f"{n('gap', 'besoin non couvert', 'besoins non couverts')}")


# --- picture -----------------------------------------------------------------------------------

COLORS: dict[str, dict[str, str]] = {
    "before": {"gap": "#c62828", "once": "#a5d6a7", "overlap": "#f9a825", "none": "#f2f2f2"},
    "after": {"planned": "#1f5fa8", "coordinated": "#9ecae1", "gap": "#c62828", "none": "#f2f2f2"},
}
_DARK = {"#c62828", "#1f5fa8"}  # backgrounds that need white text

DPI = 200
WIDTH_IN = 1260 / DPI  # 16 cm (6.3 in, 1260 px): the text width of an A4 page with 2.5 cm margins


def coverage_png(project, view: str = "both", matrix: Matrix | None = None) -> bytes:
    """A PNG picture of the coverage matrix (deterministic, 16 cm wide at 200 dpi).

    `matrix`: the project's matrix when already computed (`coverage_matrix(project)`).
    `view`: ``before``, ``after`` or ``both`` (before above after). Same project -> same bytes:
    fixed fonts (DejaVu Sans shipped with matplotlib), fixed size and resolution, no timestamp or
    software name in the PNG metadata.
    """
    if view not in (*VIEWS, "both"):
        raise ValueError(f"vue inconnue : {view}")
    views = list(VIEWS) if view == "both" else [view]
    return _render(matrix if matrix is not None else coverage_matrix(project), views)


def _render(matrix: Matrix, views: list[str]) -> bytes:
    import io
    import textwrap
    from pathlib import Path

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import Rectangle

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular = FontProperties(fname=fonts / "DejaVuSans.ttf")
    bold = FontProperties(fname=fonts / "DejaVuSans-Bold.ttf")

    margin, gap_y = 0.12, 0.22
    label_w = 1.75
    n_cols = max(1, len(matrix.sectors))
    col_w = (WIDTH_IN - 2 * margin - label_w) / n_cols
    size = 7.0 if col_w >= 0.8 else 6.0
    line_h = size * 1.25 / 72  # inches
    char_w = size * 0.55 / 72

    def wrap(text: str, width_in: float) -> list[str]:
        return textwrap.wrap(text, max(4, int(width_in / char_w)), break_long_words=True) or [""]

    headers = [wrap(label, col_w - 0.06) for _, label in matrix.sectors]
    header_h = max([len(h) for h in headers] + [1]) * line_h + 0.1
    rows = [wrap(label, label_w - 0.1) for _, label in matrix.fields]
    row_hs = [
        max([len(r)] + [len(cell_lines(matrix.cell(f, s), v)) for s, _ in matrix.sectors for v in views]) * line_h + 0.1
        for (f, _), r in zip(matrix.fields, rows)
    ]
    legend_rows = 2  # every view has four states: two columns of two

    # layout: one block per view = title, subtitle, header, rows, legend
    blocks = []
    y = margin
    for v in views:
        top = y
        y += 0.2 + 0.17  # title + subtitle
        grid_top = y
        y += header_h + (sum(row_hs) if rows else 0.3)
        legend_top = y + 0.1
        y = legend_top + legend_rows * 0.19
        blocks.append((v, top, grid_top, legend_top))
        y += gap_y
    height = y - gap_y + margin

    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH_IN)
    ax.set_ylim(height, 0)  # y grows downwards, in inches
    ax.axis("off")

    def text(x, y, s, font=regular, fs=size, **kw):
        ax.text(x, y, s, fontproperties=font, fontsize=fs, **kw)

    for v, top, grid_top, legend_top in blocks:
        text(margin, top, VIEW_TITLES[v], bold, 10, va="top")
        text(margin, top + 0.2, view_summary(matrix, v), regular, 7.5, va="top", color="#333333")
        x0 = margin + label_w
        for k, h in enumerate(headers):
            text(x0 + k * col_w + col_w / 2, grid_top + header_h - 0.05, "\n".join(h), bold, size,
                 ha="center", va="bottom", linespacing=1.1)
        if not rows:
            text(margin, grid_top + header_h + 0.1, "Aucun besoin, acteur ni service à représenter.", regular, size, va="top")
        ry = grid_top + header_h
        for (f, _), lines, rh in zip(matrix.fields, rows, row_hs):
            text(margin, ry + rh / 2, "\n".join(lines), bold, size, va="center", linespacing=1.1)
            for k, (s, _) in enumerate(matrix.sectors):
                c = matrix.cell(f, s)
                state = c.state(v)
                color = COLORS[v][state]
                ax.add_patch(Rectangle((x0 + k * col_w, ry), col_w, rh, facecolor=color, edgecolor="white", linewidth=1.5))
                body = cell_lines(c, v)
                if body:
                    text(x0 + k * col_w + col_w / 2, ry + rh / 2, "\n".join(body), regular, size, ha="center",
                         va="center", linespacing=1.15, color="white" if color in _DARK else "black")
            ry += rh
        lx = margin  # two columns; the second starts after the widest label of the first
        renderer = fig.canvas.get_renderer()
        items = list(STATES[v].items())
        for col in (items[:legend_rows], items[legend_rows:]):
            widest = 0.0
            for n, (state, label) in enumerate(col):
                ly = legend_top + n * 0.19
                ax.add_patch(Rectangle((lx, ly), 0.22, 0.14, facecolor=COLORS[v][state], edgecolor="#999999",
                                       linewidth=0.5))
                t = ax.text(lx + 0.3, ly + 0.07, label, fontproperties=regular, fontsize=7, va="center")
                widest = max(widest, t.get_window_extent(renderer).width / DPI)
            lx += 0.3 + widest + 0.25
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return out.getvalue()
