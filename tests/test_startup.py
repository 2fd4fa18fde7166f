"""Start-up of `ptms validate` (issue 18): what it imports, and the model cache (`model_cache`).

Timings live in `benchmarks/validate_startup.py`; these tests check behaviour only: the cache gives
the same validator as pydantic's own build, refuses what it did not write, and `validate` does not
import the libraries of the other commands.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "agglo-val-de-marque.yaml"
SRC = str(ROOT / "src")

pytestmark = pytest.mark.slow  # each test starts Python processes


def run(code: str, cache: Path | str, src: Path | str = SRC) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PTMS_CACHE_DIR": str(cache), "PYTHONPATH": str(src)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


# Validate every example and a broken file in one process; print how `Project` was completed and the
# results (findings with their locations, JSON Schema of the model, a dump of a validated project).
PROBE = f"""
import json, sys
from ptms_cli import model_cache
from ptms_cli.model import Project
from ptms_cli.validation import validate_file
out = {{"how": model_cache.HOW["Project"], "how_all": dict(model_cache.HOW), "results": []}}
for path in sorted(__import__("glob").glob({str(ROOT / "examples")!r} + "/*.yaml")) + [sys.argv[-1]]:
    result = validate_file(path)
    out["results"].append([path, [(f.code, f.line, f.column, f.message) for f in result.findings]])
project = validate_file({str(EXAMPLE)!r}).project
out["dump"] = project.model_dump(mode="json")
out["schema"] = Project.model_json_schema()
print(json.dumps(out))
"""


def probe(cache: Path | str, broken: Path) -> dict:
    proc = run(PROBE.replace("sys.argv[-1]", repr(str(broken))), cache)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace("schema_version: 1", "schema_version: 1\nunknown_key: 3", 1)
    text = text.replace("name:", "name: \n  - liste au lieu d'un texte\nold_name:", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cache_gives_the_same_results_as_pydantic(tmp_path, broken):
    cache = tmp_path / "cache"
    fresh = probe("", broken)  # no cache: pydantic builds the validator
    first = probe(cache, broken)  # builds and writes the cache
    second = probe(cache, broken)  # rereads it
    # "built" twice: the schema could not be saved or reread (a lambda or a class from outside the
    # model in a field? see `model_cache._Unpickler`), and every start pays pydantic's build again
    assert (fresh["how"], first["how"], second["how"]) == ("built-only", "built", "cache")
    # a class that validating `Project` instantiates by itself (`default_factory=Processing`) is
    # reread with it: otherwise pydantic builds it during the first validation of every run
    assert second["how_all"] == {"Project": "cache", "Processing": "cache"}
    assert len(list(cache.glob("model-*.pickle"))) == 1
    assert fresh["results"][-1][1], "the broken file must have findings"
    for other in (first, second):
        assert other["results"] == fresh["results"]
        assert other["dump"] == fresh["dump"]
        assert other["schema"] == fresh["schema"]


def test_stale_corrupt_or_foreign_cache_is_rebuilt(tmp_path, broken):
    cache = tmp_path / "cache"
    reference = probe(cache, broken)
    (path,) = cache.glob("model-*.pickle")
    path.write_bytes(path.read_bytes()[:100])  # truncated
    again = probe(cache, broken)
    assert again["how"] == "built" and again["results"] == reference["results"]
    # a file calling a function outside the model (here `os.system`) is never loaded
    marker = tmp_path / "marker"

    class Foreign:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    path.write_bytes(pickle.dumps(Foreign()))
    foreign = probe(cache, broken)
    assert foreign["how"] == "built" and foreign["results"] == reference["results"]
    assert not marker.exists()
    # nor one reaching beyond the model through attributes: a model function's globals, their
    # `__builtins__`, `exec` (would create the marker)
    from ptms_cli.model import base

    def step(reduce):  # a callable object that pickles as `reduce`
        return type("Step", (), {"__reduce__": lambda self: reduce, "__call__": lambda self, *a: None})()

    module_globals = step((getattr, (base.choice, "__globals__")))
    builtins = step((step((getattr, (module_globals, "get"))), ("__builtins__",)))
    run_code = step((step((getattr, (builtins, "get"))), ("exec",)))
    path.write_bytes(pickle.dumps(step((run_code, (f"open({str(marker)!r}, 'w').close()",)))))
    assert probe(cache, broken)["how"] == "built"
    assert not marker.exists()
    assert probe(cache, broken)["how"] == "cache"  # rewritten by the previous run


def test_cache_key_follows_the_model_source(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SRC, src, ignore=shutil.ignore_patterns("__pycache__", "*.docx"))
    cache = tmp_path / "cache"
    code = "from ptms_cli import model_cache; import ptms_cli.model; print(model_cache.HOW['Project'])"
    assert [run(code, cache, src).stdout.strip() for _ in range(2)] == ["built", "cache"]
    service = src / "ptms_cli" / "model" / "service.py"
    service.write_text(service.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert [run(code, cache, src).stdout.strip() for _ in range(2)] == ["built", "cache"]
    assert len(list(cache.glob("model-*.pickle"))) == 2
    for n in range(10):  # files of other versions: only the latest few are kept
        (cache / f"model-old{n}.pickle").write_bytes(b"")
        os.utime(cache / f"model-old{n}.pickle", (n, n))
    service.write_text(service.read_text(encoding="utf-8") + "\n# changed again\n", encoding="utf-8")
    assert run(code, cache, src).stdout.strip() == "built"
    kept = {p.name for p in cache.glob("model-*.pickle")}
    assert kept == {f"model-old{n}.pickle" for n in range(5, 10)} | {p.name for p in cache.glob("model-[0-9a-f]*.pickle")}
    assert len(kept) == 8  # the three real files (the newest) and the five newest old ones


def test_unwritable_cache_directory_still_validates(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    proc = run("from ptms_cli import model_cache; from ptms_cli.validation import validate_file; "
               f"r = validate_file({str(EXAMPLE)!r}); print(model_cache.HOW['Project'], r.project is not None)",
               blocker / "cache")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["built-only", "True"]


def test_validate_imports_only_what_it_needs(tmp_path):
    # the second run (cache written by the first): which modules `ptms validate` imported, and which
    # model classes pydantic had to build during the command
    code = ("import sys\nfrom pydantic._internal import _model_construction as mc\nbuilt = []\n"
            "original = mc.complete_model_class\n"
            "def complete_model_class(cls, *a, **k):\n    built.append(cls.__name__)\n    return original(cls, *a, **k)\n"
            "mc.complete_model_class = complete_model_class\n"
            "from ptms_cli.cli.app import main\ncode = main(['validate', " + repr(str(EXAMPLE)) + "])\n"
            "print(code, ','.join(built) or '-', ' '.join(sorted(sys.modules)))")
    for _ in range(2):
        proc = run(code, tmp_path / "cache")
        assert proc.returncode == 0, proc.stderr
    code, built, modules = proc.stdout.strip().splitlines()[-1].split(" ", 2)
    assert code == "0"
    assert built == "-"  # every model class from the cache
    loaded = set(modules.split())
    tops = {m.split(".")[0] for m in loaded}
    assert {"ptms_cli", "typer", "pydantic", "yaml"} <= tops
    assert not tops & {"docxtpl", "docx", "jinja2", "questionary", "prompt_toolkit", "rich", "ruamel", "babel", "lxml",
                       "num2words"}
    # pydantic's plugin loader (typer builds a validator per option) would import importlib.metadata
    assert "importlib.metadata" not in loaded and "email" not in tops
    assert "importlib.resources" not in loaded  # the shipped data files are read from the package's folder
    assert "ptms_cli.documents.formatting" in loaded  # long dates in the funding plan: the words are lazy


PLUGINS = """
import json, os, sys
from ptms_cli import model_cache
model_cache.skip_plugin_discovery()
from pydantic import TypeAdapter
assert TypeAdapter(int).validate_python("3") == 3
out = {"metadata": "importlib.metadata" in sys.modules}
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "un-greffon"  # plugins on again (all but this one)
from pydantic.plugin._loader import get_plugins
out["plugins"] = sorted(type(p).__name__ for p in get_plugins())
out["real"] = hasattr(sys.modules["pydantic.plugin._loader"], "entry_points")
out["metadata_after"] = "importlib.metadata" in sys.modules
print(json.dumps(out))
"""


def test_plugin_loader_stand_in_answers_as_pydantic(tmp_path):
    env = {**os.environ, "PYTHONPATH": SRC, "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    proc = subprocess.run([sys.executable, "-c", PLUGINS], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # plugins disabled: no plugin, and pydantic's loader (with importlib.metadata) never imported
    assert out["metadata"] is False
    # enabled again: the real loader is imported and answers (the same as in a process without ptms)
    real = subprocess.run([sys.executable, "-c", "import json; from pydantic.plugin._loader import get_plugins; "
                           "print(json.dumps(sorted(type(p).__name__ for p in get_plugins())))"],
                          env={**env, "PYDANTIC_DISABLE_PLUGINS": "un-greffon"}, capture_output=True, text=True, timeout=120)
    assert real.returncode == 0, real.stderr
    assert out["plugins"] == json.loads(real.stdout)
    assert out["real"] is True and out["metadata_after"] is True
    # plugins enabled from the start: nothing replaced
    enabled = subprocess.run([sys.executable, "-c", "import sys; from ptms_cli import model_cache; "
                              "model_cache.skip_plugin_discovery(); print('pydantic.plugin._loader' in sys.modules)"],
                             env={**env, "PYDANTIC_DISABLE_PLUGINS": ""}, capture_output=True, text=True, timeout=120)
    assert enabled.stdout.strip() == "False"


def test_shipped_legal_facts_read_with_libyaml_are_what_the_python_loader_reads():
    import yaml

    from ptms_cli.legalfacts import legal_data

    text = (ROOT / "src" / "ptms_cli" / "data" / "legal.yaml").read_text(encoding="utf-8")
    assert legal_data() == yaml.load(text, Loader=yaml.SafeLoader)
    assert legal_data()["thresholds"]  # not empty
