"""Shared building blocks of the project model.

Field metadata is the one definition of every question: `title` is the French label, `description`
the French help text. The wizard, the JSON Schema and the documents all read them from here.
"""


from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from .. import referential

CENT = Decimal("0.01")


class Model(BaseModel):
    """Base of every section: unknown keys are errors, strings are stripped."""

    model_config = ConfigDict(
        extra="forbid", defer_build=True, str_strip_whitespace=True, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
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

# Every number is bounded: the funding engine computes exactly (fractions), so an unbounded value
# (`1e-999999999`, a year -99999999) would make it work for hours, or yield absurd amounts.
MAX_DECIMALS = 6  # a rate, an FTE or a percentage needs no more (0.000001 = one millionth)


def _decimals(value: Decimal) -> Decimal:
    # read the digits (`normalize()` would round 1e-999999999 to 0 and let it through)
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= -MAX_DECIMALS:
        return value
    if not any(digits):
        return Decimal(0)  # 0E-999999999
    shown = "".join(map(str, digits))
    if exponent + len(shown) - len(shown.rstrip("0")) < -MAX_DECIMALS:
        raise ValueError(f"au plus {MAX_DECIMALS} décimales")
    return value


Ratio = AfterValidator(_decimals)
"""Marker of a rate, FTE or percentage: at most `MAX_DECIMALS` decimals."""

Rate = Annotated[Decimal, Field(ge=0, le=1), Ratio]
"""A rate between 0 and 1 (0.02 = 2 %), at most six decimals."""

# The years a project can concern: territorial projects planned today. Wider, a typo (`base_year: 1`,
# `end: 9999-12-31`) would pass and make the plan absurd (1.5e22 € per post) or endless.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _in_window(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"date hors des années {FIRST_YEAR} à {LAST_YEAR} que ptms accepte")
    return value


Date = Annotated[date, AfterValidator(_in_window)]
"""A date of years `FIRST_YEAR`..`LAST_YEAR`."""

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
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]


class YearKeyed:
    """Marker of a map keyed by year: its JSON Schema accepts only 4-digit keys (`jsonschema_export`)."""


YearAmounts = Annotated[dict[Year, Money], YearKeyed()]
Time = Annotated[str, StringConstraints(pattern=TIME_PATTERN)]


def choice(vocabulary: str) -> Any:
    """Literal type of the ids of a referential vocabulary (closed list)."""
    return Literal[tuple(referential.ALL[vocabulary])]  # type: ignore[misc]
