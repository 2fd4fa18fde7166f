"""Atomic writes: a temp file in the same folder, fsync, then rename. Never a half-written file."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

# `.<name>.<8 random characters>.tmp`: what `write_atomic` writes before the rename
_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def write_atomic(path: Path | str, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # see _TEMP
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def remove_stale_temps(directory: Path | str) -> list[Path]:
    """Remove the temporary files of `write_atomic` left in `directory` by a killed process.

    A process killed outright (SIGKILL) cannot clean up: its destination file is intact (old or
    new, never partial), but its temporary file stays. Returns what was removed.
    """
    removed = []
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if _TEMP.match(entry.name) and entry.is_file():
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed
