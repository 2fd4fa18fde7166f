"""How a field is typed and shown in French: the form of a number or a date field, from the model.

The form is derived from the field's annotation (one definition): a `Money` is an amount
(« 30 000 € »), a `Decimal` bounded by 1 is a rate typed as a percentage (« 2,5 % », stored 0.025),
a `date` is typed JJ/MM/AAAA or « 1er juillet 2026 », an `int` accepts « 24 000 ». Parsing is
`frinput`'s; `display` gives a value back in the form the user types (it parses to the same value).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..frformat import NBSP, number
from . import frinput
from .frinput import FrInputError

# Fields whose annotation says less than their meaning: an FTE is a share of a full time (« 0,8 »),
# a weight of the allocation key is a number (« 60 »), the part of a payment is already in percent.
OVERRIDES: dict[tuple[str, str], str] = {
    ("Post", "fte"): "decimal",
    ("Supervision", "fte"): "decimal",
    ("AllocationShare", "weight"): "decimal",
    ("Installment", "percent"): "points",
}


def _metadata(model: type[BaseModel], name: str) -> list:
    """Constraints and validators of a field, also those inside `Annotated[...] | None`."""
    field = model.model_fields[name]
    out = list(field.metadata)

    def visit(annotation: Any) -> None:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            for m in args[1:]:
                out.append(m)
                out.extend(getattr(m, "metadata", []) or [])
            visit(args[0])
        elif origin is not None and origin is not list and origin is not dict:
            for arg in typing.get_args(annotation):
                visit(arg)

    visit(field.annotation)
    return out


def _base(model: type[BaseModel], name: str) -> Any:
    annotation = model.model_fields[name].annotation
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def bound(model: type[BaseModel], name: str, which: str) -> Any:
    """The `le`/`ge`/`lt`/`gt` bound of a field, or None."""
    return next((getattr(m, which) for m in _metadata(model, name) if getattr(m, which, None) is not None), None)


def form_of(model: type[BaseModel], name: str) -> str | None:
    """amount | percent | points | date | year | integer | decimal | None (plain text)."""
    if (model.__name__, name) in OVERRIDES:
        return OVERRIDES[(model.__name__, name)]
    base = _base(model, name)
    if base is dt.date:
        return "date"
    if base is int:
        return "year" if name == "year" or (name.endswith("_year") and not name.endswith("per_year")) else "integer"
    if base is Decimal:
        from ..model.base import _to_cents

        if any(getattr(m, "func", None) is _to_cents for m in _metadata(model, name)):
            return "amount"
        top = bound(model, name, "le")
        if top is not None and Decimal(top) <= 1:
            return "percent"
        return "decimal"
    return None


def parse(form: str, text: str) -> Any:
    """The typed text -> value of the field (Decimal fraction for a percent), or FrInputError."""
    if form == "amount":
        return frinput.parse_amount(text)
    if form == "percent":
        return frinput.parse_percent(text)
    if form == "points":
        return frinput.parse_percent(text).scaleb(2)
    if form == "date":
        return frinput.parse_date(text)
    if form == "year":
        cleaned = frinput._clean(text, "2026")
        if not cleaned.isdigit():
            raise FrInputError(f"« {text} » : une année sur quatre chiffres est attendue (ex. 2026)")
        return int(cleaned)
    cleaned = frinput._clean(text, "24 000" if form == "integer" else "0,8")
    value = frinput._decimal(cleaned, "24 000" if form == "integer" else "0,8")
    if form == "integer":
        if value != value.to_integral_value():
            raise FrInputError(f"« {text} » : un nombre entier est attendu (ex. 24 000)")
        return int(value)
    return value


def _plain(value: Decimal) -> str:
    value = Decimal(value)
    digits = max(0, -value.normalize().as_tuple().exponent)  # type: ignore[operator]  # finite
    return number(value, digits)


def display(form: str | None, value: Any) -> str:
    """A value in the French form the user types: « 30 000,00 € », « 2,5 % », « 01/07/2026 », « 0,8 »."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(display(form, v) for v in value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    try:
        if form == "amount":
            return frinput.show_amount(Decimal(str(value)))
        if form == "percent":
            return frinput.show_percent(Decimal(str(value)))
        if form == "points":
            return _plain(Decimal(str(value))) + NBSP + "%"
        if isinstance(value, dt.date):
            return frinput.show_date(value)
        if form == "integer" and isinstance(value, int):
            return number(value, 0)
        if isinstance(value, (Decimal, float)) or form == "decimal" and isinstance(value, int):
            return _plain(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        pass
    return str(value)


def hint(model: type[BaseModel], name: str, form: str | None) -> str | None:
    """How to type a value of this form, with its bounds in French (None: nothing to say)."""
    if form == "percent":
        top = bound(model, name, "le")
        limit = f" ; au plus {frinput.show_percent(Decimal(top))}" if top is not None and Decimal(top) < 1 else ""
        return f"En pourcentage, ex. 2 ou 2,5 %{limit}."
    if form == "points":
        return "En pourcentage, ex. 60 ou 60 %."
    if form == "date":
        return "Date : JJ/MM/AAAA, ex. 01/07/2026, ou « 1er juillet 2026 »."
    if form == "amount":
        return "Montant en euros, ex. 30 000 ou 1 234,56 €."
    return None


def strip_format_help(text: str | None, form: str | None) -> str | None:
    """The model's help without what the wizard says better (« Date ISO, ex. 2026-01-01. », « ex. 0.07 »)."""
    import re

    if not text or form not in ("percent", "date", "amount", "points", "decimal"):
        return text
    sentences = re.split(r"(?<=[.)])\s+", text)
    kept = [s for s in sentences if not re.search(r"ISO|\d\.\d|AAAA|^\d{4}-\d\d-\d\d\.?$", s)]  # « ex. 2026-01-01. » too
    out = " ".join(kept).strip()
    return out or None
