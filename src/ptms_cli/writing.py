"""Atomic writes: a temp file in the same folder, fsync, then rename. Never a half-written file.

Every file the tool writes goes through `write_atomic`. It writes through a symbolic link to its
target (the link stays a link), refuses to replace a read-only file, and turns operating-system
errors into `WriteError`, whose message is French and names the file.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

_REASONS = {
    errno.ENOENT: "le dossier n'existe pas",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.EACCES: "droits insuffisants",
    errno.EPERM: "opération interdite",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota disque dépassé",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EEXIST: "le fichier existe déjà",
    errno.EXDEV: "déplacement impossible entre deux systèmes de fichiers",
}


def os_reason(exc: OSError) -> str:
    """A French explanation of an operating-system error."""
    if isinstance(exc, WriteError):
        return exc.reason
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


class WriteError(OSError):
    """A file could not be written. `str()` is a complete French message."""

    def __init__(self, path: Path | str, reason: str, code: int = 0):
        super().__init__(code, reason)
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"impossible d'écrire « {self.path} » : {self.reason}"


def write_atomic(path: Path | str, data: bytes) -> None:
    shown = Path(path)
    path = Path(os.path.realpath(shown)) if shown.is_symlink() else shown
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(shown, os_reason(exc), exc.errno or 0) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise WriteError(shown, "c'est un dossier, pas un fichier", errno.EISDIR)
        if not info.st_mode & stat.S_IWUSR:
            raise WriteError(shown, "le fichier est en lecture seule (ôtez la protection pour le modifier)", errno.EACCES)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode) if info is not None else 0o644)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise WriteError(shown, os_reason(exc), exc.errno or 0) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
