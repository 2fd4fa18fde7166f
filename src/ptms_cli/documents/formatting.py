"""French formatting for documents: amounts (babel), amounts in words (num2words), long dates.

`money(Decimal("12345.67"))` -> « 12 345,67 € » is `ptms_cli.frformat.money` (the one convention
of the tool: babel's fr_FR pattern, every space a no-break space U+00A0); `money_words` -> « douze mille trois cent quarante-cinq
euros et soixante-sept centimes »; `long_date(date(2026, 1, 1))` -> « 1er janvier 2026 ».
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from num2words import num2words

from .. import frformat

LOCALE = "fr_FR"
CENT = Decimal("0.01")
_SPACES = str.maketrans({"\u202f": frformat.NBSP, "\u2009": frformat.NBSP})


def money(value: Decimal | int | None) -> str:
    """« 12 345,67 € » — always two decimals (`frformat.money`)."""
    if value is None:
        return ""
    return frformat.money(Decimal(value).quantize(CENT))


def number(value: int | float | Decimal | None) -> str:
    """« 96 500 », « 0,6 », « 17,5 » (as many decimals as the value has)."""
    if value is None:
        return ""
    return format_decimal(value, locale=LOCALE).translate(_SPACES)


def percent(value: Decimal | int | float, *, ratio: bool = False) -> str:
    """« 60 % » from 60 (or from 0.6 with ratio=True); up to two decimals."""
    v = Decimal(str(value))
    return format_percent(v if ratio else v / 100, format="#,##0.##\u00a0%", locale=LOCALE).translate(_SPACES)


def words(n: int) -> str:
    """Cardinal number in French words: 21 -> « vingt et un »."""
    return num2words(int(n), lang="fr")


def money_words(value: Decimal | int) -> str:
    """Amount in French words: euros, then centimes if any (« un million d'euros », « un euro »)."""
    v = Decimal(value).quantize(CENT)
    if v < 0:
        raise ValueError("montant négatif")
    euros = int(v)
    cents = int((v - euros) * 100)
    parts = []
    if euros or not cents:
        text = words(euros)
        if text.endswith(("million", "millions", "milliard", "milliards")):
            unit = "d'euros"
        else:
            unit = "euro" if euros <= 1 else "euros"
        parts.append(f"{text} {unit}")
    if cents:
        parts.append(f"{words(cents)} centime{'s' if cents > 1 else ''}")
    return " et ".join(parts)


def count_words(n: int, unit: str, plural: str | None = None) -> str:
    """« six (6) mois », « trois (3) ans »."""
    return f"{words(n)} ({n}) {unit if n <= 1 else (plural or unit + 's')}"


def count_text(n: int, unit: str, plural: str | None = None) -> str:
    """« trois ans », « un quartier » : the count in words only, for running text (not legal clauses)."""
    return f"{words(n)} {unit if n <= 1 else (plural or unit + 's')}"


def long_date(value: dt.date | None) -> str:
    """« 1er janvier 2026 », « 15 mars 2027 »."""
    if value is None:
        return ""
    text = format_date(value, "d MMMM y", locale=LOCALE)
    return "1er" + text[1:] if value.day == 1 else text


def join(items, last: str = " et ") -> str:
    """« a, b et c »."""
    items = [str(x) for x in items if x]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def yes_no(value: bool) -> str:
    return "Oui" if value else "Non"
