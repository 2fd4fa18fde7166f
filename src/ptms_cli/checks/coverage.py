"""Coverage: a need (field x sector) that no sector of the planned service covers (PTMS-W050).

The fact (`Matrix.uncovered_needs`) comes from the coverage matrix of the run's `Derived`."""

from __future__ import annotations

from collections.abc import Iterator

from ..coverage import field_label
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
