"""The terminal's console: French typography, and lines never broken inside « 123 994,63 € ».

`console(**options)` is the rich `Console` of every command that writes for a person (wizards,
`status`, `funding`, `coverage`, the render summary); machine formats (JSON, github, `validate`) do
not use it. Every text it prints goes through `documents.typography.typeset` — the one definition of
French spacing, shared with the documents: a no-break space in « 29,3 h », « 12 % », « M. Dupont »,
« n° 3 », before « : », a narrow one before « ; ! ? » and inside « guillemets ».

rich wraps lines with `\\s`, which matches the no-break spaces U+00A0 and U+202F (`rich._wrap.words`,
and `str.split()` for a column's minimum width): a line could still end inside an amount or start
with « : ». So, inside the console only, each no-break space is a private-use character of the same
width that is not a space (`_HOLD`), and becomes the no-break space again on output (terminal, file
or `export_text`). The widths of the text are unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.text import Span, Text

from .documents.typography import NBSP, NNBSP, align, typeset

# no-break space -> a character rich does not break at (Unicode private use area, width 1), and back
_HOLD = str.maketrans({NBSP: "\uf8fe", NNBSP: "\uf8ff"})
_BACK = str.maketrans({"\uf8fe": NBSP, "\uf8ff": NNBSP})


def french(text: Text) -> Text:
    """`text` typeset in French, its styles kept on the same characters, its no-break spaces held."""
    plain = text.plain
    new = typeset(plain.translate(_BACK))
    if new == plain.translate(_BACK):
        held = plain.translate(_HOLD)
        if held == plain:
            return text
        out = text.copy()
        out.plain = held
        return out
    where = align(plain.translate(_BACK), new)  # index in the old text of each new character (-1: inserted)
    position: list[int | None] = [None] * (len(plain) + 1)
    for j, i in enumerate(where):
        if i >= 0:
            position[i] = j
    position[len(plain)] = len(new)
    for i in range(len(plain) - 1, -1, -1):  # a removed space: the place of the next character
        if position[i] is None:
            position[i] = position[i + 1]
    spans = [Span(position[s.start] or 0, position[s.end] or 0, s.style) for s in text.spans]
    return Text(new.translate(_HOLD), style=text.style, justify=text.justify, overflow=text.overflow,
                no_wrap=text.no_wrap, end=text.end, tab_size=text.tab_size, spans=spans)


def fit(renderable: RenderableType, width: int) -> RenderableType:
    """A table at most `width` columns wide: as it is when it fits; else with each column at least as
    wide as its longest word (cells wrap at words, never cut with « … », never inside an amount);
    else one block per row: the first cell in bold, then « En-tête : valeur » for each other non-empty
    cell (the footer, a total, as a last block). Anything else: unchanged."""
    import copy
    import dataclasses
    import io

    from rich.table import Table

    if not isinstance(renderable, Table) or not renderable.show_header or not renderable.columns:
        return renderable
    if getattr(renderable, "_ptms_fitted", None) == width:
        return renderable
    probe = FrenchConsole(width=10_000, file=io.StringIO(), color_system=None)  # rich clamps to the width
    table = copy.copy(renderable)
    # Text cells held now: rich measures a Text by `str.split()`, which would cut at its no-break spaces
    table.columns = [dataclasses.replace(c, overflow="fold", _cells=[french(x) if isinstance(x, Text) else x
                                                                     for x in c._cells])
                     for c in renderable.columns]
    if table.width is not None or table.expand:
        return table
    ranges = [table._measure_column(probe, probe.options, c) for c in table.columns]
    room = width - table._extra_width
    least, most = sum(r.minimum for r in ranges), sum(r.maximum for r in ranges)
    if most > room:
        if least > room:
            return _blocks(renderable)
        spare, slack = room - least, most - least
        for i, (column, r) in enumerate(zip(table.columns, ranges)):  # each its longest word, the rest shared
            column.width = r.minimum - table._get_padding_width(i) + (spare * (r.maximum - r.minimum)) // slack
            column.min_width = None
    table._ptms_fitted = width  # type: ignore[attr-defined]
    return table


def _blocks(table: Any) -> RenderableType:
    from rich.console import Group
    from rich.table import Table

    columns = table.columns
    parts: list[RenderableType] = []
    if table.title:
        parts.append(Text.assemble((_plain(table.title), "bold"), no_wrap=False))
    rows = [[c._cells[i] if i < len(c._cells) else "" for c in columns] for i in range(table.row_count)]
    if table.show_footer and any(c.footer for c in columns):
        rows.append([c.footer for c in columns])
    for row in rows:
        # the first cell is the block's title; its lines (a name, then a kind) joined by « — »
        title = Table.grid(padding=(0, 1))  # « • » then the title, wrapped under itself
        title.add_column(no_wrap=True)
        title.add_column(overflow="fold")
        title.add_row("•", _bold(row[0]).join_lines() if isinstance(row[0], (str, Text)) else row[0])
        parts.append(title)
        fields = [(_plain(column.header).strip(), cell) for column, cell in zip(columns[1:], row[1:])
                  if not isinstance(cell, (str, Text)) or _plain(cell).strip()]
        if fields:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)  # the indent
            grid.add_column(no_wrap=True)  # « En-tête : »
            grid.add_column(overflow="fold")  # the value, wrapped under itself
            for label, cell in fields:
                grid.add_row(" ", label + " :", cell)  # under the title
            parts.append(grid)
    return Group(*parts)


def _plain(cell: Any) -> str:
    return cell.plain if isinstance(cell, Text) else cell if isinstance(cell, str) else ""


class _Title(Text):
    def join_lines(self) -> Text:
        return Text(" — ").join(self.split("\n"))


def _bold(cell: str | Text) -> _Title:
    out = _Title()
    out.append_text(Text.from_markup(cell) if isinstance(cell, str) else cell)
    out.stylize("bold")
    return out


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut after a whole word (never inside « 123 994,63 € »,
    whose spaces do not break), with « … »; a single word too long is cut where the room ends."""
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    if cut < width // 2:
        cut = width - 1
    return text[:cut].rstrip(" ,;:—-") + "…"


# An indented line's marks: its indent, then a bullet or the mark of a change or a finding
_INDENT = re.compile(r" +(?:[•✗⚠✔○+−–~›*-] +)?")


def hang(text: Text, options: ConsoleOptions) -> RenderableType:
    """An indented line too long for the terminal (« ··✗ La clé… », « ··+ Partenaires › … ») wrapped
    under its own text, its indent and mark kept on the left of every line; anything else unchanged."""
    from rich.table import Table

    match = _INDENT.match(text.plain)
    if (match is None or options.no_wrap or "\n" in text.plain or text.cell_len <= options.max_width
            or match.end() > options.max_width // 3):
        return text
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(text[:match.end()], text[match.end():])
    return grid


class FrenchConsole(Console):
    """A rich console that typesets in French, never breaks a line at a no-break space, and shows a
    table too wide for the terminal as one block per row (`fit`)."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return french(super().render_str(text, **kwargs))

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None):  # type: ignore[override]
        if isinstance(renderable, Text):
            renderable = hang(french(renderable), options or self.options)
        else:
            renderable = fit(renderable, (options or self.options).max_width)
        return super().render(renderable, options)

    def _render_buffer(self, buffer: Any) -> str:
        return super()._render_buffer(buffer).translate(_BACK)

    def export_text(self, *, clear: bool = True, styles: bool = False) -> str:
        return super().export_text(clear=clear, styles=styles).translate(_BACK)


def console(**options: Any) -> Console:
    """The console of a command's human output (same options as rich's `Console`)."""
    options.setdefault("highlight", False)
    return FrenchConsole(**options)


def lines(renderable: RenderableType, width: int) -> list[str]:
    """`renderable` as the terminal shows it at `width` columns (no styles): tests and benchmarks."""
    import io

    out = FrenchConsole(width=width, record=True, file=io.StringIO(), color_system=None, highlight=False)
    out.print(renderable)
    return out.export_text().splitlines()


__all__ = ["FrenchConsole", "console", "fit", "french", "hang", "lines", "shorten"]
