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
