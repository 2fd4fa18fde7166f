"""PDF: ptms's persistent LibreOffice against LibreOffice called per document and for a whole batch.

N copies of the intercommunal example (`examples/agglo-val-de-marque.yaml`, each with its own
name), the convention only. In one run, each in a fresh process:

  ptms -j 1 : `ptms render DIR -o OUT --doc convention --format pdf -j 1` (validation, rendering,
              conversion by the one LibreOffice kept running, atomic writes, manifest);
  ptms -j 2 : the same with two workers (one LibreOffice each);
  (a)       : one `soffice --convert-to pdf` call per document, on the .docx ptms rendered
              (measured on the first `--sample` documents and reported per document: at 100 or 500
              documents the full loop would take most of an hour);
  (b)       : one `soffice --convert-to pdf` call for all the .docx at once: LibreOffice's own floor.

(a) and (b) use the export filter options ptms uses (PDF/A-2b, tagged), so the three produce the same
kind of PDF.

Prints seconds per document, ratios, and peak memory: the highest sum of the resident memory of
the whole process tree (ptms, its workers, the helpers and LibreOffice processes), sampled every
0,2 s. The .docx for (a) and (b) are rendered beforehand by ptms (not timed).

    python benchmarks/render_pdf.py               # N = 10
    python benchmarks/render_pdf.py --n 10,100    # the issue's sizes (500: --n 500)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from render_batch import make_copies  # noqa: E402

from ptms_cli.documents.export import _convert_to  # noqa: E402  (same PDF/A, tagged export filter as ptms)


def _tree_rss_kib(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            pid, ppid = int(entry), int(fields[1])
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
            children.setdefault(ppid, []).append(pid)
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, peak MiB of the process tree)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss_kib(proc.pid))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    thread.join()
    if proc.returncode != 0:
        sys.exit(f"échec ({proc.returncode}) de {' '.join(cmd[:4])}… :\n{err[-3000:]}")
    return wall, peak[0] / 1024


def soffice_cmd(profile: Path, outdir: Path, files: list[Path]) -> list[str]:
    return [shutil.which("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", _convert_to("pdf"), "--outdir", str(outdir), *map(str, files)]


def bench(n: int, sample: int, work: Path) -> dict:
    projects = work / f"projets-{n}"
    make_copies(n, projects)
    ptms = [sys.executable, "-m", "ptms_cli", "render", str(projects), "--doc", "convention"]
    subprocess.run([*ptms, "-o", str(work / f"docx-{n}"), "-j", "2"], check=True, capture_output=True)
    docx = sorted((work / f"docx-{n}").rglob("convention.docx"))
    flat = work / f"flat-{n}"
    flat.mkdir()
    for i, f in enumerate(docx):  # one folder for soffice: distinct names
        shutil.copy(f, flat / f"convention-{i:04d}.docx")
    files = sorted(flat.glob("*.docx"))
    assert len(files) == n
    r = {"n": n}
    r["j1"], r["j1_mem"] = timed([*ptms, "-o", str(work / f"pdf1-{n}"), "--format", "pdf", "-j", "1"])
    print(f"  [N = {n}] ptms -j 1 : {r['j1']:.1f} s, {r['j1_mem']:.0f} Mio", flush=True)
    r["j2"], r["j2_mem"] = timed([*ptms, "-o", str(work / f"pdf2-{n}"), "--format", "pdf", "-j", "2"])
    print(f"  [N = {n}] ptms -j 2 : {r['j2']:.1f} s, {r['j2_mem']:.0f} Mio", flush=True)
    assert len(list((work / f"pdf1-{n}").rglob("*.pdf"))) == n == len(list((work / f"pdf2-{n}").rglob("*.pdf")))
    r["b"], r["b_mem"] = timed(soffice_cmd(work / f"profile-b-{n}", work / f"out-b-{n}", files))
    assert len(list((work / f"out-b-{n}").glob("*.pdf"))) == n
    print(f"  [N = {n}] (b) : {r['b']:.1f} s, {r['b_mem']:.0f} Mio", flush=True)
    per, mem = [], 0.0
    k = min(n, sample)
    for f in files[:k]:
        wall, m = timed(soffice_cmd(work / f"profile-a-{n}", work / f"out-a-{n}", [f]))
        per.append(wall)
        mem = max(mem, m)
    r["a_per_doc"], r["a_median"], r["a_k"], r["a_mem"] = sum(per) / k, statistics.median(per), k, mem
    return r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="10", help="sizes, comma-separated (10,100,500)")
    parser.add_argument("--sample", type=int, default=10, help="documents measured for (a), one soffice call each")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(ROOT / "src"))
    print(f"machine : {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.2f} au départ", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ptms-bench-pdf-") as tmp:
        for n in (int(x) for x in args.n.split(",")):
            r = bench(n, args.sample, Path(tmp))
            rows.append(r)
            j1, j2, b = r["j1"] / n, r["j2"] / n, r["b"] / n
            print(f"\nN = {n} conventions (charge {os.getloadavg()[0]:.2f})")
            print(f"  ptms -j 1                 : {r['j1']:7.1f} s  {j1:6.3f} s/doc  mémoire max {r['j1_mem']:6.0f} Mio")
            print(f"  ptms -j 2                 : {r['j2']:7.1f} s  {j2:6.3f} s/doc  mémoire max {r['j2_mem']:6.0f} Mio")
            print(f"  (a) soffice par document  : {r['a_per_doc']:6.3f} s/doc (moyenne de {r['a_k']}, médiane "
                  f"{r['a_median']:.3f})  mémoire max {r['a_mem']:6.0f} Mio")
            print(f"  (b) soffice pour le lot   : {r['b']:7.1f} s  {b:6.3f} s/doc  mémoire max {r['b_mem']:6.0f} Mio")
            print(f"  ratios : ptms -j 1 / (b) = {j1 / b:.2f} ; (a) / ptms -j 1 = {r['a_per_doc'] / j1:.2f} ; "
                  f"-j 2 accélère -j 1 de {r['j1'] / r['j2']:.2f}x ; ptms -j 2 / (b) = {j2 / b:.2f}", flush=True)


if __name__ == "__main__":
    main()
