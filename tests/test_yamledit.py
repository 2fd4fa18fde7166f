"""Round-trip editing of project files: comments, order and formatting of untouched parts are kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import EXAMPLES
from ptms_cli import yamledit
from ptms_cli.loader import load


@pytest.mark.parametrize("name", ["agglo-val-de-marque.yaml", "commune-beaulieu.yaml", "cc-deux-rives.yaml"])
def test_unchanged_data_gives_the_same_bytes(tmp_path, name):
    path = tmp_path / name
    path.write_bytes((EXAMPLES / name).read_bytes())
    doc = yamledit.open_document(path)
    doc.update(doc.data())
    assert doc.text() == (EXAMPLES / name).read_text(encoding="utf-8")
    assert doc.save() is False


def test_other_indentation_styles_are_kept(tmp_path):
    text = "# c\nname: x\npartners:\n- id: a   # premier\n  name: A\n- id: b\n  name: B\n"
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    doc = yamledit.open_document(path)
    data = doc.data()
    data["partners"][1]["name"] = "Bé"
    doc.update(data)
    assert doc.text() == text.replace("name: B", "name: Bé")


def test_edit_keeps_comments_and_writes_plain_money_and_iso_dates(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_bytes((EXAMPLES / "commune-beaulieu.yaml").read_bytes())
    original = path.read_text(encoding="utf-8")
    doc = yamledit.open_document(path)
    data = doc.data()
    data["budget"]["supervision"] = Decimal("42000.00")
    data["period"]["start"] = dt.date(2026, 2, 1)
    data["partners"].insert(1, {"id": "nouveau", "name": "Nouveau", "kind": "association"})
    doc.update(data, keys=["budget", "period", "partners"])
    doc.save()
    text = path.read_text(encoding="utf-8")
    assert "  supervision: 42000.00\n" in text
    assert "  start: 2026-02-01\n" in text
    assert text.splitlines()[:3] == original.splitlines()[:3]  # modeline and header comments
    assert text.index("id: ville") < text.index("id: nouveau") < text.index("id: habitat-sambre")
    loaded = load(path)
    assert loaded.data["budget"]["supervision"] == Decimal("42000.00")


def test_removing_an_item_by_id_keeps_the_comments_of_the_others(tmp_path):
    text = "partners:\n  - id: a\n    name: A  # garder\n  - id: b\n    name: B\n  - id: c\n    name: C  # aussi\n"
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    doc = yamledit.open_document(path)
    data = doc.data()
    data["partners"] = [p for p in data["partners"] if p["id"] != "b"]
    doc.update(data)
    assert doc.text() == "partners:\n  - id: a\n    name: A  # garder\n  - id: c\n    name: C  # aussi\n"


@pytest.mark.parametrize("value", ["16:00", "yes", "on", "1e3", "2026-01-01", "0x1F", "~"])
def test_strings_the_loader_would_misread_are_quoted(tmp_path, value):
    path = tmp_path / "p.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    doc = yamledit.open_document(path)
    doc.update({"a": 1, "b": value})
    doc.save()
    assert load(path).data["b"] == value


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "p.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    doc = yamledit.open_document(path)
    doc.update({"a": 2})

    def boom(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError):
        doc.save()
    assert path.read_text(encoding="utf-8") == "a: 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["p.yaml"]


def test_an_explicit_document_start_and_the_comments_before_it_are_kept(tmp_path):
    text = "# yaml-language-server: $schema=ptms.schema.json\n---\nname: a   # nom\nlist:\n- 1\n"
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    doc = yamledit.open_document(path)
    assert doc.text() == text
    doc.update({"name": "b", "list": [1]})
    assert doc.text() == text.replace("name: a", "name: b")


def test_windows_line_endings_are_kept(tmp_path):
    text = "# projet\r\nname: a  # nom\r\nlist:\r\n  - 1\r\n"
    path = tmp_path / "p.yaml"
    path.write_bytes(text.encode("utf-8"))
    doc = yamledit.open_document(path)
    doc.update({"name": "b", "list": [1, 2]})
    doc.save()
    assert path.read_bytes() == b"# projet\r\nname: b  # nom\r\nlist:\r\n  - 1\r\n  - 2\r\n"


# --- anchors and aliases: an edit changes the place edited, and only it ---------------------------

ANCHORED = [
    ("a: &f {x: 1, y: 2}\nb: *f\n", lambda d: d["b"].update(x=9)),
    ("a: &f {x: 1, y: 2}\nb: *f\n", lambda d: d["a"].update(x=9)),
    ("a: &f\n  x: 1\n  y: 2\nb: *f\nc: *f\n", lambda d: d["b"].pop("y")),
    ("a: &f [1, 2]\nb: *f\n", lambda d: d["a"].append(3)),
    ("a: &f 1\nb: *f\n", lambda d: d.update(a=5)),
    ("a: &f\n  x: 1\n  n: {k: 1}\nb:\n  <<: *f\n  z: 3\n", lambda d: d["a"].update(x=9)),
    ("a: &f\n  x: 1\n  n: {k: 1}\nb:\n  <<: *f\n  z: 3\n", lambda d: d["b"].pop("x")),
    ("a: &f\n  x: 1\n  n: {k: 1}\nb:\n  <<: *f\n  z: 3\n", lambda d: d["b"]["n"].update(k=5)),
    ("a: &f\n  x: {k: 1}\nb:\n  - *f\n  - {x: {k: 2}}\n", lambda d: d["b"][0]["x"].update(k=5)),
    ("a: &f\n  x: {k: 1}\nb:\n  - *f\n  - {x: {k: 2}}\n", lambda d: d["a"]["x"].update(k=5)),
]


@pytest.mark.parametrize("text, edit", ANCHORED)
def test_an_edit_of_a_node_shared_by_an_anchor_changes_that_place_only(tmp_path, text, edit):
    import copy

    import yaml

    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    doc = yamledit.open_document(path)
    wanted = copy.deepcopy(doc.data())
    edit(wanted)
    doc.update(wanted)
    assert yaml.safe_load(doc.text()) == wanted  # what the project loader reads back
    assert doc.save() is True


def test_anchors_left_unedited_stay_shared(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("a: &f\n  x: 1\nb: *f\nc: *f\nd: 1\n", encoding="utf-8")
    doc = yamledit.open_document(path)
    doc.update({**doc.data(), "d": 2})
    assert doc.text() == "a: &f\n  x: 1\nb: *f\nc: *f\nd: 2\n"
