"""Where the start-up of `ptms validate` goes: cumulative imports, each step a fresh process.

Each line adds one layer to the previous one (`python -c "import …"`), the last two are the real
command and `check-jsonschema` on the same file; all are run alternately, N rounds, with the bytecode
and the model cache written beforehand (as `validate_startup.py`). Prints the median CPU time (user +
sys) of each line and its increment over the previous line.

    python benchmarks/startup_parts.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate_startup import EXAMPLE, tool  # noqa: E402

LAYERS = [
    ("interpréteur", "pass"),
    ("+ yaml", "import yaml"),
    ("+ typer (click embarqué)", "import typer, typer.core, typer.main"),
    ("+ pydantic", "import pydantic, pydantic.main, pydantic.fields, pydantic.types, pydantic_core"),
    ("+ modèle ptms (cache)", "import ptms_cli.model"),
    ("+ autres modules ptms", "import ptms_cli.cli.app, ptms_cli.cli.cmd_validate, ptms_cli.validation, ptms_cli.checks, "
                              "ptms_cli.schema_errors, ptms_cli.reporters, ptms_cli.cli.paths"),
]
# Not in `ptms validate` any more, measured apart (each over the interpreter alone and over the
# layers above): what the command used to import or do on every run.
APART = [
    ("importlib.metadata (chargeur de greffons de pydantic)", "import importlib.metadata"),
    ("num2words (nombres en lettres)", "import num2words"),
]


def cpu(cmd: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["PTMS_CACHE_DIR"] = str(Path(tmp) / "ptms-cache")
        schema = Path(tmp) / "ptms.schema.json"
        subprocess.run([tool("ptms"), "schema", "-o", str(schema)], check=True, capture_output=True, env=env)
        commands: list[tuple[str, list[str]]] = []
        code = []
        for name, statement in LAYERS:
            code.append(statement)
            commands.append((name, [sys.executable, "-c", "; ".join(code)]))
        commands.append(("ptms validate (complet)", [tool("ptms"), "validate", str(EXAMPLE)]))
        commands.append(("check-jsonschema", [tool("check-jsonschema"), "--schemafile", str(schema), str(EXAMPLE)]))
        base = "; ".join(code)
        for name, statement in APART:
            commands.append((f"[à part] {name}", [sys.executable, "-c", statement]))
            commands.append((f"[à part] couches + {name}", [sys.executable, "-c", f"{base}; {statement}"]))
        for _, cmd in commands:
            cpu(cmd, env)
        samples: dict[str, list[float]] = {name: [] for name, _ in commands}
        for _ in range(args.runs):
            for name, cmd in commands:
                samples[name].append(cpu(cmd, env))
    medians = {name: statistics.median(samples[name]) * 1000 for name, _ in commands}
    previous = 0.0
    for name, _ in commands:
        if name.startswith("[à part]"):
            continue
        step = "" if name == "check-jsonschema" else f"{medians[name] - previous:+8.0f}"
        print(f"{name:<44}{medians[name]:8.0f} ms {step}")
        previous = medians[name] if name != "check-jsonschema" else previous
    ours, base_cj = medians["ptms validate (complet)"], medians["check-jsonschema"]
    print(f"ratio (CPU) : {ours / base_cj:.2f}, {args.runs} tours")
    pass_ms, layers_ms = medians["interpréteur"], medians[LAYERS[-1][0]]
    for name, _ in APART:
        alone = medians[f"[à part] {name}"] - pass_ms
        over = medians[f"[à part] couches + {name}"] - layers_ms
        print(f"à part : {name} : +{alone:.0f} ms sur l'interpréteur seul, +{over:.0f} ms sur toutes les couches")


if __name__ == "__main__":
    main()
