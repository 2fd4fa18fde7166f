"""Articles of the convention numbered at render time (« Article 1er », no gap, cross-references by
number) from `documents.articles`, the one list the template context and the avenant read."""

from __future__ import annotations

import copy
import io
import re
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import load_example
from ptms_cli.documents import articles, catalog
from ptms_cli.documents import render as R
from ptms_cli.documents.context import build_context
from ptms_cli.model import Project

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EXAMPLES = ("agglo-val-de-marque", "agglo-val-d-ysel", "commune-beaulieu")


def _render(data: dict) -> bytes:
    p = Project.model_validate(data)
    return R.render(catalog.default_templates() / "convention.docx", build_context(p), R.Properties("t", "a"))


def _paragraphs(blob: bytes) -> list[tuple[str, str]]:
    """(style id, text with every space normalised) of each body paragraph of a rendered .docx."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append((style.get(f"{W}val") if style is not None else "", re.sub(r"\s", " ", text).strip()))
    return out


def _headings(blob: bytes) -> list[str]:
    return [text for style, text in _paragraphs(blob) if style == "Article"]


def test_ordinal_is_french_legal_usage():
    assert [articles.ordinal(n) for n in (1, 2, 10)] == ["1er", "2", "10"]
    with pytest.raises(ValueError):
        articles.ordinal(0)


def test_conditional_article_leaves_no_gap(intercommunal, commune):
    association = articles.convention_articles(Project.model_validate(intercommunal))
    regie = articles.convention_articles(Project.model_validate(commune))
    for listed in (association, regie):
        assert [a.number for a in listed] == list(range(1, len(listed) + 1))
        assert listed[0].heading == "Article 1er – Objet" and listed[0].ref == "l'article 1er"
    titles = [a.title for a in association]
    assert "Contrat d'engagement républicain" in titles
    assert "Contrat d'engagement républicain" not in [a.title for a in regie]
    assert len(regie) == len(association) - 1
    data = next(a for a in association if a.key == "donnees")
    assert data.number == titles.index("Contrat d'engagement républicain") + 2  # right after the CER
    assert articles.number_of(Project.model_validate(commune), "Protection des données personnelles") == data.number - 1
    assert articles.number_of(Project.model_validate(commune), "Contrat d'engagement républicain") is None


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_rendered_headings_are_the_listed_articles(name):
    """The template and `ARTICLES` agree (order and conditions): a drift shows here, per example."""
    data = load_example(f"{name}.yaml")
    expected = [a.heading for a in articles.convention_articles(Project.model_validate(data))]
    assert _headings(_render(data)) == expected


def test_headings_are_real_heading_styles_without_word_numbering():
    """The convention's « Article » style is a heading (outline level through Heading 2: PDF tags,
    navigation pane) and has no Word numbering, which would print « Article 1 – » before the text."""
    with zipfile.ZipFile(catalog.default_templates() / "convention.docx") as z:
        styles = z.read("word/styles.xml").decode()
    article = re.search(r'<w:style [^>]*w:styleId="Article".*?</w:style>', styles, re.S).group(0)
    assert '<w:basedOn w:val="Heading2"/>' in article and "<w:numPr>" not in article
    with zipfile.ZipFile(catalog.default_templates() / "avenant.docx") as z:  # the avenant numbers its own
        avenant = re.search(r'<w:style [^>]*w:styleId="Article".*?</w:style>', z.read("word/styles.xml").decode(),
                            re.S).group(0)
        body = z.read("word/document.xml").decode()
    assert "<w:numPr>" not in avenant and "Article {{ c.ordinal }} – " in body


@pytest.mark.slow
def test_cross_references_print_the_number_of_the_cited_article(intercommunal, commune):
    for data in (intercommunal, commune):
        paragraphs = _paragraphs(_render(data))
        number = {m.group(2): m.group(1) for style, text in paragraphs if style == "Article"
                  for m in [re.match(r"Article (\S+) – (.+)", text)] if m}
        body = "\n".join(text for _, text in paragraphs)
        assert number["Objet"] == "1er"
        assert f"dans le respect de l'article {number['Protection des données personnelles']}," in body
        assert (f"l'évaluation prévue à l'article {number['Évaluation']} et au contrôle prévu à l'article "
                f"{number['Contrôle']}") in body
        assert "article relatif" not in body and "article «" not in body


@pytest.mark.slow
def test_sieg_mandate_cites_territory_and_surplus_articles_by_number(intercommunal):
    data = copy.deepcopy(intercommunal)
    data["convention"]["sieg_mandate"] = True
    paragraphs = _paragraphs(_render(data))
    number = {m.group(2): m.group(1) for style, text in paragraphs if style == "Article"
              for m in [re.match(r"Article (\S+) – (.+)", text)] if m}
    body = "\n".join(text for _, text in paragraphs)
    assert f"le territoire concerné (article {number['Territoire couvert']})" in body
    assert f"surcompensation (article {number['Excédent, sous-consommation et postes vacants']})" in body


def test_the_builder_refuses_an_article_it_cannot_number():
    here = Path(__file__).resolve().parents[1] / "templates"
    sys.path[:0] = [str(here)]
    try:
        import docbuilder
        from docsource import Heading, Source

        source = Source("Convention unique pluripartite", "h", "f", [Heading("Article inventé", "Article")])
        with pytest.raises(ValueError, match="Article inventé"):
            docbuilder.build(source)
        other = Source("Avenant", "h", "f", [Heading("Article inventé", "Article")])
        built = docbuilder.build(other)  # another document: Word numbers it, any title goes, unchanged
        assert [x.text for x in built.paragraphs if x.style.name == "Article"] == ["Article inventé"]
    finally:
        sys.path.remove(str(here))


def test_avenant_reads_titles_from_the_numbered_template():
    from ptms_cli.aftersign import adapters

    titles = adapters.convention_articles(catalog.default_templates() / "convention.docx")
    assert titles == [a.title for a in articles.ARTICLES]
