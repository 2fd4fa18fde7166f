"""French wording for documents: amounts in words (num2words), long dates, lists.

Numbers are laid out by `ptms_cli.frformat` alone (`money`, `number`, `percent`, `quantity`, `rate`);
`money` here is `frformat.money` with an empty cell for None. `money_words` -> « douze mille trois cent quarante-cinq
euros et soixante-sept centimes »; `long_date(date(2026, 1, 1))` -> « 1er janvier 2026 ».
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from .. import frformat

LOCALE = "fr_FR"
CENT = Decimal("0.01")


def money(value: Decimal | int | None) -> str:
    """« 12 345,67 € » — always two decimals (`frformat.money`)."""
    if value is None:
        return ""
    return _money(Decimal(value).quantize(CENT))


# A project's tables repeat the same amounts (cells, totals, shares, figures and words): each is
# formatted once per process. Bounded caches: memory stays flat over a batch of projects.
@lru_cache(maxsize=4096)
def _money(cents: Decimal) -> str:
    return frformat.money(cents)


def words(n: int) -> str:
    """Cardinal number in French words: 21 -> « vingt et un »."""
    return _words(int(n))


@lru_cache(maxsize=4096)
def _words(n: int) -> str:
    from num2words import num2words  # here: `ptms validate` reads long dates from this module, never words

    return num2words(n, lang="fr")


def money_words(value: Decimal | int) -> str:
    """Amount in French words: euros, then centimes if any (« un million d'euros », « un euro »)."""
    return _money_words(Decimal(value).quantize(CENT))


@lru_cache(maxsize=4096)
def _money_words(v: Decimal) -> str:
    if v < 0:  # a shortfall (an operator's part when its sub-contractors cost more: PTMS-W125)
        return "moins " + _money_words(-v)
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


def duration_words(parts: tuple[int, int, int]) -> str:
    """A duration (years, months, days), e.g. `funding.period.duration(start, end)`, in words: « trois
    (3) ans », « dix-huit (18) mois » (under two years, not whole years), « deux ans et six mois »;
    days left over are added (« onze (11) mois et quinze jours »)."""
    years, months, days = parts
    if years and not months:
        text = count_words(years, "an")
    elif years < 2:
        text = count_words(years * 12 + months, "mois", "mois") if years * 12 + months else ""
    else:
        text = f"{count_text(years, 'an')} et {count_text(months, 'mois', 'mois')}"
    if days:
        day_text = count_text(days, "jour")
        text = f"{text} et {day_text}" if text else count_words(days, "jour")
    return text.replace(" et ", ", ", 1) if text.count(" et ") > 1 else text


def count_text(n: int, unit: str, plural: str | None = None) -> str:
    """« trois ans », « un quartier » : the count in words only, for running text (not legal clauses)."""
    return f"{words(n)} {unit if n <= 1 else (plural or unit + 's')}"


def long_date(value: dt.date | None) -> str:
    """« 1er janvier 2026 », « 15 mars 2027 »: babel's fr_FR « d MMMM y », laid out here with babel's
    month names (babel's `format_date` costs ~30 µs a date; a test checks both agree)."""
    if value is None:
        return ""
    return f"{'1er' if value.day == 1 else value.day} {_month_names()[value.month]} {value.year}"


@lru_cache(maxsize=1)
def _month_names() -> dict[int, str]:
    from babel.dates import get_month_names

    return dict(get_month_names("wide", "format", locale=LOCALE))


def join(items, last: str = " et ") -> str:
    """« a, b et c »."""
    items = [str(x) for x in items if x]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


_PROPER = {"État", "Europe", "France"}  # proper nouns a referential label may start with


def in_sentence(label: str) -> str:
    """A label inside running text: « Habitat collectif » -> « habitat collectif ». A label that starts
    with an acronym or is all capitals keeps them (« CAF », « QPV prioritaires », « ERBM »), as does
    a label whose first letter is not a capital."""
    if not label or not label[0].isupper():
        return label
    first = re.split(r"[\s'’\-(]", label, maxsplit=1)[0]
    letters = [c for c in first if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):  # an acronym (« CAF », « FSE+ »)
        return label
    if len(label) > 1 and label[1].isupper() or first in _PROPER:  # « QPVs »; « État »
        return label
    return label[0].lower() + label[1:]


def label_list(labels, last: str = ", ", first_capital: bool = True) -> str:
    """Labels listed in running text: « Tranquillité publique, habitat collectif, CAF » — the first as
    written (lowered too with `first_capital=False`, for the middle of a sentence), the others through
    `in_sentence`. `last` joins the last two (« , » in a cell, « et » in a sentence; when a label
    holds « et » itself, the labels are separated by « ; » instead)."""
    items = [str(x) for x in labels if x]
    items = [x if i == 0 and first_capital else in_sentence(x) for i, x in enumerate(items)]
    if last.strip() == "et" and len(items) > 1 and any(" et " in x for x in items):
        return " ; ".join(items)  # « tranquillité publique ; milieu scolaire et jeunesse »: no « et … et »
    return join(items, last=last)


def yes_no(value: bool) -> str:
    return "Oui" if value else "Non"
