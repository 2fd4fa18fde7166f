"""Render a project's documents into a directory: plan -> context -> docx -> md/pdf -> safe writes.

The Python API behind `ptms render` (and batch rendering): no display here, only an `Outcome`.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..derived import Derived
from ..model import Project
from . import catalog
from .context import build_context, document_date, letter_context
from .export import docx_to_markdown
from .manifest import Folder, Manifest, is_regular, sha256
from .render import Properties, RenderError, read_template, render

CHUNK = 100  # documents rendered, then journaled and written, at a time: memory stays flat with their number


@dataclass
class Outcome:
    out_dir: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    protected: list[Path] = field(default_factory=list)  # hand-edited: not overwritten
    skipped: list[catalog.Skip] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)  # every file name the plan allows (documents x formats)
    documents: tuple[str, ...] = ()  # the documents asked (`--doc`), all by default
    formats: tuple[str, ...] = ("docx",)
    orphans: list[Path] = field(default_factory=list)  # ptms's files no longer produced (removed partner...)
    pruned: list[Path] = field(default_factory=list)  # orphans removed (--prune)
    write_seconds: float = 0.0  # of the time in `write_outputs`, what writing took (rendering is interleaved)

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.protected)


def project_templates_dir(project: Project, project_file: Path) -> Path | None:
    """The template directory named in the project file (`templates:`), relative to that file."""
    if not project.templates:
        return None
    return (Path(project_file).parent / project.templates).resolve()


def images_for(project: Project, context: dict, derived: Derived | None = None) -> dict:
    """The pictures every template may use under `images`: {name: function -> PNG bytes or None}.

    Each is drawn at most once per project, and only if a template uses it. `derived`: as for
    `build_context` (the coverage matrix already computed).
    """
    derived = Derived.for_project(project, derived)
    from functools import cache

    @cache
    def contributions():
        from .charts import contributions_png

        return contributions_png(context["funding"]) if context.get("funding") else None

    @cache
    def coverage_picture():
        from .. import coverage

        if not context["coverage"]["cells"]:
            return None
        # step 1: the situation without the project; once the service is specified, both views
        return coverage.coverage_png(project, "both" if project.service else "before", matrix=derived.coverage)

    @cache
    def coverage_before():  # step-1 documents: today's coverage only
        from .. import coverage

        if not context["coverage"]["cells"]:
            return None
        return coverage.coverage_png(project, "before", matrix=derived.coverage)

    images = {"contributions": contributions, "coverage": coverage_picture, "coverage_before": coverage_before}
    assert set(images) == set(catalog.IMAGES)
    return images


def typesetter(context: dict) -> Callable[[Any], None]:
    """What every rendered part goes through: French typography, pictures' text alternatives."""
    from .typeset_docx import typeset_tree

    alt = {k: v["alt"] for k, v in (context.get("pictures") or {}).items() if isinstance(v, dict) and v.get("alt")}
    return lambda tree: typeset_tree(tree, alt)


def full_context(project: Project, derived: Derived | None = None) -> dict:
    """The template context of `project` (what `ptms context` prints); `derived`: see `build_context`."""
    return build_context(project, derived)


@dataclass
class Output:
    """One file to write: its name in the output directory, its bytes, and what it was made from."""

    name: str
    data: bytes
    sources: dict


def iter_outputs(project: Project, project_file: Path, outcome: Outcome, *, names: list[str] | None = None,
                 formats: tuple[str, ...] = ("docx",), templates: Path | None = None,
                 derived: Derived | None = None) -> Iterator[list[Output]]:
    """Render what `project` allows, `CHUNK` documents at a time (each in every format asked);
    nothing is written. Fills `outcome.skipped`, `.errors`, `.planned`.

    `templates`: a user template directory (else the project's `templates:`, else the defaults).
    `derived`: the funding plan and coverage matrix of `project` from its validation
    (`FileResult.derived`), so they are not computed again; else computed here.
    """
    outcome.formats = formats
    try:
        the_plan = catalog.plan(project, names)
    except catalog.PlanError as exc:
        outcome.errors.append(str(exc))
        return  # no plan: no orphan either (`documents` stays empty)
    outcome.documents = tuple(names) if names else tuple(d.name for d in catalog.DOCUMENTS)
    outcome.skipped = the_plan.skipped
    outcome.planned = [f"{job.stem}.{fmt}" for job in the_plan.jobs for fmt in formats]
    if not the_plan.jobs:
        return
    user_dir = templates if templates is not None else project_templates_dir(project, project_file)
    if user_dir is not None and not Path(user_dir).is_dir():
        outcome.errors.append(f"dossier de modèles introuvable : {user_dir}")
        return
    derived = Derived.for_project(project, derived)
    context = full_context(project, derived)
    images = images_for(project, context, derived)
    try:
        project_hash = sha256(Path(project_file).read_bytes())
    except OSError:
        project_hash = ""
    author = context["lead"]["name"] if context.get("lead") else context["territory"]["name"]
    finish = typesetter(context)
    converted = [f for f in formats if f in catalog.CONVERTED]
    if converted:
        from .converter import prepare

        prepare()  # LibreOffice starts (once per process) while the documents are rendered
    for start in range(0, len(the_plan.jobs), CHUNK):
        pieces = [Piece(job.spec, job.stem, job.title,
                        letter_context(context, job.partner) if job.partner else context, images)
                  for job in the_plan.jobs[start:start + CHUNK]]
        chunk = render_pieces(pieces, project, project_file, outcome, formats=formats, user_dir=user_dir,
                              author=author, project_hash=project_hash, finish=finish)
        if chunk:
            yield chunk


@dataclass
class Piece:
    """One document to render: its catalogue entry, file stem, title, context and pictures, and the
    other files written with it (name -> bytes)."""

    spec: catalog.DocSpec
    stem: str
    title: str
    context: dict
    images: dict = field(default_factory=dict)
    extra: dict[str, bytes] = field(default_factory=dict)


def render_pieces(pieces: list[Piece], project: Project, project_file: Path, outcome: Outcome, *,
                  formats: tuple[str, ...], user_dir: Path | None, author: str, project_hash: str,
                  finish: Callable[[Any], None] | None = None) -> list[Output]:
    """The one render loop: each piece through the engine (escaping, `finish` = the typographic pass,
    else `typesetter` of its context), in each format asked, with its sources for the manifest.
    A render error goes to `outcome.errors` (the others go on)."""
    rendered: list[tuple[Piece, bytes, dict]] = []
    for piece in pieces:
        template, _ = catalog.template_path(piece.spec, user_dir)
        props = Properties(title=f"{piece.title} — {project.name}", author=author, subject=project.name,
                           date=document_date(project))
        try:
            data = render(template, piece.context, props, piece.images,
                          finish=finish or typesetter(piece.context))
        except RenderError as exc:
            outcome.errors.append(str(exc))
            continue
        sources = {"document": piece.spec.name, "generator": f"ptms {__version__}",
                   "project": Path(project_file).name, "project_sha256": project_hash,
                   "template": str(template.name), "template_sha256": read_template(template)[1]}
        rendered.append((piece, data, sources))
    chunk: list[Output] = []
    for piece, data, sources in rendered:
        if "docx" in formats:
            chunk.append(Output(f"{piece.stem}.docx", data, sources))
        if "md" in formats:
            chunk.append(Output(f"{piece.stem}.md", docx_to_markdown(data).encode("utf-8"), sources))
        chunk.extend(Output(name, extra, sources) for name, extra in piece.extra.items())
    for fmt in [f for f in formats if f in catalog.CONVERTED] if rendered else ():
        from .converter import convert_documents

        files, errors = convert_documents({piece.stem: data for piece, data, _ in rendered}, fmt)
        outcome.errors += errors  # a document that fails does not stop the others
        chunk.extend(Output(f"{piece.stem}.{fmt}", files[piece.stem], sources)
                     for piece, _, sources in rendered if piece.stem in files)
    return chunk


def compare_outputs(chunks: Iterable[list[Output]], out_dir: Path, formats: tuple[str, ...]) -> tuple[list[str], list[str], bool]:
    """`--check`: each output compared byte for byte with the file in `out_dir`; nothing written.
    PDF and ODT (LibreOffice, not reproducible) are only required to exist beside their .docx.
    Returns (missing, different, anything produced)."""
    from .manifest import _read_regular

    missing: list[str] = []
    differs: list[str] = []
    produced = False
    for chunk in chunks:
        for out in chunk:
            produced = True
            path = Path(out_dir) / out.name
            for fmt in catalog.CONVERTED if out.name.endswith(".docx") else ():
                converted = out.name.removesuffix(".docx") + "." + fmt  # must be there (not compared)
                if fmt in formats and not (Path(out_dir) / converted).is_file():
                    missing.append(converted)
            if path.suffix.lstrip(".") not in formats and path.suffix.lstrip(".") in catalog.FORMATS:
                continue
            data = _read_regular(path)
            if data is None:
                missing.append(out.name)
            elif data != out.data:
                differs.append(out.name)
    return missing, differs, produced


def render_documents(project: Project, project_file: Path, out_dir: Path, *, names: list[str] | None = None,
                     formats: tuple[str, ...] = ("docx",), templates: Path | None = None,
                     force: bool = False, derived: Derived | None = None, prune: bool = False,
                     own_dir: bool = False, on_wait: Callable[[str], None] | None = None) -> Outcome:
    """Render and write into `out_dir` as documents come (atomic writes, journaled manifest, folder
    locked; hand-edited files kept unless `force`). `prune`: remove the orphans (see `write_outputs`).
    `own_dir`, `on_wait`: see `manifest.Folder`."""
    outcome = Outcome(Path(out_dir))
    chunks = iter_outputs(project, project_file, outcome, names=names, formats=formats, templates=templates,
                          derived=derived)
    write_outputs(chunks, outcome, force, prune=prune, own_dir=own_dir, on_wait=on_wait)
    return outcome


def write_outputs(chunks: Iterable[list[Output]], outcome: Outcome, force: bool, *, prune: bool = False,
                  own_dir: bool = False, on_wait: Callable[[str], None] | None = None) -> None:
    """See `_write_outputs`. An OSError (disk full, rights…) stops the writing and goes up with
    `outcome` attached (`exc.outcome`): what was written before it, for the command to say."""
    try:
        _write_outputs(chunks, outcome, force, prune=prune, own_dir=own_dir, on_wait=on_wait)
    except OSError as exc:
        exc.outcome = outcome  # type: ignore[attr-defined]
        raise


def _write_outputs(chunks: Iterable[list[Output]], outcome: Outcome, force: bool, *, prune: bool = False,
                   own_dir: bool = False, on_wait: Callable[[str], None] | None = None) -> None:
    """Write the outputs of `chunks` into `outcome.out_dir` as they come, and keep its manifest.

    The folder is locked; each chunk's new entries are journaled before its files are replaced
    (`manifest.Folder`). A file changed since ptms wrote it (or not written by ptms) is kept unless
    `force`: it goes to `outcome.protected`; a symbolic link is never written through (an error).
    Unchanged files are not rewritten (`outcome.unchanged`). Afterwards the files ptms wrote there
    earlier for the documents and formats asked but that the plan no longer has are
    `outcome.orphans`; `prune` removes those still as ptms wrote them (`outcome.pruned`).
    """
    from ..writing import WriteError, check_target, write_atomic

    out_dir = outcome.out_dir
    chunks = iter(chunks)
    first = next(chunks, None)  # renders the first documents (and makes the plan)
    if first is None and not prune:  # nothing to write: no folder created, orphans only reported
        if outcome.documents and out_dir.is_dir():
            find_orphans(Manifest.load(out_dir), outcome)
        return
    chunks = itertools.chain([first] if first else [], chunks)
    with Folder(out_dir, own_dir=own_dir, on_wait=on_wait) as folder:
        manifest = folder.manifest
        for chunk in chunks:
            t0 = time.perf_counter()
            todo: list[Output] = []
            for out in chunk:
                path = out_dir / out.name
                try:
                    check_target(path)  # a link, pipe or folder planted here is never written through
                except WriteError as exc:
                    outcome.errors.append(str(exc))
                    continue
                if not force and manifest.is_protected(out.name):
                    outcome.protected.append(path)
                elif is_regular(path) and path.read_bytes() == out.data:
                    outcome.unchanged.append(path)
                    manifest.record(out.name, out.data, **out.sources)
                else:
                    todo.append(out)
            folder.journal([(out.name, manifest.entry(out.name, out.data, **out.sources)) for out in todo])
            for out in todo:
                path = out_dir / out.name
                write_atomic(path, out.data)
                outcome.written.append(path)
                manifest.record(out.name, out.data, **out.sources)
            outcome.write_seconds += time.perf_counter() - t0
        find_orphans(manifest, outcome)
        if prune:
            for path in outcome.orphans:
                if manifest.is_protected(path.name):
                    outcome.protected.append(path)
                    continue
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
                manifest.files.pop(path.name, None)
                outcome.pruned.append(path)


def find_orphans(manifest: Manifest, outcome: Outcome) -> None:
    """Files of `manifest` for the documents and formats of `outcome` that its plan no longer has
    and that are still on disk (the letter of a removed partner...): `outcome.orphans`."""
    planned = set(outcome.planned)
    outcome.orphans = [manifest.directory / name for name, entry in sorted(manifest.files.items())
                       if name not in planned and entry.get("document") in outcome.documents
                       and name.rsplit(".", 1)[-1] in outcome.formats and is_regular(manifest.directory / name)]
