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


def exit_unless_valid(result, then: str) -> None:
    """Stop a command on a project with errors: print them (located, French) on stderr, then `then`,
    and exit 1 (2 if the file is unreadable). `result` is a `validation.FileResult`."""
    import typer

    from .app import EXIT_FINDINGS, EXIT_USAGE

    if result.project is not None and not result.errors:
        return
    for f in result.findings:
        if f.severity.value == "error":
            print(f"{f.location()}: erreur {f.code} {f.message}", file=sys.stderr)
            if f.hint:
                print(f"    conseil : {f.hint}", file=sys.stderr)
    print(then, file=sys.stderr)
    raise typer.Exit(EXIT_USAGE if result.unreadable else EXIT_FINDINGS)


def write_or_exit(path, data: bytes, what: str, done: str) -> None:
    """Write a file atomically; on failure a French error naming `what` (e.g. « l'image ») and exit 1;
    on success print `done` on stderr."""
    import typer

    from ..writing import write_atomic
    from .app import EXIT_FINDINGS

    try:
        write_atomic(path, data, follow_links=True)  # a path the user named (-o)
    except OSError as exc:
        from ..writing import os_reason

        print(f"Erreur : impossible d'écrire {what} « {path} » : {os_reason(exc)}.", file=sys.stderr)
        raise typer.Exit(EXIT_FINDINGS) from None
    print(done, file=sys.stderr)
