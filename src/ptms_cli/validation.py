"""Validate project files: load (located) -> model -> checks -> findings. No display here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .findings import Finding, Severity, error, warning
from .loader import Loaded, LoadError, load, parse

if TYPE_CHECKING:  # heavy (pydantic) and would close an import cycle at run time
    from .derived import Derived
    from .model import Project


@dataclass
class FileResult:
    file: str
    findings: list[Finding] = field(default_factory=list)
    unreadable: bool = False
    project: Project | None = None  # the Project when the schema is valid
    # with `project`: its funding plan and coverage matrix as the checks computed them, for the
    # documents to reuse (bound to `project`)
    derived: Derived | None = None

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)


def load_project(path: Path | str, shown: str | None = None, text: str | None = None):
    """Load and type a project (from `text` when given, else from the file); returns
    (Project | None, Loaded | None, findings, unreadable)."""
    from pydantic import ValidationError

    from .model import Project
    from .schema_errors import findings_from

    try:
        loaded = (load(path, shown, keep_going=True) if text is None
                  else parse(text, shown if shown is not None else str(path), keep_going=True))
    except LoadError as exc:
        return None, None, [exc.finding], exc.unreadable
    try:
        project = Project.model_validate(loaded.data)
    except ValidationError as exc:
        return None, loaded, [*loaded.findings, *findings_from(exc, loaded, Project)], False
    return project, loaded, list(loaded.findings), False


def locate(problems, loaded: Loaded) -> list[Finding]:
    from .schema_errors import path_text

    out = []
    for pb in problems:
        line, col = loaded.where(pb.loc, key=pb.key)
        make = warning if pb.code.startswith("PTMS-W") else error
        out.append(make(pb.code, pb.message + loaded.note(pb.loc), file=loaded.file, line=line, column=col, hint=pb.hint,
                        path=path_text(pb.loc)))
    return out


def validate_text(text: str, shown: str, step: int | None = None) -> FileResult:
    """Validate a project given as text (what a wizard is about to write), named `shown` in findings."""
    return validate_file(shown, step, shown, text=text)


def validate_file(path: Path | str, step: int | None = None, shown: str | None = None,
                  text: str | None = None) -> FileResult:
    from . import checks

    shown = shown if shown is not None else str(path)
    project, loaded, findings, unreadable = load_project(path, shown, text)
    result = FileResult(shown, findings, unreadable, project)
    if project is not None:
        from .derived import Derived

        result.derived = Derived(project)
        result.findings += locate(checks.run(project, step, result.derived), loaded)
    result.findings.sort(key=lambda f: (f.line, f.column, f.code))
    return result
