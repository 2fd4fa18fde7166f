"""The shipped templates' wording sources (templates/src/*.md, built by templates/build.py) and the
record `ptms templates export` leaves next to a user's copies (ptms-templates.json)."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest
from docx import Document

from conftest import ROOT
from ptms_cli import __version__
from ptms_cli.documents import catalog, exported
from ptms_cli.documents.manifest import sha256

sys.path.insert(0, str(ROOT / "templates"))
import docbuilder  # noqa: E402
import docsource  # noqa: E402

pytestmark = pytest.mark.slow  # starts `ptms` in a subprocess (or LibreOffice) in most tests

FRONT = "---\ntitre: Essai\nen-tête: {{ project.name }}\npied de page: Essai — Page [page] sur [pages]\n---\n"


def source(tmp_path: Path, body: str, **partials: str) -> Path:
    for name, text in partials.items():
        (tmp_path / f"_{name}.md").write_text(text, encoding="utf-8")
    path = tmp_path / "essai.md"
    path.write_text(FRONT + body, encoding="utf-8")
    return path


def build_module():
    """templates/build.py, loaded under its own name (a `build` package may be installed too)."""
    spec = importlib.util.spec_from_file_location("ptms_templates_build", ROOT / "templates" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def built(path: Path) -> Document:
    buf = io.BytesIO()
    docbuilder.build(docsource.parse(path)).save(buf)
    return Document(io.BytesIO(buf.getvalue()))


# --- the wording sources ------------------------------------------------------------------------

def test_every_document_has_a_wording_source():
    for spec in catalog.DOCUMENTS:
        src = docsource.parse(ROOT / "templates" / "src" / spec.template.replace(".docx", ".md"))
        assert src.title == spec.title


def test_adding_an_article_is_a_text_edit(tmp_path):
    path = source(tmp_path, "[article] Objet\nLe texte de l'objet,\nsur deux lignes.\n\n"
                            "[article] Clause nouvelle\nLes parties **s'engagent**.\n")
    doc = built(path)
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paras == [("Article", "Objet"), ("Normal", "Le texte de l'objet, sur deux lignes."),
                     ("Article", "Clause nouvelle"), ("Normal", "Les parties s'engagent.")]
    assert [r.bold for r in doc.paragraphs[3].runs] == [False, True, False]
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert " PAGE " in footer and " NUMPAGES " in footer and "Essai — Page " in footer


def test_tags_bullets_breaks_and_fragments(tmp_path):
    path = source(tmp_path, "{%p for o in objectives %}\n- {{ o.statement }}\n{%p endfor %}\n"
                            "[droite] A<br>\nB\n[inclure bloc nom=\"Comité\" objet=\"governance.steering\"]\n",
                  bloc="**$nom.** {{ $objet.role }}\n")
    doc = built(path)
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paras == [("Normal", "{%p for o in objectives %}"), ("List Bullet", "{{ o.statement }}"),
                     ("Normal", "{%p endfor %}"), ("Normal", "A\nB"),
                     ("Normal", "Comité. {{ governance.steering.role }}")]


def test_table_cells_keep_jinja_filters(tmp_path):
    path = source(tmp_path, '[tableau largeurs="8 8.6" droite="2" total]\n| Nom | Montant |\n'
                            "| {%tr for c in funding.contributions %} |\n"
                            "| {{ c.partner|upper }} | {{ c.total|default(\"—\") }} |\n| {%tr endfor %} |\n"
                            "| **Total** \\| fin | {{ funding.total.total }} |\n")
    table = built(path).tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Nom", "Montant"], ["{%tr for c in funding.contributions %}", ""],
        ["{{ c.partner|upper }}", '{{ c.total|default("—") }}'], ["{%tr endfor %}", ""],
        ["Total | fin", "{{ funding.total.total }}"]]


@pytest.mark.parametrize("body, line, words", [
    ("[articel] Objet\n", 6, "option inconnue « articel »"),
    ('[tableau largeurs="8 8"]\n| a | b |\n| c |\n', 8, "1 cellule pour 2 largeurs"),
    ("| a | b |\n", 6, "sans « [tableau"),
    ("[tableau]\n| a |\n", 6, "largeurs"),
    ('[tableau largeurs="10 7"]\n| a | b |\n', 6, "17 cm au total, plus que les 16.6 cm"),
    ("Texte\n[inclure absent]\n", 7, "fragment introuvable : _absent.md"),
    ("Un paragraphe\n\nqui continue {%p if x %}\n", 8, "seule sur sa ligne"),
])
def test_source_mistakes_are_located_in_french(tmp_path, body, line, words):
    path = source(tmp_path, body)
    with pytest.raises(docsource.SourceError) as err:
        docsource.parse(path)
    assert f"{path}:{line}:" in str(err.value) and words in str(err.value)


def test_build_reports_a_source_mistake_without_traceback(tmp_path, monkeypatch, capsys):
    build = build_module()

    monkeypatch.setattr(build, "SOURCES", tmp_path)
    for spec in catalog.DOCUMENTS:
        source(tmp_path, "Texte\n").rename(tmp_path / spec.template.replace(".docx", ".md"))
    (tmp_path / "convention.md").write_text(FRONT + "[gras, droite, rouge] Texte\n", encoding="utf-8")
    assert build.main(["--check"]) == 2
    assert "convention.md:6: option inconnue « rouge »" in capsys.readouterr().err


def test_check_names_the_part_that_differs(tmp_path):
    build = build_module()

    shipped = catalog.default_templates() / "convention.docx"
    assert build.difference(shipped, shipped.read_bytes()) is None
    other = build.build_one("lettre-intention.docx")
    assert "word/document.xml" in build.difference(shipped, other)
    assert build.difference(tmp_path / "absent.docx", other) == "absent"


# --- the export record --------------------------------------------------------------------------

def _record(directory: Path) -> dict:
    return json.loads((directory / exported.NAME).read_text(encoding="utf-8"))["templates"]


def test_export_records_version_and_digest_and_check_is_clean(tmp_path, ptms):
    out = tmp_path / "modeles"
    assert ptms("templates", "export", out).code == 0
    record = _record(out)
    assert set(record) == {spec.template for spec in catalog.TEMPLATES}  # after-signature ones included
    for spec in catalog.TEMPLATES:
        digest = sha256((catalog.default_templates() / spec.template).read_bytes())
        assert record[spec.template] == {"sha256": digest, "ptms_version": __version__}
    run = ptms("templates", "check", out)
    assert run.code == 0 and "avertissement" not in run.out, run.out


def test_check_warns_when_the_shipped_template_changed_since_export(tmp_path, ptms):
    out = tmp_path / "modeles"
    assert ptms("templates", "export", out).code == 0
    data = json.loads((out / exported.NAME).read_text(encoding="utf-8"))
    data["templates"]["convention.docx"].update(sha256="0" * 64, ptms_version="0.0.9")  # exported from another
    (out / exported.NAME).write_text(json.dumps(data), encoding="utf-8")
    run = ptms("templates", "check", out)
    assert run.code == 0, run.out + run.err  # a warning: the user's templates themselves are fine
    warnings = [x for x in run.out.splitlines() if x.startswith("avertissement : ")]
    assert len(warnings) == 1
    assert "« convention.docx » (Convention unique pluripartite) a changé" in warnings[0]
    assert "ptms 0.0.9" in warnings[0] and "vous avez modifié votre copie" in warnings[0]
    assert "1 modèle fourni modifié depuis l'export" in run.out


def test_unedited_outdated_copy_is_refreshed_by_a_forced_export(tmp_path, ptms):
    out = tmp_path / "modeles"
    assert ptms("templates", "export", out).code == 0
    old = b"an older shipped template"  # what an earlier ptms shipped, copied and left untouched
    (out / "lettre-intention.docx").write_bytes(build_older(old))
    data = json.loads((out / exported.NAME).read_text(encoding="utf-8"))
    data["templates"]["lettre-intention.docx"]["sha256"] = sha256((out / "lettre-intention.docx").read_bytes())
    (out / exported.NAME).write_text(json.dumps(data), encoding="utf-8")
    run = ptms("templates", "check", out)
    assert f"votre copie n'a pas été modifiée ; « ptms templates export {out} --force »" in run.out, run.out
    assert ptms("templates", "export", out, "--force").code == 0
    run = ptms("templates", "check", out)
    assert "avertissement" not in run.out and _record(out)["lettre-intention.docx"]["sha256"] == sha256(
        (catalog.default_templates() / "lettre-intention.docx").read_bytes())


def build_older(marker: bytes) -> bytes:
    """A valid .docx standing for an older version of the shipped letter."""
    doc = Document()
    doc.add_paragraph(f"Lettre {marker.decode()} {{{{ partner.name }}}}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_export_keeps_the_record_of_files_it_keeps(tmp_path, ptms):
    out = tmp_path / "modeles"
    assert ptms("templates", "export", out).code == 0
    before = _record(out)
    (out / "convention.docx").unlink()
    data = json.loads((out / exported.NAME).read_text(encoding="utf-8"))
    data["templates"]["cahier-des-charges.docx"]["ptms_version"] = "0.0.9"
    (out / exported.NAME).write_text(json.dumps(data), encoding="utf-8")
    run = ptms("templates", "export", out)  # copies the missing convention only
    assert run.code == 0 and run.out.count("copié : ") == 1
    after = _record(out)
    assert after["cahier-des-charges.docx"]["ptms_version"] == "0.0.9"  # kept file: its entry untouched
    assert after["convention.docx"] == before["convention.docx"]


def test_damaged_record_is_ignored_then_rewritten(tmp_path, ptms):
    out = tmp_path / "modeles"
    assert ptms("templates", "export", out).code == 0
    (out / exported.NAME).write_text("{ pas du json", encoding="utf-8")
    run = ptms("templates", "check", out)
    assert run.code == 0 and "avertissement" not in run.out and "Traceback" not in run.err
    assert ptms("templates", "export", out, "--force").code == 0
    assert set(_record(out)) == {spec.template for spec in catalog.TEMPLATES}
