"""The manifest of an output folder: what ptms generated there, with hashes; and the folder's lock.

`.ptms-manifest.json` records, for each generated file, its SHA-256 and what it was made from
(project file and template, with their hashes). A file that exists but differs from what the
manifest recorded was edited by hand (or is not ours): it is not overwritten without `--force`.

Crash consistency (a render killed outright, Ctrl-C, a full disk): before a document replaces the
file on disk, its entry is appended to the journal `.ptms-manifest.journal` and the journal is
flushed to disk (record before replace). The manifest itself is rewritten atomically at the end
and the journal removed. After a crash, `Manifest.load` replays the journal: an entry whose digest
is the file's digest on disk is ptms's own bytes and is adopted; the others (the replace never
happened) are ignored. So a later render never refuses a document ptms wrote itself.

`Folder` locks the output folder for the time of a render (`.ptms-lock`, an advisory lock the
system releases when the process ends, even killed; the file is removed at the end): a second
render into the same folder waits.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..writing import (
    WriteError,
    check_target,
    os_reason,
    remove_dead_temps,
    write_atomic,
)

NAME = ".ptms-manifest.json"
JOURNAL = ".ptms-manifest.journal"
LOCK = ".ptms-lock"
VERSION = 1
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_regular(path: Path) -> bytes | None:
    """The bytes of `path` if it is a regular file (never through a symbolic link), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


def is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


@dataclass
class Manifest:
    directory: Path
    files: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path) -> Manifest:
        """The manifest of `directory` (empty if none or unreadable), with the journal of an
        interrupted render replayed (see the module)."""
        directory = Path(directory)
        raw = _read_regular(directory / NAME)
        try:
            data = json.loads(raw.decode("utf-8")) if raw is not None else {}
            files = data.get("files", {}) if isinstance(data, dict) else {}
            files = {k: v for k, v in files.items() if isinstance(v, dict) and isinstance(v.get("sha256"), str)}
        except ValueError:
            files = {}
        manifest = cls(directory, files)
        manifest._replay()
        return manifest

    def _replay(self) -> None:
        raw = _read_regular(self.directory / JOURNAL)
        if not raw:
            return
        latest: dict[str, list[dict]] = {}
        for line in raw.decode("utf-8", "replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:  # the last line of a process killed while appending it
                continue
            if isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(entry.get("sha256"), str):
                latest.setdefault(entry.pop("name"), []).append(entry)
        for name, entries in latest.items():
            if "/" in name or name.startswith("."):
                continue
            data = _read_regular(self.directory / name)
            if data is None:
                continue
            digest = sha256(data)
            for entry in reversed(entries):
                if entry["sha256"] == digest:  # ptms's own bytes: the replace happened
                    self.files[name] = entry
                    break

    def is_protected(self, name: str) -> bool:
        """True when `name` exists and is not exactly what ptms last wrote there (hand-edited or foreign)."""
        path = self.directory / name
        if not os.path.lexists(path):
            return False
        entry = self.files.get(name)
        if entry is None:
            return True
        data = _read_regular(path)
        return data is None or sha256(data) != entry["sha256"]

    def entry(self, name: str, data: bytes, **sources: str) -> dict:
        return {"sha256": sha256(data), **sources}

    def record(self, name: str, data: bytes, **sources: str) -> None:
        self.files[name] = self.entry(name, data, **sources)

    def save(self) -> None:
        body = {"version": VERSION, "generator": "ptms", "files": dict(sorted(self.files.items()))}
        write_atomic(self.directory / NAME, (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


class Folder:
    """An output folder opened for writing: locked, checked, its manifest loaded (journal replayed).

    `own_dir`: ptms named the folder (a batch sub-folder, « <name>-documents »), so it must not be
    a symbolic link; a folder the user named with `-o` may be one. `on_wait(message)` is called
    once if another render holds the folder (this one then waits for it).
    Use as a context manager: at the end (also on error or Ctrl-C) the manifest is saved and the
    journal removed.
    """

    def __init__(self, directory: Path, *, own_dir: bool = False, on_wait: Callable[[str], None] | None = None):
        self.directory = Path(directory)
        self.own_dir = own_dir
        self.on_wait = on_wait
        self._lock_fd: int | None = None
        self._journal_fd: int | None = None
        self.manifest: Manifest | None = None

    def __enter__(self) -> Folder:
        d = self.directory
        try:
            if self.own_dir and os.path.islink(d):
                raise WriteError(d, "c'est un lien symbolique : ptms n'écrit jamais à travers un lien qu'il "
                                    "n'a pas créé (supprimez le lien)", errno.ELOOP)
            d.mkdir(parents=True, exist_ok=True)
            for name in (NAME, JOURNAL, LOCK):
                check_target(d / name)  # no link, pipe or read-only manifest: refused before anything is written
            self._lock()
        except WriteError:
            self._close()
            raise
        except OSError as exc:
            self._close()
            raise WriteError(d, os_reason(exc), exc.errno or 0) from None
        remove_dead_temps(d)  # what a render killed outright left (only ptms's, of dead processes)
        self.manifest = Manifest.load(d)
        return self

    def _lock(self) -> None:
        """Take the folder's lock, waiting for another render. The lock file is removed when the
        render ends, so a lock taken on a file another process has just removed is taken again."""
        path = self.directory / LOCK
        try:
            import fcntl
        except ImportError:  # no advisory locks on this system: no waiting
            return
        told = False
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if self.on_wait and not told:
                    self.on_wait(f"le dossier « {self.directory} » est en cours d'écriture par un autre rendu de "
                                 "ptms : attente de la fin de celui-ci…")
                    told = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.path.samestat(os.fstat(fd), os.lstat(path))
            except FileNotFoundError:
                same = False
            if same:
                self._lock_fd = fd
                return
            os.close(fd)

    def journal(self, entries: list[tuple[str, dict]]) -> None:
        """Record `entries` (name, manifest entry) durably before their files are replaced."""
        if not entries:
            return
        if self._journal_fd is None:
            self._journal_fd = os.open(self.directory / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW,
                                       0o644)
        text = "".join(json.dumps({"name": name, **entry}, ensure_ascii=False) + "\n" for name, entry in entries)
        try:
            data = memoryview(text.encode("utf-8"))
            while data:
                data = data[os.write(self._journal_fd, data):]
            os.fsync(self._journal_fd)
        except OSError as exc:
            raise WriteError(self.directory / JOURNAL, os_reason(exc), exc.errno or 0) from None

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if self.manifest is not None:
                try:
                    self.manifest.save()
                except OSError:
                    if kind is None:
                        raise
                    return  # the first error is the one reported; the journal stays for the next render
                if self._journal_fd is not None or os.path.lexists(self.directory / JOURNAL):
                    try:
                        os.unlink(self.directory / JOURNAL)
                    except FileNotFoundError:
                        pass
        finally:
            self._close()

    def _close(self) -> None:
        if self._lock_fd is not None:
            try:
                os.unlink(self.directory / LOCK)  # still holding the lock: see `_lock`
            except OSError:
                pass
        for fd in (self._journal_fd, self._lock_fd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._journal_fd = self._lock_fd = None
