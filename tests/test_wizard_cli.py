"""The wizard commands through the real entry point, without a terminal (stdin is a pipe)."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import run_ptms

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

INIT_ANSWERS = """\
name: PTMS de Villeneuve
territory:
  name: Villeneuve
  kind: commune
  sectors:
    - {id: centre, name: Centre-ville}
    - {id: nord, name: Quartier Nord, qpv: true}
period: {start: 2026-01-01, end: 2028-12-31}
lead_partner: ville
partners:
  - {id: ville, name: Ville de Villeneuve, kind: commune, roles: [funder, signatory], status: committed}
"""

MOBILIZE_ANSWERS = """\
partners:
  - {id: bailleur, name: Habitat Nord, kind: bailleur_social, roles: [funder], status: interested}
objectives:
  - {id: nord-apaise, statement: Apaiser le quartier Nord, partners: [ville, bailleur]}
"""


@pytest.fixture
def project(tmp_path):
    answers = tmp_path / "init.yaml"
    answers.write_text(INIT_ANSWERS, encoding="utf-8")
    r = run_ptms("init", tmp_path / "projet.yaml", "--answers", answers)
    assert r.code == 0, r.err
    return tmp_path / "projet.yaml"


@pytest.mark.parametrize("name", ["init", "mobilize", "specify", "convene"])
def test_without_a_terminal_every_wizard_fails_fast_listing_missing_answers(tmp_path, project, name):
    target = tmp_path / "nouveau.yaml" if name == "init" else project
    before = project.read_bytes()
    r = run_ptms(name, target, input="", timeout=20)
    assert r.code == 2
    assert "Pas de terminal interactif" in r.err
    assert "réponses manquantes" in r.err
    expected = {
        "init": ["name — Nom du projet", "territory.name — Nom du territoire", "territory.kind", "period.start"],
        "mobilize": ["au moins deux partenaires", "au moins un objectif partagé"],
        "specify": ["le service mutualisé", "le budget", "le plan de financement"],
        "convene": ["la gouvernance", "les indicateurs d'évaluation", "les termes de la convention"],
    }[name]
    for words in expected:
        assert words in r.err
    assert "Traceback" not in r.err
    assert project.read_bytes() == before
    assert not (tmp_path / "nouveau.yaml").exists()


def test_init_with_answers_writes_the_project_and_the_schema(project):
    text = project.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=ptms.schema.json\n# ")
    schema = json.loads((project.parent / "ptms.schema.json").read_text(encoding="utf-8"))
    assert schema["title"].startswith("Projet territorial")
    assert run_ptms("validate", project).code == 0


def test_init_default_file_name_and_refusal_to_overwrite(tmp_path):
    answers = tmp_path / "init.yaml"
    answers.write_text(INIT_ANSWERS, encoding="utf-8")
    assert run_ptms("init", "--answers", answers, cwd=tmp_path).code == 0
    created = tmp_path / "projet-ptms.yaml"
    before = created.read_bytes()
    r = run_ptms("init", "--answers", answers, cwd=tmp_path)
    assert r.code == 1
    assert "existe déjà" in r.err and "--force" in r.err
    assert created.read_bytes() == before
    r = run_ptms("init", "--answers", answers, "--force", cwd=tmp_path)
    assert r.code == 0


def test_mobilize_with_answers_completes_step_1_and_keeps_comments(tmp_path, project):
    project.write_text(project.read_text(encoding="utf-8").replace("lead_partner:", "# la ville pilote\nlead_partner:"),
                       encoding="utf-8")
    answers = tmp_path / "mob.yaml"
    answers.write_text(MOBILIZE_ANSWERS, encoding="utf-8")
    r = run_ptms("mobilize", project, "--answers", answers)
    assert r.code == 0, r.err + r.out
    assert "Étape 1 — Mobiliser et fédérer les partenaires (complète)" in r.out
    text = project.read_text(encoding="utf-8")
    assert "# la ville pilote\nlead_partner: ville" in text
    data = yaml.safe_load(text)
    assert [p["id"] for p in data["partners"]] == ["ville", "bailleur"]  # merged by id
    assert run_ptms("validate", project, "--step", "1").code == 0


def test_answers_with_an_invalid_value_write_nothing(tmp_path, project):
    before = project.read_bytes()
    answers = tmp_path / "bad.yaml"
    answers.write_text(MOBILIZE_ANSWERS.replace("interested", "motivé"), encoding="utf-8")
    r = run_ptms("mobilize", project, "--answers", answers)
    assert r.code == 2
    column = answers.read_text(encoding="utf-8").splitlines()[1].index("motivé") + 1  # located in the answers
    assert f"invalide : {answers}:2:{column}: partners[0].status" in " ".join(r.err.split())
    assert project.read_bytes() == before


def test_answers_with_an_unknown_key(tmp_path, project):
    answers = tmp_path / "bad.yaml"
    answers.write_text("partenaires: []\n", encoding="utf-8")
    r = run_ptms("mobilize", project, "--answers", answers)
    assert r.code == 2 and "clé inconnue : partenaires" in r.err


def test_no_input_on_a_missing_file(tmp_path):
    r = run_ptms("mobilize", tmp_path / "absent.yaml", "--no-input")
    assert r.code == 2 and "introuvable" in r.err and "ptms init" in r.err


def test_wizard_on_a_broken_yaml_file(tmp_path):
    path = tmp_path / "casse.yaml"
    path.write_text("name: [ouvert\n", encoding="utf-8")
    r = run_ptms("mobilize", path, "--no-input")
    assert r.code == 2 and "casse.yaml:" in r.err and "Traceback" not in r.err


def test_answers_with_an_unknown_nested_key(tmp_path, project):
    answers = tmp_path / "bad.yaml"
    answers.write_text("partners:\n  - {id: ville, nom: Ville}\n", encoding="utf-8")
    r = run_ptms("mobilize", project, "--answers", answers)
    assert r.code == 2 and f"invalide : {answers}:2:17: partners[0].nom : clé inconnue" in " ".join(r.err.split())


def test_specify_and_convene_with_answers_reach_step_3(tmp_path, commune, write_project):
    """A step-1 project plus the step 2 and step 3 sections of the commune example, given as answers."""
    step1 = {k: v for k, v in commune.items() if k not in ("service", "budget", "parameters", "funding",
                                                            "governance", "evaluation", "convention")}
    project = write_project(step1)
    for name, keys in (("specify", ("service", "budget", "parameters", "funding")),
                       ("convene", ("governance", "evaluation", "convention"))):
        answers = tmp_path / f"{name}.yaml"
        answers.write_text(yaml.safe_dump({k: commune[k] for k in keys if k in commune}, allow_unicode=True),
                           encoding="utf-8")
        r = run_ptms(name, project, "--answers", answers)
        assert r.code == 0, r.err + r.out
    assert run_ptms("validate", project, "--step", "3").code == 0
    assert yaml.safe_load(project.read_text(encoding="utf-8")) == commune


def _with_terminal_stdin(command: str, cwd, timeout: float = 60):
    """Run `command` in a shell whose stdin is a real pseudo-terminal; stdout is whatever the command
    line redirects it to (a pipe into `cat`, a file, `tee`). Returns (exit code, stdout, stderr)."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "PTMS": f"{sys.executable} -m ptms_cli"}
    try:
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], stdin=slave, capture_output=True, text=True,
                              cwd=cwd, env=env, timeout=timeout, check=False)  # a hang fails the test (TimeoutExpired)
    finally:
        os.close(slave)
        os.close(master)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.pty
@pytest.mark.parametrize("redirect", ["| cat", "> sortie.txt", "| tee journal.txt"])
@pytest.mark.parametrize("name", ["init", "mobilize"])
def test_with_stdout_not_a_terminal_a_wizard_fails_fast_instead_of_waiting(tmp_path, project, name, redirect):
    target = "nouveau.yaml" if name == "init" else project.name
    before = project.read_bytes()
    code, out, err = _with_terminal_stdin(f"$PTMS {name} {target} {redirect}", tmp_path)
    assert code == 2, (out, err)
    assert "Pas de terminal interactif (la sortie est redirigée)" in err
    assert "réponses manquantes" in err
    assert "Traceback" not in err
    assert project.read_bytes() == before
    assert not (tmp_path / "nouveau.yaml").exists()


@pytest.mark.pty
def test_with_stdout_in_a_pipe_answers_still_apply(tmp_path, project):
    answers = tmp_path / "partenaires.yaml"
    answers.write_text(MOBILIZE_ANSWERS, encoding="utf-8")
    code, out, err = _with_terminal_stdin(f"$PTMS mobilize {project.name} --answers {answers.name} | cat", tmp_path)
    assert "projet.yaml enregistré" in out, err
    assert code == 0
    assert [p["id"] for p in yaml.safe_load(project.read_text(encoding="utf-8"))["partners"]] == ["ville", "bailleur"]
