"""Evaluation: every objective has an indicator (PTMS-W041); with `--step 2` or `3`, every indicator has a
target and a source (PTMS-W043)."""

from __future__ import annotations

from collections.abc import Iterator

from ..derived import Derived
from ..findings import Problem
from ..model import Project


def indicators(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if p.evaluation is None:
        return
    measured = {i.objective for i in p.evaluation.indicators}
    for i, o in enumerate(p.objectives):
        if o.id not in measured:
            yield Problem("PTMS-W041", f"l'objectif « {o.id} » n'a aucun indicateur d'évaluation", ("objectives", i, "id"),
                          "Ajoutez un indicateur dans « evaluation.indicators » avec « objective: " + o.id + " ».")


def targets(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    """PTMS-W043: an indicator the cahier des charges would print without a target or a source."""
    if p.evaluation is None or step is None or step < 2:
        return
    for n, i in enumerate(p.evaluation.indicators):
        missing = [what for what, value in (("cible", i.target), ("source", i.source)) if not (value or "").strip()]
        if missing:
            key = "target" if "cible" in missing else "source"
            yield Problem("PTMS-W043", f"l'indicateur « {i.label.strip()} » n'a pas de {' ni de '.join(missing)}",
                          ("evaluation", "indicators", n, "label"),
                          f"Ajoutez « {key}: » à l'indicateur : le cahier des charges et la convention "
                          "l'imprimeraient avec « — ».")
