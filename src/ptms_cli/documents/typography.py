"""French typography of a text, at the rendering boundary: spaces only, nothing else changes.

`typeset(text)` is pure and idempotent. It puts
- a narrow no-break space (U+202F) before « ; ! ? » and inside « guillemets »;
- a no-break space (U+00A0) before « : », after « M. », « Mme », « MM. », « Mmes », « Mlle »,
  « n° », « art. », and between a number and its unit (h, %, €, k€, M€, ETP);
and leaves alone what is inside a web address, an e-mail address or `code`. It only replaces,
removes or inserts space characters: every other character stays, in its order (a property test
checks it over random strings). `superscripts(text)` says where an ordinal's letters go up
(« 1er », « 1re », « 2e »): the Word writer (`typeset_docx`) raises them; Markdown, which has no
superscript, keeps « 1er » as written.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"
SPACES = " \u00a0\u202f"  # the spaces this pass may turn into one another (never a line break or a tab)

# What is never touched: web addresses, e-mail addresses, `code`, character references (« &amp; »)
_PROTECTED = re.compile(
    r"`[^`\n]*`"
    r"|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
    r"|\b(?:https?|ftp)://[^\s<>«»]*[^\s<>«».,;:!?)\]]"
    r"|\bwww\.[^\s<>«»]*[^\s<>«».,;:!?)\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)

_SP = f"[{SPACES}]"
# Before « ; ! ? »: spaces become one narrow no-break space; none after a word is inserted when the
# mark ends a phrase (a space, a closing mark or the end follows): « Bonjour! » -> « Bonjour ! »
_BEFORE_TALL = re.compile(rf"(?<=\S){_SP}+(?=[;!?])")
_MISSING_TALL = re.compile(r"(?=[;!?](?:[\s»)\]]|$))(?<=[\w»)\]])")  # the mark first: fails fast elsewhere
_BEFORE_COLON = re.compile(rf"(?<=\S){_SP}+(?=:)")
_AFTER_OPEN = re.compile(rf"«{_SP}*")
_BEFORE_CLOSE = re.compile(rf"(?<=\S){_SP}*»")
# « M. Dupont », « n° 12 », « art. L. 2212-2 »: the abbreviation stays with what follows
_ABBREVIATION = re.compile(r"(?<![\w.])(M\.|MM\.|Mme|Mmes|Mlle|Mlles|[nN]°|[aA]rt\.)[ \u202f](?=\S)")
# « 23 h », « 12 % », « 1 200 € », « 11,2 ETP »
_UNIT = re.compile(r"(?<=\d)[ \u202f](?=(?:h|%|€|k€|M€|ETP)(?!\w))")
# « 1 200 » typed with an ordinary space: the groups of digits stay together
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_ORDINAL = re.compile(r"(?<![\w,.])(?:1(er|re|ère)|[2-9]\d*(e)|1\d+(e))(?![\w])")


def _maybe_protected(text: str) -> bool:
    """Whether `text` may hold what `_PROTECTED` matches (each alternative needs one of these)."""
    return "`" in text or "&" in text or "@" in text or "://" in text or "www." in text


def _pieces(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, protected) in order."""
    if not _maybe_protected(text):  # the usual case: no regex search at all
        return [(text, False)]
    out, pos = [], 0
    for m in _PROTECTED.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


has_digit = re.compile(r"\d").search


_MARK = "\ue000"  # stands for a protected piece (`typeset`), unless the text holds it


def _end_colon(mark: str) -> re.Pattern:
    # the colon first: the pattern fails at once where there is none
    return re.compile(rf"(?=:(?:\s|$|»))(?<=[^\W\d]|{re.escape(mark)})")


_END_COLON = _end_colon(_MARK)


def _typeset_plain(text: str, mark: str = _MARK) -> str:
    # each rule needs a character of its own in the text: checked first, the rules are the pass's cost
    if ";" in text or "!" in text or "?" in text:
        text = _BEFORE_TALL.sub(NNBSP, text)
        text = _MISSING_TALL.sub(NNBSP, text)
    if ":" in text:
        text = _BEFORE_COLON.sub(NBSP, text)
        # a colon that ends a phrase (a space, the end or a closing guillemet follows: the guillemet rule puts a
        # space there, so the test must already see it or a second pass would differ)
        text = (_END_COLON if mark == _MARK else _end_colon(mark)).sub(NBSP, text)
    if "«" in text:
        text = _AFTER_OPEN.sub("«" + NNBSP, text)
    if "»" in text:
        text = _BEFORE_CLOSE.sub(NNBSP + "»", text)
    if "M" in text or "°" in text or "rt." in text:
        text = _ABBREVIATION.sub(lambda m: m.group(1) + NBSP, text)
    if has_digit(text):
        text = _THOUSANDS.sub(NNBSP, text)
        text = _UNIT.sub(NBSP, text)
    return text


def typeset(text: str) -> str:
    """`text` with French spaces (see the module). Idempotent; only spaces change."""
    if not text:
        return text
    pieces = _pieces(text)
    if len(pieces) == 1 and not pieces[0][1]:
        return _typeset_plain(text)
    # each protected piece is replaced by a placeholder (a character the text does not hold), so the
    # rules see one word there
    mark = next(c for c in map(chr, range(0xE000, 0xF900)) if c not in text)
    marks = [piece for piece, protected in pieces if protected]
    masked = "".join(mark if protected else piece for piece, protected in pieces)
    out = _typeset_plain(masked, mark)
    it = iter(marks)
    return re.sub(re.escape(mark), lambda _m: next(it), out)


def superscripts(text: str) -> list[tuple[int, int]]:
    """(start, end) of the letters of each ordinal that a typesetter raises: « 1er » -> the « er »."""
    if not has_digit(text):
        return []
    spans = []
    for piece_start, (piece, protected) in _offsets(text):
        if protected:
            continue
        for m in _ORDINAL.finditer(piece):
            group = next(g for g in (1, 2, 3) if m.group(g))
            spans.append((piece_start + m.start(group), piece_start + m.end(group)))
    return spans


def _offsets(text: str) -> list[tuple[int, tuple[str, bool]]]:
    out, pos = [], 0
    for piece in _pieces(text):
        out.append((pos, piece))
        pos += len(piece[0])
    return out


def is_space(char: str) -> bool:
    return char in SPACES


_RUN = re.compile(rf"{_SP}+|[^{SPACES}]+")  # a run of spaces, or of other characters
_SPACE_RUN = re.compile(rf"{_SP}*")


def in_place(old: str, new: str) -> bool:
    """`new` (the result of `typeset(old)`) only changed spaces in place (the usual case): each of its
    characters stands for the one at the same index of `old`."""
    return len(old) == len(new) and _one_space(old) == _one_space(new)


def _one_space(text: str) -> str:
    return text.replace(NBSP, " ").replace(NNBSP, " ")  # (str.replace: several times faster than translate)


def align(old: str, new: str) -> list[int]:
    """For each character of `new` (the result of `typeset(old)`), the index in `old` of the character
    it stands for, or -1 for an inserted space. Non-space characters correspond one to one, in order;
    between two of them, the k-th space of `new` stands for the k-th space of `old` (if any).

    Walks `new` run by run (a run of other characters found as is in `old` is mapped at once): the
    typographic pass of a convention spent most of its time here, character by character."""
    if in_place(old, new):
        return list(range(len(new)))
    out: list[int] = []
    i = 0
    for m in _RUN.finditer(new):
        run = m.group()
        start = i
        i = _SPACE_RUN.match(old, i).end()  # type: ignore[union-attr]  # (matches the empty string)
        if is_space(run[0]):
            kept = min(len(run), i - start)
            out.extend(range(start, start + kept))
            out.extend([-1] * (len(run) - kept))
        elif old.startswith(run, i):
            out.extend(range(i, i + len(run)))
            i += len(run)
        else:  # spaces of `old` dropped inside the run: one character at a time
            for n, char in enumerate(run):
                if n:
                    i = _SPACE_RUN.match(old, i).end()  # type: ignore[union-attr]
                if i >= len(old) or old[i] != char:
                    raise ValueError("typeset changed a character other than a space")
                out.append(i)
                i += 1
    return out
