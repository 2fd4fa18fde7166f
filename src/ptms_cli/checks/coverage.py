"""Coverage: a need (field x sector) that no sector of the planned service covers (PTMS-W050), or covers
with fewer hours than needed (PTMS-W052).

The fact (`Matrix.uncovered_needs`) comes from the coverage matrix of the run's `Derived`."""

from __future__ import annotations

from collections.abc import Iterator

from ..coverage import field_label, format_hours
from ..derived import Derived
from ..findings import Problem
from ..model import Project


def coverage(project: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if project.service is None:
        return
    matrix = d.coverage
    for u in matrix.uncovered_needs:
        actors = matrix.cell(u.field, u.sector).actors
        field_name = field_label(project, u.field)
        sector_name = dict(matrix.sectors).get(u.sector, u.sector)
        planned = [sec for sec in project.service.sectors if sec.sector == u.sector]
        if not planned:
            hint = f"Ajoutez le secteur « {u.sector} » (avec le champ « {u.field} ») à « service.sectors »"
        elif any(sec.fields for sec in planned):
            hint = f"Ajoutez « {u.field} » aux champs (« fields ») du secteur « {u.sector} » dans « service.sectors »"
        else:
            hint = f"Ajoutez « {u.field} » aux champs du service (« service.fields »)"
        if actors:
            hint += f", ou inscrivez dans le cahier des charges le rôle de l'acteur existant ({', '.join(actors)})"
        yield Problem("PTMS-W050",
                      f"besoin non couvert par le service : « {field_name} » à « {sector_name} » "
                      f"(exprimé par « {u.partner} »)",
                      ("partners", u.partner_index, "needs", u.need_index), hint + ".")


def partial(project: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    """A cell the service covers with fewer hours than the need (state « partiellement couvert »), on its service sector."""
    if project.service is None:
        return
    matrix = d.coverage
    labels = dict(matrix.sectors)
    for c in matrix.cells.values():
        if c.after != "partial":
            continue
        k = next(i for i, sec in enumerate(project.service.sectors) if sec.sector == c.sector)
        yield Problem("PTMS-W052",
                      f"besoin partiellement couvert : « {field_label(project, c.field)} » à « {labels[c.sector]} », "
                      f"{format_hours(c.offered_hours)} prévues pour {format_hours(c.needed_hours)} de besoin",
                      ("service", "sectors", k, "hours_per_week"),
                      "Augmentez les heures de ce secteur (elles sont réparties à parts égales entre ses champs), "
                      "ou indiquez dans le cahier des charges comment le reste du besoin est couvert.")
