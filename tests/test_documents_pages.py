"""What a page-by-page reading of the rendered documents found (issue 16): where a picture stands,
table cells a reader would find empty, ordinals raised in table cells, and the French typography of
the documents made after the signature (avenant, calls for funds, annual report)."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest
from conftest import EXAMPLES, docx_texts, plain
from lxml import etree

pytestmark = pytest.mark.slow  # `ptms` in a subprocess

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
BREAKING = re.compile(r"(?: [:;!?])|(?:« )|(?: »)")


def _body(path):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml")).find(f"{W}body")


def _rows(path) -> list[list[str]]:
    """Every table row of a .docx, as the plain text of its cells."""
    from docx import Document

    return [[plain(c.text) for c in row.cells] for t in Document(str(path)).tables for row in t.rows]


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


@pytest.fixture(scope="module")
def ysel(tmp_path_factory):
    from conftest import run_ptms

    out = tmp_path_factory.mktemp("ysel")
    run = run_ptms("render", EXAMPLES / "agglo-val-d-ysel.yaml", "-o", out, "--doc", "cahier-des-charges",
                   "--doc", "convention", "--doc", "mobilisation", timeout=600)
    assert run.code == 0, run.err
    return out


def test_the_coverage_picture_follows_its_text_and_the_sector_table_comes_after(ysel):
    """The picture used to come after the sector table and, 130 mm high, left page 2 a third empty."""
    blocks = list(_body(ysel / "cahier-des-charges.docx"))
    texts = [_text(b) for b in blocks]
    heading = texts.index("Couverture des besoins")
    assert texts[heading + 1].startswith("Sans projet territorial")
    assert blocks[heading + 2].findall(f".//{W}drawing")  # the picture right under its text
    assert texts[heading + 3].startswith("Figure 1")
    sectors = texts.index("Présence par secteur")
    assert sectors > heading + 3
    intro = blocks[sectors + 1]
    assert texts[sectors + 1].rstrip().endswith(":") and intro.find(f"{W}pPr/{W}keepNext") is not None
    assert blocks[sectors + 2].tag == f"{W}tbl"  # the table right under its « : » introduction


def test_the_contributions_chart_comes_after_the_partners_shares(ysel):
    texts = [_text(b) for b in _body(ysel / "cahier-des-charges.docx")]
    assert texts.index("Part de chaque partenaire") < texts.index("Contributions par année et par partenaire") \
        < texts.index("Ce que coûte le service")


def test_ordinals_are_raised_in_the_schedule_cells(ysel):
    """« 72 825,59 €<br>1er septembre 2026 »: the break shares the date's run; its « er » goes up too."""
    body = _body(ysel / "convention.docx")
    table = next(t for t in body.iter(f"{W}tbl") if _text(t).startswith("PartieAnnée"))
    cells = [c for c in table.iter(f"{W}tc") if re.search(r"1er\W", _text(c))]
    assert len(cells) >= 3  # « 1er septembre » under each first instalment
    for cell in cells:
        raised = [r.find(f"{W}t").text for r in cell.iter(f"{W}r") if r.find(f"{W}rPr/{W}vertAlign") is not None]
        assert raised.count("er") == len(re.findall(r"1er\W", _text(cell))), plain(_text(cell))


def test_dossier_cells_say_what_is_missing(ysel, tmp_path, ptms):
    """A sector without commune in a one-commune territory names it; a QPV without code says so."""
    import yaml

    data = yaml.safe_load((EXAMPLES / "commune-beaulieu.yaml").read_text(encoding="utf-8"))
    data["territory"]["qpv"][0].pop("code", None)
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run = ptms("render", path, "-o", tmp_path / "out", "--doc", "mobilisation")
    assert run.code == 0, run.err
    rows = _rows(tmp_path / "out" / "dossier-mobilisation.docx")
    sectors = [s["name"] for s in data["territory"]["sectors"] if not s.get("commune")]
    assert sectors
    for name in sectors:
        assert [name, "Beaulieu-sur-Sambre"] in [r[:2] for r in rows], name
    assert [data["territory"]["qpv"][0]["name"], "non précisé"] in [r[:2] for r in rows]
    # a territory of several communes: a sector without one is « non précisée », never an empty cell
    assert ["Ligne de bus n° 3 et ses arrêts", "non précisée"] in [r[:2] for r in _rows(ysel / "dossier-mobilisation.docx")]


def test_documents_after_the_signature_pass_the_french_typography(tmp_path, ptms):
    """Avenant, call letters and annual report: no breaking space before « : ; ! ? » or inside « »,
    a text alternative on every picture, the salutation by office."""
    history = EXAMPLES / "historique"
    work = tmp_path / "historique"
    shutil.copytree(history, work)
    project = work / "agglo-val-de-marque.yaml"
    out = tmp_path / "out"
    for args in (("amend", project), ("calls", project, "--year", "2026", "--today", "2027-01-15"),
                 ("report", project, "--year", "2026")):
        run = ptms(*args, "-o", out, "-f", "docx")
        assert run.code == 0, (args[0], run.err)
    documents = sorted(out.glob("*.docx"))
    assert {p.name.split("-")[0] for p in documents} >= {"avenant", "appel", "bilan"}
    pictures = 0
    for path in documents:
        texts = docx_texts(path)
        assert [t for t in texts if BREAKING.search(t)] == [], path.name
        for pr in _body(path).iter(f"{WP}docPr"):
            assert pr.get("descr"), (path.name, "image sans texte de remplacement")
            pictures += 1
    assert pictures >= 2  # the report's two charts
    call = plain("\n".join(docx_texts(out / "appel-de-fonds-2026-departement-2.docx")))
    assert "Monsieur le Vice-président,\n" in call and "Madame, Monsieur" not in call
    report = plain("\n".join(docx_texts(out / "bilan-2026.docx")))
    assert re.search(r"\b\d+ indicateurs renseignés pour 2026", report) and "(s)" not in report.split("Résultats")[1][:200]


def test_the_cahier_names_the_territory_once_under_its_title(tmp_path, ptms):
    """« Projet territorial de médiation sociale de Beaulieu-sur-Sambre — Beaulieu-sur-Sambre » named the
    town twice; a territory the project's name does not hold is still given."""
    for example, line in (("commune-beaulieu", "Projet territorial de médiation sociale de Beaulieu-sur-Sambre, 2026 à 2028"),
                          ("agglo-val-de-marque", "Service intercommunal de médiation sociale du Val de Marque — "
                                                  "Communauté d'agglomération du Val de Marque, 2026 à 2028")):
        run = ptms("render", EXAMPLES / f"{example}.yaml", "-o", tmp_path / example, "--doc", "cahier-des-charges")
        assert run.code == 0, run.err
        assert line in [plain(t) for t in docx_texts(tmp_path / example / "cahier-des-charges.docx")]
