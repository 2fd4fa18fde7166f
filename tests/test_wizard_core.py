"""Core pieces of the wizards: questions from the model, indicator suggestions, the live balance."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from rich.console import Console

from ptms_cli import referential
from ptms_cli.indicators import BY_ACTIVITY, BY_REGISTER, suggest
from ptms_cli.model.evaluation import Indicator
from ptms_cli.model.funding import Budget
from ptms_cli.model.partners import Partner
from ptms_cli.model.service import Post, TimeSlot
from ptms_cli.model.territory import Period, Territory
from ptms_cli.validation import validate_file
from ptms_cli.wizard import flows
from ptms_cli.wizard.backend import ENTER, ScriptedBackend
from ptms_cli.wizard.engine import Engine
from ptms_cli.wizard.questions import advanced_question, parse_text, question, show


def test_choices_come_from_the_referential_with_french_labels():
    q = question(Partner, "kind")
    assert q.kind == "select" and q.vocabulary == "partner_kinds"
    backend = ScriptedBackend([ENTER])
    Engine(backend, Console(file=io.StringIO()), {}).ask(q, None)
    assert backend.asked == [("select", "Type de partenaire")]
    assert question(TimeSlot, "days").vocabulary == "weekdays"
    assert question(Post, "contract").default == "cdi"  # the model's default is the default answer


@pytest.mark.parametrize("model, name, typed, value", [
    (Budget, "supervision", "-5", "-5"),
    (Post, "fte", "1,5", "1.5"),
    (TimeSlot, "start", "25:00", "25:00"),
    (Partner, "id", "Ville Nord", "Ville Nord"),
])
def test_a_typed_answer_gets_the_message_validate_gives_in_a_file(write_project, commune, model, name, typed, value):
    """Same rules, same words: the prompt's message is the one `ptms validate` prints for that value."""
    _, error = parse_text(question(model, name), typed)
    assert error
    data = commune
    target = {
        (Budget, "supervision"): lambda d: d["budget"].__setitem__("supervision", value),
        (Post, "fte"): lambda d: d["service"]["posts"][0].__setitem__("fte", value),
        (TimeSlot, "start"): lambda d: d["service"]["sectors"][0].setdefault("time_slots", [{"end": "20:00"}])[0].__setitem__("start", value),
        (Partner, "id"): lambda d: d["partners"][0].__setitem__("id", value),
    }[(model, name)]
    target(data)
    messages = [f.message for f in validate_file(write_project(data)).findings]
    assert any(error in m for m in messages), (error, messages)


def test_french_decimal_comma_and_spaces_are_accepted_for_numbers():
    assert parse_text(question(Budget, "supervision"), "42 000,50") == (Decimal("42000.50"), None)
    assert parse_text(question(Budget, "supervision"), "42 000,50 €") == (Decimal("42000.50"), None)
    assert parse_text(advanced_question(Budget, "indexation_rate"), "2") == (Decimal("0.02"), None)  # a rate is typed in percent
    assert parse_text(advanced_question(Budget, "indexation_rate"), "2,5 %") == (Decimal("0.025"), None)
    assert parse_text(question(Post, "fte"), "0,8") == (Decimal("0.8"), None)  # an FTE is not a percentage
    assert parse_text(question(Territory, "population"), "24 000") == (24000, None)


def test_french_answers_that_cannot_be_read_or_are_out_of_bounds_are_refused_in_french():
    assert parse_text(question(Budget, "supervision"), "1.234")[1].startswith("« 1.234 » : le point est ambigu")
    assert parse_text(advanced_question(Budget, "indexation_rate"), "25 %")[1] == "le taux doit être compris entre 0\u00a0% et 20\u00a0%"
    assert parse_text(question(Territory, "population"), "2,5")[1].startswith("« 2,5 » : un nombre entier")
    assert "n'existe pas" in parse_text(question(Period, "start"), "31/02/2027")[1]


def test_values_are_offered_back_in_french():
    assert show(Decimal("0.025"), advanced_question(Budget, "indexation_rate").form) == "2,5\u00a0%"
    assert show(Decimal("35412.5"), question(Budget, "supervision").form) == "35\u00a0412,50\u00a0€"
    assert show(Decimal("0.8"), question(Post, "fte").form) == "0,8"
    assert show(date(2026, 7, 1), question(Period, "start").form) == "01/07/2026"
    assert show(2026, advanced_question(Budget, "base_year").form) == "2026"  # a year is not grouped
    for q, value in ((advanced_question(Budget, "indexation_rate"), Decimal("0.0175")), (question(Budget, "supervision"), Decimal("1234.5")),
                     (question(Period, "end"), date(2028, 12, 31))):
        assert parse_text(q, show(value, q.form)) == (value, None)  # what is offered parses back


def test_suggestions_are_valid_indicators_of_the_referential():
    assert set(BY_ACTIVITY) <= set(referential.ACTIVITIES)
    assert set(BY_REGISTER) == set(referential.REGISTERS)
    for s in [x for xs in BY_ACTIVITY.values() for x in xs] + list(BY_REGISTER.values()):
        Indicator.model_validate(s.as_indicator("objectif"))


def test_suggest_follows_activities_then_uncovered_registers_without_duplicates():
    offers = suggest(["presence_active"], existing={"utilite-percue"})
    ids = [s.id for s in offers]
    assert ids[0] == "heures-presence"
    assert offers[0].register == "tranquillite_publique" and offers[0].level == "realisation"
    assert "sentiment-securite" not in ids  # tranquillité publique is already covered by the activity
    assert "utilite-percue" not in ids  # already in the project
    assert {s.register for s in offers} == set(referential.REGISTERS) - {"reconnaissance"} | {"tranquillite_publique"}
    assert len(ids) == len(set(ids))


@dataclass
class FakeYear:
    year: int
    cost_total: Decimal
    resources_total: Decimal
    contributions_total: Decimal
    balance: Decimal = field(default=Decimal(0))


def test_live_balance_per_year_uses_the_funding_engine(monkeypatch, commune):
    seen = []

    def compute_plan(project):
        seen.append(project)
        return type("Plan", (), {"years": [FakeYear(2026, Decimal("100000.00"), Decimal("20000.00"), Decimal("80000.00")),
                                           FakeYear(2027, Decimal("100000.00"), Decimal("20000.00"), Decimal("70000.00"),
                                                    Decimal("10000.00"))]})()

    monkeypatch.setattr(flows, "funding_engine", lambda: compute_plan)
    out = io.StringIO()
    engine = Engine(ScriptedBackend([]), Console(file=out, width=120), commune)
    flows.show_balance(engine)
    text = out.getvalue().replace("\u202f", " ").replace("\u00a0", " ")
    assert seen and seen[0].name == commune["name"]
    assert "Équilibre du financement" in text
    assert "2027" in text and "10 000,00 €" in text and "100 000,00 €" in text


def test_live_balance_waits_for_a_valid_project(monkeypatch, commune):
    out = io.StringIO()
    monkeypatch.setattr(flows, "funding_engine", lambda: lambda p: pytest.fail("appelé sur un projet invalide"))
    broken = dict(commune, period={"start": "hier"})
    flows.show_balance(Engine(ScriptedBackend([]), Console(file=out), broken))
    assert out.getvalue() == ""  # the section review names the wrong answer


def test_every_identifier_field_of_the_model_is_a_known_reference():
    """A new field holding partner/sector/... ids must be offered as a choice: REFERENCES must know it."""
    import typing

    from pydantic import BaseModel

    from ptms_cli.model import Project
    from ptms_cli.model.base import Id
    from ptms_cli.wizard.questions import REFERENCES

    unknown, seen, todo = [], set(), [Project]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, f in model.model_fields.items():
            ann = f.annotation
            args = typing.get_args(ann)
            inner = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            todo += inner + ([ann] if isinstance(ann, type) and issubclass(ann, BaseModel) else [])
            is_id = typing.get_origin(ann) is not dict and (ann == Id or ann == list[Id] or Id in args or list[Id] in args)
            if is_id and name != "id" and (model.__name__, name) not in REFERENCES:
                unknown.append(f"{model.__name__}.{name}")
    assert unknown == []


def test_partner_map_shows_names_literally():
    out = io.StringIO()
    flows.partner_map(Engine(ScriptedBackend([]), Console(file=out, width=120), {}),
                      [{"id": "asso", "name": "Asso [Quartier] Nord", "kind": "association", "roles": ["funder"],
                        "status": "committed", "fields": ["sante"]}])
    text = out.getvalue()
    assert "Asso [Quartier] Nord" in text
    assert "Association" in text and "Financeur" in text and "Engagé" in text and "Médiation santé" in text


def test_at_60_columns_the_partner_map_stacks_and_no_amount_is_split():
    import re

    from conftest import EXAMPLES

    from ptms_cli import yamledit

    data = yamledit.open_document(EXAMPLES / "agglo-val-de-marque.yaml").data()
    out = io.StringIO()
    e = Engine(ScriptedBackend([]), Console(file=out, width=60, color_system=None), data)
    flows.partner_map(e, data["partners"])
    flows.show_balance(e)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    assert lines and max(len(line) for line in lines) <= 60
    balance = lines.index("Équilibre du financement")
    bullets = [line for line in lines[:balance] if line.startswith("• ")]
    assert len(bullets) == len(data["partners"])
    for partner, bullet in zip(data["partners"], bullets):  # each block starts with the name (wrapped if long)
        shown = bullet[2:].split(" — ")[0].rstrip(" —")
        assert partner["name"].startswith(shown) and len(shown) >= 5
    assert not any("│" in line for line in lines)  # no table squeezed into 60 columns
    amounts = re.findall(r"\d{1,3}(?:\u00a0\d{3})*,\d\d\u00a0€", out.getvalue())
    years = [line for line in lines[balance:] if re.match(r"• 20\d\d$", line)]  # one block per year
    assert len(years) == 3 and len(amounts) == 4 * len(years)  # cost, resources, contributions, balance: each whole
    assert not [line for line in lines if re.search(r"\d[,\u00a0]?$", line) and line not in years]  # no line ends inside an amount
