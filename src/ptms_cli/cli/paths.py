"""Expand the FILE arguments of a command: files, directories (recursively) and glob patterns."""

from __future__ import annotations

import glob
from pathlib import Path

SUFFIXES = (".yaml", ".yml")


def expand(args: list[str]) -> tuple[list[Path], list[str]]:
    """Return (files, arguments that matched nothing). Order is kept, duplicates dropped."""
    found, unmatched = expand_with_roots(args)
    return [f for f, _ in found], unmatched


def expand_with_roots(args: list[str]) -> tuple[list[tuple[Path, Path | None]], list[str]]:
    """As `expand`, each file with the folder argument it was found in (None: named by a file or a
    pattern), so that a batch can name its output folder from the file's path under that folder."""
    files: list[tuple[Path, Path | None]] = []
    unmatched: list[str] = []
    for arg in args:
        path = Path(arg)
        kind = _kind(path)
        if kind == "dir":
            found = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not found:
                unmatched.append(arg)
            files.extend((f, path) for f in found)
        elif kind == "exists" or not glob.has_magic(arg):
            files.append((path, None))  # a missing plain path is reported by the loader, with its name
        else:
            found = sorted(Path(p) for p in glob.glob(arg, recursive=True) if Path(p).is_file())
            if not found:
                unmatched.append(arg)
            files.extend((f, None) for f in found)
    seen: set[Path] = set()
    unique = []
    for f, r in files:
        if f not in seen:
            seen.add(f)
            unique.append((f, r))
    return unique, unmatched


def _kind(path: Path) -> str:
    """« dir », « exists » or « absent »; a name the system refuses (too long…) counts as absent:
    the loader then says why, in French, with the file's name."""
    try:
        return "dir" if path.is_dir() else "exists" if path.exists() else "absent"
    except OSError:
        return "absent"
