"""French text of the matrix, shared by the terminal table and the picture: hours, cell lines, view summaries."""

from __future__ import annotations

from fractions import Fraction

from ..frformat import number
from .matrix import Cell, Matrix


def format_hours(value: Fraction | None) -> str:
    """French form of a number of hours per week: « 17,5 h » (one decimal at most, exact half-up rounding)."""
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
    if state in ("planned", "partial"):
        lines = ["service" if state == "planned" else "service partiel", format_hours(cell.planned_hours) or "heures inconnues"]
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
    covered = counts["planned"] + counts["partial"]
    part = f" ({counts['partial']} en partie)" if counts["partial"] else ""
    return (f"{covered} {'case couverte' if covered <= 1 else 'cases couvertes'} par le service{part}, "
            f"{n('coordinated', 'case', 'cases')} par des acteurs coordonnés, "
            f"{n('gap', 'besoin non couvert', 'besoins non couverts')}")
