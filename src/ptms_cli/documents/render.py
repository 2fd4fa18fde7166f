"""Render a .docx template: Jinja (docxtpl's tag syntax) escaped, strict, sandboxed, cached, reproducible.

- Jinja runs in an `ImmutableSandboxedEnvironment` with autoescape ON and `StrictUndefined`: `&`,
  `<`, quotes in values come out literally; an undefined variable is a `RenderError` naming the
  template and the tag; a template reaching for Python internals, or changing the context other
  documents see (`territory.update(…)`), fails cleanly. Template work is bounded (loop and call
  budget per document, sizes of strings and lists, big numbers, output size): see MAX_*.
- Templates are parsed strictly: no XML is ever repaired (a DTD is refused, zip members' sizes are
  checked before reading), and a Jinja block crossing XML elements (`{% if %}` in a table cell,
  `{% endif %}` after the table) is a located error before anything is rendered.
- Template syntax is docxtpl's: its `patch_xml` turns `{%p`, `{%tr`, `{%tc`, `{%r`, `colspan`…
  into plain Jinja, and its `resolve_listing` turns newlines in values into line breaks.
- A template is read once per process (`_Package`, keyed by the file's SHA-256): its zip entries,
  its parts to render (body, headers, footers, footnotes) compiled once. Rendering a document is
  then: each part's compiled Jinja with the context, the body's tables fixed (docxtpl's rule for
  column loops, then grid widths re-derived from the cells), pictures added as media parts, core
  properties set; the other entries are copied as they are, their compressed form computed once.
  No python-docx object is built per document (that was half the time of a render).
- Output is reproducible: core properties come from the caller (the project), never the clock;
  zip entries have a fixed timestamp and order.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
import posixpath
import re
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes, pass_context
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer
from lxml import etree

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
IMAGE_WIDTH_MM = 160
IMAGE_HEIGHT_MM = 130  # at most about half a page: a picture fits under the text that introduces it


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
_STATS = {"hits": 0, "misses": 0}  # lookups of compiled parts in this process (batch rendering reports them)
_DOCXTPL = DocxTemplate(None)  # only for its text transforms (patch_xml, resolve_listing): never rendered


# --- bounded template work ----------------------------------------------------------------------
# A template is user input: it may not hang a batch, exhaust memory or change the data other
# documents see. Every document gets a budget (loop iterations and calls, reset by `render`);
# strings and lists a tag builds are capped; big numbers are refused before they are computed;
# the sandbox is the immutable one (no `dict.update`, `list.append`… on the context).

MAX_SIZE = 2_000_000  # longest string or list a tag may build (characters or items)
MAX_OUTPUT = 50_000_000  # characters a part's rendering may produce
MAX_BITS = 100_000  # largest integer a tag may compute (bits: about 30 000 digits)
MAX_STEPS = 2_000_000  # loop iterations and calls per document
_BUDGET = [MAX_STEPS]


def _spend(n: int = 1) -> None:
    _BUDGET[0] -= n
    if _BUDGET[0] < 0:
        raise SecurityError(f"trop d'opérations pour un document (plus de {MAX_STEPS:,} tours de boucle "
                            "ou appels)".replace(",", " "))


def _too_big(value) -> bool:
    return isinstance(value, (str, bytes, list, tuple, dict, set)) and len(value) > MAX_SIZE


def _check_size(value):
    if _too_big(value):
        raise SecurityError(f"valeur trop grande ({len(value):,} éléments ; au plus {MAX_SIZE:,})".replace(",", " "))
    return value


def _huge_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE


@pass_context
def _steps(_context, iterable):
    """Wraps the iterable of every `{% for %}`: each iteration spends the document's budget."""
    for item in iterable:
        _spend()
        yield item


@pass_context
def _sized(_context, value):
    """Wraps every `~` concatenation: the result may not exceed MAX_SIZE."""
    return _check_size(value)


def _range(*args):
    rng = range(*args)
    if len(rng) > MAX_SIZE:
        raise SecurityError(f"range trop grand ({len(rng):,} nombres ; au plus {MAX_SIZE:,})".replace(",", " "))
    _spend(len(rng))
    return rng


_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\d{7,})|\{[^{}]*?:[^{}]*?(\d{7,})")


def _bounded_filter(name: str, function):
    """A built-in filter whose numeric arguments (widths, counts) and result are capped."""
    offset = 2 if getattr(function, "jinja_pass_arg", None) is not None else 1

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        _spend()
        if any(_huge_int(a) for a in args[offset:]) or any(_huge_int(v) for v in kwargs.values()):
            raise SecurityError(f"argument trop grand pour le filtre « {name} »")
        if name == "replace" and len(args) >= offset + 2:
            text, old, new = args[offset - 1], args[offset], args[offset + 1]
            if isinstance(text, str) and isinstance(old, str) and isinstance(new, str) \
                    and len(text) + (len(text) + 1) * max(len(new) - len(old), 0) > MAX_SIZE:
                raise SecurityError("remplacement trop grand")
        if name == "format" and isinstance(args[offset - 1], str) and _FORMAT_WIDTH.search(args[offset - 1]):
            raise SecurityError("largeur trop grande dans le format")
        return _check_size(function(*args, **kwargs))

    return wrapper


class _Bounded(NodeTransformer):
    """Wraps loops' iterables and `~` concatenations in the budget filters above."""

    def visit_For(self, node):
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_ptms_steps", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        self.generic_visit(node)
        return nodes.Filter(node, "_ptms_sized", [], [], None, None, lineno=node.lineno)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with the bounds above on operators, calls, loops and filters."""

    intercepted_binops = frozenset({"**", "*", "+", "%", "//"})

    def _parse(self, source, name, filename):
        return _Bounded().visit(super()._parse(source, name, filename))

    def call_binop(self, context, operator, left, right):
        _spend()
        ints = isinstance(left, int) and isinstance(right, int)
        if operator == "**" and ints and right > 0 and abs(left) > 1 and left.bit_length() * right > MAX_BITS:
            raise SecurityError("puissance trop grande")
        if operator == "*":
            if ints and left.bit_length() + right.bit_length() > MAX_BITS:
                raise SecurityError("nombre trop grand")
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * max(n, 0) > MAX_SIZE:
                    raise SecurityError("répétition trop grande")
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                and len(left) + len(right) > MAX_SIZE:
            raise SecurityError("valeur trop grande")
        if operator == "%" and isinstance(left, str):
            values = right if isinstance(right, tuple) else (right,)
            if _FORMAT_WIDTH.search(left) or any(_huge_int(v) for v in values):
                raise SecurityError("largeur trop grande dans le format")
        return _check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        _spend()
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        if getattr(method, "__self__", None).__class__ is str:
            name = getattr(method, "__name__", "")
            if name in ("format", "format_map") and _FORMAT_WIDTH.search(method.__self__):
                raise SecurityError("largeur trop grande dans le format")
            if any(_huge_int(a) for a in args) or any(_huge_int(v) for v in kwargs.values()):
                raise SecurityError(f"argument trop grand pour « {name} »")
        return _check_size(super().call(__context, __obj, *args, **kwargs))


def environment() -> SandboxedEnvironment:
    """The per-process Jinja environment (sandboxed, immutable, bounded, autoescape, strict undefined)."""
    global _ENV
    if _ENV is None:
        env = _Sandbox(autoescape=True, undefined=StrictUndefined)
        env.filters = {name: _bounded_filter(name, f) for name, f in env.filters.items()}
        env.filters["_ptms_steps"] = _steps
        env.filters["_ptms_sized"] = _sized
        env.globals["range"] = _range
        _ENV = env
    return _ENV


_IN_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", re.S)
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _unescape(m: re.Match) -> str:
    name = m.group(1)
    if name in _ENTITIES:
        return _ENTITIES[name]
    try:
        return chr(int(name[2:], 16) if name.startswith("#x") else int(name[1:]))
    except (ValueError, OverflowError):
        return m.group(0)


def patch_xml(xml: str) -> str:
    """docxtpl's rewriting of a part's XML into Jinja source, one paragraph per line (for messages).

    Inside `{{ … }}` and `{% … %}`, XML entities are unescaped: Word stores a typed `&` as `&amp;`,
    and `{{ "R&D" }}` must print « R&D » (autoescape escapes the output once, as for any value).
    """
    source = _DOCXTPL.patch_xml(xml)
    source = _IN_TAG.sub(lambda m: _ENTITY.sub(_unescape, m.group(0)) if "&" in m.group(0) else m.group(0), source)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", source)


def cache_info() -> int:
    """Number of compiled template parts held by this process."""
    return sum(len(pkg.compiled) for pkg in _PACKAGES.values())


def cache_stats() -> dict[str, int]:
    """Compiled-part lookups in this process so far: {"hits", "misses", "size"}."""
    return {**_STATS, "size": cache_info()}


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
    if "footnotes" in part_key:
        return "notes de bas de page"
    if "header" in part_key:
        return "en-tête"
    if "footer" in part_key:
        return "pied de page"
    return "corps du document"



# --- Jinja blocks against the XML structure -----------------------------------------------------

_BLOCK_OPEN = {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw", "trans"}
_BLOCK_MIDDLE = {"elif", "else", "pluralize"}
_NEST_TOKEN = re.compile(
    r"\{%-?\s*(\w+)(.*?)-?%\}|\{#.*?#\}|\{\{.*?\}\}|<(/?)([A-Za-z_][\w:.-]*)((?:\s[^>]*?)?)(/?)>", re.S)
_WHERE = {"w:tc": "une cellule de tableau", "w:tr": "une ligne de tableau", "w:tbl": "un tableau",
          "w:p": "un paragraphe", "w:r": "un morceau de texte", "w:t": "un morceau de texte",
          "w:hyperlink": "un lien", "w:sdt": "un contrôle de contenu", "w:sdtContent": "un contrôle de contenu",
          "w:txbxContent": "une zone de texte"}


def _describe(stack: list, depth: int) -> str:
    """The element of `stack` where two tags part (the first one they do not share), in French."""
    tags = [tag for tag, _ in stack[depth:]]
    for tag in ("w:tc", "w:tr", "w:tbl", "w:p"):
        if tag in tags:
            return _WHERE[tag]
    tag = stack[depth][0] if depth < len(stack) else ""
    return _WHERE.get(tag, f"l'élément <{tag}>") if tag else "le corps du document"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _paragraph(source: str, pos: int) -> str:
    start = source.rfind("\n", 0, pos) + 1
    end = source.find("\n", pos)
    text = _text(source[start:end if end >= 0 else len(source)])
    return re.sub(r"\s+", " ", text).strip()[:60]


def nesting_problem(source: str) -> str | None:
    """Why the Jinja blocks of a part's source cross its XML elements (French), or None.

    A block must open and close at the same XML nesting (the same kinds of elements around it:
    from one run or paragraph to the next is fine, what lies between is then balanced);
    `{% if %}` in a table cell and `{% endif %}` after the table would move the rest of the
    document into the cell, or give XML that does not parse. docxtpl's `{%p`, `{%tr`, `{%tc` tags act on whole paragraphs, rows,
    cells: the source has them already moved out (`patch_xml`).
    """
    xml: list = []  # open XML elements: (tag, position)
    blocks: list = []  # open Jinja blocks: (tag text, xml stack copy, position)
    raw = False
    for m in _NEST_TOKEN.finditer(source):
        word, name = m.group(1), m.group(4)
        if word is not None:
            text = m.group(0)
            if raw and word != "endraw":
                continue
            opening = word in _BLOCK_OPEN or (word == "set" and "=" not in m.group(2))
            if word in ("raw",):
                raw = True
            if word == "endraw":
                raw = False
            if opening:
                blocks.append((text, list(xml), m.start()))
            elif (word in _BLOCK_MIDDLE or word.startswith("end")) and blocks:
                opened, stack, pos = blocks[-1]
                if [tag for tag, _ in stack] != [tag for tag, _ in xml]:  # what lies between is unbalanced
                    depth = 0
                    while depth < min(len(stack), len(xml)) and stack[depth][0] == xml[depth][0]:
                        depth += 1
                    inside = _describe(stack, depth)
                    return (f"la balise « {_squeeze(opened)} » ouverte dans {inside} (près de "
                            f"« {_paragraph(source, pos)} ») est fermée par « {_squeeze(text)} » "
                            f"hors de cet élément (près de « {_paragraph(source, m.start())} ») : ouvrez et fermez "
                            f"le bloc dans le même élément, ou utilisez {{%p …%}}, {{%tr …%}}, {{%tc …%}} pour "
                            f"des paragraphes, lignes ou cellules entiers")
                if word.startswith("end"):
                    blocks.pop()
        elif name is not None and not raw:
            if m.group(6):  # <x/>
                continue
            if m.group(3):  # </x>
                if xml and xml[-1][0] == name:
                    xml.pop()
                else:
                    return f"élément XML <{name}> fermé sans avoir été ouvert (près de « {_paragraph(source, m.start())} »)"
            else:
                xml.append((name, m.start()))
    return None


# --- XML names ----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_BODY_MARK = "ptms-body"


def parse_xml(data: bytes | str):
    """A part's XML, strictly: a syntax error is never repaired, a DTD (<!DOCTYPE>) is refused."""
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True)
    root = etree.fromstring(data.encode("utf-8") if isinstance(data, str) else data, parser)
    if root is None:
        raise etree.XMLSyntaxError("document vide", None, 0, 0, "")
    if root.getroottree().docinfo.doctype:
        raise etree.XMLSyntaxError("déclaration DTD (<!DOCTYPE>) refusée dans un document Word", None, 0, 0, "")
    return root


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _target(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


# --- a template, read once per process ----------------------------------------------------------

@dataclass
class _Part:
    """A part of the template that holds tags: its entry name, its key in messages, its Jinja source."""

    name: str
    key: str  # "body", or the part's name (header, footer, footnotes)
    source: str


@dataclass
class _Package:
    """What rendering needs of a template file, computed once per process."""

    name: str  # the file's name, for messages
    digest: str
    entries: dict[str, bytes]
    main: str  # the main document part ("word/document.xml")
    head: bytes  # the main part's serialisation before its body...
    tail: bytes  # ...and after
    parts: list[_Part]
    rel_ids: dict[str, set[str]]  # rendered part -> the relationship ids its .rels already uses
    content_types: bytes
    core: str | None  # the core-properties part, if the template has one
    compiled: dict[str, Any] = field(default_factory=dict)  # part key -> compiled Jinja template
    deflated: dict[str, bytes] = field(default_factory=dict)  # entry -> its deflate stream (entries copied as is)

    def template(self, part: _Part):
        compiled = self.compiled.get(part.key)
        _STATS["hits" if compiled is not None else "misses"] += 1
        if compiled is None:
            try:
                compiled = environment().from_string(part.source)
            except TemplateSyntaxError as exc:
                raise RenderError(
                    f"modèle « {self.name} » ({_part_label(part.key)}) : balise mal formée "
                    f"« {_tag_at(part.source, exc.lineno)} » : {french_jinja(exc.message or '')}"
                ) from None
            problem = nesting_problem(part.source)
            if problem:
                raise RenderError(f"modèle « {self.name} » ({_part_label(part.key)}) : {problem}")
            self.compiled[part.key] = compiled
        return compiled


_PACKAGES: "OrderedDict[str, _Package]" = OrderedDict()
_PACKAGES_MAX = 16  # templates kept per process (a consultant's set and ours)


def _unreadable(name: str, why: str) -> RenderError:
    return RenderError(f"modèle « {name} » : document Word illisible ({why})")


MAX_ENTRIES = 10_000  # entries in a template's zip
MAX_UNZIPPED = 256 * 2**20  # bytes of a template once unzipped
MAX_RATIO = 100  # compression ratio allowed for an entry of more than RATIO_FROM bytes
RATIO_FROM = 16 * 2**20


def read_entries(data: bytes, name: str) -> dict[str, bytes]:
    """The entries of a template's zip, sizes checked before reading (zip bombs), French errors.

    The sizes checked are the declared ones; zipfile never reads more than an entry declares.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = [info for info in z.infolist() if not info.is_dir()]
            if len(infos) > MAX_ENTRIES:
                raise _unreadable(name, f"{len(infos)} entrées dans l'archive (au plus {MAX_ENTRIES})")
            if sum(info.file_size for info in infos) > MAX_UNZIPPED:
                raise _unreadable(name, f"plus de {MAX_UNZIPPED // 2**20} Mio une fois décompressé")
            for info in infos:
                if info.flag_bits & 0x1:
                    raise _unreadable(name, f"entrée « {info.filename} » chiffrée (protégée par un mot de passe)")
                if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise _unreadable(name, f"entrée « {info.filename} » anormalement compressée "
                                            f"({info.file_size // max(info.compress_size, 1)} pour 1 : bombe zip ?)")
            return {info.filename: z.read(info) for info in infos}
    except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError, ValueError, EOFError) as exc:
        raise _unreadable(name, str(exc)) from None


def _read_package(data: bytes, digest: str, name: str) -> _Package:
    entries = read_entries(data, name)
    try:
        types = parse_xml(entries["[Content_Types].xml"])
        package_rels = parse_xml(entries["_rels/.rels"])
    except KeyError as exc:
        raise _unreadable(name, f"partie {exc} absente") from None
    except etree.XMLSyntaxError as exc:
        raise _unreadable(name, f"XML invalide : {exc}") from None
    overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType") for e in types.iter(f"{{{_CT_NS}}}Override")}
    defaults = {(e.get("Extension") or "").lower(): e.get("ContentType") for e in types.iter(f"{{{_CT_NS}}}Default")}
    rels = {r.get("Type"): _target("", r.get("Target", "")) for r in package_rels.iter(f"{{{_REL_NS}}}Relationship")}
    main = rels.get(RT.OFFICE_DOCUMENT)
    if main is None or main not in entries:
        raise _unreadable(name, "pas de document principal")
    kind = overrides.get(main) or defaults.get(posixpath.splitext(main)[1].lstrip(".").lower())
    if kind != CT.WML_DOCUMENT_MAIN:
        raise _unreadable(name, f"le document principal est de type « {kind} », pas un document .docx")
    try:
        root = parse_xml(entries[main])
    except etree.XMLSyntaxError as exc:
        raise _unreadable(name, f"XML invalide dans {main} : {exc}") from None
    body = root.find(f"{_W}body")
    if body is None:
        raise _unreadable(name, f"{main} n'a pas de corps (w:body)")
    parts = [_Part(main, "body", patch_xml(etree.tostring(body, encoding="unicode")))]
    mark = etree.Comment(_BODY_MARK)
    root.replace(body, mark)
    head, tail = etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True).split(
        f"<!--{_BODY_MARK}-->".encode(), 1)
    main_rels = parse_xml(entries[_rels_name(main)]) if _rels_name(main) in entries else None
    for rel in (main_rels.iter(f"{{{_REL_NS}}}Relationship") if main_rels is not None else ()):
        if rel.get("Type") in (RT.HEADER, RT.FOOTER, RT.FOOTNOTES) and rel.get("TargetMode") != "External":
            target = _target(main, rel.get("Target", ""))
            if target in entries and all(p.name != target for p in parts):
                try:
                    xml = etree.tostring(parse_xml(entries[target]), encoding="unicode")
                except etree.XMLSyntaxError as exc:
                    raise _unreadable(name, f"XML invalide dans {target} : {exc}") from None
                parts.append(_Part(target, target, patch_xml(xml)))
    rel_ids = {}
    for part in parts:
        part_rels = entries.get(_rels_name(part.name))
        rel_ids[part.name] = ({r.get("Id") for r in parse_xml(part_rels).iter(f"{{{_REL_NS}}}Relationship")}
                              if part_rels is not None else set())
    core = rels.get(RT.CORE_PROPERTIES)
    package = _Package(name, digest, entries, main, head, tail, parts, rel_ids, entries["[Content_Types].xml"],
                       core if core in entries else None)
    rendered = {p.name for p in parts} | {core}
    for entry, blob in entries.items():
        if entry not in rendered:
            package.deflated[entry] = _deflate(blob)
    return package


def _package(path: Path) -> _Package:
    data, digest = read_template(path)
    package = _PACKAGES.get(digest)
    if package is None:
        name = template_name(Path(path))
        try:
            package = _read_package(data, digest, name)
        except etree.XMLSyntaxError as exc:
            raise _unreadable(name, f"XML invalide : {exc}") from None
        _PACKAGES[digest] = package
        if len(_PACKAGES) > _PACKAGES_MAX:
            _PACKAGES.popitem(last=False)
    else:
        _PACKAGES.move_to_end(digest)
        package.name = template_name(Path(path))
    return package


# --- pictures -----------------------------------------------------------------------------------

def _png_size(png: bytes) -> tuple[int, int, int, int]:
    """(width px, height px, horizontal dpi, vertical dpi) of a PNG, as python-docx reads them."""
    if not png.startswith(b"\x89PNG\r\n\x1a\n") or png[12:16] != b"IHDR":
        raise ValueError("ce n'est pas une image PNG")
    width, height = struct.unpack(">II", png[16:24])
    hdpi = vdpi = 72
    pos = 8
    while pos + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"pHYs" and length == 9:
            x, y, unit = struct.unpack(">IIB", png[pos + 8:pos + 17])
            if unit == 1:
                hdpi, vdpi = (int(round(x * 0.0254)) or 72), (int(round(y * 0.0254)) or 72)
            break
        if kind == b"IDAT":
            break
        pos += 12 + length
    if not width or not height:
        raise ValueError("image PNG vide")
    return width, height, hdpi, vdpi


_PICTURE = (
    '</w:t></w:r><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{id}" name="Image {n}"/>'
    '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
    '<pic:nvPicPr><pic:cNvPr id="0" name="{key}{file}"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
    '</wp:inline></w:drawing></w:r><w:r><w:t xml:space="preserve">'
)


class _Picture:
    """A picture in the context: rendered by a tag as a drawing run (like docxtpl's InlineImage)."""

    def __init__(self, media: "_Media", png: bytes, key: str = "") -> None:
        self._media, self._png, self.key = media, png, key
        w, h, hdpi, vdpi = _png_size(png)
        self.cx = int(IMAGE_WIDTH_MM * 36000)
        native_w, native_h = int(w / hdpi * 914400), int(h / vdpi * 914400)
        self.cy = int(round(native_h * self.cx / native_w))
        if self.cy > IMAGE_HEIGHT_MM * 36000:  # a tall picture would leave the page before it half empty
            self.cy = int(IMAGE_HEIGHT_MM * 36000)  # scaled whole, as python-docx scales to a height
            self.cx = int(round(native_w * (float(self.cy) / float(native_h))))

    def __html__(self) -> str:
        media, rid = self._media.add(self._png)
        shape = self._media.next_shape_id()
        return _PICTURE.format(cx=self.cx, cy=self.cy, id=shape, n=shape - 5000, file=posixpath.basename(media), rid=rid,
                               key=f"{self.key}:" if self.key else "")

    __str__ = __html__


class _Media:
    """The pictures a document adds: media entries, and relationships of the part being rendered."""

    def __init__(self, package: _Package) -> None:
        self.package = package
        self.part = package.main  # the part being rendered (set by `render`)
        self.files: dict[bytes, str] = {}  # PNG bytes -> entry name
        self.rels: dict[str, dict[str, str]] = {}  # part -> {entry name: rId}
        self._shape = 5000

    def next_shape_id(self) -> int:
        self._shape += 1
        return self._shape

    def add(self, png: bytes) -> tuple[str, str]:
        entry = self.files.get(png)
        if entry is None:
            taken = {n.lower() for n in self.package.entries} | set(self.files.values())
            n = 1
            while f"word/media/image{n}.png" in taken:
                n += 1
            entry = self.files[png] = f"word/media/image{n}.png"
        part_rels = self.rels.setdefault(self.part, {})
        if entry not in part_rels:
            used = set(part_rels.values()) | self.package.rel_ids.get(self.part, set())
            n = 1
            while f"rId{n}" in used:
                n += 1
            part_rels[entry] = f"rId{n}"
        return entry, part_rels[entry]

    def write(self, entries: dict[str, bytes]) -> None:
        """Add the media entries, their relationships and the PNG content type to `entries`."""
        if not self.files:
            return
        for png, entry in self.files.items():
            entries[entry] = png
        for part, rels in self.rels.items():
            name = _rels_name(part)
            root = parse_xml(entries[name]) if name in entries else etree.Element(f"{{{_REL_NS}}}Relationships",
                                                                                nsmap={None: _REL_NS})
            for entry, rid in rels.items():
                etree.SubElement(root, f"{{{_REL_NS}}}Relationship", Id=rid, Type=RT.IMAGE,
                                 Target=posixpath.relpath(entry, posixpath.dirname(part)))
            entries[name] = etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)
        types = parse_xml(entries["[Content_Types].xml"])
        if not any((e.get("Extension") or "").lower() == "png" for e in types.iter(f"{{{_CT_NS}}}Default")):
            types.insert(0, etree.Element(f"{{{_CT_NS}}}Default", Extension="png", ContentType=CT.PNG))
            entries["[Content_Types].xml"] = etree.tostring(types, encoding="UTF-8", xml_declaration=True,
                                                            standalone=True)


class _Images(dict):
    """`images` in the context: each picture is produced (and inserted) only if the template uses it.

    Values given to `render` are PNG bytes, None (no picture), or a function returning either,
    called on first use — a letter that shows no chart never pays for drawing one.
    """

    def __init__(self, media: _Media, sources: dict, given: Mapping) -> None:
        super().__init__()
        self._media = media
        self._sources = sources
        self._given = given  # the caller's own `images` (context key): its entries are kept as they are

    def __getitem__(self, name):
        if name in self._given:
            return self._given[name]
        if not dict.__contains__(self, name):
            if name not in self._sources:
                raise KeyError(name)
            png = self._sources[name]
            png = png() if callable(png) else png
            dict.__setitem__(self, name, _Picture(self._media, png, name) if png else None)
        return dict.__getitem__(self, name)

    def __contains__(self, name) -> bool:
        return name in self._given or name in self._sources

    def keys(self):
        return self._sources.keys() | self._given.keys()


# --- tables -------------------------------------------------------------------------------------

def _cells(row) -> list:
    """[(tcW element or None, gridSpan)] of a row's cells."""
    out = []
    for tc in row.iterchildren(f"{_W}tc"):
        width, span = None, 1
        for pr in tc.iterchildren(f"{_W}tcPr"):
            for child in pr:
                if child.tag == f"{_W}tcW":
                    width = child
                elif child.tag == f"{_W}gridSpan":
                    try:
                        span = int(child.get(f"{_W}val"))
                    except (TypeError, ValueError):
                        span = 1
        out.append((width, span))
    return out


def _width(element) -> float | None:
    try:
        return float(element.get(f"{_W}w"))
    except (TypeError, ValueError):
        return None


def fix_tables(tree) -> None:
    """Make every table's grid match its cells after column loops (`{%tc for %}`) changed them.

    docxtpl's rule first (columns added when a row has more cells than the grid, keeping the
    table's width; extra columns removed when every row spans fewer), then the grid widths are
    re-derived from the first row's cell widths and fitted to the table's width: a removed
    column's width is shared evenly (docxtpl's rule); added columns take their width from the
    first (label) column while it keeps 2.5 cm, else every column is scaled (figures stay on one
    line). Word and LibreOffice then draw the same columns.
    """
    for table in tree.iter(f"{_W}tbl"):
        grid = next(table.iterchildren(f"{_W}tblGrid"), None)
        rows = [_cells(tr) for tr in table.iterchildren(f"{_W}tr")]
        if grid is None or not rows:
            continue
        cols = list(grid.iterchildren(f"{_W}gridCol"))
        widths = [_width(c) for c in cols]
        if not cols or None in widths:
            continue
        most = max(len(cells) for cells in rows)
        if most > len(cols) and sum(widths) > 0:  # docxtpl: add columns, keep the proportions
            total = sum(widths)
            old, new = total / len(cols), total / most
            for c, w in zip(cols, widths):
                c.set(f"{_W}w", str(int(w * new / old)))
            for _ in range(most - len(cols)):
                etree.SubElement(grid, f"{_W}gridCol", {f"{_W}w": str(int(new))})
            cols = list(grid.iterchildren(f"{_W}gridCol"))
        spanned = max(sum(span for _, span in cells) for cells in rows)
        extra = len(cols) - spanned
        if extra > 0:  # docxtpl: remove extra columns, share their width
            removed = sum(_width(c) for c in cols[-extra:])
            for c in cols[-extra:]:
                grid.remove(c)
            cols = cols[:-extra]
            share = int(removed / len(cols)) if cols else 0
            for c in cols:
                c.set(f"{_W}w", str(int(_width(c) + share)))
        _fit_columns(cols, rows)


def _fit_columns(cols: list, rows: list) -> None:
    """Make the grid match the cells' widths, scaled to the table's total width."""
    first = rows[0]
    if len(first) != len(cols) or any(w is None or span != 1 or w.get(f"{_W}type") != "dxa" for w, span in first):
        return
    try:
        target = sum(int(float(c.get(f"{_W}w"))) for c in cols)
        current = [int(w.get(f"{_W}w")) for w, _ in first]
    except (TypeError, ValueError):
        return
    if target <= 0 or sum(current) <= 0:
        return
    if sum(current) < target:  # columns removed: their width is shared evenly, as docxtpl does
        share, rest = divmod(target - sum(current), len(current))
        new = [w + share + (i < rest) for i, w in enumerate(current)]
    else:  # columns added: the first (label) column gives up the width, the figures keep theirs
        new = list(current)
        new[0] += target - sum(current)
        if new[0] < 1400:  # under 2.5 cm: scale every column instead
            new = [int(w * target / sum(current)) for w in current]
    for col, value in zip(cols, new):
        col.set(f"{_W}w", str(value))
    for cells in rows:
        if len(cells) == len(new) and all(w is not None and span == 1 and w.get(f"{_W}type") == "dxa"
                                          for w, span in cells):
            for (w, _), value in zip(cells, new):
                w.set(f"{_W}w", str(value))


# --- rendering ----------------------------------------------------------------------------------

def template_name(path: Path) -> str:
    return path.name


_DIGESTS: dict[tuple, tuple[bytes, str]] = {}


def read_template(path: Path) -> tuple[bytes, str]:
    """Bytes and SHA-256 of a template file; RenderError (French) when unreadable or not a .docx.

    Kept per process while the file's size, modification time and inode stay the same.
    """
    try:
        st = os.stat(path)
        key = (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        known = _DIGESTS.get(key)
        if known is not None:
            return known
        data = Path(path).read_bytes()
    except OSError as exc:
        from ..writing import os_reason

        raise RenderError(f"modèle « {path} » illisible : {os_reason(exc)}") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RenderError(f"modèle « {path} » : ce n'est pas un document Word (.docx)")
    if len(_DIGESTS) > 64:
        _DIGESTS.clear()
    _DIGESTS[key] = data, hashlib.sha256(data).hexdigest()
    return _DIGESTS[key]


def _bounded_render(template, context) -> str:
    """`template.render(context)`, refusing more than MAX_OUTPUT characters as they are produced."""
    chunks, total = [], 0
    try:
        for chunk in template.root_render_func(template.new_context(context)):
            total += len(chunk)
            if total > MAX_OUTPUT:
                raise SecurityError(f"le rendu dépasse {MAX_OUTPUT:,} caractères".replace(",", " "))
            chunks.append(chunk)
    except Exception:
        template.environment.handle_exception()
    return "".join(chunks)


_TOKENS = {  # Jinja's token descriptions (`lexer.describe_token`)
    "end of print statement": "la fin de la balise « }} »",
    "end of statement block": "la fin de la balise « %} »",
    "end of template": "la fin du modèle",
    "begin of print statement": "« {{ »",
    "begin of statement block": "« {% »",
    "name": "un nom",
    "integer": "un nombre entier",
    "float": "un nombre",
    "string": "un texte entre guillemets",
}


def _token(text: str) -> str:
    return _TOKENS.get(text, f"« {text} »")


def _closing(message: str) -> str:
    """What Jinja says it was looking for: « il manque « {% endif %} » (bloc « if » ouvert) »."""
    block = re.search(r"innermost block that needs to be closed is '(\w+)'", message)
    if not block:
        return ""
    return f" ; le bloc « {block[1]} » ouvert plus haut n'est pas fermé (il manque « {{% end{block[1]} %}} »)"


def french_jinja(message: str) -> str:
    """A French explanation of a Jinja error message (syntax or rendering); the raw detail after
    « détail : » for the kinds not translated."""
    m = message.strip()
    patterns = (
        (r"^unexpected end of template", lambda x: "le modèle se termine avant la fin de la balise ou du bloc" + _closing(m)),
        (r"^Encountered unknown tag '(end\w*)'", lambda x: f"balise de fermeture « {{% {x[1]} %}} » sans bloc ouvert correspondant"
                                                            + _closing(m)),
        (r"^Encountered unknown tag '([^']*)'", lambda x: f"balise inconnue « {x[1]} »" + _closing(m)),
        (r"^expected token '([^']*)', got '([^']*)'", lambda x: f"attendu : {_token(x[1])}, trouvé : {_token(x[2])}"),
        (r"^Expected an expression, got '([^']*)'", lambda x: f"une expression est attendue, trouvé : {_token(x[1])}"),
        (r"^unexpected '([^']*)', expected '([^']*)'", lambda x: f"élément inattendu : {_token(x[1])}, attendu : {_token(x[2])}"),
        (r"^unexpected '([^']*)'", lambda x: f"élément inattendu : {_token(x[1])}"),
        (r"^unexpected char '(.)'", lambda x: f"caractère inattendu « {x[1]} »"),
        (r"^No filter named '([^']*)'", lambda x: f"filtre inconnu « {x[1]} »"),
        (r"^No test named '([^']*)'", lambda x: f"test inconnu « {x[1]} »"),
        (r"^tag name expected", lambda x: "nom de balise attendu après « {% »"),
        (r"^'(\w+)' object is not iterable", lambda x: f"cette valeur ({x[1]}) n'est pas une liste : impossible de la parcourir"),
        (r"^(?:integer |float )?division (?:or modulo )?by zero", lambda x: "division par zéro"),
        (r"^unsupported operand type\(s\) for ([^:]+): '(\w+)' and '(\w+)'",
         lambda x: f"opération « {x[1]} » impossible entre une valeur {x[2]} et une valeur {x[3]}"),
        (r"^can only concatenate (\w+) \(not \"(\w+)\"\)", lambda x: f"impossible de joindre une valeur {x[2]} à une valeur {x[1]}"),
    )
    for pattern, french in patterns:
        found = re.match(pattern, m, re.IGNORECASE if pattern.startswith("^unexpected end") else 0)
        if found:
            return french(found)
    return f"erreur dans le modèle (détail : {m})"


def _french_security(message: str) -> str:
    """Jinja's sandbox messages are English: the usual ones said in French (ours are French already)."""
    m = re.match(r"access to attribute '([^']+)' of '([^']+)' object is unsafe", message)
    if m:
        return f"accès à « {m.group(1)} » refusé sur un objet {m.group(2)} : un modèle ne modifie pas les données"
    if "is not safely callable" in message:
        return "appel refusé"
    if "MAX_RANGE" in message:
        return "range trop grand"
    return message


def _render_part(package: _Package, part: _Part, context) -> str:
    template = package.template(part)
    source, name = part.source, package.name
    try:
        xml = _bounded_render(template, context)
    except UndefinedError as exc:
        undefined = _undefined_name(exc.message or "")
        tag = _tag_at(source, _template_line(exc), undefined)
        raise RenderError(
            f"modèle « {name} » ({_part_label(part.key)}) : variable non définie « {undefined} » "
            f"dans la balise « {tag} »"
        ) from None
    except SecurityError as exc:
        tag = _tag_at(source, _template_line(exc))
        raise RenderError(f"modèle « {name} » : opération interdite par le bac à sable dans « {tag} » "
                          f"({_french_security(str(exc))})") from None
    except TemplateError as exc:
        tag = _tag_at(source, _template_line(exc))
        raise RenderError(f"modèle « {name} » : erreur dans la balise « {tag} » : {french_jinja(str(exc))}") from None
    except (TypeError, ValueError, ArithmeticError, AttributeError, LookupError, RecursionError, MemoryError) as exc:
        tag = _tag_at(source, _template_line(exc))
        raise RenderError(f"modèle « {name} » : erreur dans la balise « {tag} » : {french_jinja(str(exc))}") from None
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # the line breaks `patch_xml` added
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(c in xml for c in "\n\t\a\f"):  # values with line breaks or tabs
        xml = _DOCXTPL.resolve_listing(xml)
    return xml


def _core_properties(package: _Package, props: Properties) -> bytes:
    """The core-properties part: the template's, with title, author, dates… from `props`."""
    if package.core is not None:
        try:
            root = parse_xml(package.entries[package.core])
        except etree.XMLSyntaxError:
            root = None
    else:
        root = None
    if root is None:
        root = etree.Element(f"{{{_CORE_NS['cp']}}}coreProperties", nsmap=_CORE_NS)
    moment = dt.datetime.combine(props.date or dt.date(2000, 1, 1), dt.time(0, 0)).strftime("%Y-%m-%dT%H:%M:%SZ")
    values = [
        ("dc", "title", props.title[:255]), ("dc", "subject", props.subject[:255]),
        ("dc", "creator", props.author[:255]), ("cp", "lastModifiedBy", props.author[:255]),
        ("dc", "language", "fr-FR"), ("cp", "revision", "1"),
        ("dc", "description", "Document produit par ptms."),
        ("dcterms", "created", moment), ("dcterms", "modified", moment), ("cp", "lastPrinted", moment),
    ]
    for prefix, local, text in values:
        tag = f"{{{_CORE_NS[prefix]}}}{local}"
        element = root.find(tag)
        if element is None:
            element = etree.SubElement(root, tag)
        element.text = _xml_text(text)
        if prefix == "dcterms":
            element.set(f"{{{_CORE_NS['xsi']}}}type", "dcterms:W3CDTF")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


def _xml_text(text: str) -> str:
    """`text` without the characters XML cannot hold (control characters)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def _add_core_part(entries: dict[str, bytes], name: str) -> None:
    """Declare a new core-properties part (a template without one) in the package."""
    rels = parse_xml(entries["_rels/.rels"])
    ids = {r.get("Id") for r in rels}
    n = 1
    while f"rId{n}" in ids:
        n += 1
    etree.SubElement(rels, f"{{{_REL_NS}}}Relationship", Id=f"rId{n}", Type=RT.CORE_PROPERTIES, Target=name)
    entries["_rels/.rels"] = etree.tostring(rels, encoding="UTF-8", xml_declaration=True, standalone=True)
    types = parse_xml(entries["[Content_Types].xml"])
    for override in types.iter(f"{{{_CT_NS}}}Override"):
        if (override.get("PartName") or "").lower() == f"/{name}".lower():
            override.set("ContentType", CT.OPC_CORE_PROPERTIES)
            break
    else:
        etree.SubElement(types, f"{{{_CT_NS}}}Override", PartName=f"/{name}", ContentType=CT.OPC_CORE_PROPERTIES)
    entries["[Content_Types].xml"] = etree.tostring(types, encoding="UTF-8", xml_declaration=True, standalone=True)


ENGINES = ("ptms", "docxtpl")
ENGINE = "ptms"  # "docxtpl": the slow reference path (`ptms render --engine docxtpl`)


def render(template: Path, context: dict, props: Properties, images: dict | None = None,
           finish: Callable[[Any], None] | None = None) -> bytes:
    """Render `template` with `context`; returns the .docx bytes (reproducible).

    `images`: {name: PNG bytes | None | function returning them}, available as `images.<name>`.
    `finish`: called on each rendered part's XML tree (body, headers, footers…) before it is written
    (the pipeline's typography pass).
    """
    if ENGINE == "docxtpl":
        return render_with_docxtpl(template, context, props, images, finish)
    package = _package(template)
    media = _Media(package)
    ctx = dict(context)
    given = context.get("images")
    if given is None or images:  # a caller's own `images` is kept: its entries win over ours
        ctx["images"] = _Images(media, images or {}, given if isinstance(given, Mapping) else {})
    _BUDGET[0] = MAX_STEPS
    out: dict[str, bytes] = {}
    for part in package.parts:
        media.part = part.name
        try:
            xml = _render_part(package, part, ctx)
        except ValueError as exc:  # a picture that is not a PNG
            raise RenderError(f"modèle « {package.name} » : image illisible ({exc})") from None
        try:
            tree = parse_xml(xml)
        except etree.XMLSyntaxError as exc:
            raise RenderError(f"modèle « {package.name} » ({_part_label(part.key)}) : le rendu n'est pas "
                              f"un XML valide ({exc}) — une balise {{% %}} coupe sans doute un paragraphe") from None
        if finish is not None:
            finish(tree)
        if part.key == "body":
            fix_tables(tree)
            for n, doc_pr in enumerate(tree.iter(f"{_WP}docPr"), start=1001):  # unique picture ids
                doc_pr.set("id", str(n))
            out[part.name] = package.head + etree.tostring(tree, encoding="UTF-8", xml_declaration=False) + package.tail
        else:
            out[part.name] = _DECLARATION + etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
    entries = dict(package.entries)
    entries.update(out)
    core = package.core or "docProps/core.xml"
    if package.core is None:
        _add_core_part(entries, core)
    entries[core] = _core_properties(package, props)
    media.write(entries)
    unchanged = {n: stream for n, stream in package.deflated.items() if entries[n] is package.entries[n]}
    return _zip(entries, unchanged, stored=set(media.files.values()))


def render_with_docxtpl(template: Path, context: dict, props: Properties, images: dict | None = None,
                        finish: Callable[[Any], None] | None = None) -> bytes:
    """The reference path: docxtpl itself renders (same sandbox and bounds), slower; for comparison."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    data, _ = read_template(template)
    name = template_name(Path(template))
    read_entries(data, name)  # the same zip checks
    try:
        tpl = DocxTemplate(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a damaged file
        raise _unreadable(name, str(exc)) from None
    ctx = dict(context)
    if context.get("images") is None or images:
        pictures = {}
        for key, png in (images or {}).items():
            png = png() if callable(png) else png
            pictures[key] = InlineImage(tpl, io.BytesIO(png), width=Mm(IMAGE_WIDTH_MM)) if png else None
        given = context.get("images")
        ctx["images"] = {**pictures, **(given if isinstance(given, Mapping) else {})}
    _BUDGET[0] = MAX_STEPS
    try:
        tpl.render(ctx, environment(), autoescape=True)
    except SecurityError as exc:
        raise RenderError(f"modèle « {name} » : opération interdite par le bac à sable ({_french_security(str(exc))})") from None
    except UndefinedError as exc:
        raise RenderError(f"modèle « {name} » : variable non définie « {_undefined_name(exc.message or '')} »") from None
    except Exception as exc:  # noqa: BLE001 - docxtpl's errors are of every kind
        raise RenderError(f"modèle « {name} » : rendu par docxtpl impossible ({french_jinja(str(exc))})") from None
    core = tpl.docx.core_properties
    moment = dt.datetime.combine(props.date or dt.date(2000, 1, 1), dt.time(0, 0))
    core.title, core.subject, core.author = props.title[:255], props.subject[:255], props.author[:255]
    core.last_modified_by, core.language, core.revision = props.author[:255], "fr-FR", 1
    core.comments, core.created, core.modified, core.last_printed = "Document produit par ptms.", moment, moment, moment
    if finish is not None:
        finish(tpl.docx.element.body)
        for rel in tpl.docx.part.rels.values():
            if rel.reltype in (RT.HEADER, RT.FOOTER):
                finish(rel.target_part.element)
    out = io.BytesIO()
    tpl.save(out)
    return normalize_docx(out.getvalue())


ZIP_LEVEL = 6
_PRECOMPRESSED_OK: bool | None = None  # None: not checked yet in this process


class _Precompressed:
    """Stands for zipfile's compressor: hands over a deflate stream computed earlier for these bytes."""

    def __init__(self, stream: bytes) -> None:
        self._stream = stream

    def compress(self, data: bytes) -> bytes:
        stream, self._stream = self._stream, b""
        return stream

    def flush(self) -> bytes:
        return b""


def _precompressed_works() -> bool:
    """Whether handing zipfile a deflate stream computed earlier gives the bytes zipfile would write.

    It relies on `_compressor`, a private attribute of zipfile's writer: checked once per process
    against zipfile's own output; when it differs (a Python version that changed it), every entry
    is compressed by zipfile itself (slower, same documents).
    """
    sample = b"<w:document>" + b"ptms " * 200 + b"</w:document>"
    try:
        return _zip({"a.xml": sample}, {"a.xml": _deflate(sample)}, check=False) == _zip({"a.xml": sample}, check=False)
    except Exception:  # noqa: BLE001 - any failure of the private path means: do not use it
        return False


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _zip(entries: dict[str, bytes], deflated: dict[str, bytes] | None = None, stored: set[str] | frozenset[str] = frozenset(),
         check: bool = True) -> bytes:
    """A zip with fixed timestamps, attributes and entry order (content types and package rels first).

    `deflated`: entries whose deflate stream is already known (a template's entries copied as they
    are: styles.xml alone is hundreds of kilobytes) — handed to zipfile, which still computes the
    CRC and sizes itself. Same bytes as compressing each time. `stored`: entries written without
    compression (pictures: PNG data is compressed already).
    """
    global _PRECOMPRESSED_OK
    if check and _PRECOMPRESSED_OK is None:
        _PRECOMPRESSED_OK = True
        _PRECOMPRESSED_OK = _precompressed_works()
    deflated = deflated or {}
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in entries]
    order = first + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            data = entries[name]
            stream = deflated.get(name)
            if stream is None or name in stored:
                dst.writestr(info, data, compresslevel=ZIP_LEVEL)
                continue
            with dst.open(info, "w") as fh:
                if _PRECOMPRESSED_OK and hasattr(fh, "_compressor"):  # zipfile's private attribute (CPython 3.10–3.14)
                    fh._compressor = _Precompressed(stream)
                fh.write(data)
    return out.getvalue()


def normalize_docx(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps, attributes and entry order."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return _zip({name: src.read(name) for name in src.namelist()})
