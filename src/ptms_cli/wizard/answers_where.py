"""Where an answer of a wizard's `--answers` file is written: « fichier:ligne:colonne », as the
project loader locates a project's findings. The answers are merged into the project
(`run.merge_answers`) before they are checked: a path of the merged data is followed back into the
answers file (same keys; list items by identity or by their natural key, as they were merged)."""

from __future__ import annotations

from typing import Any

from ..loader import Loaded


class Answers(dict):
    """The data of an answers file, with the positions of its keys and values."""

    def __init__(self, loaded: Loaded):
        super().__init__(loaded.data)
        self.loaded = loaded

    def at(self, loc: tuple, key: bool = False) -> str:
        """« reponses.yaml:4:11 » for `loc`, a path in the answers file."""
        line, col = self.loaded.where(loc, key=key)
        return f"{self.loaded.file}:{line}:{col}"


def locate(answers: Answers, merged: Any, loc: tuple) -> tuple[str, tuple] | None:
    """(« fichier:ligne:colonne », path in the answers file) of the value at `loc` of the merged
    data, or None when that value comes from the project, not from the answers."""
    from ..model import Project
    from .questions import natural_key, submodel

    model: Any = Project
    here: Any = dict(answers)
    there: Any = merged
    at: tuple = ()
    for part in loc:
        if isinstance(part, str):
            if not isinstance(here, dict) or part not in here:
                return None
            model = submodel(model, part) if model is not None else None
            here, there = here[part], there.get(part) if isinstance(there, dict) else None
            at += (part,)
            continue
        if not isinstance(here, list) or not isinstance(there, list) or not 0 <= part < len(there):
            return None
        item = there[part]
        key = natural_key(model) if model is not None else None
        found = next((i for i, x in enumerate(here) if x is item), None)
        if found is None and here is not there and key and isinstance(item, dict):
            found = next((i for i, x in enumerate(here) if isinstance(x, dict) and key in x and x[key] == item.get(key)), None)
        if found is None and here is there:
            found = part
        if found is None:
            return None
        here, there, at = here[found], item, at + (found,)
    return answers.at(at), at
