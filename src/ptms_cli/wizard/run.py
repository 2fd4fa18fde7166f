"""Run a wizard on a project file: interactive (a backend asks) or not (--answers / --no-input).

Nothing is written before the end: the working copy lives in memory, then the file is updated in
place through `yamledit` (comments and formatting of untouched parts kept) with one atomic write.
Ctrl-C (KeyboardInterrupt) anywhere before that leaves the file byte-identical.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import yamledit
from ..exitcodes import EXIT_FINDINGS as EXIT_FAILED  # noqa: F401
from ..exitcodes import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from ..frformat import plural
from ..model import SCHEMA_VERSION
from ..writing import write_atomic
from . import flows
from .engine import Engine

SCHEMA_FILE = "ptms.schema.json"
HEADER = [
    "Projet territorial de médiation sociale, créé avec « ptms init ».",
    "Étapes suivantes : « ptms mobilize », « ptms specify », « ptms convene » ; « ptms status » pour l'avancement.",
    "Vous pouvez aussi éditer ce fichier à la main : vos commentaires sont conservés.",
]


class Stop(Exception):
    """End of a wizard with a French message and an exit code (nothing written)."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- answers (non-interactive) ----------------------------------------------------------------

def read_answers(path: Path) -> dict:
    from ..loader import LoadError, load

    try:
        loaded = load(path)
    except LoadError as exc:
        raise Stop(EXIT_USAGE, f"fichier de réponses illisible : {exc.finding.location()}: {exc.finding.message}") from None
    if not isinstance(loaded.data, dict):
        raise Stop(EXIT_USAGE, f"{path}:1:1: le fichier de réponses doit contenir des clés du projet (ex. « partners: »)")
    from ..model import Project
    from .answers_where import Answers

    given = Answers(loaded)
    keys = {f.alias or n for n, f in Project.model_fields.items()}
    unknown = [k for k in loaded.data if k not in keys]
    if unknown:
        raise Stop(EXIT_USAGE, f"{given.at((unknown[0],), key=True)}: {'clés inconnues' if len(unknown) > 1 else 'clé inconnue'} : "
                               f"{', '.join(k if i == 0 else f'{k} ({given.at((k,), key=True)})' for i, k in enumerate(unknown))}. "
                               f"Clés possibles : {', '.join(keys)}.")
    return given


def merge_answers(old: Any, new: Any, model: Any = None) -> Any:
    """Answers over current values: mappings merged key by key, lists of items merged by their
    natural key (`questions.natural_key` of the item model: `id`, else `partner`, `sector`…);
    an answered item updates the item with the same key, a new key is appended, nothing is deleted."""
    from .questions import natural_key, submodel

    if model is None:
        from ..model import Project

        model = Project
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for k, v in new.items():
            out[k] = merge_answers(old.get(k), v, submodel(model, k) if model is not None and isinstance(k, str) else None)
        return out
    key = natural_key(model) if model is not None else None
    if key and isinstance(old, list) and isinstance(new, list) and all(isinstance(x, dict) and key in x for x in old + new):
        old_keys, new_keys = [x[key] for x in old], [x[key] for x in new]
        if len(set(old_keys)) == len(old_keys) and len(set(new_keys)) == len(new_keys):
            merged = list(old)
            index = {k: i for i, k in enumerate(old_keys)}
            for item in new:
                if item[key] in index:
                    merged[index[item[key]]] = merge_answers(merged[index[item[key]]], item, model)
                else:
                    merged.append(item)
            return merged
    return new


def owners(key: str) -> list[str]:
    """The step wizards whose sections include top-level key `key`."""
    return [name for name, keys in flows.KEYS.items() if name != "init" and key in keys]


def check_answer_keys(name: str, path: Path, given: dict, answers: Path) -> None:
    """A step wizard only takes answers for its own sections: the others belong to another command."""
    if name == "init":
        return
    foreign = [k for k in given if k not in flows.KEYS[name]]
    if not foreign:
        return
    at = given.at((foreign[0],), key=True) if hasattr(given, "at") else str(answers)  # answers_where.Answers
    lines = [f"{at}: {'clés' if len(foreign) > 1 else 'clé'} hors de l'étape {flows.STEP_NUMBER[name]} (« ptms {name} ») : "
             f"{', '.join(map(str, foreign))}. Rien n'a été écrit."]
    for k in foreign:
        elsewhere = owners(str(k)) or (["init"] if str(k) in flows.KEYS["init"] else [])
        if elsewhere:
            commands = " ou ".join(f"« ptms {w} {path}{' --force' if w == 'init' else ''} --answers … »" for w in elsewhere)
            lines.append(f"  - « {k} » : donnez-la avec {commands}")
        else:
            lines.append(f"  - « {k} » : éditez-la directement dans « {path} »")
    lines.append(f"« ptms {name} » accepte : {', '.join(flows.KEYS[name])}.")
    raise Stop(EXIT_USAGE, "\n".join(lines))


def missing_answers(name: str, data: dict, answers: Any = None) -> tuple[list[str], list[str]]:
    """(missing answers, invalid answers) of wizard `name` for the project `data`, in French; an
    answer of the file `answers` (`answers_where.Answers`) is located in it."""
    from pydantic import ValidationError

    from ..checks import missing_for_step
    from ..model import Project
    from ..schema_errors import _field, _message, model_at, path_text
    from .answers_where import locate

    missing: list[str] = []
    invalid: list[str] = []
    step = flows.STEP_NUMBER[name]
    try:
        project = Project.model_validate(data)
    except ValidationError:
        project = None
    if project is not None and step:
        missing += [what for at, what, _ in missing_for_step(project, step) if at == step]
    # an absent section the wizard asks is checked empty, to list its own required fields
    seeded = {**data, **{k: data.get(k) or {} for k in SEEDED.get(name, ())}}
    try:
        Project.model_validate(seeded)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
            if err["type"] == "missing":
                field = _field(model_at(Project, loc[:-1]) or Project, loc[-1]) if isinstance(loc[-1], str) else None
                found = locate(answers, data, loc[:-1]) if answers is not None and loc[:-1] else None
                where = f"{found[0]}: {path_text(found[1] + loc[-1:])}" if found else path_text(loc)
                text = f"{where} — {field.title}" if field is not None else where
                if field is not None and field.description:
                    text += f" ({field.description})"
                missing.append(text)
            elif err["type"] == "extra_forbidden":
                found = locate(answers, data, loc[:-1]) if answers is not None else None
                where = f"{answers.at(found[1] + loc[-1:], key=True)}: {path_text(found[1] + loc[-1:])}" if found else path_text(loc)
                invalid.append(f"{where} : clé inconnue")
            else:
                value = err.get("input")
                shown = "" if isinstance(value, (dict, list)) else f" (valeur « {value} »)"
                found = locate(answers, data, loc) if answers is not None else None
                where = f"{found[0]}: {path_text(found[1])}" if found else path_text(loc)
                invalid.append(f"{where} : {_message(err)}{shown}")
    return missing, invalid


SEEDED = {"init": ("territory", "period"), "specify": ("service",), "convene": ("governance",)}


# --- the run ----------------------------------------------------------------------------------

def open_target(name: str, path: Path, force: bool) -> yamledit.Document:
    from ..loader import LoadError, load

    if path.is_dir():
        raise Stop(EXIT_USAGE, f"« {path} » est un dossier : donnez un nom de fichier, ex. {path / 'projet.yaml'}")
    if name == "init":
        if path.exists() and not force:
            raise Stop(EXIT_FAILED, f"le fichier « {path} » existe déjà : « ptms init » ne l'écrase pas. "
                                    f"Reprenez-le avec « ptms mobilize {path} », ou relancez avec --force pour revoir "
                                    "les réponses de l'initialisation.")
        if not path.exists():
            return yamledit.Document(path, None)
    elif not path.exists():
        raise Stop(EXIT_USAGE, f"fichier « {path} » introuvable : créez d'abord le projet avec « ptms init {path} ».")
    try:
        load(path)
    except LoadError as exc:
        raise Stop(EXIT_USAGE, f"{exc.finding.location()}: {exc.finding.message} — corrigez le fichier "
                               f"(« ptms validate {path} ») avant de relancer l'assistant.") from None
    return yamledit.open_document(path)


def run(name: str, path: Path | str, console, backend_factory: Callable[[], Any] | None,
        answers: Path | None = None, force: bool = False, edit: str | None = None) -> int:
    """Run wizard `name`. `backend_factory` None means non-interactive. Returns the exit code.
    `edit`: a section of the step (`flows.EDITABLE`) opened at once; the step ends when it is left."""
    path = Path(path)
    base: dict = {}
    try:
        if edit is not None:
            check_edit(name, edit, interactive=backend_factory is not None)
        doc = open_target(name, path, force)
        data = doc.data()
        base = copy.deepcopy(data)
        if name == "init":
            data.setdefault("schema_version", SCHEMA_VERSION)
        keys = list(flows.KEYS[name])
        if answers is not None:
            given = read_answers(answers)
            check_answer_keys(name, path, given, answers)
            data = merge_answers(data, given)
            keys += [k for k in given if k not in keys]
        if backend_factory is None:
            missing, invalid = missing_answers(name, data, given if answers is not None else None)
            if missing or invalid:
                lines = [f"réponses manquantes ou invalides pour « ptms {name} {path} » :"]
                lines += [f"  - manque : {m}" for m in missing] + [f"  - invalide : {m}" for m in invalid]
                lines.append(f"Donnez-les dans un fichier YAML (mêmes clés que le projet) : "
                             f"« ptms {name} {path} --answers reponses.yaml », ou lancez la commande dans un terminal.")
                raise Stop(EXIT_USAGE, "\n".join(lines))
        else:
            from . import draft
            from .review import BACK, review

            engine = Engine(backend_factory(), console, data)
            engine.edit_section = edit
            engine.edit_mode = edit is not None
            if name != "init":
                resumed = draft.load(name, path)
                if resumed is not None and engine.b.confirm(
                        f"Reprendre le brouillon du {draft.when(resumed[1])} ?", default=True):
                    data.update({k: v for k, v in resumed[0].items() if k in keys})
                engine.autosave = lambda: autosave(engine, name, path, keys)
            while True:
                getattr(flows, name)(engine)
                # a removal with its uses (`Engine.confirm_removal`) may reach the sections of another step
                keys += [k for k in list(engine.data) + list(base) if k not in keys and engine.data.get(k) != base.get(k)]
                choice = review(engine, base, keys, str(path), name, ask=not engine.quitting)
                engine.quitting = False
                engine.edit_section, engine.edit_mode = None, False  # back from the review: the step's hub
                if choice != BACK:
                    break
            data = engine.data
            if not choice:
                draft.remove(name, path)
                console.print("Rien n'a été modifié.")
                return EXIT_OK
        doc = prepare(doc, data, keys)
        if answers is not None and not force:
            refuse_new_errors(doc, doc.text())
    except Stop as stop:
        _error_console(console).print(f"[red]Erreur :[/red] {_escape(stop.message)}")
        return stop.code
    except (KeyboardInterrupt, EOFError):  # Ctrl-C (or Ctrl-D) before the single write: the file is untouched
        from . import draft

        kept = backend_factory is not None and draft.draft_path(name, path).exists()
        _error_console(console).print("\nInterrompu : rien n'a été modifié." + (
            f" Vos réponses sont gardées dans le brouillon « {draft.draft_path(name, path).name} » : "
            f"relancez « ptms {name} {path} » pour le reprendre." if kept else ""))
        return EXIT_INTERRUPTED
    try:
        written = save(doc)
    except yamledit.Conflict as conflict:
        if backend_factory is not None:
            from . import draft

            draft.remove(name, path)  # the answers kept by `conflict_text` replace the draft of the session
        _error_console(console).print(f"[red]Erreur :[/red] {_escape(conflict_text(name, path, conflict, base, data, force))}",
                                      highlight=False)
        return EXIT_FAILED
    except OSError as exc:  # writing.WriteError (read-only file, rights, disk full…) or another OS error
        _error_console(console).print(f"[red]Erreur :[/red] {_escape(write_error_text(exc, path))}", highlight=False)
        return EXIT_FAILED
    if backend_factory is not None:
        from . import draft

        draft.remove(name, path)
    console.print(f"[green]✔[/green] {_escape(str(path))} {'enregistré' if written else 'inchangé'}.", highlight=False)
    try:
        return after_step(console, path, flows.STEP_NUMBER[name], engine.b if backend_factory else None)
    except KeyboardInterrupt:
        _error_console(console).print("\nInterrompu : le projet est enregistré, aucun document n'a été produit.")
        return EXIT_INTERRUPTED


def check_edit(name: str, edit: str, interactive: bool) -> None:
    """`--edit SECTION`: a section of this step's hub, in a terminal."""
    sections = flows.EDITABLE.get(name)
    if sections is None:
        raise Stop(EXIT_USAGE, f"« ptms {name} » n'a pas d'option --edit (elle sert aux étapes : mobilize, specify, convene).")
    if edit not in sections:
        raise Stop(EXIT_USAGE, f"--edit {edit} : section inconnue de « ptms {name} ». Sections possibles : "
                               f"{', '.join(sections)}.")
    if not interactive:
        raise Stop(EXIT_USAGE, "--edit ouvre une section dans l'assistant : il faut un terminal interactif "
                               "(sans --answers ni --no-input).")


def autosave(engine: Engine, name: str, path: Path, keys: list[str]) -> None:
    """Write the draft; a draft that cannot be written is said once and the wizard goes on."""
    from . import draft

    try:
        draft.save(name, path, engine.preview(), keys)
    except OSError as exc:
        if engine.autosave is not None:
            from ..writing import os_reason

            engine.say(f"Brouillon impossible à écrire ({os_reason(exc)}) : vos réponses ne sont gardées qu'à l'enregistrement.", "yellow")
            engine.autosave = None


_SAME = object()


def changes(old: Any, new: Any, model: Any, where: str, removed: list[str]) -> Any:
    """The answers that bring `old` to `new` through `merge_answers` (`_SAME` if nothing changed):
    changed keys only, list items by their natural key with only their changed fields. What answers
    cannot express (a removed key or item) is listed in `removed`."""
    from .questions import natural_key, submodel

    if old == new:
        return _SAME
    if isinstance(old, dict) and isinstance(new, dict):
        out = {}
        for k, v in new.items():
            sub = submodel(model, k) if model is not None and isinstance(k, str) else None
            c = changes(old[k], v, sub, f"{where}.{k}" if where else str(k), removed) if k in old else v
            if c is not _SAME:
                out[k] = c
        removed += [f"{where}.{k}" if where else str(k) for k in old if k not in new]
        return out or _SAME
    key = natural_key(model) if model is not None else None
    if key and isinstance(old, list) and isinstance(new, list) and all(isinstance(x, dict) and key in x for x in old + new):
        old_by = {x[key]: x for x in old}
        new_keys = [x[key] for x in new]
        if len(old_by) == len(old) and len(set(new_keys)) == len(new_keys):
            items: list = []
            for item in new:
                if item[key] in old_by:
                    c = changes(old_by[item[key]], item, model, f"{where}[{item[key]}]", removed)
                    if c is not _SAME:
                        items.append({key: item[key], **c})
                else:
                    items.append(item)
            removed += [f"{where}[{k}]" for k in old_by if k not in new_keys]
            return items or _SAME
    return new


def write_draft(name: str, path: Path, answers: dict, header: list[str]) -> Path:
    """Write `answers` next to the project in a new file (never over an existing one; O_EXCL does not
    follow a link). The name does not end in .yaml, so `ptms validate DOSSIER` does not take it for a project."""
    text = yamledit.plain_document(answers, header).encode("utf-8")
    for n in range(1, 1000):
        draft = path.with_name(f"{path.name}.brouillon-{name}" + (f"-{n}" if n > 1 else ""))
        try:
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        return draft
    raise FileExistsError(f"{path.name}.brouillon-{name}")


def conflict_text(name: str, path: Path, conflict: yamledit.Conflict, base: dict, data: dict, force: bool) -> str:
    """The French message of a refused save: the file on disk is kept, the wizard's answers go to a draft."""
    from ..model import Project

    removed: list[str] = []
    answers = changes(base, data, Project, "", removed)
    answers = {} if answers is _SAME else answers
    replay = f"ptms {name} {path}{' --force' if name == 'init' else ''} --answers"
    now = dt.datetime.now().strftime("%d/%m/%Y à %H:%M")
    header = [f"Réponses de « ptms {name} » non enregistrées le {now} : {conflict.reason}.",
              f"Pour les appliquer au fichier actuel : {replay} <ce fichier>"]
    if removed:
        header.append("Retraits non repris ici (à refaire) : " + ", ".join(removed))
    lines = [(f"« {path} » n'a pas été enregistré : {conflict.reason} (un autre assistant ou une modification "
              "à la main). Le fichier n'a pas été touché : cette autre version est conservée.")]
    try:
        draft = write_draft(name, path, answers, header)
    except OSError as exc:
        from ..writing import os_reason

        lines.append(f"Vos réponses n'ont pas pu être mises de côté ({os_reason(exc)}) ; les voici :")
        lines.append(yamledit.plain_document(answers, []).rstrip("\n"))
        return "\n".join(lines)
    lines.append(f"Vos réponses sont gardées dans « {draft} ». Pour les appliquer au fichier actuel : "
                 f"« {replay} {draft} »{' (--force si elles ajoutent des erreurs de validation)' if name != 'init' else ''}.")
    if removed:
        lines.append("À refaire ensuite (un fichier de réponses n'enlève rien) : retirer " + ", ".join(removed) + ".")
    return "\n".join(lines)


def write_error_text(exc: OSError, path: Path) -> str:
    """French message of a failed save: `writing.WriteError` has one; another OSError gets its reason."""
    from ..writing import WriteError, os_reason

    text = str(exc) if isinstance(exc, WriteError) else f"impossible d'écrire « {exc.filename or path} » : {os_reason(exc)}"
    return f"{text} ; rien n'a été modifié."


def error_keys(result) -> list[tuple[str, str, str]]:
    """The errors of a validation result, without their line numbers (which move when the file changes)."""
    return [(f.code, f.path, f.message) for f in result.findings if f.severity.value == "error"]


def refuse_new_errors(doc: yamledit.Document, text: str) -> None:
    """Answers must not bring validation errors the file did not have (`text` is the file to be
    written): refuse (exit 1) unless --force."""
    from collections import Counter

    from ..validation import validate_file, validate_text

    before = Counter(error_keys(validate_file(doc.path))) if doc.original is not None else Counter()
    after = validate_text(text, str(doc.path))
    count = Counter(error_keys(after))
    new = [f for f in after.findings if f.severity.value == "error"
           and count[(f.code, f.path, f.message)] > before[(f.code, f.path, f.message)]]
    if not new:
        return
    lines = [f"ces réponses ajouteraient {plural(len(new), 'erreur')} de validation à « {doc.path} » ; rien n'a été écrit :"]
    lines += [f"  - {f.location()}: {f.code} {f.message}" for f in new[:15]]
    if len(new) > 15:
        lines.append(f"  … et {plural(len(new) - 15, 'autre')}.")
    lines.append("Corrigez le fichier de réponses, ou relancez avec --force pour enregistrer quand même.")
    raise Stop(EXIT_FAILED, "\n".join(lines))


def _error_console(console):
    from rich.console import Console

    out = Console(stderr=True, highlight=False, no_color=console.no_color)
    out.soft_wrap = not out.is_terminal  # a terminal: lines wrapped at words, not cut mid-word by it
    return out


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def prepare(doc: yamledit.Document, data: dict, keys: list[str]) -> yamledit.Document:
    """The document to write: `doc` updated in place, or a new one (modeline, header, keys in the model's order)."""
    from ..model import Project

    order = [f.alias or n for n, f in Project.model_fields.items()]
    data = {k: data[k] for k in order if k in data} | {k: v for k, v in data.items() if k not in order}
    if doc.original is None:
        return yamledit.new_document(doc.path, data, HEADER, SCHEMA_FILE)
    doc.update(data, keys=keys)
    return doc


def save(doc: yamledit.Document) -> bool:
    """Write the prepared document (and, for a new file, the JSON Schema beside it)."""
    from ..jsonschema_export import project_schema

    if doc.original is None:
        schema = doc.path.parent / SCHEMA_FILE
        if not schema.exists():
            write_atomic(schema, (json.dumps(project_schema(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        doc.save()
        return True
    return doc.save()


def after_step(console, path: Path, step: int, backend=None) -> int:
    """Validation summary, progress, and the offer to produce the step's document."""
    from ..status import print_status
    from ..validation import validate_file

    result = validate_file(path)
    console.print()  # the findings were shown in French by the review, by section: no code, no YAML line here
    if result.project is not None:
        console.print()
        print_status(console, path, result, keys=False)
    if step:
        offer_render(console, path, step, result, backend)
    return EXIT_FAILED if result.errors else EXIT_OK


def offer_render(console, path: Path, step: int, result, backend) -> None:
    """Offer to render the step's documents (`ptms render` core), or say which command does it."""
    from ..documents import catalog
    from ..documents.pipeline import render_documents

    specs = [d for d in catalog.DOCUMENTS if d.step == step]
    command = f"ptms render {path} " + " ".join(f"--doc {d.name}" for d in specs)
    titles = ", ".join(d.title.lower() for d in specs)
    if result.project is None or result.errors:
        console.print(f"\nLe projet contient des erreurs : corrigez-les (« [bold]ptms validate {_escape(str(path))}[/bold] ») "
                      f"avant de produire les documents de l'étape {step}.", highlight=False)
        return
    from ..checks import missing_for_step

    missing = missing_for_step(result.project, step)
    skipped = catalog.plan(result.project, [d.name for d in specs]).skipped
    if missing or skipped:
        reasons = [what for _, what, _ in missing] + [f"{x.spec.title} : {x.reason}" for x in skipped]
        console.print(f"\nÉtape {step} incomplète, documents pas encore productibles — il manque : "
                      f"{_escape('; '.join(dict.fromkeys(reasons)))}. Complétez-la (« ptms status {_escape(str(path))} »).",
                      highlight=False)
        return
    if backend is None:
        console.print(f"\nPour produire les documents de l'étape {step} ({_escape(titles)}) : [bold]{_escape(command)}[/bold]",
                      highlight=False)
        return
    if not backend.confirm(f"Produire maintenant les documents de l'étape {step} ({titles}) ?", default=True):
        console.print(f"Plus tard : [bold]{_escape(command)}[/bold]", highlight=False)
        return
    out_dir = path.parent / f"{path.stem}-documents"
    outcome = render_documents(result.project, path, out_dir, names=[d.name for d in specs], own_dir=True)  # ptms named it: no link
    for written in outcome.written:
        console.print(f"écrit : {_escape(str(written))}", highlight=False)
    for same in outcome.unchanged:
        console.print(f"inchangé : {_escape(str(same))}", highlight=False)
    for kept in outcome.protected:
        console.print(f"[yellow]non écrasé (modifié à la main) : {_escape(str(kept))} — « {_escape(command)} --force »[/yellow]",
                      highlight=False)
    for skip in outcome.skipped:
        console.print(f"ignoré : {_escape(skip.spec.title)} — {_escape(skip.reason)}", highlight=False)
    for error in outcome.errors:
        console.print(f"[red]Erreur : {_escape(error)}[/red]", highlight=False)
