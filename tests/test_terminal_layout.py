"""Terminal layouts at 60 and 120 columns, and French typography in the terminal (`ptms_cli.terminal`).

Snapshots of the rendered text live in tests/snapshots/terminal-*.txt; after a deliberate change of a
layout, regenerate them with PTMS_UPDATE_SNAPSHOTS=1 and read the diff.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from conftest import EXAMPLES, terminal_snapshot as snapshot
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ptms_cli import yamledit
from ptms_cli.documents.typography import NBSP, NNBSP
from ptms_cli.frformat import money
from ptms_cli.terminal import FrenchConsole, fit, french, lines
from ptms_cli.wizard import flows
from ptms_cli.wizard.backend import ScriptedBackend
from ptms_cli.wizard.engine import Engine

AMOUNT = re.compile(r"-?\d{1,3}(?:[\u00a0\u202f]\d{3})*(?:,\d+)?\u00a0(?:€|%|h|ETP)")


def agglo() -> dict:
    return yamledit.open_document(EXAMPLES / "agglo-val-de-marque.yaml").data()


def screen(width: int, draw) -> list[str]:
    """What the wizard shows at `width` columns: `draw(engine)` on the console the wizard uses."""
    console = FrenchConsole(width=width, record=True, file=io.StringIO(), color_system=None, soft_wrap=True)
    draw(Engine(ScriptedBackend([]), console, agglo()))
    return [line.rstrip() for line in console.export_text().splitlines()]


def partner_map(e: Engine) -> None:
    flows.partner_map(e, e.data["partners"])


def balance(e: Engine) -> None:
    flows.show_balance(e)


@pytest.mark.parametrize("width", [60, 120])
def test_partner_map_shows_every_partner_whole(width):
    shown = screen(width, partner_map)
    text = "\n".join(shown)
    data = agglo()
    assert max(len(line) for line in shown) <= width
    assert "…" not in text  # nothing cut
    for p in data["partners"]:
        email = (p.get("contact") or {}).get("email")
        if email:  # an address is never cut: on one line, whole
            assert any(email in line for line in shown), email
    words = set(re.findall(r"\w+", text))
    for p in data["partners"]:
        assert set(re.findall(r"\w+", p["name"])) <= words, p["name"]
    snapshot(f"partner-map-{width}", shown)


def test_partner_map_is_a_table_at_120_and_blocks_at_60():
    wide, narrow = screen(120, partner_map), screen(60, partner_map)
    n = len(agglo()["partners"])
    assert any(line.split() == ["Partenaire", "Rôles", "Statut", "Contact", "Champs", "d'intérêt"] for line in wide)
    assert sum(line.startswith("• ") for line in narrow) == n  # one block per partner
    assert sum(line.startswith("• ") for line in wide) == 0
    assert sum(line.strip().startswith("Statut\u00a0:") for line in narrow) == n  # « Statut : » with a no-break space


@pytest.mark.parametrize("width", [60, 120])
def test_balance_never_splits_an_amount(width):
    shown = screen(width, balance)
    assert shown and max(len(line) for line in shown) <= width
    amounts = [m for line in shown for m in AMOUNT.findall(line) if m.endswith("€")]
    assert len(amounts) == 4 * 3  # cost, resources, contributions, balance for each of the 3 years, each whole
    for line in shown:
        assert not re.search(r"\d[\u00a0\u202f,]?$", line.rstrip(" │")) or re.fullmatch(r"• 20\d\d", line), line
        assert not re.match(r"\s*€", line.strip("│ ")), line
    snapshot(f"balance-{width}", shown)


def test_a_table_that_fits_keeps_its_columns_and_one_that_does_not_becomes_blocks():
    t = Table(title="Équilibre")
    for header in ("Année", "Coût du service", "Ressources", "Contributions", "Reste à financer"):
        t.add_column(header)
    t.add_row("2026", money(Decimal("1123994.63")), money(40000), money(Decimal("83994.63")), money(0))
    at = {w: lines(t, w) for w in (60, 72, 120)}
    assert not any("•" in line for line in at[72] + at[120])  # a table
    assert any("1\u00a0123\u00a0994,63\u00a0€" in line for line in at[72])  # its longest amount whole, at its narrowest
    assert at[60][1].startswith("• 2026") and "Reste à financer\u00a0:" in "\n".join(at[60])
    assert all(len(line) <= w for w, shown in at.items() for line in shown)
    # the table object itself is not changed: it fits again at another width
    assert lines(t, 120) == at[120]


def test_a_text_cell_with_an_amount_is_measured_whole():
    def table() -> Table:
        t = Table()
        t.add_column("Poste")
        t.add_column("Montant")
        t.add_row("Médiateurs sociaux des quartiers prioritaires de la ville",
                  Text(money(Decimal("123994.63")), style="red"))  # a Text, not markup: measured by rich itself
        return t

    for width in (28, 37, 49):
        assert any("123\u00a0994,63\u00a0€" in line for line in lines(table(), width)), lines(table(), width)


def test_fit_leaves_other_renderables_and_header_less_grids_alone():
    grid = Table.grid()
    grid.add_column()
    grid.add_row("x")
    assert fit(grid, 10) is grid
    assert fit("du texte", 10) == "du texte"
    empty = Table(title="Vide")
    assert fit(empty, 10) is empty


def test_a_word_longer_than_the_terminal_is_folded_not_lost():
    t = Table()
    t.add_column("Contact")
    t.add_column("Courriel")
    address = "quelqu.un.avec.une.adresse.tres.longue@exemple-de-collectivite.example.fr"
    t.add_row("Mme Ouali", address)
    shown = lines(t, 40)
    assert address in "".join(line.strip() for line in shown)  # folded over lines, every character kept
    assert all(len(line) <= 40 for line in shown)


# --- typography ----------------------------------------------------------------------------------------


def test_the_console_writes_french_spaces():
    out = io.StringIO()
    FrenchConsole(file=out, width=200, color_system=None).print(
        "Durée : 29,3 h ; M. Dupont, n° 3, 12 % ! « Oui » ?")
    assert out.getvalue().rstrip("\n") == (
        f"Durée{NBSP}: 29,3{NBSP}h{NNBSP}; M.{NBSP}Dupont, n°{NBSP}3, 12{NBSP}%{NNBSP}! «{NNBSP}Oui{NNBSP}»{NNBSP}?")


def test_styles_stay_on_their_words_after_typesetting():
    text = Text.from_markup("[bold]Reste[/bold] : [red]12 %[/red] !")
    out = french(text)
    assert out.plain.replace("\uf8fe", NBSP).replace("\uf8ff", NNBSP) == f"Reste{NBSP}:{' '}12{NBSP}%{NNBSP}!"
    styled = {out.plain[s.start:s.end]: str(s.style) for s in out.spans}
    assert styled["Reste"] == "bold"
    assert styled["12\uf8fe%"] == "red"


def test_urls_and_code_are_not_touched():
    shown = lines("Voir https://exemple.fr/a:b?c=1 et `ptms validate --step 3`", 200)
    assert shown[0].rstrip() == "Voir https://exemple.fr/a:b?c=1 et `ptms validate --step 3`"


def test_plain_rich_would_split_what_the_french_console_keeps():
    """The reason for the console: rich wraps at U+00A0 like at a space (its words are `\\s`-separated)."""
    sentence = "Le reste à financer est de " + money(Decimal("123994.63")) + " pour cette année-là."
    plain = Console(width=32, record=True, file=io.StringIO(), color_system=None)
    plain.print(sentence)
    assert any(line.rstrip().endswith("123") for line in plain.export_text().splitlines())
    assert any("123\u00a0994,63\u00a0€" in line for line in lines(sentence, 32))


WORDS = st.sampled_from(["le", "coût", "du", "service", "pour", "les", "partenaires", "médiateurs", "soit",
                         "présence", "Mme", "M.", "n°", "secteur", "Haras", "convention", "reste", "à", "financer"])
UNITS = st.sampled_from(["€", "h", "%", "ETP"])


@st.composite
def sentences(draw) -> tuple[str, list[str]]:
    parts: list[str] = []
    amounts: list[str] = []
    for _ in range(draw(st.integers(3, 25))):
        if draw(st.booleans()):
            value = draw(st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False))
            unit = draw(UNITS)
            shown = money(value) if unit == "€" else f"{value:.1f}".replace(".", ",") + " " + unit
            parts.append(shown)
            amounts.append(shown.replace(" ", NBSP))
        else:
            parts.append(draw(WORDS))
        if draw(st.integers(0, 5)) == 0:
            parts.append(draw(st.sampled_from([":", ";", "!", "?"])))
    return " ".join(parts), amounts


@settings(max_examples=60, deadline=None)
@given(sentences(), st.integers(40, 120))
def test_a_number_never_leaves_its_unit_and_no_line_starts_with_a_mark(case, width):
    sentence, amounts = case
    shown = [line.rstrip() for line in lines(sentence, width)]
    joined = "\n".join(shown)
    for amount in amounts:
        assert amount in joined, (amount, shown)  # whole, on one line
    for line in shown[1:]:
        assert not re.match(r"[:;!?»]", line), shown
    assert all(len(line) <= width for line in shown)
