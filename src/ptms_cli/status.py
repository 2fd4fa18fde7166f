"""Progress of a project through the three steps: what is done, what is missing, what is next."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import staffing
from .checks.completeness import missing_for_step
from .frformat import plural
from .model import Project
from .steps import NUMBERS, STEP_COMMANDS, STEPS


@dataclass
class StepStatus:
    number: int
    title: str
    done: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def _done(p: Project, step: int, st: staffing.Staffing | None = None) -> list[str]:
    out = []
    if step == 1:
        committed = sum(x.status == "committed" for x in p.partners)
        if p.partners:
            out.append(f"{plural(len(p.partners), 'partenaire identifié', 'partenaires identifiés')}, dont {plural(committed, 'engagé')}")
        if p.objectives:
            out.append(plural(len(p.objectives), "objectif partagé", "objectifs partagés"))
        if p.territory.sectors:
            out.append(plural(len(p.territory.sectors), "secteur", "secteurs") + " du territoire")
        if p.actors:
            out.append(plural(len(p.actors), "acteur de médiation existant recensé", "acteurs de médiation existants recensés"))
    elif step == 2 and p.service:
        s = p.service
        operator = p.partner(s.operator)
        out.append(f"service « {s.name} » porté par « {operator.name if operator else s.operator} »")
        if s.activities:
            out.append(f"{plural(len(s.activities), 'activité')} sur 9")
        if s.posts:
            st = st or staffing.compute(p)
            out.append(f"{staffing.types_text(st)}" + (f", {staffing.range_text(st)} selon les mois" if st.years else ""))
        if p.budget:
            out.append("budget renseigné")
        if p.funding:
            out.append("plan de financement renseigné")
    elif step == 3:
        if p.governance:
            out.append(f"comité de pilotage de {plural(len(p.governance.steering_committee.members), 'membre')}")
        if p.evaluation and p.evaluation.indicators:
            out.append(plural(len(p.evaluation.indicators), "indicateur") + " d'évaluation")
        if p.convention:
            out.append(f"convention « {p.convention.title} »")
    return out


def project_status(p: Project, st: staffing.Staffing | None = None) -> list[StepStatus]:
    """`st`: the project's staffing when already computed (`Derived.staffing`)."""
    missing = missing_for_step(p, NUMBERS[-1])  # every step's gaps, each tagged with its step
    return [StepStatus(n, STEPS[n], _done(p, n, st), [what for at, what, _ in missing if at == n]) for n in NUMBERS]


def next_action(steps: list[StepStatus], errors: int = 0, file: str = "FICHIER") -> str:
    if errors:
        return f"corriger d'abord les erreurs signalées par « ptms validate {file} » : les documents ne sont produits que pour un projet sans erreur."
    for s in steps:
        if not s.complete:
            return f"Étape {s.number} : compléter {s.missing[0]} (« ptms {STEP_COMMANDS[s.number]} »)."
    return "Toutes les étapes sont complètes : générez la convention avec « ptms render »."


def plain(what: str) -> str:
    """« les postes du service (« service.posts ») » -> « les postes du service »: no YAML key for the user."""
    return re.sub(r"\s*\((?:[^()«]*)?«\s*[a-z_.]+\s*»\)", "", what).strip()


def print_status(console, file, result, keys: bool = True) -> None:
    """The checklist of a validated file (`validation.FileResult` with a project); used by the wizards,
    which print it without YAML keys (`keys=False`: a project lead reads sections, not keys)."""
    from .reporters import markup as escape  # user text: no control character, no markup

    project = result.project
    steps = project_status(project, result.derived.staffing if result.derived is not None else None)
    console.print(f"[bold]Avancement — {escape(project.name)}[/bold]\n")
    for s in steps:
        mark = "[green]✔[/green]" if s.complete else "[yellow]◐[/yellow]" if s.done else "[dim]○[/dim]"
        state = "complète" if s.complete else "en cours" if s.done else "à faire"
        console.print(f"{mark} [bold]Étape {s.number} — {s.title}[/bold] ({state})")
        for d in s.done:
            console.print(f"    [green]✔[/green] {escape(d)}")
        for m in s.missing:
            console.print(f"    [yellow]✘[/yellow] manque : {escape(m if keys else plain(m))}")
        console.print()
    if result.findings:
        console.print(f"Validation : {plural(result.errors, 'erreur')}, {plural(result.warnings, 'avertissement')} — "
                      f"détail avec « ptms validate {escape(str(file))} ».")
    else:
        console.print("Validation : [green]aucun problème[/green].")
    console.print(f"[bold]Prochaine action :[/bold] {escape(next_action(steps, result.errors, str(file)))}")
