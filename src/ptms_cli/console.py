"""Entry point of the `ptms` console script and of `python -m ptms_cli`: Ctrl-C from the first instant.

Importing the application (typer, rich, pydantic…) takes a noticeable time; a Ctrl-C typed then must
not show a Python traceback. This module imports nothing heavy: it installs a SIGINT handler that
exits at once (130, French message) — nothing has been written yet — and only then imports the
application, which lets Ctrl-C raise `KeyboardInterrupt` again while a command runs (its clean-up
needs it) and reinstalls this handler as soon as the command is over.
"""

import os

import _signal  # the C module: `signal` would import `enum` first, a window where Ctrl-C gives a traceback

from .exitcodes import EXIT_INTERRUPTED  # noqa: E402 - a module without imports


def exit_on_interrupt(message: str = "Interrompu : rien n'a été modifié.") -> None:
    """From now on, Ctrl-C prints `message` and ends the process with exit code 130 at once."""

    def interrupted(signum, frame):  # noqa: ARG001
        try:
            os.write(2, f"\n{message}\n".encode())
        finally:
            os._exit(EXIT_INTERRUPTED)

    _signal.signal(_signal.SIGINT, interrupted)


def main() -> int:
    exit_on_interrupt()
    from .cli.app import main as run

    return run()
