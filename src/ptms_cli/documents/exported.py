"""The record of an exported template directory: which shipped template each copy came from.

`ptms templates export DIR` writes `DIR/ptms-templates.json`: for each template it copied, the
ptms version and the SHA-256 of the shipped template at that moment (as copier records `_commit`).
`ptms templates check DIR` compares it with the templates this ptms ships: a template that changed
since the export is reported, with whether the user's copy was modified (re-export it) or not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..writing import write_atomic
from . import catalog
from .manifest import sha256

NAME = "ptms-templates.json"
VERSION = 1


@dataclass(frozen=True)
class Outdated:
    template: str
    title: str
    exported_with: str  # the ptms version of the export
    edited: bool  # the user's copy differs from what was exported (or is gone)

    def message(self, directory: Path) -> str:
        head = (f"le modèle fourni « {self.template} » ({self.title}) a changé depuis votre copie "
                f"(exportée avec ptms {self.exported_with}, ptms actuel {__version__})")
        if self.edited:
            return (f"{head} : vous avez modifié votre copie ; reportez vos modifications sur la nouvelle version "
                    f"(« ptms templates export AUTRE-DOSSIER » pour l'obtenir), puis réexportez")
        return (f"{head} : votre copie n'a pas été modifiée ; « ptms templates export {directory} --force » "
                f"la met à jour")


def shipped_digest(template: str) -> str:
    return sha256((catalog.default_templates() / template).read_bytes())


def load(directory: Path) -> dict[str, dict]:
    """The recorded templates of `directory` ({} when there is no record or it is unreadable)."""
    try:
        data = json.loads((Path(directory) / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    templates = data.get("templates") if isinstance(data, dict) else None
    if not isinstance(templates, dict):
        return {}
    return {k: v for k, v in templates.items() if isinstance(v, dict) and isinstance(v.get("sha256"), str)}


def record(directory: Path, copied: list[str]) -> None:
    """Add (or replace) the entries of the templates just `copied` into the directory's record."""
    entries = load(directory)
    for template in copied:
        entries[template] = {"sha256": shipped_digest(template), "ptms_version": __version__}
    body = {"generator": "ptms", "version": VERSION, "templates": dict(sorted(entries.items()))}
    write_atomic(Path(directory) / NAME, (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def outdated(directory: Path) -> list[Outdated]:
    """The recorded templates whose shipped version changed since the export."""
    out = []
    for spec in catalog.TEMPLATES:
        entry = load(directory).get(spec.template)
        if entry is None or entry["sha256"] == shipped_digest(spec.template):
            continue
        copy = Path(directory) / spec.template
        edited = not copy.is_file() or sha256(copy.read_bytes()) != entry["sha256"]
        out.append(Outdated(spec.template, spec.title, str(entry.get("ptms_version", "?")), edited))
    return out
