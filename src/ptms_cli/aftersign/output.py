"""Render the after-signature documents through the pipeline of `ptms render`: the same render
loop (`documents.pipeline.render_pieces`: engine, escaping, typographic pass, md/pdf/odt), the same
writes (`write_outputs`: atomic, manifest, hand-edited files kept unless `force`) and the same
`--check` (`compare_outputs`). This module only adds the extra files (summary tables, HTML page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .. import __version__
from ..documents import catalog
from ..documents.manifest import sha256
from ..documents.pipeline import Outcome, Output, Piece, compare_outputs, project_templates_dir, render_pieces, write_outputs
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


Doc = Piece  # one document to render (`catalog.FOLLOWUP` entry, stem, title, context, images, extra files)


def spec(name: str) -> catalog.DocSpec:
    return next(d for d in catalog.FOLLOWUP if d.name == name)


def render_and_write(docs: list[Doc], project: Project, project_file: Path, out_dir: Path, *,
                     formats: tuple[str, ...] = ("docx",), templates: Path | None = None, force: bool = False,
                     on_wait: Callable[[str], None] | None = None, extra: dict[str, bytes] | None = None,
                     extra_document: str = "", check: bool = False) -> Outcome:
    """Render `docs` in `formats` and write them into `out_dir` (nothing written on a render error),
    with the `extra` files (name -> bytes: a summary table…), recorded in the manifest as `extra_document`.
    `check`: write nothing; each file missing or different in `out_dir` is an error (« à régénérer »), as
    `ptms render --check` (pdf and odt, made by LibreOffice, are not reproducible: only required to exist)."""
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
    made = (tuple(f for f in formats if f not in catalog.CONVERTED) or ("docx",)) if check else formats
    chunk = render_pieces(docs, project, project_file, outcome, formats=made, user_dir=user_dir,
                          author=project.name, project_hash=project_hash)
    if outcome.errors:
        return outcome
    if extra:
        sources = {"document": extra_document, "generator": f"ptms {__version__}", "project": Path(project_file).name,
                   "project_sha256": project_hash}
        chunk += [Output(name, data, sources) for name, data in extra.items()]
        outcome.documents += (extra_document,)
    outcome.planned = [o.name for o in chunk]
    if check:
        missing, differs, _ = compare_outputs([chunk], out_dir, formats)
        outcome.errors += [f"à régénérer : {Path(out_dir) / n} (absent)" for n in missing]
        outcome.errors += [f"à régénérer : {Path(out_dir) / n} (différent)" for n in differs]
        outcome.unchanged += [Path(out_dir) / o.name for o in chunk if o.name not in missing + differs]
        return outcome
    write_outputs([chunk] if chunk else [], outcome, force, on_wait=on_wait)
    return outcome

