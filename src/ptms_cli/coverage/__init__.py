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
- ``partial`` (« partiellement couvert »): the service covers the cell, but the known hours offered
  there (the service's share plus the hours of the actors coordinated with it) are below the known
  hours needed; without hours on either side the cell stays ``planned`` (nothing to compare);
- ``coordinated``: the service does not cover the cell, but existing actors do, now coordinated
  within the frame;
- ``gap``: a need is expressed and neither the service nor any actor covers it;
- ``none``: no need, no actor, no service.

Without a `service` section, the after view only shows the coordination of existing actors
(no cell is ``planned``) and `uncovered_needs` is empty (the service is not specified yet).

Modules: `matrix` (the cells and their states, `coverage_as_dict`), `text` (French lines and
summaries), `picture` (the PNG); the rule that turns uncovered needs into findings (PTMS-W050) is
`ptms_cli.checks.coverage`.

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

from .matrix import (
    STATES,
    VIEW_TITLES,
    VIEWS,
    Cell,
    Matrix,
    NeedRef,
    UncoveredNeed,
    coverage_as_dict,
    coverage_matrix,
    field_label,
    hours,
    service_cells,
)
from .picture import COLORS, coverage_png
from .text import cell_lines, format_hours, view_summary

__all__ = [
    "COLORS", "STATES", "VIEWS", "VIEW_TITLES", "Cell", "Matrix", "NeedRef", "UncoveredNeed", "cell_lines",
    "coverage_as_dict", "coverage_matrix", "coverage_png", "field_label", "format_hours", "hours", "service_cells",
    "view_summary",
]
