"""References declared once on the model (`model.refs.Ref`): check, wizard choices, usages."""

from __future__ import annotations

import copy

import pytest

from ptms_cli.model import Project
from ptms_cli.model.refs import TARGETS, reference_map, usages
from ptms_cli.wizard.questions import REFERENCES, natural_key, question


def test_every_reference_names_a_known_kind_and_the_wizard_derives_its_choices():
    refs = reference_map(Project)
    assert refs and {r.kind for r in refs.values()} <= set(TARGETS)
    assert REFERENCES == {k: r.kind for k, r in refs.items()}
    from ptms_cli.model.funding import Contribution
    from ptms_cli.model.service import Post

    assert question(Post, "post_type").reference == "post_types"
    assert natural_key(Contribution) == "partner"


def test_usages_lists_every_place_a_partner_is_used(intercommunal):
    p = Project.model_validate(intercommunal)
    pid = p.lead_partner
    found = usages(p, "partners", pid)
    assert (("lead_partner",), "Partenaire pilote") in found
    locs = [loc for loc, _ in found]
    # every path leads to the id itself
    for loc in locs:
        node = intercommunal
        for k in loc:
            node = node[k]
        assert node == pid
    # and every occurrence of the id under a reference is found: count them in the plain data
    assert len(locs) == len(set(locs)) >= 3


def test_usages_of_a_sector_and_an_unused_id(intercommunal):
    d = copy.deepcopy(intercommunal)
    p = Project.model_validate(d)
    sector = p.territory.sectors[0].id
    found = usages(p, "sectors", sector)
    assert found and all(loc[-1] != "id" for loc, _ in found)
    assert usages(p, "objectives", "nobody-has-this-id") == []
    with pytest.raises(ValueError):
        usages(p, "unicorns", "x")


def test_reference_check_reads_the_markers(write_project, intercommunal):
    from ptms_cli.validation import validate_file

    d = copy.deepcopy(intercommunal)
    d["governance"]["steering_committee"]["chair"] = "inconnu"
    f = next(f for f in validate_file(write_project(d)).findings if f.code == "PTMS-E021")
    assert f.path == "governance.steering_committee.chair" and f.message.startswith("présidence « inconnu »")


def _patterns(model) -> set[str]:
    """Every regex pattern of the model's fields (field constraints and `Annotated` types)."""
    import typing

    from ptms_cli.model.refs import model_classes

    found: set[str] = set()

    def scan(obj) -> None:
        pattern = getattr(obj, "pattern", None)
        if isinstance(pattern, str):
            found.add(pattern)
        for arg in typing.get_args(obj):
            scan(arg)
        if typing.get_origin(obj) is typing.Annotated:
            for meta in obj.__metadata__:
                scan(meta)

    for m in model_classes(model):
        for f in m.model_fields.values():
            scan(f.annotation)
            for meta in f.metadata:
                scan(meta)
    return found


def test_every_pattern_of_the_model_has_its_declared_message():
    from pydantic import TypeAdapter, ValidationError

    from ptms_cli.model.base import PATTERN_MESSAGES
    from ptms_cli.schema_errors import _message

    assert _patterns(Project) == set(PATTERN_MESSAGES)
    for pattern, message in PATTERN_MESSAGES.items():
        from typing import Annotated

        from pydantic import StringConstraints

        with pytest.raises(ValidationError) as exc:
            TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)]).validate_python("É !")
        assert _message(exc.value.errors()[0]) == message


def test_year_keyed_maps_are_marked_not_guessed_from_titles():
    from ptms_cli.jsonschema_export import project_schema
    from ptms_cli.model.funding import Contribution

    schema = project_schema()
    assert schema["$defs"]["Contribution"]["properties"]["amounts"]["propertyNames"] == {"pattern": "^[0-9]{4}$"}
    # a title with « année » alone does not make a map year-keyed
    assert "propertyNames" not in str(schema["$defs"]["Budget"]["properties"].get("base_year", {}))
    assert Contribution.model_fields["amounts"].title == "Montants fixes par année"
