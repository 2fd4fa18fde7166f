"""Each check: a valid case and an invalid one, with the code and the location in the file."""

from __future__ import annotations

import copy

import pytest

from ptms_cli.validation import validate_file


def codes(result):
    return [f.code for f in result.findings]


def find(result, code):
    found = [f for f in result.findings if f.code == code]
    assert found, f"{code} absent de {codes(result)}"
    return found[0]


def line_of(path, needle, nth=0):
    lines = [i + 1 for i, text in enumerate(path.read_text(encoding="utf-8").splitlines()) if needle in text]
    return lines[nth]


@pytest.mark.parametrize("name", ["intercommunal", "commune", "step1"])
def test_examples_have_no_error(name, request, write_project):
    result = validate_file(write_project(request.getfixturevalue(name)))
    assert result.errors == 0, [f.message for f in result.findings]


def test_missing_required_field_is_located(write_project, step1):
    del step1["territory"]["name"]
    path = write_project(step1)
    f = find(validate_file(path), "PTMS-E010")
    assert "« name »" in f.message and "Nom du territoire" in f.message
    assert f.line == line_of(path, "territory:")


def test_unknown_key_suggests_the_right_one(write_project, step1):
    step1["partners"][0]["stauts"] = step1["partners"][0].pop("status")
    path = write_project(step1)
    f = find(validate_file(path), "PTMS-E012")
    assert "vouliez-vous dire « status »" in f.message
    line = line_of(path, "stauts:")
    assert (f.line, f.column) == (line, path.read_text().splitlines()[line - 1].index("stauts") + 1)


def test_wrong_type_and_bad_choice(write_project, step1):
    step1["territory"]["population"] = "beaucoup"
    step1["partners"][1]["kind"] = "comune"
    path = write_project(step1)
    result = validate_file(path)
    pop = next(f for f in result.findings if "population" in f.path)
    assert pop.code == "PTMS-E011" and "nombre entier" in pop.message and pop.line == line_of(path, "population: beaucoup")
    kind = next(f for f in result.findings if f.path == "partners[1].kind")
    assert "vouliez-vous dire « commune »" in kind.message


def test_money_more_than_two_decimals_is_rejected(write_project, commune):
    commune["budget"]["lines"][0]["amounts"][2026] = 118500.005
    path = write_project(commune)
    f = next(f for f in validate_file(path).findings if f.code == "PTMS-E011")
    assert "deux décimales" in f.message and f.path == "budget.lines[0].amounts[2026]"


def test_negative_money_is_rejected(write_project, commune):
    commune["funding"]["contributions"][0]["amounts"][2026] = -5
    assert "PTMS-E011" in codes(validate_file(write_project(commune)))


def test_bad_date(write_project, step1):
    step1["period"]["start"] = "01/01/2027"
    f = find(validate_file(write_project(step1)), "PTMS-E011")
    assert "AAAA-MM-JJ" in f.message


def test_duplicate_ids(write_project, step1):
    step1["objectives"].append(copy.deepcopy(step1["objectives"][0]))
    path = write_project(step1)
    f = find(validate_file(path), "PTMS-E020")
    assert "« moulin-apaise » en double" in f.message
    line = line_of(path, "- id: moulin-apaise", nth=1)
    assert f.line == line and f.column == path.read_text().splitlines()[line - 1].index("moulin") + 1


def test_unresolved_references(write_project, intercommunal):
    intercommunal["objectives"][0]["partners"].append("logis-marqe")
    intercommunal["actors"][0]["sectors"].append("nowhere")
    intercommunal["evaluation"]["indicators"][0]["objective"] = "tranquilite"
    intercommunal["governance"]["steering_committee"]["chair"] = "x"
    result = validate_file(write_project(intercommunal))
    messages = [f.message for f in result.findings if f.code == "PTMS-E021"]
    assert len(messages) == 4
    assert any("« logis-marqe »" in m and "vouliez-vous dire « logis-marque »" in m for m in messages)
    assert any("« tranquilite »" in m and "« tranquillite »" in m for m in messages)


def test_operator_must_be_a_partner(write_project, intercommunal):
    intercommunal["service"]["operator"] = "amvn"
    f = find(validate_file(write_project(intercommunal)), "PTMS-E032")
    assert "vouliez-vous dire « amvm »" in f.message


def test_unknown_field_and_custom_fields(write_project, intercommunal):
    assert "PTMS-E022" not in codes(validate_file(write_project(intercommunal)))  # `numerique` is declared
    del intercommunal["custom_fields"]
    f = find(validate_file(write_project(intercommunal)), "PTMS-E022")
    assert "« numerique »" in f.message


def test_years_outside_period(write_project, commune):
    commune["funding"]["contributions"][1]["amounts"][2031] = 100
    path = write_project(commune)
    f = find(validate_file(path), "PTMS-E031")
    assert "2031" in f.message and "2026-2028" in f.message


def test_funder_must_sign(write_project, commune):
    commune["partners"][1]["roles"] = ["funder"]
    f = find(validate_file(write_project(commune)), "PTMS-E033")
    assert "habitat-sambre" in f.message


def test_funder_signature_not_required_before_step_3(write_project, step1):
    step1["partners"][1]["roles"] = ["funder"]
    assert "PTMS-E033" not in codes(validate_file(write_project(step1)))
    assert "PTMS-E033" in codes(validate_file(write_project(step1), step=3))


def test_objective_without_indicator(write_project, commune):
    commune["evaluation"]["indicators"] = [i for i in commune["evaluation"]["indicators"] if i["objective"] != "acces-droits"]
    f = find(validate_file(write_project(commune)), "PTMS-W041")
    assert f.severity.value == "warning" and "acces-droits" in f.message


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda p: p["period"].update(end="2025-01-01"), "fin du projet"),
        (lambda p: p["service"]["posts"][1].update(end="2029-09-30"), "3 ans"),
        (lambda p: p["service"]["posts"][1].pop("end"), "dates de la convention"),
        (lambda p: p["convention"].update(start="2030-01-01"), "hors de la période"),
    ],
)
def test_incoherent_dates(write_project, commune, mutate, words):
    mutate(commune)
    result = validate_file(write_project(commune))
    assert any(f.code == "PTMS-E034" and words in f.message for f in result.findings), codes(result)


def test_payment_schedule_must_total_100(write_project, commune):
    commune["convention"]["payment_schedule"][0]["percent"] = 60
    assert "90 %" in find(validate_file(write_project(commune)), "PTMS-E035").message


def test_signatory_without_representative(write_project, commune):
    del commune["partners"][1]["representative"]
    found = find(validate_file(write_project(commune)), "PTMS-W042")
    assert "« Habitat Sambre & Avesnois »" in found.message  # the partner's name, not its identifier
    assert "habitat-sambre" not in found.message


def test_status_in_the_wizards_names_sections_not_yaml_keys(write_project, step1):
    import io

    from rich.console import Console

    from ptms_cli.status import print_status

    step1["partners"] = step1["partners"][:1]
    result = validate_file(write_project(step1))
    printed = {}
    for keys in (True, False):
        out = io.StringIO()
        print_status(Console(file=out, width=200), "projet.yaml", result, keys=keys)
        printed[keys] = out.getvalue()
    assert "au moins deux partenaires (« partners »)" in printed[True]  # `ptms status`: the key, for who edits YAML
    assert "manque : au moins deux partenaires\n" in printed[False]
    assert "« partners »" not in printed[False]


def test_step_awareness(write_project, step1):
    path = write_project(step1)
    assert validate_file(path).errors == 0
    assert validate_file(path, step=1).errors == 0
    step2 = validate_file(path, step=2)
    assert {f.code for f in step2.findings} == {"PTMS-E040"}
    assert any("service" in f.message for f in step2.findings)
    step3 = validate_file(path, step=3)
    assert any("convention" in f.message for f in step3.findings) and step3.errors > step2.errors


def test_complete_project_passes_step_3(write_project, intercommunal):
    result = validate_file(write_project(intercommunal), step=3)
    assert result.errors == 0, [f.message for f in result.findings]


def test_step_1_needs_partners_and_objectives(write_project, step1):
    step1["objectives"] = []
    f = find(validate_file(write_project(step1), step=1), "PTMS-E040")
    assert "objectif" in f.message and "ptms mobilize" in f.hint


def test_every_emitted_code_is_documented():
    import inspect

    from ptms_cli import checks, findings

    source = inspect.getsource(checks)
    import re

    used = set(re.findall(r'"(PTMS-[EW]\d{3})"', source))
    assert used and used <= set(findings.CODES)


def test_values_shown_as_written_and_keys_checked(write_project, commune):
    commune["name"] = None
    commune["territory"]["kind"] = ["commune"]
    commune["budget"]["lines"][0]["amounts"]["deux"] = 100
    commune["budget"]["lines"][1]["amounts"][2027] = 10**30
    path = write_project(commune)
    by_path = {f.path: f for f in validate_file(path).findings}
    assert "valeur vide" in by_path["name"].message
    assert "pas une liste" in by_path["territory.kind"].message
    assert "clé « deux » invalide" in by_path["budget.lines[0].amounts.deux"].message
    assert "999\u00a0999\u00a0999,99" in by_path["budget.lines[1].amounts[2027]"].message  # French number form
    assert not any("None" in f.message or "[key]" in f.message for f in by_path.values())


def test_impossible_date_and_unquoted_hours(tmp_path, commune, write_project):
    path = write_project(commune)
    text = path.read_text(encoding="utf-8").replace("start: '14:00'", "start: 14:00").replace(
        "decision_date: 2025-12-15", "decision_date: 2025-02-30")
    assert "start: 14:00" in text and "2025-02-30" in text
    path.write_text(text, encoding="utf-8")
    result = validate_file(path)
    assert [f.code for f in result.findings if f.severity.value == "error"] == ["PTMS-E011"]
    assert "date invalide" in result.findings[0].message and "2025-02-30" in result.findings[0].message


def test_status_names_the_operator_and_agrees_in_number(write_project, commune):
    import io

    from rich.console import Console

    from ptms_cli.status import print_status

    operator = next(x for x in commune["partners"] if x["id"] == commune["service"]["operator"])
    commune["objectives"] = commune["objectives"][:1]
    out = io.StringIO()
    print_status(Console(file=out, width=300), "projet.yaml", validate_file(write_project(commune)))
    text = out.getvalue()
    assert f"porté par « {operator['name']} »" in text  # its name, not its identifier
    assert f"{len(commune['partners'])} partenaires identifiés, dont " in text
    assert "1 objectif partagé\n" in text
    assert "(s)" not in text
