"""Render the after-signature documents through the same engine and writers as `ptms render`:
`documents.render.render` (escaping, typographic pass, reproducible .docx), md by
`documents.export`, pdf/odt by LibreOffice, then `documents.pipeline.write_outputs` (atomic writes,
manifest, hand-edited files kept unless `force`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..documents import catalog
from ..documents.context import document_date
from ..documents.manifest import sha256
from ..documents.pipeline import Outcome, Output, project_templates_dir, typesetter, write_outputs
from ..documents.render import Properties, RenderError, read_template, render
from ..model import Project

FORMATS = ("docx", "md", "pdf", "odt")
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def reproducible_xlsx(data: bytes) -> bytes:
    """An openpyxl workbook made byte-reproducible: openpyxl stamps the save time into
    docProps/core.xml and the zip entries; both are fixed here (as `documents.render` does for .docx)."""
    import io
    import zipfile

    from ..documents.render import normalize_docx

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        entries = {n: src.read(n) for n in src.namelist()}
    if "docProps/core.xml" in entries:
        entries["docProps/core.xml"] = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", entries["docProps/core.xml"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name, value in entries.items():
            out.writestr(name, value)
    return normalize_docx(buf.getvalue())


@dataclass
class Doc:
    """One document to render: its catalogue entry (`catalog.FOLLOWUP`), file stem, title, context."""

    spec: catalog.DocSpec
    stem: str
    title: str
    context: dict
    images: dict = field(default_factory=dict)
    extra: dict[str, bytes] = field(default_factory=dict)  # other files written with it (name -> bytes)


def spec(name: str) -> catalog.DocSpec:
    return next(d for d in catalog.FOLLOWUP if d.name == name)


def render_and_write(docs: list[Doc], project: Project, project_file: Path, out_dir: Path, *,
                     formats: tuple[str, ...] = ("docx",), templates: Path | None = None, force: bool = False,
                     on_wait: Callable[[str], None] | None = None, extra: dict[str, bytes] | None = None,
                     extra_document: str = "", check: bool = False) -> Outcome:
    """Render `docs` in `formats` and write them into `out_dir` (nothing written on a render error),
    with the `extra` files (name -> bytes: a summary table…), recorded in the manifest as `extra_document`.
    `check`: write nothing; each file missing or different in `out_dir` is an error (« à régénérer »), as
    `ptms render --check` (pdf and odt, made by LibreOffice, are not reproducible: not compared)."""
    outcome = Outcome(Path(out_dir))
    outcome.formats = formats
    outcome.documents = tuple(dict.fromkeys(d.spec.name for d in docs))
    user_dir = templates if templates is not None else project_templates_dir(project, project_file)
    if user_dir is not None and not Path(user_dir).is_dir():
        outcome.errors.append(f"dossier de modèles introuvable : {user_dir}")
        return outcome
    try:
        project_hash = sha256(Path(project_file).read_bytes())
    except OSError:
        project_hash = ""
    rendered: list[tuple[Doc, bytes, dict]] = []
    for doc in docs:
        template, _ = catalog.template_path(doc.spec, user_dir)
        props = Properties(title=f"{doc.title} — {project.name}", author=project.name, subject=project.name,
                           date=document_date(project))
        try:
            data = render(template, doc.context, props, doc.images, finish=typesetter(doc.context))
        except RenderError as exc:
            outcome.errors.append(str(exc))
            continue
        sources = {"document": doc.spec.name, "generator": f"ptms {__version__}", "project": Path(project_file).name,
                   "project_sha256": project_hash, "template": template.name,
                   "template_sha256": read_template(template)[1]}
        rendered.append((doc, data, sources))
    if outcome.errors:
        return outcome
    chunk: list[Output] = []
    for doc, data, sources in rendered:
        if "docx" in formats:
            chunk.append(Output(f"{doc.stem}.docx", data, sources))
        if "md" in formats:
            from ..documents.export import docx_to_markdown

            chunk.append(Output(f"{doc.stem}.md", docx_to_markdown(data).encode("utf-8"), sources))
        chunk += [Output(name, extra, sources) for name, extra in doc.extra.items()]
    for fmt in [f for f in formats if f in catalog.CONVERTED]:
        from ..documents.converter import convert_documents

        files, errors = convert_documents({doc.stem: data for doc, data, _ in rendered}, fmt)
        outcome.errors += errors
        chunk += [Output(f"{doc.stem}.{fmt}", files[doc.stem], sources) for doc, _, sources in rendered
                  if doc.stem in files]
    if extra:
        sources = {"document": extra_document, "generator": f"ptms {__version__}", "project": Path(project_file).name,
                   "project_sha256": project_hash}
        chunk += [Output(name, data, sources) for name, data in extra.items()]
        outcome.documents += (extra_document,)
    outcome.planned = [o.name for o in chunk]
    if check:
        from ..documents.manifest import is_regular

        for o in chunk:
            if o.name.rsplit(".", 1)[-1] in catalog.CONVERTED:
                continue
            path = Path(out_dir) / o.name
            if not is_regular(path):
                outcome.errors.append(f"à régénérer : {path} (absent)")
            elif path.read_bytes() != o.data:
                outcome.errors.append(f"à régénérer : {path} (différent)")
            else:
                outcome.unchanged.append(path)
        return outcome
    write_outputs([chunk] if chunk else [], outcome, force, on_wait=on_wait)
    return outcome
