"""Cold `ptms validate` on the largest example against `check-jsonschema` on the exported schema.

Both run as fresh processes (cold start: interpreter, imports, work), alternating, N times.
Reports medians of wall-clock and CPU time (user + sys of the child) and the ratio ptms / baseline.
CPU time is steadier than wall time on a busy machine.

Both are measured as installed: with their bytecode cached (an installation writes the `.pyc` files;
here `PYTHONDONTWRITEBYTECODE` is lifted and the bytecode kept in a temporary `PYTHONPYCACHEPREFIX`)
and, for ptms, with its model cache (`ptms_cli.model_cache`, in a temporary `PTMS_CACHE_DIR`): the
first, unmeasured run of each command writes them, as the first run after an installation does.

    python benchmarks/validate_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "agglo-val-de-marque.yaml"


def tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} introuvable : pip install '.[test]'")
    return found


def measure(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"échec de {' '.join(cmd)} : {proc.stderr.decode()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="résultat en JSON")
    parser.add_argument("--before", metavar="SRC", help="mesurer aussi `ptms validate` avec le code de SRC "
                        "(ex. le dossier src/ d'une autre version), dans les mêmes tours")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        schema = Path(tmp) / "ptms.schema.json"
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["PTMS_CACHE_DIR"] = str(Path(tmp) / "ptms-cache")
        subprocess.run([tool("ptms"), "schema", "-o", str(schema)], check=True, capture_output=True)
        commands = {
            "ptms validate": [tool("ptms"), "validate", str(EXAMPLE)],
            "check-jsonschema": [tool("check-jsonschema"), "--schemafile", str(schema), str(EXAMPLE)],
            "python -c pass (plancher)": [sys.executable, "-c", "pass"],
        }
        envs = {name: env for name in commands}
        if args.before:
            commands["ptms validate (avant)"] = commands["ptms validate"]
            envs["ptms validate (avant)"] = {**env, "PYTHONPATH": str(Path(args.before).resolve())}
        samples: dict[str, list[tuple[float, float]]] = {k: [] for k in commands}
        for name, cmd in commands.items():  # warm the OS file cache, write the bytecode and model caches
            measure(cmd, envs[name])
        for _ in range(args.runs):
            for name, cmd in commands.items():
                samples[name].append(measure(cmd, envs[name]))
    result = {
        name: {
            "wall_median_s": round(statistics.median(w for w, _ in s), 4),
            "cpu_median_s": round(statistics.median(c for _, c in s), 4),
        }
        for name, s in samples.items()
    }
    base, ours = result["check-jsonschema"], result["ptms validate"]
    result["ratio_wall"] = round(ours["wall_median_s"] / base["wall_median_s"], 3)
    result["ratio_cpu"] = round(ours["cpu_median_s"] / base["cpu_median_s"], 3)
    if args.before:
        before = result["ptms validate (avant)"]
        result["ratio_before_cpu"] = round(before["cpu_median_s"] / base["cpu_median_s"], 3)
    result["runs"] = args.runs
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{'commande':<28} {'médiane (mur)':>14} {'médiane (CPU)':>14}")
    for name in commands:
        r = result[name]
        print(f"{name:<28} {r['wall_median_s'] * 1000:>11.0f} ms {r['cpu_median_s'] * 1000:>11.0f} ms")
    if args.before:
        print(f"avant : ratio {result['ratio_before_cpu']:.2f} (CPU)")
    print(f"ratio ptms / check-jsonschema : {result['ratio_wall']:.2f} (mur), {result['ratio_cpu']:.2f} (CPU), "
          f"{args.runs} exécutions")


if __name__ == "__main__":
    main()
