"""Batch rendering (issue 7): many projects, workers, summary, --report, --check, --changed-only,
a killed worker, Ctrl-C. CLI tests go through the real entry point; no timing assertions."""

from __future__ import annotations

import io
import json
import re
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, docx_text, load_example, run_ptms
from ptms_cli.documents import batch
from ptms_cli.documents import render as r

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

STEP1 = EXAMPLES / "cc-deux-rives.yaml"
AGGLO = EXAMPLES / "agglo-val-de-marque.yaml"
FAST = ("--doc", "mobilisation")  # one document per project keeps these tests quick


def copy_project(src: Path, dest: Path, name: str | None = None) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    if name:
        data["name"] = name
    dest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def edit_template(path: Path, old: str, new: str) -> None:
    """Change a literal text of a .docx template (as a template author would in Word)."""
    with zipfile.ZipFile(path) as src:
        entries = {n: src.read(n) for n in src.namelist()}
    xml = entries["word/document.xml"].decode("utf-8")
    assert old in xml
    entries["word/document.xml"] = xml.replace(old, new, 1).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries.items():
            dst.writestr(name, data)


def temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.tmp")]


# --- many files, directories and globs --------------------------------------------------------

def test_files_directories_and_globs_give_one_folder_per_project(tmp_path):
    copy_project(STEP1, tmp_path / "dossier" / "Ville d'Été.yaml", "Ville d'Été")
    copy_project(STEP1, tmp_path / "dossier" / "sous" / "b.yml", "B")
    copy_project(STEP1, tmp_path / "motif" / "c.yaml", "C")
    copy_project(STEP1, tmp_path / "motif" / "ignore.txt")
    single = copy_project(STEP1, tmp_path / "d.yaml", "D")
    run = run_ptms("render", tmp_path / "dossier", str(tmp_path / "motif" / "*.yaml"), single,
                   "-o", tmp_path / "out", "-j", "1", *FAST, "--report", tmp_path / "r.json")
    assert run.code == 0, run.err
    folders = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert folders == ["c", "d", "sous-b", "ville-d-ete"]  # « dossier/sous/b.yml »: its path under « dossier »
    for folder in folders:
        assert (tmp_path / "out" / folder / "dossier-mobilisation.docx").is_file()
        assert (tmp_path / "out" / folder / ".ptms-manifest.json").is_file()
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(Path(p["file"]).name for p in report["projects"]) == ["Ville d'Été.yaml", "b.yml", "c.yaml", "d.yaml"]
    assert "4 projets en" in run.out and "4 produits" in run.out
    assert "[4/4]" in run.err  # plain progress lines without a terminal


def test_glob_or_directory_matching_nothing_is_a_usage_error(tmp_path):
    (tmp_path / "vide").mkdir()
    run = run_ptms("render", tmp_path / "vide", str(tmp_path / "*.yaml"), "-o", tmp_path / "out")
    assert run.code == 2
    assert "vide" in run.err and "*.yaml" in run.err and "Traceback" not in run.err
    assert not (tmp_path / "out").exists()


def test_output_folders_are_safe_and_distinct(tmp_path):
    files = [tmp_path / "a" / "projet.yaml", tmp_path / "b" / "projet.yaml", tmp_path / "Projet Spécial!.yaml",
             tmp_path / "Cœur d'Ostrevent.yaml"]
    dirs = batch.output_dirs(files, tmp_path / "out", single=False, roots=[tmp_path] * 4)
    assert [d.name for d in dirs] == ["a-projet", "b-projet", "projet-special", "coeur-d-ostrevent"]
    assert all(d.parent == tmp_path / "out" for d in dirs)
    assert all(c.isascii() and (c.isalnum() or c == "-") for d in dirs for c in d.name)
    # a single project named as a file keeps the original layout: -o is the folder itself
    assert batch.output_dirs(files[:1], tmp_path / "out", single=True) == [tmp_path / "out"]
    assert batch.output_dirs(files[:1], None, single=False) == [tmp_path / "a" / "projet-documents"]
    # two files named directly that would share a folder: an error naming both, never a silent « -2 »
    with pytest.raises(batch.FolderClash) as info:
        batch.output_dirs(files[:2], tmp_path / "out", single=False)
    assert str(files[0]) in str(info.value) and str(files[1]) in str(info.value)


def test_a_project_folder_does_not_depend_on_its_siblings(tmp_path):
    """Removing one project file must not move another project into the removed one's folder."""
    for sub in ("nord", "sud"):
        copy_project(STEP1, tmp_path / "projets" / sub / "projet.yaml", sub.title())
    copy_project(STEP1, tmp_path / "projets" / "projet.yaml", "Racine")
    run = run_ptms("render", tmp_path / "projets", "-o", tmp_path / "out", "-j", "1", *FAST)
    assert run.code == 0, run.err
    before = {p.name: (p / ".ptms-manifest.json").read_text() for p in (tmp_path / "out").iterdir()}
    assert sorted(before) == ["nord-projet", "projet", "sud-projet"]
    (tmp_path / "projets" / "sud" / "projet.yaml").unlink()
    run = run_ptms("render", tmp_path / "projets", "-o", tmp_path / "out", "-j", "1", *FAST)
    assert run.code == 0, run.err
    assert "2 à jour" in run.out  # both remaining projects found their own folder, unchanged
    assert {p.name: (p / ".ptms-manifest.json").read_text() for p in (tmp_path / "out").iterdir()} == before


# --- failures, summary, report ----------------------------------------------------------------

def test_a_bad_project_does_not_stop_the_others(tmp_path):
    good1 = copy_project(STEP1, tmp_path / "p" / "bon-1.yaml")
    bad = tmp_path / "p" / "casse.yaml"
    bad.write_text("name: [\n", encoding="utf-8")
    invalid = tmp_path / "p" / "invalide.yaml"
    data = load_example("cc-deux-rives.yaml")
    data["partners"][0]["kind"] = "inconnu"
    invalid.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    good2 = copy_project(STEP1, tmp_path / "p" / "bon-2.yaml")
    run = run_ptms("render", tmp_path / "p", "-o", tmp_path / "out", "-j", "2", *FAST,
                   "--report", tmp_path / "r.json")
    assert run.code == 1, run.out + run.err
    assert (tmp_path / "out" / "bon-1" / "dossier-mobilisation.docx").is_file()
    assert (tmp_path / "out" / "bon-2" / "dossier-mobilisation.docx").is_file()
    assert not (tmp_path / "out" / "casse").exists()
    assert "Traceback" not in run.err + run.out
    assert "Motifs" in run.out
    motifs = run.out[run.out.index("Motifs"):]
    assert re.search(r"casse\.yaml:\d+:\d+: PTMS-E003 ", motifs)  # located, with the finding's code
    assert "invalide.yaml" in motifs and "projet invalide" in motifs
    assert "2 produits, 2 en échec" in run.out
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    status = {Path(p["file"]).name: p["status"] for p in report["projects"]}
    assert status == {"bon-1.yaml": "rendered", "bon-2.yaml": "rendered", "casse.yaml": "failed",
                      "invalide.yaml": "failed"}
    assert str(good1) in [p["file"] for p in report["projects"]] and str(good2) in [p["file"] for p in report["projects"]]


def test_a_long_batch_lists_only_the_projects_to_examine(tmp_path):
    from ptms_cli.cli.render_display import TABLE_ALL

    folder = tmp_path / "p"
    for i in range(TABLE_ALL + 1):
        copy_project(STEP1, folder / f"bon-{i:02d}.yaml")
    (folder / "casse.yaml").write_text("name: [\n", encoding="utf-8")
    run = run_ptms("render", folder, "-o", tmp_path / "out", "-j", "2", "--doc", "lettres",
                   "--report", tmp_path / "r.json", timeout=300)
    assert run.code == 1, run.err
    table = run.out[:run.out.index("Motifs")]
    assert "projets à examiner" in table and "casse" in table and "bon-" not in table
    assert f"{TABLE_ALL + 1} autres projets sans problème" in run.out
    assert f"{TABLE_ALL + 1} produits, 1 en échec" in run.out
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(report["projects"]) == TABLE_ALL + 2  # every project is in the report


def test_report_json_shape(tmp_path):
    a = copy_project(AGGLO, tmp_path / "agglo.yaml")
    s = copy_project(STEP1, tmp_path / "etape1.yaml")
    run = run_ptms("render", a, s, "-o", tmp_path / "out", "-j", "1", "--doc", "convention", "--doc", "mobilisation",
                   "--report", tmp_path / "rapport.json")
    assert run.code == 0, run.err
    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    assert report["mode"] == "render" and report["jobs"] == 1
    assert report["counts"]["rendered"] == 2 and report["counts"]["failed"] == 0
    assert isinstance(report["elapsed_s"], float)
    agglo, step1 = report["projects"]
    assert agglo["file"] == str(a) and agglo["out_dir"] == str(tmp_path / "out" / "agglo")
    assert sorted(agglo["written"]) == ["convention.docx", "dossier-mobilisation.docx"]
    assert agglo["skipped"] == [] and agglo["failed"] == []
    assert step1["written"] == ["dossier-mobilisation.docx"]
    assert [x["document"] for x in step1["skipped"]] == ["Convention unique pluripartite"]
    assert "étape 2" in step1["skipped"][0]["reason"]
    for p in report["projects"]:
        assert set(p["timings"]) >= {"load", "render", "write", "total"}
        assert all(isinstance(v, float) and v >= 0 for v in p["timings"].values())
        assert p["timings"]["total"] >= p["timings"]["render"]
        assert p["peak_rss_kib"] > 0
        assert set(p["cache"]) == {"hits", "misses"}
    # the second run writes nothing and says so
    run = run_ptms("render", a, s, "-o", tmp_path / "out", "-j", "1", "--doc", "convention",
                   "--report", tmp_path / "rapport.json")
    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    assert [p["status"] for p in report["projects"]] == ["unchanged", "skipped"]
    assert report["projects"][0]["unchanged"] == ["convention.docx"] and report["projects"][0]["written"] == []


# --- --check ----------------------------------------------------------------------------------

def two_projects_and_templates(tmp_path) -> tuple[Path, Path, Path]:
    """Projects « un » and « deux » in a folder, and a user template folder: (folder, un.yaml, templates)."""
    projects = tmp_path / "projets"
    one = copy_project(STEP1, projects / "un.yaml", "Un")
    copy_project(STEP1, projects / "deux.yaml", "Deux")
    templates = tmp_path / "modeles"
    assert run_ptms("templates", "export", templates).code == 0
    return projects, one, templates


def test_check_passes_when_up_to_date_and_catches_changes(tmp_path):
    projects, one, templates = two_projects_and_templates(tmp_path)
    common = ("-o", tmp_path / "out", "-j", "1", "--templates", templates, *FAST)
    assert run_ptms("render", projects, *common).code == 0
    before = tree(tmp_path / "out")

    run = run_ptms("render", projects, *common, "--check")
    assert run.code == 0, run.out + run.err
    assert "documents à jour" in run.out

    # a changed template: every project's document differs
    edit_template(templates / "dossier-mobilisation.docx", "Le présent dossier présente", "Ce dossier présente")
    run = run_ptms("render", projects, *common, "--check", "--report", tmp_path / "r.json")
    assert run.code == 1
    assert f"différent : {tmp_path / 'out' / 'un' / 'dossier-mobilisation.docx'}" in run.out
    assert f"différent : {tmp_path / 'out' / 'deux' / 'dossier-mobilisation.docx'}" in run.out
    assert "ne sont pas à jour" in run.out
    assert tree(tmp_path / "out") == before  # --check writes nothing
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["mode"] == "check" and report["counts"]["outdated"] == 2

    # re-rendered: up to date again; then a changed project and a deleted output are caught
    assert run_ptms("render", projects, *common).code == 0
    assert run_ptms("render", projects, *common, "--check").code == 0
    data = yaml.safe_load(one.read_text(encoding="utf-8"))
    data["name"] = "Un, renommé"
    one.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "out" / "deux" / "dossier-mobilisation.docx").unlink()
    run = run_ptms("render", projects, *common, "--check")
    assert run.code == 1
    assert f"différent : {tmp_path / 'out' / 'un' / 'dossier-mobilisation.docx'}" in run.out
    assert f"manquant : {tmp_path / 'out' / 'deux' / 'dossier-mobilisation.docx'}" in run.out


def test_check_of_a_single_file_uses_its_folder(tmp_path):
    src = copy_project(STEP1, tmp_path / "p.yaml")
    assert run_ptms("render", src, "-o", tmp_path / "out", *FAST).code == 0
    assert run_ptms("render", src, "-o", tmp_path / "out", *FAST, "--check").code == 0
    (tmp_path / "out" / "dossier-mobilisation.docx").write_bytes(b"edited")
    run = run_ptms("render", src, "-o", tmp_path / "out", *FAST, "--check")
    assert run.code == 1 and "différent" in run.out
    assert (tmp_path / "out" / "dossier-mobilisation.docx").read_bytes() == b"edited"


# --- --changed-only ---------------------------------------------------------------------------

def test_changed_only_renders_only_what_changed(tmp_path):
    projects, one, templates = two_projects_and_templates(tmp_path)
    common = ("-o", tmp_path / "out", "-j", "1", "--templates", templates, *FAST, "--report", tmp_path / "r.json")

    def statuses():
        report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        return {Path(p["file"]).stem: (p["status"], p["up_to_date_reason"]) for p in report["projects"]}

    # nothing rendered yet: both are rendered
    assert run_ptms("render", projects, *common, "--changed-only").code == 0
    assert {k: v[0] for k, v in statuses().items()} == {"un": "rendered", "deux": "rendered"}
    assert run_ptms("render", projects, *common, "--changed-only").code == 0
    assert {k: v[0] for k, v in statuses().items()} == {"un": "unchanged", "deux": "unchanged"}

    data = yaml.safe_load(one.read_text(encoding="utf-8"))
    data["name"] = "Un, renommé"
    one.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run = run_ptms("render", projects, *common, "--changed-only")
    assert run.code == 0
    got = statuses()
    assert got["un"] == ("rendered", "le fichier projet a changé") and got["deux"][0] == "unchanged"
    text = docx_text(tmp_path / "out" / "un" / "dossier-mobilisation.docx")
    assert "Un, renommé" in text

    # a changed template re-renders every project that uses it
    edit_template(templates / "dossier-mobilisation.docx", "Le présent dossier présente", "Ce dossier présente")
    assert run_ptms("render", projects, *common, "--changed-only").code == 0
    got = statuses()
    assert got["un"][0] == got["deux"][0] == "rendered"
    assert "dossier-mobilisation.docx" in got["deux"][1] and "a changé" in got["deux"][1]
    # an output deleted by hand is produced again
    (tmp_path / "out" / "deux" / "dossier-mobilisation.docx").unlink()
    assert run_ptms("render", projects, *common, "--changed-only").code == 0
    assert statuses()["deux"][0] == "rendered" and statuses()["un"][0] == "unchanged"
    assert (tmp_path / "out" / "deux" / "dossier-mobilisation.docx").is_file()


def test_check_and_changed_only_together_is_a_usage_error(tmp_path):
    run = run_ptms("render", STEP1, "--check", "--changed-only", "-o", tmp_path)
    assert run.code == 2 and "--changed-only" in run.err


# --- cache, parallel identity -----------------------------------------------------------------

def test_cache_counter_counts_hits_and_misses():
    from datetime import date

    from ptms_cli.documents import catalog
    from ptms_cli.documents.context import build_context, letter_context
    from ptms_cli.validation import validate_file

    project = validate_file(STEP1).project
    ctx = build_context(project)
    props = r.Properties(title="t", author="a", date=date(2027, 1, 1))
    tpl = catalog.default_templates() / "lettre-intention.docx"
    ctx = letter_context(ctx, ctx["partners"][0]["id"])
    r.render(tpl, ctx, props, dict.fromkeys(catalog.IMAGES))
    before = r.cache_stats()
    r.render(tpl, ctx, props, dict.fromkeys(catalog.IMAGES))
    r.render(tpl, ctx, props, dict.fromkeys(catalog.IMAGES))
    after = r.cache_stats()
    assert after["misses"] == before["misses"]
    parts = after["hits"] - before["hits"]
    assert parts > 0 and parts % 2 == 0  # the same parts looked up once per render


def test_a_batch_compiles_each_template_once(tmp_path):
    files = [copy_project(AGGLO, tmp_path / f"p{i}.yaml", f"Projet {i}") for i in range(3)]
    tasks = [batch.Task(f, tmp_path / "out" / f.stem, ("convention", "lettres")) for f in files]
    reports = batch.run(tasks, jobs=1)
    assert [x.status for x in reports] == ["rendered"] * 3
    # later projects reuse every compiled part (the first may already find them compiled)
    assert reports[1].cache["misses"] == reports[2].cache["misses"] == 0
    assert reports[1].cache["hits"] == reports[2].cache["hits"] > 16  # convention + 16 letters, each >= 1 part


def test_two_workers_give_the_same_bytes_as_one(tmp_path):
    projects = tmp_path / "projets"
    copy_project(AGGLO, projects / "agglo.yaml")
    copy_project(STEP1, projects / "etape1.yaml")
    copy_project(EXAMPLES / "commune-beaulieu.yaml", projects / "commune.yaml")
    one = run_ptms("render", projects, "-o", tmp_path / "j1", "-j", "1", "--doc", "convention", "--doc", "mobilisation",
                   "--report", tmp_path / "r1.json")
    two = run_ptms("render", projects, "-o", tmp_path / "j2", "-j", "2", "--doc", "convention", "--doc", "mobilisation",
                   "--report", tmp_path / "r2.json")
    assert one.code == two.code == 0, one.err + two.err
    t1, t2 = tree(tmp_path / "j1"), tree(tmp_path / "j2")
    assert len(t1) == 3 + 5  # 3 manifests, mobilisation x3, convention x2
    assert t1 == t2
    solo = {p["worker"] for p in json.loads((tmp_path / "r1.json").read_text())["projects"]}
    assert len(solo) == 1  # -j 1: one process, no pool


def test_a_worker_is_replaced_after_its_quota_and_the_reports_keep_their_order(tmp_path, monkeypatch):
    """`MAX_TASKS` projects per worker (read by the pool, in this process): 7 projects, quota 2, two
    workers at a time -> at least four workers in turn, each with at most two projects; reports in the
    order of the tasks, every project rendered once."""
    monkeypatch.setattr(batch, "MAX_TASKS", 2)
    tasks = []
    for i in range(7):
        file = copy_project(STEP1, tmp_path / "projets" / f"p{i}.yaml", f"Projet {i}")
        tasks.append(batch.Task(file, tmp_path / "out" / f"p{i}", names=("mobilisation",)))
    seen = []
    reports = batch.run(tasks, jobs=2, on_done=lambda report: seen.append(Path(report.file).stem))
    assert [Path(r.file).stem for r in reports] == [f"p{i}" for i in range(7)]
    assert [r.status for r in reports] == ["rendered"] * 7, [r.failed for r in reports]
    assert sorted(seen) == [f"p{i}" for i in range(7)]
    per_worker: dict[int, int] = {}
    for report in reports:
        per_worker[report.worker] = per_worker.get(report.worker, 0) + 1
    assert len(per_worker) >= 4 and max(per_worker.values()) <= 2 and os.getpid() not in per_worker
    for i in range(7):
        assert "Projet " + str(i) in docx_text(tmp_path / "out" / f"p{i}" / "dossier-mobilisation.docx")


# --- robustness: a killed worker, Ctrl-C ------------------------------------------------------

def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        out += [int(c) for c in children]
        todo += [int(c) for c in children]
    return out


def _holder_of(path: Path, pids: list[int]) -> int | None:
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                if os.readlink(fd) == str(path):
                    return pid
        except OSError:
            continue
    return None


def _start_blocked_batch(tmp_path, *extra):
    """A batch whose project « bloque » has its output folder locked by us (as another render
    would): the worker that renders it waits for the lock before writing anything. Returns (process,
    the lock's descriptor — closing it releases the lock —, the lock file's path)."""
    import fcntl

    projects = tmp_path / "projets"
    for i in range(3):
        copy_project(STEP1, projects / f"bon-{i}.yaml", f"Bon {i}")
    copy_project(STEP1, projects / "bloque.yaml", "Bloqué")
    (tmp_path / "out" / "bloque").mkdir(parents=True, exist_ok=True)
    lock = tmp_path / "out" / "bloque" / ".ptms-lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ptms_cli", "render", str(projects), "-o", str(tmp_path / "out"),
         *FAST, "--report", str(tmp_path / "r.json"), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"},
        start_new_session=True)  # its own process group, as a command typed in a terminal
    return proc, fd, lock


def _waiting_worker(proc, lock: Path) -> int:
    deadline = time.monotonic() + 60
    worker = None
    while worker is None and time.monotonic() < deadline and proc.poll() is None:
        worker = _holder_of(lock, _descendants(proc.pid))
        time.sleep(0.02)
    assert worker is not None and worker != proc.pid, "no worker waited for the locked folder"
    return worker


def _dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_worker_fails_only_its_project_and_leaves_no_partial_file(tmp_path, sig):
    folder = tmp_path / "out" / "bloque"
    folder.mkdir(parents=True)
    stale = folder / f".dossier-mobilisation.docx.ptms-{_dead_pid()}-ab12cd34.tmp"
    stale.write_bytes(b"PK\x03\x04 half a zip")  # what a ptms process killed in mid-write leaves
    lookalike = folder / ".brouillon.ABCDEFGH.tmp"  # a user's file that merely looks like a temporary file
    lookalike.write_text("mon brouillon")
    proc, fd, lock = _start_blocked_batch(tmp_path, "-j", "2")
    try:
        worker = _waiting_worker(proc, lock)
        os.kill(worker, sig)
    finally:
        os.close(fd)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, out + err
    assert "Traceback" not in out + err and "leaked" not in err  # no multiprocessing warning reaches users
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    status = {Path(p["file"]).name: p for p in report["projects"]}
    assert status["bloque.yaml"]["status"] == "failed"
    assert sig.name in status["bloque.yaml"]["failed"][0]["reason"]
    if sig == signal.SIGKILL:  # the pool saw the process die: it knows its pid
        assert status["bloque.yaml"]["worker"] == worker
    for i in range(3):
        assert status[f"bon-{i}.yaml"]["status"] == "rendered"
    assert "bloque.yaml" in out and sig.name in out
    for docx in (tmp_path / "out").rglob("*.docx"):
        assert zipfile.ZipFile(io.BytesIO(docx.read_bytes())).testzip() is None
    # the next render of the folder removes what the dead ptms process left, and only that
    again = run_ptms("render", tmp_path / "projets", "-o", tmp_path / "out", "-j", "1", *FAST)
    assert again.code == 0, again.err
    assert temp_files(tmp_path / "out") == [lookalike] and lookalike.read_text() == "mon brouillon"


def test_ctrl_c_stops_the_batch_cleanly(tmp_path):
    lookalikes = [tmp_path / "out" / d / ".brouillon.ABCDEFGH.tmp" for d in ("bloque", "bon-0")]
    for p in lookalikes:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("mon brouillon")
    proc, fd, lock = _start_blocked_batch(tmp_path, "-j", "2")
    try:
        _waiting_worker(proc, lock)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: to ptms and its workers
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(fd)
    assert proc.returncode == 130, out + err
    assert "Interrompu" in err and "Traceback" not in err and "leaked" not in err
    assert sorted(temp_files(tmp_path)) == sorted(lookalikes)  # only this run's temporary files are removed
    for docx in (tmp_path / "out").rglob("*.docx"):
        assert zipfile.ZipFile(io.BytesIO(docx.read_bytes())).testzip() is None
    assert _descendants(proc.pid) == []


@pytest.mark.pdf
def test_check_with_pdf_compares_the_docx_and_requires_the_pdf(tmp_path):
    from ptms_cli.documents.export import soffice_path

    if soffice_path() is None:
        pytest.fail("LibreOffice (soffice) est requis pour ce test (.ci/run l'installe).")
    src = copy_project(STEP1, tmp_path / "p.yaml")
    args = ("render", src, "-o", tmp_path / "out", *FAST, "--format", "docx,pdf")
    assert run_ptms(*args).code == 0
    # LibreOffice's PDFs differ from run to run: --check does not call it and does not compare them
    run = run_ptms(*args, "--check")
    assert run.code == 0, run.out + run.err
    (tmp_path / "out" / "dossier-mobilisation.pdf").unlink()
    run = run_ptms(*args, "--check")
    assert run.code == 1 and f"manquant : {tmp_path / 'out' / 'dossier-mobilisation.pdf'}" in run.out


def test_an_unwritable_output_folder_fails_only_its_project(tmp_path):
    copy_project(STEP1, tmp_path / "p" / "un.yaml")
    copy_project(STEP1, tmp_path / "p" / "deux.yaml")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "un").write_text("un fichier, pas un dossier")
    run = run_ptms("render", tmp_path / "p", "-o", tmp_path / "out", "-j", "1", *FAST)
    assert run.code == 1 and "Traceback" not in run.out + run.err
    assert "n'est pas un dossier" in run.out[run.out.index("Motifs"):]
    assert (tmp_path / "out" / "un").read_text() == "un fichier, pas un dossier"
    assert (tmp_path / "out" / "deux" / "dossier-mobilisation.docx").is_file()
