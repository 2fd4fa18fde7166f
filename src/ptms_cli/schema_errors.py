"""Turn pydantic validation errors into located French findings."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from .findings import Finding, error
from .loader import Loaded
from .model.base import PATTERN_MESSAGES


def path_text(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(racine)"


def _unwrap(annotation: Any) -> Any:
    """The model class (if any) reached through Optional / list / dict / Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, dict):
        for arg in typing.get_args(annotation)[::-1]:
            found = _unwrap(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def model_at(root: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that describes the mapping at `loc` (ints are list indexes)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = _field(model, part)
        if field is None:
            return None
        model = _unwrap(field.annotation)
    return model


def _field(model: type[BaseModel], key: str):
    for name, field in model.model_fields.items():
        if (field.alias or name) == key:
            return field
    return None


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def _label(root: type[BaseModel], loc: tuple) -> str:
    keys = [p for p in loc if isinstance(p, str)]
    if not keys:
        return ""
    parent = model_at(root, loc[: max(i for i, p in enumerate(loc) if isinstance(p, str))])
    field = _field(parent, keys[-1]) if parent else None
    return f" ({field.title})" if field is not None and field.title else ""


def _leaf(root: type[BaseModel], loc: tuple):
    """The model field at the end of `loc` (None for a list item or a map value)."""
    if not loc or not isinstance(loc[-1], str):
        return None
    parent = model_at(root, loc[:-1])
    return _field(parent, loc[-1]) if parent else None


def _is_ratio(field) -> bool:
    from .model.base import Ratio

    return any(m is Ratio for m in field.metadata)


_MESSAGES = {
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu (sans décimales)",
    "int_parsing_size": "nombre entier trop long",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "decimal_parsing": "montant ou nombre attendu, avec un point décimal (ex. 12000.50)",
    "decimal_type": "montant ou nombre attendu, avec un point décimal (ex. 12000.50)",
    "string_type": "texte attendu (mettez entre guillemets une valeur comme 16:00, yes ou 2026)",
    "bool_parsing": "oui/non attendu : true ou false",
    "bool_type": "oui/non attendu : true ou false",
    "date_parsing": "date invalide : format AAAA-MM-JJ attendu, avec un jour qui existe (ex. 2026-01-01)",
    "date_from_datetime_parsing": "date invalide : format AAAA-MM-JJ attendu, avec un jour qui existe (ex. 2026-01-01)",
    "date_from_datetime_inexact": "date sans heure attendue (AAAA-MM-JJ)",
    "date_type": "date attendue au format AAAA-MM-JJ (ex. 2026-01-01)",
    "list_type": "liste attendue (éléments précédés de « - »)",
    "dict_type": "dictionnaire attendu (clé: valeur)",
    "model_type": "dictionnaire attendu (clé: valeur)",
    "model_attributes_type": "dictionnaire attendu (clé: valeur)",
    "finite_number": "nombre fini attendu",
}


def _number(value: Any) -> str:
    """A bound of the model in French (« 168 », « 0,5 », « 999 999 999,99 »), never Python's `168.0`."""
    from decimal import Decimal

    from .frformat import exact

    return exact(value) if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else str(value)


def message(err: Mapping[str, Any]) -> str:  # a pydantic `ErrorDetails`
    """The French text of one pydantic error (also for the command line's options, checked by pydantic)."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    bounds = {"greater_than_equal": ("ge", "doit être supérieur ou égal à"),
              "greater_than": ("gt", "doit être strictement supérieur à"),
              "less_than_equal": ("le", "doit être inférieur ou égal à"),
              "less_than": ("lt", "doit être strictement inférieur à")}
    if kind in bounds:
        key, text = bounds[kind]
        return f"{text} {_number(ctx.get(key))}"
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return "texte vide" if least == 1 else f"texte trop court (minimum {_number(least)} caractères)"
    if kind == "string_too_long":
        return f"texte trop long (maximum {_number(ctx.get('max_length'))} caractères)"
    if kind in ("too_short", "too_long"):
        return (f"liste trop courte (au moins {_number(ctx.get('min_length'))} éléments)" if kind == "too_short"
                else f"liste trop longue (au plus {_number(ctx.get('max_length'))} éléments)")
    if kind == "string_pattern_mismatch":
        return PATTERN_MESSAGES.get(str(ctx.get("pattern", "")), "format invalide")
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "literal_error":
        return "valeur non reconnue"
    return "valeur invalide"  # never pydantic's English text


_message = message  # the name the wizard imports


def _shown(value: Any) -> str:
    """A value as the user wrote it in YAML (not its Python form), cut to `MAX_SHOWN` characters."""
    from .reporters import shown

    if value is None or value == "":
        return "vide"
    if isinstance(value, bool):
        return "true" if value else "false"
    return shown(value)


def findings_from(exc: ValidationError, loaded: Loaded, root: type[BaseModel]) -> list[Finding]:
    out: list[Finding] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
        if loc and loc[-1] == "[key]":  # a bad key of a year -> amount map
            loc = loc[:-1]
            line, col = loaded.where(loc, key=True)
            out.append(error("PTMS-E011", f"{path_text(loc[:-1])} : clé « {loc[-1]} » invalide, une année est attendue (ex. 2026)",
                             file=loaded.file, line=line, column=col, path=path_text(loc),
                             hint="Les montants s'écrivent par année : {2026: 12000.00, 2027: 12000.00}."))
            continue
        where = path_text(loc)
        kind = err["type"]
        hint = ""
        if kind == "missing":
            line, col = loaded.where(loc[:-1], key=True)
            msg = f"champ obligatoire « {loc[-1]} »{_label(root, loc)} manquant dans {path_text(loc[:-1])}"
            code = "PTMS-E010"
            field = _field(model_at(root, loc[:-1]) or root, loc[-1]) if isinstance(loc[-1], str) else None
            if field is not None and field.description:
                hint = field.description
        elif kind == "extra_forbidden":
            line, col = loaded.where(loc, key=True)
            code = "PTMS-E012"
            parent = model_at(root, loc[:-1])
            allowed = _keys(parent) if parent else []
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            msg = f"clé inconnue « {loc[-1]} » dans {path_text(loc[:-1])}"
            if close:
                msg += f" : vouliez-vous dire « {close[0]} » ?"
            hint = "Clés possibles : " + ", ".join(allowed) if allowed else ""
        else:
            line, col = loaded.where(loc)
            code = "PTMS-E011"
            value = err.get("input")
            if value is None:
                msg = f"{where}{_label(root, loc)} : valeur vide (la clé est présente sans valeur)"
            elif isinstance(value, list) and kind in ("literal_error", "string_type"):
                msg = f"{where}{_label(root, loc)} : une seule valeur est attendue, pas une liste"
            elif kind == "literal_error":
                msg = f"{where}{_label(root, loc)} : valeur « {_shown(value)} » non reconnue"
            else:
                shown = "" if isinstance(value, (dict, list)) else f" (valeur : « {_shown(value)} »)"
                text = message(err)
                field = _leaf(root, loc)
                if kind in ("decimal_type", "decimal_parsing") and field is not None and _is_ratio(field):
                    text = "nombre attendu, avec un point décimal (ex. 0.02 pour 2 %)"
                    hint = field.description or ""
                msg = f"{where}{_label(root, loc)} : {text}{shown}"
            if kind == "literal_error":
                expected = [e.strip(" '") for e in str(err.get("ctx", {}).get("expected", "")).replace(" or ", ", ").split(",")]
                expected = [e for e in expected if e]
                close = difflib.get_close_matches(str(value), expected, n=1, cutoff=0.5) if isinstance(value, str) else []
                if close:
                    msg += f" ; vouliez-vous dire « {close[0]} » ?"
                hint = "Valeurs possibles : " + ", ".join(expected)
        msg += loaded.note(loc)  # a value reached through an alias: located at the alias, its anchor named
        out.append(error(code, msg, file=loaded.file, line=line, column=col, hint=hint, path=where))
    return out
