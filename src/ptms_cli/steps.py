"""The steps of the approach: ONE definition of their titles, commands and project sections.

`init` creates the project (step 0, not a step of the approach); steps 1 to 3 are the approach.
Each step lists the top-level keys of the project it fills (`sections`): its wizard edits them and
accepts them in `--answers` (`wizard.flows.KEYS`); `checks.completeness.missing_for_step` says what a
step still needs (PTMS-E040, `ptms status`, the document catalogue); `status` reports them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int  # 0 = init, 1 to 3 = the steps of the approach
    title: str  # French
    command: str  # the wizard: `ptms <command>`
    sections: tuple[str, ...]  # top-level keys of the project this step fills


ALL: tuple[Step, ...] = (
    Step(0, "Créer le projet", "init",
         ("schema_version", "name", "territory", "period", "contrat_de_ville", "lead_partner", "partners")),
    Step(1, "Mobiliser et fédérer les partenaires", "mobilize",
         ("partners", "objectives", "actors", "calendar", "custom_fields")),
    Step(2, "Définir les besoins et le cahier des charges", "specify", ("service", "budget", "parameters", "funding")),
    Step(3, "Signer la convention unique", "convene", ("governance", "evaluation", "convention", "partners")),
)

SETTINGS = ("templates", "payments", "results", "actuals", "signature")  # top-level keys of no step (edited in the file; after signature: model/followup.py)

NUMBERS = tuple(s.number for s in ALL if s.number)  # (1, 2, 3): the steps of the approach
STEPS = {s.number: s.title for s in ALL if s.number}  # step number -> French title
STEP_COMMANDS = {s.number: s.command for s in ALL if s.number}  # step number -> wizard command
