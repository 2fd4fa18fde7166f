"""The coverage core: cell states in both views, hours, order and labels, W050, JSON shape, picture."""

from __future__ import annotations

import copy
import hashlib
import os
import struct
import subprocess
import sys
import zlib
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ptms_cli.coverage import STATES, coverage_as_dict, coverage_matrix, coverage_png
from ptms_cli.model import Project
from ptms_cli.validation import validate_file

SECTORS = [{"id": s, "name": f"Secteur {s.upper()}"} for s in ("a", "b", "c", "d")]


def make(partners=(), actors=(), service=None, custom_fields=None, sectors=SECTORS) -> Project:
    data = {
        "schema_version": 1,
        "name": "Essai",
        "territory": {"name": "Ville", "kind": "commune", "sectors": list(sectors)},
        "partners": list(partners),
        "actors": list(actors),
    }
    if service is not None:
        data["service"] = service
    if custom_fields:
        data["custom_fields"] = custom_fields
    return Project.model_validate(data)


def partner(pid, *needs):
    return {"id": pid, "name": pid.title(), "kind": "commune", "needs": list(needs)}


def need(field, sectors, hours=None):
    out = {"field": field, "sectors": sectors}
    if hours is not None:
        out["hours_per_week"] = hours
    return out


def actor(aid, fields, sectors, hours=None):
    out = {"id": aid, "name": aid.title(), "fields": fields, "sectors": sectors}
    if hours is not None:
        out["hours_per_week"] = hours
    return out


def service(*sectors, fields=("habitat_collectif",)):
    return {"name": "Service", "operator": "ville", "fields": list(fields), "sectors": list(sectors)}


def sector(sid, hours, fields=()):
    return {"sector": sid, "hours_per_week": hours, "fields": list(fields)}


# A small territory where every state of both views occurs:
#   habitat x a: need, no actor, service            -> before gap,     after planned
#   habitat x b: one actor, no need, no service     -> before once,    after coordinated
#   habitat x c: two actors + need, service         -> before overlap, after planned
#   habitat x d: need, nobody, no service           -> before gap,     after gap
#   emploi  x c: two actors, no need, no service    -> before overlap, after coordinated
#   emploi  x d: need of 10 h, service of 4 h       -> before gap,     after partial
#   emploi  x a/b: nothing                          -> none in both views
def every_state() -> Project:
    return make(
        partners=[partner("ville", need("habitat_collectif", ["a", "c"], 10), need("habitat_collectif", ["d"]),
                          need("emploi", ["d"], 10))],
        actors=[actor("x", ["habitat_collectif"], ["b", "c"], 20), actor("y", ["habitat_collectif", "emploi"], ["c"], 8),
                actor("z", ["emploi"], ["c"])],
        service=service(sector("a", 6), sector("c", 9), sector("d", 4, ["emploi"])),
    )


EXPECTED = {
    ("habitat_collectif", "a"): ("gap", "planned"),
    ("habitat_collectif", "b"): ("once", "coordinated"),
    ("habitat_collectif", "c"): ("overlap", "planned"),
    ("habitat_collectif", "d"): ("gap", "gap"),
    ("emploi", "c"): ("overlap", "coordinated"),
    ("emploi", "a"): ("none", "none"),
    ("emploi", "b"): ("none", "none"),
    ("emploi", "d"): ("gap", "partial"),
}


def test_every_cell_state_in_both_views():
    m = coverage_matrix(every_state())
    got = {key: (c.before, c.after) for key, c in m.cells.items()}
    assert got == EXPECTED
    seen_before = {b for b, _ in got.values()}
    seen_after = {a for _, a in got.values()}
    assert seen_before == set(STATES["before"]) and seen_after == set(STATES["after"])


def test_overlap_without_need_is_still_an_overlap():
    m = coverage_matrix(make(actors=[actor("x", ["emploi"], ["a"]), actor("y", ["emploi"], ["a"])]))
    c = m.cell("emploi", "a")
    assert not c.need and c.before == "overlap" and c.actors == ["x", "y"]


def test_hours_are_shared_equally_over_cells():
    m = coverage_matrix(every_state())
    # need of 10 h over sectors a and c; need without hours on d
    assert m.cell("habitat_collectif", "a").needed_hours == 5
    assert m.cell("habitat_collectif", "c").needed_hours == 5
    assert m.cell("habitat_collectif", "d").needed_hours is None
    # actor x: 20 h over 1 field x 2 sectors; actor y: 8 h over 2 fields x 1 sector; z: no hours
    assert m.cell("habitat_collectif", "b").actor_hours == 10
    assert m.cell("habitat_collectif", "c").actor_hours == 10 + 4
    assert m.cell("emploi", "c").actor_hours == 4  # z adds nothing known
    # service: one field per sector
    assert m.cell("habitat_collectif", "a").planned_hours == 6
    assert m.cell("habitat_collectif", "c").planned_hours == 9
    assert m.cell("habitat_collectif", "b").planned_hours is None


def test_service_sector_without_fields_covers_every_service_field():
    p = make(service=service(sector("a", 12), fields=("habitat_collectif", "emploi", "transports")))
    m = coverage_matrix(p)
    assert [f for f, _ in m.fields] == ["transports", "emploi", "habitat_collectif"]
    assert all(m.cell(f, "a").planned_hours == 4 and m.cell(f, "a").after == "planned" for f, _ in m.fields)


@settings(max_examples=40, deadline=None)
@given(
    hours=st.decimals(min_value=0, max_value=500, places=2),
    n_fields=st.integers(1, 4),
    n_sectors=st.integers(1, 4),
)
def test_actor_hours_shares_add_up_to_the_total(hours, n_fields, n_sectors):
    fields = ["emploi", "transports", "sante", "habitat_collectif"][:n_fields]
    sectors = ["a", "b", "c", "d"][:n_sectors]
    m = coverage_matrix(make(actors=[actor("x", fields, sectors, float(hours))]))
    total = sum(c.actor_hours for c in m.cells.values())
    assert total == Fraction(str(float(hours)))
    assert len(m.cells) == n_fields * n_sectors


def test_rows_and_columns_follow_referential_then_declaration_order():
    p = make(
        partners=[partner("ville", need("numerique", ["d"]), need("acces_droits", ["b"]), need("transports", ["d"]))],
        custom_fields={"numerique": "Médiation numérique"},
    )
    m = coverage_matrix(p)
    assert m.fields == [("transports", "Transports en commun"), ("acces_droits", "Accès aux droits"),
                        ("numerique", "Médiation numérique")]
    assert m.sectors == [("b", "Secteur B"), ("d", "Secteur D")]  # only the sectors that appear, territory order
    assert list(m.cells) == [(f, s) for f in ("transports", "acces_droits", "numerique") for s in ("b", "d")]


def test_need_without_sectors_concerns_the_whole_territory():
    m = coverage_matrix(make(partners=[partner("ville", need("emploi", [], 8))]))
    assert [s for s, _ in m.sectors] == ["a", "b", "c", "d"]
    assert all(m.cell("emploi", s).needed_hours == 2 and m.cell("emploi", s).before == "gap" for s in "abcd")


def test_uncovered_needs_only_once_a_service_exists():
    needs = [partner("ville", need("habitat_collectif", ["a", "b"]), need("emploi", ["a"]))]
    assert coverage_matrix(make(partners=needs)).uncovered_needs == []
    m = coverage_matrix(make(partners=needs, service=service(sector("a", 5))))
    got = [(u.partner, u.need_index, u.field, u.sector) for u in m.uncovered_needs]
    assert got == [("ville", 0, "habitat_collectif", "b"), ("ville", 1, "emploi", "a")]
    assert m.has_service and m.summary("after")["planned"] == 1


def test_without_service_after_view_shows_only_coordination():
    m = coverage_matrix(make(partners=[partner("ville", need("emploi", ["a"]))], actors=[actor("x", ["sante"], ["a"])]))
    assert not m.has_service
    assert m.summary("after") == {"planned": 0, "partial": 0, "coordinated": 1, "gap": 1, "none": 0}
    assert m.cell("emploi", "a").after == "gap" and m.cell("sante", "a").after == "coordinated"


def test_intercommunal_example_shows_overlap_and_gaps_resolved(intercommunal):
    m = coverage_matrix(Project.model_validate(intercommunal))
    habitat = m.cell("habitat_collectif", "briqueterie")
    assert (habitat.before, habitat.after) == ("overlap", "planned") and len(habitat.actors) == 2
    for f, s in [("scolaire_jeunesse", "trois-ponts"), ("acces_droits", "sailly"), ("transports", "marcq-centre")]:
        c = m.cell(f, s)
        assert (c.before, c.after) == ("gap", "planned"), (f, s)
    assert m.summary("after")["gap"] == 0 and m.uncovered_needs == []


# --- JSON shape -------------------------------------------------------------------------------

def test_json_shape_is_stable():
    doc = coverage_as_dict(coverage_matrix(every_state()))
    assert set(doc) == {"version", "project", "has_service", "views", "states", "fields", "sectors", "cells",
                        "uncovered_needs", "summary"}
    assert doc["version"] == 1 and doc["has_service"] is True
    assert doc["views"] == {"before": "Sans projet territorial", "after": "Avec projet territorial"}
    assert set(doc["states"]) == {"before", "after"}
    assert doc["fields"][0] == {"id": "emploi", "label": "Emploi"}
    assert doc["sectors"][0] == {"id": "a", "label": "Secteur A"}
    assert len(doc["cells"]) == len(doc["fields"]) * len(doc["sectors"])
    cell = next(c for c in doc["cells"] if (c["field"], c["sector"]) == ("habitat_collectif", "c"))
    assert cell == {"field": "habitat_collectif", "sector": "c", "need": True,
                    "needs": [{"partner": "ville", "need_index": 0}], "actors": ["x", "y"],
                    "needed_hours": 5.0, "actor_hours": 14.0, "planned_hours": 9.0,
                    "before": "overlap", "after": "planned"}
    assert doc["uncovered_needs"] == [{"partner": "ville", "partner_index": 0, "need_index": 1,
                                       "field": "habitat_collectif", "sector": "d"}]
    assert doc["summary"]["before"] == {"gap": 3, "once": 1, "overlap": 2, "none": 2}
    assert doc["summary"]["after"] == {"planned": 2, "partial": 1, "coordinated": 2, "gap": 1, "none": 2}
    import json

    assert json.loads(json.dumps(doc)) == doc


# --- W050 in ptms validate --------------------------------------------------------------------

def test_w050_for_each_need_the_service_misses(write_project, commune):
    data = copy.deepcopy(commune)
    # the service of the commune example no longer covers access to rights in "faubourg"
    faubourg = next(s for s in data["service"]["sectors"] if s["sector"] == "faubourg")
    faubourg["fields"] = ["tranquillite_publique"]
    path = write_project(data)
    result = validate_file(path)
    w050 = [f for f in result.findings if f.code == "PTMS-W050"]
    assert len(w050) == 1 and w050[0].severity.value == "warning"
    assert "Accès aux droits" in w050[0].message and "secteur « faubourg »" in w050[0].hint
    # located at the need (the list item « - field: acces_droits » of that partner)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[w050[0].line - 1].strip() == "- field: acces_droits"
    assert w050[0].path.endswith("needs[0]")
    assert result.errors == 0


def test_w050_hint_names_the_missing_sector(write_project, intercommunal):
    data = copy.deepcopy(intercommunal)
    data["service"]["sectors"] = [s for s in data["service"]["sectors"] if s["sector"] != "ligne-3"]
    w050 = [f for f in validate_file(write_project(data)).findings if f.code == "PTMS-W050"]
    assert len(w050) == 1 and "« transmarque »" in w050[0].message
    assert "Ajoutez le secteur « ligne-3 »" in w050[0].hint and "agents-transmarque" in w050[0].hint


# --- Partly covered: the third state of the after view, and W052 ----------------------------------

def test_fewer_planned_hours_than_needed_is_partly_covered_not_covered():
    p = make(partners=[partner("ville", need("emploi", ["a"], 20))], service=service(sector("a", 8.6), fields=("emploi",)))
    c = coverage_matrix(p).cell("emploi", "a")
    assert (c.after, c.planned_hours, c.needed_hours) == ("partial", Fraction("8.6"), 20)
    enough = make(partners=[partner("ville", need("emploi", ["a"], 20))], service=service(sector("a", 20), fields=("emploi",)))
    assert coverage_matrix(enough).cell("emploi", "a").after == "planned"
    unknown = make(partners=[partner("ville", need("emploi", ["a"]))], service=service(sector("a", 1), fields=("emploi",)))
    assert coverage_matrix(unknown).cell("emploi", "a").after == "planned"  # no hours needed: nothing to compare


def test_coordinated_actors_hours_count_with_the_service():
    p = make(partners=[partner("ville", need("emploi", ["a"], 20))], actors=[actor("x", ["emploi"], ["a"], 12)],
             service=service(sector("a", 8.6), fields=("emploi",)))
    assert coverage_matrix(p).cell("emploi", "a").after == "planned"  # 8,6 h + 12 h >= 20 h


def test_partial_cell_text_and_summary():
    from ptms_cli.coverage import cell_lines, view_summary

    m = coverage_matrix(every_state())
    assert cell_lines(m.cell("emploi", "d"), "after") == ["service partiel", "4 h", "besoin 10 h"]
    assert view_summary(m, "after") == ("3 cases couvertes par le service (1 en partie), 2 cases par des acteurs "
                                        "coordonnés, 1 besoin non couvert")
    assert STATES["after"]["partial"].startswith("Partiellement couvert")


def test_w052_on_the_service_sector_names_the_hours(write_project, commune):
    path = write_project(commune)
    w052 = [f for f in validate_file(path).findings if f.code == "PTMS-W052"]
    assert len(w052) == 1
    f = w052[0]
    assert "« Tranquillité publique » à « Centre-ville et gare », 5 h prévues pour 15 h de besoin" in f.message
    k = next(i for i, s in enumerate(commune["service"]["sectors"]) if s["sector"] == "centre-ville")
    assert f.path == f"service.sectors[{k}].hours_per_week"
    assert path.read_text(encoding="utf-8").splitlines()[f.line - 1].strip().startswith("hours_per_week:")
    centre = commune["service"]["sectors"][k]
    centre["hours_per_week"] = 15 * len(centre.get("fields") or commune["service"]["fields"])
    assert "PTMS-W052" not in [f.code for f in validate_file(write_project(commune)).findings]


def test_no_w050_without_service_or_when_covered(write_project, step1, intercommunal, commune):
    for data in (step1, intercommunal, commune):
        assert "PTMS-W050" not in [f.code for f in validate_file(write_project(data)).findings]


# --- picture ----------------------------------------------------------------------------------

def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def png_chunks(data: bytes) -> list[bytes]:
    out, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        out.append(kind + body[:40])
        pos += 12 + length
    return out


@pytest.fixture(scope="module")
def intercommunal_project():
    from conftest import load_example

    return Project.model_validate(load_example("agglo-val-de-marque.yaml"))


@pytest.mark.slow
def test_png_is_valid_and_sized_for_a_page(intercommunal_project):
    both = coverage_png(intercommunal_project)
    before = coverage_png(intercommunal_project, "before")
    width, height = png_size(both)
    assert width == 1260  # 16 cm at 200 dpi
    assert 1260 / 2 < height <= 23 / 2.54 * 200  # both views fit on one A4 page (< 23 cm high)
    assert png_size(before)[0] == 1260 and png_size(before)[1] < height
    chunks = png_chunks(both)
    assert chunks[-1].startswith(b"IEND")
    assert not any(c.startswith((b"tEXt", b"iTXt", b"tIME")) and b"Software" in c for c in chunks)
    assert not any(c.startswith(b"tIME") for c in chunks)
    assert coverage_png(intercommunal_project, "after") != before


def test_png_rejects_unknown_view(intercommunal_project):
    with pytest.raises(ValueError):
        coverage_png(intercommunal_project, "pendant")


@pytest.mark.slow
def test_png_is_byte_identical_across_runs_and_processes(intercommunal_project, tmp_path):
    first = coverage_png(intercommunal_project)
    assert coverage_png(intercommunal_project) == first
    script = (
        "import sys, hashlib; from conftest import load_example; from ptms_cli.model import Project;"
        "from ptms_cli.coverage import coverage_png;"
        "p = Project.model_validate(load_example('agglo-val-de-marque.yaml'));"
        "sys.stdout.write(hashlib.sha256(coverage_png(p)).hexdigest())"
    )
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl"), "PYTHONPATH": os.path.dirname(__file__)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=True)
    assert out.stdout == hashlib.sha256(first).hexdigest()
