"""Render a project's documents into a directory: plan -> context -> docx -> md/pdf -> safe writes.

The Python API behind `ptms render` (and batch rendering): no display here, only an `Outcome`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..derived import Derived
from ..model import Project
from . import catalog
from .context import build_context, document_date, letter_context
from .export import docx_to_markdown
from .manifest import Manifest, sha256
from .render import Properties, RenderError, read_template, render

@dataclass
class Outcome:
    out_dir: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    protected: list[Path] = field(default_factory=list)  # hand-edited: not overwritten
    skipped: list[catalog.Skip] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outputs: list["Output"] = field(default_factory=list)  # what was rendered (in memory)

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

    images = {"contributions": contributions, "coverage": coverage_picture}
    assert set(images) == set(catalog.IMAGES)
    return images


def full_context(project: Project, derived: Derived | None = None) -> dict:
    """The template context of `project` (what `ptms context` prints); `derived`: see `build_context`."""
    return build_context(project, derived)


@dataclass
class Output:
    """One file to write: its name in the output directory, its bytes, and what it was made from."""

    name: str
    data: bytes
    sources: dict


def build_outputs(project: Project, project_file: Path, *, names: list[str] | None = None,
                  formats: tuple[str, ...] = ("docx",), templates: Path | None = None,
                  derived: Derived | None = None) -> Outcome:
    """Render in memory what `project` allows; nothing is written. `Outcome.outputs` holds the files.

    `templates`: a user template directory (else the project's `templates:`, else the defaults).
    `derived`: the funding plan and coverage matrix of `project` from its validation
    (`FileResult.derived`), so they are not computed again; else computed here.
    """
    outcome = Outcome(Path("."))
    the_plan = catalog.plan(project, names)
    outcome.skipped = the_plan.skipped
    if not the_plan.jobs:
        return outcome
    user_dir = templates if templates is not None else project_templates_dir(project, project_file)
    if user_dir is not None and not Path(user_dir).is_dir():
        outcome.errors.append(f"dossier de modèles introuvable : {user_dir}")
        return outcome
    derived = Derived.for_project(project, derived)
    context = full_context(project, derived)
    images = images_for(project, context, derived)
    try:
        project_hash = sha256(Path(project_file).read_bytes())
    except OSError:
        project_hash = ""
    author = context["lead"]["name"] if context.get("lead") else context["territory"]["name"]
    converted = [f for f in formats if f in catalog.CONVERTED]
    if converted:
        from .converter import prepare

        prepare()  # LibreOffice starts (once per process) while the documents are rendered
    rendered: list[tuple[str, bytes, dict]] = []
    for job in the_plan.jobs:
        template, _ = catalog.template_path(job.spec, user_dir)
        ctx = letter_context(context, job.partner) if job.partner else context
        props = Properties(title=f"{job.title} — {project.name}", author=author, subject=project.name,
                           date=document_date(project))
        try:
            data = render(template, ctx, props, images)
        except RenderError as exc:
            outcome.errors.append(str(exc))
            continue
        sources = {"document": job.spec.name, "generator": f"ptms {__version__}",
                   "project": Path(project_file).name, "project_sha256": project_hash,
                   "template": str(template.name), "template_sha256": read_template(template)[1]}
        rendered.append((job.stem, data, sources))
    for stem, data, sources in rendered:
        if "docx" in formats:
            outcome.outputs.append(Output(f"{stem}.docx", data, sources))
        if "md" in formats:
            outcome.outputs.append(Output(f"{stem}.md", docx_to_markdown(data).encode("utf-8"), sources))
    for fmt in converted if rendered else ():
        from .converter import convert_documents

        files, errors = convert_documents({stem: data for stem, data, _ in rendered}, fmt)
        outcome.errors += errors  # a document that fails does not stop the others
        outcome.outputs.extend(Output(f"{stem}.{fmt}", files[stem], sources)
                               for stem, _, sources in rendered if stem in files)
    return outcome


def render_documents(project: Project, project_file: Path, out_dir: Path, *, names: list[str] | None = None,
                     formats: tuple[str, ...] = ("docx",), templates: Path | None = None,
                     force: bool = False, derived: Derived | None = None) -> Outcome:
    """Render and write into `out_dir` (atomic writes, manifest; hand-edited files kept unless `force`)."""
    outcome = build_outputs(project, project_file, names=names, formats=formats, templates=templates,
                            derived=derived)
    outcome.out_dir = Path(out_dir)
    if outcome.outputs:
        write_outputs(outcome.outputs, outcome, force)
    return outcome


def write_outputs(outputs: list[Output], outcome: Outcome, force: bool) -> None:
    """Write `outputs` into `outcome.out_dir` (atomically) and update its manifest.

    A file changed since ptms wrote it (or not written by ptms) is kept unless `force`: it goes to
    `outcome.protected`. Unchanged files are not rewritten (`outcome.unchanged`).
    """
    from ..writing import write_atomic

    manifest = Manifest.load(outcome.out_dir)
    for out in outputs:
        name, data, sources = out.name, out.data, out.sources
        path = outcome.out_dir / name
        if not force and manifest.is_protected(name):
            outcome.protected.append(path)
            continue
        if path.is_file() and path.read_bytes() == data:
            outcome.unchanged.append(path)
        else:
            write_atomic(path, data)
            outcome.written.append(path)
        manifest.record(name, data, **sources)
    manifest.save()
