"""Prompting backends of the wizards: questionary in a terminal, a script in tests.

A backend asks one question and returns a Python value; Ctrl-C raises `KeyboardInterrupt` (never a
silent `None`, the trap of questionary's `ask()`). `validate` functions return a French message or
None. questionary (prompt_toolkit) is imported only when a terminal prompt is really built: without
a TTY prompt_toolkit crashes or hangs, so the commands never get here without one.
"""

from __future__ import annotations

import re
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


# Where a screen line's text starts after its marks: « ? » (a question), « » » (the pointer), « ○ » / « ● »
# (a checkbox), « 1) » (a shortcut). Its wrapped lines start under that text (a hanging indent).
_MARKS = re.compile(r"\s*(?:[?»]\s+)?(?:[○●]\s+)?(?:[0-9a-z-]\)\s+)?")


def wrap(fragments: Sequence[tuple], width: int) -> list[tuple]:
    """prompt_toolkit's formatted text with each line longer than `width` cut at its spaces, the next
    lines indented under the line's text (`_MARKS`). Only U+0020 breaks a line: the no-break spaces of
    « 123 994,63 € » or « 12 % » never do. A word wider than the room is cut where the room ends.
    Styles and zero-width fragments (« [SetCursorPosition] ») stay on their characters.

    prompt_toolkit never breaks a line at a word: a choice (a `Window` that does not wrap) is cut at
    the right edge, a question (the prompt, which wraps) is cut anywhere, « pu / is Entrée »."""
    from prompt_toolkit.utils import get_cwidth

    chars: list[tuple] = []  # (style, one character or a zero-width fragment, *handler)
    for style, text, *rest in fragments:
        if style.startswith("[") or not text:
            chars.append((style, text, *rest))
        else:
            chars.extend((style, c, *rest) for c in text)
    out: list[tuple] = []
    line: list[tuple] = []

    def flush(line: list[tuple]) -> None:
        plain = "".join(f[1] for f in line if not f[0].startswith("["))
        indent = _MARKS.match(plain).end() if len(line) else 0  # type: ignore[union-attr]
        indent = indent if indent <= width // 3 else 2
        first = True
        while True:
            used, cut, space, any_space = 0, None, None, None  # the index that does not fit; the spaces before it
            for i, f in enumerate(line):
                if f[0].startswith("["):
                    continue
                used += get_cwidth(f[1])
                if used > width:
                    cut = i
                    break
                if f[1] == " " and (first is False or i > indent):
                    any_space = i
                    space = i if _breaks(line, i) else space
            if cut is None:
                out.extend(line)
                return
            space = space if space is not None else any_space  # « : » starting a line rather than a cut word
            end, restart = (space, space + 1) if space is not None else (cut, cut)
            if end <= (0 if first else 1):  # not even one character fits: one anyway, never a loop
                end = restart = cut + 1
            out.extend(line[:end])
            out.append(("", "\n"))
            rest = line[restart:]
            while rest and rest[0][1] == " ":
                rest = rest[1:]
            line = [("", " " * indent)] + rest if rest else []
            first = False
            if not line:
                return

    for f in chars:
        if f[1] == "\n" and not f[0].startswith("["):
            flush(line)
            out.append(f)
            line = []
        else:
            line.append(f)
    flush(line)
    merged: list[tuple] = []  # consecutive characters of one style in one fragment again
    for f in out:
        if merged and len(f) == 2 and len(merged[-1]) == 2 and f[0] == merged[-1][0] and not f[0].startswith("["):
            merged[-1] = (f[0], merged[-1][1] + f[1])
        else:
            merged.append(f)
    return merged


def spaced(text: str, column: int, width: int, indent: int = 2) -> str:
    """`text` as shown from `column` in a line that the terminal wraps at `width` at any character (the
    line of an answer): where a word would not fit, spaces up to the edge and `indent`, so that it starts
    the next line whole. For a text that cannot hold a line break (prompt_toolkit's placeholder)."""
    from prompt_toolkit.utils import get_cwidth

    out, col = "", column
    for word in text.split(" "):
        size = get_cwidth(word)
        gap = 1 if out else 0
        if col + gap + size > width and size <= width - indent and (out or col > indent):
            out += " " * (width - col + indent if col <= width else indent)
            col, gap = indent, 0
        out += " " * gap + word
        col = col + gap + size
    return out


def _breaks(line: list[tuple], i: int) -> bool:
    """A line may break at the space `line[i]`: not before « : ; ! ? » » nor after « « » (French)."""
    after = next((f[1] for f in line[i + 1:] if f[1] and not f[0].startswith("[")), "")
    before = next((f[1] for f in reversed(line[:i]) if f[1] and not f[0].startswith("[")), "")
    return after[:1] not in (":", ";", "!", "?", "»") and before[-1:] != "«"


def _width() -> int:
    from prompt_toolkit.application import get_app

    return get_app().output.get_size().columns


def _french_checkbox_answer() -> None:
    """Hooks on questionary's layout (once), the only place where its screen lines are built:

    - questionary prints « done (3 selections) » after a checkbox: the ticked choices instead;
    - the question and the choices are wrapped at words to the terminal's width at each redraw
      (`wrap`): questionary leaves a long choice cut at the right edge and the question cut mid-word.
    The layout factory is called by `questionary.prompts.select` and `checkbox` with the choices'
    control (`ic`, whose `text` draws the choices) and the question's tokens.
    """
    from questionary.prompts import common

    original = common.create_inquirer_layout
    if getattr(original, "_ptms", False):
        return

    def layout(ic, get_prompt_tokens, **kwargs):
        def translate(text: str) -> str:  # a checkbox's answer: what was ticked (« [Financeur] », « done (3 selections) »)
            if not ic.use_indicator:  # a select's answer: its choice, as it is
                return text
            ticked = [str(c.title) for c in ic.choices if c.value in ic.selected_options]
            return ", ".join(ticked) if ticked else "aucun choix"

        def tokens():
            return wrap([(style, translate(text)) if style == "class:answer" else (style, text)
                         for style, text, *_ in get_prompt_tokens()], _width())

        draw = ic.text
        ic.text = lambda: wrap(draw(), _width())
        return original(ic, tokens, **kwargs)

    layout._ptms = True  # type: ignore[attr-defined]
    common.create_inquirer_layout = layout


def _wrap_error(app: Any) -> None:
    """The message of a refused answer, wrapped at words: prompt_toolkit shows it on one line
    (`ValidationToolbar`, height 1), cut at the right edge."""
    from prompt_toolkit.layout.controls import FormattedTextControl

    for window in app.layout.find_all_windows():
        control = window.content
        draw = getattr(control, "text", None)
        if isinstance(control, FormattedTextControl) and "ValidationToolbar" in getattr(draw, "__qualname__", ""):
            control.text = lambda draw=draw: wrap(draw(), _width())
            window.height = None


class QuestionaryBackend:
    """Real prompts. `input`/`output` are prompt_toolkit objects (tests pass a pipe input)."""

    def __init__(self, input: Any = None, output: Any = None):
        _french_checkbox_answer()
        self._io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def _columns(self) -> int:
        import shutil

        output = self._io.get("output")
        return output.get_size().columns if output is not None else shutil.get_terminal_size().columns

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
        from prompt_toolkit.utils import get_cwidth

        # The current value is shown greyed in the empty line, never pre-filled: a pre-filled « 1 »
        # followed by a typed « 2 » gave « 12 ». Enter on the empty line keeps it; what is typed replaces it.
        def check(value: str) -> bool | str:
            error = validate(value if value.strip() else default) if validate else None
            return True if error is None else error

        # the question wrapped at words now (prompt_toolkit would cut it anywhere), after its « ? »
        columns = self._columns()
        shown = "".join(text for _, text, *_ in wrap([("", "? " + message)], columns))[2:]
        # the greyed value follows it on the line of the answer, which prompt_toolkit wraps at any character
        at = get_cwidth(("? " + shown).split("\n")[-1]) + 1
        placeholder = FormattedText([("fg:ansibrightblack", spaced(default, at, columns))]) if default else None
        question = questionary.text(shown, validate=check, qmark="?", placeholder=placeholder, **self._io)
        _wrap_error(question.application)
        answer = self._ask(question)
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
