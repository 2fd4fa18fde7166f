"""What happens if a requested resource is refused: the plan without it (pure).

A resource with `status: requested` (« sollicité ») is not secured. If it is refused, its amount is
borne by its `fallback` partner (a fixed contribution of the same amounts, droit commun), or, without
a fallback, by the allocation key (the remainder to share grows by the same amount), or, without a
key either, it is missing (the year is short). `refusal(project, resource_id)` builds the project
as it would be after that refusal; `refusal_effects(project)` compares, per requested resource,
each partner's total per year with and without it — what `ptms funding` prints as « si … est
refusé ».
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import Project
from ..model.funding import Contribution

ZERO = Decimal("0.00")


def requested(project: Project) -> list:
    """The resources whose status is `requested`, in the order of the file."""
    return [r for r in project.funding.resources if r.status == "requested"] if project.funding else []


def refusal(project: Project, resource_id: str) -> Project:
    """The project as it would be if resource `resource_id` were refused (see the module docstring)."""
    assert project.funding is not None
    resource = next(r for r in project.funding.resources if r.id == resource_id)
    funding = project.funding.model_copy(deep=True)
    funding.resources = [r for r in funding.resources if r.id != resource_id]
    if resource.fallback:
        funding.contributions.append(Contribution(partner=resource.fallback, nature="droit_commun",
                                                  amounts=dict(resource.amounts)))
    return project.model_copy(update={"funding": funding})


@dataclass(frozen=True)
class PartnerChange:
    partner: str | None
    name: str
    year: int
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class RefusalEffect:
    resource: str  # id
    label: str
    fallback: str | None  # partner id, or None: the allocation key (or nobody)
    changes: list[PartnerChange]  # partners whose total changes, per year
    short: dict[int, Decimal]  # years left short of funding after the refusal (no fallback, no key)


def refusal_effects(project: Project) -> list[RefusalEffect]:
    """For each requested resource, who pays what more (or less) per year if it is refused."""
    from . import compute_plan

    out = []
    base = compute_plan(project)
    for r in requested(project):
        plan = compute_plan(refusal(project, r.id))
        before = {(p.partner, y.year): p for y in base.years for p in y.partners}
        after = {(p.partner, y.year): p for y in plan.years for p in y.partners}
        changes = []
        for key in sorted(set(before) | set(after), key=lambda k: (k[1], k[0] is None, k[0] or "")):
            b, a = before.get(key), after.get(key)
            vb, va = (b.total if b else ZERO), (a.total if a else ZERO)
            if vb != va:
                name = (a or b).name  # type: ignore[union-attr]
                changes.append(PartnerChange(key[0], name, key[1], vb, va))
        short = {y.year: y.balance for y in plan.years if y.balance > 0}
        out.append(RefusalEffect(r.id, r.label, r.fallback, changes, short))
    return out
