"""Cross-field rules said as soon as their last field is answered (date order, totals of 100 %),
with the message of `ptms validate`, and the field asked again."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ptms_cli.wizard.backend import Expect as E
import wizard_scripts as scripts
from wizard_scripts import CONVENE, INIT, MOBILIZE, SPECIFY


drive = scripts.drive


def replace(script: list, old: E, new: list) -> list:
    script = list(script)
    at = script.index(old)
    script[at:at + 1] = new
    return script


def test_an_end_before_the_start_is_said_at_once_and_asked_again(tmp_path):
    path = tmp_path / "projet.yaml"
    script = replace(INIT, E("Fin du projet", "2028-12-31"), [E("Fin du projet", "31/12/2025"), E("Fin du projet", "31/12/2028")])
    code, backend, out = drive("init", path, script)
    assert code == 0
    assert "✗ la fin du projet précède son début" in out
    ends = [i for i, (_, m) in enumerate(backend.asked) if m.startswith("Fin du projet")]
    assert len(ends) == 2 and ends[1] == ends[0] + 1  # asked again right away, not at the end of the section
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["period"]["end"].year == 2028


def test_the_same_wrong_date_twice_is_kept_and_the_review_says_it(tmp_path):
    path = tmp_path / "projet.yaml"
    script = replace(INIT, E("Fin du projet", "2028-12-31"), [E("Fin du projet", "31/12/2025"), E("Fin du projet", "31/12/2025")])
    script = replace(script, E("Enregistrer", True), [E("Enregistrer", False)])  # errors: quit without saving
    code, backend, out = drive("init", path, script)
    assert out.count("la fin du projet précède son début") >= 2  # at once, then in the review
    assert not path.exists()


@pytest.fixture
def mobilized(tmp_path) -> Path:
    path = tmp_path / "projet.yaml"
    for name, script in (("init", INIT), ("mobilize", MOBILIZE)):
        assert drive(name, path, list(script))[0] == 0
    return path


def test_a_key_that_does_not_total_100_is_said_as_the_list_is_left_and_fixed_there(mobilized):
    script = replace(SPECIFY, E("Poids", "40"), [E("Poids", "50")])
    at = script.index(E("Partenaires qui", "done"))
    script[at + 1:at + 1] = [E("corriger maintenant", "fix"), E("Partenaires qui", ("edit", 1)), E("quel champ", "weight"),
                             E("Poids", "40"), E("quel champ", "done"), E("Partenaires qui", "done")]
    code, backend, out = drive("specify", mobilized, script)
    assert code == 0
    assert "✗ les pourcentages de la clé de répartition totalisent 110 % au lieu de 100 %" in out
    shares = yaml.safe_load(mobilized.read_text(encoding="utf-8"))["funding"]["allocation"]["partners"]
    assert [s["weight"] for s in shares] == [60, 40]


def test_a_schedule_of_90_percent_is_said_as_the_list_is_left(mobilized):
    for name in ("specify",):
        drive(name, mobilized, list(SPECIFY))
    script = replace(CONVENE, E("Part", "100"), [E("Part", "90")])
    at = script.index(E("Échéancier", "done"))
    script[at + 1:at + 1] = [E("corriger maintenant", "fix"), E("Échéancier", "add"), E("Échéance", "Au bilan"),
                             E("Part", "10"), E("Échéancier", "done")]
    code, _, out = drive("convene", mobilized, script)
    assert code == 0
    assert "✗ l'échéancier de versement totalise 90 % au lieu de 100 %" in out
    schedule = yaml.safe_load(mobilized.read_text(encoding="utf-8"))["convention"]["payment_schedule"]
    assert [x["percent"] for x in schedule] == [90, 10]
