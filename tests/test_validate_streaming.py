"""`ptms validate` of many files reports each file as soon as it is checked and keeps nothing of it
but its findings (issue 18, point 3: memory flat over 1 000 files). In-process, through `cli.app.main`;
the memory itself is measured in `benchmarks/validate_many.py`."""

from __future__ import annotations

import gc
import io
import json
import shutil
import sys
import weakref

import pytest
from conftest import EXAMPLES

from ptms_cli import validation
from ptms_cli.cli.app import main


@pytest.fixture
def three(tmp_path, write_project, step1):
    """a.yaml valid, b.yaml with an error (unknown lead partner), c.yaml valid: checked in this order."""
    folder = tmp_path / "projets"
    folder.mkdir()
    shutil.copy(EXAMPLES / "cc-deux-rives.yaml", folder / "a.yaml")
    step1["lead_partner"] = "inconnu"
    shutil.move(write_project(step1, "b.yaml"), folder / "b.yaml")
    shutil.copy(EXAMPLES / "cc-deux-rives.yaml", folder / "c.yaml")
    return folder


class Stdout(io.StringIO):
    """Standard output that remembers what had been flushed (what a CI log shows) at each flush."""

    flushed = ""

    def flush(self) -> None:
        self.flushed = self.getvalue()


@pytest.fixture
def spy(monkeypatch):
    """`run(args)`: `main(args)` with its standard output recorded; `seen`: for each call of
    `validate_file`, the output flushed before it, and weak references to the project and funding
    plan of each result."""
    seen: dict = {"before": [], "projects": [], "alive": [], "out": Stdout()}
    real = validation.validate_file

    def validate_file(path, *args, **kwargs):
        gc.collect()
        seen["alive"].append(sum(ref() is not None for ref in seen["projects"]))
        seen["before"].append(seen["out"].flushed)
        result = real(path, *args, **kwargs)
        assert result.project is not None and result.derived is not None
        seen["projects"] += [weakref.ref(result.project), weakref.ref(result.derived)]
        return result

    monkeypatch.setattr(validation, "validate_file", validate_file)

    def run(args: list[str]) -> int:
        with monkeypatch.context() as m:  # set during the test's call (pytest's own capture is set before)
            m.setattr(sys, "stdout", seen["out"])
            return main(args)

    seen["run"] = run
    return seen


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_each_file_is_printed_before_the_next_is_checked(three, spy, fmt):
    code = spy["run"](["validate", str(three), "--format", fmt])
    assert code == 1  # b.yaml has an error
    a, b, c = (str(three / n) for n in ("a.yaml", "b.yaml", "c.yaml"))
    before = spy["before"]
    assert len(before) == 3
    assert before[0] == ""
    # a.yaml is valid: text says so on its own line; github has nothing to annotate for it
    assert (f"{a}: valide" in before[1]) if fmt == "text" else before[1] == ""
    assert "PTMS-E021" in before[2] and b in before[2]  # b's error is out before c is read
    assert "fichier" not in before[2].splitlines()[-1]  # the summary comes only at the end
    out = spy["out"].getvalue()
    assert out.startswith(before[2])
    assert out.splitlines()[-1] == "3 fichiers vérifiés : 2 valides, 1 en échec (1 erreur, 0 avertissement)."
    if fmt == "text":
        assert f"{c}: valide" in out


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_no_project_nor_plan_is_kept_once_its_file_is_reported(three, spy, fmt):
    spy["run"](["validate", str(three), "--format", fmt])
    # before each file is checked, no project or funding plan of the files before it is still alive
    assert spy["alive"] == [0, 0, 0]
    gc.collect()
    assert all(ref() is None for ref in spy["projects"])


def test_json_is_one_document_written_at_the_end(three, spy):
    missing = str(three / "absent" / "*.yaml")
    code = spy["run"](["validate", str(three), missing, "--format", "json", "--strict"])
    assert code == 2  # a pattern that matches nothing
    assert spy["before"] == ["", "", ""]  # nothing written while checking
    doc = json.loads(spy["out"].getvalue())
    assert set(doc) == {"version", "files", "unmatched", "summary"}
    assert [f["file"].rsplit("/", 1)[-1] for f in doc["files"]] == ["a.yaml", "b.yaml", "c.yaml"]
    assert [f["valid"] for f in doc["files"]] == [True, False, True]
    assert [f["errors"] for f in doc["files"]] == [0, 1, 0]
    assert doc["files"][1]["findings"][0]["code"] == "PTMS-E021"
    assert doc["unmatched"] == [missing]
    assert doc["summary"] == {"files": 3, "failed": 1, "errors": 1, "warnings": 0, "strict": True}


def test_an_unreadable_file_in_the_middle_does_not_stop_the_others(three, monkeypatch):
    (three / "b.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    out = Stdout()
    with monkeypatch.context() as m:
        m.setattr(sys, "stdout", out)
        assert main(["validate", str(three)]) == 2
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("a.yaml: valide") and "PTMS-E002" in lines[1] and lines[-2].endswith("c.yaml: valide")
    assert lines[-1] == "3 fichiers vérifiés : 2 valides, 1 en échec (1 erreur, 0 avertissement)."


def test_json_document_is_what_json_dumps_writes_for_the_whole_list():
    """The entries are kept as text: the document must still be exactly `json.dumps` of it all,
    whatever the names and messages hold (quotes, newlines, undecodable bytes, JSON-like text)."""
    from ptms_cli.findings import error, warning
    from ptms_cli.reporters import JsonReporter, dumps
    from ptms_cli.validation import FileResult

    names = ['a "b".yaml', "ligne\nnouvelle.yaml", "octet-\udcff.yaml", '"files": [].yaml', "été.yaml"]
    results = [FileResult(name, [error("PTMS-E021", f'« {name} » "files": [] \\ fin', file=name, line=3, column=4,
                                       hint="conseil\navec saut", path="a.b"),
                                 warning("PTMS-W031", "45 621,22 € à couvrir", file=name)][: i % 3])
               for i, name in enumerate(names)]
    for unmatched in ([], ['"files": []', "x\ny"]):
        out = io.StringIO()
        JsonReporter(stream=out, strict=True).report(results, unmatched, error="erreur « ici »")
        expected = {
            "version": 1,
            "files": [{"file": r.file, "valid": not (r.errors or r.warnings), "unreadable": False, "errors": r.errors,
                       "warnings": r.warnings, "findings": [f.to_dict() for f in r.findings]} for r in results],
            "unmatched": unmatched,
            "summary": {"files": 5, "failed": 3, "errors": 3, "warnings": 1, "strict": True},
            "error": "erreur « ici »",
        }
        assert out.getvalue() == dumps(expected) + "\n"
        assert json.loads(out.getvalue().encode("utf-8", "surrogateescape")) == json.loads(dumps(expected))
    empty = io.StringIO()
    JsonReporter(stream=empty).report([])
    assert json.loads(empty.getvalue())["files"] == []
