"""User text that would mislead in a document (PTMS-W140, PTMS-W141).

- W140: an invisible control in a text: bidirectional overrides and isolates (U+202A–U+202E,
  U+2066–U+2069), direction marks, zero-width spaces, C0/C1 controls typed as YAML escapes. Such a
  character can reverse or hide part of a name in a document the partners sign; the characters are
  the ones `reporters.INVISIBLE` defines (the terminal shows them as `\\u202e`, the Markdown output too).
- W141: a name (`name`, `title`) longer than `MAX_NAME_CHARS`: it is copied whole into every
  document, headings and tables included. A warning, not an error: existing files keep validating.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..derived import Derived
from ..findings import Problem
from ..model import Project
from ..reporters import invisible

# Longest name (characters) before W141; set on 2026-12-03 (advfix): the longest name of the shipped
# examples is 97 characters, a commune's official name at most 45, a « Projet territorial de
# médiation sociale de … » title about 120.
MAX_NAME_CHARS = 200
NAME_KEYS = ("name", "title")


def _texts(value: Any, loc: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, loc + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, loc + (i,))


def texts(p: Project, step: int | None, d: Derived) -> Iterator[Problem]:
    for loc, text in _texts(p.model_dump(by_alias=True, exclude_defaults=True), ()):
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
