"""`ptms render -j 1 --format pdf` of several projects: LibreOffice converts one project while the
next one is rendered (issue 18). Python runs in one thread at a time; a failure stays with its
project; the reports come back in order, to the calling thread. The fake conversions below stand
for LibreOffice (no timing: the order of events is what is checked); the last test uses the real one.
"""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES
from ptms_cli.documents import batch, converter

AGGLO = EXAMPLES / "agglo-val-de-marque.yaml"


def _projects(tmp_path: Path, n: int) -> list[batch.Task]:
    data = yaml.safe_load(AGGLO.read_text(encoding="utf-8"))
    tasks = []
    for i in range(n):
        data["name"] = f"Projet numéro {i}"
        file = tmp_path / "projets" / f"p{i}.yaml"
        file.parent.mkdir(exist_ok=True)
        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        tasks.append(batch.Task(file, tmp_path / "out" / f"p{i}", names=("convention",), formats=("docx", "pdf")))
    return tasks


@pytest.fixture
def fake_libreoffice(monkeypatch):
    """`convert_documents` without LibreOffice: `convert(stems)` (set by the test) gives the result;
    `events` records validations and conversions in order; LibreOffice is never started."""
    from ptms_cli import validation

    events: list[tuple[str, str]] = []
    state: dict = {"python": 0, "most": 0, "held": []}
    real_validate = validation.validate_file

    def validate_file(file, *a, **kw):
        state["python"] += 1
        state["most"] = max(state["most"], state["python"])
        events.append(("rendu", Path(file).stem))
        state["held"].append(converter._WORK is not None and converter._WORK.locked())  # the Python side's lock
        try:
            return real_validate(file, *a, **kw)
        finally:
            state["python"] -= 1

    def convert_all(documents, fmt):
        stems = sorted(documents)
        events.append(("début conversion", stems[0]))
        try:
            return fake.convert(stems)
        finally:
            events.append(("fin conversion", stems[0]))

    class Fake:
        convert = staticmethod(lambda stems: ({s: b"%PDF-1.7 faux" for s in stems}, []))

    fake = Fake()
    fake.events, fake.state = events, state
    monkeypatch.setattr(validation, "validate_file", validate_file)
    monkeypatch.setattr(converter, "_convert_all", convert_all)
    monkeypatch.setattr(converter, "prepare", lambda: None)
    monkeypatch.setattr(converter, "soffice_path", lambda: "/usr/bin/soffice")
    return fake


def test_the_next_project_is_rendered_while_libreoffice_converts(tmp_path, fake_libreoffice, monkeypatch):
    """The conversion of project 0 waits until project 1 has been validated and rendered: without
    the overlap, it would wait forever (the timeout below is only a safety net)."""
    tasks = _projects(tmp_path, 3)
    second_started = threading.Event()
    first = []

    def convert(stems):
        if not first:
            first.append(True)
            assert second_started.wait(60), "le projet suivant n'a pas été rendu pendant la conversion"
        return {s: b"%PDF-1.7 faux" for s in stems}, []

    fake_libreoffice.convert = convert
    import ptms_cli.validation as validation

    recording = validation.validate_file  # the fixture's, which records events

    def validate_file(file, *a, **kw):
        if Path(file).stem == "p1":
            second_started.set()
        return recording(file, *a, **kw)

    monkeypatch.setattr(validation, "validate_file", validate_file)
    seen_in = []
    reports = batch.run(tasks, jobs=1, on_done=lambda r: seen_in.append(threading.current_thread()))
    assert [r.status for r in reports] == ["rendered"] * 3
    assert [Path(r.file).stem for r in reports] == ["p0", "p1", "p2"]
    assert all(t is threading.main_thread() for t in seen_in) and len(seen_in) == 3
    events = fake_libreoffice.events
    assert events.index(("rendu", "p1")) < events.index(("fin conversion", "convention"))
    assert fake_libreoffice.state["most"] == 1  # never two threads in the Python side at once
    assert fake_libreoffice.state["held"] == [True] * 3
    for i in range(3):
        out = tmp_path / "out" / f"p{i}"
        assert (out / "convention.pdf").read_bytes() == b"%PDF-1.7 faux"
        assert (out / "convention.docx").read_bytes()[:2] == b"PK"
    assert converter._WORK is None  # the overlap ends with the batch


def test_a_failed_conversion_fails_only_its_project(tmp_path, fake_libreoffice):
    tasks = _projects(tmp_path, 3)
    calls = []

    def convert(stems):
        calls.append(stems)
        if len(calls) == 2:
            return {}, ["LibreOffice n'a pas pu convertir « convention.docx » en PDF : essai"]
        return {s: b"%PDF-1.7 faux" for s in stems}, []

    fake_libreoffice.convert = convert
    reports = batch.run(tasks, jobs=1)
    assert len(calls) == 3
    assert sorted(r.status for r in reports) == ["failed", "rendered", "rendered"]
    failed = next(r for r in reports if r.status == "failed")
    assert failed.failed == [{"document": "", "reason": "LibreOffice n'a pas pu convertir « convention.docx » en PDF : essai"}]
    assert failed.written == ["convention.docx"]  # its .docx is still written
    assert not (Path(failed.out_dir) / "convention.pdf").exists()
    for r in reports:
        if r.status == "rendered":
            assert sorted(r.written) == ["convention.docx", "convention.pdf"]


def test_a_single_project_or_docx_only_does_not_start_threads(tmp_path, fake_libreoffice, monkeypatch):
    """No overlap where there is nothing to overlap: one project, or no PDF/ODT, or --check."""
    started = []
    monkeypatch.setattr(batch, "_run_overlapped", lambda *a: started.append(a) or [])
    tasks = _projects(tmp_path, 2)
    assert [r.status for r in batch.run(tasks[:1], jobs=1)] == ["rendered"]
    docx_only = [batch.Task(t.file, tmp_path / "docx" / t.file.stem, names=t.names, formats=("docx",)) for t in tasks]
    assert [r.status for r in batch.run(docx_only, jobs=1)] == ["rendered", "rendered"]
    checks = [batch.Task(t.file, t.out_dir, names=t.names, formats=("docx", "pdf"), check=True) for t in tasks]
    assert [r.status for r in batch.run(checks, jobs=1)] == ["unchanged", "outdated"]  # p1: no PDF on disk
    assert started == []
    assert batch.run(tasks, jobs=1) == [] and len(started) == 1  # several projects with PDF: overlapped


def test_an_error_in_the_callback_stops_the_batch_and_joins_the_threads(tmp_path, fake_libreoffice):
    tasks = _projects(tmp_path, 4)

    def on_done(report):
        raise KeyboardInterrupt  # what Ctrl-C does in the calling thread

    with pytest.raises(KeyboardInterrupt):
        batch.run(tasks, jobs=1, on_done=on_done)
    assert not [t for t in threading.enumerate() if t.name.startswith("ptms-rendu")]
    assert converter._WORK is None
    rendered = [p for p in (tmp_path / "out").glob("p*/convention.pdf")]
    assert 1 <= len(rendered) < 4  # the projects in progress finished, no new one was started
    assert not list((tmp_path / "out").rglob("*.tmp"))


def test_ctrl_c_stops_a_conversion_that_does_not_end(tmp_path, fake_libreoffice, monkeypatch):
    """Ctrl-C while the other thread waits for a LibreOffice that does not answer: after
    QUIT_TIMEOUT, `converter.interrupt` ends it; nothing else is converted; no thread is left."""
    monkeypatch.setattr(converter, "QUIT_TIMEOUT", 0.5)
    tasks = _projects(tmp_path, 4)
    released, calls = [], []
    second = threading.Event()

    def convert(stems):
        calls.append(stems)
        if len(calls) == 2:  # project 1's, while project 0's report interrupts the batch
            second.set()
            released.append(converter._INTERRUPTED.wait(120))  # "LibreOffice" answers only when interrupted
            return {}, ["LibreOffice s'est arrêté"]
        return {s: b"%PDF-1.7 faux" for s in stems}, []

    fake_libreoffice.convert = convert

    def on_done(report):
        assert second.wait(60)  # project 1 is being converted
        raise KeyboardInterrupt  # what Ctrl-C does in the calling thread

    with pytest.raises(KeyboardInterrupt):
        batch.run(tasks, jobs=1, on_done=on_done)
    assert released == [True]  # ended by `interrupt`, not by the safety timeout
    assert ("rendu", "p3") not in fake_libreoffice.events  # no project started after Ctrl-C
    assert not [t for t in threading.enumerate() if t.name.startswith("ptms-rendu")]
    assert not converter._INTERRUPTED.is_set()  # cleared for the next batch
    assert not list((tmp_path / "out").rglob("*.tmp"))


def test_an_interrupted_batch_converts_nothing_more(monkeypatch):
    """After `interrupt`, the documents not yet sent to LibreOffice fail with a French message."""
    monkeypatch.setattr(converter, "soffice_path", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(converter, "_converter", lambda: object())  # never used: nothing converted
    with converter.overlapping(__import__("threading").Lock()):
        converter.interrupt()
        files, errors = converter._convert_all({"convention": b"PK", "lettre": b"PK"}, "pdf")
    assert files == {}
    assert errors == ["conversion de « convention.docx » en PDF interrompue",
                      "conversion de « lettre.docx » en PDF interrompue"]


@pytest.mark.pdf
def test_overlapped_batch_through_the_real_libreoffice(tmp_path, monkeypatch):
    """Three projects, -j 1, PDF: one LibreOffice converts the three, no restart, real PDF/A."""
    from ptms_cli.documents.export import soffice_path

    if soffice_path() is None or converter.uno_python() is None:
        pytest.fail("LibreOffice (soffice) et python3-uno sont requis pour ce test (.ci/run les installe).")
    monkeypatch.setattr(converter, "_CONVERTER", None)
    monkeypatch.setattr(converter, "_BROKEN", False)
    tasks = _projects(tmp_path, 3)
    try:
        reports = batch.run(tasks, jobs=1)
        count, restarts = converter._CONVERTER.count, converter._CONVERTER.restarts
    finally:
        converter._close_all()
    assert [r.status for r in reports] == ["rendered"] * 3, [r.failed for r in reports]
    assert (count, restarts) == (3, 0)
    for i in range(3):
        pdf = tmp_path / "out" / f"p{i}" / "convention.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        assert f"Projet numéro {i}" in text
        assert re.search(rb"pdfaid:part(?:>|=\")2", pdf.read_bytes())  # PDF/A-2, as without the overlap
