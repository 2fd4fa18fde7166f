"""Per-project work before rendering: validation, template context, and one whole batch task, in process.

Measures, in this process, over the intercommunal example (`examples/agglo-val-de-marque.yaml`):

  - `validate_file(example)`: median ms over --runs runs (read, YAML, model, checks);
  - `loader.parse(text)`: median ms (the YAML part of the above);
  - `build_context(project)`: median ms (the context the templates get), without and with the
    funding plan and coverage matrix handed over by validation (`derived`) when this version has it;
  - `batch.process(Task(copy, out, names=("convention",)))` over --copies copies of the example
    (differing only by `name:`): median wall and CPU ms per project (and of its validation), after
    one warm-up project.

To compare two versions in the same session, run it once per source tree, e.g.

    PYTHONPATH=/path/to/other/src python benchmarks/per_project.py
    python benchmarks/per_project.py

(the printed `ptms_cli` path says which tree was measured).
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from render_batch import EXAMPLE, make_copies  # noqa: E402


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--copies", type=int, default=100)
    args = ap.parse_args()

    import ptms_cli
    from ptms_cli import loader
    from ptms_cli.documents import batch
    from ptms_cli.documents.context import build_context
    from ptms_cli.validation import validate_file

    print(f"ptms_cli : {Path(ptms_cli.__file__).parent}")
    text = EXAMPLE.read_text(encoding="utf-8")
    result = validate_file(EXAMPLE)  # warm-up (imports, caches)
    project = result.project
    build_context(project)

    print(f"validate_file           {median_ms(lambda: validate_file(EXAMPLE), args.runs):7.2f} ms")
    print(f"loader.parse            {median_ms(lambda: loader.parse(text, 'x'), args.runs):7.2f} ms")
    print(f"build_context           {median_ms(lambda: build_context(project), args.runs):7.2f} ms")
    if "derived" in inspect.signature(build_context).parameters:  # plan and matrix from the validation
        derived = result.derived
        print(f"build_context (derived) {median_ms(lambda: build_context(project, derived), args.runs):7.2f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "projects", Path(tmp) / "out"
        make_copies(args.copies + 1, folder)
        files = sorted(folder.glob("*.yaml"))
        batch.process(batch.Task(files[0], out / files[0].stem, names=("convention",)))  # warm-up
        times, cpu, load = [], [], []
        for f in files[1:]:
            t0, c0 = time.perf_counter(), time.process_time()
            report = batch.process(batch.Task(f, out / f.stem, names=("convention",)))
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            load.append(report.timings["load"])
            if report.status != "rendered":
                sys.exit(f"{f}: {report.status} {report.failed}")
        print(f"batch.process (median)  {statistics.median(times) * 1000:7.2f} ms / projet "
              f"(CPU {statistics.median(cpu) * 1000:.2f} ms, dont validation {statistics.median(load) * 1000:.2f} ms ; "
              f"moyenne {statistics.mean(times) * 1000:.2f} ms, {len(times)} projets)")


if __name__ == "__main__":
    main()
