"""French formatting of amounts and rates for people (tables, messages, documents).

One convention everywhere: the fr_FR patterns of CLDR (`12 345,67 €`, `12,5 %`), with every space
the plain no-break space U+00A0 (CLDR uses the narrow U+202F between thousands). U+00A0 never
breaks a line, renders in every font (U+202F is missing from some Word and terminal fonts) and is
what LibreOffice and Excel use for the French locale. Machine outputs (csv, json) carry exact decimal strings instead (`12345.67`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

NBSP = "\u00a0"

# The layout is written here rather than asked of babel: it is three lines, and babel's first use
# costs ~30 ms of CPU (locale data), a tenth of a cold `ptms validate`. A test checks that it
# agrees with babel's fr_FR output.


def money(amount: Decimal | int) -> str:
    """`12 345,67 €` (no-break spaces)."""
    return number(Decimal(amount), 2) + NBSP + "€"


def round_half_up(value: Fraction | Decimal | int, digits: int) -> Decimal:
    """`value` rounded once, from its exact value, to `digits` decimals, half away from zero.

    babel (like `decimal`'s default context) rounds half to even: values are rounded here, exactly
    (integer arithmetic on the fraction).
    """
    q = Fraction(value) * 10**digits
    n = (abs(q.numerator) * 2 + q.denominator) // (2 * q.denominator)
    return Decimal(-n if q < 0 else n).scaleb(-digits)


def number(value: Fraction | Decimal | int, digits: int = 2) -> str:
    """`12 345,67` with exactly `digits` decimals, rounded half up (no-break spaces)."""
    text = f"{abs(round_half_up(value, digits)):.{digits}f}"
    whole, _, decimals = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    out = NBSP.join([whole, *groups]) + ("," + decimals if decimals else "")
    return "-" + out if value < 0 and out.strip("0,\u00a0") else out


def percent(ratio: Fraction | Decimal | int, digits: int = 1) -> str:
    """`12,5 %` for a ratio of 0.125, rounded once, half up (no-break space before `%`)."""
    return number(Fraction(ratio) * 100, digits) + NBSP + "%"
