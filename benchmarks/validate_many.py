"""`ptms validate` of many project files in one process (a CI over a consultant's repository).

Makes N project files (default 1 000): copies of the three examples in turn, each with its own
name. Then, in one run, each command a fresh process (wall, CPU and peak resident memory of that
process alone, through `wait4`):

  (1) `ptms validate DIR --format text`: the command prints (and flushes) each file's findings as
      soon as it is checked; the time between the first lines of two successive files is the time
      of a file, as the command spends it (wall, and CPU read from /proc/PID/schedstat at each of
      these lines): median of the first 100 files against the last 100;
  (2) `ptms validate DIR --format json`, on the N files and on their first 100: the peak memory of
      the command should not grow with the number of files (the JSON keeps only the findings);
  (3) `check-jsonschema --schemafile examples/ptms.schema.json` on the same N files;
  (--before SRC) (2) again with the code of SRC (another version's `src/`), for comparison.

    python benchmarks/validate_many.py [--n 1000] [--before /path/to/other/src]
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


def run(cmd: list[str], env: dict[str, str] | None = None, lines: bool = False) -> dict:
    """Wall, CPU and peak memory of this one command (its own rusage, through wait4); with `lines`,
    the time at which each file first appears at the start of an output line."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if lines else subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env)
    first: dict[str, tuple[float, float]] = {}
    if lines:
        assert proc.stdout is not None
        for raw in proc.stdout:
            name = raw.decode(errors="replace").split(":", 1)[0]
            if name.endswith(".yaml") and name not in first:
                first[name] = (time.perf_counter() - t0, cpu_ns(proc.pid) / 1e9)
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
            "code": proc.returncode, "err": err[-2000:], "first": first}


def cpu_ns(pid: int) -> int:
    """CPU time used so far by the process (its main thread: `ptms validate` has no other), in ns."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def line(label: str, r: dict, n: int) -> str:
    return (f"{label:<38}: {r['wall']:7.2f} s  {1000 * r['wall'] / n:7.2f} ms/fichier  CPU {r['cpu']:7.2f} s  "
            f"mémoire max {r['rss_mib']:5.0f} Mio")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--before", metavar="SRC", help="mesurer aussi (2) avec le code de SRC (le dossier src/ "
                        "d'une autre version)")
    parser.add_argument("--no-baseline", action="store_true", help="sans check-jsonschema (3)")
    args = parser.parse_args()
    n = args.n
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    checker = str(Path(sys.executable).parent / "check-jsonschema")
    if not Path(checker).exists():
        checker = shutil.which("check-jsonschema") or sys.exit("check-jsonschema introuvable")
    print(f"machine : {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.2f} au départ ; N = {n}")
    with tempfile.TemporaryDirectory(prefix="ptms-bench-validate-") as tmp:
        folder, head = Path(tmp) / "projets", Path(tmp) / "premiers"
        files = make_files(n, folder)
        head.mkdir()
        for path in files[:100]:
            shutil.copy(path, head / path.name)
        ptms = [sys.executable, "-m", "ptms_cli", "validate"]
        run([*ptms, str(files[0])], env)  # writes the bytecode and the model cache, as an installation
        text = run([*ptms, str(folder)], env, lines=True)
        if text["code"] not in (0, 1) or len(text["first"]) != n:
            sys.exit(f"échec : ptms {text['code']} {text['err']} ({len(text['first'])} fichiers vus)")
        print(line("(1) ptms validate (text)", text, n))
        marks = sorted(text["first"].values())
        for i, what in ((0, "temps mur"), (1, "CPU")):
            at = [m[i] for m in marks]
            per_file = [b - a for a, b in zip(at, at[1:])]  # from the 2nd file on
            k = min(100, len(per_file))
            first_k, last_k = statistics.median(per_file[:k]), statistics.median(per_file[-k:])
            print(f"    par fichier ({what}, entre deux fichiers affichés) : médiane des {k} premiers "
                  f"{1000 * first_k:.2f} ms, des {k} derniers {1000 * last_k:.2f} ms (rapport {last_k / first_k:.2f}) ; "
                  f"premier fichier affiché à {1000 * at[0]:.0f} ms")
        json_n = run([*ptms, str(folder), "--format", "json"], env)
        json_100 = run([*ptms, str(head), "--format", "json"], env)
        print(line("(2) ptms validate (json)", json_n, n))
        print(line("    les 100 premiers seuls (json)", json_100, 100))
        print(f"    mémoire max : {json_100['rss_mib']:.0f} Mio pour 100 fichiers, {json_n['rss_mib']:.0f} Mio pour {n} "
              f"({(json_n['rss_mib'] - json_100['rss_mib']) * 1024 / max(n - 100, 1):+.1f} Kio par fichier de plus)")
        if args.before:
            before = {**env, "PYTHONPATH": str(Path(args.before).resolve())}
            old_n = run([*ptms, str(folder), "--format", "json"], before)
            old_100 = run([*ptms, str(head), "--format", "json"], before)
            print(line("    avant (json)", old_n, n))
            print(f"    avant : mémoire max {old_100['rss_mib']:.0f} Mio pour 100 fichiers, {old_n['rss_mib']:.0f} Mio pour {n}")
        if not args.no_baseline:
            cj = run([checker, "--schemafile", str(SCHEMA), *map(str, files)])
            if cj["code"] != 0:
                sys.exit(f"échec : check-jsonschema {cj['code']} {cj['err']}")
            print(line("(3) check-jsonschema", cj, n))
            print(f"    ratio ptms (json) / check-jsonschema : temps {json_n['wall'] / cj['wall']:.2f} ; "
                  f"CPU {json_n['cpu'] / cj['cpu']:.2f}")
    print(f"charge moyenne à la fin : {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
