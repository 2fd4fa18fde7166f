"""The record of the signed version of a project: an archive folder beside the project file, and
its date, digest and folder in the project file (`signature:`, model/followup.py).

`ptms sign projet.yaml` writes into `projet-signature/` (or the folder given with `-o`):

- `projet.yaml`: the signed version, byte for byte (before `signature:` is written into the file);
- the documents rendered from it (the convention by default), as PDF/A-2b (archivable) and in
  the other formats asked, recorded in the folder's manifest;
- `signature.json`: `{"version": 1, "file", "sha256", "date", "generator", "documents": {name: sha256},
  "pdfa": [names]}`.

Then `signature: {date, sha256, archive}` is written into the project file (the digest of a file
cannot be inside the bytes it digests: it is the digest of the copy). `find(project_file)` reads the
folder that section names (else the default one) and checks the copy and every archived document
against their digests: `ptms amend` and `ptms report` use it when no file is named.
"""

from __future__ import annotations

import datetime as dt
import json
import re
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


def make_record(name: str, data: bytes, date: dt.date, documents: dict[str, str], generator: str,
                pdfa: list[str] | None = None) -> dict:
    from ..documents.manifest import sha256

    return {"version": VERSION, "file": name, "sha256": sha256(data), "date": date.isoformat(),
            "generator": generator, "documents": dict(sorted(documents.items())), "pdfa": sorted(pdfa or [])}


_PDFA = re.compile(rb"pdfaid:part(?:>|=\")([1-4])")


def pdfa_part(data: bytes) -> str | None:
    """The PDF/A part a PDF declares in its XMP metadata (« 2 » for PDF/A-2b), None if it declares none."""
    if not data.startswith(b"%PDF-"):
        return None
    match = _PDFA.search(data)
    return match.group(1).decode() if match else None


def declared(project_file: Path) -> dict | None:
    """The `signature:` section of the project file as written (None if absent or unreadable: the
    file's own validation says why)."""
    import yaml

    try:
        data = yaml.safe_load(Path(project_file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    section = data.get("signature") if isinstance(data, dict) else None
    return section if isinstance(section, dict) else None


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
    for doc, digest in (record.get("documents") or {}).items():
        archived = Path(directory) / Path(doc).name
        try:
            same = sha256(archived.read_bytes()) == digest
        except OSError:
            raise SignError(f"le document archivé « {archived} » est introuvable") from None
        if not same:
            raise SignError(f"le document archivé « {archived} » a été modifié depuis la signature "
                            f"(empreinte différente de celle de « {path} »)")
    return Signed(Path(directory), record, copy)


def find(project_file: Path) -> Signed | None:
    """The signed version of `project_file`: in the folder its `signature:` section names, else in
    the default folder beside it (None if it was never signed)."""
    section = declared(project_file)
    if section and isinstance(section.get("archive"), str):
        directory = Path(project_file).parent / section["archive"]
        if not (directory / RECORD).exists():
            raise SignError(f"l'archive de signature « {directory} » indiquée dans « {project_file} » "
                            "(signature.archive) est introuvable")
        signed = read(directory)
        if section.get("sha256") != signed.record["sha256"]:
            raise SignError(f"l'empreinte notée dans « {project_file} » (signature.sha256) n'est pas celle de "
                            f"l'archive « {directory} »")
        return signed
    directory = folder_for(project_file)
    if not (directory / RECORD).exists():
        return None
    return read(directory)


def same_as_signed(project_file: Path, signed: Signed) -> bool:
    from ..documents.manifest import sha256

    return sha256(Path(project_file).read_bytes()) == signed.record["sha256"]
