"""Adversary pass (week 5): what a hostile or clumsy user does to `ptms`, through the real entry point.

Only behaviours that work are pinned here (so that they keep working): bad files answered in French
with their position and the documented exit code on every command, exact positions in the JSON and
GitHub formats, no writing through a planted symbolic link, concurrent renders and interrupted
renders that leave a consistent manifest and no temporary file, hostile names that stay literal text
in the documents, answers files that never half-write the project."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, docx_text, plain, run_ptms

BEAULIEU = EXAMPLES / "commune-beaulieu.yaml"
AGGLO = EXAMPLES / "agglo-val-de-marque.yaml"
MANIFEST = ".ptms-manifest.json"


def _popen(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ptms_cli", *map(str, args)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100"})


def _assert_manifest_matches(out: Path) -> dict:
    """Every manifest entry names a file whose SHA-256 is the recorded one; no temporary is left."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"], name
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != MANIFEST]
    assert leftovers == []
    documents = {p.name for p in out.iterdir() if p.suffix == ".docx"}
    assert documents == set(manifest["files"])
    return manifest


# --- bad files on every command -------------------------------------------------------------------

BOMB = "".join(
    f"{a}: &{a} [{', '.join(['*' + p] * 9) if p else ', '.join(['x'] * 9)}]\n"
    for p, a in zip(["", "a", "b", "c", "d", "e", "f"], "abcdefg")
)

BAD_FILES = {
    # name: (bytes, exit code of the commands that read one project, text expected in the message)
    "syntaxe.yaml": (b"schema_version: 1\nname: X\nterritory: [1, 2\nperiod: {}\n", 1, "PTMS-E003"),
    "latin1.yaml": ("schema_version: 1\nname: Médiation\n".encode("latin-1"), 2, "PTMS-E002"),
    "bombe.yaml": (BOMB.encode(), 1, "PTMS-E006"),
    "dossier": (None, 2, "c'est un dossier"),
}

COMMANDS = {
    "status": ["status"],
    "funding": ["funding"],
    "coverage": ["coverage"],
    "context": ["context"],
    "sign": ["sign", "-o", "sortie-sign"],
    "calls": ["calls", "--year", "2026", "-o", "sortie-calls"],
    "report": ["report", "--year", "2026", "-o", "sortie-report"],
}


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_every_command_answers_a_bad_file_in_french_with_its_position(tmp_path, command, name):
    content, code, expected = BAD_FILES[name]
    target = tmp_path / name
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    r = run_ptms(*COMMANDS[command], name, cwd=tmp_path, timeout=60)
    text = r.out + r.err
    assert r.code == code, text
    assert "Traceback" not in text
    assert expected in text
    assert text.lstrip().startswith(name)  # the message starts with the file, then its position
    if name == "syntaxe.yaml":
        assert f"{name}:4:" in text  # the list opened line 3 is found unclosed on line 4
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no output folder, no stray file


# --- validate: exact positions, formats, exit codes --------------------------------------------------

CRAFTED = """\
schema_version: 1
name: Projet piégé
territory:
  name: Ville Test
  kind: commune
  communes: [Test]
  sectors:
    - id: nord
      name: Nord
period:
  start: 2026-01-01
  end: 2028-12-31
lead_partner: ville
partners:
  - id: ville
    name: Ville
    kind: commune
    roles: [funder]
    status: committed
    colour: bleu
  - id: asso
    name: Asso
    kind: association
    status: maybe
"""


def _position(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `text`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def test_validate_json_and_github_give_the_exact_position_of_each_finding(tmp_path):
    (tmp_path / "piege.yaml").write_text(CRAFTED, encoding="utf-8")
    r = run_ptms("validate", "piege.yaml", "--format", "json", cwd=tmp_path)
    assert r.code == 1
    found = {(f["code"], f["line"], f["column"], f["path"])
             for f in json.loads(r.out)["files"][0]["findings"]}
    assert found == {
        ("PTMS-E012", *_position(CRAFTED, "colour"), "partners[0].colour"),
        ("PTMS-E011", *_position(CRAFTED, "maybe"), "partners[1].status"),
    }
    g = run_ptms("validate", "piege.yaml", "--format", "github", cwd=tmp_path)
    assert g.code == 1
    line, col = _position(CRAFTED, "maybe")
    assert f"::error file=piege.yaml,line={line},col={col},title=PTMS-E011::" in g.out


def test_reference_errors_are_located_on_the_value_and_the_duplicate(tmp_path):
    text = CRAFTED.replace("    colour: bleu\n", "").replace("status: maybe", "status: interested")
    text = text.replace("lead_partner: ville", "lead_partner: vile").replace("  - id: asso", "  - id: ville", 1)
    (tmp_path / "refs.yaml").write_text(text, encoding="utf-8")
    r = run_ptms("validate", "refs.yaml", cwd=tmp_path)
    assert r.code == 1
    line, col = _position(text, "vile")
    assert f"refs.yaml:{line}:{col}: erreur PTMS-E021" in r.out
    assert "vouliez-vous dire « ville »" in r.out
    second = text.index("  - id: ville", text.index("  - id: ville") + 1)
    dup_line = text[:second].count("\n") + 1
    assert f"refs.yaml:{dup_line}:9: erreur PTMS-E020" in r.out


@pytest.mark.slow
def test_warnings_fail_only_with_strict_and_an_unreadable_file_wins_with_code_2(tmp_path):
    text = BEAULIEU.read_text(encoding="utf-8")
    assert "hours_per_week: 30" in text
    (tmp_path / "avert.yaml").write_text(text.replace("hours_per_week: 30", "hours_per_week: 160", 1),
                                         encoding="utf-8")
    plain_run = run_ptms("validate", "avert.yaml", "--format", "json", cwd=tmp_path)
    summary = json.loads(plain_run.out)["summary"]
    assert (plain_run.code, summary["errors"]) == (0, 0)
    assert summary["warnings"] > 0
    codes = {f["code"] for f in json.loads(plain_run.out)["files"][0]["findings"]}
    assert "PTMS-W052" in codes  # 160 h of need cannot be covered by the service's hours
    strict = run_ptms("validate", "avert.yaml", "--format", "json", "--strict", cwd=tmp_path)
    assert strict.code == 1
    assert json.loads(strict.out)["summary"]["strict"] is True
    (tmp_path / "latin1.yaml").write_bytes("name: é\n".encode("latin-1"))
    (tmp_path / "piege.yaml").write_text(CRAFTED, encoding="utf-8")
    mixed = run_ptms("validate", "piege.yaml", "latin1.yaml", cwd=tmp_path)
    assert mixed.code == 2
    assert "latin1.yaml:1:7: erreur PTMS-E002" in mixed.out


# --- output safety -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_render_never_writes_through_a_planted_symlink_even_with_force(tmp_path):
    victim = tmp_path / "victime.txt"
    victim.write_text("root:x:0:0\n", encoding="utf-8")
    out = tmp_path / "docs"
    out.mkdir()
    (out / "convention.docx").symlink_to(victim)
    for extra in ([], ["--force"]):
        r = run_ptms("render", BEAULIEU, "-o", out, "--doc", "convention", *extra, cwd=tmp_path)
        assert r.code == 1
        assert "lien symbolique" in r.out + r.err
        assert victim.read_text(encoding="utf-8") == "root:x:0:0\n"
        assert (out / "convention.docx").is_symlink()
    manifest_dir = tmp_path / "docs2"
    manifest_dir.mkdir()
    (manifest_dir / MANIFEST).symlink_to(victim)
    r = run_ptms("render", BEAULIEU, "-o", manifest_dir, "--doc", "convention", cwd=tmp_path)
    assert r.code == 1
    assert victim.read_text(encoding="utf-8") == "root:x:0:0\n"
    assert sorted(p.name for p in manifest_dir.iterdir()) == [MANIFEST]


@pytest.mark.slow
def test_two_renders_of_one_project_into_one_folder_at_once(tmp_path):
    out = tmp_path / "docs"
    procs = [_popen("render", BEAULIEU, "-o", out, cwd=tmp_path) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    for code, stdout, stderr in results:
        assert code == 0, stdout + stderr
    manifest = _assert_manifest_matches(out)
    assert "convention.docx" in manifest["files"]
    check = run_ptms("render", BEAULIEU, "-o", out, "--check", cwd=tmp_path, timeout=300)
    assert check.code == 0, check.out + check.err


def _wait_for(path: Path, proc: subprocess.Popen, deadline: float = 240) -> None:
    """Until `path` exists (the render has started writing) or the process has ended."""
    end = time.monotonic() + deadline
    while not path.exists() and proc.poll() is None and time.monotonic() < end:
        time.sleep(0.01)


@pytest.mark.slow
def test_kill_9_while_writing_then_a_new_render_cleans_up_and_recognises_its_files(tmp_path):
    out = tmp_path / "docs"
    proc = _popen("render", AGGLO, "-o", out, cwd=tmp_path)
    _wait_for(out, proc)
    proc.kill()
    proc.communicate(timeout=60)
    for p in out.glob("*.docx") if out.exists() else []:
        assert p.stat().st_size > 0
    r = run_ptms("render", AGGLO, "-o", out, cwd=tmp_path, timeout=300)
    assert r.code == 0, r.out + r.err  # files written before the kill are not taken for hand edits
    manifest = _assert_manifest_matches(out)
    assert len(manifest["files"]) == r.out.count("écrit : ") + r.out.count("inchangé : ")


@pytest.mark.slow
def test_ctrl_c_while_writing_exits_130_with_a_consistent_manifest(tmp_path):
    out = tmp_path / "docs"
    proc = _popen("render", AGGLO, "-o", out, cwd=tmp_path)
    _wait_for(out, proc)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert "Interrompu" in stdout + stderr
    if (out / MANIFEST).exists():
        _assert_manifest_matches(out)
    else:
        assert not list(out.glob("*.docx"))


# --- hostile names and texts ----------------------------------------------------------------------------

HOSTILE = {
    "territory": "Beaulieu {{ 7*7 }} {% for x in y %}",
    "partner": "Habitat <w:p> {%p endfor %} \u202eRTL\u202c 🏠",
    "service": "Service 🤝 {%tr for r in rows %} </w:t>]]>",
}


@pytest.mark.slow
def test_hostile_names_are_literal_text_in_docx_and_escaped_in_markdown(tmp_path):
    data = yaml.safe_load(BEAULIEU.read_text(encoding="utf-8"))
    data["territory"]["name"] = HOSTILE["territory"]
    habitat = next(p for p in data["partners"] if p["id"] == "habitat-sambre")
    habitat["name"] = HOSTILE["partner"]
    data["service"]["name"] = HOSTILE["service"]
    data["objectives"][0]["statement"] = "Objectif " + "très long " * 1000 + "FIN"
    (tmp_path / "hostile.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    r = run_ptms("render", "hostile.yaml", "-o", "docs", "--doc", "convention", "--format", "docx,md",
                 cwd=tmp_path, timeout=300)
    assert r.code == 0, r.out + r.err
    text = plain(docx_text(tmp_path / "docs" / "convention.docx"))
    for value in HOSTILE.values():
        assert value in text
    assert "très long " * 50 in text and "FIN" in text
    md = (tmp_path / "docs" / "convention.md").read_text(encoding="utf-8")
    assert "{{ 7\\*7 }}" in md
    assert "&lt;w:p&gt;" in md and "<w:p>" not in md
    assert "&lt;/w:t&gt;\\]\\]&gt;" in md


@pytest.mark.slow
def test_hostile_names_are_escaped_in_the_html_report(tmp_path):
    data = yaml.safe_load(BEAULIEU.read_text(encoding="utf-8"))
    habitat = next(p for p in data["partners"] if p["id"] == "habitat-sambre")
    habitat["name"] = "Habitat <script>alert(1)</script> <img src=x onerror=alert(2)>"
    (tmp_path / "h.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    r = run_ptms("report", "h.yaml", "--year", "2026", "-o", "bilan", "-f", "html", cwd=tmp_path, timeout=300)
    assert r.code == 0, r.out + r.err
    html = (tmp_path / "bilan" / "bilan-2026.html").read_text(encoding="utf-8")
    assert "Habitat &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html


# --- wizards' answers files -----------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("answers, expected", [
    ("partners:\n  - {id: x, name: [1, 2\n", "fichier de réponses illisible"),
    ("partners: &a\n  - *a\n", "alias récursif"),
    ("service:\n  name: X\n", "ptms specify"),
    ("partners:\n  - id: bailleur\n    name: Bailleur\n    kind: martien\n    status: committed\n",
     "valeur non reconnue"),
])
def test_a_bad_answers_file_changes_nothing_in_the_project(tmp_path, answers, expected):
    project = tmp_path / "projet.yaml"
    project.write_bytes((EXAMPLES / "cc-deux-rives.yaml").read_bytes())
    (tmp_path / "reponses.yaml").write_text(answers, encoding="utf-8")
    r = run_ptms("mobilize", "projet.yaml", "--answers", "reponses.yaml", cwd=tmp_path, input="")
    assert r.code == 2
    assert expected in r.out + r.err
    assert "Traceback" not in r.out + r.err
    assert project.read_bytes() == (EXAMPLES / "cc-deux-rives.yaml").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projet.yaml", "reponses.yaml"]


@pytest.mark.slow
def test_answers_saved_into_a_crlf_project_keep_its_line_endings(tmp_path):
    project = tmp_path / "projet.yaml"
    project.write_bytes((EXAMPLES / "cc-deux-rives.yaml").read_bytes().replace(b"\n", b"\r\n"))
    (tmp_path / "reponses.yaml").write_text(
        "calendar:\n  - {date: 2027-06-01, label: Nouvelle réunion}\n", encoding="utf-8")
    r = run_ptms("mobilize", "projet.yaml", "--answers", "reponses.yaml", cwd=tmp_path, input="")
    assert r.code == 0, r.out + r.err
    saved = project.read_bytes()
    assert "Nouvelle réunion".encode() in saved
    assert saved.count(b"\n") == saved.count(b"\r\n")
    assert run_ptms("validate", "projet.yaml", cwd=tmp_path).code == 0
