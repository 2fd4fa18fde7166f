"""Atomic writes: symlinks kept, read-only files refused, French errors, no temp file left."""

from __future__ import annotations

import os

import pytest

from ptms_cli.writing import WriteError, write_atomic


def test_writes_through_a_symlink_and_keeps_it(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "p.yaml"
    target.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to("real/p.yaml")
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_text() == "new"


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
