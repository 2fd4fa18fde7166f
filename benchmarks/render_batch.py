"""Batch rendering: ptms against a naive docxtpl loop and against the floor of writing the files.

Renders N copies of the intercommunal example (`examples/agglo-val-de-marque.yaml`; each copy has
its own name, so each convention differs) — the convention only by default (`--doc all`: every
document) — and compares, in the same run, each in a fresh process:

  (a) `ptms render DIR -o OUT -j 1`: the whole pipeline per project (read, validate, funding plan,
      context, render with the compiled-template cache, atomic write with fsync, manifest);
  (a') ptms's rendering engine alone in the loop of (b): same template, same context, plain save;
  (b) a naive docxtpl loop: per document a new `DocxTemplate`, `render`, `save` — same template,
      same context (built once with ptms's context builder), autoescape on, no cache;
  (c) the floor: writing the already-rendered bytes of (a) N times (`write_atomic`, as ptms does);
  (d) `ptms render DIR -o OUT -j 2` against (a);
  (e) the machine's ceiling for (d): two independent `ptms render -j 1`, on half of the projects
      each, run at the same time (two cores with no pool at all).

Prints documents per second (wall), CPU seconds, ratios, and peak memory (RSS): ptms's worker
RSS after the first tenth of the projects and at the end (flat memory means these stay close),
and the naive loop's own peak. CPU time is steadier than wall time on a busy machine.

    python benchmarks/render_batch.py                 # quick: N = 10
    python benchmarks/render_batch.py --n 10,100,500  # the issue's sizes
    python benchmarks/render_batch.py --n 100 --doc all
    python benchmarks/render_batch.py --n 100,500 --repeat 3   # medians of 3 rounds of (a, d, e, b)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "agglo-val-de-marque.yaml"


def make_copies(n: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("name:"))
    for i in range(n):
        (folder / f"copie-{i:04d}.yaml").write_text(
            text.replace(first, f"name: \"Médiation sociale, copie {i:04d}\"", 1), encoding="utf-8")


def child_usage(before) -> float:
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_ptms(projects: Path, out: Path, jobs: int, doc: str, report: Path) -> dict:
    docs = [] if doc == "all" else ["--doc", doc]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ptms_cli", "render", str(projects), "-o", str(out), "-j", str(jobs),
                           *docs, "--report", str(report)], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"ptms render a échoué ({proc.returncode}) :\n{proc.stderr[-3000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    projects_ = data["projects"]
    docs_n = sum(len(p["written"]) for p in projects_)
    tenth = max(1, len(projects_) // 10)
    rss = [p["peak_rss_kib"] for p in projects_]
    return {
        "wall": wall,
        "docs": docs_n,
        "cpu_main": child_usage(before),  # the ptms process itself (its workers are not waited for by us)
        "cpu_work": sum(p["timings"]["cpu"] for p in projects_),  # CPU of every project, wherever it ran
        "rss_early_mib": max(rss[:tenth]) / 1024,
        "rss_end_mib": max(rss) / 1024,
        "cache_misses": sum(p["cache"]["misses"] for p in projects_),
        "cache_hits": sum(p["cache"]["hits"] for p in projects_),
    }


def run_halves(halves: list[Path], out: Path, doc: str) -> float:
    """Wall time of two independent `ptms render -j 1`, one per half of the projects, run together:
    what two cores give this work with no pool at all (the ceiling for -j 2 on this machine)."""
    docs = [] if doc == "all" else ["--doc", doc]
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "ptms_cli", "render", str(h), "-o", str(out / h.name), "-j", "1",
                               *docs], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for h in halves]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            sys.exit(f"ptms render a échoué ({proc.returncode}) :\n{err.decode()[-3000:]}")
    return time.perf_counter() - t0


# --- the naive loop and the floor, each run in a fresh process (see --variant) -----------------

def naive(n: int, doc: str, out: Path) -> dict:
    import io

    from docxtpl import DocxTemplate

    from ptms_cli.documents import catalog
    from ptms_cli.documents.context import build_context, letter_context
    from ptms_cli.validation import validate_file

    project = validate_file(EXAMPLE).project
    context = build_context(project)  # once: the naive loop does not pay for the context
    names = [doc] if doc != "all" else None
    jobs = catalog.plan(project, names).jobs
    out.mkdir(parents=True, exist_ok=True)
    pictures = {}
    if any("images" in (catalog.default_templates() / j.spec.template).read_bytes().decode("latin-1") for j in jobs):
        from ptms_cli.documents.pipeline import images_for

        pictures = {k: f() for k, f in images_for(project, context).items()}
    t0, c0 = time.perf_counter(), time.process_time()
    count = 0
    for i in range(n):
        for job in jobs:
            tpl = DocxTemplate(str(catalog.default_templates() / job.spec.template))
            ctx = letter_context(context, job.partner) if job.partner else dict(context)
            if pictures:
                from docx.shared import Mm
                from docxtpl import InlineImage

                ctx["images"] = {k: InlineImage(tpl, io.BytesIO(v), width=Mm(160)) if v else None
                                 for k, v in pictures.items()}
            tpl.render(ctx, autoescape=True)
            tpl.save(str(out / f"{i:04d}-{job.stem}.docx"))
            count += 1
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the same loop with ptms's engine (compiled-template cache), same context, same plain save
    from ptms_cli.documents.context import document_date
    from ptms_cli.documents.pipeline import images_for
    from ptms_cli.documents.render import Properties, render

    images = images_for(project, context)
    engine_out = out.parent / (out.name + "-moteur")
    engine_out.mkdir(parents=True, exist_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        for job in jobs:
            ctx = letter_context(context, job.partner) if job.partner else context
            props = Properties(title=job.title, author="ptms", subject=project.name, date=document_date(project))
            data = render(catalog.default_templates() / job.spec.template, ctx, props, images)
            (engine_out / f"{i:04d}-{job.stem}.docx").write_bytes(data)
    return {"wall": wall, "cpu": cpu, "docs": count, "rss_mib": rss,
            "engine_wall": time.perf_counter() - t0, "engine_cpu": time.process_time() - c0}


def floor(n: int, rendered: Path, out: Path) -> dict:
    from ptms_cli.writing import write_atomic

    files = [(p.name, p.read_bytes()) for p in sorted(rendered.iterdir()) if p.suffix == ".docx"]
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        for name, data in files:
            write_atomic(out / f"{i:04d}" / name, data)
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "docs": n * len(files)}


def variant(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--variant", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(proc.stderr[-3000:])
    return json.loads(proc.stdout)


def fr(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def median(values):
    import statistics

    return statistics.median(values)


def bench(n: int, doc: str, work: Path, repeat: int) -> None:
    projects = work / f"projets-{n}"
    make_copies(n, projects)
    halves = [work / f"moitie-{n}-1", work / f"moitie-{n}-2"]
    for half in halves:
        half.mkdir()
    for i, f in enumerate(sorted(projects.iterdir())):
        (halves[i % 2] / f.name).write_bytes(f.read_bytes())
    rounds = []  # (a, b, d) of each round: the runs of a round follow each other, rounds repeat the lot
    for k in range(repeat):
        a = run_ptms(projects, work / f"a-{n}-{k}", 1, doc, work / f"a-{n}-{k}.json")
        d = run_ptms(projects, work / f"d-{n}-{k}", 2, doc, work / f"d-{n}-{k}.json")
        e = run_halves(halves, work / f"e-{n}-{k}", doc)
        b = variant("naive", str(n), doc, str(work / f"b-{n}-{k}"))
        rounds.append((a, b, d, e))
    first = next(p for p in sorted((work / f"a-{n}-0").iterdir()) if p.is_dir())
    c = variant("floor", str(n), str(first), str(work / f"c-{n}"))
    docs = rounds[0][0]["docs"]
    assert all(a["docs"] == b["docs"] == d["docs"] == docs for a, b, d, _ in rounds) and c["docs"] == docs

    def med(i: int, key: str) -> float:
        return median(r[i][key] for r in rounds)

    def row(name, wall, cpu, extra=""):
        print(f"  {name:<38} {docs / wall:8.1f} doc/s  {1000 * wall / docs:7.1f} ms/doc (mur)  "
              f"{1000 * cpu / docs:7.1f} ms/doc (CPU)  {extra}")

    a, b, d, _ = rounds[-1]
    print(f"\nN = {n} projets, {docs} documents ({'tous' if doc == 'all' else doc})"
          + (f" — médianes de {repeat} tours" if repeat > 1 else ""))
    row("(a) ptms -j 1 (pipeline complet)", med(0, "wall"), med(0, "cpu_main"),
        f"RSS {fr(a['rss_early_mib'], 0)} Mio au 1er dixième, {fr(a['rss_end_mib'], 0)} Mio à la fin ; "
        f"cache {a['cache_hits']} succès / {a['cache_misses']} compilations")
    row("(b) boucle docxtpl naïve", med(1, "wall"), med(1, "cpu"), f"RSS {fr(b['rss_mib'], 0)} Mio")
    row("(a') moteur ptms, même boucle que (b)", med(1, "engine_wall"), med(1, "engine_cpu"))
    row("(c) plancher : écrire les fichiers", c["wall"], c["cpu"])
    row("(d) ptms -j 2", med(2, "wall"), median(r[2]["cpu_main"] + r[2]["cpu_work"] for r in rounds),
        f"RSS par processus {fr(d['rss_early_mib'], 0)} → {fr(d['rss_end_mib'], 0)} Mio")
    speed = [r[1]["wall"] / r[0]["wall"] for r in rounds]
    speed_cpu = [r[1]["cpu"] / r[0]["cpu_main"] for r in rounds]
    engine = [r[1]["wall"] / r[1]["engine_wall"] for r in rounds]
    jobs = [r[0]["wall"] / r[2]["wall"] for r in rounds]
    ceiling = [r[0]["wall"] / r[3] for r in rounds]
    each = (lambda xs: f" (tours : {', '.join(fr(x, 2) for x in xs)})") if repeat > 1 else (lambda xs: "")
    print(f"  (b)/(a) : {fr(median(speed), 2)}x plus rapide (mur), {fr(median(speed_cpu), 2)}x (CPU) — "
          f"objectif ≥ 3x{each(speed)}")
    print(f"  (b)/(a') : {fr(median(engine), 2)}x plus rapide (mur) — le rendu seul, à contexte égal")
    print(f"  (a)/(c) : {fr(med(0, 'wall') / c['wall'], 1)}x le plancher d'écriture")
    print(f"  -j 2 / -j 1 : {fr(median(jobs), 2)}x (mur) — objectif ≥ 1,7x sur 2 cœurs{each(jobs)} "
          f"(CPU des rendus : {fr(med(0, 'cpu_work'), 1)} s en -j 1, {fr(med(2, 'cpu_work'), 1)} s en -j 2)")
    print(f"  (e) plafond de la machine, deux -j 1 indépendants sur une moitié chacun : {fr(median(ceiling), 2)}x "
          f"(mur){each(ceiling)} — -j 2 en atteint {fr(100 * median(j / c for j, c in zip(jobs, ceiling)), 0)} %")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--variant":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "naive":
            result = naive(int(rest[0]), rest[1], Path(rest[2]))
        else:
            result = floor(int(rest[0]), Path(rest[1]), Path(rest[2]))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="10", help="tailles de lot séparées par des virgules (défaut : 10)")
    parser.add_argument("--doc", default="convention", help="document à produire, ou « all » (défaut : convention)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="tours (a, d, e, b) par taille ; médianes et rapports par tour (défaut : 1)")
    args = parser.parse_args()
    print(f"Machine : {os.cpu_count()} cœurs, charge {', '.join(fr(x, 2) for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="ptms-bench-") as tmp:
        for n in (int(x) for x in args.n.split(",")):
            bench(n, args.doc, Path(tmp), max(1, args.repeat))


if __name__ == "__main__":
    main()
