"""Legal facts of a project, computed once for the rules (`checks.legal`) and the convention
(`documents.context_legal`): the legal set-up, public aid to the operator per year and over three
years, and the thresholds in force (`data/legal.yaml`, dated, with their source). No wording here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from .derived import Derived
from .model import Project

ZERO = Decimal(0)


@cache
def legal_data() -> dict[str, Any]:
    """`ptms_cli/data/legal.yaml` (package data), read once."""
    from pathlib import Path  # the package's own folder: importlib.resources costs `validate` ≈ 10 ms to import

    import yaml

    text = (Path(__file__).parent / "data" / "legal.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: `validate` reads it


def threshold(name: str, on: date) -> Decimal:
    """Amount of threshold `name` in force on a date (the last entry on or before it; the first before)."""
    values = sorted(legal_data()["thresholds"][name]["values"], key=lambda v: v["since"])
    amount = Decimal(str(values[0]["amount"]))
    for v in values:
        if v["since"] <= on:
            amount = Decimal(str(v["amount"]))
    return amount


def threshold_source(name: str) -> str:
    return str(legal_data()["thresholds"][name]["source"])


def norm(on: date) -> str:
    """The AFNOR norm's reference in force on a date."""
    entries = sorted(legal_data()["norm"], key=lambda v: v["since"])
    text = entries[0]["text"]
    for e in entries:
        if e["since"] <= on:
            text = e["text"]
    return str(text)


def kinds(name: str) -> set[str]:
    return set(legal_data()[name])


def operator_kind(p: Project) -> str | None:
    if p.service is None:
        return None
    x = p.partner(p.service.operator)
    return x.kind if x else None


def setup(p: Project) -> str:
    """The legal set-up: `convention.legal_setup`, else deduced from the operator's kind (a public body
    runs the service in régie, anyone else receives a subsidy)."""
    if p.convention and p.convention.legal_setup:
        return p.convention.legal_setup
    return "regie" if operator_kind(p) in kinds("public_operator_kinds") else "subsidy"


def is_association(p: Project) -> bool:
    """A subsidised association runs the service (the CER, the financial report of the arrêté of 2006…)."""
    return operator_kind(p) == "association" and setup(p) == "subsidy"


def reference_date(p: Project) -> date:
    """The date thresholds are read on: the convention's start, else the project's, else the signing date."""
    if p.convention and p.convention.start:
        return p.convention.start
    if p.period:
        return p.period.start
    if p.convention and p.convention.signing_date:
        return p.convention.signing_date
    return date(2026, 1, 1)


@dataclass
class Window:
    """Public aid over a dated period of at most three years (the de minimis test)."""

    amount: Decimal
    start: date
    end: date


@dataclass
class PublicAid:
    """Public money to the operator, by calendar year (budget years: statutory auditor, essential data),
    by public funder, and by convention year with its dates (de minimis: three years, not three
    calendar years). State aids for posts included."""

    by_year: dict[int, Decimal] = field(default_factory=dict)
    by_funder: dict[str, dict[int, Decimal]] = field(default_factory=dict)
    by_period: list[tuple[date, date, Decimal]] = field(default_factory=list)  # per convention year

    def three_year_window(self) -> Window | None:
        """The largest total over three consecutive convention years (36 months, or the whole period
        when it is shorter), with its dates. The de minimis ceilings apply over a period of three years
        (`data/legal.yaml`), not over calendar years: a period from 1 September 2026 to 31 August 2029 is
        one such period, whereas its calendar years 2027-2029 cover only 32 months of it. Windows start
        on an anniversary: exact for a convention of three years or less, a lower bound beyond."""
        if not self.by_period:
            return None
        best: Window | None = None
        for i in range(max(1, len(self.by_period) - 2)):
            part = self.by_period[i:i + 3]
            total = sum((amount for _, _, amount in part), ZERO)
            if best is None or total > best.amount:
                best = Window(total, part[0][0], part[-1][1])
        return best

    def max_three_years(self) -> tuple[Decimal, list[int]]:
        """The de minimis total (`three_year_window`) and the calendar years its dates touch."""
        w = self.three_year_window()
        if w is None:
            return ZERO, sorted(self.by_year)[:3]
        return w.amount, list(range(w.start.year, w.end.year + 1))


def public_aid(p: Project, d: Derived) -> PublicAid:
    """Resources and contributions of public partners (`public_kinds`) other than the operator."""
    out = PublicAid()
    if p.funding is None or p.period is None or p.service is None:
        return out
    public = kinds("public_kinds")
    plan = d.plan
    for yp in plan.views.get("calendar") or plan.years:  # thresholds are per budget year (calendar)
        y = yp.year
        total = ZERO
        for share in yp.partners:
            partner = p.partner(share.partner) if share.partner else None
            if partner is None or partner.id == p.service.operator or partner.kind not in public:
                continue
            total += share.total
            out.by_funder.setdefault(partner.id, {})[y] = share.total
        out.by_year[y] = total
    for yp in plan.views.get("convention") or []:
        if yp.start is None or yp.end is None:
            continue
        total = sum((share.total for share in yp.partners if share.partner and share.partner != p.service.operator
                     and (x := p.partner(share.partner)) is not None and x.kind in public), ZERO)
        out.by_period.append((yp.start, yp.end, total))
    return out


def render_note(p: Project) -> str:
    """What `ptms render` says about the convention of a public-contract set-up: what ptms does not draft."""
    if p.convention is None or p.service is None or setup(p) != "public_contract":
        return ""
    return ("Note : montage « marché public » — ptms produit la convention de partenariat (gouvernance, "
            "financement, évaluation) ; il ne rédige ni la convention constitutive du groupement de commandes "
            "ni les pièces du marché (règlement de la consultation, cahiers des clauses), à confier à l'acheteur "
            "et à son service juridique.")
