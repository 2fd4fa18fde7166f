"""The funding plan and the coverage matrix are computed once per project, by validation, then
handed to the documents (`ptms_cli.derived.Derived`); never reused for another project object."""

from __future__ import annotations

import copy
import shutil

import pytest

from conftest import EXAMPLES
from ptms_cli import coverage, funding
from ptms_cli.checks.funding import plan_problems
from ptms_cli.derived import Derived
from ptms_cli.documents import batch
from ptms_cli.documents.context import build_context
from ptms_cli.model import Project
from ptms_cli.validation import validate_file


@pytest.fixture
def counted(monkeypatch):
    """Count the calls of `compute_plan` and `coverage_matrix` (the real functions still run)."""
    calls = {"plan": 0, "coverage": 0}
    real_plan, real_matrix = funding.compute_plan, coverage.coverage_matrix

    def plan(project):
        calls["plan"] += 1
        return real_plan(project)

    def matrix(project):
        calls["coverage"] += 1
        return real_matrix(project)

    monkeypatch.setattr(funding, "compute_plan", plan)
    monkeypatch.setattr(coverage, "coverage_matrix", matrix)
    return calls


def test_batch_task_computes_the_plan_and_the_matrix_once(tmp_path, counted):
    project = tmp_path / "agglo.yaml"
    shutil.copy(EXAMPLES / "agglo-val-de-marque.yaml", project)
    report = batch.process(batch.Task(project, tmp_path / "out", names=("convention",)))
    assert report.status == "rendered", report.failed
    assert (tmp_path / "out" / "convention.docx").is_file()
    assert counted == {"plan": 1, "coverage": 1}


def test_validation_hands_over_what_its_checks_computed(counted):
    result = validate_file(EXAMPLES / "agglo-val-de-marque.yaml")
    assert counted == {"plan": 1, "coverage": 1}  # the funding and coverage checks ran
    assert result.derived.project is result.project
    plan, matrix = result.derived.plan, result.derived.coverage
    context = build_context(result.project, result.derived)
    assert counted == {"plan": 1, "coverage": 1}
    assert result.derived.plan is plan and result.derived.coverage is matrix
    assert context["funding"]["balanced"] is plan.balanced
    assert [c["sector"] for c in context["coverage"]["cells"]] == [c.sector for c in matrix.cells.values()]


def test_the_context_shows_the_plan_it_is_given(intercommunal):
    project = Project.model_validate(intercommunal)
    cheaper = copy.deepcopy(intercommunal)
    cheaper["budget"]["overhead_rate"] = 0
    derived = Derived(project)
    derived.plan = funding.compute_plan(Project.model_validate(cheaper))  # stands in for the real plan
    given = build_context(project, derived)["funding"]
    own = build_context(project)["funding"]
    assert given["cost_total"]["total"] != own["cost_total"]["total"]
    assert given["cost_total"]["total"] == build_context(Project.model_validate(cheaper))["funding"]["cost_total"]["total"]


def test_what_was_computed_for_another_project_object_is_refused(intercommunal):
    project = Project.model_validate(intercommunal)
    rebuilt = Project.model_validate(intercommunal)  # equal, but another object (as a wizard rebuilds it)
    with pytest.raises(ValueError):
        build_context(rebuilt, Derived(project))


def test_invalid_funding_still_gives_its_errors_and_blocks_the_documents(tmp_path, write_project, intercommunal):
    intercommunal["funding"]["allocation"]["partners"][1]["weight"] = 20  # the percentages total 90
    path = write_project(intercommunal)
    result = validate_file(path)
    assert "PTMS-E036" in {f.code for f in result.findings if f.severity.value == "error"}
    assert any(pb.code == "PTMS-E036" for pb in plan_problems(result.derived.plan))
    report = batch.process(batch.Task(path, tmp_path / "out", names=("convention",)))
    assert report.status == "failed"
    assert any("PTMS-E036" in f["reason"] for f in report.failed)
    assert not (tmp_path / "out" / "convention.docx").exists()


def test_no_plan_is_computed_without_budget_nor_funding(step1, write_project, counted):
    for key in ("budget", "funding"):
        step1.pop(key, None)
    result = validate_file(write_project(step1))
    assert result.project is not None
    assert counted["plan"] == 0
