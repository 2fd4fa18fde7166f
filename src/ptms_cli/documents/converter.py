"""PDF and ODT through one LibreOffice kept running per process, with a fallback to one call per batch.

Starting LibreOffice costs about a second; converting a convention about a third of that. So each
process (the CLI, or each batch worker) starts LibreOffice once, with its own profile, the first time
it needs it, and converts every document through it as it is rendered. With `-j 1` and several
projects, `batch` renders the next project while LibreOffice converts the previous one (`overlap`):
otherwise LibreOffice would wait for ptms about a fifth of the time.

How: LibreOffice's own UNO listener, driven by `uno_helper.py` run with the Python that the system's
`python3-uno` is built for (`/usr/bin/python3`; ptms's own interpreter may be another build that
cannot load it). ptms talks to the helper with JSON lines on a pipe and keeps every timeout itself:

- a document that makes LibreOffice hang (no answer in `CONVERT_TIMEOUT` seconds) or crash fails
  alone, with a French message; LibreOffice is killed and started again for the next document;
- LibreOffice found dead before a document is opened (not that document's fault): started again and
  the document tried once more;
- the persistent mode cannot start (no python3-uno, LibreOffice refusing connections): this process
  falls back to one `soffice --convert-to` call per batch of documents (`export.convert_batch`);
- nothing is left behind: at exit (normal, error, Ctrl-C, a worker's SIGTERM) LibreOffice's process
  group and the helper are killed and the profile removed; if ptms is killed outright, the helper sees
  its parent gone and does the same.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .export import FILTER_OPTIONS, MISSING_SOFFICE, ExportError, convert_batch, soffice_path

CONVERT_TIMEOUT = 120.0  # seconds for one document
START_TIMEOUT = 120.0  # seconds for LibreOffice to start (its first start creates the profile)
QUIT_TIMEOUT = 5.0  # seconds for an idle LibreOffice to quit by itself before it is killed

FILTERS = {"pdf": "writer_pdf_Export", "odt": "writer8", "docx": "MS Word 2007 XML"}
HELPER = Path(__file__).with_name("uno_helper.py")
LABEL = {"pdf": "PDF", "odt": "ODT", "docx": "DOCX"}


def uno_python() -> str | None:
    """The Python that can import LibreOffice's `uno` module. `PTMS_UNO_PYTHON` overrides (empty: none)."""
    override = os.environ.get("PTMS_UNO_PYTHON")
    if override is not None:
        return shutil.which(override) if override else None
    for candidate in ("/usr/lib/libreoffice/program/python", "/usr/bin/python3"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


class StartError(Exception):
    """The persistent converter could not start."""


class Converter:
    """One LibreOffice process kept running, and its helper. Not thread-safe; one per process."""

    def __init__(self, soffice: str, python: str, timeout: float | None = None,
                 start_timeout: float | None = None):
        self.soffice, self.python = soffice, python
        self.timeout = CONVERT_TIMEOUT if timeout is None else timeout
        self.start_timeout = START_TIMEOUT if start_timeout is None else start_timeout
        self.owner = os.getpid()
        self.proc: subprocess.Popen | None = None
        self.soffice_pid = 0
        self.ready = False
        self.tmp: Path | None = None
        self.count = 0
        self.restarts = 0
        self.times: dict[str, float] = {}  # seconds summed over the converted documents (uno_helper's `t`)
        self._buf = b""

    # --- process management
    def start(self) -> None:
        """Start the helper (and LibreOffice) without waiting for it: rendering goes on meanwhile."""
        if self.proc is not None:
            return
        if _EXITING:
            raise StartError("le processus se termine")
        self.tmp = Path(tempfile.mkdtemp(prefix="ptms-lo-"))
        (self.tmp / "io").mkdir()
        self._buf = b""
        self.ready = False
        self.soffice_pid = 0
        self.proc = subprocess.Popen([self.python, "-I", str(HELPER), self.soffice, str(self.tmp / "profile")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     bufsize=0, start_new_session=True)

    def _readline(self, timeout: float) -> dict | None:
        """One JSON line from the helper; None on timeout or end of output."""
        import time

        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return {"error": line.decode("utf-8", "replace")}

    def _wait_ready(self) -> None:
        self.start()
        if self.ready:
            return
        if not self.soffice_pid:
            first = self._readline(30.0)
            if not first or "pid" not in first:
                self.stop()
                raise StartError((first or {}).get("error", "pas de réponse"))
            self.soffice_pid = first["pid"]
        msg = self._readline(self.start_timeout)
        if not msg or not msg.get("ready"):
            self.stop()
            raise StartError((msg or {}).get("error", "LibreOffice n'a pas démarré à temps"))
        self.ready = True

    def stop(self) -> None:
        """Kill LibreOffice and the helper (process groups) and remove the profile.

        SIGTERM and SIGINT wait until it is done (a batch worker is stopped by SIGTERM, which raises
        there: half-way, the helper would be killed and the profile left behind)."""
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        try:
            self._stop()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _stop(self) -> None:
        proc, ready, self.proc, self.ready = self.proc, self.ready, None, False
        try:
            if proc is not None and ready and proc.poll() is None:
                # an idle helper: end of its input lets LibreOffice quit cleanly (its sockets in /tmp
                # go with it); the kill below is for whatever did not stop in time
                try:
                    proc.stdin.close()
                    proc.wait(QUIT_TIMEOUT)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if proc is not None:
                if not self.soffice_pid and proc.poll() is None:  # started but not yet heard from
                    self.proc = proc
                    first = self._readline(5.0)
                    self.proc = None
                    if first and "pid" in first:
                        self.soffice_pid = first["pid"]
                for pgid in (self.soffice_pid, proc.pid):
                    if pgid:
                        try:
                            os.killpg(pgid, signal.SIGKILL)
                        except OSError:
                            pass
                proc.wait()
                for stream in (proc.stdin, proc.stdout):
                    stream.close()
        finally:  # whatever happened above
            self.soffice_pid = 0
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None

    def close(self) -> None:
        if os.getpid() == self.owner:  # never from a forked copy
            self.stop()
            self._write_stats()

    def _write_stats(self) -> None:
        """`PTMS_CONVERTER_STATS=FILE` (benchmarks): one JSON line per converter appended to FILE:
        documents converted, restarts, and the seconds of `times`."""
        path = os.environ.get("PTMS_CONVERTER_STATS")
        if not path or not self.count:
            return
        line = json.dumps({"pid": os.getpid(), "documents": self.count, "restarts": self.restarts,
                           **{k: round(v, 3) for k, v in self.times.items()}})
        try:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        except OSError:
            pass

    # --- conversion
    def convert(self, data: bytes, fmt: str, name: str, src_ext: str = "docx") -> bytes:
        """`data` (a .docx, or `src_ext`) converted to `fmt`. ExportError (French) for this document only.
        StartError if LibreOffice cannot be started."""
        for attempt in (1, 2):
            self._wait_ready()
            self.count += 1
            src = self.tmp / "io" / f"{self.count}.{src_ext}"
            dst = self.tmp / "io" / f"{self.count}.{fmt}"
            src.write_bytes(data)
            try:
                answer = self._request({"src": str(src), "dst": str(dst), "filter": FILTERS[fmt],
                                        "options": FILTER_OPTIONS.get(fmt, {})})
                if answer is None or answer.get("crashed"):  # no answer in time, or a crash
                    hung = answer is None and self.proc is not None and self.proc.poll() is None
                    self.stop()
                    self.restarts += 1
                    if hung:
                        raise ExportError(f"LibreOffice n'a pas converti « {name} » en {LABEL[fmt]} en "
                                          f"{self.timeout:g} secondes : conversion abandonnée (LibreOffice "
                                          "est relancé pour les documents suivants)")
                    raise ExportError(f"LibreOffice s'est arrêté pendant la conversion de « {name} » en "
                                      f"{LABEL[fmt]} (il est relancé pour les documents suivants)")
                if answer.get("ok"):
                    for key, value in (answer.get("t") or {}).items():
                        self.times[key] = self.times.get(key, 0.0) + float(value)
                    if dst.is_file() and dst.stat().st_size:
                        return dst.read_bytes()
                    raise ExportError(f"LibreOffice n'a pas produit « {name} » en {LABEL[fmt]}")
                if answer.get("dead") and attempt == 1:  # gone before this document: start again, retry
                    self.stop()
                    self.restarts += 1
                    continue
                self.stop()  # LibreOffice may be in a bad state after a failure: start afresh
                self.restarts += 1
                raise ExportError(f"LibreOffice n'a pas pu convertir « {name} » en {LABEL[fmt]} : "
                                  f"{answer.get('error', 'erreur inconnue')}")
            finally:
                for path in (src, dst):
                    try:
                        path.unlink()
                    except (OSError, AttributeError):
                        pass
        raise ExportError(f"LibreOffice n'a pas pu convertir « {name} » en {LABEL[fmt]}")  # pragma: no cover

    def _request(self, req: dict) -> dict | None:
        try:
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
        except OSError:
            return None
        return self._readline(self.timeout)


# --- one converter per process --------------------------------------------------------------------

_CONVERTER: Converter | None = None
_BROKEN = False  # the persistent mode could not start in this process: fall back for the rest of it
_REGISTERED = False
# Overlap (`batch.run` with -j 1): two threads take the projects in turn; `_WORK` is held while a
# thread runs Python (validation, rendering, writing), so only one does at a time, and released while
# it waits for LibreOffice: the next project is rendered while LibreOffice converts the previous one.
# `_CONVERTING`: this process's LibreOffice converts one batch of documents at a time. Never held
# while waiting for `_WORK` (no deadlock).
_CONVERTING = threading.Lock()
_WORK: threading.Lock | None = None
_INTERRUPTED = threading.Event()  # Ctrl-C in an overlapped batch: no more conversions
_EXITING = False  # this process is ending (its exit handler ran): no LibreOffice is started again


def overlap(work: threading.Lock | None) -> None:
    """From now on, `convert_documents` releases `work` while LibreOffice converts (None: no more)."""
    global _WORK
    _WORK = work
    _INTERRUPTED.clear()


@contextmanager
def overlapping(work: threading.Lock) -> Iterator[None]:
    """`overlap(work)` for the length of the block."""
    overlap(work)
    try:
        yield
    finally:
        overlap(None)


def interrupt() -> None:
    """Ctrl-C while another thread waits for LibreOffice (an overlapped batch), and it did not finish
    in `QUIT_TIMEOUT` seconds: LibreOffice is killed (that document fails at once) and no other
    document is converted until the batch ends. Only sends a signal: safe from another thread."""
    _INTERRUPTED.set()
    conv = _CONVERTER
    pid = conv.soffice_pid if conv is not None and conv.owner == os.getpid() else 0
    if pid:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


@contextmanager
def _work_released() -> Iterator[None]:
    work = _WORK
    if work is None:
        yield
        return
    work.release()
    try:
        yield
    finally:
        work.acquire()


def _close_all() -> None:
    global _CONVERTER
    if _CONVERTER is not None:
        _CONVERTER.close()
        _CONVERTER = None


def _at_exit() -> None:
    """The process ends (a worker stopped by SIGTERM may still have a thread converting): LibreOffice
    is stopped and not started again, nor the one-call fallback."""
    global _EXITING
    _EXITING = True
    _close_all()


def _converter() -> Converter | None:
    """This process's converter (created, not yet waited for), or None when only the fallback is possible."""
    global _CONVERTER, _REGISTERED
    if _BROKEN or _EXITING:
        return None
    soffice, python = soffice_path(), uno_python()
    if soffice is None or python is None:
        return None
    if _CONVERTER is not None and _CONVERTER.owner != os.getpid():  # inherited through fork: not ours
        _CONVERTER = None
    if _CONVERTER is None or _CONVERTER.soffice != soffice:
        _close_all()
        _CONVERTER = Converter(soffice, python)
        if not _REGISTERED:
            # runs at interpreter exit, and at the exit of a multiprocessing worker (which skips atexit)
            from multiprocessing import util

            util.Finalize(None, _at_exit, exitpriority=100)
            _REGISTERED = True
    return _CONVERTER


def prepare() -> None:
    """Start LibreOffice in the background now (called before rendering when PDF or ODT is asked)."""
    if not _CONVERTING.acquire(blocking=False):  # converting for another project: already started
        return
    try:
        conv = _converter()
        if conv is not None:
            conv.start()
    except (OSError, StartError):
        pass
    finally:
        _CONVERTING.release()


def convert_documents(documents: dict[str, bytes], fmt: str) -> tuple[dict[str, bytes], list[str]]:
    """{stem: docx} -> ({stem: converted bytes}, [French errors]). A failing document fails alone.

    Through this process's LibreOffice; if it cannot start, one `soffice --convert-to` call for the
    whole batch (where a failure fails the batch).
    """
    if not documents:
        return {}, []
    if soffice_path() is None:
        return {}, [MISSING_SOFFICE]
    with _work_released(), _CONVERTING:  # CONVERTING released before WORK is taken again
        return _convert_all(documents, fmt)


def _convert_all(documents: dict[str, bytes], fmt: str) -> tuple[dict[str, bytes], list[str]]:
    global _BROKEN
    conv = _converter()
    out: dict[str, bytes] = {}
    errors: list[str] = []
    if conv is not None:
        try:
            for stem, data in documents.items():
                if _INTERRUPTED.is_set():
                    errors.append(f"conversion de « {stem}.docx » en {LABEL[fmt]} interrompue")
                    continue
                try:
                    out[stem] = conv.convert(data, fmt, f"{stem}.docx")
                except ExportError as exc:
                    errors.append(str(exc))
            return out, errors
        except (StartError, OSError):
            conv.stop()
            _BROKEN = True
    rest = {stem: data for stem, data in documents.items() if stem not in out}
    if _EXITING:  # stopped while converting: no fallback either
        return out, errors + [f"conversion de « {stem}.docx » en {LABEL[fmt]} interrompue" for stem in rest]
    try:
        out.update(convert_batch(rest, fmt))
    except ExportError as exc:
        errors.append(str(exc))
    return out, errors
