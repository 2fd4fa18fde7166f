"""PDF exports are archivable and accessible: PDF/A-2b declared in the XMP metadata, tagged structure
(RGAA), through the persistent LibreOffice and through the one-call-per-batch fallback; the ODT
export opens again and converts back to Word."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLES, docx_text, plain, require_soffice

pytestmark = pytest.mark.pdf


def pdf_facts(path: Path) -> dict[str, str]:
    """What a PDF declares: `pdfinfo`'s fields, and the PDF/A part and conformance of its XMP."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60).stdout
    facts = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    facts = {k.strip(): v.strip() for k, v in facts.items()}
    data = path.read_bytes()
    for key in ("part", "conformance"):
        m = re.search(rb"pdfaid:" + key.encode() + rb"(?:>|=\")([^<\"]+)", data)
        facts[f"pdfa_{key}"] = m.group(1).decode() if m else ""
    return facts


@pytest.mark.parametrize("uno", ["persistent", "fallback"])
def test_pdf_is_pdfa2b_and_tagged(tmp_path, ptms, monkeypatch, uno):
    require_soffice()
    if uno == "fallback":
        monkeypatch.setenv("PTMS_UNO_PYTHON", "")  # no python3-uno: one soffice call per batch
    out = tmp_path / "out"
    run = ptms("render", EXAMPLES / "commune-beaulieu.yaml", "-o", out, "--format", "pdf", "--doc", "mobilisation",
               timeout=600)
    assert run.code == 0, run.err
    facts = pdf_facts(out / "dossier-mobilisation.pdf")
    assert facts["Tagged"] == "yes"
    assert facts["pdfa_part"] == "2" and facts["pdfa_conformance"].upper() == "B"


def test_an_untagged_pdf_is_told_apart(tmp_path):
    """The check above can fail: a PDF written without the options is neither tagged nor PDF/A."""
    require_soffice()
    from ptms_cli.documents.export import soffice_path

    src = tmp_path / "a.txt"
    src.write_text("Bonjour\n", encoding="utf-8")
    subprocess.run([soffice_path(), f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)], capture_output=True, timeout=300)
    facts = pdf_facts(tmp_path / "a.pdf")
    assert facts["Tagged"] == "no" and facts["pdfa_part"] == ""


def test_odt_opens_and_converts_back(tmp_path, ptms):
    require_soffice()
    out = tmp_path / "out"
    run = ptms("render", EXAMPLES / "commune-beaulieu.yaml", "-o", out, "--format", "odt,docx", "--doc", "lettres",
               timeout=600)
    assert run.code == 0, run.err
    odt = next(out.glob("lettre-intention-*.odt"))
    with zipfile.ZipFile(odt) as z:
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    from ptms_cli.documents import converter

    conv = converter.Converter(converter.soffice_path(), converter.uno_python())
    try:
        back = conv.convert(odt.read_bytes(), "docx", odt.name, src_ext="odt")
    finally:
        conv.close()
    original = plain(docx_text(odt.with_suffix(".docx").read_bytes()))
    again = plain(docx_text(back))
    first = next(line for line in original.splitlines() if len(line) > 40)
    assert first in again
