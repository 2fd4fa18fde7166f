"""When each partner takes part in the project (`partners[].from` / `until`), and who signs the initial convention.

Pure functions over a `Project`; used by the rules (`checks.participation`) and the documents
(`documents.context_staffing`).

- A partner's participation runs from `from` (default: the start of `period`) to `until` (default:
  its end), clipped to the period.
- **Who signs the initial convention.** A partner that joins after the start of the period does
  not sign the initial convention: it joins later **by adhesion** (an act of adhesion to the
  convention, signed when it joins), unless the project lists it explicitly in
  `convention.signatories` — then it signs the initial convention with a deferred start (its
  commitments begin on its `from` date). A partner that leaves before the end signs the initial
  convention; its commitments end on its `until` date.
"""

from __future__ import annotations

from datetime import date


def window(project, partner) -> tuple[date, date] | None:
    """(first day, last day) of the partner's participation inside the period; None without a period
    or when it does not meet the period at all."""
    period = project.period
    if period is None:
        return None
    start = max(partner.from_ or period.start, period.start)
    end = min(partner.until or period.end, period.end)
    return (start, end) if start <= end else None


def outside_period(project, partner) -> bool:
    """The partner's dates leave no day inside the period."""
    return project.period is not None and (partner.from_ is not None or partner.until is not None) and window(project, partner) is None


def joins_later(project, partner) -> bool:
    return project.period is not None and partner.from_ is not None and partner.from_ > project.period.start


def leaves_early(project, partner) -> bool:
    return project.period is not None and partner.until is not None and partner.until < project.period.end


def present_on(partner, day: date) -> bool:
    return (partner.from_ is None or partner.from_ <= day) and (partner.until is None or day <= partner.until)


def explicit_signatories(project) -> bool:
    return bool(project.convention and project.convention.signatories)


def initial_signatories(project) -> list[str]:
    """Ids of the partners who sign the initial convention (see the module docstring)."""
    ids = project.signatories()
    if explicit_signatories(project):
        return ids
    by_id = {x.id: x for x in project.partners}
    return [i for i in ids if i not in by_id or not joins_later(project, by_id[i])]


def adherents(project) -> list[str]:
    """Ids of the signatory partners who join later by adhesion (not signatories of the initial convention)."""
    initial = set(initial_signatories(project))
    return [i for i in project.signatories() if i not in initial]
