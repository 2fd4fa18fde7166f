"""Atomic writes: symlinks kept, read-only files refused, French errors, no temp file left."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from ptms_cli.writing import WriteError, remove_dead_temps, write_atomic


def test_writes_through_a_symlink_the_user_named_and_keeps_it(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "p.yaml"
    target.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to("real/p.yaml")
    write_atomic(link, b"new", follow_links=True)
    assert link.is_symlink() and target.read_text() == "new"


@pytest.mark.parametrize("dangling", [False, True])
def test_never_writes_through_a_link_it_did_not_create(tmp_path, dangling):
    victim = tmp_path / "victim"
    if not dangling:
        victim.write_text("keep")
    link = tmp_path / "out.docx"
    link.symlink_to(victim)
    with pytest.raises(WriteError) as info:
        write_atomic(link, b"new")
    assert "lien symbolique" in str(info.value) and str(link) in str(info.value)
    assert link.is_symlink()
    assert (victim.read_text() == "keep") if not dangling else not victim.exists()


def test_refuses_fifo_and_device_nodes(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(WriteError) as info:
        write_atomic(fifo, b"x")
    assert "pas un fichier ordinaire" in str(info.value)
    link = tmp_path / "null"
    link.symlink_to("/dev/null")  # followed (the user named it), then refused: a device
    with pytest.raises(WriteError) as info:
        write_atomic(link, b"x", follow_links=True)
    assert "pas un fichier ordinaire" in str(info.value) and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "null"]


@pytest.mark.slow
def test_schema_onto_a_fifo_is_refused_and_dash_is_stdout(ptms, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = ptms("schema", "-o", fifo, timeout=30)
    assert result.code == 1 and "pas un fichier ordinaire" in result.err and "Traceback" not in result.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    result = ptms("schema", "-o", "-")
    assert result.code == 0 and json.loads(result.out)["title"]


def test_dead_temps_only_ptms_own_of_dead_processes(tmp_path):
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=False)
    dead = int(proc.stdout)
    mine = tmp_path / f".a.docx.ptms-{dead}-abcdefgh.tmp"
    alive = tmp_path / f".b.docx.ptms-{os.getpid()}-abcdefgh.tmp"
    user = tmp_path / ".brouillon.ABCDEFGH.tmp"
    for p in (mine, alive, user):
        p.write_text("x")
    assert remove_dead_temps(tmp_path) == [mine]
    assert alive.exists() and user.exists()


def test_keeps_permissions(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("x")
    path.chmod(0o640)
    write_atomic(path, b"y")
    assert oct(path.stat().st_mode & 0o777) == oct(0o640) and path.read_text() == "y"


def test_refuses_read_only_file(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("keep")
    path.chmod(0o444)
    with pytest.raises(WriteError) as info:
        write_atomic(path, b"new")
    assert "lecture seule" in str(info.value) and str(path) in str(info.value)
    assert path.read_text() == "keep"


def test_directory_and_missing_parent_give_french_errors(tmp_path):
    with pytest.raises(WriteError) as info:
        write_atomic(tmp_path, b"x")
    assert "c'est un dossier" in str(info.value)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(WriteError) as info:
        write_atomic(blocker / "sub" / "x.json", b"x")
    assert "n'est pas un dossier" in str(info.value) or "n'existe pas" in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == ["file"]  # no temp file left behind


@pytest.mark.slow
def test_cli_write_errors_are_french_without_traceback(ptms, tmp_path):
    result = ptms("schema", "-o", tmp_path)
    assert result.code == 1 and "c'est un dossier" in result.err and "Traceback" not in result.err
    ro = tmp_path / "s.json"
    ro.write_text("{}")
    ro.chmod(0o444)
    result = ptms("schema", "-o", ro)
    assert result.code == 1 and "lecture seule" in result.err and ro.read_text() == "{}"
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="pas de /dev/zero sur ce système")
def test_device_is_refused_fast(ptms):
    result = ptms("validate", "/dev/zero", timeout=20)
    assert result.code == 2 and "pas un fichier ordinaire" in result.out
