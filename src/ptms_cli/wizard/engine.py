"""The question engine: asks the fields of a model section, edits lists, reviews a section.

Works on plain data (the project as dicts and lists, as in the YAML); questions come from
`questions.question` (model metadata); every answer is checked as typed; after a section, the
cross-field checks of `ptms validate` run on the whole project and their messages are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from .. import referential
from ..model.refs import TARGETS
from .backend import Backend, GoBack
from .forms import hint
from .frinput import FrInputError, parse_amount
from .questions import NONE_LABEL, Question, parse_text, question, show, slug

NAMING = ("name", "label", "title", "statement")
DESCRIBE = ("name", "label", "title", "partner", "sector", "field", "statement", "since", "date", "days", "start", "id")


# Questions that only apply to some items: "Model.field" -> rule on the answers of the item so far.
APPLIES: dict[str, Callable[[dict], bool]] = {
    "Post.aid_rate": lambda post: post.get("contract") == "pec",
    "Post.aid_hours_per_week": lambda post: post.get("contract") == "pec",
}


def name_of(item: dict) -> str:
    """What a user calls an item: its name (label, title, statement), its identifier only without one."""
    text = next((str(item[k]) for k in NAMING if item.get(k)), None) or (describe(item) if item else "(sans nom)")
    return text if len(text) <= 70 else text[:69] + "…"


def describe(item: dict) -> str:
    """A short French label of a list item, for menus."""
    keys = [k for k in DESCRIBE if k != "id"] if any(item.get(k) for k in NAMING) else DESCRIBE  # a name, never its id
    parts = [show(item[k]) for k in keys if item.get(k) not in (None, "")][:2]
    text = " — ".join(parts) or "(sans nom)"
    return text if len(text) <= 70 else text[:69] + "…"


class Engine:
    def __init__(self, backend: Backend, console, data: dict):
        self.b = backend
        self.console = console
        self.data = data  # the whole project, plain values; sections are edited in place
        self.after_change: Callable[[], None] | None = None
        self.required: set[str] = set()  # "Model.field" lists that must not stay empty: « Ajouter » first
        self.defaults: dict[str, Callable[[], Any]] = {}  # "Model.field" -> default answer of a new item
        # "Model.field" -> does the question apply, given the answers of the item so far (else not asked, value kept)
        self.applies: dict[str, Callable[[dict], bool]] = dict(APPLIES)
        self.autosave: Callable[[], None] | None = None  # writes the draft (`draft.save`) after each item and section
        self.in_hub = False  # a step's hub shows each section's state: no « Revenir » question after a section
        # The answers being given, section -> sub-section -> list, for a live preview (see `preview`).
        self.frames: list[list] = []

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
            return self.b.checkbox(q.title, choices, default=list(start or []))
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
               taken: set[str] | frozenset[str] = frozenset(), defaults: dict | None = None) -> dict:
        """Ask `names` (default: every field) of `model`; keys not asked are kept as they are."""
        names = list(names or model.model_fields)
        if "id" in names:  # ask the name first, then propose an identifier made from it
            naming = next((n for n in NAMING if n in names), None)
            if naming and names.index("id") < names.index(naming):
                at = names.index("id")
                names.remove(naming)
                names[at:at + 1] = [naming, "id"]
        result = dict(current)
        self._attach(result)
        defaults = dict(defaults or {})
        for name in names:
            q = question(model, name)
            rule = self.applies.get(f"{model.__name__}.{name}")
            if rule is not None and not rule(result):
                continue
            if q.reference and q.optional and q.reference != "fields" and not self.targets(q.reference) and result.get(q.key) in (None, []):
                continue  # nothing to choose from (the first post cannot continue another one)
            default = defaults.get(q.key)
            extra = None
            if name == "id":
                naming = next((n for n in NAMING if n in result), None)
                if default is None and naming and isinstance(result.get(naming), str):
                    default = slug(result[naming])
                extra = (lambda v: f"identifiant « {v} » déjà utilisé" if v in taken else None)  # noqa: E731 (a closure over `taken`)
            if default is None and f"{model.__name__}.{name}" in self.defaults:
                default = self.defaults[f"{model.__name__}.{name}"]()
            if q.kind == "models":
                self.frames.append([q.key, None])
            try:
                value = self.ask(q, result.get(q.key), default=default, extra=extra)
            finally:
                if q.kind == "models":
                    self.frames.pop()
            self._store(result, q, value, had=q.key in current)
            self.changed()
        # keys already in the file keep their place; new ones follow the model's order
        order = [k for k in current if k in result]
        order += [f.alias or n for n, f in model.model_fields.items() if (f.alias or n) in result and (f.alias or n) not in order]
        order += [k for k in result if k not in order]
        return {k: result[k] for k in order}

    @staticmethod
    def _store(result: dict, q: Question, value: Any, had: bool) -> None:
        if value is None or (not had and (value == q.default or value in ([], {}))):
            result.pop(q.key, None)
        else:
            result[q.key] = value

    # --- a list of models -------------------------------------------------------------------------
    def edit_list(self, q: Question, items: list, show_items: Callable[[list], None] | None = None,
                  names: list[str] | None = None, required: bool = False) -> list:
        """Menu: add, edit or remove items until « Terminer »."""
        items = [dict(x) for x in items]
        self._attach(items)
        self.heading(q.title)
        if q.help:
            self.say(q.help, "dim")
        while True:
            if show_items:
                show_items(items)
            elif items:
                for x in items:
                    self.say(f"  • {describe(x)}")
            choices: list[tuple[Any, str]] = [("add", "Ajouter")]
            choices += [(("edit", i), f"Modifier : {describe(x)}") for i, x in enumerate(items)]
            choices += [(("remove", i), f"Retirer : {describe(x)}") for i, x in enumerate(items)]
            choices.append(("done", "Terminer"))
            choices.append(("back", "← Retour (sans garder les changements)"))
            action = self.b.select(f"{q.title} : que faire ?", choices, default="add" if not items and (required or f"{q.model.__name__}.{q.name}" in self.required) else "done")
            if action == "done":
                return items
            if action == "back":
                raise GoBack
            ids = {x.get("id") for x in items if x.get("id")}
            try:
                if action == "add":
                    items.append(self.fields(q.inner, {}, names=names, taken=ids))
                elif action[0] == "edit":
                    i = action[1]
                    items[i] = self.edit_item(q, items[i], names=names, taken=ids - {items[i].get("id")})
                else:
                    i = action[1]
                    if self.confirm_removal(items, i):
                        del items[i]
            except GoBack:
                self.say("Retour : cet élément n'a pas été modifié.", "dim")
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
        self.say(f"« {name_of(item)} » est utilisé à {len(uses)} endroit(s) :", "yellow")
        for loc, _ in uses:
            self.say(f"  – {self.place(loc)}")
        choice = self.b.select(f"Retirer « {name_of(item)} » ?", [
            ("cancel", "Annuler (ne rien retirer)"),
            ("cascade", f"Retirer « {name_of(item)} » et ces {len(uses)} usage(s)")], default="cancel")
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

    def value_text(self, q: Question, value: Any) -> str:
        """A current value in words, for the menu of an item's fields."""
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
            text = f"{len(value)} élément(s)"
        elif q.kind == "years":
            text = ", ".join(f"{y} : {show(v, 'amount')}" for y, v in sorted(value.items()))
        else:
            text = show(value, q.form)
        return text if len(text) <= 40 else text[:39] + "…"

    def edit_item(self, q: Question, item: dict, names: list[str] | None = None,
                  taken: set[str] | frozenset[str] = frozenset()) -> dict:
        """An item's fields with their current values: pick the one to change, « Valider » keeps the
        changes, « ← Retour » (or Échap) leaves the item as it was."""
        model = q.inner
        item = dict(item)
        fields = [n for n in (names or list(model.model_fields)) if n != "id" and question(model, n).kind != "skip"]
        while True:
            choices: list[tuple[Any, str]] = []
            for n in fields:
                fq = question(model, n)
                rule = self.applies.get(f"{model.__name__}.{n}")
                if rule is not None and not rule(item):
                    continue
                choices.append((n, f"{fq.title} : {self.value_text(fq, item.get(fq.key))}"))
            choices += [("done", "✔ Valider cet élément"), ("back", "← Retour (sans garder)")]
            pick = self.b.select(f"{name_of(item)} : quel champ modifier ?", choices, default="done")
            if pick == "done":
                return item
            if pick == "back":
                raise GoBack
            item = self.fields(model, item, names=[pick], taken=taken)

    # --- a top-level section ------------------------------------------------------------------------
    def section(self, key: str, ask: Callable[[], Any], again: bool | None = None) -> None:
        """Ask a section, then show the cross-field problems found in it; with `again` (default: outside
        a hub), offer to go back to it while it has errors."""
        again = not self.in_hub if again is None else again
        while True:
            self.frames = [[key, None]]
            try:
                value = ask()
            finally:
                self.frames = []
            if value is None or value in ([], {}):
                self.data.pop(key, None)
            else:
                self.data[key] = value
            self.changed()
            errors = self.review(key)
            if not again or not errors or not self.b.confirm("Revenir sur cette section pour corriger les erreurs ?", default=True):
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
                parts.append(name_of(item) if isinstance(item, dict) else f"n° {part + 1}")
            else:
                model = model_at(Project, loc[:i]) or Project
                field = _field(model, part)
                parts.append(field.title if field is not None and field.title else str(part))
            node = node.get(part) if isinstance(node, dict) and isinstance(part, str) else (
                node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None)
        return " › ".join(parts)

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
