"""Display helpers shared by commands: plain text with optional colour, no heavy imports."""

from __future__ import annotations

import os
import sys


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def paint(text: str, style: str, enabled: bool) -> str:
    codes = {"red": "31", "yellow": "33", "green": "32", "bold": "1", "dim": "2", "cyan": "36"}
    return f"\033[{codes[style]}m{text}\033[0m" if enabled else text


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n <= 1 else (many or one + 's')}"
