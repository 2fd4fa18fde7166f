"""Ctrl-C that ends the process at once: the start-up of `ptms` (see `console`) and its shutdown.

No heavy import here (`_signal`, not `signal`, which imports `enum` first): it is installed before the
application is imported, when a Ctrl-C must not show a Python traceback.
"""

import _signal
import os

from .exitcodes import EXIT_INTERRUPTED  # a module without imports


def exit_on_interrupt(message: str = "Interrompu : rien n'a été modifié.") -> None:
    """From now on, Ctrl-C prints `message` and ends the process with exit code 130 at once."""

    def interrupted(signum, frame):  # noqa: ARG001
        try:
            os.write(2, f"\n{message}\n".encode())
        finally:
            os._exit(EXIT_INTERRUPTED)

    _signal.signal(_signal.SIGINT, interrupted)
