"""The record of the signed version of a project: a sidecar folder beside the project file.

Why a sidecar and not a `signed:` section in the project file: the digest of a file cannot be
written into that file without changing it, and the signed version must stay readable after the
project file is edited (that is what `ptms amend` compares against). So `ptms sign projet.yaml`
writes into `projet-signature/` (or the folder given with `-o`):

- `projet.yaml`: the signed version, byte for byte;
- `signature.json`: `{"version": 1, "file", "sha256", "date", "generator", "documents": {name: sha256}}`;
- the convention rendered from the signed version (and its other formats if asked), whose digests
  are in `signature.json` and in the folder's manifest.

`find(project_file)` reads the default folder: `ptms amend` and `ptms report` use it when no file
is named.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

RECORD = "signature.json"
VERSION = 1


def folder_for(project_file: Path) -> Path:
    """The default record folder of `project_file`: `<stem>-signature` beside it."""
    project_file = Path(project_file)
    return project_file.parent / f"{project_file.stem}-signature"


@dataclass
class Signed:
    directory: Path
    record: dict
    copy: Path  # the signed version of the project file


class SignError(ValueError):
    """The record is unreadable or does not match the signed copy (French message)."""


def make_record(name: str, data: bytes, date: dt.date, documents: dict[str, str], generator: str) -> dict:
    from ..documents.manifest import sha256

    return {"version": VERSION, "file": name, "sha256": sha256(data), "date": date.isoformat(),
            "generator": generator, "documents": dict(sorted(documents.items()))}


def read(directory: Path) -> Signed:
    """The record in `directory`, checked: the signed copy's digest must be the recorded one."""
    from ..documents.manifest import sha256

    path = Path(directory) / RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SignError(f"enregistrement de signature illisible « {path} » ({type(exc).__name__})") from None
    if not isinstance(record, dict) or record.get("version") != VERSION or not isinstance(record.get("file"), str):
        raise SignError(f"enregistrement de signature « {path} » dans un format inconnu")
    name = Path(record["file"]).name  # never a path outside the folder
    copy = Path(directory) / name
    try:
        data = copy.read_bytes()
    except OSError:
        raise SignError(f"la version signée « {copy} » est introuvable") from None
    if sha256(data) != record.get("sha256"):
        raise SignError(f"la version signée « {copy} » a été modifiée depuis la signature "
                        f"(empreinte différente de celle de « {path} »)")
    return Signed(Path(directory), record, copy)


def find(project_file: Path) -> Signed | None:
    """The signed version recorded beside `project_file` (None if it was never signed)."""
    directory = folder_for(project_file)
    if not (directory / RECORD).exists():
        return None
    return read(directory)


def same_as_signed(project_file: Path, signed: Signed) -> bool:
    from ..documents.manifest import sha256

    return sha256(Path(project_file).read_bytes()) == signed.record["sha256"]
