"""Turn a wording source (see `docsource.py`) into a Word template: the house style lives here.

The style (A4, Arial, colours, numbered « Article N – » and « Annexe N – » headings, shaded table
headers, header and footer) is the same for every document; the words are in `templates/src/`.
"""

from __future__ import annotations

import datetime as dt

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from docsource import Heading, Paragraph, Source, Table, Tag

# Documents whose articles are numbered at render time from the template context, not by Word: the
# convention (« Article 1er », no gap after a conditional article, cross-references by number). The
# list of its articles and their keys is `ptms_cli.documents.articles` (one definition); a heading
# whose title is not there stops the build. Other documents keep Word's « Article %1 – » numbering.
CONTEXT_NUMBERED = {"Convention unique pluripartite": "legal.art"}
# Documents whose headings are written with their number in the source (« Article {{ c.ordinal }} –
# … »): the avenant, whose articles depend on what changed. No Word numbering either.
SELF_NUMBERED = {"Avenant à la convention"}

BLUE = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "DCE3EC"
TOTAL_FILL = "F2F2F2"
FONT = "Arial"
ARTICLE_NUM_ID = 90
ANNEX_NUM_ID = 91
SIGNATURE_ROW_HEIGHT = Cm(3.2)
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}


# --- document skeleton ------------------------------------------------------------------------

def _numbering(doc, num_id: int, text: str) -> None:
    """A one-level numbering « Article %1 – » attached to a paragraph style."""
    numbering = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(num_id))
    lvl = OxmlElement("w:lvl")
    lvl.set(qn("w:ilvl"), "0")
    for tag, val in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:lvlText", text), ("w:suff", "nothing")):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        lvl.append(el)
    abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(num_id))
    num.append(ref)
    numbering.append(num)


def _style_numbering(style, num_id: int) -> None:
    ppr = style.element.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), str(num_id))
    numpr.append(nid)
    ppr.insert(0, numpr)


def _font(style, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    style.font.name = FONT
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    if color is not None:
        style.font.color.rgb = color


def _field(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    num = OxmlElement("w:t")
    num.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, num, end):
        run._r.append(el)


def _styles(doc, word_numbered_articles: bool = True) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    _font(normal, 10.5)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "fr-FR")
    normal.element.get_or_add_rPr().append(lang)
    _font(styles["Title"], 20, True, BLUE)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Title"].paragraph_format.space_after = Pt(6)
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    _font(styles["Subtitle"], 13, False, GREY)
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Subtitle"].paragraph_format.space_after = Pt(18)
    _font(styles["Heading 1"], 14, True, BLUE)
    styles["Heading 1"].paragraph_format.space_before = Pt(18)
    styles["Heading 1"].paragraph_format.space_after = Pt(6)
    _font(styles["Heading 2"], 12, True, BLUE)
    styles["Heading 2"].paragraph_format.space_before = Pt(12)
    _font(styles["Heading 3"], 11, True, GREY)
    for name in ("Header", "Footer"):
        _font(styles[name], 8.5, False, GREY)
    for name in ("List Bullet", "List Number"):
        _font(styles[name], 10.5)
    _numbering(doc, ARTICLE_NUM_ID, "Article %1 – ")
    _numbering(doc, ANNEX_NUM_ID, "Annexe %1 – ")
    article = styles.add_style("Article", WD_STYLE_TYPE.PARAGRAPH)
    article.base_style = styles["Heading 2"]
    article.next_paragraph_style = normal
    if word_numbered_articles:
        _style_numbering(article, ARTICLE_NUM_ID)
    annex = styles.add_style("Annexe", WD_STYLE_TYPE.PARAGRAPH)
    annex.base_style = styles["Heading 1"]
    annex.next_paragraph_style = normal
    annex.paragraph_format.page_break_before = True
    _style_numbering(annex, ANNEX_NUM_ID)
    small = styles.add_style("Petit", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    _font(small, 9)


def new_document(source: Source):
    """A4, margins, French language, styles, the source's header and footer, fixed properties."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.2)
    _styles(doc, source.title not in CONTEXT_NUMBERED and source.title not in SELF_NUMBERED)
    header = section.header.paragraphs[0]
    header.text = source.header
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, piece in enumerate(source.footer.replace("[pages]", "\0NUMPAGES\0").replace("[page]", "\0PAGE\0")
                              .split("\0")):
        if i % 2:
            _field(footer, piece)
        elif piece:
            footer.add_run(piece)
    props = doc.core_properties
    props.title, props.author, props.subject = source.title, "ptms", ""
    props.last_modified_by, props.revision, props.comments = "ptms", 1, "Modèle ptms"
    fixed = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    props.created = props.modified = props.last_printed = fixed
    return doc


# --- blocks -----------------------------------------------------------------------------------

def _runs(p, text: str, *, bold: bool = False, italic: bool | None = None, size: float | None = None) -> None:
    """`**bold**` segments become bold runs."""
    for i, part in enumerate(text.split("**")):
        if part:
            run = p.add_run(part)
            run.bold = bold or (i % 2 == 1)
            if italic is not None:
                run.italic = italic
            if size is not None:
                run.font.size = Pt(size)


def _paragraph(doc, block: Paragraph) -> None:
    p = doc.add_paragraph(style=block.style)
    _runs(p, block.text, bold=block.bold, italic=block.italic)
    if block.align is not None:
        p.alignment = ALIGN[block.align]
    elif block.style is None:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if block.keep_with_next:
        p.paragraph_format.keep_with_next = True


def _heading(doc, block: Heading) -> None:
    if "**" in block.text:
        _runs(doc.add_paragraph(style=block.style), block.text)
    else:
        doc.add_paragraph(block.text, style=block.style)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _cell_text(cell, text: str, *, bold: bool = False, align=None, size: float = 9) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(2)
    _runs(p, text, bold=bold, size=size)
    if align is not None:
        p.alignment = align


def _widths(t, widths: list[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice) and in every cell (Word)."""
    t.autofit = False
    for c, w in enumerate(widths):
        t.columns[c].width = Cm(w)
        for row in t.rows:
            row.cells[c].width = Cm(w)


def _table(doc, block: Table) -> None:
    """A table with a shaded, repeated header row (first row); rows never split across pages.

    Widths (cm, summing to at most the 16.6 cm text width) and size (pt) are chosen in the source so
    that the longest word of each column fits: LibreOffice and Word split a word wider than its column.
    """
    ncols = len(block.widths)
    t = doc.add_table(rows=1, cols=ncols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    hdr = t.rows[0]
    _repeat_header(hdr)
    for c, text in enumerate(block.rows[0]):
        _shade(hdr.cells[c], HEADER_FILL)
        _cell_text(hdr.cells[c], text, bold=True, size=block.size)
    rows = block.rows[1:]
    for r, values in enumerate(rows):
        row = t.add_row()
        _cant_split(row)
        is_total = block.total and r == len(rows) - 1
        for c, text in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.RIGHT if c in block.right else None
            _cell_text(row.cells[c], text, bold=is_total, align=align, size=block.size)
            if is_total:
                _shade(row.cells[c], TOTAL_FILL)
    _widths(t, block.widths)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _signatures(doc, block: Table) -> None:
    """The signature table: no header, a tall row per signatory (the rows that are not `{%tr %}` tags)."""
    t = doc.add_table(rows=0, cols=len(block.widths))
    t.style = doc.styles["Table Grid"]
    for values in block.rows:
        row = t.add_row()
        _cant_split(row)
        for c, text in enumerate(values):
            _cell_text(row.cells[c], text, size=block.size)
    for row, values in zip(t.rows, block.rows):
        if not values[0].startswith("{%tr"):
            row.height = SIGNATURE_ROW_HEIGHT
    _widths(t, block.widths)


def _context_numbered(block: Heading, art: str) -> Heading:
    """« Objet » -> « Article {{ legal.art.objet }} – Objet » (the number comes from the context)."""
    from ptms_cli.documents.articles import KEY_BY_TITLE

    key = KEY_BY_TITLE.get(block.text)
    if key is None:
        raise ValueError(f"article « {block.text} » inconnu de ptms_cli/documents/articles.py (ARTICLES) : "
                         "ajoutez-le à la liste, à sa place et avec sa condition")
    return Heading(f"Article {{{{ {art}.{key} }}}} – {block.text}", block.style)


def build(source: Source):
    """The python-docx Document of `source`."""
    doc = new_document(source)
    art = CONTEXT_NUMBERED.get(source.title)
    for block in source.blocks:
        if isinstance(block, Tag):
            doc.add_paragraph(block.text)  # disappears when rendered
        elif isinstance(block, Heading):
            _heading(doc, _context_numbered(block, art) if art and block.style == "Article" else block)
        elif isinstance(block, Paragraph):
            _paragraph(doc, block)
        elif block.signatures:
            _signatures(doc, block)
        else:
            _table(doc, block)
    return doc
