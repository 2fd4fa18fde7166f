"""Display of a batch render (`ptms render` with several projects, --check, --changed-only, --report).

Progress on stderr (a rich bar on a terminal, one plain line per project otherwise), then on stdout
the files that are not up to date (--check), a summary table and a closing line. The work itself
is `documents.batch.run`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ..frformat import plural
from .app import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

STATUS = {
    "rendered": "produit",
    "unchanged": "à jour",
    "skipped": "rien à produire",
    "outdated": "à régénérer",
    "failed": "en échec",
}


def _details(r) -> str:
    lines = [f"{('« ' + f['document'] + ' » : ') if f['document'] else ''}{f['reason']}" for f in r.failed]
    if r.status == "rendered" and r.up_to_date_reason:  # --changed-only: why it was rendered again
        lines.append(f"régénéré : {r.up_to_date_reason}")
    lines += [f"ignoré : {s['document']} — {s['reason']}" for s in r.skipped]
    if not r.missing and not r.differs:  # --check lists them on their own lines
        lines += [f"orphelin : {name} — plus produit par le projet (--prune pour le supprimer)" for name in r.orphans]
    return "\n".join(lines)


def _line(i: int, n: int, r) -> str:
    counts = []
    if r.written:
        counts.append(plural(len(r.written), "écrit"))
    if r.unchanged:
        counts.append(plural(len(r.unchanged), "inchangé"))
    if r.missing or r.differs:
        counts.append(f"{plural(len(r.missing), 'manquant')}, {plural(len(r.differs), 'différent')}")
    if r.orphans:
        counts.append(plural(len(r.orphans), "orphelin"))
    if r.pruned:
        counts.append(plural(len(r.pruned), "orphelin supprimé", "orphelins supprimés"))
    if r.failed:
        counts.append(plural(len(r.failed), "erreur"))
    return f"[{i}/{n}] {STATUS[r.status]} : {r.file}" + (f" ({', '.join(counts)})" if counts else "")


def show_batch(tasks, jobs: int, report_path: Path | None) -> int:
    """Run the batch with progress, print the summary, write the report; returns the exit code."""
    from ..documents import batch
    from ..terminal import console as Console  # French typography, tables fitted to the width

    err = Console(stderr=True)
    started = time.perf_counter()
    done: list = []
    progress = None
    if err.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=err, transient=True)
        bar = progress.add_task("Rendu des projets" if not tasks[0].check else "Vérification des projets",
                                total=len(tasks))
        progress.start()

    def on_done(r) -> None:
        done.append(r)
        if progress is not None:
            progress.update(bar, advance=1, description=f"{Path(r.file).name} : {STATUS[r.status]}")
        else:
            print(_line(len(done), len(tasks), r), file=sys.stderr, flush=True)

    try:
        reports = batch.run(tasks, jobs, on_done=on_done)
    except KeyboardInterrupt:
        if progress is not None:
            progress.stop()
        print(f"\nInterrompu : {plural(len(done), 'projet traité', 'projets traités')} sur {len(tasks)} ; aucun fichier partiel n'a été "
              "laissé (les écritures sont atomiques).", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if progress is not None:
            progress.stop()
    elapsed = time.perf_counter() - started
    check = tasks[0].check
    _summary(reports, check, elapsed)
    code = EXIT_OK
    if any(r.status == "failed" for r in reports) or (check and any(r.status == "outdated" for r in reports)):
        code = EXIT_FINDINGS
    if report_path is not None:
        body = {
            "generator": "ptms",
            "mode": "check" if check else ("changed-only" if tasks[0].changed_only else "render"),
            "jobs": jobs,
            "elapsed_s": round(elapsed, 3),
            "counts": {s: sum(r.status == s for r in reports) for s in STATUS},
            "projects": [r.to_json() for r in reports],
        }
        from ..writing import write_atomic

        try:
            write_atomic(report_path, (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
                         follow_links=True)  # the path the user named
        except OSError as exc:
            from ..writing import os_reason

            print(f"Erreur : impossible d'écrire le rapport « {report_path} » : {os_reason(exc)}.", file=sys.stderr)
            return EXIT_USAGE
        print(f"Rapport : {report_path}", file=sys.stderr)
    return code


CLOSING = {  # the closing line's words, singular and plural
    "rendered": ("produit", "produits"),
    "unchanged": ("à jour", "à jour"),
    "skipped": ("sans document à produire", "sans document à produire"),
    "outdated": ("à régénérer", "à régénérer"),
    "failed": ("en échec", "en échec"),
}


TABLE_ALL = 30  # up to this many projects, the summary table lists them all
ATTENTION = ("failed", "outdated", "skipped")  # statuses listed in the table of a longer batch


def _summary(reports, check: bool, elapsed: float) -> None:
    from rich.table import Table

    from ..terminal import console as Console  # French typography, tables fitted to the width

    out = Console(highlight=False)
    if check:
        for r in reports:
            for name in r.missing:
                print(f"manquant : {Path(r.out_dir) / name}")
            for name in r.differs:
                print(f"différent : {Path(r.out_dir) / name}")
            for name in r.orphans:
                print(f"orphelin : {Path(r.out_dir) / name} — plus produit par le projet (« ptms render --prune » "
                      "le supprime)")
    # a long batch lists only the projects that need attention (every project is in --report)
    rows = reports if len(reports) <= TABLE_ALL else [r for r in reports if r.status in ATTENTION]
    if rows:
        title = "Vérification des documents" if check else "Rendu des documents"
        table = Table(title=title if rows is reports else f"{title} — projets à examiner", title_justify="left")
        table.add_column("Projet", overflow="fold")
        table.add_column("Dossier de sortie", overflow="fold")
        table.add_column("État", no_wrap=True)
        heads = ["Manquants", "Différents"] if check else ["Écrits", "Inchangés"]
        for head in heads + ["Ignorés", "Échecs"]:
            table.add_column(head, justify="right", no_wrap=True)
        style = {"failed": "red", "outdated": "yellow", "rendered": "green"}
        for r in rows:
            figures = [len(r.missing), len(r.differs)] if check else [len(r.written), len(r.unchanged)]
            table.add_row(Path(r.file).name, r.out_dir, f"[{style.get(r.status, 'default')}]{STATUS[r.status]}[/]",
                          *map(str, figures), str(len(r.skipped)), str(len(r.failed)))
        out.print(table)
    if len(rows) < len(reports):
        others = len(reports) - len(rows)
        out.print(f"{plural(others, 'autre projet', 'autres projets')} sans problème (produits ou à jour) ; le détail de chaque projet "
                  "est dans le rapport JSON (option --report).", soft_wrap=True)
    details = [(r, _details(r)) for r in rows]
    details = [(r, d) for r, d in details if d]
    if details:
        out.print("Motifs :")
        for r, text in details:
            out.print(f"  {r.file} ({STATUS[r.status]}) :", style="bold" if r.status == "failed" else None)
            for line in text.splitlines():
                out.print(f"    - {line}", soft_wrap=True)
    counts = {s: sum(r.status == s for r in reports) for s in STATUS}
    parts = [f"{n} {CLOSING[s][n > 1]}" for s, n in counts.items() if n]
    seconds = f"{elapsed:.1f}".replace(".", ",")
    if check:
        verdict = ("documents à jour." if not (counts["outdated"] or counts["failed"])
                   else "des documents ne sont pas à jour : relancez « ptms render » sans --check.")
        out.print(f"{plural(len(reports), 'projet vérifié', 'projets vérifiés')} en {seconds} s : {', '.join(parts)} — {verdict}", soft_wrap=True)
    else:
        out.print(f"{plural(len(reports), 'projet')} en {seconds} s : {', '.join(parts)}.", soft_wrap=True)
