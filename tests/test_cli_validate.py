"""`ptms validate`, `status`, `schema` through the real entry point: exit codes and formats."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

BAD_INPUTS = {
    "truncated.yaml": (b'schema_version: 1\nname: "Projet\n', 1, "PTMS-E003"),
    "tabs.yaml": (b"schema_version: 1\nterritory:\n\tname: x\n", 1, "PTMS-E003"),
    "latin1.yaml": ("name: Fréjus\n".encode("latin-1"), 2, "PTMS-E002"),
    # the rest of the file is checked after a duplicate key: here, nothing else to find
    "duplicate.yaml": (b"schema_version: 1\nname: a\nterritory: {name: x, kind: commune}\nname: b\n", 1, "PTMS-E004"),
    "unknown.yaml": (b"schema_version: 1\nname: a\nterritory: {name: x, kind: commune}\nnmae: b\n", 1, "PTMS-E012"),
    "wrongtype.yaml": (b"schema_version: 1\nname: a\nterritory: {name: x, kind: commune, population: many}\n", 1, "PTMS-E011"),
    "empty.yaml": (b"", 1, "PTMS-E007"),
    "comments.yaml": (b"# rien\n", 1, "PTMS-E007"),
    "list.yaml": (b"- a\n- b\n", 1, "PTMS-E007"),
    "python.yaml": (b"name: !!python/object/apply:os.system [echo]\n", 1, "PTMS-E005"),
    "binary.yaml": (b"\x89PNG\r\n\x1a\n\x00\x00", 2, "PTMS-E002"),
    "laughs.yaml": (
        b'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + b"".join(
            f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n".encode() for p, c in zip("abcdefgh", "bcdefghi")
        ),
        1,
        "PTMS-E006",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_inputs_get_located_french_errors(ptms, tmp_path, name):
    content, code, finding = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(content)
    result = ptms("validate", path, "--format", "json")
    assert result.code == code, result
    assert "Traceback" not in result.err
    doc = json.loads(result.out)
    [f] = doc["files"][0]["findings"]
    assert f["code"] == finding and f["file"] == str(path)
    if name not in ("empty.yaml", "comments.yaml"):
        assert f["line"] >= 1 and f["column"] >= 1
    text = ptms("validate", path)
    assert text.code == code and f"{path}:" in text.out and finding in text.out


def test_missing_file_and_directory(ptms, tmp_path):
    missing = ptms("validate", tmp_path / "absent.yaml")
    assert missing.code == 2 and "fichier introuvable" in missing.out
    empty_dir = ptms("validate", tmp_path)
    assert empty_dir.code == 2 and "ne correspond à aucun fichier" in empty_dir.err
    glob = ptms("validate", str(tmp_path / "*.yaml"))
    assert glob.code == 2 and "aucun fichier" in glob.err


def test_examples_are_valid(ptms):
    result = ptms("validate", *sorted(EXAMPLES.glob("*.yaml")))
    assert result.code == 0, result.out
    assert "4 fichiers vérifiés : 4 valides, 0 en échec" in result.out


def test_directory_and_glob_expansion(ptms, tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    for name in ("commune-beaulieu.yaml", "cc-deux-rives.yaml"):
        shutil.copy(EXAMPLES / name, sub / name)
    (sub / "notes.txt").write_text("pas un projet")
    by_dir = json.loads(ptms("validate", tmp_path, "-f", "json").out)
    by_glob = json.loads(ptms("validate", str(tmp_path / "**" / "*.yaml"), "-f", "json").out)
    assert [f["file"] for f in by_dir["files"]] == [str(sub / "cc-deux-rives.yaml"), str(sub / "commune-beaulieu.yaml")]
    assert len(by_glob["files"]) == 2


def test_strict_turns_warnings_into_failure(ptms, write_project, commune):
    commune["evaluation"]["indicators"].pop()  # the objective `acces-droits` loses its indicator
    path = write_project(commune)
    assert ptms("validate", path).code == 0
    strict = ptms("validate", path, "--strict")
    assert strict.code == 1 and "PTMS-W041" in strict.out


def test_step_option(ptms):
    step1 = EXAMPLES / "cc-deux-rives.yaml"
    assert ptms("validate", step1, "--step", "1").code == 0
    result = ptms("validate", step1, "--step", "3")
    assert result.code == 1 and "PTMS-E040" in result.out
    bad = ptms("validate", step1, "--step", "4")
    assert bad.code == 2 and "Erreur" in bad.err and "Traceback" not in bad.err


def test_json_format_shape(ptms, write_project, step1):
    step1["lead_partner"] = "c"
    path = write_project(step1)
    doc = json.loads(ptms("validate", path, EXAMPLES / "commune-beaulieu.yaml", "-f", "json").out)
    assert doc["version"] == 1
    # the commune: its adulte-relais agreement ends in 2028 (PTMS-W031), 88 h of presence for 3 mediators
    # (PTMS-W051, capacity), 5 h planned for a need of 15 h in the town centre (PTMS-W052)
    assert doc["summary"] == {"files": 2, "failed": 1, "errors": 1, "warnings": 3, "strict": False}
    bad, good = doc["files"]
    assert bad["valid"] is False and good["valid"] is True
    assert sorted(f["code"] for f in good["findings"]) == ["PTMS-W031", "PTMS-W051", "PTMS-W052"]
    assert set(bad["findings"][0]) == {"code", "severity", "message", "file", "line", "column", "hint", "path"}
    assert bad["findings"][0]["path"] == "lead_partner"


def test_github_format(ptms, write_project, step1):
    step1["lead_partner"] = "c"
    step1["name"] = "100 %, vraiment"
    path = write_project(step1)
    out = ptms("validate", path, "-f", "github").out.splitlines()
    assert out[0].startswith(f"::error file={path},line=") and ",title=PTMS-E021::" in out[0]
    assert out[-1].startswith("1 fichier vérifié")


def test_usage_errors_are_french(ptms):
    for args, words in ((["validate", "--formt", "x"], "option inconnue « --formt »"),
                        (["validate"], "argument obligatoire manquant"),
                        (["valider"], "commande inconnue « valider »"),
                        (["validate", "-f", "xml", "x.yaml"], "valeur invalide pour --format")):
        result = ptms(*args)
        assert result.code == 2 and words in result.err and "Traceback" not in result.err, (args, result)


def test_help_and_version_are_french(ptms):
    from ptms_cli import __version__

    assert ptms("--version").out.strip() == f"ptms {__version__}"
    help_text = ptms("validate", "--help").out
    assert "Usage\u00a0: ptms validate" in help_text and "Afficher cette aide" in help_text  # French typography
    assert "Show this message" not in help_text and "Usage:" not in help_text


def test_status_checklist(ptms):
    result = ptms("status", EXAMPLES / "cc-deux-rives.yaml")
    assert result.code == 0
    assert "Étape 1 — Mobiliser et fédérer les partenaires (complète)" in result.out
    assert "manque\u00a0: le service mutualisé" in result.out  # French typography in the terminal
    assert "Prochaine action : Étape 2" in " ".join(result.out.split())
    complete = ptms("status", EXAMPLES / "agglo-val-de-marque.yaml")
    assert complete.out.count("(complète)") == 3


def test_status_of_invalid_and_missing_file(ptms, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- x\n")
    assert ptms("status", bad).code == 1
    assert ptms("status", tmp_path / "absent.yaml").code == 2


def test_schema_is_current_and_validates_examples(ptms, tmp_path):
    import jsonschema
    import yaml

    out = ptms("schema")
    schema = json.loads(out.out)
    assert schema == json.loads((EXAMPLES / "ptms.schema.json").read_text(encoding="utf-8")), \
        "examples/ptms.schema.json est périmé : ptms schema -o examples/ptms.schema.json"
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["properties"]["territory"]["title"] == "Territoire"
    validator = jsonschema.Draft7Validator(schema)
    for example in EXAMPLES.glob("*.yaml"):
        text = example.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=ptms.schema.json")
        data = json.loads(json.dumps(yaml.safe_load(text), default=str))
        assert list(validator.iter_errors(data)) == []
    data["partners"][0]["kind"] = "inconnu"
    assert list(validator.iter_errors(data))
    written = tmp_path / "s.json"
    assert ptms("schema", "-o", written).code == 0 and json.loads(written.read_text()) == schema


def test_pre_commit_hook_is_declared():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "ptms-validate" and hooks[0]["entry"] == "ptms validate"


def test_readme_documents_every_code_and_section():
    from ptms_cli.findings import CODES
    from ptms_cli.model import Project

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in readme for code in CODES)
    assert all(f"`{key}`" in readme for key in Project.model_fields)


def test_status_next_action_asks_to_fix_errors_first(ptms, write_project, commune):
    commune["funding"]["contributions"].pop()  # the years no longer balance: PTMS-E030
    path = write_project(commune)
    out = " ".join(ptms("status", path).out.split())
    assert "Prochaine action : corriger d'abord les erreurs" in out and "ptms render" not in out.split("Prochaine action")[1]
