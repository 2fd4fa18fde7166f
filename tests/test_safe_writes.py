"""Issue 12: writes that stay in the output folder and survive crashes — symbolic links, device
nodes and pipes, colliding file names, a render killed with SIGKILL or Ctrl-C, concurrent renders,
a read-only manifest, orphans. Everything runs for real (real links, pipes, signals, processes)."""

from __future__ import annotations

import copy
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, run_ptms

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

STEP1 = EXAMPLES / "cc-deux-rives.yaml"
LETTERS = ("--doc", "lettres")


def project(path: Path, ids: list[str] | None = None, extra: int = 0) -> Path:
    """The step-1 example with the partners `ids` added (or `extra` generated ones)."""
    data = yaml.safe_load(STEP1.read_text(encoding="utf-8"))
    model = data["partners"][1]
    ids = list(ids or []) + [f"commune-{i:04d}" for i in range(extra)]
    for i, pid in enumerate(ids):
        p = copy.deepcopy(model)
        p["id"], p["name"] = pid, f"Commune ajoutée {i} ({pid})"
        data["partners"].append(p)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def ptms_temps(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.tmp") if ".ptms-" in p.name)


# --- 1. symbolic links ------------------------------------------------------------------------

def test_a_link_planted_as_manifest_is_refused_and_its_target_untouched(tmp_path):
    p = project(tmp_path / "p.yaml")
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "etc-passwd"
    victim.write_text("root:x:0:0")
    (out / ".ptms-manifest.json").symlink_to(victim)
    run = run_ptms("render", p, "-o", out, "--doc", "mobilisation")
    assert run.code == 1 and "lien symbolique" in run.err and ".ptms-manifest.json" in run.err, run.err
    assert "Traceback" not in run.err
    assert victim.read_text() == "root:x:0:0"
    assert not (out / "dossier-mobilisation.docx").exists()  # refused before anything is written


@pytest.mark.parametrize("force", [False, True])
def test_a_dangling_link_in_place_of_a_document_is_never_written_through(tmp_path, force):
    p = project(tmp_path / "p.yaml")
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "ailleurs" / "new.docx"
    target.parent.mkdir()
    (out / "dossier-mobilisation.docx").symlink_to(target)
    run = run_ptms("render", p, "-o", out, "--doc", "mobilisation", *(["--force"] if force else []))
    assert run.code == 1 and "lien symbolique" in run.err and "dossier-mobilisation.docx" in run.err
    assert not target.exists() and (out / "dossier-mobilisation.docx").is_symlink()


def test_an_output_folder_named_by_the_user_may_be_a_link(tmp_path):
    p = project(tmp_path / "p.yaml")
    (tmp_path / "vrai").mkdir()
    (tmp_path / "lien").symlink_to(tmp_path / "vrai")
    run = run_ptms("render", p, "-o", tmp_path / "lien", "--doc", "mobilisation")
    assert run.code == 0, run.err
    assert (tmp_path / "vrai" / "dossier-mobilisation.docx").is_file()


def test_a_linked_batch_subfolder_is_refused(tmp_path):
    project(tmp_path / "projets" / "a.yaml")
    project(tmp_path / "projets" / "b.yaml")
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (out / "a").symlink_to(elsewhere)
    run = run_ptms("render", tmp_path / "projets", "-o", out, "-j", "1", "--doc", "mobilisation")
    assert run.code == 1 and "lien symbolique" in run.out, run.out
    assert list(elsewhere.iterdir()) == []
    assert (out / "b" / "dossier-mobilisation.docx").is_file()  # the other project is rendered


def test_templates_export_never_writes_through_a_link(tmp_path):
    target = tmp_path / "victime.docx"
    (tmp_path / "modeles").mkdir()
    (tmp_path / "modeles" / "convention.docx").symlink_to(target)  # dangling
    run = run_ptms("templates", "export", tmp_path / "modeles", "--force")
    assert run.code == 1 and "lien symbolique" in run.err and "Traceback" not in run.err
    assert not target.exists()


# --- 3. two outputs never share a path --------------------------------------------------------

def test_ids_that_slug_alike_give_distinct_letters(tmp_path):
    ids = ["ville-nord", "ville_nord", "ville--nord", "ville-nord-"]
    p = project(tmp_path / "p.yaml", ids)
    run = run_ptms("render", p, "-o", tmp_path / "out", *LETTERS)
    assert run.code == 0, run.err
    written = [line.split(" : ", 1)[1] for line in run.out.splitlines() if line.startswith("écrit : ")]
    assert len(written) == len(set(written)) == len(list((tmp_path / "out").glob("*.docx")))
    names = {Path(w).name for w in written}
    assert {f"lettre-intention-{i}.docx" for i in ids} <= names


def test_the_plan_refuses_two_documents_with_one_name():
    from ptms_cli.documents import catalog

    job = catalog.Job(catalog.BY_NAME["lettres"], "lettre-intention-a", "A", "a")
    twin = catalog.Job(catalog.BY_NAME["lettres"], "Lettre-Intention-A", "B", "b")
    with pytest.raises(catalog.PlanError) as info:
        catalog._distinct([job, twin])
    assert "même nom de fichier" in str(info.value)


# --- 6. crash-consistent manifest, lock ----------------------------------------------------------

def _wait_for(predicate, proc, what: str, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"{what}: " + proc.communicate()[1])
        time.sleep(0.02)


def _render_proc(p: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ptms_cli", "render", str(p), "-o", str(out), *LETTERS, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NO_COLOR": "1"})


def test_after_kill_9_the_next_render_recognises_what_ptms_wrote(tmp_path):
    p = project(tmp_path / "p.yaml", extra=400)
    out = tmp_path / "out"
    first = run_ptms("render", p, "-o", out, *LETTERS)  # a manifest to get out of sync with
    assert first.code == 0, first.err
    p.write_text(p.read_text(encoding="utf-8").replace("Commune ajoutée", "Commune ajoutée bis"), encoding="utf-8")
    before = {f.name: f.read_bytes() for f in out.glob("*.docx")}
    proc = _render_proc(p, out)
    changed = lambda: sum(f.read_bytes() != before.get(f.name) for f in out.glob("*.docx")) >= 150
    _wait_for(changed, proc, "the render did not replace letters")
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert (out / ".ptms-manifest.journal").exists()  # the crash left the journal
    again = run_ptms("render", p, "-o", out, *LETTERS)
    assert again.code == 0, again.err  # no « modifié depuis sa génération » for ptms's own letters
    assert "modifié" not in again.err
    assert ptms_temps(tmp_path) == [] and not (out / ".ptms-manifest.journal").exists()
    assert run_ptms("render", p, "-o", out, *LETTERS, "--check").code == 0


def test_ctrl_c_of_a_render_says_so_in_french_and_keeps_the_manifest_right(tmp_path):
    p = project(tmp_path / "p.yaml", extra=400)
    out = tmp_path / "out"
    proc = _render_proc(p, out)
    _wait_for(lambda: len(list(out.glob("*.docx"))) >= 50, proc, "no letter written")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Interrompu" in err and "Traceback" not in err, err
    manifest = json.loads((out / ".ptms-manifest.json").read_text(encoding="utf-8"))["files"]
    assert {f.name for f in out.glob("*.docx")} == set(manifest)  # every letter on disk is recorded
    assert ptms_temps(tmp_path) == []
    again = run_ptms("render", p, "-o", out, *LETTERS)
    assert again.code == 0, again.err


def test_a_second_render_into_a_locked_folder_waits_and_says_why(tmp_path):
    p = project(tmp_path / "p.yaml")
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out / ".ptms-lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as another render holding the folder
    try:
        proc = _render_proc(p, out)
        line = proc.stderr.readline()
        assert "en cours d'écriture par un autre rendu" in line and str(out) in line
        assert not list(out.glob("*.docx"))  # it waits: nothing written meanwhile
    finally:
        os.close(fd)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert list(out.glob("*.docx")) and not (out / ".ptms-lock").exists()


def test_two_concurrent_renders_into_one_folder_lose_no_entry(tmp_path):
    a = project(tmp_path / "a.yaml", extra=60)
    out = tmp_path / "out"
    procs = [_render_proc(a, out), _render_proc(a, out)]
    for proc in procs:
        proc.communicate(timeout=300)
        assert proc.returncode == 0
    manifest = json.loads((out / ".ptms-manifest.json").read_text(encoding="utf-8"))["files"]
    assert {f.name for f in out.glob("*.docx")} == set(manifest)
    again = run_ptms("render", a, "-o", out, *LETTERS)
    assert again.code == 0 and "écrit :" not in again.out, again.out + again.err


def test_a_read_only_manifest_is_refused_before_any_document_is_written(tmp_path):
    p = project(tmp_path / "p.yaml")
    out = tmp_path / "out"
    assert run_ptms("render", p, "-o", out, "--doc", "mobilisation").code == 0
    (out / ".ptms-manifest.json").chmod(0o444)
    before = (out / "dossier-mobilisation.docx").stat().st_mtime_ns
    run = run_ptms("render", p, "-o", out, *LETTERS)
    assert run.code == 1 and "lecture seule" in run.err and ".ptms-manifest.json" in run.err
    assert not list(out.glob("lettre-*")) and (out / "dossier-mobilisation.docx").stat().st_mtime_ns == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full absent")
def test_a_full_disk_keeps_the_written_documents_recognised(tmp_path):
    """A full disk is simulated with RLIMIT_FSIZE (EFBIG once a file would pass the limit)."""
    p = project(tmp_path / "p.yaml", extra=300)
    out = tmp_path / "out"
    assert run_ptms("render", p, "-o", out, *LETTERS).code == 0
    p.write_text(p.read_text(encoding="utf-8").replace("Commune ajoutée", "Commune ajoutée bis"), encoding="utf-8")
    size = max(f.stat().st_size for f in out.glob("*.docx")) + 4096
    assert size < (out / ".ptms-manifest.json").stat().st_size

    def limit():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))  # the letters fit, the manifest does not

    proc = subprocess.run([sys.executable, "-m", "ptms_cli", "render", str(p), "-o", str(out), *LETTERS],
                          capture_output=True, text=True, preexec_fn=limit, timeout=300, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "fichier trop grand" in proc.stderr  # in French
    again = run_ptms("render", p, "-o", out, *LETTERS)
    assert again.code == 0 and "modifié" not in again.err, again.err


# --- 13. orphans --------------------------------------------------------------------------------

def test_check_reports_orphans_and_prune_removes_them(tmp_path):
    p = project(tmp_path / "p.yaml", ["partira"])
    out = tmp_path / "out"
    assert run_ptms("render", p, "-o", out, *LETTERS).code == 0
    project(p)  # the partner « partira » is removed
    check = run_ptms("render", p, "-o", out, *LETTERS, "--check")
    assert check.code == 1 and "orphelin" in check.out and "lettre-intention-partira.docx" in check.out, check.out
    kept = run_ptms("render", p, "-o", out, *LETTERS)
    assert kept.code == 0 and "orphelin" in kept.out and (out / "lettre-intention-partira.docx").exists()
    pruned = run_ptms("render", p, "-o", out, *LETTERS, "--prune")
    assert pruned.code == 0 and "supprimé (orphelin)" in pruned.out
    assert not (out / "lettre-intention-partira.docx").exists()
    assert run_ptms("render", p, "-o", out, *LETTERS, "--check").code == 0
    assert run_ptms("render", p, "-o", out, "--check", "--prune").code == 2


# --- 14. French for -j 0 ------------------------------------------------------------------------

def test_jobs_zero_is_a_french_usage_error(tmp_path):
    p = project(tmp_path / "p.yaml")
    run = run_ptms("render", p, "-j", "0")
    assert run.code == 2 and "au moins 1" in run.err and "range" not in run.err
