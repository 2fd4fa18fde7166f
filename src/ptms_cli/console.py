"""Entry point of the `ptms` console script and of `python -m ptms_cli`: Ctrl-C from the first instant.

Importing the application (typer, rich, pydantic…) takes a noticeable time; a Ctrl-C typed then must
not show a Python traceback. This module imports nothing heavy: it installs a SIGINT handler that
exits at once (130, French message) — nothing has been written yet — and only then imports the
application, which lets Ctrl-C raise `KeyboardInterrupt` again while a command runs (its clean-up
needs it) and reinstalls the exiting handler as soon as the command is over.
"""

from .interrupt import exit_on_interrupt


def main() -> int:
    exit_on_interrupt()
    from .cli.app import main as run

    return run()
