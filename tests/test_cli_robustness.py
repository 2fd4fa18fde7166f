"""Adversarial inputs through the real entry point: JSON on every path, no hang, no traceback,
no control character reaching a terminal or GitHub Actions, bounded numbers and dates, one set of
exit codes and one reporter layer. Every run has a timeout: a regression fails, it does not hang."""

from __future__ import annotations

import ast
import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess in most tests

SRC = ROOT / "src" / "ptms_cli"
TIMEOUT = 60  # seconds; each of these inputs is answered in well under one


def ptms(*args, cwd=None, env=None):
    """`python -m ptms_cli ARGS` (the real entry point, no terminal); raises on a hang."""
    import os

    proc = subprocess.run([sys.executable, "-m", "ptms_cli", *map(str, args)], cwd=cwd, capture_output=True,
                          timeout=TIMEOUT, env={**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})})
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def example(name: str = "commune-beaulieu.yaml") -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def edited(old: str, new: str, name: str = "commune-beaulieu.yaml") -> str:
    text = example(name)
    assert old in text, old
    return text.replace(old, new, 1)


BUDGET = "budget:\n  lines:"
AGGLO = "agglo-val-de-marque.yaml"

# Inputs found by the adversarial pass (issue 12): each was a hang, a traceback or silent data loss.
ADVERSARIAL: dict[str, str] = {
    "indexation-tiny.yaml": edited(BUDGET, "budget:\n  indexation_rate: 1e-999999999\n  lines:"),
    "overhead-tiny.yaml": edited(BUDGET, "budget:\n  overhead_rate: 1e-99999999\n  lines:"),
    "indexation-float-tiny.yaml": edited(BUDGET, "budget:\n  indexation_rate: 1.0e-999999999\n  lines:"),
    "base-year-huge.yaml": edited("base_year: 2026", "base_year: -99999999", AGGLO),
    "base-year-1.yaml": edited("base_year: 2026", "base_year: 1", AGGLO),
    "end-9999.yaml": edited("end: 2028-12-31", "end: 9999-12-31", AGGLO),
    "fte-tiny.yaml": edited("fte: 0.2", "fte: 1e-99999999"),
    "indexation-high.yaml": edited("indexation_rate: 0.02", "indexation_rate: 1", AGGLO),
    "year-dup-quoted.yaml": edited("amounts: {2026: 30000.00, 2027", "amounts: {2026: 30000.00, '2026': 0.00, 2027"),
    "year-dup-float.yaml": edited("amounts: {2026: 30000.00, 2027", "amounts: {2026: 30000.00, 2026.0: 0.00, 2027"),
    "nesting-495.yaml": "schema_version: 1\nname: x\nnotes: " + "[" * 495 + "]" * 495 + "\n",
    "nesting-999.yaml": "schema_version: 1\nname: " + "[" * 999 + "]" * 999 + "\n",
    "nesting-5000.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "hex-5000.yaml": edited("population: 18400", "population: 0x" + "f" * 5000),
    "decimal-5000.yaml": edited("population: 18400", "population: " + "9" * 5000),
    "control-chars.yaml": edited("kind: commune\n", 'kind: "commune\\n::error::x\\x1b[2J\\x07"\n'),
    "huge-value.yaml": edited("kind: commune\n", "kind: " + "x" * 1_900_000 + "\n"),
}


def _loader_test_inputs() -> dict[str, str]:
    """The texts tests/test_loader.py gives the loader: literal arguments of `fail(…)` and the
    values of its parametrized tests."""
    import test_loader

    out: dict[str, str] = {}
    tree = ast.parse(Path(test_loader.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "fail" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out[f"loader-{len(out)}.yaml"] = node.args[0].value
    for name in dir(test_loader):
        for mark in getattr(getattr(test_loader, name), "pytestmark", []):
            if mark.name == "parametrize":
                for value in mark.args[1]:
                    text = value if "\n" in value else f"territory:\n  population: {value}\n"
                    out[f"loader-{len(out)}.yaml"] = text
    return out


def corpus() -> dict[str, bytes]:
    """Every bad input of the test suite (validate's, the loader's, and the adversarial ones)."""
    from test_cli_validate import BAD_INPUTS

    files = {name: content for name, (content, _, _) in BAD_INPUTS.items()}
    files.update({name: text.encode("utf-8") for name, text in {**_loader_test_inputs(), **ADVERSARIAL}.items()})
    return files


def test_json_is_valid_on_the_whole_bad_input_corpus(tmp_path):
    files = corpus()
    assert len(files) > 50
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    code, out, err = ptms("validate", tmp_path, "--format", "json")
    doc = json.loads(out)
    assert code in (1, 2) and "Traceback" not in err
    assert doc["summary"]["files"] == len(files)
    internal = [f["file"] for f in doc["files"] for x in f["findings"] if x["code"] == "PTMS-E000"]
    assert internal == []  # each bad input is a located finding, not a bug of ptms
    for entry in doc["files"]:
        assert not entry["valid"], entry["file"]
        if Path(entry["file"]).name not in ("empty.yaml", "comments.yaml"):
            assert all(x["line"] >= 1 for x in entry["findings"]), entry


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_input_is_a_located_french_error(tmp_path, name):
    path = tmp_path / name
    path.write_text(ADVERSARIAL[name], encoding="utf-8")
    code, out, err = ptms("validate", path, "--format", "json")
    assert code == 1 and "Traceback" not in err, (code, err[-500:])
    [entry] = json.loads(out)["files"]
    errors = [f for f in entry["findings"] if f["severity"] == "error"]
    assert errors and all(f["line"] >= 1 and f["column"] >= 1 for f in errors)
    assert all(len(f["message"]) < 1000 for f in entry["findings"])  # values are cut, not echoed whole


@pytest.mark.parametrize("old, new, words", [
    ("base_year: 2026", "base_year: 1", "budget.base_year (Année de référence des coûts) : doit être supérieur ou égal à 2000"),
    ("base_year: 2026", "base_year: 2101", "inférieur ou égal à 2100"),
    ("end: 2028-12-31", "end: 9999-12-31", "period.end (Fin du projet) : date hors des années 2000 à 2100"),
    ("start: 2026-01-01", "start: 1999-12-31", "date hors des années 2000 à 2100"),
    ("indexation_rate: 0.02", "indexation_rate: 1e-999999999", "au plus 6 décimales"),
    ("indexation_rate: 0.02", "indexation_rate: 0.5", "inférieur ou égal à 0,2"),
    ("overhead_rate: 0.07", "overhead_rate: 1e-99999999", "au plus 6 décimales"),
])
def test_numbers_and_dates_are_bounded(tmp_path, old, new, words):
    path = tmp_path / "p.yaml"
    path.write_text(edited(old, new, AGGLO), encoding="utf-8")
    code, out, _ = ptms("validate", path)
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if new in text)
    assert code == 1 and words in out and f"{path}:{line}:" in out, out


def test_bounds_keep_reasonable_values(tmp_path):
    text = edited("indexation_rate: 0.02", "indexation_rate: 0.2", AGGLO).replace("base_year: 2026", "base_year: 2000")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _ = ptms("validate", path, "-f", "json")
    assert code == 0, out


def test_duplicate_year_spelled_differently_names_both_positions(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(ADVERSARIAL["year-dup-quoted.yaml"], encoding="utf-8")
    line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "'2026'" in t)
    code, out, _ = ptms("validate", path)
    assert code == 1
    assert f"{path}:{line}:33: erreur PTMS-E004 clé « '2026' » en double : déjà définie ligne {line}, colonne 17 " \
           f"({path}:{line}:17), écrite « 2026 »" in out
    # the example itself (no duplicate) still balances: the 30 000 € are not silently replaced by 0
    assert ptms("validate", EXAMPLES / "commune-beaulieu.yaml")[0] == 0


GH_COMMAND = re.compile(r"^\s*(::|##\[)", re.M)


def _no_control(text: str) -> bool:
    return not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


def test_control_characters_never_reach_the_terminal_or_github(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text(ADVERSARIAL["control-chars.yaml"], encoding="utf-8")
    code, out, err = ptms("validate", bad)
    assert code == 1 and _no_control(out + err) and not GH_COMMAND.search(out + err)
    assert "« commune\\n::error::x\\x1b[2J\\x07 »" in out  # shown, visibly
    code, out, err = ptms("validate", bad, "-f", "github")
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == 1 and annotations[0].startswith("::error file=")
    assert _no_control(out + err)
    # valid projects whose texts hold controls: the tables of status, funding and coverage
    text = example().replace("name: Projet territorial de médiation sociale de Beaulieu-sur-Sambre",
                             'name: "P\\n::add-mask::x\\x1b[31m\\x07"', 1)
    text = text.replace("    - label: Formation\n", '    - label: "F\\n::error::y\\x1b]0;t\\x07"\n', 1)
    text = text.replace("      name: Centre-ville et gare", '      name: "C\\n::error::z\\x1b[2J"', 1)
    good = tmp_path / "good.yaml"
    good.write_text(text, encoding="utf-8")
    for command in ("validate", "status", "funding", "coverage"):
        code, out, err = ptms(command, good)
        assert code == 0 and _no_control(out + err) and not GH_COMMAND.search(out + err), (command, out)


def test_file_names_are_escaped(tmp_path):
    name = "a\n::error file=x::pwned\x1b[31m.yaml"
    (tmp_path / name).write_text(example(), encoding="utf-8")
    for fmt in ("text", "github"):
        code, out, err = ptms("validate", tmp_path, "-f", fmt)
        commands = [line for line in out.splitlines() if GH_COMMAND.match(line)]
        assert code == 0 and _no_control(out + err), out
        # github: only ptms's own annotations (the example's warnings), their file name escaped
        assert (commands == []) if fmt == "text" else bool(commands)
        assert all(c.startswith(f"::warning file={tmp_path}/a\\n%3A%3Aerror file=x%3A%3Apwned\\x1b[31m.yaml,") for c in commands)
    lead = tmp_path / "::error::x.yaml"
    lead.write_text("- x\n", encoding="utf-8")
    code, out, _ = ptms("validate", lead.name, cwd=tmp_path)
    assert code == 1 and not GH_COMMAND.search(out) and out.startswith("./::error::x.yaml:1:1:")


def test_a_huge_value_is_cut_when_echoed(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(ADVERSARIAL["huge-value.yaml"], encoding="utf-8")
    code, out, _ = ptms("validate", path)
    assert code == 1 and len(out) < 2000 and "« " + "x" * 199 + "… »" in out


@pytest.mark.parametrize("args, found", [
    (["validate", "a" * 250 + ".yaml"], "fichier introuvable"),
    (["validate", "é" * 250 + ".yaml"], "nom de fichier trop long"),
    (["validate", "x/" * 2100 + "a.yaml"], "nom de fichier trop long"),
    (["validate", "--step", "4", "p.yaml"], "l'étape vaut 1, 2 ou 3"),
])
def test_json_on_odd_paths_and_usage_errors(tmp_path, args, found):
    code, out, err = ptms(*args, "--format", "json", cwd=tmp_path)
    doc = json.loads(out)
    assert code == 2 and "Traceback" not in err
    assert found in json.dumps(doc, ensure_ascii=False)


def test_write_path_longer_than_path_max_is_a_french_error(tmp_path):
    code, out, err = ptms("schema", "-o", "x/" * 2100 + "s.json", cwd=tmp_path)
    assert code == 1 and "Traceback" not in err and "nom de fichier trop long" in err
    code, out, err = ptms("funding", EXAMPLES / "commune-beaulieu.yaml", "-f", "json", "-o", "x/" * 2100 + "f.json",
                          cwd=tmp_path)
    assert code == 1 and "Traceback" not in err and "nom de fichier trop long" in err


def test_funding_json_is_json_when_there_is_nothing_to_compute():
    code, out, err = ptms("funding", EXAMPLES / "cc-deux-rives.yaml", "-f", "json")
    assert code == 1 and "aucun budget" in json.loads(out)["error"]
    bad_code, bad_out, _ = ptms("funding", EXAMPLES / "absent.yaml", "-f", "json")
    assert bad_code == 2 and json.loads(bad_out)["files"][0]["findings"][0]["message"] == "fichier introuvable"


BUG = """
import sys
import ptms_cli.validation as v
import ptms_cli.derived as d
def bug(*a, **k):
    raise ZeroDivisionError("division by zero")
v.validate_file = bug
d.Derived = bug
from ptms_cli.cli.app import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("args", [["validate", "-f", "json"], ["funding", "--format", "json"],
                                  ["coverage", "--format=json"]])
def test_an_internal_error_is_json_and_exit_2(args):
    """A bug of ptms (here an exception injected in the real entry point) is PTMS-E000, exit 2,
    JSON on stdout, a French message on stderr, and no English traceback."""
    import os

    example_file = str(EXAMPLES / "commune-beaulieu.yaml")
    run = lambda env: subprocess.run([sys.executable, "-c", BUG, args[0], example_file, *args[1:]],  # noqa: E731
                                     capture_output=True, text=True, timeout=TIMEOUT, env={**os.environ, **env})
    proc = run({"PTMS_DEBUG": ""})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "division" not in proc.stderr
    assert "erreur interne de ptms" in proc.stderr
    doc = json.loads(proc.stdout)
    assert [x["code"] for f in doc["files"] for x in f["findings"]] == ["PTMS-E000"]
    assert "Traceback" in run({"PTMS_DEBUG": "1"}).stderr  # for the developer who asks


def test_exit_codes_are_defined_once():
    from ptms_cli import exitcodes

    defined = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*EXIT_\w+(\s*,\s*EXIT_\w+)*\s*=\s*\d", text, re.M):
            defined.append(path.relative_to(SRC).as_posix())
        assert not re.search(r"(typer\.Exit|sys\.exit|SystemExit)\(\d+\)", text), path  # a code by name only
    assert defined == ["exitcodes.py"]
    assert {exitcodes.EXIT_OK, exitcodes.EXIT_FINDINGS, exitcodes.EXIT_USAGE, exitcodes.EXIT_INTERRUPTED} == {0, 1, 2, 130}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Codes de sortie")[1].split("\n## ")[0]
    assert all(f"| {code} |" in section for code in exitcodes.EXIT_CODES)


def test_one_reporter_per_output_format():
    from ptms_cli.cli.cmd_validate import Format
    from ptms_cli.reporters import REPORTER_BY_NAME

    assert set(REPORTER_BY_NAME) == {f.value for f in Format}


def test_reporters_escape_for_their_medium():
    import io

    from ptms_cli.findings import error
    from ptms_cli.reporters import REPORTER_BY_NAME
    from ptms_cli.validation import FileResult

    finding = error("PTMS-E011", "valeur « a\n::add-mask::s\x1b[2J\x07\u2028b % , : »", file="p\n::error::q.yaml",
                    line=3, column=4, hint="h\r\n::warning::w")
    outputs = {}
    for name, cls in REPORTER_BY_NAME.items():
        stream = io.StringIO()
        cls(stream=stream, color=False).report([FileResult(finding.file, [finding])])
        outputs[name] = stream.getvalue()
    assert json.loads(outputs["json"])["files"][0]["findings"][0]["message"] == finding.message
    for name in ("text", "github"):
        assert _no_control(outputs[name]) and "\u2028" not in outputs[name]
        lines = outputs[name].splitlines()
        assert [line for line in lines if GH_COMMAND.match(line)] == ([] if name == "text" else [lines[0]])
    assert outputs["text"].startswith("p\\n::error::q.yaml:3:4: erreur PTMS-E011 valeur « a\\n::add-mask::s\\x1b[2J\\x07\\u2028b")
    assert outputs["github"].startswith("::error file=p\\n%3A%3Aerror%3A%3Aq.yaml,line=3,col=4,title=PTMS-E011::")
    assert "b %25 , : » — conseil : h\\r\\n::warning::w" in outputs["github"]


def test_no_pydantic_english_in_messages(tmp_path):
    """Odd values in every field of an example: the messages are French (no pydantic text)."""
    base = yaml.safe_load(example(AGGLO))
    odd = [None, "", "abc", [1], {"a": 1}, True, 1.5, -1, 10**20, "2026-02-30", "1e-999999999", "x" * 300]

    def leaves(d, p):
        if isinstance(d, dict):
            for k, v in d.items():
                yield p + [k]
                yield from leaves(v, p + [k])
        elif isinstance(d, list) and d:
            yield p + [0]
            yield from leaves(d[0], p + [0])

    n = 0
    for path in list(leaves(base, []))[::3]:  # one path in three: the kinds of fields all appear
        value = odd[n % len(odd)]
        data = copy.deepcopy(base)
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        (tmp_path / f"{n}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        n += 1
    code, out, err = ptms("validate", tmp_path, "-f", "json")
    doc = json.loads(out)
    english = re.compile(r"\b(should|Input|input|valid|parse|must|error|the|greater|less|Value)\b")
    texts = {x["message"] + " " + x["hint"] for f in doc["files"] for x in f["findings"]}
    assert doc["summary"]["failed"] > n // 2
    leaked = [t for t in texts if english.search(re.sub(r"« [^»]*»", "", t))]
    assert leaked == []
