"""The documents ptms produces, which step each needs, and the plan of a render.

One definition: `DOCUMENTS` (name used by `--doc`, template file, step, title, one per partner or
not). `plan(project)` says what the project's progress allows and why the rest is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..checks import STEPS, missing_for_step
from ..model import Project


@dataclass(frozen=True)
class DocSpec:
    name: str  # `--doc NAME`
    template: str  # file name in the template directory
    step: int
    title: str
    per_partner: bool = False


DOCUMENTS: list[DocSpec] = [
    DocSpec("mobilisation", "dossier-mobilisation.docx", 1, "Dossier de mobilisation des partenaires"),
    DocSpec("lettres", "lettre-intention.docx", 1, "Lettre d'intention", per_partner=True),
    DocSpec("cahier-des-charges", "cahier-des-charges.docx", 2, "Cahier des charges"),
    DocSpec("convention", "convention.docx", 3, "Convention unique pluripartite"),
]
BY_NAME = {d.name: d for d in DOCUMENTS}
FORMATS = ("docx", "md", "pdf", "odt")  # what `ptms render --format` writes
CONVERTED = ("pdf", "odt")  # made by LibreOffice from the .docx (not reproducible byte for byte)
IMAGES = ("contributions", "coverage")  # names under `images` in every template


def default_templates() -> Path:
    """The directory of the templates shipped inside the package."""
    return Path(str(resources.files("ptms_cli") / "templates"))


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def slug(text: str) -> str:
    """A safe file-name slug: ASCII lowercase letters, digits and hyphens (« Ville d'Été » -> « ville-d-ete »)."""
    text = text.translate(_LIGATURES)  # « Cœur » -> « coeur », not « cur »
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return s[:80].strip("-") or "document"


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
            more = f" (et {len(missing) - 1} autre(s) élément(s))" if len(missing) > 1 else ""
            out.skipped.append(Skip(spec, f"étape {at} « {STEPS[at]} » incomplète : il manque {what}{more}"))
            continue
        if spec.per_partner:
            partners = [x for x in project.partners if x.status != "declined"]
            if not partners:
                out.skipped.append(Skip(spec, "aucun partenaire à solliciter"))
            for x in partners:
                out.jobs.append(Job(spec, f"{slug(spec.template.removesuffix('.docx'))}-{slug(x.id)}",
                                    f"{spec.title} — {x.name}", x.id))
        else:
            out.jobs.append(Job(spec, slug(spec.template.removesuffix(".docx")), spec.title))
    return out


def template_path(spec: DocSpec, user_dir: Path | None) -> tuple[Path, bool]:
    """The template file of `spec`: the user's if their directory has it, else the default. (path, is_user)."""
    if user_dir is not None:
        candidate = Path(user_dir) / spec.template
        if candidate.is_file():
            return candidate, True
    return default_templates() / spec.template, False
