"""Render a .docx template with docxtpl: escaped, strict, sandboxed, cached, reproducible.

- Jinja runs in a `SandboxedEnvironment` with autoescape ON and `StrictUndefined`: `&`, `<`, quotes
  in values come out literally; an undefined variable is a `RenderError` naming the template and
  the tag; a template reaching for Python internals fails cleanly.
- Newlines in values become line breaks (docxtpl's listing resolution, applied to rendered text).
- Compiled Jinja templates are cached per process, keyed by the template file's SHA-256 and the
  part (body, each header and footer). A `DocxTemplate` object is never rendered twice: each render
  builds a new one from the template bytes and only reuses the compiled Jinja code.
- Output is reproducible: core properties come from the caller (the project), never the clock;
  zip entries have a fixed timestamp and order (`normalize_docx`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
IMAGE_WIDTH_MM = 160


class RenderError(Exception):
    """A template cannot be rendered; the message (French) names the template and the tag."""


@dataclass(frozen=True)
class Properties:
    """Core properties written into a document (from the project, not the clock)."""

    title: str
    author: str
    subject: str = ""
    date: dt.date | None = None


_ENV: SandboxedEnvironment | None = None
_COMPILED: dict[tuple[str, str], Any] = {}
_SOURCES: dict[tuple[str, str], str] = {}


def environment() -> SandboxedEnvironment:
    """The per-process Jinja environment (sandboxed, autoescape, strict undefined)."""
    global _ENV
    if _ENV is None:
        _ENV = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    return _ENV


def cache_info() -> int:
    """Number of compiled template parts held by this process."""
    return len(_COMPILED)


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _text(xml_line: str) -> str:
    return re.sub(r"<[^>]+>", "", xml_line)


def _template_line(exc: BaseException) -> int | None:
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _undefined_name(message: str) -> str:
    m = re.search(r"has no attribute '([^']+)'", message) or re.search(r"'([^']+)' is undefined", message)
    return m.group(1) if m else message


def _tag_at(source: str, line: int | None, name: str | None = None) -> str:
    if line is None:
        return ""
    lines = source.splitlines()
    text = _text(lines[line - 1]) if 0 < line <= len(lines) else ""
    tags = _TAG.findall(text)
    if name:
        tags = [t for t in tags if re.search(rf"\b{re.escape(name)}\b", t)] or tags
    return tags[0] if tags else text.strip()[:80]


def _part_label(part_key: str) -> str:
    if "header" in part_key:
        return "en-tête"
    if "footer" in part_key:
        return "pied de page"
    return "corps du document"


class _Template(DocxTemplate):
    """A DocxTemplate whose Jinja compilation is shared through the per-process cache."""

    def __init__(self, data: bytes, digest: str, name: str) -> None:
        super().__init__(io.BytesIO(data))
        self._digest = digest
        self._name = name

    def _compiled(self, key: str, make_source):
        ck = (self._digest, key)
        template = _COMPILED.get(ck)
        if template is None:
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", make_source())
            try:
                template = environment().from_string(source)
            except TemplateSyntaxError as exc:
                raise RenderError(
                    f"modèle « {self._name} » ({_part_label(key)}) : balise mal formée "
                    f"« {_tag_at(source, exc.lineno)} » : {exc.message}"
                ) from None
            _COMPILED[ck] = template
            _SOURCES[ck] = source
        return template, _SOURCES[ck]

    def _render_compiled(self, key: str, make_source, context) -> str:
        template, source = self._compiled(key, make_source)
        try:
            dst_xml = template.render(context)
        except UndefinedError as exc:
            name = _undefined_name(exc.message or "")
            tag = _tag_at(source, _template_line(exc), name)
            raise RenderError(
                f"modèle « {self._name} » ({_part_label(key)}) : variable non définie « {name} » "
                f"dans la balise « {tag} »"
            ) from None
        except SecurityError as exc:
            tag = _tag_at(source, _template_line(exc))
            raise RenderError(
                f"modèle « {self._name} » : opération interdite par le bac à sable dans « {tag} » ({exc})"
            ) from None
        except TemplateError as exc:
            tag = _tag_at(source, _template_line(exc))
            raise RenderError(f"modèle « {self._name} » : erreur dans la balise « {tag} » : {exc}") from None
        except (TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
            tag = _tag_at(source, _template_line(exc))
            raise RenderError(f"modèle « {self._name} » : erreur dans la balise « {tag} » : {exc}") from None
        dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
        dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(c in dst_xml for c in "\n\t\a\f"):  # values with line breaks or tabs
            dst_xml = self.resolve_listing(dst_xml)
        return dst_xml

    # docxtpl hooks -------------------------------------------------------------------------
    def build_xml(self, context, jinja_env=None):
        self.current_rendering_part = self.docx._part
        return self._render_compiled("body", lambda: self.patch_xml(self.get_xml()), context)

    def build_headers_footers_xml(self, context, uri, jinja_env=None):
        for rel_key, part in self.get_headers_footers(uri):
            key = str(part.partname)

            def source(part=part):
                return self.patch_xml(self.get_part_xml(part))

            self.current_rendering_part = part
            xml = self._render_compiled(key, source, context)
            yield rel_key, xml.encode("utf-8")

    def render_xml_part(self, src_xml, part, context, jinja_env=None):  # footnotes
        self.current_rendering_part = part
        return self._render_compiled(str(part.partname), lambda: src_xml, context)

    def fix_tables(self, xml):
        """docxtpl's fix, then column widths re-derived from the cells (column loops change them)."""
        tree = super().fix_tables(xml)
        for table in tree.iter(f"{_W}tbl"):
            _fit_columns(table)
        return tree

    def render_properties(self, context, jinja_env=None) -> None:
        """Core properties are set from the project by `render`, never from template tags."""


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cell_widths(row) -> list | None:
    widths = []
    for tc in row.findall(f"{_W}tc"):
        pr = tc.find(f"{_W}tcPr")
        w = pr.find(f"{_W}tcW") if pr is not None else None
        if pr is None or pr.find(f"{_W}gridSpan") is not None or w is None or w.get(f"{_W}type") != "dxa":
            return None
        widths.append(w)
    return widths


def _fit_columns(table) -> None:
    """Make the grid match the cells' widths, scaled to the table's original total width."""
    grid = table.find(f"{_W}tblGrid")
    rows = table.findall(f"{_W}tr")
    if grid is None or not rows:
        return
    cols = grid.findall(f"{_W}gridCol")
    first = _cell_widths(rows[0])
    if not first or len(first) != len(cols):
        return
    try:
        target = sum(int(float(c.get(f"{_W}w"))) for c in cols)
        current = sum(int(w.get(f"{_W}w")) for w in first)
    except (TypeError, ValueError):
        return
    if target <= 0 or current <= 0:
        return
    new = [int(w.get(f"{_W}w")) for w in first]
    new[0] += target - current  # the first (label) column absorbs the difference
    if new[0] < 1400:  # under 2.5 cm: scale every column instead
        new = [int(int(w.get(f"{_W}w")) * target / current) for w in first]
    for col, value in zip(cols, new):
        col.set(f"{_W}w", str(value))
    for row in rows:
        cells = _cell_widths(row)
        if cells and len(cells) == len(new):
            for w, value in zip(cells, new):
                w.set(f"{_W}w", str(value))


class _Images(dict):
    """`images` in the context: each picture is produced (and inserted) only if the template uses it.

    Values given to `render` are PNG bytes, None (no picture), or a function returning either,
    called on first use — a letter that shows no chart never pays for drawing one.
    """

    def __init__(self, tpl: DocxTemplate, sources: dict) -> None:
        super().__init__()
        self._tpl = tpl
        self._sources = sources

    def __getitem__(self, name):
        if not dict.__contains__(self, name):
            if name not in self._sources:
                raise KeyError(name)
            png = self._sources[name]
            png = png() if callable(png) else png
            dict.__setitem__(self, name, InlineImage(self._tpl, io.BytesIO(png), width=Mm(IMAGE_WIDTH_MM)) if png else None)
        return dict.__getitem__(self, name)

    def __contains__(self, name) -> bool:
        return name in self._sources

    def keys(self):
        return self._sources.keys()


def template_name(path: Path) -> str:
    return path.name


def read_template(path: Path) -> tuple[bytes, str]:
    """Bytes and SHA-256 of a template file; RenderError (French) when unreadable or not a .docx."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        from ..writing import os_reason

        raise RenderError(f"modèle « {path} » illisible : {os_reason(exc)}") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RenderError(f"modèle « {path} » : ce n'est pas un document Word (.docx)")
    return data, hashlib.sha256(data).hexdigest()


def render(template: Path, context: dict, props: Properties, images: dict | None = None) -> bytes:
    """Render `template` with `context`; returns the .docx bytes (reproducible).

    `images`: {name: PNG bytes | None | function returning them}, available as `images.<name>`.
    """
    data, digest = read_template(template)
    tpl = _Template(data, digest, template_name(Path(template)))
    try:
        tpl.render_init()
    except Exception as exc:  # python-docx refuses a damaged package
        raise RenderError(f"modèle « {template} » : document Word illisible ({exc})") from None
    ctx = dict(context)
    ctx["images"] = _Images(tpl, images or {})
    tpl.render(ctx, environment(), autoescape=True)
    cp = tpl.docx.core_properties
    cp.title = props.title[:255]
    cp.author = props.author[:255]
    cp.subject = props.subject[:255]
    cp.last_modified_by = props.author[:255]
    cp.language = "fr-FR"
    cp.revision = 1
    cp.comments = "Document produit par ptms."
    moment = dt.datetime.combine(props.date or dt.date(2000, 1, 1), dt.time(0, 0), tzinfo=dt.timezone.utc)
    cp.created = moment
    cp.modified = moment
    cp.last_printed = moment
    return package_bytes(tpl.docx)


class _Collector:
    """Stands for python-docx's zip writer: keeps the package's entries in memory."""

    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}

    def write(self, pack_uri, blob: bytes) -> None:
        self.entries[pack_uri.membername] = blob

    def close(self) -> None:
        pass


def package_bytes(document) -> bytes:
    """Serialise a python-docx document straight into a reproducible zip (compressed once)."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    collector = _Collector()
    PackageWriter._write_content_types_stream(collector, parts)
    PackageWriter._write_pkg_rels(collector, package.rels)
    PackageWriter._write_parts(collector, parts)
    return _zip(collector.entries)


def _zip(entries: dict[str, bytes]) -> bytes:
    """A zip with fixed timestamps, attributes and entry order (content types and package rels first)."""
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in entries]
    order = first + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


def normalize_docx(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps, attributes and entry order."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return _zip({name: src.read(name) for name in src.namelist()})
