"""The draft of a wizard: the step's sections as answered so far, next to the project.

`FICHIER.brouillon-ETAPE` (not a `.yaml`: `ptms validate DOSSIER` does not take it for a project) is
rewritten atomically after each completed item and section; the project file is never touched before
the final save. After Ctrl-C, a crash or a closed terminal, the next run offers to resume it
(« Reprendre le brouillon du 3 décembre, 14 h 12 ? »); saving (or quitting without saving) removes it.
The draft holds whole sections, so that a removal is kept too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .. import yamledit
from ..writing import write_atomic

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def draft_path(name: str, path: Path) -> Path:
    return path.with_name(f"{path.name}.brouillon-{name}")


def when(moment: dt.datetime) -> str:
    """« 3 décembre, 14 h 12 » (« 1er » for the first day of a month)."""
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {MONTHS[moment.month - 1]}, {moment.hour} h {moment.minute:02d}"


def save(name: str, path: Path, data: dict, keys: list[str]) -> None:
    """Write the sections `keys` of `data` to the draft (atomic: the draft is always whole)."""
    sections = {k: data[k] for k in dict.fromkeys(keys) if k in data}
    header = [f"Brouillon de « ptms {name} » pour « {path.name} » : réponses pas encore enregistrées dans le projet.",
              f"Relancez « ptms {name} {path.name} » pour le reprendre ; il disparaît quand le projet est enregistré."]
    write_atomic(draft_path(name, path), yamledit.plain_document(sections, header).encode("utf-8"))


def load(name: str, path: Path) -> tuple[dict, dt.datetime] | None:
    """(sections, time of the last write) of the draft, or None (no draft, or one that cannot be read)."""
    draft = draft_path(name, path)
    try:
        if not draft.read_text(encoding="utf-8").startswith("# Brouillon de"):
            return None  # the answers kept after a refused save: replayed with --answers, not resumed
        moment = dt.datetime.fromtimestamp(draft.stat().st_mtime)
        data = yamledit.open_document(draft).data()
    except Exception:  # noqa: BLE001 - an unreadable draft is not offered; the project is what counts
        return None
    return (data, moment) if isinstance(data, dict) else None


def remove(name: str, path: Path) -> None:
    """Remove the draft of a session (never the answers kept after a refused save, `run.write_draft`)."""
    draft = draft_path(name, path)
    try:
        if draft.read_text(encoding="utf-8").startswith("# Brouillon de"):
            draft.unlink()
    except (FileNotFoundError, UnicodeDecodeError):
        pass
