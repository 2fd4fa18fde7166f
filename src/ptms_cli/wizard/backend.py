"""Prompting backends of the wizards: questionary in a terminal, a script in tests.

A backend asks one question and returns a Python value; Ctrl-C raises `KeyboardInterrupt` (never a
silent `None`, the trap of questionary's `ask()`). `validate` functions return a French message or
None. questionary (prompt_toolkit) is imported only when a terminal prompt is really built: without
a TTY prompt_toolkit crashes or hangs, so the commands never get here without one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

Validate = Callable[[str], "str | None"]
Choices = Sequence[tuple[Any, str]]  # (value, French label)

YES, NO = "Oui", "Non"


class GoBack(Exception):
    """The user leaves the current item or section without keeping its answers (Échap or « ← Retour »)."""


class Backend(Protocol):
    def text(self, message: str, default: str = "", validate: Validate | None = None) -> str: ...

    def select(self, message: str, choices: Choices, default: Any = None) -> Any: ...

    def checkbox(self, message: str, choices: Choices, default: Sequence[Any] = ()) -> list: ...

    def confirm(self, message: str, default: bool = True) -> bool: ...


def _french_checkbox_answer() -> None:
    """questionary prints « done (3 selections) » after a checkbox: say it in French.

    The answer line is built by a closure inside `questionary.prompts.checkbox`; the only hook is
    the layout factory it calls, wrapped here (once) to translate those two English tokens.
    """
    import re

    from questionary.prompts import common

    original = common.create_inquirer_layout
    if getattr(original, "_ptms", False):
        return

    def translate(text: str) -> str:
        if text == "done":
            return "aucun choix"
        match = re.fullmatch(r"done \((\d+) selections\)", text)
        return f"{match.group(1)} choix" if match else text

    def layout(ic, get_prompt_tokens, **kwargs):
        def tokens():
            return [(style, translate(text)) if style == "class:answer" else (style, text)
                    for style, text in get_prompt_tokens()]

        return original(ic, tokens, **kwargs)

    layout._ptms = True  # type: ignore[attr-defined]
    common.create_inquirer_layout = layout


class QuestionaryBackend:
    """Real prompts. `input`/`output` are prompt_toolkit objects (tests pass a pipe input)."""

    def __init__(self, input: Any = None, output: Any = None):
        _french_checkbox_answer()
        self._io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def _ask(self, question) -> Any:
        import signal
        import threading

        # A Ctrl-C typed while a prompt starts arrives as SIGINT inside prompt_toolkit's event loop,
        # which reports it and carries on: remember it, and stop once the prompt returns.
        interrupted: list[bool] = []
        previous = None
        if threading.current_thread() is threading.main_thread():
            def on_sigint(signum, frame):
                interrupted.append(True)
                raise KeyboardInterrupt

            previous = signal.signal(signal.SIGINT, on_sigint)
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        back = KeyBindings()

        @back.add("escape")  # alone (after prompt_toolkit's short wait: not the start of an arrow key)
        def _(event) -> None:
            event.app.exit(exception=GoBack())

        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings, back]) if app.key_bindings else back
        try:
            answer = question.unsafe_ask()  # Ctrl-C -> KeyboardInterrupt, never None
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if answer is None or interrupted:
            raise KeyboardInterrupt
        return answer

    def text(self, message: str, default: str = "", validate: Validate | None = None) -> str:
        import questionary
        from prompt_toolkit.formatted_text import FormattedText

        # The current value is shown greyed in the empty line, never pre-filled: a pre-filled « 1 »
        # followed by a typed « 2 » gave « 12 ». Enter on the empty line keeps it; what is typed replaces it.
        def check(value: str) -> bool | str:
            error = validate(value if value.strip() else default) if validate else None
            return True if error is None else error

        placeholder = FormattedText([("fg:ansibrightblack", default)]) if default else None
        answer = self._ask(questionary.text(message, validate=check, qmark="?", placeholder=placeholder, **self._io))
        return answer if answer.strip() else default

    # Choices carry their index as value: questionary replaces a None value by the title.
    def select(self, message: str, choices: Choices, default: Any = None) -> Any:
        import questionary

        items = [questionary.Choice(title=label, value=i) for i, (_, label) in enumerate(choices)]
        chosen = next((items[i] for i, (value, _) in enumerate(choices) if value == default), None)
        # short menus get shortcut keys (1 to 9, then letters): a choice is one key away
        shortcuts = len(items) <= 36
        index = self._ask(questionary.select(
            message, choices=items, default=chosen, use_shortcuts=shortcuts, use_jk_keys=not shortcuts,
            instruction="(flèches ou touche du choix, puis Entrée)" if shortcuts else "(flèches puis Entrée)", **self._io))
        return choices[index][0]

    def checkbox(self, message: str, choices: Choices, default: Sequence[Any] = ()) -> list:
        import questionary

        items = [questionary.Choice(title=label, value=i, checked=value in default)
                 for i, (value, label) in enumerate(choices)]
        indexes = self._ask(questionary.checkbox(
            message, choices=items, instruction="(Espace pour cocher, Entrée pour valider)", **self._io))
        return [choices[i][0] for i in sorted(indexes)]

    def confirm(self, message: str, default: bool = True) -> bool:
        return self.select(message, [(True, YES), (False, NO)], default=default)


class Expect(NamedTuple):
    """Scripted answer checked against the question: its message must contain `words`."""

    words: str
    answer: Any


class ENTER:
    """Scripted answer: accept the default (press Enter)."""


class CTRL_C:
    """Scripted answer: the user presses Ctrl-C."""


class ESCAPE:
    """Scripted answer: the user presses Échap (leave the item or section, `GoBack`)."""


class ScriptedBackend:
    """Answers from a list, in order, for tests of the flows. Records every question asked.

    An answer may be an `Expect(words, answer)`: the question asked must
    contain them, so a script that drifts from the flow fails at the first wrong question.
    A text answer that fails validation is recorded in `rejected` (with the French message) and the
    next answer is used, as a user would retype. Running out of answers is a test failure.
    """

    def __init__(self, answers: Sequence[Any]):
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []
        self.rejected: list[tuple[str, str, str]] = []

    def _next(self, kind: str, message: str) -> Any:
        self.asked.append((kind, message))
        if not self.answers:
            raise AssertionError(f"plus de réponse scriptée pour la question {kind} « {message} »")
        answer = self.answers.pop(0)
        if isinstance(answer, Expect):
            if answer.words not in message:
                raise AssertionError(f"question {kind} « {message} » posée, « {answer.words} » attendue")
            answer = answer.answer
        if answer is CTRL_C:
            raise KeyboardInterrupt
        if answer is ESCAPE:
            raise GoBack
        return answer

    def text(self, message: str, default: str = "", validate: Validate | None = None) -> str:
        while True:
            answer = self._next("text", message)
            answer = default if answer is ENTER or not str(answer).strip() else str(answer)  # as the terminal does
            error = validate(answer) if validate else None
            if error is None:
                return answer
            self.rejected.append((message, answer, error))

    def select(self, message: str, choices: Choices, default: Any = None) -> Any:
        answer = self._next("select", message)
        values = [v for v, _ in choices]
        if answer is ENTER:
            return default if default in values else values[0]
        if answer not in values:
            raise AssertionError(f"« {answer} » n'est pas un choix de « {message} » : {values}")
        return answer

    def checkbox(self, message: str, choices: Choices, default: Sequence[Any] = ()) -> list:
        answer = self._next("checkbox", message)
        values = [v for v, _ in choices]
        if answer is ENTER:
            return [v for v in values if v in default]
        unknown = [a for a in answer if a not in values]
        if unknown:
            raise AssertionError(f"{unknown} ne sont pas des choix de « {message} » : {values}")
        return list(answer)

    def confirm(self, message: str, default: bool = True) -> bool:
        answer = self._next("confirm", message)
        return default if answer is ENTER else bool(answer)
