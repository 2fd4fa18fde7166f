"""French formatting of amounts and rates for people (tables, messages, documents).

One convention everywhere: babel's fr_FR patterns (`12 345,67 €`, `12,5 %`), with every space it
emits (narrow no-break space U+202F between thousands, no-break space U+00A0 before `€` and `%`)
normalised to the plain no-break space U+00A0. U+00A0 never breaks a line, renders in every font
(U+202F is missing from some Word and terminal fonts) and is what LibreOffice and Excel use for the
French locale. Machine outputs (csv, json) carry exact decimal strings instead (`12345.67`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

NBSP = "\u00a0"
_SPACES = str.maketrans({"\u202f": NBSP, "\u2009": NBSP, " ": NBSP})


def money(amount: Decimal | int) -> str:
    """`12 345,67 €` (no-break spaces)."""
    from babel.numbers import format_currency

    return format_currency(Decimal(amount), "EUR", locale="fr_FR").translate(_SPACES)


def round_half_up(value: Fraction | Decimal | int, digits: int) -> Decimal:
    """`value` rounded once, from its exact value, to `digits` decimals, half away from zero.

    babel (like `decimal`'s default context) rounds half to even: values are rounded here, exactly
    (integer arithmetic on the fraction), and babel then only lays out the digits.
    """
    q = Fraction(value) * 10**digits
    n = (abs(q.numerator) * 2 + q.denominator) // (2 * q.denominator)
    return Decimal(-n if q < 0 else n).scaleb(-digits)


def number(value: Fraction | Decimal | int, digits: int = 2) -> str:
    """`12 345,67` with exactly `digits` decimals, rounded half up (no-break spaces)."""
    from babel.numbers import format_decimal

    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round_half_up(value, digits), format=fmt, locale="fr_FR").translate(_SPACES)


def percent(ratio: Fraction | Decimal | int, digits: int = 1) -> str:
    """`12,5 %` for a ratio of 0.125, rounded once, half up (no-break space before `%`)."""
    return number(Fraction(ratio) * 100, digits) + NBSP + "%"
