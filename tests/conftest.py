"""Shared fixtures: run the real `ptms` entry point, build project files from dicts."""

from __future__ import annotations

import copy
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


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
