"""The persistent LibreOffice converter: PDF and ODT, a document that hangs or crashes LibreOffice
fails alone, and no LibreOffice process or profile is left behind (exit, Ctrl-C, ptms killed)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, docx_text

pytestmark = pytest.mark.pdf


def _require_libreoffice():
    from ptms_cli.documents.converter import uno_python
    from ptms_cli.documents.export import soffice_path

    if soffice_path() is None or uno_python() is None:
        pytest.fail("LibreOffice (soffice) et python3-uno sont requis pour ces tests (.ci/run les installe).")


def _processes_using(path: Path) -> list[str]:
    """Command lines of the live processes that mention `path` (their profile lives under it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in cmdline:
            found.append(f"{entry.name}: {cmdline}")
    return found


def _wait_until(predicate, limit: float = 30.0) -> bool:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Profiles and conversion files of this test under tmp_path (to look for leftovers there)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def build_outputs(project, file, **kw):
    """Every output of `iter_outputs` in one list (`outcome.outputs`), nothing written."""
    from ptms_cli.documents.pipeline import Outcome, iter_outputs

    outcome = Outcome(Path("."))
    outcome.outputs = [o for chunk in iter_outputs(project, file, outcome, **kw) for o in chunk]
    return outcome


def _rendered(names=("convention", "cahier-des-charges", "mobilisation")) -> dict[str, bytes]:
    from ptms_cli.validation import validate_file

    file = EXAMPLES / "agglo-val-de-marque.yaml"
    outcome = build_outputs(validate_file(file).project, file, names=list(names), formats=("docx",))
    return {o.name.removesuffix(".docx"): o.data for o in outcome.outputs}


def _pdf_text(data: bytes, tmp: Path) -> str:
    path = tmp / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=60).stdout


def _converter(**kw):
    from ptms_cli.documents.converter import Converter, uno_python
    from ptms_cli.documents.export import soffice_path

    return Converter(soffice_path(), uno_python(), **kw)


def test_pdf_and_odt_through_one_libreoffice(tmp_path, private_tmp):
    _require_libreoffice()
    docx = _rendered(("convention",))["convention"]
    conv = _converter()
    try:
        pdf = conv.convert(docx, "pdf", "convention.docx")
        pid = conv.soffice_pid
        odt = conv.convert(docx, "odt", "convention.docx")
        back = conv.convert(odt, "docx", "convention.odt", src_ext="odt")  # the ODT opens again
        assert conv.soffice_pid == pid and conv.restarts == 0  # one LibreOffice for all three
        assert _processes_using(private_tmp)
    finally:
        conv.close()
    assert pdf.startswith(b"%PDF")
    assert "Convention unique pluripartite" in _pdf_text(pdf, tmp_path)
    with zipfile.ZipFile(io.BytesIO(odt)) as z:
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    text = docx_text(back)
    assert "Convention unique pluripartite" in text
    assert _processes_using(private_tmp) == [] and list(private_tmp.iterdir()) == []


def _pipe_of(pid: int) -> Path:
    """The socket file in /tmp of the UNO pipe LibreOffice `pid` listens on (from its command line)."""
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    accept = next(a.decode() for a in args if a.startswith(b"--accept=pipe,name="))
    return Path(f"/tmp/OSL_PIPE_{os.getuid()}_{accept.split('name=')[1].split(';')[0]}")


def test_libreoffice_quits_cleanly_and_leaves_no_socket_in_tmp(tmp_path, private_tmp):
    """LibreOffice writes its pipes' sockets in /tmp whatever TMPDIR says; killed, it leaves them
    there (two files per run). After a normal run, ptms lets it quit: the socket is gone."""
    _require_libreoffice()
    docx = _rendered(("convention",))["convention"]
    conv = _converter()
    try:
        assert conv.convert(docx, "pdf", "convention.docx").startswith(b"%PDF")
        pipe = next(_pipe_of(p) for p in _soffice_children(conv.soffice_pid))
        assert pipe.is_socket()
    finally:
        conv.close()
    assert not pipe.exists()


def _soffice_children(pgid: int) -> list[int]:
    """Processes of LibreOffice's process group whose command line has the --accept option."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid and b"--accept=pipe" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_a_document_that_hangs_libreoffice_fails_alone(tmp_path, private_tmp, monkeypatch):
    """LibreOffice frozen (SIGSTOP) while it converts the second document: that document fails with a
    French message after the timeout, LibreOffice is started again, the others are converted."""
    _require_libreoffice()
    from ptms_cli.documents import converter
    from ptms_cli.validation import validate_file

    monkeypatch.setattr(converter, "CONVERT_TIMEOUT", 8.0)
    monkeypatch.setattr(converter, "_CONVERTER", None)
    monkeypatch.setattr(converter, "_BROKEN", False)
    original = converter.Converter._request
    seen = []

    def request(self, req):
        seen.append(req)
        if len(seen) == 2:
            os.killpg(self.soffice_pid, signal.SIGSTOP)
        return original(self, req)

    monkeypatch.setattr(converter.Converter, "_request", request)
    file = EXAMPLES / "agglo-val-de-marque.yaml"
    try:
        outcome = build_outputs(validate_file(file).project, file, formats=("pdf",),
                                names=["mobilisation", "cahier-des-charges", "convention"])
        restarts = converter._CONVERTER.restarts
    finally:
        converter._close_all()
    assert outcome.errors == ["LibreOffice n'a pas converti « cahier-des-charges.docx » en PDF en 8 secondes : "
                              "conversion abandonnée (LibreOffice est relancé pour les documents suivants)"]
    assert sorted(o.name for o in outcome.outputs) == ["convention.pdf", "dossier-mobilisation.pdf"]
    assert all(o.data.startswith(b"%PDF") for o in outcome.outputs)
    assert restarts == 1
    assert _wait_until(lambda: _processes_using(private_tmp) == [], 10), _processes_using(private_tmp)
    assert list(private_tmp.iterdir()) == []


def test_libreoffice_crashing_during_a_document_fails_only_that_one(tmp_path, private_tmp):
    _require_libreoffice()
    from ptms_cli.documents.export import ExportError

    docs = _rendered(("convention", "mobilisation"))
    conv = _converter()
    try:
        assert conv.convert(docs["dossier-mobilisation"], "pdf", "dossier-mobilisation.docx").startswith(b"%PDF")
        first = conv.soffice_pid
        os.killpg(first, signal.SIGSTOP)  # held still, then killed while it has the document
        threading.Timer(1.5, os.killpg, (first, signal.SIGKILL)).start()
        with pytest.raises(ExportError) as failed:
            conv.convert(docs["convention"], "pdf", "convention.docx")
        assert str(failed.value) == ("LibreOffice s'est arrêté pendant la conversion de « convention.docx » en PDF "
                                     "(il est relancé pour les documents suivants)")
        assert conv.convert(docs["convention"], "pdf", "convention.docx").startswith(b"%PDF")
        assert conv.soffice_pid != first and conv.restarts == 1
        # LibreOffice gone while idle (not the document's fault): started again, the document converted
        os.killpg(conv.soffice_pid, signal.SIGKILL)
        time.sleep(0.5)
        assert conv.convert(docs["dossier-mobilisation"], "odt", "dossier-mobilisation.docx")[:2] == b"PK"
    finally:
        conv.close()
    assert _processes_using(private_tmp) == [] and list(private_tmp.iterdir()) == []


def _render_in_background(tmp_path: Path, jobs: str) -> tuple[subprocess.Popen, Path]:
    root = tmp_path / "tmp"
    root.mkdir()
    projects = tmp_path / "projets"
    projects.mkdir()
    for i in range(4):
        (projects / f"p{i}.yaml").write_bytes((EXAMPLES / "cc-deux-rives.yaml").read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "ptms_cli", "render", str(projects), "-o", str(tmp_path / "out"),
                             "--format", "pdf", "-j", jobs], env={**os.environ, "TMPDIR": str(root)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    started = _wait_until(lambda: any("soffice" in c for c in _processes_using(root)), 240)
    if not started:
        proc.kill()
        proc.wait()
    assert started, "LibreOffice n'a pas démarré"
    time.sleep(2)
    return proc, root


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_leaves_no_libreoffice_behind(tmp_path, jobs):
    _require_libreoffice()
    proc, root = _render_in_background(tmp_path, jobs)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    assert proc.wait(60) != 0
    assert _processes_using(root) == []
    assert list(root.iterdir()) == []


def test_ptms_killed_outright_leaves_no_libreoffice_behind(tmp_path):
    _require_libreoffice()
    proc, root = _render_in_background(tmp_path, "1")
    proc.kill()  # no cleanup possible in ptms: the helper notices its parent is gone
    proc.wait()
    assert _wait_until(lambda: _processes_using(root) == [], 20), _processes_using(root)
    assert list(root.iterdir()) == []


def test_render_odt(tmp_path, ptms):
    _require_libreoffice()
    out = tmp_path / "out"
    run = ptms("render", EXAMPLES / "cc-deux-rives.yaml", "-o", out, "--format", "odt,pdf", "--doc", "mobilisation",
               timeout=600)
    assert run.code == 0, run.err
    with zipfile.ZipFile(out / "dossier-mobilisation.odt") as z:
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        assert "Dossier de mobilisation" in z.read("content.xml").decode() + z.read("meta.xml").decode()
    assert (out / "dossier-mobilisation.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "dossier-mobilisation.odt", "dossier-mobilisation.pdf"]


def test_falls_back_to_one_libreoffice_call_per_batch(tmp_path, private_tmp, monkeypatch):
    """No python3-uno for the helper (here: ptms's own interpreter, which has none): the documents
    are converted by one `soffice --convert-to` call for the batch."""
    _require_libreoffice()
    from ptms_cli.documents import converter

    monkeypatch.setenv("PTMS_UNO_PYTHON", sys.executable)
    monkeypatch.setattr(converter, "_CONVERTER", None)
    monkeypatch.setattr(converter, "_BROKEN", False)
    calls = []
    batch = converter.convert_batch
    monkeypatch.setattr(converter, "convert_batch", lambda docs, fmt: calls.append(sorted(docs)) or batch(docs, fmt))
    try:
        files, errors = converter.convert_documents(_rendered(("convention", "mobilisation")), "pdf")
        assert converter._BROKEN  # not tried again for the next project
    finally:
        converter._close_all()
    assert errors == [] and calls == [["convention", "dossier-mobilisation"]]
    assert "Convention unique pluripartite" in _pdf_text(files["convention"], tmp_path)
    assert files["dossier-mobilisation"].startswith(b"%PDF")
    assert list(private_tmp.iterdir()) == []
