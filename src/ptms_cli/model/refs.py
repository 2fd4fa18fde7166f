"""References declared once, on the model: `Annotated[..., Ref("partners")]` on every field whose value
is the id of a partner, a sector, an objective, a post type or a field of intervention.

Everything about references derives from these markers: the reference check (`checks.references`,
`checks.fields`), the wizard's choice lists and the natural keys of answer merging
(`wizard.questions`), and `usages(project, kind, id)`, every place an id is used.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from pydantic import BaseModel


@dataclass(frozen=True)
class Ref:
    """Marker: the field (or each item of the list) is the id of an item of `kind` (a key of `TARGETS`)."""

    kind: str
    label: str = ""  # how a finding names the field (« partenaire pilote »); default: the noun of `kind`
    checked: bool = True  # False: a rule of its own checks it (`service.operator`: PTMS-E032)

    @property
    def noun(self) -> str:
        return TARGETS[self.kind][1]

    @property
    def name(self) -> str:
        return self.label or self.noun


# kind -> (where the targets are defined in the project, as YAML keys (None: the referential's
# fields and `custom_fields`), French noun)
TARGETS: dict[str, tuple[tuple[str, ...] | None, str]] = {
    "partners": (("partners",), "partenaire"),
    "sectors": (("territory", "sectors"), "secteur"),
    "objectives": (("objectives",), "objectif"),
    "post_types": (("budget", "post_types"), "type de poste"),
    "posts": (("service", "posts"), "poste"),
    "fields": (None, "champ d'intervention"),
    "indicators": (("evaluation", "indicators"), "indicateur"),
}


class Key(str):
    """The last part of the location of a reference that is a mapping's key (`results: {indicateur: …}`,
    `actuals: {2027: {received: {partenaire: …}}}`): renaming the id renames the key."""


def key_ref_of(field: Any) -> Ref | None:
    """The `Ref` marker on the keys of a mapping field (`dict[Annotated[Id, Ref(...)], …]`), or None."""
    annotation = field.annotation
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is not dict:
        return None
    key = typing.get_args(annotation)[0]
    if typing.get_origin(key) is not typing.Annotated:
        return None
    return next((m for m in typing.get_args(key)[1:] if isinstance(m, Ref)), None)


def ref_of(field: Any) -> Ref | None:
    """The `Ref` marker of a pydantic field, or None."""
    return next((m for m in field.metadata if isinstance(m, Ref)), None)


def reference_fields(model: type[BaseModel]) -> dict[str, Ref]:
    """Attribute name -> `Ref` of every reference field of `model`."""
    return {name: ref for name, field in model.model_fields.items() if (ref := ref_of(field)) is not None}


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def model_classes(model: type[BaseModel]) -> list[type[BaseModel]]:
    """`model` and every model class nested in its fields, each once, depth first."""
    out: list[type[BaseModel]] = []

    def visit(m: type[BaseModel]) -> None:
        if m in out:
            return
        out.append(m)
        for field in m.model_fields.values():
            for sub in _models_in(field.annotation):
                visit(sub)

    visit(model)
    return out


def reference_map(model: type[BaseModel]) -> dict[tuple[str, str], Ref]:
    """(model class name, attribute name) -> `Ref` for `model` and every model nested in it."""
    return {(m.__name__, name): ref for m in model_classes(model) for name, ref in reference_fields(m).items()}


class Reference(NamedTuple):
    loc: tuple  # path in the project: YAML keys and list indexes
    ref: Ref
    value: Any  # the referenced id, or None
    title: str  # French title of the field (« Partenaire pilote »)


def references(node: BaseModel, loc: tuple = ()) -> Iterator[Reference]:
    """Every reference in `node`, in the order of the model's fields."""
    for name, field in type(node).model_fields.items():
        value = getattr(node, name)
        key = loc + (field.alias or name,)
        ref = ref_of(field)
        if ref is not None:
            if isinstance(value, list):
                for j, item in enumerate(value):
                    yield Reference(key + (j,), ref, item, field.title or name)
            else:
                yield Reference(key, ref, value, field.title or name)
        elif isinstance(value, BaseModel):
            yield from references(value, key)
        elif isinstance(value, list):
            for j, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from references(item, key + (j,))
        elif isinstance(value, dict):
            keyed = key_ref_of(field)
            for k, item in value.items():
                if keyed is not None:
                    yield Reference(key + (Key(k),), keyed, k, field.title or name)
                if isinstance(item, BaseModel):
                    yield from references(item, key + (k,))


def usages(project: BaseModel, kind: str, ident: str) -> list[tuple[tuple, str]]:
    """Every place `ident` (an id of `kind`: partners, sectors, objectives, post_types, fields,
    indicators) is used in `project`: (path, French title of the field), in the order of the model; a
    path ending in a `Key` is a mapping's key. For renaming or removing an id safely."""
    if kind not in TARGETS:
        raise ValueError(f"type de référence inconnu : {kind}")
    return [(r.loc, r.title) for r in references(project) if r.ref.kind == kind and r.value == ident]
