"""The loader: bad inputs give located French errors, never a traceback or a hang."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ptms_cli.loader import MAX_BYTES, LoadError, load, parse


def fail(text: str) -> LoadError:
    with pytest.raises(LoadError) as info:
        parse(text, "p.yaml")
    return info.value


def test_values_and_positions_are_kept():
    loaded = parse("a: 1\nb:\n  - 2.10\n  - 2026-01-01\n", "p.yaml")
    assert loaded.data["b"][0] == Decimal("2.10")  # floats become exact decimals
    assert str(loaded.data["b"][1]) == "2026-01-01"
    assert loaded.values[("b", 0)] == (3, 5)
    assert loaded.keys[("b",)] == (2, 1)


def test_where_falls_back_to_nearest_ancestor():
    loaded = parse("a:\n  b: 1\n", "p.yaml")
    assert loaded.where(("a", "b", "missing")) == (2, 6)
    assert loaded.where(("zzz",)) == (1, 1)


def test_truncated_file():
    err = fail('name: "Projet\nterritory:\n')
    assert err.finding.code == "PTMS-E003"
    assert "fin de fichier" in err.finding.message
    assert err.finding.line == 3


def test_tab_indentation():
    err = fail("territory:\n\tname: x\n")
    assert err.finding.code == "PTMS-E003"
    assert "tabulation" in err.finding.message
    assert (err.finding.line, err.finding.column) == (2, 1)


def test_duplicate_key_is_an_error_naming_both_lines():
    err = fail("name: a\nterritory: {}\nname: b\n")
    assert err.finding.code == "PTMS-E004"
    assert "« name » en double" in err.finding.message and "ligne 1, colonne 1 (p.yaml:1:1)" in err.finding.message
    assert err.finding.line == 3


def test_duplicate_key_in_nested_mapping():
    err = fail("partners:\n  - id: a\n    id: b\n")
    assert err.finding.code == "PTMS-E004" and err.finding.line == 3


def test_python_tag_is_refused_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    err = fail(f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    assert err.finding.code == "PTMS-E005"
    assert "!!python/object/apply:os.system" in err.finding.message
    assert not marker.exists()


@pytest.mark.parametrize("text", ["a: !!binary aGVsbG8=\n", "a: !!set {x}\n", "a: !custom 1\n"])
def test_other_tags_are_refused(text):
    assert fail(text).finding.code == "PTMS-E005"


def test_billion_laughs_fails_fast():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    err = fail("\n".join(lines) + "\n")
    assert err.finding.code == "PTMS-E006"


def test_recursive_alias_is_refused():
    err = fail("a: &x\n  b: *x\n")
    assert err.finding.code in {"PTMS-E003", "PTMS-E006"}


def test_merge_keys_are_refused():
    assert fail("base: &b {x: 1}\nother:\n  <<: *b\n").finding.code == "PTMS-E005"


def test_empty_and_comments_only():
    assert fail("").finding.code == "PTMS-E007"
    assert fail("# rien\n# du tout\n").finding.code == "PTMS-E007"


def test_top_level_list_or_scalar():
    err = fail("- a\n- b\n")
    assert err.finding.code == "PTMS-E007" and "liste" in err.finding.message
    assert "valeur simple" in fail("just text\n").finding.message


def test_several_documents():
    assert "un seul document" in fail("a: 1\n---\nb: 2\n").finding.message


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: caf\xc3\xa9\r\nterritory:\r\n  name: x\r\n")
    loaded = load(path)
    assert loaded.data["name"] == "café"
    assert loaded.keys[("territory",)] == (2, 1)


def test_latin1_is_a_located_encoding_error(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes("name: ok\nterritory: Fréjus\n".encode("latin-1"))
    with pytest.raises(LoadError) as info:
        load(path)
    f = info.value.finding
    assert info.value.unreadable
    assert f.code == "PTMS-E002" and "UTF-8" in f.hint
    assert (f.line, f.column) == (2, 14)


def test_utf16_and_binary(tmp_path):
    u16 = tmp_path / "u16.yaml"
    u16.write_bytes("name: x\n".encode("utf-16"))
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    for path, words in ((u16, "UTF-16"), (binary, "binaire")):
        with pytest.raises(LoadError) as info:
            load(path)
        assert info.value.unreadable and words in info.value.finding.message


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(LoadError) as info:
        load(tmp_path / "absent.yaml")
    assert info.value.unreadable and "introuvable" in info.value.finding.message
    with pytest.raises(LoadError) as info:
        load(tmp_path)
    assert info.value.unreadable and "dossier" in info.value.finding.message


def test_size_cap(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(LoadError) as info:
        load(path)
    assert info.value.finding.code == "PTMS-E006" and "trop gros" in info.value.finding.message


def test_control_character():
    f = fail("name: a\x07b\n").finding
    assert f.code == "PTMS-E003" and (f.line, f.column) == (1, 8)
    assert f.message == "caractère de contrôle interdit dans un fichier YAML (U+0007)"  # not PyYAML's English
    assert (fail("a: 1\nb: \x1b\n").finding.line, fail("a: 1\nb: \x1b\n").finding.column) == (2, 4)


def test_implicit_types_do_not_depend_on_what_was_read_before():
    # plain scalars' tags are remembered per text: quoting must still give text, and long plain
    # scalars (not remembered) must still be typed
    text = "a: 2026\nb: '2026'\nc: yes\nd: \"yes\"\ne: 2026-01-01\nf: '2026-01-01'\ng: " + "9" * 80 + "\nh: ~\n"
    for _ in range(2):
        data = parse(text, "p.yaml").data
        assert data["a"] == 2026 and isinstance(data["a"], int)
        assert data["b"] == "2026" and data["d"] == "yes" and data["f"] == "2026-01-01"
        assert data["c"] is True and str(data["e"]) == "2026-01-01" and not isinstance(data["e"], str)
        assert data["g"] == int("9" * 80) and data["h"] is None
    assert parse("2026: a\n'2026b': b\n", "p.yaml").data == {2026: "a", "2026b": "b"}


@pytest.mark.parametrize("second", ["'2026'", '"2026"', "2026.0", "2026.00", "+2026"])
def test_year_keys_spelled_differently_are_one_key(second):
    # the model reads all of them as the year 2026: YAML would keep both and the model the last one
    err = fail(f"amounts:\n  2026: 30000.00\n  {second}: 0.00\n")
    f = err.finding
    assert f.code == "PTMS-E004" and (f.line, f.column) == (3, 3)
    assert f"« {second} » en double" in f.message and "ligne 2, colonne 3 (p.yaml:2:3)" in f.message
    assert "« 2026 »" in f.message  # the first spelling is named too


def test_a_huge_duplicate_key_is_cut_in_the_message():
    key = "k" * 5000
    f = fail(f"? {key}\n: 1\n? {key}\n: 2\n").finding  # explicit keys: a plain key stops at 1024
    assert f.code == "PTMS-E004" and len(f.message) < 400 and "k" * 199 + "…" in f.message


def test_year_keys_in_flow_mapping():
    err = fail("amounts: {2026: 30000.00, '2026': 0.00}\n")
    assert err.finding.code == "PTMS-E004" and (err.finding.line, err.finding.column) == (1, 27)
    assert "(p.yaml:1:11)" in err.finding.message


@pytest.mark.parametrize("text", ["a: [" * 150 + "]" * 150, "a:\n" + "".join("  " * i + "- \n" for i in range(1, 150)),
                                  "{a: " * 600 + "1" + "}" * 600])
def test_deep_nesting_is_a_located_error(text):
    err = fail(text + "\n")
    assert err.finding.code in ("PTMS-E006", "PTMS-E003") and err.finding.line >= 1
    assert "profonde" in err.finding.message


@pytest.mark.parametrize("value", ["0x" + "f" * 5000, "9" * 200, "1.0e-999999999", "1.5e+400"])
def test_absurd_numbers_are_refused_before_conversion(value):
    err = fail(f"territory:\n  population: {value}\n")
    assert err.finding.code == "PTMS-E011" and (err.finding.line, err.finding.column) == (2, 15)
    assert value[:20] not in err.finding.message or len(value) < 100


@pytest.mark.parametrize("written", ["010000", "01000", "0x1F", "0b101", "-017", "+0_1"])
def test_integers_in_another_base_stay_as_written(written):
    """YAML 1.1 reads `010000` as octal 4096, `0x1F` as 31: a population or an amount silently
    changed. The text is kept; the model reads it in base ten or refuses it (next test)."""
    assert parse(f"a: {written}\n", "p.yaml").data["a"] == written


def test_a_zero_padded_number_is_read_in_base_ten_and_a_hexadecimal_is_refused_with_its_position(tmp_path):
    from conftest import EXAMPLES
    from ptms_cli.validation import validate_file

    text = (EXAMPLES / "commune-beaulieu.yaml").read_text(encoding="utf-8")
    assert "    population: 18400\n" in text
    padded = tmp_path / "zero.yaml"
    padded.write_text(text.replace("    population: 18400\n", "    population: 018400\n", 1), encoding="utf-8")
    result = validate_file(padded)
    assert result.project.partners[0].population == 18400 and result.errors == 0
    hexa = tmp_path / "hexa.yaml"
    hexa.write_text(text.replace("    population: 18400\n", "    population: 0x47E0\n", 1), encoding="utf-8")
    line = text[:text.index("    population: 18400\n")].count("\n") + 1
    [error] = [f for f in validate_file(hexa).findings if f.severity.name == "ERROR"]
    assert (error.code, error.line, error.column) == ("PTMS-E011", line, 17)


def test_ordinary_integers_and_zero_are_still_numbers():
    data = parse("a: 0\nb: 18400\nc: -5\nd: 30_000\n", "p.yaml").data
    assert data == {"a": 0, "b": 18400, "c": -5, "d": 30000}
    assert parse("2026: a\n0x7EA: b\n", "p.yaml").data == {2026: "a", "0x7EA": "b"}  # not the year 2026 twice
