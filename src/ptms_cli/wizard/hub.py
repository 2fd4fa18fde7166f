"""The hub of a step: its sections with their state, any order, then a review before saving.

A section's state comes from the rules of `ptms status` (`checks.completeness.missing_for_step`) and
the findings of `ptms validate` on the working project: ✔ complet, ⚠ à revoir (an error or a
warning), ✗ manquant (the step still needs it), ○ facultatif (empty, nothing needs it).
« ← Retour » (or Échap) inside a section leaves it without keeping its answers (`GoBack`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..status import plain
from .backend import GoBack
from .engine import Engine

COMPLETE, REVIEW, MISSING, OPTIONAL = "✔ complet", "⚠ à revoir", "✗ manquant", "○ facultatif"


@dataclass
class Section:
    key: str  # top-level key of the project it fills
    title: str  # French
    ask: Callable[[], Any]  # asks the section (edits `engine.data`)
    required: bool = True  # « ✗ manquant » when empty (else « ○ facultatif »)
    part: Callable[[dict], Any] | None = None  # the part of the project it fills, when not the whole `key`




def _key_of(what: str, loc: tuple) -> str | None:
    if loc:
        return str(loc[0])
    m = re.search(r"«\s*([a-z_]+)", what)
    return m.group(1) if m else None


def states(e: Engine, step: int, sections: list[Section], redirect: dict[str, str]) -> dict[int, tuple[str, list[str]]]:
    """Index of a section -> (state, French reasons)."""
    from ..checks.completeness import missing_for_step

    keys = [s.key for s in sections]
    reasons: dict[str, list[str]] = {k: [] for k in keys}
    errors: dict[str, bool] = {k: False for k in keys}
    for error, text, key in e.findings(*set(keys) | set(redirect)):
        key = redirect.get(key, key)
        if key in reasons:
            reasons[key].append(text)
            errors[key] = errors[key] or error
    missing: dict[str, list[str]] = {k: [] for k in keys}
    project = e.project()
    if project is not None:
        for at, what, loc in missing_for_step(project, step):
            if at != step:
                continue
            key = _key_of(what, loc)
            key = redirect.get(key or "", key)
            if key in missing:
                missing[key].append(plain(what))
    out: dict[int, tuple[str, list[str]]] = {}
    for i, s in enumerate(sections):
        value = s.part(e.data) if s.part else e.data.get(s.key)
        if missing[s.key] or (s.required and value in (None, [], {})):
            out[i] = (MISSING, missing[s.key] + reasons[s.key])
        elif reasons[s.key]:
            out[i] = (REVIEW, reasons[s.key])
        elif value in (None, [], {}):
            out[i] = (OPTIONAL, [])
        else:
            out[i] = (COMPLETE, [])
    return out


def advanced_menu(e: Engine, step: int, places: list[tuple[tuple[str, ...], type[BaseModel]]]) -> None:
    """« Options avancées » of a step: the expert fields (`questions.EXPERT_FIELDS`) of its sections that
    are not list items (the committees, the convention, the budget), for those already answered."""
    from ..model import Project
    from ..schema_errors import _field, model_at
    from .questions import expert_names

    def node_at(path: tuple[str, ...]) -> Any:
        node: Any = e.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node

    def title_of(path: tuple[str, ...]) -> str:
        field = _field(model_at(Project, path[:-1]) or Project, path[-1])
        return field.title if field is not None and field.title else path[-1]

    while True:
        offered = [(path, model) for path, model in places if isinstance(node_at(path), dict) and expert_names(model)]
        if not offered:
            e.say("Pas d'option avancée : renseignez d'abord les sections de l'étape.", "dim")
            return
        choices: list[tuple[Any, str]] = [(i, title_of(path)) for i, (path, _) in enumerate(offered)]
        choices.append(("done", f"← Retour à l'étape {step}"))
        pick = e.b.select(f"Étape {step} : options avancées de quelle partie ?", choices, default="done")
        if pick == "done":
            return
        path, model = offered[pick]
        parent = node_at(path[:-1])
        parent[path[-1]] = e.advanced(model, parent[path[-1]], expert_names(model))
        e.changed()
        e.checkpoint()
        if e.quitting:
            return


def hub(e: Engine, step: int, title: str, sections: list[Section], redirect: dict[str, str] | None = None,
        advanced: list[tuple[tuple[str, ...], type[BaseModel]]] | None = None, start: int | None = None) -> None:
    """The step's menu until « Terminer »: Enter walks the sections in order (the default is the next
    one; the same one again while it has errors). « Options avancées » (`advanced`: where, and the
    model of what is there) is never a default. `start`: the section opened at once (`--edit`), the
    step ends when it is left."""
    redirect = redirect or {}
    last = -1
    n = len(sections)
    once = start is not None
    while True:
        state = states(e, step, sections, redirect)
        skip = (COMPLETE, OPTIONAL)  # an optional section is opened by choice, never by Entrée
        choices: list[tuple[Any, str]] = [
            (i, f"{s.title} — {state[i][0]}") for i, s in enumerate(sections)]
        if advanced:
            choices.append(("advanced", "Options avancées…"))
        choices.append(("done", "Terminer (relire puis enregistrer)"))
        if last >= 0 and state[last][0] == REVIEW and any(
                error for error, _, _ in e.findings(sections[last].key)):
            default: Any = last
        else:  # the next section still missing or to review, then « Terminer »
            default = next((i for i in range(last + 1, n) if state[i][0] not in skip), "done")
            if last < 0 and default == "done":
                default = 0  # everything complete: the first section, to change something
        e.heading(title)
        if start is not None:  # `--edit SECTION`: that section at once, no menu
            pick, start = start, None
        else:
            pick = e.b.select(f"Étape {step} : quelle section ?", choices, default=default)
        if pick == "done":
            return
        if pick == "advanced":
            before = copy.deepcopy(e.data)
            try:
                advanced_menu(e, step, advanced or [])
            except GoBack:
                e.data.clear()
                e.data.update(before)
            continue
        s = sections[pick]
        e.say(f"Étape {step} — section {pick + 1} sur {n} : {s.title}", "bold")
        for reason in state[pick][1]:  # why it is « à revoir » or « manquant »
            e.say(f"  {'✗' if state[pick][0] == MISSING else '⚠'} {reason}", "yellow")
        before = copy.deepcopy(e.data)
        try:
            s.ask()
        except GoBack:
            e.data.clear()
            e.data.update(before)
            e.say("Retour : les réponses de cette section n'ont pas été gardées.", "dim")
        last = pick
        e.changed()
        e.checkpoint()
        if e.quitting or once:  # « Enregistrer et quitter », or `--edit`: one section, then the review
            return
