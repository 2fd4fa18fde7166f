"""The JSON Schema of the project file, generated from the model (French titles and help)."""

from __future__ import annotations

from typing import Any

from .model import SCHEMA_VERSION

SCHEMA_ID = f"https://ptms.example/schema/ptms-project-v{SCHEMA_VERSION}.json"


def project_schema() -> dict[str, Any]:
    from .model import Project

    schema = Project.model_json_schema(mode="validation")
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        **schema,
        "description": (
            "Fichier projet ptms : un territoire, ses partenaires, le service mutualisé de médiation "
            "sociale, son financement pluriannuel, sa gouvernance et la convention unique."
        ),
    }
    _year_keys(schema, Project)
    return schema


def _year_keys(schema: dict[str, Any], model: Any) -> None:
    """Maps marked `YearKeyed` on the model (`YearAmounts`) accept only 4-digit year keys.

    Added after pydantic has written (and sorted) the schema, so that the key comes last."""
    from .model.base import YearKeyed
    from .model.refs import model_classes

    for m in model_classes(model):
        node = schema if m is model else schema["$defs"][m.__name__]
        for name, field in m.model_fields.items():
            if any(isinstance(x, YearKeyed) for x in field.metadata):
                node["properties"][field.alias or name]["propertyNames"] = {"pattern": "^[0-9]{4}$"}
