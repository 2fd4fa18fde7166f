"""The render engine's fence: strict XML, entities in tags, bounded work, safe zips, read-only context.

Issue 11 point 4 and issue 12 items 9–10. Templates are built with python-docx the way an author
types them in Word (docxtpl's own tests are written the same way: a template, a context, a render).
Anything that could hang or exhaust memory runs in a subprocess with a timeout and a memory cap,
so that a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from lxml import etree

from conftest import ROOT, docx_texts

from ptms_cli.documents import render as r
from ptms_cli.documents.checker import check_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PROPS = r.Properties(title="Essai", author="ptms")
EXAMPLE = ROOT / "examples" / "agglo-val-de-marque.yaml"


def _paragraphs(path: Path, *texts: str, header: str = "", footer: str = "") -> Path:
    doc = Document()
    for text in texts:
        doc.add_paragraph(text)
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    doc.save(str(path))
    return path


def _rewrite(src: Path, dst: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, change(item.filename, zin.read(item)))
    return dst


# --- 1. a Jinja block crossing XML elements -----------------------------------------------------

def _if_across_table(path: Path) -> Path:
    """`{% if %}` in a table cell, `{% endif %}` after the table: lxml's recover mode used to move
    the remaining articles inside the cell and report nothing."""
    doc = Document()
    doc.add_paragraph("Article 1 — Objet")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "{% if partners %}Partenaires"
    table.rows[0].cells[1].text = "{{ partners|length }}"
    doc.add_paragraph("{% endif %}Article 2 — Durée")
    doc.add_paragraph("Signatures")
    doc.save(str(path))
    return path


def test_a_block_crossing_a_table_cell_is_a_located_render_error(tmp_path):
    template = _if_across_table(tmp_path / "convention.docx")
    with pytest.raises(r.RenderError) as exc:
        r.render(template, {"partners": [1, 2]}, PROPS)
    message = str(exc.value)
    assert "modèle « convention.docx » (corps du document)" in message
    assert "« {% if partners %} » ouverte dans une cellule de tableau (près de « {% if partners %}Partenaires »)" in message
    assert "fermée par « {% endif %} » hors de cet élément (près de « {% endif %}Article 2 — Durée »)" in message


def test_a_block_across_runs_or_paragraphs_still_renders(tmp_path):
    template = _paragraphs(tmp_path / "modele.docx", "{% if ok %}Début", "fin{% endif %} Suite",
                           "{% for x in items %}[{{ x }}", "]{% endfor %}")
    assert docx_texts(r.render(template, {"ok": False, "items": [1, 2]}, PROPS))[:4] == [" Suite", "[1", "][2", "]"]


@pytest.mark.slow
def test_templates_check_reports_a_block_crossing_a_table(tmp_path, ptms):
    templates = tmp_path / "modeles"
    templates.mkdir()
    _if_across_table(templates / "convention.docx")
    run = ptms("templates", "check", templates, "--project", EXAMPLE)
    assert run.code == 1 and "Traceback" not in run.out + run.err
    assert "« {% if partners %} » ouverte dans une cellule de tableau" in run.out + run.err
    assert "sans problème" not in (run.out + run.err).replace("0 sans problème", "")


@pytest.mark.slow
def test_render_of_a_block_crossing_a_table_fails_the_document(tmp_path, ptms):
    templates = tmp_path / "modeles"
    templates.mkdir()
    _if_across_table(templates / "convention.docx")
    out = tmp_path / "out"
    run = ptms("render", EXAMPLE, "-o", out, "--templates", templates, "--doc", "convention")
    assert run.code == 1 and "Traceback" not in run.out + run.err
    assert "ouverte dans une cellule de tableau" in run.out + run.err
    assert not (out / "convention.docx").exists()


# --- 3a. `&` typed inside a tag ----------------------------------------------------------------

def test_an_ampersand_typed_in_a_tag_prints_as_an_ampersand(tmp_path):
    """docxtpl's `header_footer_entities` style: Word stores the typed `&` as `&amp;` in the tag."""
    template = _paragraphs(
        tmp_path / "entites.docx",
        '{{ "R&D" }}', '{{ names|join(" & ") }}', '{{ missing|default("Ville & Agglo") }}',
        '{% if x == "R&D" %}égal{% else %}différent{% endif %}', "{{ 'a < b' }} {{ x }}",
        header='En-tête {{ "R&D" }} {{ names|join(" & ") }}', footer='Pied {{ x|default("Ville & Agglo") }}')
    data = r.render(template, {"names": ["Hem", "Marcq"], "x": "R&D"}, PROPS)
    assert docx_texts(data) == ["R&D", "Hem & Marcq", "Ville & Agglo", "égal", "a < b R&D",
                                "En-tête R&D Hem & Marcq", "Pied R&D"]


# --- 3b. a caller's `images` --------------------------------------------------------------------

def test_a_caller_s_images_key_is_kept(tmp_path):
    template = _paragraphs(tmp_path / "images.docx", "{{ images.logo }} / {{ images|length }}")
    data = r.render(template, {"images": {"logo": "Logo de la ville"}}, PROPS)
    assert docx_texts(data)[0] == "Logo de la ville / 1"


# --- 3c. width of a removed column --------------------------------------------------------------

def _three_columns(path: Path) -> Path:
    doc = Document()
    table = doc.add_table(rows=2, cols=3)
    for row, values in zip(table.rows, [["Nom", "Rôle", "{#tc retirée #}"], ["Hem", "Commune", "{#tc retirée #}"]]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    doc.save(str(path))
    return path


def _grid(data: bytes) -> list[int]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        grid = etree.fromstring(z.read("word/document.xml")).find(f".//{W}tblGrid")
    return [int(c.get(f"{W}w")) for c in grid]


def test_a_removed_column_s_width_is_shared_as_docxtpl_shares_it(tmp_path):
    template = _three_columns(tmp_path / "colonnes.docx")
    ours = r.render(template, {}, PROPS)
    tpl = DocxTemplate(str(template))
    tpl.render({}, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    theirs = out.getvalue()
    assert len(_grid(ours)) == 2
    assert abs(_grid(ours)[0] - _grid(ours)[1]) <= 1  # 1:1, as docxtpl (was 2:1: the first column took it all)
    assert abs(sum(_grid(ours)) - sum(_grid(theirs))) <= 2 and all(abs(a - b) <= 1 for a, b in zip(_grid(ours), _grid(theirs)))
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        cells = etree.fromstring(z.read("word/document.xml")).findall(f".//{W}tc/{W}tcPr/{W}tcW")
    assert [int(c.get(f"{W}w")) for c in cells] == _grid(ours) * 2  # cells agree with the grid


# --- 5. bounded work: run in a subprocess with a timeout and a memory cap -----------------------

_RUNNER = r"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1500 * 2**20, 1500 * 2**20))
from pathlib import Path
from ptms_cli.documents import render as r
context = {"territory": {"name": "Val"}, "big": "x" * 1000000}
try:
    r.render(Path(sys.argv[1]), context, r.Properties("t", "a"))
except r.RenderError as exc:
    print("RenderError:", exc)
else:
    print("rendu")
print("territoire :", context["territory"]["name"])
"""


def _render_in_subprocess(template: Path) -> str:
    run = subprocess.run([sys.executable, "-c", _RUNNER, str(template)], capture_output=True, text=True,
                         timeout=90, env=os.environ)
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    return run.stdout


@pytest.mark.parametrize("tag, reason", [
    ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}", "trop d'opérations"),
    ("{% set l = range(99999)|list %}{% for i in l %}{% for j in l %}{% endfor %}{% endfor %}", "trop d'opérations"),
    ("{{ 10 ** 1000 ** 1000 ** 1000 }}", "puissance trop grande"),
    ("{{ ('x'*1000000)*3000 }}", "répétition trop grande"),
    ("{{ 'a'|center(3000000000) }}", "argument trop grand pour le filtre « center »"),
    ("{{ big|replace('x', big) }}", "remplacement trop grand"),
    ("{{ '%999999999s' % 'x' }}", "largeur trop grande"),
    ("{{ '{:999999999}'.format('x') }}", "largeur trop grande"),
    ("{% set ns = namespace(s=big) %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "valeur trop grande"),
    ("{{ big + big + big }}", "valeur trop grande"),
])
@pytest.mark.slow
def test_template_work_is_bounded(tmp_path, tag, reason):
    template = _paragraphs(tmp_path / "abus.docx", f"Texte {tag}")
    out = _render_in_subprocess(template)
    assert "RenderError: modèle « abus.docx » : opération interdite par le bac à sable" in out, out
    assert reason in out


def test_a_template_cannot_change_the_data_other_documents_see(tmp_path):
    template = _paragraphs(tmp_path / "lettre.docx", "{{ territory.update({'name': 'Piraté'}) }}{{ territory.name }}")
    out = _render_in_subprocess(template)
    assert "accès à « update » refusé sur un objet dict : un modèle ne modifie pas les données" in out
    assert "territoire : Val" in out


def test_bounds_leave_ordinary_templates_alone(tmp_path):
    template = _paragraphs(tmp_path / "ordinaire.docx",
                           "{% for i in range(3) %}{{ i }}{% endfor %} {{ 'ab' ~ 'cd' }} {{ '%5.1f' % 2.25 }}",
                           "{{ names|join(', ')|upper|center(20)|trim }} {{ '{:>4}'.format(7) }} {{ 2 ** 64 }}")
    assert docx_texts(r.render(template, {"names": ["a", "b"]}, PROPS))[:2] == [
        "012 abcd   2.2", "A, B    7 18446744073709551616"]


# --- zip bombs, DTDs, encrypted entries, bad XML: render and templates check --------------------

def _bomb(src: Path, dst: Path) -> Path:
    """A template with a 64 MB entry of zeros compressed to about 64 kB (a zip bomb in miniature)."""
    dst.write_bytes(src.read_bytes())
    with zipfile.ZipFile(dst, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/bombe.bin", bytes(64 * 2**20))
    return dst


def _with_dtd(src: Path, dst: Path) -> Path:
    def change(name, data):
        if name != "word/document.xml":
            return data
        data = data.replace(b"?>", b'?>\n<!DOCTYPE w:document [<!ENTITY piege "texte">]>', 1)
        return re.sub(rb"(<w:t[^>]*>)Bonjour", rb"\1&piege;", data)
    return _rewrite(src, dst, change)


def _bad_xml(src: Path, dst: Path) -> Path:
    return _rewrite(src, dst, lambda name, data: data.replace(b"</w:body>", b"") if name == "word/document.xml" else data)


def _encrypted(src: Path, dst: Path) -> Path:
    """An entry flagged as encrypted (as a password-protecting zip tool writes it: bit 0 of its flags)."""
    data = bytearray(src.read_bytes())
    name = b"word/document.xml"
    for pos in [m.start() for m in re.finditer(re.escape(name), bytes(data))]:
        if data[pos - 30:pos - 26] == b"PK\x03\x04":  # local header: flags at offset 6
            data[pos - 24] |= 0x1
        if data[pos - 46:pos - 42] == b"PK\x01\x02":  # central directory: flags at offset 8
            data[pos - 38] |= 0x1
    dst.write_bytes(bytes(data))
    with zipfile.ZipFile(dst) as z:
        assert z.getinfo("word/document.xml").flag_bits & 0x1
    return dst


@pytest.mark.parametrize("make, expected", [
    (_bomb, "« word/media/bombe.bin » anormalement compressée"),
    (_with_dtd, "déclaration DTD (<!DOCTYPE>) refusée"),
    (_bad_xml, "XML invalide dans word/document.xml"),
    (_encrypted, "« word/document.xml » chiffrée"),
])
@pytest.mark.slow
def test_unsafe_or_damaged_templates_are_french_errors(tmp_path, ptms, make, expected):
    templates = tmp_path / "modeles"
    templates.mkdir()
    source = _paragraphs(tmp_path / "source.docx", "Bonjour {{ territory.name }}")
    template = make(source, templates / "cahier-des-charges.docx")
    out = _render_in_subprocess(template)
    assert "RenderError: modèle « cahier-des-charges.docx » : document Word illisible" in out and expected in out
    problems = check_template(template, {"territory"})
    assert [p.kind for p in problems] == ["malformed"] and expected in problems[0].message
    run = ptms("templates", "check", templates, "--project", EXAMPLE)
    assert run.code == 1 and "Traceback" not in run.out + run.err and expected in run.out + run.err


@pytest.mark.slow
def test_a_template_with_a_dtd_gives_no_document(tmp_path, ptms):
    templates = tmp_path / "modeles"
    templates.mkdir()
    _with_dtd(_paragraphs(tmp_path / "source.docx", "Bonjour {{ name }}"), templates / "cahier-des-charges.docx")
    out = tmp_path / "out"
    run = ptms("render", EXAMPLE, "-o", out, "--templates", templates, "--doc", "cahier-des-charges")
    assert run.code == 1 and "DTD" in run.out + run.err
    assert not (out / "cahier-des-charges.docx").exists()


# --- zipfile's private `_compressor`: guarded, with a fallback ----------------------------------

def test_documents_are_the_same_without_the_precompressed_path(tmp_path, monkeypatch):
    template = _paragraphs(tmp_path / "modele.docx", "Bonjour {{ name }}")
    fast = r.render(template, {"name": "Val"}, PROPS)
    assert r._PRECOMPRESSED_OK is True  # checked against zipfile's own output on this Python
    monkeypatch.setattr(r, "_PRECOMPRESSED_OK", False)
    assert r.render(template, {"name": "Val"}, PROPS) == fast


def test_a_changed_zipfile_private_api_turns_the_fast_path_off(monkeypatch):
    monkeypatch.setattr(r._Precompressed, "compress", lambda self, data: b"\x03\x00")  # as if ignored
    assert r._precompressed_works() is False


# --- --engine docxtpl ---------------------------------------------------------------------------

@pytest.mark.slow
def test_engine_docxtpl_renders_the_same_text(tmp_path, ptms):
    runs = {}
    for engine in ("ptms", "docxtpl"):
        out = tmp_path / engine
        run = ptms("render", EXAMPLE, "-o", out, "--doc", "cahier-des-charges", "--engine", engine)
        assert run.code == 0, run.err
        runs[engine] = docx_texts((out / "cahier-des-charges.docx").read_bytes())
    assert runs["ptms"] == runs["docxtpl"] and len(runs["ptms"]) > 50


@pytest.mark.slow
def test_engine_unknown_is_a_french_usage_error(tmp_path, ptms):
    run = ptms("render", EXAMPLE, "-o", tmp_path / "out", "--engine", "word")
    assert run.code == 2 and "moteur « word » inconnu" in run.err
