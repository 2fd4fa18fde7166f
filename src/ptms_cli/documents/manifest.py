"""The manifest of an output directory: what ptms generated there, with hashes.

`.ptms-manifest.json` records, for each generated file, its SHA-256 and what it was made from
(project file and template, with their hashes). A file that exists but differs from what the
manifest recorded was edited by hand (or is not ours): it is not overwritten without `--force`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..writing import write_atomic

NAME = ".ptms-manifest.json"
VERSION = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Manifest:
    directory: Path
    files: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path) -> "Manifest":
        path = Path(directory) / NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = data.get("files", {}) if isinstance(data, dict) else {}
            files = {k: v for k, v in files.items() if isinstance(v, dict) and isinstance(v.get("sha256"), str)}
        except (OSError, ValueError):
            files = {}
        return cls(Path(directory), files)

    def is_protected(self, name: str) -> bool:
        """True when `name` exists and is not exactly what ptms last wrote there (hand-edited or foreign)."""
        path = self.directory / name
        if not path.exists():
            return False
        entry = self.files.get(name)
        if entry is None:
            return True
        try:
            return sha256(path.read_bytes()) != entry["sha256"]
        except OSError:
            return True

    def record(self, name: str, data: bytes, **sources: str) -> None:
        self.files[name] = {"sha256": sha256(data), **sources}

    def save(self) -> None:
        body = {"version": VERSION, "generator": "ptms", "files": dict(sorted(self.files.items()))}
        write_atomic(self.directory / NAME, (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
