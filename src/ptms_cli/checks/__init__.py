"""Cross-field rules over a valid `Project`, one module per family (as yamllint's `rules/`).

A rule is a small function `(project, step, derived) -> Iterable[Problem]` (see `base.Check`): it
reads the project and the facts computed once per run (`derived.plan`, `derived.coverage`) and
yields located problems (`findings.Problem`: code, French message, path in the file, hint).
`validation.py` turns the path into file:line:column. `RULES` below is the one list of the rules,
each with the codes it may emit (every code is documented in `findings.CODES`), in the order they run.

To add a rule: write the function in the module of its family (or a new module), add its code to
`findings.CODES`, add one line to `RULES`, and a test (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..derived import Derived
from ..findings import Problem
from ..model import Project
from ..steps import STEP_COMMANDS, STEPS
from . import (
    budget,
    committees,
    completeness,
    convention,
    coverage,
    dates,
    evaluation,
    fields,
    funding,
    ids,
    legal,
    participation,
    partners,
    posts,
    references,
    resources,
    selection,
    subcontracting,
    text,
    workforce,
    years,
)
from .base import Check
from .completeness import missing_for_step


@dataclass(frozen=True)
class Rule:
    codes: tuple[str, ...]
    check: Check

    @property
    def name(self) -> str:
        return f"{self.check.__module__.rsplit('.', 1)[-1]}.{self.check.__name__}"


RULES: tuple[Rule, ...] = (
    Rule(("PTMS-E020",), ids.unique_ids),
    Rule(("PTMS-E021", "PTMS-E032"), references.references),
    Rule(("PTMS-E022",), fields.fields),
    Rule(("PTMS-E031",), years.years),
    Rule(("PTMS-E034",), dates.dates),
    Rule(("PTMS-E038",), dates.participation),
    Rule(("PTMS-E033", "PTMS-E035"), convention.signatures),
    Rule(("PTMS-E037",), convention.term),
    Rule(("PTMS-E060",), partners.declined),
    Rule(("PTMS-E061",), partners.left),
    Rule(("PTMS-E062", "PTMS-E063"), partners.operators),
    Rule(("PTMS-E070", "PTMS-E071", "PTMS-W072", "PTMS-W073"), posts.posts),
    Rule(("PTMS-W041",), evaluation.indicators),
    Rule(("PTMS-W043",), evaluation.targets),
    Rule(("PTMS-W042",), convention.representatives),
    Rule(("PTMS-W050",), coverage.coverage),
    Rule(("PTMS-W052",), coverage.partial),
    Rule(("PTMS-E090", "PTMS-W090"), workforce.continuations),
    Rule(("PTMS-W051",), workforce.capacity),
    Rule(("PTMS-W091", "PTMS-W092"), participation.governance),
    Rule(("PTMS-W092",), participation.signatories),
    Rule(("PTMS-W100",), legal.setup),
    Rule(("PTMS-W101",), legal.bank_details),
    Rule(("PTMS-W102",), legal.sieg_ceiling),
    Rule(("PTMS-W103",), legal.governance),
    Rule(("PTMS-W104",), legal.representatives),
    Rule(("PTMS-W115", "PTMS-W116", "PTMS-W117", "PTMS-W118"), selection.criteria),
    Rule(("PTMS-W105",), committees.technical_committee),
    Rule(("PTMS-E040",), completeness.step_complete),
    Rule(("PTMS-E030", "PTMS-E036", "PTMS-W030", "PTMS-W031", "PTMS-W032"), funding.funding),
    Rule(("PTMS-E081",), budget.indexation),
    Rule(("PTMS-E080", "PTMS-W080", "PTMS-W081", "PTMS-W082"), resources.resources),
    Rule(("PTMS-W125",), subcontracting.over_cost),
    Rule(("PTMS-W140", "PTMS-W141"), text.texts),
)

CHECKS: list[Check] = [r.check for r in RULES]


def run(p: Project, step: int | None = None, derived: Derived | None = None) -> list[Problem]:
    """Every rule of `RULES` on `p`. The funding plan and coverage matrix are computed once, in
    `derived` (made here unless given: pass one to keep them, see `ptms_cli.derived`)."""
    derived = Derived.for_project(p, derived)
    out: list[Problem] = []
    for check in CHECKS:
        out.extend(check(p, step, derived))
    return out


__all__ = ["CHECKS", "RULES", "Rule", "STEPS", "STEP_COMMANDS", "missing_for_step", "run"]
