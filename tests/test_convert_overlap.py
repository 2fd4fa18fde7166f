"""`ptms render --format pdf` of several projects: LibreOffice converts one project while the next
one is rendered (issue 18), in the command's process with `-j 1`, in each worker process with `-j N`.
Python runs in one thread at a time; a failure stays with its project; the reports come back in
order, to the calling thread. The fake conversions stand for LibreOffice (no timing: the order of
events is what is checked): in this process (`fake_libreoffice`), or, for worker processes, a fake
UNO helper they start (`fake_uno`); one test uses the real LibreOffice.
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


# --- the same overlap in each worker process of `-j 2` ---------------------------------------------

def test_a_worker_process_renders_the_next_project_while_libreoffice_converts(tmp_path, fake_libreoffice, monkeypatch):
    """`_worker_main` (what each process of `-j N` runs), driven here through a pipe as the pool does:
    the conversion of the first project waits until the worker renders the second one."""
    import multiprocessing
    import signal

    tasks = _projects(tmp_path, 3)
    second_started = threading.Event()

    def convert(stems):
        if not second_started.is_set():
            assert second_started.wait(60), "le processus n'a pas rendu le projet suivant pendant la conversion"
        return {s: b"%PDF-1.7 faux" for s in stems}, []

    fake_libreoffice.convert = convert
    import ptms_cli.validation as validation

    recording = validation.validate_file

    def validate_file(file, *a, **kw):
        if Path(file).stem == "p1":
            second_started.set()
        return recording(file, *a, **kw)

    monkeypatch.setattr(validation, "validate_file", validate_file)
    parent, child = multiprocessing.Pipe()
    got = []

    def pool_side():  # what `_run_pool` does for one worker: two projects in hand, then one more
        try:
            parent.send((0, tasks[0]))
            parent.send((1, tasks[1]))
            got.append(parent.recv())
            parent.send((2, tasks[2]))
            got.append(parent.recv())
            got.append(parent.recv())
        finally:
            parent.send(None)  # the worker ends (whatever happened here: the test must not hang)

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    feeder = threading.Thread(target=pool_side)
    feeder.start()
    try:
        batch._worker_main(child, 2)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        converter.overlap(None)
    feeder.join(60)
    assert sorted(i for i, _ in got) == [0, 1, 2]
    assert all(report.status == "rendered" for _, report in got), [r.failed for _, r in got]
    events = fake_libreoffice.events
    assert events.index(("rendu", "p1")) < events.index(("fin conversion", "convention"))
    assert fake_libreoffice.state["most"] == 1  # never two threads in the Python side at once
    assert fake_libreoffice.state["held"] == [True] * 3
    assert not [t for t in threading.enumerate() if t.name.startswith("ptms-rendu")]


FAKE_UNO = '''#!{python}
"""Stands for `uno_helper.py` and LibreOffice (the protocol of `converter.Converter`): writes a fake PDF,
logs « worker-pid project-title » per conversion; blocks (until its worker dies) on the first
conversion asked once the file $FAKE_UNO_BLOCK exists (and removes it: one conversion blocks)."""
import json, os, sys, time, zipfile
worker = os.getppid()
print(json.dumps({{"pid": os.getpid()}}), flush=True)
print(json.dumps({{"ready": True}}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    with zipfile.ZipFile(req["src"]) as z:
        core = z.read("docProps/core.xml").decode()
    title = core.split("<dc:title>")[1].split("</dc:title>")[0].split(" — ")[-1]
    with open(os.environ["FAKE_UNO_LOG"], "a") as log:
        log.write(f"{{worker}} {{title}}\\n")
    block = os.environ.get("FAKE_UNO_BLOCK", "")
    try:
        os.rename(block, block + ".pris")
        with open(block + ".pris", "w") as f:
            f.write(str(worker))
        while os.getppid() == worker:
            time.sleep(0.05)
        sys.exit(1)
    except OSError:
        pass
    with open(req["dst"], "wb") as out:
        out.write(b"%PDF-1.7 faux " + title.encode())
    print(json.dumps({{"ok": True, "t": {{}}}}), flush=True)
'''


@pytest.fixture
def fake_uno(tmp_path, monkeypatch):
    """Worker processes convert through FAKE_UNO instead of LibreOffice (environment: they inherit it)."""
    import sys

    script = tmp_path / "fake-uno"
    script.write_text(FAKE_UNO.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PTMS_UNO_PYTHON", str(script))
    monkeypatch.setenv("PTMS_SOFFICE", "true")
    monkeypatch.setenv("FAKE_UNO_LOG", str(tmp_path / "conversions.log"))
    return tmp_path / "conversions.log"


def test_two_workers_share_the_projects_each_with_its_own_converter(tmp_path, fake_uno):
    import json

    from conftest import run_ptms

    _projects(tmp_path, 6)
    run = run_ptms("render", tmp_path / "projets", "-o", tmp_path / "out", "-j", "2", "--format", "docx,pdf",
                   "--doc", "convention", "--report", tmp_path / "r.json", timeout=300)
    assert run.code == 0, run.err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    workers = {p["worker"] for p in report["projects"]}
    assert len(workers) == 2 and all(p["status"] == "rendered" for p in report["projects"])
    log = [line.split(" ", 1) for line in fake_uno.read_text(encoding="utf-8").splitlines()]
    assert sorted(title for _, title in log) == sorted(f"Projet numéro {i}" for i in range(6))
    by_worker = {p["worker"]: set() for p in report["projects"]}
    for p in report["projects"]:
        by_worker[p["worker"]].add(Path(p["file"]).stem)
    for pid, title in log:  # each project converted by the converter of the worker that rendered it
        assert f"p{title.rsplit(' ', 1)[1]}" in by_worker[int(pid)]
    for i in range(6):
        assert (tmp_path / "out" / f"p{i}" / "convention.pdf").read_bytes() == f"%PDF-1.7 faux Projet numéro {i}".encode()


def test_a_killed_worker_fails_only_the_projects_it_held(tmp_path, fake_uno, monkeypatch):
    """A worker killed while its LibreOffice converts: the two projects it had in hand (the one
    converting, and the next one, rendered meanwhile and waiting for LibreOffice) fail with the reason; the others are rendered by the
    other worker and by the one started in its place; nothing partial, no LibreOffice left behind."""
    import json
    import os
    import signal
    import time

    block = tmp_path / "bloque"
    block.write_text("")
    monkeypatch.setenv("FAKE_UNO_BLOCK", str(block))
    _projects(tmp_path, 6)
    proc = subprocess.Popen(
        [__import__("sys").executable, "-m", "ptms_cli", "render", str(tmp_path / "projets"), "-o", str(tmp_path / "out"),
         "-j", "2", "--format", "docx,pdf", "--doc", "convention", "--report", str(tmp_path / "r.json")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
    taken = tmp_path / "bloque.pris"
    deadline = time.monotonic() + 120
    while not (taken.exists() and taken.read_text()) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    worker = int(taken.read_text())
    os.kill(worker, signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, out + err
    assert "Traceback" not in out + err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    failed = [p for p in report["projects"] if p["status"] == "failed"]
    assert len(failed) == 2  # the project converting, and the next one it had rendered meanwhile
    for p in failed:
        assert p["worker"] == worker and "SIGKILL" in p["failed"][0]["reason"]
        assert not (Path(p["out_dir"]) / "convention.pdf").exists()
    rendered = [p for p in report["projects"] if p["status"] == "rendered"]
    assert len(rendered) == 6 - len(failed) and worker not in {p["worker"] for p in rendered}
    for p in rendered:
        assert (Path(p["out_dir"]) / "convention.pdf").read_bytes().startswith(b"%PDF-1.7 faux")
    assert not list((tmp_path / "out").rglob("*.tmp"))
    time.sleep(0.5)  # the blocked fake converter notices its worker is gone (checks every 0,05 s)
    alive = subprocess.run(["pgrep", "-f", str(tmp_path / "fake-uno")], capture_output=True, text=True).stdout
    assert alive == ""


def test_how_a_worker_ended_is_read_from_its_exit_status():
    """-N for signal N (a worker's SIGTERM raises SystemExit(128 + N)); an ordinary exit code stays;
    255 while the process still runs (its worker server died: the pool cannot tell) -> killed now."""
    import signal
    import sys

    class Proc:
        def __init__(self, code, pid=0):
            self.exitcode, self.pid = code, pid

        def join(self, timeout=None):
            pass

    class W:
        def __init__(self, proc):
            self.proc = proc

    assert batch._exit_status(W(Proc(128 + signal.SIGTERM))) == -signal.SIGTERM
    assert batch._exit_status(W(Proc(-signal.SIGKILL))) == -signal.SIGKILL
    assert batch._exit_status(W(Proc(1))) == 1 and batch._exit_status(W(Proc(250))) == 250
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert batch._exit_status(W(Proc(255, alive.pid))) == -signal.SIGKILL
        assert alive.wait(10) == -signal.SIGKILL  # killed, not left writing
    finally:
        alive.kill()
