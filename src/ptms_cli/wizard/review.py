"""The review before saving: what changed (added, modified, removed) in French values, the findings
in sentences naming the section to go back to, then a deliberate choice.

Saving a project that has errors is possible (a project is written over several sessions) but never
the default: « Enregistrer comme brouillon de projet » is a choice of its own.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from ..frformat import plural
from ..status import plain
from .engine import Engine, name_of
from .questions import natural_key, question, submodel

BACK = "back"
WIDTH = 100  # a value in the review: longer than in a menu, the line wraps under its text
HIDDEN = {"schema_version"}  # the file's format, not an answer


def _title(model: type[BaseModel] | None, key: str) -> str:
    if model is None:
        return key
    name = next((n for n, f in model.model_fields.items() if (f.alias or n) == key), None)
    if name is None:
        return key
    return model.model_fields[name].title or key


def _question(model: type[BaseModel] | None, key: str):
    if model is None:
        return None
    name = next((n for n, f in model.model_fields.items() if (f.alias or n) == key), None)
    return question(model, name) if name is not None else None


def _value(e: Engine, model: type[BaseModel] | None, key: str, value: Any) -> str:
    q = _question(model, key)
    return str(value) if q is None else e.value_text(q, value, WIDTH)


def _renamed(e: Engine) -> dict[str, str]:
    return {was: now for kind in e.renames.values() for was, now in kind.items()}


def diff(e: Engine, old: Any, new: Any, model: type[BaseModel] | None, where: str, out: list[str],
         was: Engine | None = None) -> None:
    """Lines « + … ajouté », « − … retiré », « ~ … : avant → après » from `old` to `new`; values and
    names in French, those of what was removed read in the project as it was (`was`)."""
    was = was or e
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        renamed = e.renames.get(model.__name__, {}) if model is not None else {}
        for k in list(new) + [k for k in old if k not in new]:
            o, n = old.get(k), new.get(k)
            if o == n or (k == "id" and renamed.get(o) == n) or k in HIDDEN:  # a renamed id: said once, for the list
                continue
            if k == "id" and o is None:  # a new item's identifier, made from its name: the item is enough
                continue
            sub = submodel(model, k) if model is not None and isinstance(k, str) else None
            here = f"{where} › {_title(model, k)}" if where else _title(model, k)
            q = _question(model, k)
            if isinstance(o, list) and isinstance(n, list) and q is not None and q.reference:
                _references(e, was, q, o, n, here, out)
            elif isinstance(o, (dict, list)) and isinstance(n, (dict, list)) and sub is not None:
                diff(e, o, n, sub, here, out, was)
            elif o in (None, [], {}) and sub is not None and isinstance(n, (dict, list)):  # new: each of its parts
                diff(e, {} if isinstance(n, dict) else [], n, sub, here, out, was)
            elif o in (None, [], {}):
                out.append(f"+ {here} : {_value(e, model, k, n)}")
            elif n in (None, [], {}):
                out.append(f"− {here} : retiré ({_value(was, model, k, o)})")
            else:
                before, after = _value(was, model, k, o), _value(e, model, k, n)
                if q is not None and q.reference and _renamed(e).get(o) == n:
                    continue  # the same item under its new identifier: said once, for its list
                out.append(f"~ {here} : {before} → {after}" if before != after
                           else f"~ {here} : {after} (identifiant mis à jour)")
        return
    key = natural_key(model) if model is not None else None
    if isinstance(old, list) and isinstance(new, list) and key and all(isinstance(x, dict) for x in old + new):
        if key == "id":
            renamed = e.renames.get(model.__name__, {}) if model is not None else {}
            for old_id, now in renamed.items():
                out.append(f"~ {where} › identifiant « {old_id} » → « {now} » (références mises à jour)")
        else:  # items known by a reference (a partner's contribution) follow its renaming
            renamed = _renamed(e)
        old_by = {renamed.get(x.get(key), x.get(key)): x for x in old}
        new_by = {x.get(key): x for x in new}
        for k, item in new_by.items():
            label = f"{where} › {_name(e, model, key, item)}"
            if k not in old_by:
                out.append(f"+ {label} (ajouté)")
            elif old_by[k] != item:
                diff(e, old_by[k], item, model, label, out, was)
        for k, item in old_by.items():
            if k not in new_by:
                out.append(f"− {where} › {_name(was, model, key, item)} (retiré)")
        return
    out.append(f"~ {where} : modifié")


def _name(e: Engine, model: type[BaseModel] | None, key: str, item: dict) -> str:
    """An item by its name; one known by a reference (a contribution: its partner) by that one's name."""
    return name_of(item) if key == "id" else e.item_label(model, item)


def _references(e: Engine, was: Engine, q: Any, old: list, new: list, here: str, out: list[str]) -> None:
    """A list of references (COPIL members, partners of an objective): who left, who joined; a renamed
    identifier is the same one."""
    renamed = _renamed(e)
    before = [renamed.get(x, x) for x in old]
    gone = [x for x, now in zip(old, before) if now not in new]
    came = [x for x in new if x not in before]
    if gone:
        out.append(f"− {here} : {_words(was, q, gone)} {'retiré' if len(gone) == 1 else 'retirés'}")
    if came:
        out.append(f"+ {here} : {_words(e, q, came)} {'ajouté' if len(came) == 1 else 'ajoutés'}")
    if not gone and not came and before != new:
        out.append(f"~ {here} : ordre modifié")


def _words(e: Engine, q: Any, values: list) -> str:
    names = dict(e.targets(q.reference))
    return ", ".join(names.get(v, str(v)) for v in values)


def summary(e: Engine, base: dict, keys: list[str]) -> list[str]:
    from ..model import Project

    was = copy.copy(e)
    was.data = base
    lines: list[str] = []
    for key in dict.fromkeys(keys):
        diff(e, {key: base.get(key)} if key in base else {}, {key: e.data.get(key)} if key in e.data else {},
             Project, "", lines, was)
    return lines


def review(e: Engine, base: dict, keys: list[str], path: str, step: str | None = None, ask: bool = True) -> Any:
    """Show the changes and findings; returns True (save), False (quit without saving) or BACK.
    An error in a section of another step than `step` (a removal reaches them) says which command fixes it.
    `ask` False (« Enregistrer et quitter » chosen): saved without a question unless there are errors."""
    from ..model import Project
    from ..steps import ALL

    e.heading("Relecture avant d'enregistrer")
    lines = summary(e, base, keys)
    if not lines:
        e.say("Aucune modification.")
    for line in lines[:40]:
        e.say(f"  {line}")
    if len(lines) > 40:
        e.say(f"  … et {plural(len(lines) - 40, 'autre modification', 'autres modifications')}.")
    found = e.findings(*keys)
    errors = [m for error, m, _ in found if error]
    for error, m, _ in found:  # no YAML key in a sentence: « (« funding.allocation ») » is left out
        e.say(f"  {'✗' if error else '⚠'} {plain(m)}", "red" if error else "yellow")
    if not ask and not errors:
        return True
    if errors:
        elsewhere: dict[tuple[int, str], list[str]] = {}  # (step, command) -> titles of its sections in error
        here = 0
        for error, _, key in found:
            other = next((s for s in ALL if key in s.sections), None)
            if error and step and other is not None and other.command != step:
                titles = elsewhere.setdefault((other.number, other.command), [])
                if _title(Project, key) not in titles:
                    titles.append(_title(Project, key))
            elif error:
                here += 1
        e.say(plural(len(errors), "erreur") + (" : revenez à la section nommée au début de chaque phrase." if here else "."),
              "red")
        for (number, command), titles in sorted(elsewhere.items()):
            e.say(f"« {' », « '.join(titles)} » se corrige{'nt' if len(titles) > 1 else ''} à l'étape {number} : "
                  f"enregistrez comme brouillon de projet, puis lancez « ptms {command} {path} ».", "red")
        choices: list[tuple[Any, str]] = [
            (BACK, "← Revenir aux sections pour corriger"),
            (True, "Enregistrer comme brouillon de projet (avec les erreurs)"),
            (False, "Quitter sans enregistrer")]
        default: Any = BACK
    else:
        choices = [(True, "Enregistrer"), (BACK, "← Revenir aux sections"), (False, "Quitter sans enregistrer")]
        default = True
    return e.b.select(f"Enregistrer les modifications dans « {path} » ?", choices, default=default)
