"""PDF: ptms's persistent LibreOffice against LibreOffice called per document and for a whole batch.

N copies of the intercommunal example (`examples/agglo-val-de-marque.yaml`, each with its own
name), the convention only. Configurations (`--configs`, each in a fresh process):

  j1   : `ptms render DIR -o OUT --doc convention --format pdf -j 1` (validation, rendering,
         conversion by the one LibreOffice kept running, rendering the next project meanwhile,
         atomic writes, manifest);
  j2   : the same with two workers (one LibreOffice each);
  a    : one `soffice --convert-to pdf` call per document, on the .docx ptms rendered (measured on
         the first `--sample` documents and reported per document: at 100 or 500 documents the full
         loop would take most of an hour);
  b    : one `soffice --convert-to pdf` call for all the .docx at once: LibreOffice's own floor;
  docx : `ptms render ... --format docx -j 1`: ptms's own part (what the overlap hides);
  ref  : `j1` with the ptms found in `--ref-src` (another checkout's `src`: before/after a change).

(a) and (b) use the export filter options ptms uses (PDF/A-2b, tagged), so all produce the same
kind of PDF. With `--rounds R`, the configurations run R times, alternated (the order turns each
round), and the medians are reported: on a loaded machine, report ratios, never absolute times.

Prints seconds per document, ratios, and peak memory: the highest sum of the resident memory of
the whole process tree (ptms, its workers, the helpers and LibreOffice processes), sampled every
0,2 s. For `j1` and `j2`, what LibreOffice did per document (`PTMS_CONVERTER_STATS`): `idle` is
the time it waited for ptms (≈ 0 when the overlap works). The .docx for (a) and (b) are rendered
beforehand by ptms (not timed). Prints the expected duration (at rest) before starting, and beside
each run a yardstick: a fixed pure-Python loop timed before and after it (this virtual machine's
cores do not always run at the same speed: a slower run on a slower machine shows there).

    python benchmarks/render_pdf.py                         # N = 10, every configuration
    python benchmarks/render_pdf.py --n 10,100,500          # the issue's full grid
    python benchmarks/render_pdf.py --n 100 --configs j1,b --rounds 3
    python benchmarks/render_pdf.py --n 100 --configs j1,ref,b --rounds 2 --ref-src ../main/src
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


def yardstick() -> float:
    """Milliseconds of a fixed pure-Python loop (median of 3): the machine's speed at that moment.
    A virtual machine's cores do not always run at the same speed; printed beside each run, it tells
    a slower configuration from a slower machine."""
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i * i % 7
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def timed(cmd: list[str], env: dict | None = None, errors: list | None = None) -> tuple[float, float]:
    """(wall seconds, peak MiB of the process tree); the command's error output appended to `errors`."""
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
    if errors is not None:
        errors.append(err)
    return wall, peak[0] / 1024


def soffice_cmd(profile: Path, outdir: Path, files: list[Path]) -> list[str]:
    return [shutil.which("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", _convert_to("pdf"), "--outdir", str(outdir), *map(str, files)]


CONFIGS = ("j1", "j2", "b", "a", "docx", "ref")
# the ratios printed for each size (numerator, denominator, wording), when both were measured
RATIOS = [("j1", "b", "ptms -j 1 / (b) = {:.2f} (objectif ≤ 1,3)"),
          ("j1", "j2", "-j 2 accélère -j 1 de {:.2f}x (objectif ≥ 1,6)"),
          ("j2", "b", "ptms -j 2 / (b) = {:.2f}"),
          ("a", "j1", "(a) / ptms -j 1 = {:.2f}"),
          ("j1", "ref", "ptms -j 1 / celui de --ref-src = {:.2f}"),
          ("ref", "b", "celui de --ref-src / (b) = {:.2f}"),
          ("docx", "j1", ".docx seul / ptms -j 1 = {:.2f}")]
LABELS = {"j1": "ptms -j 1", "j2": "ptms -j 2", "a": "(a) soffice par document", "b": "(b) soffice pour le lot",
          "docx": "ptms -j 1, .docx seul", "ref": "ptms -j 1 de --ref-src"}
# seconds at rest on the reference machine (2 cores, 3 December 2026): per document, and fixed
ESTIMATE = {"j1": (0.8, 4.0), "j2": (0.6, 5.0), "b": (0.7, 3.0), "a": (1.7, 0.0), "docx": (0.2, 2.0), "ref": (1.05, 4.0)}


def expected_seconds(sizes: list[int], configs: list[str], sample: int, rounds: int) -> float:
    total = 0.0
    for n in sizes:
        total += 0.15 * n + 5  # the copies and their .docx (ptms -j 2, not timed)
        for c in configs:
            per, fixed = ESTIMATE[c]
            total += rounds * ((min(n, sample) if c == "a" else n) * per + fixed)
    return total


def _libreoffice_times(stats: Path) -> str:
    """What ptms's LibreOffice(s) did, per document (`PTMS_CONVERTER_STATS`, written by
    `converter.Converter.close`): waiting for ptms (idle), loading, exporting, closing."""
    import json

    try:
        rows = [json.loads(line) for line in stats.read_text(encoding="utf-8").splitlines()]
    except OSError:
        return ""
    docs = sum(r["documents"] for r in rows)
    if not docs:
        return ""
    parts = [f"{k} {sum(r.get(k, 0.0) for r in rows) / docs:.3f}" for k in ("idle", "load", "store", "close")]
    return f"LibreOffice par document (s) : {', '.join(parts)}"


class Bench:
    """One size: the projects, their .docx, and one timed run of a configuration at a time."""

    def __init__(self, n: int, sample: int, work: Path, ref_src: Path | None = None):
        self.n, self.sample, self.work, self.runs = n, sample, work / f"n{n}", 0
        self.ref_env = {**os.environ, "PYTHONPATH": str(ref_src.resolve())} if ref_src else None
        self.libreoffice: dict[str, str] = {}  # the last run's LibreOffice times, per configuration
        self.projects = self.work / "projets"
        make_copies(n, self.projects)
        self.ptms = [sys.executable, "-m", "ptms_cli", "render", str(self.projects), "--doc", "convention"]
        subprocess.run([*self.ptms, "-o", str(self.work / "docx"), "-j", "2"], check=True, capture_output=True)
        docx = sorted((self.work / "docx").rglob("convention.docx"))
        flat = self.work / "flat"
        flat.mkdir()
        for i, f in enumerate(docx):  # one folder for soffice: distinct names
            shutil.copy(f, flat / f"convention-{i:04d}.docx")
        self.files = sorted(flat.glob("*.docx"))
        assert len(self.files) == n

    def fresh(self, name: str) -> Path:
        self.runs += 1
        return self.work / f"{name}-{self.runs}"

    def run(self, config: str) -> tuple[float, float]:
        """(seconds per document, peak MiB) of one run of `config`."""
        n = self.n
        if config in ("j1", "j2", "docx", "ref"):
            out, stats = self.fresh(config), self.fresh("stats")
            fmt, jobs = {"docx": ("docx", "1"), "ref": ("pdf", "1")}.get(config, ("pdf", config[-1]))
            env = {**(self.ref_env if config == "ref" else os.environ), "PTMS_CONVERTER_STATS": str(stats)}
            wall, mem = timed([*self.ptms, "-o", str(out), "--format", fmt, "-j", jobs], env=env)
            assert len(list(out.rglob(f"*.{fmt}"))) == n
            shutil.rmtree(out)
            self.libreoffice[config] = _libreoffice_times(stats)
            return wall / n, mem
        if config == "b":
            out, errors = self.fresh("b"), []
            wall, mem = timed(soffice_cmd(self.fresh("profil-b"), out, self.files), errors=errors)
            made = {p.stem for p in out.glob("*.pdf")}
            if len(made) != n:  # LibreOffice says nothing of it in its exit status: shown, not hidden
                missing = [f.name for f in self.files if f.stem not in made]
                print(f"  (b) n'a produit que {len(made)} PDF sur {n} ; manquants : {', '.join(missing[:5])}"
                      f"{' …' if len(missing) > 5 else ''} ; sortie d'erreur de soffice : "
                      f"{errors[0].strip()[-1500:] or '(vide)'} ; temps compté par PDF produit", flush=True)
            return wall / max(1, len(made)), mem
        per, mem = [], 0.0
        profile, out = self.fresh("profil-a"), self.fresh("a")
        for f in self.files[:min(n, self.sample)]:
            wall, m = timed(soffice_cmd(profile, out, [f]))
            per.append(wall)
            mem = max(mem, m)
        return statistics.median(per), mem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="10", help="sizes, comma-separated (10,100,500)")
    parser.add_argument("--configs", default="j1,j2,b,a", help=f"comma-separated, among {','.join(CONFIGS)}")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each configuration, alternated")
    parser.add_argument("--sample", type=int, default=10, help="documents measured for (a), one soffice call each")
    parser.add_argument("--ref-src", type=Path, help="for `ref`: the `src` folder of another ptms checkout")
    args = parser.parse_args()
    sizes = [int(x) for x in args.n.split(",")]
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    if bad := [c for c in configs if c not in CONFIGS]:
        parser.error(f"configuration inconnue : {', '.join(bad)} (au choix : {', '.join(CONFIGS)})")
    if "ref" in configs and not (args.ref_src and (args.ref_src / "ptms_cli").is_dir()):
        parser.error("« ref » demande --ref-src, le dossier src d'une autre copie de ptms")
    os.environ.setdefault("PYTHONPATH", str(ROOT / "src"))
    expected = expected_seconds(sizes, configs, args.sample, args.rounds)
    print(f"machine : {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.2f} au départ ; durée prévue "
          f"au repos : ≈ {expected / 60:.0f} min ({expected:.0f} s)", flush=True)
    with tempfile.TemporaryDirectory(prefix="ptms-bench-pdf-") as tmp:
        for n in sizes:
            bench = Bench(n, args.sample, Path(tmp), args.ref_src)
            per: dict[str, list[float]] = {c: [] for c in configs}
            mem: dict[str, float] = {c: 0.0 for c in configs}
            loads = [os.getloadavg()[0]]
            for r in range(args.rounds):
                order = configs[r % len(configs):] + configs[:r % len(configs)]  # turns each round
                for c in order:
                    before = yardstick()
                    seconds, peak = bench.run(c)
                    per[c].append(seconds)
                    mem[c] = max(mem[c], peak)
                    loads.append(os.getloadavg()[0])
                    lo = bench.libreoffice.get(c) if c in ("j1", "j2") else ""
                    print(f"  [N = {n}, tour {r + 1}] {LABELS[c]} : {seconds:.3f} s/doc, {peak:.0f} Mio "
                          f"(charge {loads[-1]:.2f}, étalon {before:.0f} → {yardstick():.0f} ms)" + (f" ; {lo}" if lo else ""),
                          flush=True)
            med = {c: statistics.median(v) for c, v in per.items()}
            print(f"\nN = {n} conventions, {args.rounds} tour(s) alterné(s), charge moyenne {min(loads):.2f} à "
                  f"{max(loads):.2f} ; médianes :")
            for c in configs:
                what = f"médiane de {min(n, args.sample)} appels" if c == "a" else f"{med[c] * n:7.1f} s en tout"
                print(f"  {LABELS[c]:<26}: {med[c]:6.3f} s/doc ({what})  mémoire max {mem[c]:6.0f} Mio")
            ratios = [text.format(med[top] / med[bottom]) for top, bottom, text in RATIOS if top in med and bottom in med]
            if ratios:
                print("  rapports : " + " ; ".join(ratios), flush=True)


if __name__ == "__main__":
    main()
