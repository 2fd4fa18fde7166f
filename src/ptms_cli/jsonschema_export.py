"""The JSON Schema of the project file, generated from the model (French titles and help)."""

from __future__ import annotations

from typing import Any

SCHEMA_ID = "https://ptms.example/schema/ptms-project-v1.json"


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
    _year_keys(schema)
    return schema


def _year_keys(node: Any) -> None:
    """Year-keyed maps (YearAmounts) accept only 4-digit year keys."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "additionalProperties" in node and "properties" not in node:
            title = str(node.get("title", ""))
            if "année" in title.lower():
                node["propertyNames"] = {"pattern": "^[0-9]{4}$"}
        for value in node.values():
            _year_keys(value)
    elif isinstance(node, list):
        for value in node:
            _year_keys(value)
