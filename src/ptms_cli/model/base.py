"""Shared building blocks of the project model.

Field metadata is the one definition of every question: `title` is the French label, `description`
the French help text. The wizard, the JSON Schema and the documents all read them from here.
"""


from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from .. import referential

CENT = Decimal("0.01")


class Model(BaseModel):
    """Base of every section: unknown keys are errors, strings are stripped."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )


def F(title: str, description: str | None = None, **kw: Any) -> Any:
    """A field with its French label (`title`) and help text (`description`)."""
    return Field(title=title, description=description, **kw)


def _to_cents(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("le montant doit être un nombre fini")
    if value != value.quantize(CENT):
        raise ValueError("un montant a au plus deux décimales (centimes)")
    return value.quantize(CENT)


MAX_MONEY = Decimal("999999999.99")

Money = Annotated[Decimal, Field(ge=0, le=MAX_MONEY), AfterValidator(_to_cents)]
"""An amount in euros, exact to the cent, never negative, below a billion."""

Rate = Annotated[Decimal, Field(ge=0, le=1)]
"""A rate between 0 and 1 (0.02 = 2 %)."""

# Every pattern of the model, with the French message shown when a value does not match it
# (`schema_errors` looks the pattern up here; a pattern without a message gives « format invalide »).
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
SIRET_PATTERN = r"^\d{14}$"
PATTERN_MESSAGES: dict[str, str] = {
    ID_PATTERN: "identifiant invalide : minuscules sans accent, chiffres, « - » ou « _ » (ex. « ville-nord »)",
    TIME_PATTERN: "heure attendue au format HH:MM (ex. 16:00)",
    EMAIL_PATTERN: "adresse de courriel invalide",
    SIRET_PATTERN: "SIRET invalide : 14 chiffres",
}

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=64),
    Field(description="Identifiant court : minuscules, chiffres, « - » ou « _ » (ex. « ville-nord »)."),
]

Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
Year = Annotated[int, Field(ge=2000, le=2100)]


class YearKeyed:
    """Marker of a map keyed by year: its JSON Schema accepts only 4-digit keys (`jsonschema_export`)."""


YearAmounts = Annotated[dict[Year, Money], YearKeyed()]
Time = Annotated[str, StringConstraints(pattern=TIME_PATTERN)]


def choice(vocabulary: str) -> Any:
    """Literal type of the ids of a referential vocabulary (closed list)."""
    return Literal[tuple(referential.ALL[vocabulary])]  # type: ignore[misc]
