"""A wizard never reverts what was written while it ran: concurrent wizards, hand edits.

The file's digest is compared (under a folder lock) just before the atomic replace; on a change
nothing is written and the wizard's answers go to a draft next to the project, replayable with
`--answers`.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from conftest import EXAMPLES, run_ptms
from ptms_cli import yamledit
from ptms_cli.model import Project
from ptms_cli.wizard.backend import ScriptedBackend
from ptms_cli.wizard.run import _SAME, changes, merge_answers, run
from wizard_scripts import INIT, MOBILIZE


def partner_answers(tmp_path: Path, n: int) -> Path:
    path = tmp_path / f"p{n}.yaml"
    path.write_text(f"partners:\n  - {{id: p{n}, name: Partenaire {n}, kind: association, roles: [], "
                    "status: identified}\n", encoding="utf-8")
    return path


def partner_ids(path: Path) -> list[str]:
    return [p["id"] for p in yaml.safe_load(path.read_text(encoding="utf-8"))["partners"]]


def drafts(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.brouillon-*"))


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(3))
def test_concurrent_answers_lose_no_partner(tmp_path, trial):
    """Three real `ptms mobilize --answers` at once on one file: each one either saves (and its partner
    is in the file) or refuses and keeps its answers in a draft; replaying the drafts gives all partners."""
    project = tmp_path / "projet.yaml"
    project.write_bytes((EXAMPLES / "commune-beaulieu.yaml").read_bytes())
    before = partner_ids(project)
    answers = [partner_answers(tmp_path, n) for n in range(3)]
    env = {**os.environ, "NO_COLOR": "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "ptms_cli", "mobilize", project.name, "--answers", a.name],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for a in answers]
    results = [(p.returncode, *p.communicate(timeout=300)) for p in procs]
    results = [(p.returncode, out, err) for p, (_, out, err) in zip(procs, results)]
    saved = [n for n, (code, out, _) in enumerate(results) if "✔ projet.yaml enregistré" in out]
    refused = [n for n, (code, _, err) in enumerate(results) if code == 1 and "n'a pas été enregistré" in err]
    assert sorted(saved + refused) == [0, 1, 2], results
    assert set(partner_ids(project)) == set(before) | {f"p{n}" for n in saved}  # every « enregistré » is true
    assert len(drafts(tmp_path)) == len(refused)
    for draft in drafts(tmp_path):
        assert f"« ptms mobilize projet.yaml --answers {draft.name} »" in "".join(r[2] for r in results)
        r = run_ptms("mobilize", project.name, "--answers", draft.name, cwd=tmp_path)
        assert r.code == 0, r.err
    assert set(partner_ids(project)) == set(before) | {"p0", "p1", "p2"}


class EditsByHandBeforeSaving(ScriptedBackend):
    """A user who edits the file in an editor while the wizard waits at « Enregistrer ? »."""

    def __init__(self, answers, path: Path, edit):
        super().__init__(answers)
        self.path, self.edit = path, edit

    def select(self, message, choices, default=None):
        if message.startswith("Enregistrer"):
            old = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
            self.path.write_text(self.edit(old), encoding="utf-8")
        return super().select(message, choices, default)


@pytest.fixture
def created(tmp_path) -> Path:
    path = tmp_path / "projet.yaml"
    assert run("init", path, Console(file=io.StringIO()), lambda: ScriptedBackend(list(INIT))) == 0
    return path


@pytest.mark.slow
def test_a_hand_edit_made_while_the_wizard_runs_is_kept_and_the_answers_go_to_a_draft(created, capsys):
    hand = lambda text: text.replace("name: Ville de Villeneuve", "name: Ville de Villeneuve-sur-Lot")
    backend = EditsByHandBeforeSaving(list(MOBILIZE[:-1]), created, hand)  # no « Produire » question: not saved
    code = run("mobilize", created, Console(file=io.StringIO(), width=100), lambda: backend)
    edited = created.read_text(encoding="utf-8")
    assert code == 1
    assert "Ville de Villeneuve-sur-Lot" in edited and "habitat-47" not in edited  # the hand edit is there, untouched
    err = capsys.readouterr().err
    assert "« " + str(created) + " » n'a pas été enregistré : le fichier a été modifié depuis sa lecture" in err
    [draft] = drafts(created.parent)
    assert f"« ptms mobilize {created} --answers {draft} »" in err
    # the draft holds only what the wizard changed, and replaying it keeps the hand edit
    answers = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert [p["id"] for p in answers["partners"]] == ["habitat-47"] and [o["id"] for o in answers["objectives"]] == ["apaiser-les-halls-d-immeubles"]
    r = run_ptms("mobilize", created, "--answers", draft)
    assert r.code in (0, 1), r.err  # 1: the step has warnings/errors to finish, not a refusal
    data = yaml.safe_load(created.read_text(encoding="utf-8"))
    assert [p["name"] for p in data["partners"]] == ["Ville de Villeneuve-sur-Lot", "Habitat 47"]
    assert [o["id"] for o in data["objectives"]] == ["apaiser-les-halls-d-immeubles"]


def test_init_does_not_overwrite_a_file_created_meanwhile(tmp_path, capsys):
    path = tmp_path / "projet.yaml"
    backend = EditsByHandBeforeSaving(list(INIT), path, lambda _: "# écrit par quelqu'un d'autre\n")
    path_text = lambda: path.read_text(encoding="utf-8")
    assert run("init", path, Console(file=io.StringIO()), lambda: backend) == 1
    assert path_text() == "# écrit par quelqu'un d'autre\n"
    assert "le fichier a été créé entre-temps" in capsys.readouterr().err
    [draft] = drafts(tmp_path)
    assert yaml.safe_load(draft.read_text(encoding="utf-8"))["territory"]["name"] == "Villeneuve"


def test_a_draft_never_replaces_an_existing_file_or_follows_a_link(tmp_path):
    from ptms_cli.wizard.run import write_draft

    project = tmp_path / "projet.yaml"
    target = tmp_path / "ailleurs.txt"
    (tmp_path / "projet.yaml.brouillon-mobilize").symlink_to(target)
    (tmp_path / "projet.yaml.brouillon-mobilize-2").write_text("à moi\n", encoding="utf-8")
    draft = write_draft("mobilize", project, {"partners": [{"id": "x"}]}, ["essai"])
    assert draft.name == "projet.yaml.brouillon-mobilize-3"
    assert not target.exists() and (tmp_path / "projet.yaml.brouillon-mobilize-2").read_text(encoding="utf-8") == "à moi\n"


def test_save_compares_the_bytes_on_disk_not_the_modification_time(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("a: 1\nb: 2\n", encoding="utf-8")
    doc = yamledit.open_document(path)
    stat = path.stat()
    path.write_text("a: 1\nb: 3\n", encoding="utf-8")  # same size, same mtime restored
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    doc.update({"a": 5, "b": 2})
    with pytest.raises(yamledit.Conflict):
        doc.save()
    assert path.read_text(encoding="utf-8") == "a: 1\nb: 3\n"


def test_changes_replay_to_the_wizards_values(intercommunal):
    """The draft's answers, merged into what was read, give what the wizard had (removals aside)."""
    import copy

    new = copy.deepcopy(intercommunal)
    new["partners"][1]["name"] = "Nouveau nom"
    new["partners"].append({"id": "neuf", "name": "Neuf", "kind": "association", "roles": [], "status": "identified"})
    new["objectives"][0]["partners"] = new["objectives"][0]["partners"][:1]
    removed: list[str] = []
    diff = changes(intercommunal, new, Project, "", removed)
    assert removed == []
    assert diff["partners"] == [{"id": new["partners"][1]["id"], "name": "Nouveau nom"}, new["partners"][-1]]
    assert set(diff) == {"partners", "objectives"}
    assert merge_answers(intercommunal, diff) == new
    assert changes(new, new, Project, "", removed) is _SAME
    gone = copy.deepcopy(new)
    del gone["partners"][0]
    changes(new, gone, Project, "", removed)
    assert removed == [f"partners[{new['partners'][0]['id']}]"]
