"""Exports derived from a rendered .docx: Markdown (for reviews and diffs), PDF and ODT (LibreOffice:
kept running by `converter`, or one call per batch here).

The template stays the one source of truth: Markdown is read back from the rendered document
(headings, numbered articles and annexes, paragraphs, bullet lists, tables), never written twice.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

PDF_TIMEOUT = 180  # seconds for one LibreOffice run over a batch (the fallback)
# PDF export options: PDF/A-2b (archivable) and tagged (structure for screen readers, RGAA)
FILTER_OPTIONS: dict[str, dict[str, bool | int]] = {"pdf": {"SelectPdfVersion": 2, "UseTaggedPDF": True}}


class ExportError(Exception):
    """An export failed; the message is French."""


# --- Markdown ---------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]|])")
_MD_BLOCK_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+](?=\s|$)|\d+(?=[.)](\s|$))|=+\s*$|-{3,}\s*$)")


def md_escape(text: str) -> str:
    """User text made inert in Markdown: « & < > » as HTML entities (no raw HTML gets through), and a
    backslash before « \\ ` * _ [ ] | ». Letters, digits and ordinary punctuation stay as they are, so
    the file remains readable. Invisible controls (bidirectional overrides, zero-width spaces…:
    `reporters.visible`) are written `\\u202e`, so no name is reversed or hidden."""
    from ..reporters import visible

    return visible(_MD_INLINE.sub(r"\\\1", html.escape(text, quote=False)))


def _block_start(line: str) -> str:
    """Escape what would make a line a heading, a list item or a rule (« # », « - », « 1. », « --- »)."""
    match = _MD_BLOCK_START.match(line)
    if not match:
        return line
    if match.group(0)[0].isdigit():  # « 1. » -> « 1\. »
        end = match.end()
        return line[:end] + "\\" + line[end:]
    return "\\" + line


def _runs_text(paragraph) -> str:
    """Paragraph text with `**bold**` runs and line breaks as Markdown hard breaks."""
    from docx.oxml.ns import qn

    out = []
    for run in paragraph.runs:
        pieces = []
        for child in run._r.iterchildren():
            if child.tag == qn("w:t"):
                pieces.append(child.text or "")
            elif child.tag == qn("w:br") and child.get(qn("w:type")) in (None, "textWrapping"):
                pieces.append("\n")
            elif child.tag == qn("w:tab"):
                pieces.append(" ")
        text = md_escape("".join(pieces))
        if run.bold and text.strip():
            lead, core, trail = text[: len(text) - len(text.lstrip())], text.strip(), text[len(text.rstrip()):]
            text = f"{lead}**{core}**{trail}"
        out.append(text)
    text = "".join(out).replace("****", "")
    return "  \n".join(_block_start(line.rstrip()) for line in text.split("\n"))


def _cell_text(cell) -> str:
    lines = [md_escape(p.text) for p in cell.paragraphs]
    return "<br>".join(x.replace("\n", "<br>") for x in lines if x.strip())


def _style_name(paragraph) -> str:
    try:
        return paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return ""


def docx_to_markdown(data: bytes) -> str:
    """Markdown of a rendered .docx: body only (no header or footer)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))
    counters = {"Article": 0, "Annexe": 0}
    blocks: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, doc)
            style = _style_name(p)
            text = _runs_text(p).strip()
            if "graphicData" in child.xml and not text:
                blocks.append("*(graphique)*")
                continue
            if not text:
                continue
            plain = md_escape(p.text.strip())
            if style == "Title":
                blocks.append(f"# {plain}")
            elif style == "Subtitle":
                blocks.append(f"*{plain}*")
            elif style in counters:
                counters[style] += 1
                numbered = plain if plain.startswith(f"{style} ") else f"{style} {counters[style]} – {plain}"
                blocks.append(f"{'##' if style == 'Annexe' else '###'} {numbered}")  # numbered by Word or in the text
            elif style.startswith("Heading "):
                level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
                blocks.append(f"{'#' * min(level + 1, 6)} {plain}")
            elif style.startswith("List Bullet"):
                if blocks and blocks[-1].startswith("- "):
                    blocks[-1] += f"\n- {text}"
                else:
                    blocks.append(f"- {text}")
            else:
                blocks.append(text)
        elif tag == "tbl":
            table = Table(child, doc)
            rows = [[_cell_text(c) for c in row.cells] for row in table.rows]
            if not rows:
                continue
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
            lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


# --- PDF, ODT --------------------------------------------------------------------------------------

def soffice_path() -> str | None:
    """LibreOffice's command, or None. `PTMS_SOFFICE` overrides the lookup (empty: none)."""
    override = os.environ.get("PTMS_SOFFICE")
    if override is not None:
        return shutil.which(override) if override else None
    return shutil.which("soffice") or shutil.which("libreoffice")


MISSING_SOFFICE = (
    "LibreOffice est introuvable : la conversion en PDF est impossible. Installez-le "
    "(Debian/Ubuntu : « sudo apt-get install libreoffice-writer-nogui ») ou demandez seulement "
    "« --format docx,md »."
)


def _convert_to(fmt: str) -> str:
    """`--convert-to` argument: the format, with the export filter's options (LibreOffice 7.4+ syntax)."""
    options = FILTER_OPTIONS.get(fmt)
    if not options:
        return fmt
    spec = {k: {"type": "boolean" if isinstance(v, bool) else "long", "value": str(v).lower()}
            for k, v in options.items()}
    return f"{fmt}:writer_pdf_Export:{json.dumps(spec, separators=(',', ':'))}"


def convert_batch(documents: dict[str, bytes], fmt: str = "pdf", timeout: float = PDF_TIMEOUT) -> dict[str, bytes]:
    """Convert .docx files to `fmt` (pdf, odt) in one LibreOffice run with its own profile.
    {stem: docx} -> {stem: converted}. The fallback of `converter.convert_documents`."""
    soffice = soffice_path()
    if soffice is None:
        raise ExportError(MISSING_SOFFICE)
    if not documents:
        return {}
    label = fmt.upper()
    with tempfile.TemporaryDirectory(prefix="ptms-pdf-") as tmp:
        tmpdir = Path(tmp)
        profile = tmpdir / "profile"
        src = tmpdir / "src"
        src.mkdir()
        for stem, data in documents.items():
            (src / f"{stem}.docx").write_bytes(data)
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", _convert_to(fmt), "--outdir", str(tmpdir / "out"), *sorted(str(p) for p in src.iterdir())]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    stdin=subprocess.DEVNULL, start_new_session=True,
                                    env={**os.environ, "TMPDIR": str(tmpdir)})  # its temporary files go with ours
        except OSError as exc:
            raise ExportError(f"LibreOffice n'a pas pu être lancé : {exc.strerror or exc}") from None
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ExportError(f"LibreOffice n'a pas terminé la conversion en {label} en {int(timeout)} secondes") from None
        finally:  # timeout, Ctrl-C: LibreOffice's whole process group goes
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, 9)
                except OSError:
                    pass
                proc.wait()
        out = {}
        for stem in documents:
            path = tmpdir / "out" / f"{stem}.{fmt}"
            if not path.is_file():
                detail = (stderr or stdout or "").strip().splitlines()
                raise ExportError(f"LibreOffice n'a pas produit « {stem}.{fmt} »"
                                  + (f" : {detail[-1]}" if detail else ""))
            out[stem] = path.read_bytes()
        return out
