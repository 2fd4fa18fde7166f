"""Check user templates before rendering: split tags, malformed tags, unknown variables.

Word often splits a typed `{{ tag }}` over several runs (spell-checking, a formatting change): the
tag then hides in the XML. We report such tags so the author retypes them in one go, tags Jinja
cannot parse, and top-level variables the context does not provide. With a project, each template
is also rendered for real (StrictUndefined), which catches misspelled attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError, meta
from lxml import etree

from . import catalog
from .render import RenderError, environment, nesting_problem, parse_xml, patch_xml, read_entries

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OPEN_CLOSE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_STRAY = re.compile(r"\{\{|\}\}|\{%|%\}")


@dataclass(frozen=True)
class TemplateProblem:
    template: str
    kind: str  # "split", "malformed", "unknown", "render"
    message: str


def _parts(data: bytes, name: str) -> list[tuple[str, bytes]]:
    """The parts that hold tags; RenderError (French) for a zip that is not safe to read, a part
    that is not well-formed XML or declares a DTD."""
    entries = read_entries(data, name)
    names = sorted(n for n in entries if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml", n))
    for part in names:
        try:
            parse_xml(entries[part])
        except etree.XMLSyntaxError as exc:
            raise RenderError(f"modèle « {name} » : document Word illisible (XML invalide dans {part} : {exc})") from None
    return [(n, entries[n]) for n in names]


def _paragraph_runs(xml: bytes) -> list[list[str]]:
    """For each paragraph, the texts of its w:t elements in order."""
    root = parse_xml(xml)
    out = []
    for p in root.iter(f"{_W}p"):
        out.append([t.text or "" for t in p.iter(f"{_W}t")])
    return out


def _split_and_stray(name: str, xml: bytes) -> list[TemplateProblem]:
    problems = []
    for runs in _paragraph_runs(xml):
        text = "".join(runs)
        if not any(c in text for c in "{}%"):
            continue
        bounds, pos = [], 0
        for r in runs:
            pos += len(r)
            bounds.append(pos)
        for m in _OPEN_CLOSE.finditer(text):
            if any(m.start() < b < m.end() for b in bounds[:-1]):
                problems.append(TemplateProblem(name, "split", f"balise coupée en plusieurs morceaux par Word : "
                                                f"« {m.group(0)} » — retapez-la d'un seul tenant"))
        rest = _OPEN_CLOSE.sub("", text)
        for m in _STRAY.finditer(rest):
            snippet = rest[max(0, m.start() - 20): m.end() + 20].strip()
            problems.append(TemplateProblem(name, "malformed", f"balise mal formée ou incomplète « {m.group(0)} » "
                                            f"près de « {snippet} »"))
        for m in _OPEN_CLOSE.finditer(text):
            if re.search(r"[“”‘’]", m.group(0)):
                problems.append(TemplateProblem(name, "malformed", f"guillemets typographiques dans la balise "
                                                f"« {m.group(0)} » : utilisez \" ou '"))
    return problems


def check_template(path: Path, known: set[str]) -> list[TemplateProblem]:
    """Problems of one template file; `known`: top-level names the context provides."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        from ..writing import os_reason

        return [TemplateProblem(name, "malformed", f"fichier illisible ({os_reason(exc)})")]
    try:
        parts = _parts(data, name)
    except RenderError as exc:
        return [TemplateProblem(name, "malformed", str(exc))]
    problems: list[TemplateProblem] = []
    for _, xml in parts:
        problems += _split_and_stray(name, xml)
    env = environment()
    used: set[str] = set()
    for part, xml in parts:
        source = patch_xml(xml.decode("utf-8"))
        try:
            used |= meta.find_undeclared_variables(env.parse(source))
            problem = nesting_problem(source)
            if problem:
                problems.append(TemplateProblem(name, "malformed", problem))
        except TemplateSyntaxError as exc:
            lines = source.splitlines()
            where = re.sub(r"<[^>]+>", "", lines[exc.lineno - 1]).strip()[:80] if 0 < (exc.lineno or 0) <= len(lines) else ""
            problems.append(TemplateProblem(name, "malformed", f"balise mal formée ({exc.message})"
                                            + (f" dans « {where} »" if where else "")))
    for var in sorted(used - known):
        problems.append(TemplateProblem(name, "unknown", f"variable « {var} » absente du contexte"
                                        " (voir « ptms context FICHIER »)"))
    return problems


def minimal_context() -> dict:
    """The context of the smallest valid project: its keys are the names every template can use."""
    from ..model import SCHEMA_VERSION, Project
    from .context import build_context

    project = Project.model_validate(
        {"schema_version": SCHEMA_VERSION, "name": "Projet", "territory": {"name": "Territoire", "kind": "commune"}})
    return build_context(project)


def known_names(context: dict, template_name: str) -> set[str]:
    names = set(context) | {"images"}
    if any(d.per_partner and d.template == template_name for d in catalog.DOCUMENTS):
        names.update(("partner", "letter"))
    for d in catalog.FOLLOWUP:  # after signature: what `ptms amend|calls|report` add (avenant, call, report)
        if d.template == template_name:
            names.update(d.context)
    return names


def check_directory(directory: Path, context: dict, project=None) -> tuple[list[Path], list[TemplateProblem], list[str]]:
    """Check every .docx of `directory`; with a project, also render each one (nothing is written).

    Returns (files, problems, notes); a note says when a trial render was not possible (the
    project has not reached the document's step).
    """
    from ..checks import missing_for_step
    from .render import Properties, render

    files = sorted(p for p in Path(directory).glob("*.docx") if not p.name.startswith("~$"))
    problems: list[TemplateProblem] = []
    notes: list[str] = []
    steps = {d.template: d.step for d in catalog.DOCUMENTS}
    for path in files:
        found = check_template(path, known_names(context, path.name))
        problems += found
        step = steps.get(path.name)
        followup = next((d for d in catalog.FOLLOWUP if d.template == path.name), None)
        if project is not None and followup is not None:
            notes.append(f"{path.name} : rendu d'essai avec « ptms {followup.command} FICHIER --templates {directory} »")
            continue
        if project is not None and step and missing_for_step(project, step):
            notes.append(f"{path.name} : rendu d'essai non fait, le projet n'a pas terminé l'étape {step}")
            continue
        if project is not None and not any(p.kind == "malformed" for p in found):
            ctx = dict(context)
            if "partner" in known_names(context, path.name) and context.get("partners"):
                from .context import letter_context

                ctx = letter_context(context, context["partners"][0]["id"])
            try:
                render(path, ctx, Properties(title=path.stem, author="ptms"), dict.fromkeys(catalog.IMAGES))
            except RenderError as exc:
                problems.append(TemplateProblem(path.name, "render", str(exc)))
    return files, problems, notes
