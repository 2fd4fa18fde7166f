"""Years: every year given is inside the project period (PTMS-E031)."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project


def _years_used(p: Project) -> Iterator[tuple[tuple, int]]:
    if p.budget:
        for i, line in enumerate(p.budget.lines):
            for y in line.amounts:
                yield ("budget", "lines", i, "amounts", y), y
    if p.funding:
        for i, r in enumerate(p.funding.resources):
            for y in r.amounts:
                yield ("funding", "resources", i, "amounts", y), y
        for i, c in enumerate(p.funding.contributions):
            for y in c.amounts:
                yield ("funding", "contributions", i, "amounts", y), y
    if p.service:
        for i, t in enumerate(p.service.training):
            if t.year is not None:
                yield ("service", "training", i, "year"), t.year


def years(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.period is None or not p.period.years:
        return
    years = p.period.years
    for loc, y in _years_used(p):
        if y not in years:
            yield Problem("PTMS-E031", f"l'année {y} est hors de la période du projet ({years[0]}-{years[-1]})", loc,
                          "Corrigez l'année ou la période (« period »).", key=loc[-2] == "amounts")
