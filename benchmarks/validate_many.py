"""`ptms validate` of many project files in one process (a CI over a consultant's repository).

Makes N project files (default 1 000): copies of the three examples in turn, each with its own
name. Then, in one run:

  (1) `ptms validate DIR --format json`: one process for all N files (wall, CPU, peak memory);
  (2) `check-jsonschema --schemafile examples/ptms.schema.json` on the same N files, one process;
  (3) in this process, `validation.validate_file` on each file in turn (what the command runs for each
      file), timed one by one, with the resident memory after each file, to see whether the time per
      file and the memory stay flat: median of the first 100 files against the last 100, and memory
      after 100 files against after N. The results are not kept (the command keeps them until it
      prints: memory grows with them, see (1)).

    python benchmarks/validate_many.py [--n 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SCHEMA = ROOT / "examples" / "ptms.schema.json"


def make_files(n: int, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    files = []
    for i in range(n):
        text = texts[i % len(texts)]
        first = next(line for line in text.splitlines() if line.startswith("name:"))
        path = folder / f"projet-{i:04d}.yaml"
        path.write_text(text.replace(first, f"name: \"Médiation sociale, variante {i:04d}\"", 1), encoding="utf-8")
        files.append(path)
    return files


def run(cmd: list[str]) -> dict:
    """Wall, CPU and peak memory of this one command (its own rusage, through wait4)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "code": proc.returncode, "err": err[-2000:]}


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    n = args.n
    env_path = str(ROOT / "src")
    os.environ["PYTHONPATH"] = env_path
    sys.path.insert(0, env_path)
    checker = str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(checker).exists():
        checker = shutil.which("check-jsonschema") or sys.exit("check-jsonschema introuvable")
    print(f"machine : {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.2f} au départ ; N = {n}")
    with tempfile.TemporaryDirectory(prefix="ptms-bench-validate-") as tmp:
        files = make_files(n, Path(tmp) / "projets")
        ptms = run([sys.executable, "-m", "ptms_cli", "validate", str(Path(tmp) / "projets"), "--format", "json"])
        cj = run([checker, "--schemafile", str(SCHEMA), *map(str, files)])
        if ptms["code"] not in (0, 1) or cj["code"] != 0:
            sys.exit(f"échec : ptms {ptms['code']} {ptms['err']} / check-jsonschema {cj['code']} {cj['err']}")
        print(f"(1) ptms validate, 1 processus      : {ptms['wall']:6.2f} s  {1000 * ptms['wall'] / n:6.2f} ms/fichier  "
              f"CPU {ptms['cpu']:6.2f} s  mémoire max {ptms['rss_mib']:6.0f} Mio")
        print(f"(2) check-jsonschema, 1 processus   : {cj['wall']:6.2f} s  {1000 * cj['wall'] / n:6.2f} ms/fichier  "
              f"CPU {cj['cpu']:6.2f} s  mémoire max {cj['rss_mib']:6.0f} Mio")
        print(f"    ratio ptms / check-jsonschema   : temps {ptms['wall'] / cj['wall']:.2f} ; CPU {ptms['cpu'] / cj['cpu']:.2f}")

        from ptms_cli.validation import validate_file

        times, mem = [], []
        for path in files:
            t0 = time.perf_counter()
            result = validate_file(path)
            times.append(time.perf_counter() - t0)
            assert result.project is not None
            del result
            mem.append(rss_mib())
        head, tail = statistics.median(times[:100]), statistics.median(times[-100:])
        print(f"(3) validate_file, un par un         : médiane des 100 premiers {1000 * head:.2f} ms, des 100 derniers "
              f"{1000 * tail:.2f} ms (rapport {tail / head:.2f}) ; le premier {1000 * times[0]:.1f} ms")
        k = min(100, n)
        print(f"    mémoire résidente : après {k} fichiers {mem[k - 1]:.1f} Mio, après {n} {mem[-1]:.1f} Mio "
              f"(+{mem[-1] - mem[k - 1]:.1f} Mio)")


if __name__ == "__main__":
    main()
