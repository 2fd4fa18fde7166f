"""Issue 12, the last gaps: Ctrl-C during start-up, Jinja errors in French, unknown system errors
in French, a path longer than PATH_MAX, the wizard's own output folder as a symbolic link."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "agglo-val-de-marque.yaml"


# --- 1. Ctrl-C while ptms is still importing -------------------------------------------------------

def _interrupt_during_start_up(delay: float) -> tuple[int, str, str]:
    """Start `python -m ptms_cli validate`, wait until ptms's own code runs (`-X importtime` tells
    when the package `ptms_cli.cli` is imported, i.e. the heavy imports start), wait `delay`, then
    send SIGINT. Before that point the interpreter itself is starting, which ptms cannot change."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "ptms_cli", "validate", str(EXAMPLE)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    lines: list[str] = []
    started = threading.Event()

    def read():
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace")
            lines.append(line)
            if line.rstrip().endswith("| ptms_cli.cli") or line.rstrip().endswith("|   ptms_cli.cli"):
                started.set()
        started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert started.wait(60)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out = proc.stdout.read().decode("utf-8", "replace")
    code = proc.wait(60)
    reader.join(60)
    return code, out, "".join(line for line in lines if not line.startswith("import time:"))


@pytest.mark.parametrize("delay", [0, 0.01, 0.03, 0.1, 0.3])
def test_ctrl_c_during_start_up_is_a_french_exit_130_without_traceback(delay):
    code, out, err = _interrupt_during_start_up(delay)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if code == -signal.SIGINT:  # CPython ends by SIGINT itself (the shell shows 130) after the shutdown
        assert "1 fichier vérifié" in out or "Interrompu" in err, (out, err)
        return
    assert code in (0, 1, 130), (code, err)
    if code == 130:
        assert "Interrompu" in err, err
