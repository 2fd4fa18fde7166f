"""The review before saving: what changed (added, modified, removed) in French values, the findings
in sentences naming the section to go back to, then a deliberate choice.

Saving a project that has errors is possible (a project is written over several sessions) but never
the default: « Enregistrer comme brouillon de projet » is a choice of its own.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .engine import Engine, name_of
from .questions import natural_key, question, submodel

BACK = "back"


def _title(model: type[BaseModel] | None, key: str) -> str:
    if model is None:
        return key
    name = next((n for n, f in model.model_fields.items() if (f.alias or n) == key), None)
    if name is None:
        return key
    return model.model_fields[name].title or key


def _value(e: Engine, model: type[BaseModel] | None, key: str, value: Any) -> str:
    if model is None:
        return str(value)
    name = next((n for n, f in model.model_fields.items() if (f.alias or n) == key), None)
    if name is None:
        return str(value)
    return e.value_text(question(model, name), value)


def diff(e: Engine, old: Any, new: Any, model: type[BaseModel] | None, where: str, out: list[str]) -> None:
    """Lines « + … ajouté », « − … retiré », « ~ … : avant → après » from `old` to `new`."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for k in list(new) + [k for k in old if k not in new]:
            if old.get(k) == new.get(k):
                continue
            sub = submodel(model, k) if model is not None and isinstance(k, str) else None
            here = f"{where} › {_title(model, k)}" if where else _title(model, k)
            o, n = old.get(k), new.get(k)
            if isinstance(o, (dict, list)) and isinstance(n, (dict, list)) and sub is not None:
                diff(e, o, n, sub, here, out)
            elif o in (None, [], {}):
                out.append(f"+ {here} : {_value(e, model, k, n)}")
            elif n in (None, [], {}):
                out.append(f"− {here} : retiré ({_value(e, model, k, o)})")
            else:
                before, after = _value(e, model, k, o), _value(e, model, k, n)
                out.append(f"~ {here} : {before} → {after}" if before != after
                           else f"~ {here} : {after} (identifiant mis à jour)")  # a renamed id, same name
        return
    key = natural_key(model) if model is not None else None
    if isinstance(old, list) and isinstance(new, list) and key and all(isinstance(x, dict) for x in old + new):
        renamed = e.renames.get(model.__name__, {}) if model is not None and key == "id" else {}
        for was, now in renamed.items():
            out.append(f"~ {where} › identifiant « {was} » → « {now} » (références mises à jour)")
        old_by = {renamed.get(x.get(key), x.get(key)): x for x in old}
        new_by = {x.get(key): x for x in new}
        for k, item in new_by.items():
            label = f"{where} › {name_of(item)}"
            if k not in old_by:
                out.append(f"+ {label} (ajouté)")
            elif old_by[k] != item:
                diff(e, old_by[k], item, model, label, out)
        for k, item in old_by.items():
            if k not in new_by:
                out.append(f"− {where} › {name_of(item)} (retiré)")
        return
    out.append(f"~ {where} : modifié")


def summary(e: Engine, base: dict, keys: list[str]) -> list[str]:
    from ..model import Project

    lines: list[str] = []
    for key in dict.fromkeys(keys):
        diff(e, {key: base.get(key)} if key in base else {}, {key: e.data.get(key)} if key in e.data else {}, Project, "", lines)
    return lines


def review(e: Engine, base: dict, keys: list[str], path: str, ask: bool = True) -> Any:
    """Show the changes and findings; returns True (save), False (quit without saving) or BACK.
    `ask` False (« Enregistrer et quitter » chosen): saved without a question unless there are errors."""
    e.heading("Relecture avant d'enregistrer")
    lines = summary(e, base, keys)
    if not lines:
        e.say("Aucune modification.")
    for line in lines[:40]:
        e.say(f"  {line}")
    if len(lines) > 40:
        e.say(f"  … et {len(lines) - 40} autre(s) modification(s).")
    found = e.findings(*keys)
    errors = [m for error, m, _ in found if error]
    for error, m, _ in found:
        e.say(f"  {'✗' if error else '⚠'} {m}", "red" if error else "yellow")
    if not ask and not errors:
        return True
    if errors:
        e.say(f"{len(errors)} erreur(s) : revenez à la section nommée au début de chaque phrase.", "red")
        choices: list[tuple[Any, str]] = [
            (BACK, "← Revenir aux sections pour corriger"),
            (True, "Enregistrer comme brouillon de projet (avec les erreurs)"),
            (False, "Quitter sans enregistrer")]
        default: Any = BACK
    else:
        choices = [(True, "Enregistrer"), (BACK, "← Revenir aux sections"), (False, "Quitter sans enregistrer")]
        default = True
    return e.b.select(f"Enregistrer les modifications dans « {path} » ?", choices, default=default)
