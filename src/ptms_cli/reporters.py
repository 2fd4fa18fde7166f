"""How findings reach people and machines: one reporter per output format, picked by name.

As check-jsonschema's `REPORTER_BY_NAME`: `text` (people, the default; also used on stderr when a
command stops on an invalid project), `json` (machines) and `github` (GitHub Actions annotations).
Each one escapes for its medium:

- text: control characters (newline, ESC, BEL, C1, Unicode line and direction marks) are shown as
  visible escapes (`\\n`, `\\x1b`…), so a value can neither move the cursor, ring, recolour the
  terminal nor start a line of its own (`::error`, `::add-mask::` executed by GitHub Actions);
- github: the same, then GitHub's own escaping of workflow-command data and properties;
- json: `json.dumps` (always valid JSON, whatever the text).

Values echoed in messages are cut to `MAX_SHOWN` characters (`shown`). No heavy import here: this
module is loaded by `ptms validate` on every run.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import IO, Iterable

from .findings import Finding, Severity

MAX_SHOWN = 200  # characters of a user's value echoed in a message (the whole value is in the file)
MAX_MESSAGE = 2000  # a whole message or hint in the text and github formats (a safety net over MAX_SHOWN)

# C0 and C1 controls, DEL, Unicode line/paragraph separators, bidirectional marks and overrides
# (and lone surrogates: the undecodable bytes of a file name); zero-width spaces, word joiner, BOM
# and the Arabic letter mark: invisible, they hide or reverse text. One definition: the terminal
# (`clean`), the Markdown documents (`documents.export.md_escape`) and the check PTMS-W140 (`invisible`).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060"
                      "\u2066-\u2069\ufeff\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def paint(text: str, style: str, enabled: bool) -> str:
    codes = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "dim": "2", "cyan": "36"}
    return f"\033[{codes[style]}m{text}\033[0m" if enabled else text


def _visible(match: re.Match) -> str:
    ch = match.group()
    return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def invisible(text: str, keep: str = "\n\t") -> list[str]:
    """The invisible controls of `text` (each once, in order), except those of `keep`."""
    if _CONTROL.search(text) is None:  # the usual case, at C speed
        return []
    return list(dict.fromkeys(c for c in _CONTROL.findall(text) if c not in keep))


def visible(text: str, keep: str = "\n\t") -> str:
    """`text` with its invisible controls written `\\u202e` (those of `keep` stay)."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else _visible(m), text)


def clean(text: object) -> str:
    """`text` with every control character made visible: one line, nothing the terminal acts on."""
    return _CONTROL.sub(_visible, str(text))


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """At most `limit` characters, « … » marking a cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """A user's value as echoed in a message: cut, then made visible (one line, no control)."""
    return clean(shorten(str(value), limit))


def file_name(name: str) -> str:
    """A file name for a human-readable line: controls made visible, and never the start of a
    workflow command (`::…` or `##[…`) when it begins a line."""
    name = clean(name)
    return "./" + name if name.startswith((":", "#")) else name


def location(f: Finding) -> str:
    return f"{file_name(f.file)}:{f.line}:{f.column}" if f.line else file_name(f.file)


# --- the reporters ------------------------------------------------------------------------------


def _failed(result, strict: bool) -> bool:
    return bool(result.errors or (strict and result.warnings))


class Tally:
    """What the summary line counts, added up file by file (the files themselves are not kept)."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.files = self.failed = self.errors = self.warnings = 0

    def add(self, result) -> bool:
        """Count one file; returns whether it failed."""
        failed = _failed(result, self.strict)
        self.files += 1
        self.failed += failed
        self.errors += result.errors
        self.warnings += result.warnings
        return failed


def summary(tally: Tally) -> str:
    from .frformat import plural

    files, bad = tally.files, tally.failed
    text = f"{plural(files, 'fichier vérifié', 'fichiers vérifiés')} : "
    text += f"{plural(files - bad, 'valide', 'valides')}, {plural(bad, 'en échec', 'en échec')} "
    text += f"({plural(tally.errors, 'erreur')}, {plural(tally.warnings, 'avertissement')})."
    return text


class Reporter:
    """Writes the findings of validated files (`validation.FileResult`) to `stream`, file by file:
    `file` as soon as one is checked (nothing of it is kept but what the format still has to write:
    the counts, and for json its findings), `finish` for the summary. `report` does both for a list."""

    name = ""

    def __init__(self, stream: IO[str] | None = None, strict: bool = False, color: bool | None = None):
        self.stream = stream if stream is not None else sys.stdout
        self.strict = strict
        self.color = use_color(self.stream) if color is None else color
        self.tally = Tally(strict)

    def write(self, line: str = "") -> None:
        self.stream.write(line + "\n")

    def file(self, result) -> None:
        """The findings of one checked file (counted for the summary)."""
        raise NotImplementedError

    def finish(self, unmatched: Iterable[str] = ()) -> None:
        """After the last file: the summary."""
        self.write(summary(self.tally))

    def report(self, results: Iterable, unmatched: Iterable[str] = ()) -> None:
        """Every finding of every file, then a summary."""
        for result in results:
            self.file(result)
        self.finish(unmatched)

    def errors(self, result) -> None:
        """Only the errors of one file (a command stopping on an invalid project), no summary."""
        self.report([_only_errors(result)])


def _only_errors(result):
    import dataclasses

    return dataclasses.replace(result, findings=[f for f in result.findings if f.severity is Severity.ERROR])


class TextReporter(Reporter):
    name = "text"

    def _paint(self, text: str, style: str) -> str:
        return paint(text, style, self.color)

    def finding(self, f: Finding) -> None:
        sev = self._paint("erreur", "red") if f.severity is Severity.ERROR else self._paint("avertissement", "yellow")
        self.write(f"{location(f)}: {sev} {f.code} {shown(f.message, MAX_MESSAGE)}")
        if f.hint:
            self.write(self._paint(f"    conseil : {shown(f.hint, MAX_MESSAGE)}", "dim"))

    def file(self, result) -> None:
        self.tally.add(result)
        for f in result.findings:
            self.finding(f)
        if not result.findings:
            self.write(f"{file_name(result.file)}: {self._paint('valide', 'green')}")

    def errors(self, result) -> None:
        for f in result.findings:
            if f.severity is Severity.ERROR:
                self.finding(f)


def _gh(text: str, prop: bool = False) -> str:
    """GitHub workflow-command escaping (after `clean`, so no raw newline is left anyway)."""
    text = clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


class GithubReporter(Reporter):
    name = "github"

    def file(self, result) -> None:
        self.tally.add(result)
        for f in result.findings:
            level = "error" if f.severity is Severity.ERROR or self.strict else "warning"
            props = f"file={_gh(f.file, True)}"
            if f.line:
                props += f",line={f.line},col={f.column}"
            props += f",title={_gh(f.code, True)}"
            message = shorten(f.message, MAX_MESSAGE) + (f" — conseil : {shorten(f.hint, MAX_MESSAGE)}" if f.hint else "")
            self.write(f"::{level} {props}::{_gh(message)}")


class JsonReporter(Reporter):
    """One JSON document at the end: of each file, only its entry (counts and findings) is kept until
    then, already as its JSON text, never its project or funding plan."""

    name = "json"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entries: list[str] = []  # each file's entry as it appears in the document

    def file(self, result) -> None:
        failed = self.tally.add(result)
        entry = {
            "file": result.file,
            "valid": not failed,
            "unreadable": result.unreadable,
            "errors": result.errors,
            "warnings": result.warnings,
            "findings": [f.to_dict() for f in result.findings],
        }
        self.entries.append(dumps(entry).replace("\n", "\n    "))

    def document(self, unmatched: Iterable[str] = (), error: str | None = None) -> dict:
        """The document without its entries (`files` empty)."""
        tally = self.tally
        doc = {
            "version": 1,
            "files": [],
            "unmatched": list(unmatched),
            "summary": {"files": tally.files, "failed": tally.failed, "errors": tally.errors,
                        "warnings": tally.warnings, "strict": self.strict},
        }
        if error is not None:  # the command could not do its work (usage error…): why, in French
            doc["error"] = error
        return doc

    def finish(self, unmatched: Iterable[str] = (), error: str | None = None) -> None:
        text = dumps(self.document(unmatched, error))
        if not self.entries:
            self.write(text)
            return
        # what `dumps` writes for the whole list (a quote inside a string is escaped), entry by entry
        # rather than as one more copy of them all
        head, tail = text.split('"files": []', 1)
        self.stream.write(head + '"files": [\n    ')
        for i, entry in enumerate(self.entries):
            self.stream.write(",\n    " + entry if i else entry)
        self.stream.write("\n  ]" + tail + "\n")

    def report(self, results: Iterable, unmatched: Iterable[str] = (), error: str | None = None) -> None:
        for result in results:
            self.file(result)
        self.finish(unmatched, error)


def dumps(doc) -> str:
    """Indented JSON, non-ASCII kept; a lone surrogate (undecodable byte of a file name) stays a
    `\\udcXX` escape, so the text can always be written out as UTF-8."""
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


REPORTER_BY_NAME: dict[str, type[Reporter]] = {r.name: r for r in (TextReporter, JsonReporter, GithubReporter)}


def markup(text: object) -> str:
    """User text for a rich console: controls made visible (`clean`), rich markup escaped."""
    from rich.markup import escape

    return escape(clean(text))
