"""What every rule module shares: the signature of a rule and the « did you mean » suggestion."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

from ..derived import Derived
from ..findings import Problem
from ..model import Project

# A rule: (project, step asked by --step or None, what is computed once per run: funding plan and
# coverage matrix, see `ptms_cli.derived`) -> problems.
Check = Callable[[Project, "int | None", Derived], Iterable[Problem]]


def suggest(value: str, choices: Iterable[str]) -> str:
    """« : vouliez-vous dire « x » ? » for the closest choice, or nothing."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" : vouliez-vous dire « {close[0]} » ?" if close else ""
