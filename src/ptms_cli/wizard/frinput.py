"""French input of the wizards: what a French user types for a rate, a date or an amount.

Pure functions, no prompt: `parse_*` take the typed text and return the value (or raise
`FrInputError`, whose message is a complete French sentence); `show_*` give a value back in the
form the user types, so that a default offered by a prompt parses to the same value.

- rates are typed as percentages: « 2 », « 2 % », « 2,5 % », « 2.5 » -> Decimal("0.025")
  (the stored fraction); `show_percent(Decimal("0.025"))` -> « 2,5 % »;
- dates: « 01/07/2026 », « 1/7/2026 », « 2026-07-01 », « 1er juillet 2026 », « 14 juillet 2026 »;
  `show_date` -> « 01/07/2026 » (what the prompt pre-fills), `long_date` for sentences;
- amounts: « 30 000 € », « 30000 », « 1 234,56 », « 1234.56 », « 30 000,00 € » (spaces, no-break
  and narrow no-break spaces between thousands) -> Decimal; `show_amount` -> « 30 000,00 € ».

Refused with a French message: exponents (« 1e3 »), « inf », « nan », hexadecimal, underscores,
thousands groups that are not of three digits (« 30 00 »), an ambiguous point (« 1.234 »: mille
deux cent trente-quatre, or un virgule deux ?), more than two decimals in an amount.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from ..frformat import NBSP, money, number

MAX_LENGTH = 40  # characters: a rate, a date or an amount is never longer; bounds the work on pasted text
_SPACES = " \u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space
_SPACE = f"[{_SPACES}]"


class FrInputError(ValueError):
    """A typed value that cannot be read: `message` is the French explanation (with an example)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _clean(text: str, example: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip(_SPACES + "\t")  # NFKC: « ２ » -> « 2 », U+00A0 -> space
    if not text:
        raise FrInputError(f"la réponse est vide (ex. {example})")
    if len(text) > MAX_LENGTH:
        raise FrInputError(f"réponse trop longue ({len(text)} caractères ; ex. {example})")
    return text


_NUMBER = re.compile(rf"""
    (?P<sign>[-+−]?){_SPACE}*
    (?P<whole>\d{{1,3}}(?:{_SPACE}\d{{3}})+|\d+)     # 30 000 or 30000
    (?:(?P<sep>[,.])(?P<decimals>\d+))?$
""", re.VERBOSE)


def _decimal(text: str, example: str) -> Decimal:
    """A French decimal number (sign, thousands groups separated by spaces, comma or point)."""
    if re.search(r"\d\s*[eE]\s*[-+]?\d", text):
        raise FrInputError(f"« {text} » : écrivez le nombre en chiffres, sans exposant (ex. {example})")
    match = _NUMBER.match(text)
    if not match:
        if re.match(rf"^[-+−]?\d{{1,3}}(?:{_SPACE}\d+)+(?:[,.]\d+)?$", text):
            raise FrInputError(f"« {text} » : les chiffres se groupent par trois (ex. {example})")
        raise FrInputError(f"« {text} » n'est pas un nombre (ex. {example})")
    whole = re.sub(_SPACE, "", match["whole"])
    if match["sep"] == "." and len(match["decimals"]) == 3 and whole != "0" and not re.search(_SPACE, match["whole"]):
        grouped = number(Decimal(whole + match["decimals"]), 0).replace(NBSP, " ")
        raise FrInputError(f"« {text} » : le point est ambigu (milliers ou virgule ?) ; "
                           f"écrivez {grouped} ou {whole},{match['decimals']}")
    value = Decimal(whole + ("." + match["decimals"] if match["decimals"] else ""))
    return -value if match["sign"] in ("-", "−") else value


# --- rates: typed as percentages, stored as fractions -------------------------------------------------

_PERCENT_SIGN = re.compile(rf"{_SPACE}*%$")


def parse_percent(text: str) -> Decimal:
    """« 2 », « 2 % », « 2,5 % », « 0,5 » -> the fraction (Decimal("0.02"), "0.025", "0.005").

    A number without « % » is a percentage too: a user who types « 1 » means 1 %, never 100 %."""
    text = _clean(text, "2,5 %")
    body = _PERCENT_SIGN.sub("", text)
    if "%" in body:
        raise FrInputError(f"« {text} » : un seul « % », après le nombre (ex. 2,5 %)")
    return _decimal(body, "2,5 %").scaleb(-2)


def show_percent(fraction: Decimal) -> str:
    """Decimal("0.025") -> « 2,5 % » with every decimal the fraction has (no rounding: it parses back)."""
    value = Decimal(fraction).scaleb(2).normalize()
    digits = max(0, -value.as_tuple().exponent)  # type: ignore[operator]  # finite: an int
    return number(value, digits) + NBSP + "%"


# --- amounts --------------------------------------------------------------------------------------

_EURO = re.compile(rf"{_SPACE}*(?:€|euros?|EUR)$", re.IGNORECASE)


def parse_amount(text: str) -> Decimal:
    """« 30 000 € », « 1 234,56 », « 1234.56 », « 42000 » -> Decimal, at most two decimals (centimes)."""
    text = _clean(text, "30 000 €")
    body = _EURO.sub("", text)
    if "€" in body:
        raise FrInputError(f"« {text} » : le signe « € » se place après le montant (ex. 30 000 €)")
    value = _decimal(body, "30 000 € ou 1 234,56")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: an int
        raise FrInputError(f"« {text} » : au plus deux décimales (les centimes), ex. 1 234,56")
    return value


def show_amount(value: Decimal) -> str:
    """Decimal("30000") -> « 30 000,00 € » (the tool's one money format, `frformat.money`)."""
    return money(value)


# --- dates ----------------------------------------------------------------------------------------

_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}
_DATE_HINT = "JJ/MM/AAAA, AAAA-MM-JJ ou « 1er juillet 2026 »"


def _plain_letters(text: str) -> str:
    """« Décembre » -> « decembre », « AOÛT » -> « aout »."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def parse_date(text: str) -> dt.date:
    """« 01/07/2026 », « 1/7/2026 », « 2026-07-01 », « 1er juillet 2026 », « 14 juillet 2026 » -> date."""
    text = _clean(text, "01/07/2026")
    squeezed = re.sub(rf"{_SPACE}+", " ", text)
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", squeezed):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", squeezed):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(1er|\d{1,2}) ([^\W\d_]+) (\d{4})", squeezed, re.IGNORECASE):
        day = 1 if m[1].lower() == "1er" else int(m[1])
        month = _MONTHS.get(_plain_letters(m[2]), 0)
        year = int(m[3])
        if not month:
            raise FrInputError(f"« {text} » : mois « {m[2]} » inconnu (janvier … décembre)")
    elif re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", squeezed):
        raise FrInputError(f"« {text} » : donnez l'année sur quatre chiffres ({_DATE_HINT})")
    else:
        raise FrInputError(f"« {text} » n'est pas une date ({_DATE_HINT})")
    if year < 1:
        raise FrInputError(f"« {text} » : l'année 0 n'existe pas ({_DATE_HINT})")
    if not 1 <= month <= 12:
        raise FrInputError(f"« {text} » : le mois doit aller de 1 à 12 ({_DATE_HINT})")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise FrInputError(f"« {text} » : ce jour n'existe pas (le mois n'a pas {day} jours)") from None


def show_date(value: dt.date) -> str:
    """date(2026, 7, 1) -> « 01/07/2026 »: what a prompt pre-fills (it parses back)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def long_date(value: dt.date) -> str:
    """date(2026, 7, 1) -> « 1er juillet 2026 » (the documents' form, `documents.formatting.long_date`)."""
    from ..documents.formatting import long_date as documents_long_date

    return documents_long_date(value)
