"""French typography at the rendering boundary: the pure pass (`documents.typography`), its Word
writer (`documents.typeset_docx`), and every shipped document of every example."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from conftest import EXAMPLES, docx_texts
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ptms_cli.documents import typography as ty
from ptms_cli.documents.typeset_docx import typeset_tree

NB, NN = ty.NBSP, ty.NNBSP
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize("text, expected", [
    ("Objet : la médiation", f"Objet{NB}: la médiation"),
    ("Objet: la médiation", f"Objet{NB}: la médiation"),
    ("Attention ; vraiment ! Pourquoi ?", f"Attention{NN}; vraiment{NN}! Pourquoi{NN}?"),
    ("Bonjour!", f"Bonjour{NN}!"),
    ("« médiation »", f"«{NN}médiation{NN}»"),
    ("«médiation»", f"«{NN}médiation{NN}»"),
    ("M. Dupont et Mme Durand", f"M.{NB}Dupont et Mme{NB}Durand"),
    ("arrêté n° 12, art. 3", f"arrêté n°{NB}12, art.{NB}3"),
    ("de 9 h à 23 h, 12 %, 1 200 €, 11,2 ETP", f"de 9{NB}h à 23{NB}h, 12{NB}%, 1{NN}200{NB}€, 11,2{NB}ETP"),
    ("à 10:30", "à 10:30"),  # a time: no space inside
    ("Mme.Durand", "Mme.Durand"),  # nothing after the abbreviation: nothing to bind
    ("", ""),
])
def test_typeset(text, expected):
    assert ty.typeset(text) == expected


@pytest.mark.parametrize("text", [
    "voir https://exemple.fr/a?b=1;c=2 et la suite",
    "contact : mediation@ville-beaulieu.fr",
    "le code `a : b ; c` reste",
    "www.ville.fr/page?x=1!",
])
def test_urls_mails_and_code_are_untouched(text):
    out = ty.typeset(text)
    for protected in re.findall(r"https?://\S+|[\w.-]+@[\w.-]+\.\w+|`[^`]*`|www\.\S+", text):
        protected = protected.rstrip("!")
        assert protected in out


def test_a_colon_after_an_address_still_gets_its_space():
    assert ty.typeset("écrire à a.b@ville.fr: merci") == f"écrire à a.b@ville.fr{NB}: merci"


def test_superscripts():
    text = "le 1er janvier, la 1re fois, la 2e année, le 10:30, 1erement, v1er"
    spans = ty.superscripts(text)
    assert [text[a:b] for a, b in spans] == ["er", "re", "e"]


SPACE_LIKE = st.sampled_from([" ", NB, NN, ":", ";", "!", "?", "«", "»", "M.", "Mme", "n°", "art.", "h", "%",
                              "€", "ETP", "1", "12", "er", "e", "\n", "`", "http://a.fr", "x@y.fr", "a", "é"])
USER_TEXT = st.lists(st.one_of(SPACE_LIKE, st.text(max_size=4)), max_size=25).map("".join)


def _without_spaces(text: str) -> str:
    return "".join(c for c in text if not ty.is_space(c))


@settings(max_examples=400, deadline=None)
@given(USER_TEXT)
def test_property_idempotent_and_only_spaces_change(text):
    once = ty.typeset(text)
    assert ty.typeset(once) == once
    assert _without_spaces(once) == _without_spaces(text)
    assert [c for c in once if c in "\n\t"] == [c for c in text if c in "\n\t"]  # line breaks kept
    mapping = ty.align(text, once)
    assert len(mapping) == len(once)
    assert all(once[k] == text[i] or (ty.is_space(once[k]) and ty.is_space(text[i]))
               for k, i in enumerate(mapping) if i >= 0)


def _align_by_character(old: str, new: str) -> list[int]:
    """`typography.align` as first written, one character at a time: the definition the fast one keeps."""
    out, i, j = [], 0, 0
    while j < len(new):
        run_old = i
        while i < len(old) and ty.is_space(old[i]):
            i += 1
        run_new = j
        while j < len(new) and ty.is_space(new[j]):
            j += 1
        out += [run_old + k if run_old + k < i else -1 for k in range(j - run_new)]
        if j < len(new):
            assert old[i] == new[j]
            out.append(i)
            i, j = i + 1, j + 1
    return out


@settings(max_examples=300, deadline=None)
@given(USER_TEXT, st.data())
def test_align_by_runs_is_the_character_by_character_alignment(text, data):
    once = ty.typeset(text)
    assert ty.align(text, once) == _align_by_character(text, once)
    # spaces dropped, doubled or changed in between (the terminal aligns texts it rewrapped)
    spaced = "".join(c + data.draw(st.sampled_from(["", " ", "\u202f", "  "])) if not ty.is_space(c) else
                     data.draw(st.sampled_from(["", c, c + "\u00a0"])) for c in text)
    assert ty.align(text, spaced) == _align_by_character(text, spaced)


def test_align_refuses_a_changed_character():
    with pytest.raises(ValueError):
        ty.align("Article 1er : objet", "Article 2er : objet")


def _paragraph(*runs: str, bold_first: bool = False) -> etree._Element:
    body = etree.Element(f"{W}body")
    p = etree.SubElement(body, f"{W}p")
    for n, text in enumerate(runs):
        r = etree.SubElement(p, f"{W}r")
        if n == 0 and bold_first:
            etree.SubElement(etree.SubElement(r, f"{W}rPr"), f"{W}b")
        etree.SubElement(r, f"{W}t").text = text
    return body


def test_docx_pass_keeps_runs_and_their_formatting():
    body = _paragraph("Président", " : M. ", "Dupont", bold_first=True)
    typeset_tree(body)
    runs = body.findall(f".//{W}r")
    assert [r.find(f"{W}t").text for r in runs] == ["Président", f"{NB}: M.{NB}", "Dupont"]
    assert runs[0].find(f"{W}rPr/{W}b") is not None


def test_docx_pass_inserts_a_missing_space_in_the_run_before():
    body = _paragraph("«", "Médiation", "» et Objet", ": voir")
    typeset_tree(body)
    assert [t.text for t in body.iter(f"{W}t")] == [f"«{NN}", f"Médiation{NN}", f"» et Objet{NB}", ": voir"]


def test_docx_pass_raises_ordinals_and_keeps_introductions_with_what_follows():
    body = _paragraph("Article 1er de la convention, signée le 1er mars :")
    typeset_tree(body)
    runs = body.findall(f".//{W}r")
    assert [r.find(f"{W}t").text for r in runs] == ["Article 1", "er", " de la convention, signée le 1", "er",
                                                    f" mars{NB}:"]
    raised = [r.find(f"{W}t").text for r in runs if r.find(f"{W}rPr/{W}vertAlign") is not None]
    assert raised == ["er", "er"]
    assert body.find(f"{W}p/{W}pPr/{W}keepNext") is not None
    before = etree.tostring(body)
    typeset_tree(body)  # idempotent on the document too
    assert etree.tostring(body) == before


def test_docx_pass_raises_an_ordinal_in_a_run_that_also_holds_a_line_break():
    """A table cell « 58 568,44 €<br>1er janvier 2026 » is one run of text, break, text: its « er » goes up
    too, the run's formatting (bold) kept on every piece, the break kept in place."""
    body = _paragraph("58 568,44 €", bold_first=True)
    run = body.find(f".//{W}r")
    etree.SubElement(run, f"{W}br")
    etree.SubElement(run, f"{W}t").text = "1er janvier 2026"
    typeset_tree(body)
    runs = body.findall(f".//{W}r")
    pieces = [("br" if r.find(f"{W}br") is not None else r.find(f"{W}t").text) for r in runs]
    assert pieces[1:4] == ["br", "1", "er"] and len(pieces) == 5 and pieces[4].startswith(" janvier")
    assert pieces[0].startswith("58") and pieces[0].endswith("€")
    assert [r.find(f"{W}t").text for r in runs if r.find(f"{W}rPr/{W}vertAlign") is not None] == ["er"]
    assert all(r.find(f"{W}rPr/{W}b") is not None for r in runs)  # the bold of the whole run on each piece
    before = etree.tostring(body)
    typeset_tree(body)
    assert etree.tostring(body) == before


BREAKING = re.compile(r"(?: [:;!?])|(?:« )|(?: »)")


def _rendered(tmp_path_factory, example: str):
    from conftest import run_ptms

    out = tmp_path_factory.mktemp(example)
    run = run_ptms("render", EXAMPLES / f"{example}.yaml", "-o", out, "--format", "docx,md", timeout=600)
    assert run.code == 0, run.err
    return out


@pytest.mark.slow
@pytest.mark.parametrize("example", ["commune-beaulieu", "agglo-val-de-marque", "cc-deux-rives", "agglo-val-d-ysel"])
def test_no_breaking_space_in_shipped_documents(tmp_path_factory, example):
    out = _rendered(tmp_path_factory, example)
    documents = sorted(out.glob("*.docx"))
    assert len(documents) >= 4
    figures = 0
    for path in documents:
        texts = docx_texts(path.read_bytes())
        bad = [t for t in texts if BREAKING.search(t)]
        assert bad == [], (path.name, bad[:3])
        assert any(NB in t or NN in t for t in texts), path.name
        md = path.with_suffix(".md").read_text(encoding="utf-8")
        assert not BREAKING.search(md), (path.with_suffix(".md").name, BREAKING.findall(md)[:3])
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
            xml = z.read("word/document.xml")
        tree = etree.fromstring(xml)
        for pr in tree.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
            assert pr.get("descr"), (path.name, "image sans texte de remplacement")
        # every picture has its caption, the paragraph right under it
        body = tree.find(f"{W}body")
        paragraphs = [p for p in body if p.tag == f"{W}p"]
        for n, p in enumerate(paragraphs):
            if p.findall(f".//{W}drawing"):
                caption = "".join(t.text or "" for t in paragraphs[n + 1].iter(f"{W}t"))
                assert caption.startswith("Figure "), (path.name, caption)
                figures += 1
    assert figures >= 1  # the dossier's coverage matrix at least


def test_a_colon_before_a_closing_guillemet_is_stable():  # found by the property test (CI, 2026-12-03)
    once = ty.typeset("http://a.fr:»")
    assert once == f"http://a.fr{NB}:{NN}»" and ty.typeset(once) == once


@pytest.mark.parametrize("text", ["Tom &amp; Jerry", "A &#38; B", "x &#x26; y", "&nbsp;"])
def test_a_character_reference_written_by_the_user_is_kept_as_written(text):
    """« &amp; » is not a word followed by « ; » (the adversary pass saw « &amp ; »)."""
    assert ty.typeset(text) == text
    assert ty.typeset(text + " ; fin") == text + ty.NNBSP + "; fin"


@pytest.mark.slow
@pytest.mark.parametrize("command", ["report", "render", "context"])
def test_help_never_leaves_a_guillemet_alone_at_a_line_end(command):
    """typer draws --help with its own console: it goes through the French typography too."""
    from conftest import run_ptms

    for width in (60, 80, 100):
        out = run_ptms(command, "--help", columns=width).out
        lines = [line.rstrip(" │") for line in out.splitlines()]
        assert "«" in out
        assert not any(line.endswith("«") for line in lines), (width, out)
        assert not any(line.lstrip(" │").startswith(("»", ":", ";")) for line in lines), (width, out)

