"""Questions derived from the model's field metadata: ONE definition of every field.

`title` is the prompt, `description` the help line, a `Literal` of a referential vocabulary becomes a
choice list with the French labels, the model default (or the current value in the file) is the
default answer, and each typed answer is checked by a pydantic `TypeAdapter` of the field's own
annotation and constraints: the very rules `ptms validate` applies, with the same French messages.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined

from .. import referential
from ..model import Project
from ..model.refs import ref_of, reference_map
from ..schema_errors import _message
from ..slug import slug  # noqa: F401  (the wizard engine takes it from here)
from .forms import display, form_of, parse, strip_format_help
from .frinput import FrInputError

# What an identifier field refers to, derived from the `Ref` markers of the model (`model.refs`):
# (model class name, field name) -> kind of target (partners, sectors, objectives, post_types, fields).
REFERENCES: dict[tuple[str, str], str] = {k: ref.kind for k, ref in reference_map(Project).items()}

NONE_LABEL = "(laisser vide)"  # an optional choice left empty: reads right for any field (« aucun » / « aucune »)


@dataclass
class Question:
    model: type[BaseModel]
    name: str  # attribute name
    key: str  # YAML key (alias)
    title: str
    help: str | None
    kind: str  # text | list | select | checkbox | confirm | model | models | years | skip
    optional: bool
    default: Any  # plain default of the model, or None
    vocabulary: str | None = None
    reference: str | None = None
    inner: Any = None  # model class (model/models) or item annotation (list)
    annotation: Any = None
    form: str | None = None  # how a number or a date is typed and shown in French (`forms.form_of`)

    def check(self, value: Any) -> tuple[Any, str | None]:
        """Validate a Python value against the field's own rules: (typed value, French message)."""
        return _validate(_adapter(self.model, self.name), value)

    def check_item(self, value: Any) -> tuple[Any, str | None]:
        return _validate(_item_adapter(self.model, self.name), value)


def _validate(adapter: TypeAdapter, value: Any) -> tuple[Any, str | None]:
    try:
        return adapter.validate_python(value), None
    except ValidationError as exc:
        return None, _message(exc.errors(include_url=False)[0])


@lru_cache(maxsize=None)
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    field = model.model_fields[name]
    if not field.metadata:
        return TypeAdapter(field.annotation)
    annotated = (field.annotation, *field.metadata)
    return TypeAdapter(typing.Annotated[annotated])  # type: ignore[arg-type]  # the type and its constraints


@lru_cache(maxsize=None)
def _item_adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    base, _ = _strip_optional(model.model_fields[name].annotation)
    return TypeAdapter(typing.get_args(base)[0])


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) < len(typing.get_args(annotation)):
            return (args[0] if len(args) == 1 else typing.Union[tuple(args)]), True
    return annotation, False


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def vocabulary_of(annotation: Any) -> str | None:
    """The referential vocabulary whose ids are exactly the `Literal` choices."""
    annotation = _strip_annotated(annotation)
    if typing.get_origin(annotation) is not Literal:
        return None
    values = set(typing.get_args(annotation))
    return next((name for name, vocab in referential.ALL.items() if set(vocab) == values), None)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


# Fields the wizards do not ask (yet): expert settings of the money schemes, the legal clauses and the
# committees' rules, each with a default that makes a complete project; they are written in the YAML
# (see the README). Listed here, by model and field, so a new model field is asked unless added here.
EXPERT_FIELDS = {
    "Budget.indexation", "Budget.indexation_step",
    "Allocation.groups", "Allocation.attributes", "Allocation.attribute", "AllocationShare.weight_by_year",
    "Resource.status", "Resource.decision", "Resource.fallback", "Funding.in_kind",
    "Partner.qpv_population", "Partner.housing_units", "Partner.attributes", "Partner.short_name",
    "Partner.reply_by", "Representative.civility", "Actor.future", "Service.selection_stage",
    "Convention.legal_setup", "Convention.visas", "Convention.replaces", "Convention.version",
    "Convention.version_date", "Convention.entry_into_force", "Convention.lapse_months", "Convention.bank_account",
    "Convention.payers", "Convention.sieg_mandate", "Convention.fungibility_percent", "DataProtection.processing",
    "Committee.quorum", "Committee.proxies_per_member", "Committee.convened_by", "Committee.notice_days",
    "Committee.secretariat", "Committee.minutes_days", "Committee.operator_votes", "Committee.budget_decided_by",
    "Service.selection_criteria",
    # rarely known when the project is written (fewer questions, `benchmarks/wizard_walk_pty.py`)
    "Qpv.code", "Convention.signing_date", "Convention.communication", "Convention.title", "Committee.role",
    # defaults that suit almost every project (fewer questions, `benchmarks/wizard_walk.py`)
    "Budget.base_year", "Budget.indexation_rate", "Budget.lines", "Funding.years", "Funding.jump_threshold",
    "Allocation.nature", "Convention.start", "Convention.duration_years", "Convention.reports_due_months",
    "Convention.termination_notice_months",
}


def advanced_question(model: type[BaseModel], name: str) -> Question | None:
    """The question of an expert field (`EXPERT_FIELDS`), asked only from « Options avancées »; None
    for a field the wizard cannot ask (a mapping of attributes: edit the file)."""
    q = question(model, name, advanced=True)
    return None if q.kind == "skip" else q


@lru_cache(maxsize=None)
def expert_names(model: type[BaseModel]) -> list[str]:
    """The expert fields of `model` that « Options avancées » can ask, in the model's order."""
    return [n for n in model.model_fields
            if f"{model.__name__}.{n}" in EXPERT_FIELDS and advanced_question(model, n) is not None]


def question(model: type[BaseModel], name: str, advanced: bool = False) -> Question:
    field = model.model_fields[name]
    annotation, optional = _strip_optional(field.annotation)
    base = _strip_annotated(annotation)
    origin = typing.get_origin(base)
    default = None
    if field.default is not PydanticUndefined:
        default = field.default
    elif field.default_factory is not None:
        default = field.default_factory()  # type: ignore[call-arg]  # no factory here takes the data
    if isinstance(default, BaseModel):
        default = default.model_dump(by_alias=True, exclude_none=True)
    q = Question(model, name, field.alias or name, field.title or name, field.description, "text",
                 optional or field.default is not PydanticUndefined or field.default_factory is not None,
                 default, annotation=annotation)
    ref = ref_of(field)
    q.reference = ref.kind if ref else None
    q.form = form_of(model, name)
    q.help = strip_format_help(q.help, q.form)
    if f"{model.__name__}.{name}" in EXPERT_FIELDS and not advanced:
        q.kind = "skip"
    elif typing.get_origin(base) is Literal:
        q.kind, q.vocabulary = "select", vocabulary_of(base)
        if q.vocabulary is None:  # a fixed literal (schema_version): not a question
            q.kind = "skip"
    elif base is bool:
        q.kind = "confirm"
    elif _is_model(base):
        q.kind, q.inner = "model", base
    elif origin is list:
        item = typing.get_args(base)[0]
        if _is_model(item):
            q.kind, q.inner = "models", item
        elif vocabulary_of(item):
            q.kind, q.vocabulary = "checkbox", vocabulary_of(item)
        else:
            q.kind, q.inner = "list", item
    elif origin is dict:
        key = typing.get_args(base)[0]
        q.kind = "years" if _strip_annotated(key) is int else "skip"
    elif q.reference and base is str:
        q.kind = "select"
    return q


# --- text answers -----------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?[\d\s\u202f\u00a0]*[.,]?\d*$")


def _numeric(annotation: Any) -> bool:
    base = _strip_annotated(annotation)
    return base in (int, float, Decimal)


def parse_text(q: Question, text: str) -> tuple[Any, str | None]:
    """A typed answer -> (value, French error). Empty means « no value » (default if optional)."""
    text = text.strip()
    if text == "-" and q.optional:  # « - » clears a value (Enter on an empty line keeps the current one)
        return None, None
    if not text:
        if q.optional:
            return None, None
        return None, "réponse obligatoire"
    if q.kind == "list":
        items = [t.strip() for t in text.split(",") if t.strip()]
        out = []
        for item in items:
            value, error = q.check_item(item)
            if error:
                return None, f"« {item} » : {error}"
            out.append(value)
        return q.check(out)
    if q.form and q.kind == "text":
        try:
            typed = parse(q.form, text)
        except FrInputError as exc:
            return None, exc.message
        value, error = q.check(typed)
        if error and q.form in ("percent", "points"):
            return None, percent_error(q, typed)
        return value, error
    value = text
    if _numeric(q.annotation) and _NUMBER.match(text):
        value = re.sub(r"[\s\u202f\u00a0]", "", text).replace(",", ".")
        if _strip_annotated(q.annotation) is int:
            try:
                value = int(value)
            except ValueError:
                pass
    value, error = q.check(value)
    return value, error


def percent_error(q: Question, typed: Decimal) -> str:
    """The bounds of a rate, in percent (the model's are fractions)."""
    from .forms import bound

    low, high = bound(q.model, q.name, "ge"), bound(q.model, q.name, "le")
    if low is None:
        low = bound(q.model, q.name, "gt")
    scale = 0 if q.form == "percent" else -2
    low_text = display("percent", Decimal(low).scaleb(scale)) if low is not None else None
    high_text = display("percent", Decimal(high).scaleb(scale)) if high is not None else None
    if low_text and high_text:
        return f"le taux doit être compris entre {low_text} et {high_text}"
    return f"taux invalide ({display(q.form, typed)})"


def show(value: Any, form: str | None = None) -> str:
    """A current value in French, as the default text of a prompt (it parses back, `forms.display`)."""
    return display(form, value)


def natural_key(model: type[BaseModel]) -> str | None:
    """The YAML key that identifies an item of a list of `model`: its `id`, else its first required
    single reference field (« partner » of a contribution, « sector » of a service sector…), else None."""
    fields = model.model_fields
    if "id" in fields:
        return fields["id"].alias or "id"
    for name, field in fields.items():
        if field.is_required() and ref_of(field) and typing.get_origin(field.annotation) is not list:
            return field.alias or name
    return None


def submodel(model: type[BaseModel], key: str) -> type[BaseModel] | None:
    """The model of the value (or of the list items) under YAML key `key` of `model`, if any."""
    field = next((f for n, f in model.model_fields.items() if (f.alias or n) == key), None)
    if field is None:
        return None
    annotation = _strip_annotated(_strip_optional(field.annotation)[0])
    if typing.get_origin(annotation) is list:
        annotation = _strip_annotated(typing.get_args(annotation)[0])
    return annotation if _is_model(annotation) else None
