"""Real questionary prompts, in-process, fed by a prompt_toolkit pipe input (no terminal)."""

from __future__ import annotations

import io
import shutil

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from ptms_cli.wizard.backend import QuestionaryBackend
from ptms_cli.wizard.run import run

DOWN, UP, ENTER, SPACE, CTRL_C = "\x1b[B", "\x1b[A", "\r", " ", "\x03"


@pytest.fixture
def keys():
    with create_pipe_input() as pipe:
        def feed(*presses: str) -> QuestionaryBackend:
            pipe.send_text("".join(presses))
            return QuestionaryBackend(input=pipe, output=DummyOutput())
        yield feed


def test_text_refuses_an_invalid_answer_then_accepts(keys):
    backend = keys("abc", ENTER, "\x7f" * 3, "42", ENTER)
    seen = []

    def validate(text):
        error = None if text.isdigit() else "nombre entier attendu"
        seen.append((text, error))
        return error

    assert backend.text("Population", validate=validate) == "42"
    assert ("abc", "nombre entier attendu") in seen


def test_text_default_is_kept_on_enter(keys):
    assert keys(ENTER).text("Nom", default="Villeneuve") == "Villeneuve"


def test_typing_replaces_the_default_instead_of_appending_to_it(keys):
    """The current value is offered greyed, not pre-filled: « 2 » typed over a default « 1 » is 2, not 12."""
    assert keys("2", ENTER).text("Nombre de postes", default="1") == "2"
    seen = []
    assert keys(ENTER).text("Nombre de postes", default="1", validate=lambda t: seen.append(t)) == "1"
    assert seen == ["1"]  # Enter on the empty line validates the default it keeps


def test_select_returns_values_including_none(keys):
    choices = [("a", "Premier"), ("b", "Second"), (None, "(aucun)")]
    assert keys(DOWN, ENTER).select("Choix", choices, default="a") == "b"
    assert keys(DOWN, DOWN, ENTER).select("Choix", choices, default="a") is None
    assert keys(ENTER).select("Choix", choices, default="b") == "b"


def test_checkbox_and_confirm(keys):
    choices = [("lundi", "Lundi"), ("mardi", "Mardi"), ("mercredi", "Mercredi")]
    assert keys(SPACE, DOWN, DOWN, SPACE, ENTER).checkbox("Jours", choices) == ["lundi", "mercredi"]
    assert keys(ENTER).checkbox("Jours", choices, default=["mardi"]) == ["mardi"]
    assert keys(DOWN, ENTER).confirm("Enregistrer ?", default=True) is False


def test_escape_goes_back_from_a_text_and_from_a_choice(keys):
    from ptms_cli.wizard.backend import GoBack

    with pytest.raises(GoBack):
        keys("Vil", "\x1b").text("Nom")
    with pytest.raises(GoBack):
        keys("\x1b").select("Choix", [("a", "Premier"), ("b", "Second")], default="a")


def test_ctrl_c_raises_instead_of_returning_none(keys):
    with pytest.raises(KeyboardInterrupt):
        keys("Vil", CTRL_C).text("Nom")


def test_a_whole_wizard_with_real_prompts_then_ctrl_c(tmp_path, keys):
    """`ptms mobilize` with questionary prompts: add a partner by keystrokes, Ctrl-C: nothing written."""
    path = tmp_path / "projet.yaml"
    shutil.copy(__import__("conftest").EXAMPLES / "cc-deux-rives.yaml", path)
    before = path.read_bytes()
    # the hub (Enter: the partners), « Ajouter » (Down twice wraps from « Terminer » over « ← Retour »),
    # name (the identifier is made from it), kind: then Ctrl-C at the roles
    backend = keys(ENTER, DOWN, DOWN, ENTER, "Collège Jean Moulin", ENTER, ENTER, CTRL_C)
    out = io.StringIO()
    assert run("mobilize", path, Console(file=out, width=100), lambda: backend) == 130
    assert path.read_bytes() == before
    assert "Carte des partenaires (6)" in out.getvalue()
    assert out.getvalue().rstrip().endswith("Financeur, opérateur, prescripteur, bénéficiaire, signataire (plusieurs possibles).")
