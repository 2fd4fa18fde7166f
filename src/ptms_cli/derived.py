"""What is computed from a project and used twice: by the checks, then by the documents.

`Derived(project)` holds the funding plan (`funding.compute_plan`), the coverage matrix
(`coverage.coverage_matrix`) and the staffing per month (`staffing.compute`) of ONE project object,
each computed at most once, when first asked.
`checks.run` makes one (or takes the caller's), the rules of the plan and of the coverage read it,
`validation.validate_file` hands it on in `FileResult.derived`, and the documents
(`documents.context.build_context`, `documents.pipeline.iter_outputs`) take it instead of computing
the plan and the matrix again.

It is bound to the very `Project` object it was made for: whoever changes or rebuilds a project
(the wizards do) makes a new one; `for_project` refuses one made for another object, so a stale
plan cannot slip into a document.
"""

from __future__ import annotations

from functools import cached_property

from . import coverage, funding, staffing


class Derived:
    def __init__(self, project):
        self.project = project

    @classmethod
    def for_project(cls, project, derived: Derived | None) -> Derived:
        """`derived` when given (it must have been made for `project` itself), else a new one."""
        if derived is None:
            return cls(project)
        if derived.project is not project:
            raise ValueError("Derived: calculs faits pour un autre objet projet")
        return derived

    @cached_property
    def plan(self) -> funding.FundingPlan:
        """The funding plan of the project (with its facts; `checks.funding` words them)."""
        return funding.compute_plan(self.project)

    @cached_property
    def coverage(self) -> coverage.Matrix:
        """The coverage matrix of the project."""
        return coverage.coverage_matrix(self.project)

    @cached_property
    def staffing(self) -> staffing.Staffing:
        """FTE per month and per calendar year of the period, from the posts' dates (`staffing.compute`)."""
        return staffing.compute(self.project)
