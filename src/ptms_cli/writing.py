"""Atomic writes: a temp file in the same folder, fsync, then rename. Never a half-written file.

Every file the tool writes goes through `write_atomic`, which turns operating-system errors into
`WriteError`, whose message is French and names the file. It never writes through a symbolic link
it did not create: a link at the destination is refused (`follow_links=True` only for a path the
user named on the command line, e.g. a project file kept as a link), and so is a destination that
is not a regular file (device node, named pipe) or is read-only.

The temporary file is named `.<name>.ptms-<pid>-<8 random characters>.tmp`: the process id tells
whose it is, so that the clean-up after a process killed outright (`remove_dead_temps`) removes
only the temporary files of ptms processes that no longer run, never a user's file.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

_TEMP = re.compile(r"^\..+\.ptms-(\d+)-[a-z0-9]{8}\.tmp$")  # what `write_atomic` writes before the rename

_REASONS = {
    errno.ENOENT: "le dossier n'existe pas",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.EACCES: "droits insuffisants",
    errno.EPERM: "opération interdite",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota disque dépassé",
    errno.EFBIG: "fichier trop grand (limite de taille du système)",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EEXIST: "le fichier existe déjà",
    errno.EXDEV: "déplacement impossible entre deux systèmes de fichiers",
}


def os_reason(exc: OSError) -> str:
    """A French explanation of an operating-system error."""
    if isinstance(exc, WriteError):
        return exc.reason
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    name = errno.errorcode.get(exc.errno or 0)  # never the system's English `strerror`
    return f"erreur système {name}" if name else "erreur système"


def short_path(path: str, limit: int = 120) -> str:
    """`path` for a message: a path longer than `limit` keeps its start and its end."""
    return path if len(path) <= limit else f"{path[:40]}…{path[-(limit - 41):]}"


class WriteError(OSError):
    """A file could not be written. `str()` is a complete French message."""

    def __init__(self, path: Path | str, reason: str, code: int = 0):
        super().__init__(code, reason)
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"impossible d'écrire « {short_path(self.path)} » : {self.reason}"


def check_target(path: Path | str, *, follow_links: bool = False) -> os.stat_result | None:
    """What is at `path` (None: nothing), or `WriteError` if ptms must not replace it: a symbolic
    link (unless `follow_links`, then its target is checked), a folder, a device node or named pipe,
    a read-only file."""
    shown = Path(path)
    try:
        info = os.lstat(shown)
        if stat.S_ISLNK(info.st_mode):
            if not follow_links:
                raise WriteError(shown, "c'est un lien symbolique : ptms n'écrit jamais à travers un lien qu'il "
                                        "n'a pas créé (supprimez le lien ou choisissez un autre dossier)",
                                 errno.ELOOP)
            info = os.stat(shown)
    except FileNotFoundError:
        return None
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(shown, os_reason(exc), exc.errno or 0) from None
    if stat.S_ISDIR(info.st_mode):
        raise WriteError(shown, "c'est un dossier, pas un fichier", errno.EISDIR)
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(shown, "ce n'est pas un fichier ordinaire (périphérique, tube nommé ou socket) : "
                                "ptms ne le remplace pas", errno.EINVAL)
    if not info.st_mode & stat.S_IWUSR:
        raise WriteError(shown, "le fichier est en lecture seule (ôtez la protection pour le modifier)", errno.EACCES)
    return info


def write_atomic(path: Path | str, data: bytes, *, follow_links: bool = False) -> None:
    """Write `data` to `path` atomically (see the module). `follow_links`: `path` was named by the
    user and may be a symbolic link, whose target is then written (the link stays a link)."""
    shown = Path(path)
    info = check_target(shown, follow_links=follow_links)
    path = Path(os.path.realpath(shown)) if follow_links and shown.is_symlink() else shown
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_name(path)
        # O_EXCL|O_NOFOLLOW: a fresh file of ours, never a link or file planted under that name
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode) if info is not None else 0o644)
        os.replace(tmp, path)  # rename replaces the name itself: a link planted meanwhile is replaced, not followed
        tmp = None
    except OSError as exc:
        raise WriteError(shown, os_reason(exc), exc.errno or 0) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def temp_name(path: Path) -> Path:
    """A temporary name beside `path` that says it is ptms's and which process made it (see `_TEMP`)."""
    rand = os.urandom(4).hex()  # 8 characters (no `secrets` import: writing.py is imported at start-up)
    return path.parent / f".{path.name}.ptms-{os.getpid()}-{rand}.tmp"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_dead_temps(directory: Path | str, pids: set[int] | None = None) -> list[Path]:
    """Remove the temporary files of `write_atomic` that ptms processes killed outright left in
    `directory` (SIGKILL, out of memory: no clean-up possible; the destination file is intact, old
    or new, never partial). Only files named by `write_atomic` (`_TEMP`) whose process is no longer
    running (or, with `pids`, made by one of those dead processes); never a user's file, never a
    link. Returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(match.group(1))
        if (pids is not None and pid not in pids) or _alive(pid):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def stopped_summary(exc: OSError, out_dir: Path | str) -> list[str]:
    """French lines after a write that failed part-way (disk full…): which files were written
    (whole), which were not, and that none is half-written. `exc.outcome`
    (`documents.pipeline.Outcome`, attached by `write_outputs`) says what was done before."""
    outcome = getattr(exc, "outcome", None)
    if outcome is None:
        return []
    done = [p.name for p in outcome.written] + [p.name for p in outcome.unchanged]
    left = [n for n in outcome.planned if n not in done and n not in {p.name for p in outcome.protected}]
    lines = [f"Écrits en entier dans « {short_path(str(out_dir))} » avant l'erreur ({len(done)}) : "
             + (", ".join(done) if done else "aucun") + "."]
    if left:
        lines.append(f"Non écrits ({len(left)}) : {', '.join(left)}.")
    lines.append("Aucun fichier n'est à moitié écrit (chaque fichier est écrit à part puis renommé) ; "
                 "libérez de la place puis relancez la même commande : elle écrit ce qui manque.")
    return lines
