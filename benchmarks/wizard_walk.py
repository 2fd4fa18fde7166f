"""Count the questions of the wizards on the tests' scenario (init, then the three steps, to a complete
convention: two partners, one post type, two mediators), and the questions to change one value.

Not the brief's full scenario (six partners, four mediators, pexpect): a scripted backend counts the
prompts each answer needs. Run: PYTHONPATH=src python benchmarks/wizard_walk.py
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from wizard_scripts import CONVENE, INIT, MOBILIZE, SPECIFY  # noqa: E402

from ptms_cli.wizard.backend import ENTER, ScriptedBackend  # noqa: E402
from ptms_cli.wizard.backend import Expect as E  # noqa: E402
from ptms_cli.wizard.run import run  # noqa: E402


def main() -> None:
    path = Path(tempfile.mkdtemp()) / "projet.yaml"
    total = 0
    for name, script in (("init", INIT), ("mobilize", MOBILIZE), ("specify", SPECIFY), ("convene", CONVENE)):
        backend = ScriptedBackend([a for a in script if not (isinstance(a, E) and a.words == "Produire maintenant")]
                                  + [E("Produire", False)])
        run(name, path, Console(file=io.StringIO()), lambda b=backend: b)
        print(f"{name:9} {len(backend.asked):4} questions")
        total += len(backend.asked)
    print(f"{'total':9} {total:4} questions")
    # `ptms mobilize --edit partners`: after the change, Entrée is « Enregistrer et quitter »
    change = ScriptedBackend([E("Partenaires : que faire", ("edit", 1)), E("quel champ", "status"),
                              E("Statut", "interested"), E("quel champ", ENTER), E("Produire", False)])
    run("mobilize", path, Console(file=io.StringIO()), lambda: change, edit="partners")
    print(f"changer le statut d'un partenaire : {len(change.asked) - 1} questions avant « Produire ? »")


if __name__ == "__main__":
    main()
