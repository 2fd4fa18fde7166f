"""Leftovers of the adversary pass (advfix): French numbers in messages, choices of options, findings
after a duplicate key, located answers files, BOM kept, invisible characters, long names, disk full,
aliases' positions, the funding plan's last cent."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES
from hypothesis import given
from test_period_properties import SETTINGS, projects  # the same random projects

from ptms_cli.cli.app import main
from ptms_cli.frformat import NBSP, exact
from ptms_cli.validation import validate_file

BEAULIEU = EXAMPLES / "commune-beaulieu.yaml"


def beaulieu() -> dict:
    return yaml.safe_load(BEAULIEU.read_text(encoding="utf-8"))


# --- 1. bounds of the model in French -------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (168.0, "168"), (0.5, "0,5"), (Decimal("0.20"), "0,2"), (2026, "2026"), (20000, f"20{NBSP}000"),
    (Decimal("999999999.99"), f"999{NBSP}999{NBSP}999,99"), (-3.5, "-3,5"), (0, "0"),
])
def test_exact_writes_a_bound_in_french_without_rounding(value, text):
    assert exact(value) == text


def test_bound_messages_print_french_numbers_not_python_floats(write_project):
    data = beaulieu()
    data["partners"][0]["needs"][0]["hours_per_week"] = 200
    data["budget"]["indexation_rate"] = 0.5
    messages = [f.message for f in validate_file(write_project(data)).findings]
    hours = next(m for m in messages if "hours_per_week" in m)
    assert "inférieur ou égal à 168 (valeur" in hours and "168.0" not in hours
    rate = next(m for m in messages if "indexation_rate" in m)
    assert "inférieur ou égal à 0,2 (valeur" in rate


def test_a_text_shorter_than_its_minimum_is_not_called_empty():
    from ptms_cli.schema_errors import message

    assert message({"type": "string_too_short", "ctx": {"min_length": 64}, "msg": ""}) == \
        "texte trop court (minimum 64 caractères)"
    assert message({"type": "string_too_short", "ctx": {"min_length": 1}, "msg": ""}) == "texte vide"
    assert message({"type": "string_too_long", "ctx": {"max_length": 20000}, "msg": ""}) == \
        f"texte trop long (maximum 20{NBSP}000 caractères)"


# --- 2. options with choices list them ------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (["validate", str(BEAULIEU), "--format", "xml"], "valeur « xml » non acceptée ; formats possibles : text, json, github"),
    (["funding", str(BEAULIEU), "--by", "xx"], "valeurs possibles : calendar, convention"),
    (["funding", str(BEAULIEU), "--format", "xx"], "formats possibles : table, csv, json, xlsx"),
    (["coverage", str(BEAULIEU), "--view", "xx"], "valeurs possibles : before, after, both"),
    (["render", str(BEAULIEU), "--format", "xx"], "formats possibles : docx, md, pdf, odt"),
    (["validate", str(BEAULIEU), "--step", "x"], "nombre entier attendu (valeur : « x »)"),
    (["sign", str(BEAULIEU), "--doc", "xx"], "document « xx » inconnu ; documents possibles : mobilisation, lettres,"),
    (["calls", str(BEAULIEU), "--year", "2027", "--summary", "xx"], "formats possibles : csv, xlsx"),
    (["calls", str(BEAULIEU), "--year", "1990"], "doit être supérieur ou égal à 2000 (valeur : « 1990 »)"),
    (["amend", str(BEAULIEU), "--number", "200"], "doit être inférieur ou égal à 99 (valeur : « 200 »)"),
])
def test_a_bad_option_value_is_told_in_french_with_the_possible_values(capsys, args, expected):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Input should" not in err and "is not one of" not in err


# --- 3. a duplicate key does not hide the other findings ------------------------------------------

def test_a_duplicate_key_is_reported_and_the_rest_of_the_file_still_checked(tmp_path):
    text = BEAULIEU.read_text(encoding="utf-8")
    text = text.replace("\nname: Projet", "\nname: Premier nom\nname: Projet", 1)
    text = text.replace("hours_per_week: 30\n", "hours_per_week: 200\n", 1)
    text = text.replace("  kind: commune\n", "  kind: commune\n  kind: epci\n", 1)
    path = tmp_path / "double.yaml"
    path.write_text(text, encoding="utf-8")
    result = validate_file(path)
    lines = text.splitlines()
    dups = [f for f in result.findings if f.code == "PTMS-E004"]
    assert [lines[f.line - 1] for f in dups] == [next(t for t in lines if t.startswith("name: Projet")), "  kind: epci"]
    assert all("la suite est vérifiée avec la première valeur" in f.message for f in dups)
    hours = [f for f in result.findings if "hours_per_week" in f.path]
    assert len(hours) == 1 and lines[hours[0].line - 1].strip() == "hours_per_week: 200"


def test_the_first_value_of_a_duplicate_key_is_the_one_checked(tmp_path):
    text = BEAULIEU.read_text(encoding="utf-8").replace("  kind: commune\n", "  kind: martien\n  kind: commune\n", 1)
    path = tmp_path / "double.yaml"
    path.write_text(text, encoding="utf-8")
    codes = sorted(f.code for f in validate_file(path).findings if f.severity.name == "ERROR")
    assert codes == ["PTMS-E004", "PTMS-E011"]  # the first value (« martien ») is refused


def test_other_readers_still_refuse_a_duplicate_key():
    from ptms_cli.loader import LoadError, parse

    with pytest.raises(LoadError) as exc:
        parse("a: 1\na: 2\n", "x.yaml")
    assert exc.value.finding.code == "PTMS-E004" and exc.value.finding.line == 2


# --- 4. answers files are located -----------------------------------------------------------------

@pytest.mark.parametrize("answers, expected", [
    ("partners:\n  - id: bailleur\n    name: Bailleur\n    kind: martien\n    status: committed\n",
     "invalide : reponses.yaml:4:11: partners[0].kind : valeur non reconnue"),
    ("# réponses\npartners:\n  - id: bailleur\n    kind: bailleur_social\n    status: committed\n",
     "manque : reponses.yaml:3:5: partners[0].name — Nom du partenaire"),
    ("partners: []\nfoo: 1\nbar: 2\n", "reponses.yaml:2:1: clés inconnues : foo, bar (reponses.yaml:3:1)"),
    ("# c\n\nservice:\n  name: X\n", "reponses.yaml:3:1: clé hors de l'étape 1"),
])
def test_a_wizard_answers_file_error_names_its_line_and_column(tmp_path, capsys, monkeypatch, answers, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "projet.yaml").write_bytes((EXAMPLES / "cc-deux-rives.yaml").read_bytes())
    (tmp_path / "reponses.yaml").write_text(answers, encoding="utf-8")
    assert main(["mobilize", "projet.yaml", "--answers", "reponses.yaml"]) == 2
    out = capsys.readouterr()
    assert expected in " ".join((out.out + out.err).split()), out.out + out.err
    assert (tmp_path / "projet.yaml").read_bytes() == (EXAMPLES / "cc-deux-rives.yaml").read_bytes()


def test_an_invalid_value_coming_from_the_project_keeps_its_project_path():
    from ptms_cli.loader import parse
    from ptms_cli.wizard.answers_where import Answers, locate
    from ptms_cli.wizard.run import merge_answers

    project = {"partners": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}
    given = Answers(parse("partners:\n  - id: c\n    name: C\n  - id: a\n    kind: x\n", "r.yaml"))
    merged = merge_answers(project, given)
    assert [p["id"] for p in merged["partners"]] == ["a", "b", "c"]
    assert locate(given, merged, ("partners", 0, "kind")) == ("r.yaml:5:11", ("partners", 1, "kind"))
    assert locate(given, merged, ("partners", 2, "name")) == ("r.yaml:3:11", ("partners", 0, "name"))
    assert locate(given, merged, ("partners", 1, "name")) is None  # « b » is the project's


@pytest.mark.parametrize("rows, expected", [
    ([["reference", "recu", "recu_le"], ["AF-1", "abc", ""]], "f.csv:2:2: colonne « recu »"),
    ([["x", "recu_le", "reference", "recu"], ["", "32/01/2027", "AF-1", "1"]], "f.csv:2:2: colonne « recu_le »"),
    ([["reference", "recu", "recu_le"], ["AF-1", "1", ""], ["AF-1", "2", ""]], "f.csv:3:1: l'échéance « AF-1 »"),
])
def test_a_calls_answers_sheet_error_names_line_and_column(rows, expected):
    from ptms_cli.aftersign import answers

    with pytest.raises(answers.AnswersError) as err:
        answers.parse(rows, "f.csv")
    assert str(err.value).startswith(expected)


# --- 5. a byte order mark is kept -----------------------------------------------------------------

@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_utf8_bom_and_the_comments_survive_a_save(tmp_path, newline):
    from ptms_cli import yamledit

    body = BEAULIEU.read_text(encoding="utf-8")
    assert body.startswith("# yaml-language-server") and "  # habitants du QPV" in body
    original = b"\xef\xbb\xbf" + body.replace("\n", newline).encode("utf-8")
    path = tmp_path / "bom.yaml"
    path.write_bytes(original)
    doc = yamledit.open_document(path)
    data = doc.data()
    data["name"] = "Nouveau nom"
    doc.update(data)
    assert doc.save()
    saved = path.read_bytes()
    assert saved.startswith(b"\xef\xbb\xbf# yaml-language-server") and saved.count(b"\xef\xbb\xbf") == 1
    old_line = next(t for t in body.splitlines() if t.startswith("name: "))
    assert saved == original.replace(old_line.encode(), b"name: Nouveau nom")
    assert yamledit.open_document(path).data()["name"] == "Nouveau nom"


def test_a_file_without_bom_gets_none(tmp_path):
    from ptms_cli import yamledit

    path = tmp_path / "p.yaml"
    path.write_bytes(BEAULIEU.read_bytes())
    doc = yamledit.open_document(path)
    doc.update({**doc.data(), "name": "Autre"})
    doc.save()
    assert path.read_bytes().startswith(b"# yaml-language-server")


# --- 6. invisible controls; 7. long names ---------------------------------------------------------

@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f", "\u200b", "\x1b", "\r", "\x7f",
                                  "\x85"])
def test_an_invisible_control_in_a_name_is_a_located_warning(write_project, char):
    data = beaulieu()
    data["partners"][1]["name"] = f"Habitat {char}enicilop Sambre"
    path = write_project(data)
    result = validate_file(path)
    found = [f for f in result.findings if f.code == "PTMS-W140"]
    assert len(found) == 1 and f"U+{ord(char):04X}" in found[0].message
    assert found[0].path == "partners[1].name" and found[0].severity.name == "WARNING"
    line = path.read_text(encoding="utf-8").splitlines()[found[0].line - 1]
    assert line.strip().startswith("name: ") and "enicilop" in line
    assert not result.errors


def test_newlines_and_tabs_of_a_long_text_are_not_controls(write_project):
    data = beaulieu()
    data["partners"][1]["needs"][0]["description"] = "Première ligne.\n\tSeconde ligne, « citée »."
    assert not [f for f in validate_file(write_project(data)).findings if f.code == "PTMS-W140"]


def test_markdown_shows_bidi_controls_instead_of_obeying_them():
    from ptms_cli.documents.export import md_escape

    assert md_escape("Habitat \u202eenicilop\u202c *Sambre*\u200b") == \
        "Habitat \\u202eenicilop\\u202c \\*Sambre\\*\\u200b"
    assert md_escape("« Ville » d'été\u00a0: 12\u202f000") == "« Ville » d'été\u00a0: 12\u202f000"  # French spaces stay


@pytest.mark.parametrize("length, warned", [(200, False), (201, True), (10_000, True)])
@pytest.mark.parametrize("quote", ["", '"'])  # a quote, escaped in the JSON that the check searches first
def test_a_very_long_name_is_a_warning_not_an_error(write_project, length, warned, quote):
    from ptms_cli.checks.text import MAX_NAME_CHARS

    assert MAX_NAME_CHARS == 200
    data = beaulieu()
    data["partners"][2]["name"] = quote + "N" * (length - len(quote))
    data["territory"]["sectors"][0]["name"] = "S" * (length - len(quote)) + quote
    result = validate_file(write_project(data))
    found = sorted(f.path for f in result.findings if f.code == "PTMS-W141")
    assert found == (["partners[2].name", "territory.sectors[0].name"] if warned else [])
    assert all(f"nom de {length} caractères" in f.message for f in result.findings if f.code == "PTMS-W141")
    assert not result.errors


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_the_examples_have_no_invisible_character_nor_overlong_name(name):
    codes = {f.code for f in validate_file(EXAMPLES / name).findings}
    assert not codes & {"PTMS-W140", "PTMS-W141"}


# --- 10. the last cent of a year cut in segments ---------------------------------------------------

def _july(text: str) -> str:
    assert "  start: 2026-01-01\n  end: 2028-12-31\n" in text
    return text.replace("  start: 2026-01-01\n  end: 2028-12-31\n", "  start: 2026-07-01\n  end: 2029-06-30\n", 1)


def test_a_period_from_1_july_balances_to_the_cent_once_2026_is_balanced(tmp_path):
    path = tmp_path / "juillet.yaml"
    path.write_text(_july(BEAULIEU.read_text(encoding="utf-8")), encoding="utf-8")
    e030 = [f.message for f in validate_file(path).findings if f.code == "PTMS-E030"]
    assert len(e030) == 1 and e030[0].startswith("en 2026, reste à financer : 11\u00a0405,30\u00a0€"), e030
    # the user re-enters the town's 2026 contribution so that 2026 balances: nothing is left, no cent
    text = path.read_text(encoding="utf-8")
    assert "amounts: {2026: 87189.39," in text
    path.write_text(text.replace("amounts: {2026: 87189.39,", "amounts: {2026: 98594.69,"), encoding="utf-8")
    assert not [f.message for f in validate_file(path).findings if f.code == "PTMS-E030"]


def test_an_adulte_relais_aid_of_a_whole_calendar_year_cut_at_1_july_is_the_yearly_aid():
    from ptms_cli.funding import compute_plan
    from ptms_cli.model import Project

    data = yaml.safe_load(_july(BEAULIEU.read_text(encoding="utf-8")))
    plan = compute_plan(Project.model_validate(data), by="calendar")
    aid = {y.start.year: sum(r.amount for r in y.resources if r.ref.startswith("aid:")) for y in plan.years}
    assert aid[2027] == Decimal("22810.61")  # two half-years of 11 405,305 €, rounded once
    assert aid[2026] == Decimal("11405.31")


@SETTINGS
@given(projects())
def test_each_calendar_year_of_an_aid_or_a_post_cost_is_its_exact_value_rounded_once(p):
    from ptms_cli.funding import compute_plan
    from ptms_cli.funding.engine import post_aid, to_cents
    from ptms_cli.funding.indexation import factor
    from ptms_cli.funding.period import clip, month_measure

    plan = compute_plan(p, by="calendar")
    start = p.period.start
    types = {t.id: t for t in p.budget.post_types}
    for y in plan.years:
        lines = {r.ref: r.amount for r in y.resources} | {c.ref: c.amount for c in y.costs}
        for post in p.service.posts:
            aid = to_cents(post_aid(p, post, y.start, y.end))
            assert lines.get(f"aid:{post.id}", Decimal("0.00")) == aid
            part = clip(post.start, post.end, y.start, y.end)
            if part and p.budget.indexation_step != "anniversary":
                t = types[post.post_type]
                exact = (Fraction(str(t.yearly_cost)) * Fraction(str(post.fte)) * post.count * month_measure(*part) / 12
                         * factor(p.budget, "personnel", y.start.year, p.budget.base_year or start.year))
                assert lines[f"post:{post.id}"] == to_cents(exact)


# --- 8. disk full while rendering -------------------------------------------------------------------

@pytest.mark.slow
def test_a_disk_full_while_rendering_says_what_was_written_and_what_was_not(tmp_path, monkeypatch, capsys):
    import errno

    from ptms_cli import writing

    real, calls = writing.write_atomic, []

    def full_after_two(path, data, **kw):  # the third document file finds the disk full
        calls.append(path)
        if len(calls) > 2:
            raise writing.WriteError(path, writing.os_reason(OSError(errno.ENOSPC, "")), errno.ENOSPC)
        return real(path, data, **kw)

    monkeypatch.setattr(writing, "write_atomic", full_after_two)
    out = tmp_path / "docs"
    assert main(["render", str(BEAULIEU), "-o", str(out), "--doc", "mobilisation", "--doc", "lettres",
                 "--format", "docx,md"]) == 1
    err = capsys.readouterr().err
    written = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert len(written) == 2 and not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert f"impossible d'écrire « {calls[2]} » : disque plein" in err
    assert f"avant l'erreur (2) : {', '.join(p.name for p in calls[:2])}." in err
    not_written = err.split("Non écrits (", 1)[1].split("\n", 1)[0]
    assert Path(calls[2]).name in not_written and not any(name in not_written for name in written)
    assert "Aucun fichier n'est à moitié écrit" in err and "Traceback" not in err


def test_the_summary_of_a_stopped_write_lists_both_sides(tmp_path):
    from ptms_cli.documents.pipeline import Outcome
    from ptms_cli.writing import WriteError, stopped_summary

    outcome = Outcome(tmp_path, written=[tmp_path / "a.docx"], unchanged=[tmp_path / "b.docx"],
                      protected=[tmp_path / "c.docx"], planned=["a.docx", "b.docx", "c.docx", "d.docx", "e.md"])
    exc = WriteError(tmp_path / "d.docx", "disque plein")
    assert stopped_summary(exc, tmp_path) == []  # nothing known: nothing claimed
    exc.outcome = outcome
    lines = stopped_summary(exc, tmp_path)
    assert lines[0].endswith("avant l'erreur (2) : a.docx, b.docx.")
    assert lines[1] == "Non écrits (2) : d.docx, e.md."


# --- 9. values reached through an alias --------------------------------------------------------------

ALIASED = """schema_version: 1
name: Projet
territory:
  name: T
  kind: commune
partners:
  - id: a
    name: A
    kind: commune
    needs:
      - &need
        field: tranquillite_publique
        hours_per_week: &h 200
  - id: b
    name: B
    kind: commune
    needs:
      - *need
  - id: c
    name: C
    kind: commune
    needs:
      - field: tranquillite_publique
        hours_per_week: *h
"""


def test_a_finding_through_an_alias_points_at_the_alias_and_names_the_anchor(tmp_path):
    path = tmp_path / "alias.yaml"
    path.write_text(ALIASED, encoding="utf-8")
    lines = ALIASED.splitlines()
    found = {f.path: f for f in validate_file(path).findings if f.code == "PTMS-E011"}
    assert sorted(found) == [f"partners[{i}].needs[0].hours_per_week" for i in range(3)]
    first, whole, value = (found[f"partners[{i}].needs[0].hours_per_week"] for i in range(3))
    assert (first.line, first.column) == (13, lines[12].index("&h") + 1) and "alias" not in first.message
    assert (whole.line, whole.column) == (18, lines[17].index("*need") + 1)
    assert whole.message.endswith(f"(alias « * » : valeur de l'ancre ligne 11, colonne {lines[10].index('&need') + 1})")
    assert (value.line, value.column) == (24, lines[23].index("*h") + 1)
    assert value.message.endswith(f"(alias « * » : valeur de l'ancre ligne 13, colonne {lines[12].index('&h') + 1})")


def test_a_missing_key_inside_an_aliased_mapping_is_located_at_the_alias(tmp_path):
    text = ALIASED.replace("        field: tranquillite_publique\n        hours_per_week: &h 200\n",
                           "        hours_per_week: &h 20\n", 1).replace("*h", "10")
    path = tmp_path / "alias.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    missing = {f.path: f for f in validate_file(path).findings if f.code == "PTMS-E010"}
    assert (missing["partners[1].needs[0].field"].line, missing["partners[1].needs[0].field"].column) == \
        (next(i for i, t in enumerate(lines, 1) if "*need" in t), lines[16].index("*need") + 1)
    assert (missing["partners[0].needs[0].field"].line) == 11


def test_files_without_alias_have_no_anchor_note():
    from ptms_cli.loader import load

    assert load(BEAULIEU).anchors == {}
