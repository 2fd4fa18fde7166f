"""What the wizard's prompts look like at 60 and 120 columns: questions, choices and refusals wrapped at
words with their indent (`wizard.backend.wrap`), indented lines of the wizard (review, reasons) wrapped
under their text (`terminal.hang`), never an amount split.

The prompts are drawn by the real questionary + prompt_toolkit layout on a screen of the given width
(`shoot`: the screen prompt_toolkit's renderer last drew, character by character). Snapshots live in
tests/snapshots/terminal-prompts-*.txt; regenerate with PTMS_UPDATE_SNAPSHOTS=1 after a deliberate change.
"""

from __future__ import annotations

import copy
import io
import re

import pytest
from conftest import EXAMPLES, terminal_snapshot as snapshot
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from ptms_cli import yamledit
from ptms_cli.terminal import FrenchConsole, shorten
from ptms_cli.wizard import review
from ptms_cli.wizard.backend import QuestionaryBackend, ScriptedBackend, wrap
from ptms_cli.wizard.engine import Engine

AMOUNT = "123\u00a0994,63\u00a0€"
SHOWN = AMOUNT.replace("\u00a0", " ")  # prompt_toolkit draws a no-break space as a space (`Char.display_mappings`)
LONG = "Centre communal d'action sociale de Beaulieu-sur-Sambre"
CHOICES = [(0, "Ajouter"), (1, f"Modifier : {LONG}"), (2, f"Retirer : {LONG}"),
           (3, f"Solde à financer par les partenaires signataires : {AMOUNT} en 2026"), (4, "Terminer")]


class Camera(QuestionaryBackend):
    """The real terminal backend; keeps every screen prompt_toolkit draws (`screens`)."""

    def __init__(self, width: int, pipe, then: list[tuple[str, str]]):
        self.width, self.screens, self.pipe, self.then = width, [], pipe, list(then)
        super().__init__(input=pipe, output=Vt100_Output(io.StringIO(), lambda: Size(rows=40, columns=width),
                                                         term="xterm"))

    def _ask(self, question):
        def grab(app) -> None:
            s = app.renderer._last_screen
            if s is None:  # after the answer: the screen is given back to the terminal
                return
            self.screens.append(["".join(s.data_buffer[y][x].char for x in range(self.width)).rstrip()
                                 for y in range(s.height)])
            if self.then and self.then[0][0] in "\n".join(self.screens[-1]):  # once shown, the next keys
                self.pipe.send_text(self.then.pop(0)[1])

        question.application.after_render += grab
        return super()._ask(question)


def shoot(width: int, kind: str, *args, keys: str = "\r", then: list[tuple[str, str]] = []) -> tuple[object, list[list[str]]]:
    """The answer and the screens of one prompt: `keys` typed at once, then each `(text, keys)` of `then`
    once `text` is on screen."""
    with create_pipe_input() as pipe:
        camera = Camera(width, pipe, then)
        pipe.send_text(keys)
        answer = getattr(camera, kind)(*args)
    return answer, [[line for line in screen if line] for screen in camera.screens]


def words(text: str) -> list[str]:
    return text.split()  # str.split() cuts at no-break spaces too: « 123 994,63 € » is three words here


@pytest.mark.parametrize("width", [60, 120])
def test_a_menu_fits_the_terminal_at_words_with_its_indent(width):
    answer, screens = shoot(width, "select", "Étape 2 : partenaires, que faire ?", CHOICES, 4)
    assert answer == 4  # the prompt still answers: Enter on the default
    menu = screens[0]  # before the answer
    assert max(len(line) for line in menu) <= width
    # every word of the question, the instruction and each choice, whole and in order
    expected = ["?", *words("Étape 2 : partenaires, que faire ? (flèches ou touche du choix, puis Entrée)")]
    for i, (_, label) in enumerate(CHOICES):
        expected += [f"{i + 1})", *words(label)]
    assert [w for w in words("\n".join(menu)) if w != "»"] == expected
    assert any(SHOWN in line for line in menu)  # an amount never split over two lines
    starts = [line for line in menu if re.match(r" (?:»| ) \d\) ", line)]
    assert len(starts) == len(CHOICES)
    assert all(line.startswith("  ") for line in menu[1:menu.index(starts[0])])  # the question's next lines
    for line in menu[menu.index(starts[0]):]:  # a choice's next lines start under its text, after « » 1) »
        assert line in starts or line.startswith(" " * 6) and line[6] != " ", line
    if width == 60:
        assert len(menu) > len(CHOICES) + 1  # the long choices did wrap
        assert menu[1].startswith("  ") and not menu[0].endswith(("pu", "(flèches"))
    else:
        assert len(menu) == len(CHOICES) + 1  # one line each at 120
    snapshot(f"prompts-select-{width}", menu)


@pytest.mark.parametrize("width", [60, 120])
def test_a_checkbox_fits_the_terminal_and_keeps_its_indent(width):
    answer, screens = shoot(width, "checkbox", "Partenaires concernés par cet objectif partagé ?", CHOICES, [1],
                            keys="\r")
    assert answer == [1]
    menu = screens[0]
    assert max(len(line) for line in menu) <= width
    assert [w for w in words("\n".join(menu)) if w not in ("»", "○", "●")] == [
        "?", *words("Partenaires concernés par cet objectif partagé ? (Espace pour cocher, Entrée pour valider)"),
        *(w for _, label in CHOICES for w in words(label))]
    first = next(i for i, line in enumerate(menu) if re.match(r" (?:»| ) [○●] ", line))
    assert all(line.startswith("  ") for line in menu[1:first])  # the question's next lines under its text
    for line in menu[first:]:
        assert re.match(r" (?:»| ) [○●] ", line) or line.startswith(" " * 5) and line[5] != " ", line
    snapshot(f"prompts-checkbox-{width}", menu)


@pytest.mark.parametrize("width", [60, 120])
def test_a_long_question_and_its_refusal_are_wrapped_at_words(width):
    question = "Coût annuel chargé d'un poste de médiateur à temps plein, en euros, hors aides de l'État ?"
    refusal = ("« abc » n'est pas un montant : tapez un nombre d'euros, avec des espaces et une virgule si "
               f"besoin, par exemple {AMOUNT}")

    def check(value: str) -> str | None:
        return refusal if value == "abc" else None

    answer, screens = shoot(width, "text", question, "42 000", check, keys="abc\r", then=[("montant", "\x15\r")])
    assert answer == "42 000"  # refused « abc », then Enter on the empty line keeps the default
    refused = next(s for s in screens if any("abc" in line for line in s) and any("montant" in line for line in s))
    assert max(len(line) for line in refused) <= width
    text = "\n".join(refused)
    assert words(question) == words(text)[1:len(words(question)) + 1]
    assert words(refusal) == words(text)[-len(words(refusal)):]  # the whole message, not cut at the edge
    assert SHOWN in text
    if width == 60:
        assert refused[1].startswith("  ")  # the question's next line under its text
    snapshot(f"prompts-text-{width}", refused)


def test_a_checkbox_answer_names_the_ticked_choices_in_french():
    with create_pipe_input() as pipe:
        camera = Camera(60, pipe, [])
        pipe.send_text(" \x1b[B\x1b[B \r")  # tick « Ajouter », go down twice, tick « Retirer »; « Modifier » was
        assert camera.checkbox("Partenaires concernés ?", CHOICES, [1]) == [0, 1, 2]
        raw = camera._io["output"].stdout.getvalue()
    shown = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", raw).replace("\r", "")
    answer = shown[shown.rindex("? Partenaires concernés ?"):]  # the answered question, as it stays on screen
    assert words(answer) == ["?", "Partenaires", "concernés", "?", *words(", ".join(label for _, label in CHOICES[:3]))]
    assert all(len(line) <= 60 for line in answer.splitlines())
    assert "selections" not in shown and "done" not in shown and "[" not in answer


# --- wrap(), the rule itself -------------------------------------------------------------------------

WORD = st.text(alphabet="abcdéèçàôABCÉ'-,.0123456789", min_size=1, max_size=12)
AMOUNTS = st.decimals(min_value=0, max_value=10**7, places=2).map(
    lambda d: f"{d:,.2f}".replace(",", "\u00a0").replace(".", ",") + "\u00a0€")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(WORD, AMOUNTS), min_size=1, max_size=30), st.integers(min_value=24, max_value=130),
       st.sampled_from(["", " » 1) ", "   ○ ", "? "]))
def test_wrap_never_cuts_a_word_nor_an_amount(items, width, marks):
    line = marks + " ".join(items)
    out = wrap([("class:text", line)], width)
    text = "".join(t for _, t in out)
    shown = text.split("\n")
    assert [x for x in text.replace("\n", " ").split(" ") if x] == [x for x in line.split(" ") if x]  # no word cut
    for i, piece in enumerate(shown):
        assert len(piece) <= width, piece
        if i:  # under the line's text, after its marks
            assert piece.startswith(" " * len(marks)) and not piece[len(marks):].startswith(" "), piece
    assert all(style == "class:text" for style, t in out if t.strip())  # the style stays on its characters


def test_wrap_keeps_styles_and_zero_width_marks_in_place():
    fragments = [("class:pointer", " » "), ("[SetCursorPosition]", ""), ("class:highlighted", "1) " + "mot " * 20)]
    out = wrap(fragments, 30)
    assert ("[SetCursorPosition]", "") in out
    assert out.index(("[SetCursorPosition]", "")) == 1  # still before the choice's text
    assert " ".join(t for s, t in out if s == "class:highlighted").split() == ["1)"] + ["mot"] * 20
    assert all(len(line) <= 30 for line in "".join(t for _, t in out).split("\n"))


def test_wrap_never_starts_a_line_with_french_closing_punctuation():
    sentence = "Modifier : Centre communal d'action « sociale » ; encore ? oui, « fin » : Beaulieu-sur-Sambre"
    for width in range(max(len(w) for w in sentence.split()) + 3, len(sentence) + 1):
        out = "".join(t for _, t in wrap([("", sentence)], width))
        assert out.replace("\n", " ").split() == sentence.split()
        for line in out.split("\n"):
            assert len(line) <= width
            assert not line.lstrip().startswith((":", ";", "?", "»")), (width, out)
            assert not line.rstrip().endswith("«"), (width, out)
    # a line too narrow for « Modifier : »: the colon starts a line rather than a word being cut
    assert "".join(t for _, t in wrap([("", "Modifier : Centre")], 9)) == "Modifier\n: Centre"


def test_wrap_cuts_a_word_wider_than_the_terminal_and_stops():
    out = "".join(t for _, t in wrap([("", " » 1) " + "x" * 50)], 20))
    lines = out.split("\n")
    assert all(len(line) <= 20 for line in lines)
    assert "".join(line.strip() for line in lines) == "» 1) " + "x" * 50  # nothing lost, no endless loop
    assert wrap([], 20) == [] and "".join(t for _, t in wrap([("", "a\nb")], 1)) == "a\nb"


# --- indented lines of the wizard: the review before saving ------------------------------------------

def test_the_review_wraps_its_lines_under_their_text_at_60_columns():
    base = yamledit.open_document(EXAMPLES / "commune-beaulieu.yaml").data()
    data = copy.deepcopy(base)
    data["partners"][0]["name"] = "Ville de Beaulieu-sur-Sambre, direction de la tranquillité publique"
    data["partners"].append({"id": "ccas-2", "name": LONG + " (antenne)",
                             "kind": "ccas", "roles": ["prescriber"], "status": "interested"})
    out = FrenchConsole(width=60, record=True, file=io.StringIO(), color_system=None)
    e = Engine(ScriptedBackend([True]), out, data)
    assert review.review(e, base, ["partners"], "beaulieu.yaml") is True
    shown = [line.rstrip() for line in out.export_text().splitlines()]
    assert max(len(line) for line in shown) <= 60
    changes = [i for i, line in enumerate(shown) if re.match(r"  [+~−] ", line)]
    assert len(changes) == 2
    for i in changes:  # each change's next lines start under its text, 4 columns in
        j = i + 1
        while j < len(shown) and shown[j].startswith("    "):
            assert shown[j][4] != " "
            j += 1
        assert j > i + 1, shown  # it did wrap, and kept its indent
    text = " ".join(words("\n".join(shown)))
    for name in (data["partners"][0]["name"], data["partners"][-1]["name"]):
        assert " ".join(words(name)) in text  # whole, in order, no word cut


def test_a_name_too_long_for_a_menu_is_shortened_after_a_whole_word():
    name = "Ville de Beaulieu-sur-Sambre, direction de la tranquillité publique et de la prévention"
    short = shorten(name, 70)
    assert len(short) <= 70 and short.endswith("…")
    assert name.startswith(short[:-1]) and name[len(short) - 1] in " ,"  # cut at a word's end
    assert shorten(f"Solde : {AMOUNT} en 2026", 12) == "Solde…"  # never inside an amount
    assert shorten("x" * 50, 10) == "x" * 9 + "…" and shorten("court", 10) == "court"


def test_the_review_names_what_changed_without_ids_keys_or_repeats(tmp_path):
    """Rename the prefecture's id, change its status, remove the social landlord with its 5 uses: the
    review says each change once, by names (a removed partner too), and no YAML key in the findings."""
    import shutil

    from ptms_cli.wizard.backend import Expect as E
    from ptms_cli.wizard.run import run

    path = tmp_path / "projet.yaml"
    shutil.copy(EXAMPLES / "commune-beaulieu.yaml", path)
    ids = [p["id"] for p in yamledit.open_document(path).data()["partners"]]
    backend = ScriptedBackend([
        E("quelle section", 0), E("Partenaires : que faire", ("edit", ids.index("prefecture"))),
        E("quel champ modifier", "rename"), E("Nouvel identifiant", "etat-nord"),
        E("quel champ modifier", "status"), E("Statut de mobilisation", "interested"),
        E("quel champ modifier", "done"),
        E("Partenaires : que faire", ("remove", ids.index("habitat-sambre"))),
        E("Retirer « Habitat Sambre & Avesnois »", "cascade"), E("Partenaires : que faire", "done"),
        E("quelle section", "done"), E("Enregistrer", False)])
    out = FrenchConsole(width=60, record=True, file=io.StringIO(), color_system=None)
    run("mobilize", path, out, lambda: backend)
    shown = [line.rstrip() for line in out.export_text().splitlines()]
    uses = " ".join(" ".join(shown[:shown.index("Relecture avant d'enregistrer")]).split())
    uses = uses[uses.index("« Habitat Sambre & Avesnois » est utilisé"):]
    uses = uses[:uses.index("? ") if "? " in uses else len(uses)]
    # the places that use it, by names: its contribution, the committees it sits in (not « n° 2 », not its id)
    assert "Contributions fixes des partenaires › Habitat Sambre & Avesnois › Partenaire contributeur" in uses
    assert "Comité de pilotage › Membres › Habitat Sambre & Avesnois" in uses
    assert "n° " not in uses and "habitat-sambre" not in uses
    part = shown[shown.index("Relecture avant d'enregistrer"):]
    assert max(len(line) for line in part) <= 60
    changes = " ".join(" ".join(part).split())  # lines joined: what a reader reads
    assert changes.count("« prefecture » → « etat-nord »") == 1  # once, not again as a field of the item
    assert "Identifiant du partenaire" not in changes
    assert "Statut de mobilisation : Engagé → Intéressé" in changes
    assert "− Partenaires › Habitat Sambre & Avesnois (retiré)" in changes
    # the removed partner's uses, by its name: its contribution and the committees it sat in
    assert "Contributions fixes des partenaires › Habitat Sambre & Avesnois (retiré)" in changes
    assert "Comité de pilotage › Membres : Habitat Sambre & Avesnois retiré" in changes
    assert "habitat-sambre" not in changes and "identifiant mis à jour" not in changes
    assert "funding." not in changes and "«" + " funding" not in changes  # findings without YAML keys
    assert "✗ Plan de financement" in changes  # the findings name the section to go back to
    # … which is in step 2: the review says which command fixes it, not « revenez à la section »
    assert "3 erreurs. « Plan de financement » se corrige à l'étape 2" in changes
    assert f"puislancez«ptmsspecify{path}»" in "".join(changes.split())  # a path wider than a line is folded
    assert "revenez à la section" not in changes
    assert yamledit.open_document(path).data()["partners"][1]["id"] == "habitat-sambre"  # not saved


@pytest.mark.parametrize("width", [40, 60, 120])
def test_a_long_default_value_is_shown_whole_words_under_its_question(width):
    default = "Projet territorial de médiation sociale — Communauté de communes du Val de Sambre et de l'Avesnois"
    answer, screens = shoot(width, "text", "Nom du projet", default)
    assert answer == default  # Enter keeps it: what is shown is not what is stored
    shown = screens[0]
    assert max(len(line) for line in shown) <= width
    assert words("\n".join(shown)) == ["?", "Nom", "du", "projet", *words(default)]  # no word cut at the edge
    assert all(line.startswith("  ") and line[2] != " " for line in shown[1:])  # under the question's text
    assert len(shown) == (1 if width == 120 else 2 if width == 60 else 4)


def test_a_date_help_does_not_keep_the_iso_example_alone():
    from ptms_cli.wizard.forms import strip_format_help

    assert strip_format_help("Date ISO, ex. 2026-01-01.", "date") is None  # was « 2026-01-01. » alone
    assert strip_format_help("Date de fin du projet. Date ISO, ex. 2028-12-31.", "date") == "Date de fin du projet."
    assert strip_format_help("Le 1er janvier 2026-01-01 compris.", "date") == "Le 1er janvier 2026-01-01 compris."


def test_the_review_of_a_new_project_lists_its_parts_in_full(tmp_path):
    """`ptms init`: each answer in the review, by its title (not « 1 élément(s) », not the file's format)."""
    from wizard_scripts import INIT

    from ptms_cli.wizard.run import run

    path = tmp_path / "projet.yaml"
    out = FrenchConsole(width=60, record=True, file=io.StringIO(), color_system=None)
    backend = ScriptedBackend(list(INIT))
    run("init", path, out, lambda: backend)
    text = out.export_text()
    review_ = " ".join(text[text.index("Relecture avant d'enregistrer"):text.index("enregistré")].split())
    data = yamledit.open_document(path).data()
    assert "Version du format" not in review_ and "élément(s)" not in review_
    assert f"+ Nom du projet : {' '.join(data['name'].split())}" in review_  # whole, not cut at 40 characters
    assert "+ Période du projet › Début du projet :" in review_ and "+ Période du projet › Fin du projet :" in review_
    for p in data["partners"]:
        assert f"+ Partenaires › {' '.join(p['name'].split())} (ajouté)" in review_
    for s in data["territory"]["sectors"]:
        assert f"Secteurs opérationnels › {' '.join(s['name'].split())} (ajouté)" in review_


def test_a_list_known_by_its_partner_shows_the_partners_names_not_their_ids():
    """Fixed contributions are identified by their partner: the menu says « Habitat Sambre & Avesnois »."""
    from ptms_cli.model import Project
    from ptms_cli.wizard.questions import question, submodel

    class Seen(ScriptedBackend):
        def select(self, message, choices, default=None):
            self.labels = [label for _, label in choices]
            return super().select(message, choices, default)

    data = yamledit.open_document(EXAMPLES / "commune-beaulieu.yaml").data()
    names = {p["id"]: p["name"] for p in data["partners"]}
    contributions = data["funding"]["contributions"]
    out = FrenchConsole(width=60, record=True, file=io.StringIO(), color_system=None)
    backend = Seen(["done"])
    e = Engine(backend, out, data)
    e.edit_list(question(submodel(Project, "funding"), "contributions"), contributions)
    expected = [names[c["partner"]] for c in contributions]
    assert [label.removeprefix("Modifier : ") for label in backend.labels if label.startswith("Modifier")] == expected
    shown = out.export_text()
    for c in contributions:
        assert f"• {names[c['partner']]}" in shown and c["partner"] not in shown
