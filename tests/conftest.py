"""Shared fixtures and helpers: run the real `ptms` entry point, build project files from dicts, read .docx text."""

from __future__ import annotations

import copy
import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def terminal_snapshot(name: str, shown: list[str]) -> None:
    """Compare terminal lines with tests/snapshots/terminal-NAME.txt (PTMS_UPDATE_SNAPSHOTS=1 rewrites it)."""
    import os

    path = ROOT / "tests" / "snapshots" / f"terminal-{name}.txt"
    text = "\n".join(shown) + "\n"
    if os.environ.get("PTMS_UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"pas d'instantané {path.name} : PTMS_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def plain(text: str) -> str:
    """babel uses narrow and non-breaking spaces; compare with ordinary ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def docx_texts(source: Path | bytes, *, grids: bool = False) -> list[str]:
    """Every paragraph of a .docx in reading order: body, table cells, then headers and footers.

    With `grids`, each table's cells are preceded by « [grille de N colonnes] » (its column count)."""
    doc = Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        if grids:
            grid = table._tbl.find(f"{W}tblGrid")
            out.append(f"[grille de {len(grid.findall(f'{W}gridCol'))} colonnes]")
        for row in table.rows:
            out.extend(c.text for c in row.cells)
    for section in doc.sections:
        out.extend(p.text for p in section.header.paragraphs)
        out.extend(p.text for p in section.footer.paragraphs)
    return out


def docx_text(source: Path | bytes) -> str:
    """All the text of a .docx (see `docx_texts`), one paragraph a line."""
    return "\n".join(docx_texts(source))


def require_soffice() -> None:
    """PDF tests need LibreOffice: they fail (never skip) without it; `.ci/run` installs it."""
    from ptms_cli.documents.export import soffice_path

    if soffice_path() is None:
        pytest.fail("LibreOffice (soffice) est requis pour ces tests : installez libreoffice-writer-nogui "
                    "(ou lancez bash .ci/run, qui l'installe).")


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_ptms(*args: str, cwd: Path | None = None, input: str | None = None, timeout: float = 120,
             columns: int = 100) -> Run:
    """Run `python -m ptms_cli ARGS` in a subprocess (the real entry point, no TTY, `columns` wide)."""
    proc = subprocess.run(
        [sys.executable, "-m", "ptms_cli", *map(str, args)],
        cwd=cwd, input=input, capture_output=True, text=True, timeout=timeout,
        env={**__import__("os").environ, "NO_COLOR": "1", "COLUMNS": str(columns)},
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def ptms():
    return run_ptms


def load_example(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def intercommunal() -> dict:
    return load_example("agglo-val-de-marque.yaml")


@pytest.fixture
def commune() -> dict:
    return load_example("commune-beaulieu.yaml")


@pytest.fixture
def step1() -> dict:
    return load_example("cc-deux-rives.yaml")


@pytest.fixture
def write_project(tmp_path):
    """Write a project dict (deep-copied) as YAML; returns its path."""

    def write(data: dict, name: str = "projet.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(copy.deepcopy(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write
