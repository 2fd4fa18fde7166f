"""User text that would mislead in a document (PTMS-W140, PTMS-W141).

- W140: an invisible control in a text: bidirectional overrides and isolates (U+202A–U+202E,
  U+2066–U+2069), direction marks, zero-width spaces, C0/C1 controls typed as YAML escapes. Such a
  character can reverse or hide part of a name in a document the partners sign; the characters are
  the ones `reporters.INVISIBLE` defines (the terminal shows them as `\\u202e`, the Markdown output too).
- W141: a name (`name`, `title`) longer than `MAX_NAME_CHARS`: it is copied whole into every
  document, headings and tables included. A warning, not an error: existing files keep validating.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..derived import Derived
from ..findings import Problem
from ..model import Project
from ..reporters import invisible

# Longest name (characters) before W141; set on 2026-12-03 (advfix): the longest name of the shipped
# examples is 97 characters, a commune's official name at most 45, a « Projet territorial de
# médiation sociale de … » title about 120.
MAX_NAME_CHARS = 200
NAME_KEYS = ("name", "title")


_SKIP = (int, float, Decimal, date)


def _texts(root: Any) -> list[tuple[tuple, str]]:
    """Every text of the project with its path (YAML keys, list indexes), read from the model
    objects themselves (a `model_dump` of the project would cost more than the check)."""
    out: list[tuple[tuple, str]] = []
    stack: list[tuple[Any, tuple]] = [(root, ())]
    while stack:
        value, loc = stack.pop()
        if isinstance(value, str):
            out.append((loc, value))
        elif isinstance(value, BaseModel):
            fields = type(value).model_fields
            for name, v in value.__dict__.items():
                if v is not None and not isinstance(v, _SKIP):
                    field = fields.get(name)
                    stack.append((v, loc + ((field.alias or name) if field is not None else name,)))
        elif isinstance(value, dict):
            stack.extend((v, loc + (k,)) for k, v in value.items() if not isinstance(v, _SKIP))
        elif isinstance(value, (list, tuple)):
            stack.extend((v, loc + (i,)) for i, v in enumerate(value) if not isinstance(v, _SKIP))
    out.reverse()  # in the file's order, as far as the model keeps it
    return out


# On the project's JSON (pydantic writes it in Rust, ~1 ms): an invisible character written as is, a
# C0 control escaped by JSON (other than \\n and \\t), an escaped quote (the next test cannot see
# through it) or a name or title of more than MAX_NAME_CHARS characters. Only then is the project
# walked (`_texts`) to say where: for most projects the check costs this search only.
_SUSPECT = re.compile(r'\\u00[01]|\\[bfr"]|"(?:name|title)":"[^"]{%d,}' % (MAX_NAME_CHARS + 1))


def _suspect(p: Project) -> bool:
    text = p.__pydantic_serializer__.to_json(p, by_alias=True).decode("utf-8", "surrogatepass")
    return bool(invisible(text) or _SUSPECT.search(text))


def texts(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    if not _suspect(p):
        return
    for loc, text in _texts(p):
        found = invisible(text)
        if found:
            codes = ", ".join(f"U+{ord(c):04X}" for c in found)
            yield Problem("PTMS-W140", f"caractère invisible ({codes}) dans le texte : il peut "
                          "inverser ou masquer une partie du texte dans un document signé", loc,
                          "Retapez ce texte sans copier-coller. Ces caractères sont montrés (\\u202e) "
                          "dans le terminal et les documents Markdown, pas dans Word ni le PDF.")
        if loc and loc[-1] in NAME_KEYS and len(text) > MAX_NAME_CHARS:
            yield Problem("PTMS-W141", f"nom de {len(text)} caractères (au-delà de "
                          f"{MAX_NAME_CHARS}), recopié en entier dans chaque document", loc,
                          "Donnez un nom plus court ; les précisions vont dans une description.")
