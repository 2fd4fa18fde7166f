"""French formatting of numbers for people (tables, messages, documents): the one module that does it.

Four functions, four rules, no two with the same name:
- `money(amount)`: « 12 345,67 € », always two decimals;
- `number(value, digits)`: « 12 345,67 », exactly `digits` decimals, rounded once, half up;
- `percent(ratio, digits)`: « 12,5 % » from 0.125, exactly `digits` decimals, rounded half up;
- `quantity(value)`: « 96 500 », « 0,6 », « 17,5 », as many decimals as the value has (up to three:
  babel's fr_FR decimal pattern) — counts, hours, FTE as the user wrote them;
- `rate(value, ratio=False)`: « 60 % », « 2,5 % », up to two decimals, from 60 (or 0.6 with ratio);
- `exact(value)`: « 168 », « 0,5 », « 2026 », « 999 999 999,99 », every decimal the value has and no more, never
  rounded, without babel (messages of `ptms validate`: bounds of the model).

One convention everywhere: the fr_FR patterns of CLDR (`12 345,67 €`, `12,5 %`), with every space
the plain no-break space U+00A0 (CLDR uses the narrow U+202F between thousands). U+00A0 never
breaks a line, renders in every font (U+202F is missing from some Word and terminal fonts) and is
what LibreOffice and Excel use for the French locale. Machine outputs (csv, json) carry exact decimal strings instead (`12345.67`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

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


# `quantity` and `rate` use babel's fr_FR patterns, imported only when a document needs them
# (babel's first use costs ~30 ms: `ptms validate` never pays it).
_SPACES = str.maketrans({"\u202f": NBSP, "\u2009": NBSP})


def quantity(value: int | float | Decimal | None) -> str:
    """« 96 500 », « 0,6 », « 17,5 » (as many decimals as the value has, up to three; no-break spaces)."""
    if value is None:
        return ""
    return _quantity(value, repr(value))  # repr: 1 and 1.0, Decimal("0") and Decimal("-0") are told apart


@lru_cache(maxsize=4096)  # a project's tables repeat the same values: bounded, memory stays flat
def _quantity(value: int | float | Decimal, key: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale="fr_FR").translate(_SPACES)


def rate(value: Decimal | int | float, *, ratio: bool = False) -> str:
    """« 60 % » from 60 (or from 0.6 with ratio=True); up to two decimals."""
    from babel.numbers import format_percent

    v = Decimal(str(value))
    return format_percent(v if ratio else v / 100, format="#,##0.##\u00a0%", locale="fr_FR").translate(_SPACES)


def exact(value: int | float | Decimal) -> str:
    """« 168 » from 168.0, « 0,5 » from 0.5, « 20 000 » from 20000, « 2026 » (four digits stay together):
    the decimals the value has, never rounded, trailing zeros dropped (no-break spaces; no babel:
    `ptms validate` uses it for the model's bounds)."""
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    d = d.normalize()
    digits = max(0, -int(d.as_tuple().exponent))
    text = number(d, digits)
    # four-digit whole parts stay together (« 2026 », « 5000 »: French typography groups from five)
    return text.replace(NBSP, "", 1) if 1000 <= abs(d) < 10000 else text


def plural(n: int, one: str, many: str | None = None) -> str:
    """« 1 partenaire », « 0 erreur », « 5 partenaires » (French: the singular up to one); `many` for
    irregular or multi-word forms (« 4 engagés », « 2 types de poste »)."""
    return f"{n} {one if n <= 1 else (many or one + 's')}"
