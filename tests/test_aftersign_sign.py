"""`ptms sign`: the signed version archived (copy, documents as PDF/A, digests), its date, digest and
folder written into the project file; `amend` and `report` find it and refuse a tampered archive."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from conftest import require_soffice

from ptms_cli.aftersign import sign
from ptms_cli.documents.manifest import sha256


def test_pdfa_part_reads_the_xmp_declaration():
    assert sign.pdfa_part(b"%PDF-1.7\n<x:xmpmeta><pdfaid:part>2</pdfaid:part>") == "2"
    assert sign.pdfa_part(b'%PDF-1.7\n<rdf:Description pdfaid:part="3" pdfaid:conformance="B"/>') == "3"
    assert sign.pdfa_part(b"%PDF-1.7\nno metadata") is None
    assert sign.pdfa_part(b"PK\x03\x04<pdfaid:part>2</pdfaid:part>") is None  # not a PDF


@pytest.mark.pdf
def test_sign_archives_the_convention_as_pdfa_and_writes_the_record_into_the_project(
        ptms, write_project, intercommunal, tmp_path):
    require_soffice()
    path = write_project(intercommunal)
    before = path.read_bytes()
    r = ptms("sign", path, "--date", "2026-03-15", timeout=600)
    assert r.code == 0, r.err
    folder = sign.folder_for(path)
    pdf = (folder / "convention.pdf").read_bytes()
    assert sign.pdfa_part(pdf) == "2"
    record = json.loads((folder / sign.RECORD).read_text(encoding="utf-8"))
    assert record["documents"] == {"convention.pdf": sha256(pdf)} and record["pdfa"] == ["convention.pdf"]
    assert (folder / path.name).read_bytes() == before and record["sha256"] == sha256(before)
    section = yaml.safe_load(path.read_text(encoding="utf-8"))["signature"]
    assert section == {"date": dt.date(2026, 3, 15), "sha256": sha256(before),
                       "archive": folder.name}
    # the rest of the file is kept as it was: only the section is appended
    assert path.read_bytes().startswith(before.rstrip(b"\n"))
    assert ptms("validate", path).code == 0
    same = ptms("amend", path, "-o", tmp_path / "out")
    assert same.code == 0 and "aucun avenant" in same.out


@pytest.mark.slow
def test_amend_finds_an_archive_elsewhere_through_the_project_file(ptms, write_project, intercommunal, tmp_path):
    path = write_project(intercommunal)
    archive = tmp_path / "archives" / "signature-2026"
    r = ptms("sign", path, "-o", archive, "-f", "docx", "--date", "2026-03-15")
    assert r.code == 0, r.err
    assert "aucun document archivé en PDF/A" in r.err  # a docx-only archive is said not to be one
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["signature"]["archive"] == "archives/signature-2026"
    assert not sign.folder_for(path).exists()
    found = sign.find(path)
    assert found is not None and found.directory == path.parent / "archives/signature-2026"
    # tampered archived document, then a digest in the project file that is not the archive's
    original = (archive / "convention.docx").read_bytes()
    (archive / "convention.docx").write_bytes(b"autre")
    r = ptms("amend", path)
    assert r.code == 2 and "convention.docx » a été modifié depuis la signature" in r.err and "Traceback" not in r.err
    (archive / "convention.docx").write_bytes(original)
    assert sign.find(path) is not None
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(sha256((archive / path.name).read_bytes()), "0" * 64), encoding="utf-8")
    with pytest.raises(sign.SignError, match="signature.sha256"):
        sign.find(path)


def test_find_reports_a_missing_archive_named_in_the_project(write_project, intercommunal):
    data = dict(intercommunal, signature={"date": "2026-03-15", "sha256": "a" * 64, "archive": "ailleurs"})
    path = write_project(data)
    with pytest.raises(sign.SignError, match="« .*ailleurs » indiquée dans"):
        sign.find(path)
    del data["signature"]
    assert sign.find(write_project(data)) is None  # never signed


@pytest.mark.slow
def test_sign_refuses_a_document_the_project_cannot_produce_yet(ptms, write_project, intercommunal):
    path = write_project(intercommunal)
    r = ptms("sign", path, "-d", "inconnu", "-f", "docx")
    assert r.code == 2 and "inconnu" in r.err
    assert not sign.folder_for(path).exists() and "signature" not in yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_signing_again_replaces_the_section(ptms, write_project, intercommunal):
    path = write_project(intercommunal)
    assert ptms("sign", path, "-f", "docx", "--date", "2026-03-15").code == 0
    first = path.read_bytes()
    r = ptms("sign", path, "-f", "docx", "--date", "2027-02-01", "--force")
    assert r.code == 0, r.err
    text = path.read_text(encoding="utf-8")
    assert text.count("\nsignature:") == 1
    section = yaml.safe_load(text)["signature"]
    assert section["date"] == dt.date(2027, 2, 1) and section["sha256"] == sha256(first)  # the copy holds the first record
    assert (sign.folder_for(path) / path.name).read_bytes() == first
