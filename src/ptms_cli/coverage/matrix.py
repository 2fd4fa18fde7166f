"""The coverage matrix: cells (field x sector), their states in the two views, hours, uncovered needs.

See the package docstring (`ptms_cli.coverage`) for the rules and the JSON shape."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field  # `Cell.field` is a data field
from fractions import Fraction

from .. import referential

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
        "partial": "Partiellement couvert : heures prévues inférieures au besoin",
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
    needs: list[NeedRef] = _field(default_factory=list)
    actors: list[str] = _field(default_factory=list)
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
    def offered_hours(self) -> Fraction | None:
        """Hours of the service and of the actors coordinated with it (after view), None if none is known."""
        return _add(self.planned_hours, self.actor_hours)

    @property
    def short(self) -> bool:
        """The service covers the cell but the known offer is below the known need."""
        offer = self.offered_hours
        return (self.covered_by_service and self.needed_hours is not None and offer is not None
                and offer < self.needed_hours)

    @property
    def after(self) -> str:
        if self.covered_by_service:
            return "partial" if self.short else "planned"
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
