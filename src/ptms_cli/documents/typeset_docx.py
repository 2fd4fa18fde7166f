"""The French typography pass (`typography`) applied to a rendered Word part, paragraph by paragraph.

Values and template text are typeset together, after rendering, so that a space typed in the template
before a value's « : » is seen too. A paragraph's text is read across its runs, typeset, and each
character written back into the run it came from (an inserted space goes into the run of the
character before it), so bold, italics and fields are kept. Then:
- the letters of an ordinal (« 1er », « 2e ») are raised: a run of their own, in superscript;
- a paragraph that ends with « : » is kept with the next one (a table is not separated from the
  sentence that introduces it);
- a picture without a text alternative gets the `alt` given by the caller (accessibility, RGAA).
"""

from __future__ import annotations

import copy

from lxml import etree

from . import typography

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# w:pPr children come in this order (ECMA-376): keepNext goes after these
_BEFORE_KEEP_NEXT = {f"{W}pStyle"}


def _texts(paragraph) -> list:
    """The w:t of `paragraph`'s own runs (not of a nested text box's paragraphs), in order."""
    if paragraph.find(f".//{W}p") is None:  # no text box inside (the usual case)
        return list(paragraph.iter(f"{W}t"))
    out = []
    for t in paragraph.iter(f"{W}t"):
        parent = t.getparent()
        owner = parent.getparent() if parent is not None else None
        while owner is not None and owner.tag != f"{W}p":
            owner = owner.getparent()
        if owner is paragraph:
            out.append(t)
    return out


def typeset_paragraph(paragraph) -> None:
    elements = _texts(paragraph)
    if not elements:
        return
    old_pieces = [t.text or "" for t in elements]
    old = "".join(old_pieces)
    new = typography.typeset(old)
    if new != old:
        if typography.in_place(old, new):  # the same cuts: each run keeps its characters' places
            pieces, at = [], 0
            for piece in old_pieces:
                pieces.append(new[at:at + len(piece)])
                at += len(piece)
        else:
            owner: list[int] = []  # index in `elements` of each character of `old`
            for n, piece in enumerate(old_pieces):
                owner.extend([n] * len(piece))
            pieces = [""] * len(elements)
            last = 0
            for char, source in zip(new, typography.align(old, new), strict=True):
                if source >= 0:
                    last = owner[source]
                pieces[last] += char
        for t, text in zip(elements, pieces, strict=True):
            if t.text != text:
                t.text = text
                t.set(XML_SPACE, "preserve")
    if typography.has_digit(new):  # an ordinal needs one
        _raise_ordinals(elements)
    if new.rstrip().endswith(":"):
        keep_with_next(paragraph)


def _raise_ordinals(elements: list) -> None:
    for t in elements:
        text = t.text or ""
        spans = typography.superscripts(text)
        run = t.getparent()
        if not spans or run is None or run.tag != f"{W}r":
            continue
        if [c for c in run if c.tag != f"{W}rPr"] != [t]:  # « 1 000,00 €<br>1er mars »: a run with a break
            _split_run(run)
            run = t.getparent()
        rpr = run.find(f"{W}rPr")
        if rpr is not None and rpr.find(f"{W}vertAlign") is not None:
            continue  # already raised (or lowered) by its author
        cuts, pos = [], 0
        for start, end in spans:
            cuts += [(text[pos:start], False), (text[start:end], True)]
            pos = end
        cuts.append((text[pos:], False))
        anchor = run
        for n, (piece, up) in enumerate(c for c in cuts if c[0]):
            new = run if n == 0 else copy.deepcopy(run)
            new_t = new.find(f"{W}t")
            new_t.text = piece
            new_t.set(XML_SPACE, "preserve")
            if up:
                props = new.find(f"{W}rPr")
                if props is None:
                    props = etree.Element(f"{W}rPr")
                    new.insert(0, props)
                etree.SubElement(props, f"{W}vertAlign").set(f"{W}val", "superscript")
            if n:
                anchor.addnext(new)
                anchor = new


def _split_run(run) -> None:
    """One run per child (text, break, tab…), each with the run's properties: an ordinal's letters
    can then be raised in a run of their own."""
    rpr = run.find(f"{W}rPr")
    anchor = run
    for child in [c for c in run if c.tag != f"{W}rPr"][1:]:
        new = etree.Element(f"{W}r")
        if rpr is not None:
            new.append(copy.deepcopy(rpr))
        new.append(child)
        anchor.addnext(new)
        anchor = new


def keep_with_next(paragraph) -> None:
    ppr = paragraph.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        paragraph.insert(0, ppr)
    if ppr.find(f"{W}keepNext") is not None:
        return
    position = sum(1 for c in ppr if c.tag in _BEFORE_KEEP_NEXT)
    ppr.insert(position, etree.Element(f"{W}keepNext"))


def typeset_tree(tree, alt_texts: dict[str, str] | None = None) -> None:
    """Typeset every paragraph of a rendered part (body, header, footer…), in place."""
    for paragraph in list(tree.iter(f"{W}p")):
        typeset_paragraph(paragraph)
    if alt_texts:
        describe_pictures(tree, alt_texts)


def describe_pictures(tree, alt_texts: dict[str, str]) -> None:
    """Give each picture its text alternative (`descr` of wp:docPr), from its file name's key."""
    for doc_pr in tree.iter(f"{WP}docPr"):
        if doc_pr.get("descr"):
            continue
        inline = doc_pr.getparent()
        names = [e.get("name", "") for e in inline.iter() if e.tag.endswith("}cNvPr")]
        for name in names:
            text = alt_texts.get(name.split(":", 1)[0]) if ":" in name else None
            if text:
                doc_pr.set("descr", text)
                break
