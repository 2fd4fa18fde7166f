"""The rendering engine (documents/render.py) against docxtpl, and the package work it does itself.

ptms reads each template once per process and writes documents without building python-docx
objects; these tests hold it to what docxtpl produces from the same template and context (text,
tables, pictures), and check the package parts it writes: pictures, relationships, content types,
core properties, table grids.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from conftest import ROOT, docx_texts

from ptms_cli.documents import catalog
from ptms_cli.documents import render as r
from ptms_cli.documents.context import build_context, letter_context
from ptms_cli.documents.pipeline import images_for
from ptms_cli.validation import validate_file

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
PROPS = r.Properties(title="Convention — Essai & <test>", author="Agglo « Val »", subject="Sujet",
                     date=date(2027, 3, 1))


@pytest.fixture(scope="module")
def agglo():
    project = validate_file(ROOT / "examples" / "agglo-val-de-marque.yaml").project
    context = build_context(project)
    pictures = {k: f() for k, f in images_for(project, context).items()}
    return project, context, pictures


def with_docxtpl(template: Path, context: dict, pictures: dict) -> bytes:
    """The same render done by docxtpl itself, as a user would (its documentation's way: its own
    Jinja environment, autoescape on), so that a difference in escaping shows."""
    tpl = DocxTemplate(str(template))
    ctx = dict(context)
    ctx["images"] = {k: _inline(tpl, v) if v else None for k, v in pictures.items()}
    tpl.render(ctx, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _inline(tpl, png: bytes):
    """docxtpl's picture at the page's width, or at IMAGE_HEIGHT_MM high if that width makes it taller."""
    w, h, hdpi, vdpi = r._png_size(png)
    if (h / vdpi) / (w / hdpi) * r.IMAGE_WIDTH_MM > r.IMAGE_HEIGHT_MM:
        return InlineImage(tpl, io.BytesIO(png), height=Mm(r.IMAGE_HEIGHT_MM))
    return InlineImage(tpl, io.BytesIO(png), width=Mm(r.IMAGE_WIDTH_MM))


def picture_sizes(data: bytes) -> list[tuple[int, int]]:
    return [(s.width, s.height) for s in Document(io.BytesIO(data)).inline_shapes]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["convention", "cahier-des-charges", "mobilisation", "lettres"])
def test_documents_say_what_docxtpl_would_say(agglo, name):
    project, context, pictures = agglo
    job = next(j for j in catalog.plan(project, [name]).jobs)
    template = catalog.default_templates() / job.spec.template
    ctx = letter_context(context, job.partner) if job.partner else context
    ours = r.render(template, ctx, PROPS, pictures)
    theirs = with_docxtpl(template, ctx, pictures)
    assert docx_texts(ours, grids=True) == docx_texts(theirs, grids=True)
    assert picture_sizes(ours) == picture_sizes(theirs)
    if name in ("cahier-des-charges", "mobilisation"):
        assert picture_sizes(ours)  # these documents do show pictures


@pytest.mark.slow
def test_pictures_are_parts_of_the_package(agglo):
    project, context, pictures = agglo
    data = r.render(catalog.default_templates() / "cahier-des-charges.docx", context, PROPS, pictures)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        images = {x.get("Id"): x.get("Target") for x in rels.iter(f"{REL}Relationship") if x.get("Type").endswith("/image")}
        embedded = re.findall(rb'r:embed="([^"]+)"', z.read("word/document.xml"))
        assert embedded and {e.decode() for e in embedded} <= set(images)
        media = {z.read("word/" + t) for t in images.values()}
        assert media == {pictures["coverage"], pictures["contributions"]}  # each picture it shows once, as drawn
        for t in images.values():
            assert z.getinfo("word/" + t).compress_type == zipfile.ZIP_STORED  # PNG is compressed already
        types = z.read("[Content_Types].xml").decode()
        assert 'Extension="png"' in types
        ids = re.findall(rb'<wp:docPr id="(\d+)"', z.read("word/document.xml"))
        assert len(ids) == len(set(ids)) == len(embedded)


def _chart_in_header(path: Path) -> Path:
    """A template: the project's name in the body, the contributions chart in the header."""
    doc = Document()
    doc.add_paragraph("Corps : {{ project.name }}")
    doc.sections[0].header.paragraphs[0].text = "{{ images.contributions }}"
    doc.save(str(path))
    return path


def test_a_picture_in_a_header_gets_the_header_s_relationship(tmp_path, agglo):
    _, context, pictures = agglo
    template = _chart_in_header(tmp_path / "avec-image.docx")
    data = r.render(template, context, PROPS, pictures)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        header = next(n for n in z.namelist() if re.fullmatch(r"word/header\d*\.xml", n))
        rels = etree.fromstring(z.read(f"word/_rels/{header.split('/')[1]}.rels"))
        targets = [x.get("Target") for x in rels.iter(f"{REL}Relationship") if x.get("Type").endswith("/image")]
        assert len(targets) == 1 and z.read("word/" + targets[0]) == pictures["contributions"]
        rid = re.search(rb'r:embed="([^"]+)"', z.read(header)).group(1).decode()
        assert rid in {x.get("Id") for x in rels.iter(f"{REL}Relationship")}
    reread = Document(io.BytesIO(data))
    assert context["project"]["name"] in reread.paragraphs[0].text
    header_part = reread.sections[0].header.part
    assert any(rel.reltype.endswith("/image") for rel in header_part.rels.values())


def test_core_properties_come_from_the_caller(agglo):
    _, context, _ = agglo
    data = r.render(catalog.default_templates() / "convention.docx", context, PROPS)
    cp = Document(io.BytesIO(data)).core_properties
    assert (cp.title, cp.author, cp.subject, cp.language) == (PROPS.title, PROPS.author, PROPS.subject, "fr-FR")
    assert cp.created.date() == cp.modified.date() == PROPS.date
    assert cp.revision == 1


def test_a_template_without_core_properties_gets_them(tmp_path, agglo):
    _, context, _ = agglo
    src = tmp_path / "source.docx"
    Document().save(str(src))
    template = tmp_path / "sans-proprietes.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(template, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "docProps/core.xml":
                continue
            if item.filename == "_rels/.rels":
                data = re.sub(rb'<Relationship [^>]*core-properties[^>]*/>', b"", data)
            if item.filename == "[Content_Types].xml":
                data = re.sub(rb'<Override [^>]*core-properties[^>]*/>', b"", data)
            zout.writestr(item, data)
    with zipfile.ZipFile(template) as z:
        assert "docProps/core.xml" not in z.namelist()
    data = r.render(template, context, PROPS)
    assert Document(io.BytesIO(data)).core_properties.title == PROPS.title


def _table_template(path: Path, loop: str) -> Path:
    """A template with a table: a label column, then one column per item of `loop` (docxtpl's `{%tc`)."""
    doc = Document()
    table = doc.add_table(rows=2, cols=4)
    labels = [["Ligne", f"{{%tc for x in {loop} %}}", "{{ x }}", "{%tc endfor %}"],
              ["Total", f"{{%tc for x in {loop} %}}", "{{ x * 2 }}", "{%tc endfor %}"]]
    for row, values in zip(table.rows, labels):
        for cell, value in zip(row.cells, values):
            cell.text = value
    doc.save(str(path))
    return path


@pytest.mark.parametrize("count", [1, 2, 6])
def test_column_loops_leave_a_grid_that_matches_the_cells(tmp_path, count):
    template = _table_template(tmp_path / "tableau.docx", "items")
    with zipfile.ZipFile(template) as z:
        before = etree.fromstring(z.read("word/document.xml")).find(f".//{W}tblGrid")
    total = sum(int(c.get(f"{W}w")) for c in before)
    data = r.render(template, {"items": list(range(1, count + 1))}, PROPS)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        table = etree.fromstring(z.read("word/document.xml")).find(f".//{W}tbl")
    grid = [int(c.get(f"{W}w")) for c in table.find(f"{W}tblGrid")]
    assert len(grid) == 1 + count
    assert total - len(grid) <= sum(grid) <= total  # the table keeps its width (integer division)
    for row in table.findall(f"{W}tr"):
        cells = row.findall(f"{W}tc")
        assert len(cells) == len(grid)
        widths = [int(c.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for c in cells]
        assert widths == grid  # Word (cell widths) and LibreOffice (grid) draw the same columns
    cells = ["Ligne", *map(str, range(1, count + 1)), "Total", *(str(2 * i) for i in range(1, count + 1))]
    assert docx_texts(data, grids=True)[:1 + len(cells)] == [f"[grille de {count + 1} colonnes]", *cells]


def test_a_template_changed_on_disk_is_read_again(tmp_path):
    template = tmp_path / "modele.docx"
    doc = Document()
    doc.add_paragraph("Première version : {{ value }}")
    doc.save(str(template))
    first = r.render(template, {"value": "A"}, PROPS)
    doc = Document()
    doc.add_paragraph("Seconde version : {{ value }}")
    doc.save(str(template))
    second = r.render(template, {"value": "A"}, PROPS)
    assert docx_texts(first, grids=True)[0] == "Première version : A"
    assert docx_texts(second, grids=True)[0] == "Seconde version : A"


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item))
            if data is not None:
                zout.writestr(item, data)
    return dst


@pytest.mark.parametrize("case, expected", [
    ("dotx", "pas un document .docx"),
    ("no-content-types", "[Content_Types].xml"),
    ("broken-body", "XML invalide dans word/document.xml"),
    ("no-body", "pas de corps"),
])
def test_damaged_templates_give_a_french_error(tmp_path, case, expected):
    src = tmp_path / "source.docx"
    Document().save(str(src))

    def change(name: str, data: bytes):
        if case == "dotx" and name == "[Content_Types].xml":
            return data.replace(b"document.main+xml", b"template.main+xml")
        if case == "no-content-types" and name == "[Content_Types].xml":
            return None
        if case == "broken-body" and name == "word/document.xml":
            return data.replace(b"</w:body>", b"")
        if case == "no-body" and name == "word/document.xml":
            return re.sub(rb"<w:body>.*</w:body>", b"", data, flags=re.S)
        return data

    template = _rewrite(src, tmp_path / f"{case}.docx", change)
    with pytest.raises(r.RenderError) as exc:
        r.render(template, {}, PROPS)
    assert expected in str(exc.value) and "modèle « " in str(exc.value)


def _one_paragraph(path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


@pytest.mark.parametrize("tag", [
    "{{ '{0}{1}'.format(1) }}",  # IndexError
    "{{ '%(a)s' % {} }}",  # KeyError
    "{{ 1.5 ** 100000 }}",  # OverflowError
    "{{ 7 ** 1000000000 }}",  # would compute for ever
    "{{ 'a' * 10000000000 }}",  # would exhaust memory
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",  # RecursionError
])
def test_a_tag_that_fails_in_python_is_a_render_error(tmp_path, tag):
    template = _one_paragraph(tmp_path / "modele.docx", f"Valeur : {tag}")
    with pytest.raises(r.RenderError) as exc:
        r.render(template, {}, PROPS)
    assert "modèle « modele.docx »" in str(exc.value)


def test_reasonable_arithmetic_still_works(tmp_path):
    template = _one_paragraph(tmp_path / "calcul.docx", "{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ 1.5 * 4 }} {{ items * 2 }}")
    assert docx_texts(r.render(template, {"items": [1]}, PROPS), grids=True)[0] == "1024 ababab 6.0 [1, 1]"


@pytest.mark.parametrize("entry", ["word/_rels/document.xml.rels", "word/_rels/header1.xml.rels"])
def test_a_damaged_relationship_part_is_a_render_error(tmp_path, agglo, entry):
    _, context, pictures = agglo
    src = _chart_in_header(tmp_path / "source.docx")
    template = _rewrite(src, tmp_path / "rels.docx", lambda name, data: None if name == entry else data)
    with zipfile.ZipFile(template, "a") as z:
        z.writestr(entry, b"<Relationships")  # damaged (python-docx writes no header .rels: added here)
    with pytest.raises(r.RenderError) as exc:
        r.render(template, context, PROPS, pictures)
    assert "modèle « rels.docx » : document Word illisible" in str(exc.value)


def test_a_column_loop_in_a_table_without_width_renders(tmp_path):
    template = _table_template(tmp_path / "tableau.docx", "items")
    zero = _rewrite(template, tmp_path / "sans-largeur.docx",
                    lambda name, data: re.sub(rb'(<w:gridCol w:w=")\d+', rb"\g<1>0", data) if name == "word/document.xml" else data)
    data = r.render(zero, {"items": [1, 2, 3, 4, 5]}, PROPS)
    assert docx_texts(data, grids=True)[1:7] == ["Ligne", "1", "2", "3", "4", "5"]


def test_a_core_part_declared_but_not_related_is_declared_once(tmp_path, agglo):
    _, context, _ = agglo
    src = tmp_path / "source.docx"
    Document().save(str(src))
    template = _rewrite(src, tmp_path / "core.docx", lambda name, data: re.sub(
        rb'<Relationship [^>]*core-properties[^>]*/>', b"", data) if name == "_rels/.rels" else data)
    data = r.render(template, context, PROPS)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
    assert types.lower().count('partname="/docprops/core.xml"') == 1
    assert rels.count("core-properties") == 1
    assert Document(io.BytesIO(data)).core_properties.title == PROPS.title


@pytest.mark.slow
def test_one_damaged_template_fails_only_its_document(tmp_path, ptms):
    templates = tmp_path / "modeles"
    assert ptms("templates", "export", templates).code == 0
    _rewrite(catalog.default_templates() / "convention.docx", templates / "convention.docx",
             lambda name, data: b"<garbage" if name == "word/_rels/document.xml.rels" else data)
    out = tmp_path / "out"
    run = ptms("render", ROOT / "examples" / "agglo-val-de-marque.yaml", "-o", out, "--templates", templates)
    assert run.code == 1 and "Traceback" not in run.err + run.out
    assert "modèle « convention.docx » : document Word illisible" in run.err + run.out
    assert (out / "cahier-des-charges.docx").is_file() and not (out / "convention.docx").exists()


# User-style templates: what an author types in Word, docxtpl's syntax. Each is rendered by ptms and
# by docxtpl (as a user would) and must say the same thing.
USER_TEMPLATES = {
    "variables": (["Commune : {{ territory.name }} ({{ territory.kind|upper }})",
                   "{{ note }}", "Montant : {{ amount }} € — {{ '%.2f'|format(amount) }}"],
                  "{{ territory.name }}", "Page {{ project }}"),
    "conditions": (["{%p if partners %}", "Il y a {{ partners|length }} partenaires.", "{%p else %}",
                    "Aucun partenaire.", "{%p endif %}", "{% if amount > 100 %}élevé{% else %}faible{% endif %}"],
                   "", ""),
    "boucles": (["{%p for p in partners %}", "{{ loop.index }}. {{ p.name }} — {{ p.roles|join(', ') }}",
                 "{%p endfor %}", "{{ partners|map(attribute='name')|join(' ; ') }}"], "", ""),
    "escaping": (["{{ note }}", "{{ '<b>' }} {{ territory.name }} & co"], "{{ note }}", "{{ note }}"),
    "lignes": (["{{ multiline }}"], "", ""),
}
USER_CONTEXT = {
    "territory": {"name": "Val-de-Marque & Hem", "kind": "intercommunalité"},
    "note": "Tarif < 5 € & « guillemets » 'simples' \"doubles\"",
    "amount": 1234.5,
    "project": "PTMS",
    "partners": [{"name": "Hem", "roles": ["financeur", "signataire"]}, {"name": "CAF", "roles": ["financeur"]}],
    "multiline": "Première ligne\nSeconde ligne\tavec tabulation",
}


def _user_template(path: Path, paragraphs: list[str], header: str, footer: str, rows: bool = False) -> Path:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if rows:
        table = doc.add_table(rows=3, cols=2)
        for row, values in zip(table.rows, [["Nom", "Rôles"], ["{%tr for p in partners %}", ""],
                                            ["{{ p.name }}", "{{ p.roles|join(', ') }}{%tr endfor %}"]]):
            for cell, value in zip(row.cells, values):
                cell.text = value
    doc.sections[0].header.paragraphs[0].text = header
    doc.sections[0].footer.paragraphs[0].text = footer
    doc.save(str(path))
    return path


@pytest.mark.parametrize("name", [*USER_TEMPLATES, "tableau", "colonnes"])
def test_user_style_templates_say_what_docxtpl_would_say(tmp_path, name):
    if name == "tableau":
        template = _user_template(tmp_path / "tableau.docx", ["Partenaires :"], "", "", rows=True)
    elif name == "colonnes":
        template = _table_template(tmp_path / "colonnes.docx", "items")
    else:
        template = _user_template(tmp_path / f"{name}.docx", *USER_TEMPLATES[name])
    context = {**USER_CONTEXT, "items": [1, 2, 3]}
    ours, theirs = r.render(template, context, PROPS), with_docxtpl(template, context, {})
    assert docx_texts(ours, grids=True) == docx_texts(theirs, grids=True)


def test_a_tall_picture_is_capped_at_half_a_page_and_keeps_its_proportions():
    """A picture the full width would make taller than IMAGE_HEIGHT_MM (the before/after coverage
    matrix) is scaled down whole: it fits under the text that introduces it (no half-empty page)."""
    import struct
    import zlib

    def png(w: int, h: int) -> bytes:
        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        raw = b"".join(b"\x00" + b"\xff" * w for _ in range(h))
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

    tall = r._Picture(None, png(100, 300))
    assert tall.cy == int(r.IMAGE_HEIGHT_MM * 36000) and abs(tall.cx * 3 - tall.cy) <= 3
    wide = r._Picture(None, png(300, 100))
    assert wide.cx == int(r.IMAGE_WIDTH_MM * 36000) and abs(wide.cx - 3 * wide.cy) <= 3
