"""The question engine: asks the fields of a model section, edits lists, reviews a section.

Works on plain data (the project as dicts and lists, as in the YAML); questions come from
`questions.question` (model metadata); every answer is checked as typed; after a section, the
cross-field checks of `ptms validate` run on the whole project and their messages are shown.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from .. import referential
from ..frformat import plural
from ..model.refs import TARGETS, Key
from ..terminal import shorten
from .backend import Backend, GoBack
from .forms import hint
from .frinput import FrInputError, parse_amount
from .questions import NONE_LABEL, Question, expert_names, natural_key, parse_text, question, show, slug

NAMING = ("name", "label", "title", "statement")
DESCRIBE = ("name", "label", "title", "partner", "sector", "field", "statement", "since", "date", "days", "start", "id")


# Forms of the fields after which the rules of `ptms validate` on that very field run (`Engine.live_errors`).
LIVE_FORMS = ("date", "year")

# Questions that only apply to some items: "Model.field" -> rule on the answers of the item so far.
APPLIES: dict[str, Callable[[dict], bool]] = {
    "Post.aid_rate": lambda post: post.get("contract") == "pec",
    "Post.aid_hours_per_week": lambda post: post.get("contract") == "pec",
}


# Questions asked when an item is added only if the rule holds (the item's menu always offers them):
# a post runs over the whole period unless it is an aided contract, whose dates matter.
ON_ADD: dict[str, Callable[[dict], bool]] = {
    "Post.start": lambda post: post.get("contract") in ("adulte_relais", "pec"),
    "Post.end": lambda post: post.get("contract") in ("adulte_relais", "pec"),
    # a sector of the service: its hours first; its own fields, time slots and priority from its menu
    "ServiceSector.fields": lambda sector: False,
    "ServiceSector.time_slots": lambda sector: False,
    "ServiceSector.priority": lambda sector: False,
}

# Optional fields asked together or not at all: "Model" -> [(question, [field names])]. One « Oui/Non »
# (default: Non while they are all empty) instead of one question each; asked at the place of the first
# field, the others follow it. For the items added to a list, asked once per list (the answer holds for
# the next items). Fields left out stay empty and are said so; each one stays in the item's menu (a
# section's own fields: the group's question again, when the section is opened).
GROUPS: dict[str, list[tuple[str, list[str]]]] = {
    "Partner": [("Saisir aussi le contact et les besoins exprimés de chaque nouveau partenaire ?", ["contact", "needs"])],
    "Service": [("Décrire maintenant l'encadrement, la formation, le suivi, la posture, les moyens matériels "
                 "et les sous-traitants du service ?",
                 ["supervision", "training", "reporting", "charter", "resources", "subcontractors"])],
    "Budget": [("Ajouter des coûts en plus des postes (encadrement, formation, équipement, locaux, frais de structure) ?",
                ["supervision", "training", "equipment", "premises", "overhead_rate"])],
}


def unique_id(name: str, taken: set[str] | frozenset[str]) -> str:
    """The identifier made from a name (`slug`), with « -2 », « -3 »… when already used in the list."""
    base = slug(name, max_len=60)
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


def name_of(item: dict) -> str:
    """What a user calls an item: its name (label, title, statement), its identifier only without one."""
    text = next((str(item[k]) for k in NAMING if item.get(k)), None) or (describe(item) if item else "(sans nom)")
    return shorten(text, 70)


def describe(item: dict) -> str:
    """A short French label of a list item, for menus."""
    keys = [k for k in DESCRIBE if k != "id"] if any(item.get(k) for k in NAMING) else DESCRIBE  # a name, never its id
    parts = [show(item[k]) for k in keys if item.get(k) not in (None, "")][:2]
    text = " — ".join(parts) or "(sans nom)"
    return shorten(text, 70)


def checkable(data: dict, keep: Any) -> Any:
    """`data` as a `Project` for the live checks of section `keep`, while other sections are still
    missing or wrong (a new project has no name yet when its period is asked): the other optional
    sections that do not validate are left out, a missing name is stood in for. None: impossible."""
    from pydantic import ValidationError

    from ..model import Project

    data = dict(data)
    data.setdefault("name", "projet")
    data.setdefault("schema_version", Project.model_fields["schema_version"].annotation.__args__[0])  # type: ignore[union-attr]
    for _ in range(4):
        try:
            return Project.model_validate(data)
        except ValidationError as exc:
            tops = {err["loc"][0] for err in exc.errors() if err["loc"]}
            if keep in tops or not tops or any(Project.model_fields[t].is_required() for t in tops if t in Project.model_fields):
                return None
            for top in tops:
                data.pop(top, None)
    return None


class Engine:
    def __init__(self, backend: Backend, console, data: dict):
        self.b = backend
        self.console = console
        self.data = data  # the whole project, plain values; sections are edited in place
        self.after_change: Callable[[], None] | None = None
        self.required: set[str] = set()  # "Model.field" lists that must not stay empty: « Ajouter » first
        # "Model.field" -> default answer, given the answers of the item so far (None: no default)
        self.defaults: dict[str, Callable[[dict], Any]] = {}
        # "Model.field" -> the value that goes without asking (one commune: every sector is in it), or None: asked
        self.implied: dict[str, Callable[[dict], Any]] = {}
        # "Model.field" -> where its default comes from, said before the question (a sourced table)
        self.sources: dict[str, Callable[[dict], str | None]] = {}
        # "Model.field" -> does the question apply, given the answers of the item so far (else not asked, value kept)
        self.applies: dict[str, Callable[[dict], bool]] = dict(APPLIES)
        self.autosave: Callable[[], None] | None = None  # writes the draft (`draft.save`) after each item and section
        self.in_hub = False  # a step's hub shows each section's state: no « Revenir » question after a section
        # The answers being given, section -> sub-section -> list, for a live preview (see `preview`).
        self.frames: list[list] = []
        # identifiers changed by « Changer l'identifiant »: item model name -> {old: new} (for the review)
        self.renames: dict[str, dict[str, str]] = {}
        # items being added or edited, not yet in their list: [frame keys of the list, index, the item's answers]
        self.slots: list[list] = []
        # "Model.field" of a list -> what to propose when it is empty: (question, [(key, label)], keys ticked
        # by default, key -> the new item). The ticked items are added at once, their other fields asked.
        self.picks: dict[str, Callable[[], tuple[str, list[tuple[Any, str]], list[Any], Callable[[Any], dict]] | None]] = {}
        self.group_answers: dict[str, bool] | None = None  # `GROUPS` answered for the items added to the current list
        self.edit_section: str | None = None  # `ptms <étape> --edit SECTION` (a key of `flows.EDITABLE`)
        self.edit_mode = False  # `ptms <étape> --edit`: « Enregistrer et quitter » is the default once a field changed
        self.quitting = False  # « Enregistrer et quitter » chosen: every level returns what it has, then the review

    def _attach(self, obj: Any) -> None:
        if self.frames and self.frames[-1][1] is None:
            self.frames[-1][1] = obj

    def preview(self) -> dict:
        """The project with the answers given so far in the current section (items being added excluded)."""
        data = dict(self.data)
        node: Any = data
        for key, obj in self.frames:
            if obj is None or not isinstance(node, dict):
                break
            node[key] = obj
            node = obj
        return data

    def working(self) -> tuple[dict, tuple]:
        """A copy of the project with the items being answered in their lists (`slots`), and the
        location of what is being answered (YAML keys and list indexes): for the live checks."""
        data = copy.deepcopy(self.preview())
        loc: tuple = ()
        consumed = 0
        for path, index, item in self.slots:
            node: Any = data
            for part in loc:
                node = node[part]
            for key in path[consumed:]:
                if not isinstance(node, dict):
                    return data, loc
                node = node.setdefault(key, [] if key == path[-1] else {})
            if not isinstance(node, list) or item is None:
                return data, loc
            if index < len(node):
                node[index] = copy.deepcopy(item)
            else:
                node.append(copy.deepcopy(item))
                index = len(node) - 1
            loc += tuple(path[consumed:]) + (index,)
            consumed = len(path)
        return data, loc + tuple(key for key, _ in self.frames[consumed:])

    def live_errors(self, *tail: str) -> list[str]:
        """The errors of `ptms validate` (`checks.run`) at the place being answered (+ `tail`), in the
        working project: a cross-field rule (date order, a total of 100 %) said as soon as its last
        field is answered, with the very message of the validation."""
        from .. import checks

        data, loc = self.working()
        project = checkable(data, loc[0] if loc else None)
        if project is None:
            return []
        try:
            found = checks.run(project, None)
        except Exception:  # noqa: BLE001 - a half-filled project must never stop the wizard
            return []
        return list(dict.fromkeys(pb.message for pb in found if pb.code.startswith("PTMS-E") and tuple(pb.loc) == loc + tail))

    def changed(self) -> None:
        if self.after_change:
            self.after_change()

    def checkpoint(self) -> None:
        """An item or a section is complete: keep the answers so far in the draft."""
        if self.autosave:
            self.autosave()

    # --- display --------------------------------------------------------------------------------
    def say(self, text: str, style: str | None = None) -> None:
        from rich.markup import escape

        # wrapped by rich at word boundaries (the terminal would cut words and amounts at its edge)
        self.console.print(f"[{style}]{escape(text)}[/{style}]" if style else escape(text), highlight=False, soft_wrap=False)

    def heading(self, text: str) -> None:
        self.console.print()
        self.say(text, "bold cyan")

    # --- what an identifier can point to --------------------------------------------------------
    def targets(self, reference: str) -> list[tuple[str, str]]:
        """(id, French label) of what a reference of kind `reference` can point to (`model.refs.TARGETS`)."""
        d = self.data
        where, _ = TARGETS[reference]
        if where is None:  # fields of intervention: the referential's, then the project's own
            return list(referential.FIELDS.items()) + list((d.get("custom_fields") or {}).items())
        items: Any = d
        for key in where:
            items = (items.get(key) if isinstance(items, dict) else None) or ([] if key == where[-1] else {})
        return [(x["id"], name_of(x)) for x in items if isinstance(x, dict) and x.get("id")]

    # --- one field --------------------------------------------------------------------------------
    def ask(self, q: Question, current: Any, default: Any = None, extra: Callable[[Any], str | None] | None = None) -> Any:
        """Ask one field; returns the new plain value (None: no value)."""
        start = current if current is not None else (default if default is not None else q.default)
        if q.kind not in ("model", "models"):
            for line in (q.help, hint(q.model, q.name, q.form) if q.kind == "text" else None):
                if line:
                    self.say(line, "dim")
        kind = q.kind
        targets = self.targets(q.reference) if q.reference else []
        if q.reference and not targets:
            kind = "list" if kind == "list" else "text"  # nothing to choose from yet: typed ids
        if kind == "select":
            if q.vocabulary:
                choices = list(referential.ALL[q.vocabulary].items())
            else:
                choices = list(targets)
                if start is not None and start not in dict(choices):
                    choices.append((start, f"{start} (inconnu)"))
            if q.optional and q.default is None:
                choices.append((None, NONE_LABEL))
            return self.b.select(q.title, choices, default=start)
        if kind in ("checkbox",) or (kind == "list" and targets):
            choices = list(referential.ALL[q.vocabulary].items()) if q.vocabulary else list(targets)
            known = dict(choices)
            choices += [(v, f"{v} (inconnu)") for v in (start or []) if v not in known]
            chosen = self.b.checkbox(q.title, choices, default=list(start or []))
            kept = [v for v in start or [] if v in chosen]  # the order of the file (an Enter changes nothing)
            return kept + [v for v in chosen if v not in kept]
        if kind == "confirm":
            return self.b.confirm(q.title, default=bool(start))
        if kind == "years":
            return self.ask_years(q, current or {})
        if kind == "model":
            return self.ask_model(q, current)
        if kind == "models":
            return self.edit_list(q, current or [])
        if kind == "skip":
            return current

        def validate(text: str) -> str | None:
            value, error = parse_text(q, text)
            return error or (extra(value) if extra else None)

        if q.optional and current is not None:
            self.say("Entrée : garder la valeur actuelle ; « - » : l'effacer.", "dim")
        answer = self.b.text(q.title, default=show(start, q.form), validate=validate)
        return parse_text(q, answer)[0]

    def ask_years(self, q: Question, current: dict) -> dict:
        period = self.data.get("period") or {}
        years = list(range(period["start"].year, period["end"].year + 1)) if period.get("start") and period.get("end") and hasattr(period["start"], "year") else sorted(current)
        out: dict = {}
        def typed(text: str, year: int) -> tuple[Any, str | None]:
            try:
                amount = parse_amount(text)
            except FrInputError as exc:
                return None, exc.message
            return q.check({year: amount})

        for year in years:
            def validate(text: str, year=year) -> str | None:
                return typed(text, year)[1] if text.strip() else None

            answer = self.b.text(f"{q.title} — {year}", default=show(current.get(year), "amount"), validate=validate)
            if answer.strip():
                out[year] = typed(answer, year)[0][year]
        return out

    # --- a model (mapping) ----------------------------------------------------------------------
    def ask_model(self, q: Question, current: dict | None) -> dict | None:
        if q.optional and not self.b.confirm(f"Renseigner « {q.title} » ?", default=current is not None):
            return None
        self.heading(q.title)
        if q.help:
            self.say(q.help, "dim")
        pending = bool(self.frames) and self.frames[-1][1] is None  # the section itself: already framed
        if not pending:
            self.frames.append([q.key, None])
        try:
            return self.fields(q.inner, current or {})
        finally:
            if not pending:
                self.frames.pop()

    def fields(self, model: type[BaseModel], current: dict, names: list[str] | None = None,
               taken: set[str] | frozenset[str] = frozenset(), defaults: dict | None = None,
               new: bool | None = None) -> dict:
        """Ask `names` (default: every field) of `model`; keys not asked are kept as they are. `new`: an
        item being added (default: `current` is empty), for `ON_ADD` and the `GROUPS` asked once per list."""
        names = list(names or model.model_fields)
        new = not current if new is None else new
        groups = [(text, [n for n in members if n in names]) for text, members in GROUPS.get(model.__name__, [])]
        groups = [(text, members) for text, members in groups if len(members) > 1]
        for _, members in groups:  # the fields of a group follow its first one
            at = names.index(members[0])
            for n in members[1:]:
                names.remove(n)
            names[at + 1:at + 1] = members[1:]
        left_out: set[str] = set()
        if "id" in names:  # ask the name first, then propose an identifier made from it
            naming = next((n for n in NAMING if n in names), None)
            if naming and names.index("id") < names.index(naming):
                at = names.index("id")
                names.remove(naming)
                names[at:at + 1] = [naming, "id"]
        result = dict(current)
        self._attach(result)
        if self.slots and len(self.slots[-1][0]) == len(self.frames):
            self.slots[-1][2] = result  # the item being answered, for the live checks (`working`)
        defaults = dict(defaults or {})
        for name in names:
            if self.quitting:
                break  # « Enregistrer et quitter »: the answers so far, the rest as it was
            if name in left_out:
                continue
            group = next(((text, members) for text, members in groups if members[0] == name), None)
            if group is not None and not self.ask_group(model, group, current, new):
                left_out |= set(group[1])
                continue
            q = question(model, name)
            rule = self.applies.get(f"{model.__name__}.{name}")
            if rule is not None and not rule(result):
                continue
            rule = ON_ADD.get(f"{model.__name__}.{name}")
            if rule is not None and new and not rule(result):
                continue  # a new item: not asked (its edit menu has it)
            if q.reference and q.optional and q.reference != "fields" and not self.targets(q.reference) and result.get(q.key) in (None, []):
                continue  # nothing to choose from (the first post cannot continue another one)
            default = defaults.get(q.key)
            extra = None
            if name == "id":
                naming = next((n for n in NAMING if n in result), None)
                if result.get("id"):
                    continue  # an existing identifier changes only through « Changer l'identifiant » (`rename`)
                if naming and isinstance(result.get(naming), str):  # made from the name, never typed
                    result["id"] = default or unique_id(result[naming], taken)
                    continue
                extra = (lambda v: f"identifiant « {v} » déjà utilisé" if v in taken else None)  # noqa: E731 (a closure over `taken`)
            where = f"{model.__name__}.{name}"
            if result.get(q.key) is None and where in self.implied:
                implied = self.implied[where](result)
                if implied is not None:
                    result[q.key] = implied
                    said = self.sources[where](result) if where in self.sources else None
                    if said:  # a value that goes without asking is shown, and stays in the item's menu
                        self.say(f"{q.title} : {self.value_text(q, implied)} — {said}", "dim")
                    continue
            if default is None and where in self.defaults:
                default = self.defaults[where](result)
            if default is not None and result.get(q.key) is None and where in self.sources:
                said = self.sources[where](result)
                if said:
                    self.say(said, "dim")
            if q.kind == "models":
                self.frames.append([q.key, None])
            try:
                value = self.ask(q, result.get(q.key), default=default, extra=extra)
            finally:
                if q.kind == "models":
                    self.frames.pop()
            self._store(result, q, value, had=q.key in current)
            if q.form in LIVE_FORMS and value is not None:
                # the order of two dates is checked as the second one is answered: asked again once
                errors = self.live_errors(q.key)
                if errors:
                    for error in errors:
                        self.say(f"✗ {error}", "red")
                    self.say("Corrigez la valeur (la même réponse la garde telle quelle).", "dim")
                    again = self.ask(q, value, extra=extra)
                    self._store(result, q, again, had=True)
            self.changed()
        # keys already in the file keep their place; new ones follow the model's order
        order = [k for k in current if k in result] if not new else []  # a new item: the model's order
        order += [f.alias or n for n, f in model.model_fields.items() if (f.alias or n) in result and (f.alias or n) not in order]
        order += [k for k in result if k not in order]
        return {k: result[k] for k in order}

    def ask_group(self, model: type[BaseModel], group: tuple[str, list[str]], current: dict, new: bool) -> bool:
        """Ask the fields of a `GROUPS` entry now? Default: yes when one of them has a value. For a new
        item of a list, the first answer holds for the next items added to that list."""
        text, members = group
        filled = any(current.get(question(model, n).key) not in (None, [], {}) for n in members)
        if filled:
            return True
        memo = self.group_answers if new else None
        if memo is not None and text in memo:
            return memo[text]
        answer = bool(self.b.confirm(text, default=False))
        if not answer:
            titles = ", ".join(question(model, n).title.lower() for n in members)
            self.say(f"À compléter plus tard si besoin (menu de l'élément ou de la section) : {titles}.", "dim")
        if memo is not None:
            memo[text] = answer
        return answer

    @staticmethod
    def _store(result: dict, q: Question, value: Any, had: bool) -> None:
        if value is None or (not had and (value == q.default or value in ([], {}))):
            result.pop(q.key, None)
        else:
            result[q.key] = value

    def item_label(self, model: type[BaseModel] | None, item: dict) -> str:
        """`describe(item)`; an item known by a reference (a partner's contribution) by that one's name."""
        key = natural_key(model) if model is not None else None
        if model is not None and key and key != "id" and item.get(key) is not None:
            name = next((n for n, f in model.model_fields.items() if (f.alias or n) == key), key)
            q = question(model, name)
            if q.reference:
                return self.value_text(q, item[key], 70)
        return describe(item)

    # --- a list of models -------------------------------------------------------------------------
    def edit_list(self, q: Question, items: list, show_items: Callable[[list], None] | None = None,
                  names: list[str] | None = None, required: bool = False, add_names: list[str] | None = None) -> list:
        """Menu: add, edit or remove items until « Terminer ». `names`: the fields of an item's menu;
        `add_names`: those asked when an item is added (default: `names`)."""
        items = [dict(x) for x in items]
        self._attach(items)
        self.heading(q.title)
        if q.help:
            self.say(q.help, "dim")
        outer, self.group_answers = self.group_answers, {}
        try:
            if not items and f"{q.model.__name__}.{q.name}" in self.picks:
                self.pick_items(q, items, add_names or names)
            return self._edit_list(q, items, show_items, names, required, add_names)
        finally:
            self.group_answers = outer

    def pick_items(self, q: Question, items: list, names: list[str] | None) -> None:
        """An empty list with a proposal (`picks`): tick the items in one list, then each one's other fields."""
        proposal = self.picks[f"{q.model.__name__}.{q.name}"]()
        if proposal is None:
            return
        text, choices, default, make = proposal
        if not choices:
            return
        chosen = self.b.checkbox(text, choices, default=default)
        labels = dict(choices)
        path = tuple(key for key, _ in self.frames)
        for key in [k for k, _ in choices if k in chosen]:
            made = make(key)
            rest = [n for n in (names or list(q.inner.model_fields))
                    if (q.inner.model_fields[n].alias or n) not in made]
            ids = {x.get("id") for x in items if x.get("id")}
            self.slots.append([path, len(items), None])
            try:
                if rest:
                    self.heading(f"{q.title} — {labels[key]}")
                items.append(self.fields(q.inner, made, names=rest, taken=ids, new=True))
            except GoBack:
                self.say(f"Retour : « {labels[key]} » n'a pas été ajouté.", "dim")
            finally:
                self.slots.pop()
            self.changed()
            self.checkpoint()
            if self.quitting:
                return

    def _edit_list(self, q: Question, items: list, show_items: Callable[[list], None] | None,
                   names: list[str] | None, required: bool, add_names: list[str] | None) -> list:
        while True:
            if self.quitting:
                return items
            if show_items:
                show_items(items)
            elif items:
                for x in items:
                    self.say(f"  • {self.item_label(q.inner, x)}")
            choices: list[tuple[Any, str]] = [("add", "Ajouter")]
            choices += [(("edit", i), f"Modifier : {self.item_label(q.inner, x)}") for i, x in enumerate(items)]
            choices += [(("remove", i), f"Retirer : {self.item_label(q.inner, x)}") for i, x in enumerate(items)]
            choices.append(("done", "Terminer"))
            choices.append(("back", "← Retour (sans garder les changements)"))
            action = self.b.select(f"{q.title} : que faire ?", choices, default="add" if not items and (required or f"{q.model.__name__}.{q.name}" in self.required) else "done")
            if action == "done":
                errors = self.live_errors() if items else []  # a total of 100 % (key, schedule), as the list is left
                if not errors:
                    return items
                for error in errors:
                    self.say(f"✗ {error}", "red")
                if self.b.select(f"{q.title} : corriger maintenant ?", [
                        ("fix", "Corriger maintenant"), ("keep", "Terminer quand même (à corriger plus tard)")],
                        default="fix") == "keep":
                    return items
                continue
            if action == "back":
                raise GoBack
            ids = {x.get("id") for x in items if x.get("id")}
            path = tuple(key for key, _ in self.frames)
            try:
                if action == "add":
                    self.slots.append([path, len(items), None])
                    try:
                        items.append(self.fields(q.inner, {}, names=add_names or names, taken=ids))
                    finally:
                        self.slots.pop()
                elif action[0] == "edit":
                    i = action[1]
                    before = items[i].get("id")
                    self.slots.append([path, i, None])
                    try:
                        items[i] = self.edit_item(q, items[i], names=names, taken=ids - {before})
                    finally:
                        self.slots.pop()
                    if before and items[i].get("id") != before:
                        self.rename_uses(q.inner, before, items[i]["id"])
                else:
                    i = action[1]
                    if self.confirm_removal(items, i):
                        del items[i]
            except GoBack:
                self.say("Retour : rien n'a été ajouté." if action == "add" else "Retour : cet élément n'a pas été modifié.", "dim")
            self.changed()
            self.checkpoint()

    def list_kind(self) -> str | None:
        """The kind of identifier (`model.refs.TARGETS`) of the items of the list being edited, if any."""
        path = tuple(key for key, _ in self.frames)
        return next((kind for kind, (where, _) in TARGETS.items() if where == path), None)

    def confirm_removal(self, items: list, i: int) -> bool:
        """Removing an item whose identifier is used elsewhere (`model.refs.usages`): every place is
        listed, and the user removes those uses with it, or cancels."""
        from ..model.refs import usages

        item = items[i]
        kind = self.list_kind()
        project = self.project(self.preview()) if kind and item.get("id") else None
        uses = usages(project, kind, item["id"]) if project is not None and kind else []
        if not uses:
            return bool(self.b.confirm(f"Retirer « {describe(item)} » ?", default=False))
        self.say(f"« {name_of(item)} » est utilisé à {plural(len(uses), 'endroit')} :", "yellow")
        for loc, _ in uses:
            self.say(f"  – {self.place(loc)}")
        choice = self.b.select(f"Retirer « {name_of(item)} » ?", [
            ("cancel", "Annuler (ne rien retirer)"),
            ("cascade", f"Retirer « {name_of(item)} » et " + ("son usage" if len(uses) == 1 else f"ces {len(uses)} usages"))], default="cancel")
        if choice != "cascade":
            return False
        self.drop_uses([loc for loc, _ in uses])
        return True

    def drop_uses(self, locs: list[tuple]) -> None:
        """Remove the references at `locs`: an id from a list, an optional field, or the item that a
        required reference identifies (the contribution of a removed partner)."""
        from ..model import Project
        from ..schema_errors import _field, model_at

        root = self.preview()
        for loc in sorted(locs, key=lambda loc: [(0, p) if isinstance(p, int) else (1, str(p)) for p in loc], reverse=True):
            if len(loc) == 1:
                self.data.pop(loc[0], None)
                continue
            parent: Any = root
            try:
                for part in loc[:-1]:
                    parent = parent[part]
            except (KeyError, IndexError, TypeError):
                continue
            last = loc[-1]
            if isinstance(parent, list):
                if isinstance(last, int) and last < len(parent):
                    del parent[last]
                continue
            model = model_at(Project, loc[:-1])
            field = _field(model, last) if model is not None else None
            if field is not None and field.is_required() and len(loc) >= 3 and isinstance(loc[-2], int):
                holder: Any = root
                for part in loc[:-2]:
                    holder = holder[part]
                if isinstance(holder, list) and loc[-2] < len(holder):
                    del holder[loc[-2]]
            else:
                parent.pop(last, None)

    def value_text(self, q: Question, value: Any, width: int = 40) -> str:
        """A current value in words, for the menu of an item's fields (at most `width` characters)."""
        if value is None or value == [] or value == {}:
            return "—"
        if q.kind == "confirm":
            return "oui" if value else "non"
        if q.vocabulary:
            labels = referential.ALL[q.vocabulary]
            text = ", ".join(labels.get(v, str(v)) for v in (value if isinstance(value, list) else [value]))
        elif q.reference:
            names = dict(self.targets(q.reference))
            text = ", ".join(names.get(v, str(v)) for v in (value if isinstance(value, list) else [value]))
        elif q.kind == "model":
            text = describe(value) if isinstance(value, dict) else str(value)
        elif q.kind == "models":
            text = plural(len(value), "élément")
        elif q.kind == "years":
            text = ", ".join(f"{y} : {show(v, 'amount')}" for y, v in sorted(value.items()))
        else:
            text = show(value, q.form)
        return shorten(text, width)

    def edit_item(self, q: Question, item: dict, names: list[str] | None = None,
                  taken: set[str] | frozenset[str] = frozenset()) -> dict:
        """An item's fields with their current values: pick the one to change, « Valider » keeps the
        changes, « ← Retour » (or Échap) leaves the item as it was. « Changer l'identifiant » (items
        with an `id`) is applied to every reference when the list is left (`rename_uses`);
        « Options avancées » asks the fields kept out of the default flow (`questions.EXPERT_FIELDS`)."""
        model = q.inner
        item = dict(item)
        original = dict(item)
        fields = [n for n in (names or list(model.model_fields)) if n != "id" and question(model, n).kind != "skip"]
        advanced = expert_names(model) + [  # and the fields this list's menu leaves out (a partner's address…)
            n for n in model.model_fields if names and n not in names and n != "id" and question(model, n).kind != "skip"]
        while True:
            if self.quitting:  # « Enregistrer et quitter » in an item inside this one
                return item
            choices: list[tuple[Any, str]] = []
            for n in fields:
                fq = question(model, n)
                rule = self.applies.get(f"{model.__name__}.{n}")
                if rule is not None and not rule(item):
                    continue
                choices.append((n, f"{fq.title} : {self.value_text(fq, item.get(fq.key))}"))
            if advanced:
                choices.append(("advanced", "Options avancées…"))
            if item.get("id") and "id" in model.model_fields:
                choices.append(("rename", f"Changer l'identifiant (actuel : {item['id']})"))
            choices += [("done", "✔ Valider cet élément"), ("save", "✔ Enregistrer et quitter"),
                        ("back", "← Retour (sans garder)")]
            # `ptms <étape> --edit`: once a field has changed, Entrée saves (the review is shown)
            default = "save" if self.edit_mode and item != original else "done"
            pick = self.b.select(f"{name_of(item)} : quel champ modifier ?", choices, default=default)
            if pick == "done":
                return item
            if pick == "save":
                self.quitting = True
                return item
            if pick == "back":
                raise GoBack
            if pick == "rename":
                item["id"] = self.new_id(model, item, taken)
            elif pick == "advanced":
                item = self.advanced(model, item, advanced)
            else:
                item = self.fields(model, item, names=[pick], taken=taken)

    def applies_to(self, model: type[BaseModel], name: str, item: dict) -> bool:
        rule = self.applies.get(f"{model.__name__}.{name}")
        return rule is None or rule(item)

    def new_id(self, model: type[BaseModel], item: dict, taken: set[str] | frozenset[str]) -> str:
        """Ask a new identifier for `item` (Entrée keeps it); checked as the model checks it, and unique."""
        q = question(model, "id")
        self.say("Les références à cet identifiant (objectifs, financement, gouvernance, signataires…) "
                 "seront mises à jour.", "dim")

        def validate(text: str) -> str | None:
            value, error = q.check(text.strip())
            return error or (f"identifiant « {value} » déjà utilisé" if value in taken else None)

        answer = self.b.text(f"Nouvel identifiant de « {name_of(item)} »", default=item["id"], validate=validate)
        return answer.strip() or item["id"]

    def advanced(self, model: type[BaseModel], item: dict, names: list[str]) -> dict:
        """« Options avancées » of an item: pick one of the expert fields (`questions.EXPERT_FIELDS`)."""
        from .questions import advanced_question

        item = dict(item)
        while True:
            if self.quitting:
                return item
            choices: list[tuple[Any, str]] = [
                (n, f"{aq.title} : {self.value_text(aq, item.get(aq.key))}")
                for n in names if (aq := advanced_question(model, n)) is not None and self.applies_to(model, n, item)]
            choices.append(("done", "← Retour au menu de l'élément"))
            pick = self.b.select(f"{name_of(item)} : quelle option avancée ?", choices, default="done")
            if pick == "done":
                return item
            aq = advanced_question(model, pick)
            assert aq is not None
            self._store(item, aq, self.ask(aq, item.get(aq.key)), had=aq.key in item)
            self.changed()

    def rename_uses(self, model: type[BaseModel], old: str, new: str) -> None:
        """An item of `model` now has identifier `new` instead of `old`: every reference to `old` found by
        `model.refs.usages` (objectives, contributions, keys, governance, signatories, RGPD roles,
        indicators…) is set to `new`, in every section, and the review screen says so (`renames`)."""
        from ..model.refs import usages

        kind = self.list_kind()
        if kind is None:  # nothing refers to this kind of item (actors, indicators, resources)
            return
        root = self.preview()
        project = self.project(root)
        if project is None:  # the references cannot be found in a project that does not validate
            self.say(f"Attention : le projet contient des erreurs, les références à « {old} » n'ont pas pu être "
                     f"mises à jour ; l'identifiant reste « {old} ».", "yellow")
            self._set_id(root, kind, new, old)
            return
        uses = usages(project, kind, old)
        for loc, _ in uses:
            if len(loc) == 1:
                self.data[loc[0]] = new
                root[loc[0]] = new
                continue
            parent: Any = root
            for part in loc[:-1]:
                parent = parent[part]
            if isinstance(loc[-1], Key):  # a mapping's key (results of an indicator, received by a partner): same place
                renamed = {(new if k == old else k): v for k, v in parent.items()}
                parent.clear()
                parent.update(renamed)
                continue
            parent[loc[-1]] = new
        renamed = self.renames.setdefault(model.__name__, {})
        first = next((was for was, now in renamed.items() if now == old), old)  # renamed twice: from the first
        renamed.pop(first, None)
        if first != new:
            renamed[first] = new
        self.say(f"Identifiant « {old} » → « {new} » : {plural(len(uses), 'référence mise', 'références mises')} à jour.", "green")

    def _set_id(self, root: dict, kind: str, ident: str, value: str) -> None:
        where = TARGETS[kind][0] or ()
        items: Any = root
        for key in where:
            items = items.get(key) if isinstance(items, dict) else None
        for x in items or []:
            if isinstance(x, dict) and x.get("id") == ident:
                x["id"] = value

    # --- a top-level section ------------------------------------------------------------------------
    def section(self, key: str, ask: Callable[[], Any], again: bool | None = None) -> None:
        """Ask a section, then show the cross-field problems found in it; with `again` (default: outside
        a hub), offer to go back to it while it has errors."""
        again = not self.in_hub if again is None else again
        while True:
            self.frames = [[key, None]]
            before = copy.deepcopy(self.data)
            try:
                value = ask()
            except GoBack:  # Échap or « ← Retour »: in a hub, the hub takes it; here, the section again
                if self.in_hub:
                    raise
                self.data.clear()
                self.data.update(before)
                self.say("Retour : les réponses de cette section n'ont pas été gardées ; elle reprend au début.", "dim")
                continue
            finally:
                self.frames = []
            if value is None or value in ([], {}):
                self.data.pop(key, None)
            else:
                self.data[key] = value
            self.changed()
            errors = self.review(key)
            if self.quitting or not again or not errors or not self.b.confirm("Revenir sur cette section pour corriger les erreurs ?", default=True):
                return

    def place(self, loc: tuple) -> str:
        """Where a value is, in words: « Postes › Médiateur › Nombre de postes » (titles and item names, no key)."""
        from ..model import Project
        from ..schema_errors import _field, model_at

        parts: list[str] = []
        node: Any = self.data
        for i, part in enumerate(loc):
            if isinstance(part, int):
                item = node[part] if isinstance(node, list) and part < len(node) else None
                parts.append(self._place_item(loc[:i], item) or f"n° {part + 1}")
            else:
                model = model_at(Project, loc[:i]) or Project
                field = _field(model, part)
                parts.append(field.title if field is not None and field.title else str(part))
            node = node.get(part) if isinstance(node, dict) and isinstance(part, str) else (
                node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None)
        return " › ".join(parts)

    def _place_item(self, where: tuple, item: Any) -> str | None:
        """An item of the list at `where` by its name: its own, its partner's (a contribution), or the name
        of what an identifier in a list of references points to (a COPIL member)."""
        from ..model import Project
        from ..schema_errors import _field, model_at

        owner = model_at(Project, where)
        if isinstance(item, dict):
            known = isinstance(owner, type) and issubclass(owner, BaseModel) and natural_key(owner) not in (None, "id")
            return self.item_label(owner, item) if known else name_of(item)
        parent = model_at(Project, where[:-1]) if where and isinstance(where[-1], str) else None
        field = _field(parent, where[-1]) if parent is not None else None
        if isinstance(item, str) and field is not None:
            q = question(parent, next(n for n, f in parent.model_fields.items() if f is field))
            if q.reference:
                return dict(self.targets(q.reference)).get(item)
        return None

    def findings(self, *keys: str) -> list[tuple[bool, str, str]]:
        """(is an error, French sentence) of `ptms validate` for the sections `keys` of the working
        project: where (titles and names), what, and how to fix it; no code, no YAML key."""
        from pydantic import ValidationError

        from .. import checks
        from ..model import Project
        from ..schema_errors import _message

        out: list[tuple[bool, str, str]] = []
        try:
            project = Project.model_validate(self.data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
                if loc and loc[0] in keys:
                    text = {"missing": "réponse manquante", "extra_forbidden": "réponse inattendue"}.get(err["type"]) or _message(err)
                    out.append((True, f"{self.place(loc)} : {text}", str(loc[0])))
        else:
            for pb in checks.run(project, None):
                if pb.loc and pb.loc[0] in keys:
                    out.append((pb.code.startswith("PTMS-E"), f"{self.place(pb.loc)} : {pb.message}"
                                + (f" — {pb.hint}" if pb.hint else ""), str(pb.loc[0])))
        return out

    def review(self, *keys: str) -> list[str]:
        """Show the findings of sections `keys` (see `findings`); returns the sentences of the errors."""
        found = self.findings(*keys)
        for error, m, _ in found:
            self.say(f"  {'✗' if error else '⚠'} {m}", "red" if error else "yellow")
        return [m for error, m, _ in found if error]

    def project(self, data: dict | None = None):
        """The working project (or `data`) as a `Project`, or None while it does not validate."""
        from pydantic import ValidationError

        from ..model import Project

        try:
            return Project.model_validate(self.data if data is None else data)
        except ValidationError:
            return None
