"""Capacity: weekly presence promised in the sectors against the mediators' FTE of each year (PTMS-W051)."""

from __future__ import annotations

import copy
from datetime import date
from fractions import Fraction

from ptms_cli import staffing
from ptms_cli.model import Project
from ptms_cli.validation import validate_file


def with_team(commune: dict, hours: list[float], posts: list[dict]) -> dict:
    data = copy.deepcopy(commune)
    sectors = data["service"]["sectors"]
    for sec, h in zip(sectors, hours):
        sec["hours_per_week"] = h
    del sectors[len(hours):]
    data["service"]["posts"] = posts
    return data


TEAM = [
    {"id": "coord", "title": "Coordinatrice du service", "contract": "cdi"},
    {"id": "med", "title": "Médiateur social", "contract": "cdi", "count": 2},
    {"id": "renfort", "title": "Médiateur social", "contract": "cdi", "end": date(2027, 12, 31)},
]


def test_the_year_where_presence_breaks_is_named_with_its_numbers(write_project, commune):
    path = write_project(with_team(commune, [40, 20], TEAM))  # 60 h a week over 2026-2028
    found = [f for f in validate_file(path).findings if f.code == "PTMS-W051"]
    assert len(found) == 1
    f = found[0]
    # 2026 and 2027: 3 mediators (the coordinator does not count) -> 20 h each, within 26,25 h
    assert "en 2026" not in f.message and "en 2027" not in f.message
    assert "en 2028 : 60 h de présence pour 2 ETP de médiateurs, soit 30 h par ETP, au-delà de 26,25 h" in f.message
    assert f.path == "service.sectors"
    assert path.read_text(encoding="utf-8").splitlines()[f.line - 1].strip().startswith("sectors:")
    assert "75 % de 35 h" in f.hint


def test_presence_within_capacity_raises_nothing(write_project, commune):
    path = write_project(with_team(commune, [40, 12.75], TEAM))  # 52,75 h in 2028 > 2 x 26,25 h = 52,5 h
    assert any(f.code == "PTMS-W051" for f in validate_file(path).findings)
    path = write_project(with_team(commune, [40, 12.5], TEAM))  # exactly 2 x 26,25 h in 2028: allowed
    assert not any(f.code == "PTMS-W051" for f in validate_file(path).findings)


def test_supervisors_and_coordinators_are_not_mediators():
    for title in ("Coordinateur", "Chef de service", "Responsable d'équipe", "Encadrante", "Directeur"):
        assert not staffing.is_mediator(Project.model_validate({"schema_version": 1, "name": "x", "territory": {
            "name": "V", "kind": "commune"}, "service": {"name": "S", "operator": "v", "posts": [
                {"id": "a", "title": title}]}}).service.posts[0]), title
    p = Project.model_validate({"schema_version": 1, "name": "x", "territory": {"name": "V", "kind": "commune"},
                                "budget": {"post_types": [{"id": "enc", "label": "Encadrement", "yearly_cost": 50000}]},
                                "service": {"name": "S", "operator": "v", "posts": [
                                    {"id": "a", "title": "Agent", "post_type": "enc"}, {"id": "b", "title": "Médiatrice"}]}})
    assert [staffing.is_mediator(x, p) for x in p.service.posts] == [False, True]


def test_a_year_without_mediator_is_reported(write_project, commune):
    team = [{"id": "med", "title": "Médiateur social", "contract": "cdi", "start": date(2027, 1, 1)}]
    f = next(f for f in validate_file(write_project(with_team(commune, [20], team))).findings if f.code == "PTMS-W051")
    assert "en 2026 : 20 h de présence sans aucun ETP de médiateur" in f.message
    assert "en 2027" not in f.message


def test_capacity_per_fte_is_75_percent_of_35_hours():
    assert staffing.FIELD_HOURS_PER_FTE == Fraction(105, 4)  # 26,25 h


def test_shipped_example_breaks_in_the_years_its_posts_end(intercommunal):
    p = Project.model_validate(intercommunal)
    breaches = staffing.capacity(p, staffing.compute(p))
    assert [b.year.label for b in breaches] == ["2027", "2028"]
    last = breaches[-1]
    assert (last.presence, last.mediators) == (242, 7)  # 6 CDI + 1 adulte-relais; the coordinator does not count
