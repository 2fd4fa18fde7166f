"""The documents ptms produces, which step each needs, and the plan of a render.

One definition: `DOCUMENTS` (name used by `--doc`, template file, step, title, one per partner or
not). `plan(project)` says what the project's progress allows and why the rest is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..checks import STEPS, missing_for_step
from ..frformat import plural
from ..model import Project
from ..slug import slug  # noqa: F401  (file and folder names: see batch.output_dirs)


@dataclass(frozen=True)
class DocSpec:
    name: str  # `--doc NAME`
    template: str  # file name in the template directory
    step: int
    title: str
    per_partner: bool = False
    command: str = "render"  # the `ptms` command that renders it
    context: tuple[str, ...] = ()  # top-level names its command adds to the project's context


DOCUMENTS: list[DocSpec] = [
    DocSpec("mobilisation", "dossier-mobilisation.docx", 1, "Dossier de mobilisation des partenaires"),
    DocSpec("lettres", "lettre-intention.docx", 1, "Lettre d'intention", per_partner=True),
    DocSpec("cahier-des-charges", "cahier-des-charges.docx", 2, "Cahier des charges"),
    DocSpec("convention", "convention.docx", 3, "Convention unique pluripartite"),
]
BY_NAME = {d.name: d for d in DOCUMENTS}
# After the signature: rendered by their own commands (`ptms amend`, `calls`, `report`), not by `ptms render`.
FOLLOWUP: list[DocSpec] = [
    DocSpec("avenant", "avenant.docx", 3, "Avenant à la convention", command="amend", context=("avenant",)),
    DocSpec("appel-de-fonds", "appel-de-fonds.docx", 3, "Appel de fonds", per_partner=True, command="calls",
            context=("call",)),
    DocSpec("bilan-annuel", "bilan-annuel.docx", 3, "Bilan annuel d'activité et d'évaluation", command="report",
            context=("report",)),
]
TEMPLATES: list[DocSpec] = DOCUMENTS + FOLLOWUP  # every shipped template a user may export and customise
FORMATS = ("docx", "md", "pdf", "odt")  # what `ptms render --format` writes
CONVERTED = ("pdf", "odt")  # made by LibreOffice from the .docx (not reproducible byte for byte)
IMAGES = ("contributions", "coverage", "coverage_before")  # names under `images` in every template


def default_templates() -> Path:
    """The directory of the templates shipped inside the package."""
    return Path(str(resources.files("ptms_cli") / "templates"))


@dataclass
class Job:
    spec: DocSpec
    stem: str  # output file name without extension
    title: str
    partner: str | None = None  # partner id for letters


@dataclass
class Skip:
    spec: DocSpec
    reason: str


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


def plan(project: Project, names: list[str] | None = None) -> Plan:
    """Documents to render for `project` (all, or the `names` given), and those skipped with why."""
    out = Plan()
    for spec in DOCUMENTS:
        if names and spec.name not in names:
            continue
        missing = missing_for_step(project, spec.step)
        if missing:
            at, what, _ = missing[0]
            more = f" (et {plural(len(missing) - 1, 'autre élément', 'autres éléments')})" if len(missing) > 1 else ""
            out.skipped.append(Skip(spec, f"étape {at} « {STEPS[at]} » incomplète : il manque {what}{more}"))
            continue
        if spec.per_partner:
            partners = [x for x in project.partners if x.status != "declined"]
            if project.service and project.service.selection_stage == "call":  # not before the call that selects it
                for x in [x for x in partners if (x.id == project.service.operator or "operator" in x.roles)
                          and x.id != project.lead_partner]:
                    partners.remove(x)
                    out.skipped.append(Skip(spec, f"{x.name} : opérateur pressenti, sans lettre d'intention avant "
                                                  "l'appel à projets qui doit le choisir"))
            if not partners:
                out.skipped.append(Skip(spec, "aucun partenaire à solliciter"))
            for x in partners:  # an id is already a safe file name (`model.base.Id`), and unique
                out.jobs.append(Job(spec, f"{spec.template.removesuffix('.docx')}-{x.id}",
                                    f"{spec.title} — {x.name}", x.id))
        else:
            out.jobs.append(Job(spec, spec.template.removesuffix(".docx"), spec.title))
    _distinct(out.jobs)
    return out


class PlanError(ValueError):
    """Two documents of one render would share a file name (French message)."""


def _distinct(jobs: list[Job]) -> None:
    """The one place that guarantees two outputs of one run never share a path (also on a file
    system that ignores case): each document has its own stem, and formats differ by extension."""
    seen: dict[str, Job] = {}
    for job in jobs:
        other = seen.setdefault(job.stem.casefold(), job)
        if other is not job:
            raise PlanError(f"« {other.title} » et « {job.title} » auraient le même nom de fichier "
                            f"« {job.stem} » : donnez-leur des identifiants distincts")


def template_path(spec: DocSpec, user_dir: Path | None) -> tuple[Path, bool]:
    """The template file of `spec`: the user's if their directory has it, else the default. (path, is_user)."""
    if user_dir is not None:
        candidate = Path(user_dir) / spec.template
        if candidate.is_file():
            return candidate, True
    return default_templates() / spec.template, False
