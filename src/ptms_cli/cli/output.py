"""Display helpers shared by commands: plain text with optional colour, no heavy imports."""

from __future__ import annotations

import sys

from ..exitcodes import EXIT_FINDINGS, EXIT_USAGE
from ..reporters import clean, file_name, markup, paint, use_color  # noqa: F401  (re-exported for the commands)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n <= 1 else (many or one + 's')}"


def exit_unless_valid(result, then: str, machine: bool = False) -> None:
    """Stop a command on a project with errors: print them (located, French) on stderr, then `then`,
    and exit 1 (2 if the file is unreadable). `result` is a `validation.FileResult`. With `machine`
    (a `--format json` command), stdout also gets the findings as `ptms validate --format json`
    writes them, so that it is JSON whatever happens."""
    import typer

    from ..reporters import JsonReporter, TextReporter

    if result.project is not None and not result.errors:
        return
    TextReporter(stream=sys.stderr).errors(result)
    print(then, file=sys.stderr)
    if machine:
        JsonReporter().report([result])
    raise typer.Exit(EXIT_USAGE if result.unreadable else EXIT_FINDINGS)


def write_or_exit(path, data: bytes, what: str, done: str) -> None:
    """Write a file atomically; on failure a French error naming `what` (e.g. « l'image ») and exit 1;
    on success print `done` on stderr."""
    import typer

    from ..writing import write_atomic

    try:
        write_atomic(path, data, follow_links=True)  # a path the user named (-o)
    except OSError as exc:
        from ..writing import os_reason

        print(f"Erreur : impossible d'écrire {what} « {file_name(str(path))} » : {os_reason(exc)}.", file=sys.stderr)
        raise typer.Exit(EXIT_FINDINGS) from None
    print(clean(done), file=sys.stderr)
