"""Batch rendering: many projects, one output folder each, in worker processes; or a check of them.

The Python API behind `ptms render` with several projects, `--check`, `--changed-only`,
`--report`. No display here: `run(tasks, jobs, ...)` returns one `ProjectReport` per task and
calls `on_done(report)` as each one finishes (the CLI draws its progress and summary from them).

- One task = one project file -> one output folder. A task never raises: whatever goes wrong
  (invalid project, template error, unwritable folder, a bug) becomes `failed` reasons in French,
  and the batch goes on with the other projects.
- With PDF or ODT, LibreOffice converts one project while the next is rendered: two threads, Python
  in one at a time (`_serve`), in this process with `jobs = 1`, in each worker process otherwise.
- `jobs > 1`: worker processes (`_run_pool`), each started once (heavy modules imported once,
  compiled templates cached for all the projects it renders), fed through its own pipe, and
  replaced after `MAX_TASKS` projects so memory stays bounded. A worker that dies (killed, out of
  memory) fails only the projects it had in hand; another worker takes the rest. Each worker has its
  own pipe because the standard pools do not allow this: `concurrent.futures.ProcessPoolExecutor`
  breaks for good (every pending project fails), `multiprocessing.Pool` waits forever for the lost
  project, and a worker killed while reading a shared queue would hold its lock for ever.
- No partial file: every write is atomic (`writing.write_atomic`); when a worker is killed or the
  batch is interrupted, the temporary files it may have left are removed from its folder (only
  ptms's, by process id), and the manifest journal lets the next render recognise what it wrote.
- `check=True` writes nothing: each output is rendered in memory and compared byte for byte with
  the file on disk (outputs are reproducible).
- `changed_only=True` renders a project only when its manifest does not show it up to date: same
  project file, same templates, same ptms version, every output present and unedited.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

MAX_TASKS = 500  # projects rendered by one worker before it is replaced (bounds its memory; every cache is bounded too)


@dataclass(frozen=True)
class Task:
    """One project to render (or check) into its output folder."""

    file: Path
    out_dir: Path
    names: tuple[str, ...] | None = None
    formats: tuple[str, ...] = ("docx",)
    templates: Path | None = None
    force: bool = False
    check: bool = False
    changed_only: bool = False
    prune: bool = False  # remove the orphans (files ptms wrote that the project no longer produces)
    own_dir: bool = True  # ptms named `out_dir` (it must not be a symbolic link); False: the user's `-o`


@dataclass
class ProjectReport:
    """What happened to one project. `status`: rendered, unchanged, skipped, outdated, failed."""

    file: str
    out_dir: str
    status: str = "rendered"
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"document", "reason"}
    failed: list[dict] = field(default_factory=list)  # {"document" (or ""), "reason"}
    missing: list[str] = field(default_factory=list)  # --check: outputs absent from disk
    differs: list[str] = field(default_factory=list)  # --check: outputs that differ from a render now
    orphans: list[str] = field(default_factory=list)  # files ptms wrote that the project no longer produces
    pruned: list[str] = field(default_factory=list)  # orphans removed (--prune)
    up_to_date_reason: str = ""  # --changed-only: why the project was not rendered again
    timings: dict[str, float] = field(default_factory=dict)  # seconds: load, render, write, total (wall), cpu
    cache: dict[str, int] = field(default_factory=dict)  # compiled-template lookups: hits, misses
    worker: int = 0  # pid of the process that did the work
    peak_rss_kib: int = 0  # peak resident memory of that process so far (KiB)

    def to_json(self) -> dict:
        return asdict(self)


def _peak_rss_kib() -> int:
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
    except (ImportError, OSError):
        return 0


def _located(finding) -> str:
    return f"{finding.location()}: {finding.code} {finding.message}"


def up_to_date(project, task: Task) -> str | None:
    """Why `task`'s outputs need rendering again (French), or None when the manifest shows them current.

    Current means: every output the project's progress allows (for the documents and formats asked)
    is recorded in the folder's manifest, was made from this very project file and these very
    templates by this ptms version, and is on disk as ptms wrote it.
    """
    from .. import __version__
    from . import catalog
    from .manifest import Manifest, sha256
    from .pipeline import project_templates_dir
    from .render import RenderError, read_template

    manifest = Manifest.load(task.out_dir)
    if not manifest.files:
        return "aucun manifeste dans le dossier de sortie"
    user_dir = task.templates if task.templates is not None else project_templates_dir(project, task.file)
    project_hash = sha256(Path(task.file).read_bytes())
    template_hashes: dict[Path, str] = {}
    plan = catalog.plan(project, list(task.names) if task.names else None)
    for job in plan.jobs:
        template, _ = catalog.template_path(job.spec, user_dir)
        if template not in template_hashes:
            try:
                template_hashes[template] = read_template(template)[1]  # the digest the render recorded
            except RenderError:
                return f"modèle « {template} » illisible"
        for fmt in task.formats:
            name = f"{job.stem}.{fmt}"
            entry = manifest.files.get(name)
            if entry is None:
                return f"« {name} » n'a pas encore été produit"
            if entry.get("project_sha256") != project_hash:
                return "le fichier projet a changé"
            if entry.get("template_sha256") != template_hashes[template]:
                return f"le modèle « {template.name} » a changé"
            if entry.get("generator") != f"ptms {__version__}":
                return "produit par une autre version de ptms"
            if manifest.is_protected(name) or not (task.out_dir / name).is_file():
                return f"« {name} » a été modifié ou supprimé"
    return None


def process(task: Task) -> ProjectReport:
    """Render (or check) one project. Never raises: problems become `failed` reasons."""
    from .render import cache_stats

    start, cpu = time.perf_counter(), time.thread_time()  # this thread: -j 1 with PDF runs two
    before = cache_stats()
    report = ProjectReport(str(task.file), str(task.out_dir), worker=os.getpid())
    try:
        _process(task, report)
    except OSError as exc:
        from ..writing import WriteError, os_reason

        if isinstance(exc, WriteError):  # names the file, in French
            reason = str(exc)
        else:
            reason = f"accès impossible à « {exc.filename or task.out_dir} » : {os_reason(exc)}"
        report.failed.append({"document": "", "reason": reason})
        if (outcome := getattr(exc, "outcome", None)) is not None:  # stopped part-way: what is whole on disk
            report.written = [p.name for p in outcome.written]
            report.unchanged = [p.name for p in outcome.unchanged]
    except Exception as exc:  # a bug must not stop the batch: the project fails, with the reason
        report.failed.append({"document": "", "reason": f"erreur interne ({type(exc).__name__} : {exc})"})
    if report.failed:
        report.status = "failed"
    after = cache_stats()
    report.cache = {"hits": after["hits"] - before["hits"], "misses": after["misses"] - before["misses"]}
    report.timings["total"] = round(time.perf_counter() - start, 4)
    report.timings["cpu"] = round(time.thread_time() - cpu, 4)
    report.peak_rss_kib = _peak_rss_kib()
    return report


def _process(task: Task, report: ProjectReport) -> None:
    from ..frformat import plural
    from ..validation import validate_file
    from .pipeline import Outcome, iter_outputs, write_outputs

    t0 = time.perf_counter()
    result = validate_file(task.file)
    report.timings["load"] = round(time.perf_counter() - t0, 4)
    if result.project is None or result.errors:
        errors = [f for f in result.findings if f.severity.value == "error"]
        for f in errors[:3]:
            report.failed.append({"document": "", "reason": f"projet invalide : {_located(f)}"})
        if len(errors) > 3:
            report.failed.append({"document": "", "reason": f"et {plural(len(errors) - 3, 'autre erreur', 'autres erreurs')} "
                                                            f"(voir « ptms validate {task.file} »)"})
        return
    project = result.project
    if task.changed_only and not task.check:
        why = up_to_date(project, task)
        if why is None:
            report.status = "unchanged"
            report.up_to_date_reason = "à jour depuis la dernière génération"
            return
        report.up_to_date_reason = why
    t1 = time.perf_counter()
    formats = task.formats
    if task.check:  # PDF/ODT from LibreOffice are not identical byte for byte: --check compares the .docx
        from .catalog import CONVERTED

        formats = tuple(f for f in formats if f not in CONVERTED) or ("docx",)
    outcome = Outcome(task.out_dir)
    chunks = iter_outputs(project, task.file, outcome, names=list(task.names) if task.names else None,
                          formats=formats, templates=task.templates, derived=result.derived)
    if task.check:
        _check(task, report, outcome, chunks)
        report.timings["render"] = round(time.perf_counter() - t1, 4)
        return
    if task.out_dir.exists() and not task.out_dir.is_dir():
        report.failed.append({"document": "", "reason": f"« {task.out_dir} » existe et n'est pas un dossier"})
        return
    write_outputs(chunks, outcome, task.force, prune=task.prune, own_dir=task.own_dir)
    report.timings["write"] = round(outcome.write_seconds, 4)
    report.timings["render"] = round(time.perf_counter() - t1 - outcome.write_seconds, 4)
    report.skipped = [{"document": s.spec.title, "reason": s.reason} for s in outcome.skipped]
    report.failed += [{"document": "", "reason": e} for e in outcome.errors]
    report.written = [p.name for p in outcome.written]
    report.unchanged = [p.name for p in outcome.unchanged]
    report.pruned = [p.name for p in outcome.pruned]
    report.orphans = [p.name for p in outcome.orphans if p not in outcome.pruned]
    report.failed += [{"document": p.name, "reason": "modifié à la main depuis sa génération : non écrasé "
                                                     "(--force pour l'écraser)"} for p in outcome.protected]
    if not report.failed:
        if outcome.written or outcome.pruned:
            report.status = "rendered"
        elif outcome.unchanged:
            report.status = "unchanged"
        else:
            report.status = "skipped"


def _check(task: Task, report: ProjectReport, outcome, chunks) -> None:
    """--check: compare each output with the file on disk, byte for byte; list the orphans. Writes nothing."""
    from .manifest import Manifest
    from .pipeline import compare_outputs, find_orphans

    report.missing, report.differs, produced = compare_outputs(chunks, task.out_dir, task.formats)
    report.skipped = [{"document": s.spec.title, "reason": s.reason} for s in outcome.skipped]
    report.failed += [{"document": "", "reason": e} for e in outcome.errors]
    outcome.formats = task.formats
    outcome.planned = [f"{n.rsplit('.', 1)[0]}.{fmt}" for n in outcome.planned for fmt in task.formats]
    find_orphans(Manifest.load(task.out_dir), outcome)
    report.orphans = [p.name for p in outcome.orphans]
    if report.failed:
        return
    if report.missing or report.differs or report.orphans:
        report.status = "outdated"
    elif not produced:
        report.status = "skipped"
    else:
        report.status = "unchanged"


def _killed(task: Task, code: int | None, pid: int = 0) -> ProjectReport:
    import signal

    if isinstance(code, int) and code < 0:
        try:
            how = f"tué par le signal {signal.Signals(-code).name}"
        except ValueError:
            how = f"tué par le signal {-code}"
    else:
        how = f"code de sortie {code}"
    report = ProjectReport(str(task.file), str(task.out_dir), status="failed", worker=pid or 0)
    report.failed.append({"document": "", "reason": f"le processus de rendu s'est arrêté anormalement ({how}) ; "
                                                    "aucun fichier partiel n'a été laissé et les documents déjà écrits sont reconnus "
                                                    "au prochain rendu (journal du manifeste)"})
    return report


def run(tasks: list[Task], jobs: int = 1,
        on_done: Callable[[ProjectReport], None] | None = None) -> list[ProjectReport]:
    """Process every task; reports in the order of `tasks`. `jobs <= 1`: in this process, no pool
    (two threads when LibreOffice converts: `_run_overlapped`); otherwise `_run_pool`.

    Ctrl-C (KeyboardInterrupt) stops the workers, removes their temporary files and propagates.
    """
    reports: list[ProjectReport | None] = [None] * len(tasks)
    if jobs <= 1 and len(tasks) > 1 and any(_converts(task) for task in tasks):
        return _run_overlapped(tasks, reports, on_done)
    if jobs <= 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            reports[i] = process(task)  # Ctrl-C: the write in progress removes its own temporary file
            if on_done:
                on_done(reports[i])
        return reports  # type: ignore[return-value]
    return _run_pool(tasks, reports, jobs, on_done)


def _converts(task: Task) -> bool:
    """The task asks LibreOffice for something (PDF, ODT; `--check` converts nothing)."""
    from .catalog import CONVERTED

    return not task.check and any(f in CONVERTED for f in task.formats)


def _serve(take: Callable, give: Callable, threads: int, daemon: bool) -> list:
    """Start `threads` threads that take projects (`take()`: `(i, task)`, or None when there are no
    more) and hand over their reports (`give(i, report)`). With two, Python runs in one of them at a
    time (the `work` lock, released by `converter.convert_documents` only while it waits for
    LibreOffice): one project is rendered while LibreOffice converts the other, and nothing of the
    rendering is shared between threads. Returns the threads (started). `daemon`: in a worker process,
    whose exit (SIGTERM) must not wait for them; the parent removes what they leave."""
    import threading

    from . import converter

    work = threading.Lock()

    def serve() -> None:
        while (item := take()) is not None:
            i, task = item
            with work:
                try:
                    report = process(task)
                except BaseException as exc:  # process() only lets through what is not an Exception
                    report = ProjectReport(str(task.file), str(task.out_dir), status="failed")
                    report.failed.append({"document": "", "reason": f"erreur interne ({type(exc).__name__})"})
            give(i, report)

    if threads > 1:
        converter.overlap(work)
    started = [threading.Thread(target=serve, name=f"ptms-rendu-{k}", daemon=daemon) for k in range(1, threads + 1)]
    for thread in started:
        thread.start()
    return started


def _run_overlapped(tasks: list[Task], reports: list, on_done) -> list[ProjectReport]:
    """`-j 1` with PDF or ODT: LibreOffice converts one project while the next one is rendered
    (`_serve` with two threads). Reports come back here (`on_done` runs in this thread). Ctrl-C: no
    new project is started, the ones in progress finish (their writes are atomic; a conversion still
    running after `converter.QUIT_TIMEOUT` seconds is stopped: `converter.interrupt`), then
    KeyboardInterrupt propagates.
    """
    import queue
    import threading

    from . import converter

    take_lock = threading.Lock()
    todo = iter(enumerate(tasks))
    finished: queue.Queue = queue.Queue()
    stop = threading.Event()

    def take():
        with take_lock:
            return None if stop.is_set() else next(todo, None)

    try:
        threads = _serve(take, lambda i, report: finished.put((i, report)), 2, daemon=False)
        try:
            for _ in tasks:
                i, report = finished.get()
                reports[i] = report
                if on_done:
                    on_done(report)
        finally:  # normal end, Ctrl-C, an error in on_done: the projects in progress finish
            stop.set()
            deadline = time.monotonic() + converter.QUIT_TIMEOUT
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            if any(thread.is_alive() for thread in threads):  # LibreOffice slow or hung: killed
                converter.interrupt()
            for thread in threads:
                thread.join()
    finally:
        converter.overlap(None)
    return reports


# --- worker processes ---------------------------------------------------------------------------

# What a worker needs, imported once by the worker server before it forks any worker: a worker
# (first or replacing one after MAX_TASKS projects) starts with everything imported.
_PRELOAD = ["ptms_cli.documents.batch", "ptms_cli.documents.pipeline", "ptms_cli.validation", "ptms_cli.checks",
            "ptms_cli.schema_errors", "ptms_cli.funding", "ptms_cli.coverage", "ptms_cli.writing"]


def _context():
    import multiprocessing as mp

    # forkserver: workers are forked from a small single-threaded server that has imported the
    # rendering modules once (no fork of the threaded parent, no import per worker).
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return mp.get_context("spawn")


def start_workers() -> None:
    """Start the worker server now (it imports the rendering modules in the background), so that
    the workers of `run(..., jobs > 1)` can start as soon as the pool asks for them."""
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _worker_main(conn, threads: int) -> None:
    """A worker process: projects arrive on `conn` as `(i, task)` (None: no more), reports leave on it
    as `(i, report)`; `threads` projects in hand at once (two when LibreOffice converts: `_serve`).

    Ctrl-C is the parent's business (ignored here). SIGTERM (the parent stopping the batch) raises
    SystemExit in this, the main thread: the process exits at once, its LibreOffice is stopped (the
    converter's exit handler) and the parent removes whatever temporary files it leaves.
    """
    import queue
    import signal
    import threading

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, stop)
    from . import pipeline  # noqa: F401  (model, docxtpl, jinja: already imported by the worker server)

    inbox: queue.Queue = queue.Queue()
    sending = threading.Lock()

    def give(i: int, report: ProjectReport) -> None:
        try:
            with sending:
                conn.send((i, report))
        except BaseException:  # the report cannot leave: the parent must see this worker die, not wait
            os._exit(70)

    started = _serve(inbox.get, give, threads, daemon=True)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if item is None:
            break
        inbox.put(item)
    for _ in started:
        inbox.put(None)
    for thread in started:
        thread.join()


class _Worker:
    """The parent's view of one worker process: its pipe, and the projects it has in hand."""

    def __init__(self, ctx, threads: int):
        parent, child = ctx.Pipe()
        self.conn = parent
        self.proc = ctx.Process(target=_worker_main, args=(child, threads), daemon=True, name="ptms-rendu")
        self.proc.start()
        child.close()
        self.held: set[int] = set()
        self.sent = 0
        self.closed = False

    def give(self, i: int, task: Task) -> bool:
        """Send it project `i`; False if it is already dead (its sentinel says so; `i` stays to do)."""
        try:
            self.conn.send((i, task))
        except OSError:
            self.closed = True
            return False
        self.held.add(i)
        self.sent += 1
        return True

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                self.conn.send(None)
            except OSError:  # already dead: its sentinel says so
                pass


def _run_pool(tasks: list[Task], reports: list, jobs: int, on_done) -> list[ProjectReport]:
    """`jobs` worker processes, each fed its projects through its own pipe (a worker that dies can
    block no other: nothing is shared between workers, unlike a common queue).

    Each worker has one project in hand, two when LibreOffice converts (it renders one while its
    LibreOffice converts the other: `_serve`), and is replaced after `MAX_TASKS` projects. A worker
    that dies (killed, out of memory) fails only the projects it had in hand, with the reason; its
    temporary files are removed and another worker takes the rest. Ctrl-C: every worker is stopped
    (SIGTERM, then SIGKILL), their temporary files removed, and KeyboardInterrupt propagates.
    """
    from collections import deque
    from multiprocessing.connection import wait

    from ..writing import remove_dead_temps

    ctx = _context()
    threads = 2 if any(_converts(task) for task in tasks) else 1
    todo = deque(range(len(tasks)))
    workers: list[_Worker] = []
    left = len(tasks)

    def feed(worker: _Worker, room: int = threads) -> None:
        """Give `worker` projects until it holds `room`; close it when there are no more (or its
        quota is reached): it finishes what it holds, then exits."""
        while todo and len(worker.held) < room and worker.sent < MAX_TASKS and worker.give(todo[0], tasks[todo[0]]):
            todo.popleft()
        if not todo or worker.sent >= MAX_TASKS:
            worker.close()

    def done(i: int, report: ProjectReport) -> None:
        nonlocal left
        reports[i] = report
        left -= 1
        if on_done:
            on_done(report)

    def staff() -> None:
        """Start the workers missing (at most `jobs` taking projects) and deal them projects."""
        active = [w for w in workers if not w.closed]
        draining = sum(1 for w in workers if w.closed and w.held)  # quota reached, finishing its projects
        for _ in range(min(jobs - len(active) - draining, len(todo))):
            try:
                worker = _Worker(ctx, threads)
            except OSError as exc:  # no process can be started now (EAGAIN, EMFILE…)
                if workers:
                    break  # tried again when one of them ends
                for i in list(todo):
                    done(i, _unstarted(tasks[i], exc))
                todo.clear()
                return
            workers.append(worker)
            active.append(worker)
        for room in range(1, threads + 1):  # in turn: two projects go to two workers, not to one
            for worker in active:
                if not worker.closed:
                    feed(worker, room)

    try:
        staff()
        while left:
            ready = wait([w.conn for w in workers if w.held] + [w.proc.sentinel for w in workers])
            for worker in list(workers):
                gone = worker.proc.sentinel in ready
                if worker.conn in ready:
                    while worker.held and worker.conn.poll():
                        try:
                            i, report = worker.conn.recv()
                        except (EOFError, OSError):  # it died: its sentinel follows at once
                            gone = True
                            break
                        worker.held.discard(i)
                        done(i, report)
                        feed(worker)
                if gone:
                    code = _exit_status(worker)
                    for i in sorted(worker.held):  # what it had in hand fails; its temporary files go
                        remove_dead_temps(tasks[i].out_dir, {worker.proc.pid})
                        done(i, _killed(tasks[i], code, worker.proc.pid))
                    worker.conn.close()
                    workers.remove(worker)
            staff()
        for worker in workers:
            worker.close()
            worker.proc.join()
            worker.conn.close()
    except BaseException:
        for worker in workers:
            if worker.proc.is_alive():
                worker.proc.terminate()
        for worker in workers:
            worker.proc.join(3.0)
            if worker.proc.is_alive():
                worker.proc.kill()
                worker.proc.join()
            worker.conn.close()
        for task in tasks:  # workers stopped: what a worker stopped outright may have left (only ptms's)
            remove_dead_temps(task.out_dir)
        raise
    return reports


def _exit_status(worker: _Worker) -> int | None:
    """How a worker ended, as `_killed` reads it: -N for signal N (its SIGTERM raises
    SystemExit(128 + N)). Its exit code reads 255 when the worker server that started it died while
    it still runs: it is killed, so that it does not write on, and counted as killed."""
    import signal

    from ..writing import _alive

    worker.proc.join(0.5)
    code = worker.proc.exitcode
    if code == 255 and _alive(worker.proc.pid):
        try:
            os.kill(worker.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        deadline = time.monotonic() + 2  # (a zombie stays « alive » until its new parent reaps it)
        while _alive(worker.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        return -signal.SIGKILL
    worker.proc.join()
    code = worker.proc.exitcode
    if isinstance(code, int) and 128 < code < 128 + signal.NSIG:
        return 128 - code
    return code


def _unstarted(task: Task, exc: OSError) -> ProjectReport:
    from ..writing import os_reason

    report = ProjectReport(str(task.file), str(task.out_dir), status="failed")
    report.failed.append({"document": "", "reason": f"aucun processus de rendu n'a pu être démarré : {os_reason(exc)}"})
    return report


def output_dirs(files: list[Path], out: Path | None, single: bool,
                roots: list[Path | None] | None = None) -> list[Path]:
    """The output folder of each project file: a function of that project alone (and of how the
    command line named it), never of which other files exist.

    `single` (one project named as a plain file): `out` itself, or « <name>-documents » beside the
    file. Otherwise, under `out`, one folder named by a safe slug of the file's path relative to
    the folder argument it was found in (`roots[i]`; « projets/Agglo Val de Marque.yaml » ->
    « agglo-val-de-marque », « projets/nord/projet.yaml » -> « nord-projet »), or of its name for
    a file named directly; without `out`, « <name>-documents » beside each file. Two projects that
    would share a folder raise `FolderClash` (French message naming both).
    """
    from ..slug import slug

    if out is None:
        dirs = [f.parent / f"{f.stem}-documents" for f in files]
    elif single:
        return [out]
    else:
        roots = roots or [None] * len(files)
        dirs = []
        for f, root in zip(files, roots):
            parts = list(f.relative_to(root).parent.parts) if root is not None else []
            dirs.append(out / slug("-".join([*parts, f.stem]), max_len=80, fallback="projet"))
    seen: dict[str, Path] = {}
    for f, d in zip(files, dirs):
        other = seen.setdefault(str(d).casefold(), f)
        if other != f:
            raise FolderClash(f"« {other} » et « {f} » iraient dans le même dossier de sortie « {d} » : "
                              "renommez l'un des deux fichiers ou rendez-les séparément")
    return dirs


class FolderClash(ValueError):
    """Two projects of one batch would share an output folder."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)
