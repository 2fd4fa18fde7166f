"""Build the default Word templates of ptms from this readable source.

    python templates/build.py            # writes src/ptms_cli/templates/*.docx
    python templates/build.py --check    # exit 1 if the shipped files differ from this source

The .docx files are docxtpl templates: `{{ value }}`, `{%p for ... %}` (paragraph loops),
`{%tr for ... %}` (table-row loops), `{%tc for ... %}` (column loops). The output is
byte-reproducible (fixed properties and zip timestamps), so a diff of this file is the review of a
template change, and tests check that the shipped .docx match it.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from ptms_cli.documents.render import normalize_docx  # noqa: E402

OUT = ROOT / "src" / "ptms_cli" / "templates"
BLUE = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "DCE3EC"
FONT = "Arial"
ARTICLE_NUM_ID = 90
ANNEX_NUM_ID = 91


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


def new_document(title: str):
    """A4, margins, French language, styles (titles, numbered articles and annexes), header, footer."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.2)
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
    from docx.enum.style import WD_STYLE_TYPE

    _numbering(doc, ARTICLE_NUM_ID, "Article %1 – ")
    _numbering(doc, ANNEX_NUM_ID, "Annexe %1 – ")
    article = styles.add_style("Article", WD_STYLE_TYPE.PARAGRAPH)
    article.base_style = styles["Heading 2"]
    article.next_paragraph_style = normal
    _style_numbering(article, ARTICLE_NUM_ID)
    annex = styles.add_style("Annexe", WD_STYLE_TYPE.PARAGRAPH)
    annex.base_style = styles["Heading 1"]
    annex.next_paragraph_style = normal
    annex.paragraph_format.page_break_before = True
    _style_numbering(annex, ANNEX_NUM_ID)
    small = styles.add_style("Petit", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = normal
    _font(small, 9)
    # Header: the project; footer: the document and « Page X sur Y ».
    header = section.header.paragraphs[0]
    header.text = "{{ project.name }}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{title} — Page ")
    _field(footer, "PAGE")
    footer.add_run(" sur ")
    _field(footer, "NUMPAGES")
    props = doc.core_properties
    props.title, props.author, props.subject = title, "ptms", ""
    props.last_modified_by, props.revision, props.comments = "ptms", 1, "Modèle ptms"
    fixed = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    props.created = props.modified = props.last_printed = fixed
    return doc


# --- content helpers --------------------------------------------------------------------------

def para(doc, text: str = "", style: str | None = None, *, bold: bool = False, align=None, italic: bool = False):
    """A paragraph; `**bold**` segments become bold runs."""
    p = doc.add_paragraph(style=style)
    parts = text.split("**")
    for i, part in enumerate(parts):
        if part:
            run = p.add_run(part)
            run.bold = bold or (i % 2 == 1)
            run.italic = italic
    if align is not None:
        p.alignment = align
    elif style in (None, "Normal"):
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


def tag(doc, text: str):
    """A paragraph holding only a docxtpl paragraph tag (`{%p ... %}`); it disappears when rendered."""
    return doc.add_paragraph(text)


def heading(doc, text: str, level: int = 1):
    return doc.add_heading(text, level=level)


def article(doc, title: str):
    return doc.add_paragraph(title, style="Article")


def annex(doc, title: str):
    return doc.add_paragraph(title, style="Annexe")


def bullets(doc, loop: str, text: str):
    """A bulleted list rendered from a loop: `loop` is « x in items »."""
    tag(doc, f"{{%p for {loop} %}}")
    para(doc, text, "List Bullet")
    tag(doc, "{%p endfor %}")


def committee(doc, title: str, var: str) -> None:
    """A committee as a short structured block: missions, then chair, members, meetings, decision rule."""
    para(doc, f"**{title}.**{{% if {var}.role %}} {{{{ {var}.role }}}}{{% endif %}}")
    for condition, text in (
        (f"{var}.chair", f"{{{{ labels.committee.chair }}}} : {{{{ {var}.chair }}}}"),
        (None, f"{{{{ labels.committee.members }}}} : {{{{ {var}.members_label }}}}"),
        (f"{var}.meetings_label", f"Réunions : {{{{ {var}.meetings_label }}}}"),
        (f"{var}.decision_rule", f"{{{{ labels.committee.decision_rule }}}} : {{{{ {var}.decision_rule }}}}"),
    ):
        if condition:
            tag(doc, f"{{%p if {condition} %}}")
        para(doc, text, "List Bullet")
        if condition:
            tag(doc, "{%p endif %}")


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
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _cell_text(cell, text: str, *, bold: bool = False, align=None, size: float = 9) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(2)
    parts = text.split("**")
    for i, part in enumerate(parts):
        if part:
            run = p.add_run(part)
            run.bold = bold or (i % 2 == 1)
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align


def _widths(t, widths: list[float]) -> None:
    """Fixed column widths, in the grid (LibreOffice) and in every cell (Word)."""
    t.autofit = False
    for c, w in enumerate(widths):
        t.columns[c].width = Cm(w)
        for row in t.rows:
            row.cells[c].width = Cm(w)


def table(doc, headers: list[str], cells: list[str], loop: str | None, widths: list[float],
          *, right: set[int] = frozenset(), total: list[str] | None = None, year_columns: tuple | None = None,
          size: float = 9):
    """A table with a shaded, repeated header row; `loop` (« x in items ») repeats the data row.

    `widths` (cm, summing to at most the 16.6 cm text width) and `size` (pt) are chosen so that the longest
    word of each column fits: LibreOffice and Word split a word that is wider than its column.

    `year_columns=(index, header_loop, header_cell, row_loop, row_cell, total_loop, total_cell)`
    inserts a column loop (`{%tc %}`) at `index`: one column per year.
    """
    headers, cells, widths = list(headers), list(cells), list(widths)
    total = list(total) if total else None
    if year_columns:  # the column at index i becomes one column per year
        i, hloop, hcell, rloop, rcell, tloop, tcell = year_columns
        headers[i:i + 1] = [f"{{%tc for {hloop} %}}", hcell, "{%tc endfor %}"]
        cells[i:i + 1] = [f"{{%tc for {rloop} %}}", rcell, "{%tc endfor %}"]
        if total is not None:
            total[i:i + 1] = [f"{{%tc for {tloop} %}}", tcell, "{%tc endfor %}"]
        widths[i:i + 1] = [0.4, widths[i], 0.4]
        right = {c + 2 if c > i else c for c in right} | {i + 1}
    ncols = len(headers)
    t = doc.add_table(rows=1, cols=ncols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    hdr = t.rows[0]
    _repeat_header(hdr)
    for c, text in enumerate(headers):
        _shade(hdr.cells[c], HEADER_FILL)
        _cell_text(hdr.cells[c], text, bold=True, size=size)
    rows = []
    if loop:
        rows.append(["{%tr for " + loop + " %}"] + [""] * (ncols - 1))
    rows.append(cells)
    if loop:
        rows.append(["{%tr endfor %}"] + [""] * (ncols - 1))
    if total is not None:
        rows.append(total)
    for r, values in enumerate(rows):
        row = t.add_row()
        _cant_split(row)
        is_total = total is not None and r == len(rows) - 1
        for c, text in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.RIGHT if c in right else None
            _cell_text(row.cells[c], text, bold=is_total, align=align, size=size)
            if is_total:
                _shade(row.cells[c], "F2F2F2")
    _widths(t, widths)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)
    return t


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def signature_table(doc, loop: str, left: str, right: str = "") -> None:
    t = doc.add_table(rows=0, cols=2)
    t.style = doc.styles["Table Grid"]
    for values in (["{%tr for " + loop + " %}", ""], [left, right], ["{%tr endfor %}", ""]):
        row = t.add_row()
        _cant_split(row)
        for c, text in enumerate(values):
            _cell_text(row.cells[c], text, size=10)
    t.rows[1].height = Cm(3.2)
    _widths(t, [9.0, 7.6])


# --- the documents ----------------------------------------------------------------------------

def dossier_mobilisation():
    doc = new_document("Dossier de mobilisation des partenaires")
    para(doc, "Dossier de mobilisation des partenaires", "Title")
    para(doc, "{{ project.name }}", "Subtitle")
    para(doc, "Étape 1 de la démarche : identifier, mobiliser et fédérer les partenaires autour d'objectifs "
         "communs. Le présent dossier présente le territoire, les partenaires pressentis, le diagnostic des "
         "actions de médiation existantes, les objectifs partagés et le calendrier de la démarche.", italic=True)

    heading(doc, "1. Le territoire")
    para(doc, "**{{ territory.name }}** — {{ territory.kind_label }}{% if territory.department %}, "
         "département : {{ territory.department }}{% endif %}.{% if territory.communes|length > 1 %} Communes : "
         "{{ territory.communes_label }}.{% endif %}{% if territory.population %} Population : "
         "{{ territory.population }} habitants.{% endif %}")
    para(doc, "{% if period %}Le projet couvre la période du {{ period.start }} au {{ period.end }}, soit "
         "{{ period.duration_text }}.{% endif %}{% if lead %} Porteur de la démarche : **{{ lead.name }}**."
         "{% endif %}")
    tag(doc, "{%p if contrat_de_ville %}")
    para(doc, "Le projet s'inscrit dans le volet cohésion sociale du **{{ contrat_de_ville.name }}**"
         "{% if contrat_de_ville.reference %} ({{ contrat_de_ville.reference }}){% endif %}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if territory.qpv %}")
    heading(doc, "Quartiers prioritaires de la politique de la ville", 2)
    table(doc, ["{{ labels.qpv.name }}", "{{ labels.qpv.code }}", "{{ labels.qpv.commune }}"],
          ["{{ q.name }}", "{{ q.code }}", "{{ q.commune }}"], "q in territory.qpv", [8.0, 3.6, 5.0])
    tag(doc, "{%p endif %}")
    heading(doc, "Secteurs opérationnels", 2)
    para(doc, "Le territoire est découpé en secteurs, qui servent à décrire les besoins, les acteurs existants "
         "et, à l'étape suivante, l'organisation du service. Le service couvre l'ensemble du territoire, avec un "
         "renforcement dans les quartiers prioritaires.")
    table(doc, ["{{ labels.sector.name }}", "{{ labels.sector.commune }}", "{{ labels.sector.qpv }}"],
          ["{{ s.name }}", "{{ s.commune }}", "{{ s.qpv_label }}"], "s in territory.sectors", [8.6, 5.0, 3.0])

    heading(doc, "2. Pourquoi un projet territorial de médiation sociale")
    para(doc, "Plusieurs opérateurs interviennent déjà en médiation sociale sur le territoire, sans coordination "
         "d'ensemble : certaines situations sont traitées deux fois, d'autres ne le sont pas. Le projet territorial "
         "de médiation sociale réunit tous les acteurs dans un cadre contractuel unique : le rôle de chacun est "
         "défini, les partenaires cofinancent un service mutualisé, la gouvernance est partagée et le service "
         "couvre tout le territoire.")
    para(doc, "La médiation sociale permet de :")
    bullets(doc, "x in purposes_all", "{{ x }}")

    heading(doc, "3. La carte des partenaires")
    para(doc, "{{ partners_count }} partenaires ont été identifiés, dont {{ committed_count }} déjà engagés "
         "dans la démarche.")
    table(doc, ["{{ labels.partner.name }}", "{{ labels.partner.kind }}", "{{ labels.partner.roles }}",
                "{{ labels.partner.status }}", "{{ labels.partner.contact }}", "{{ labels.partner.fields }}"],
          ["**{{ x.name }}**", "{{ x.kind_label }}", "{{ x.roles_label }}", "{{ x.status_label }}",
           "{% if x.contact %}{{ x.contact.text }}{% else %}—{% endif %}", "{{ x.fields_label }}"],
          "x in partners", [3.2, 2.9, 2.3, 2.3, 3.3, 2.6], size=8.5)

    heading(doc, "4. Le diagnostic de la couverture")
    para(doc, "Le diagnostic recense les actions de médiation existantes et les besoins exprimés par les "
         "partenaires, champ par champ et secteur par secteur, afin de repérer les doublons et les zones non "
         "couvertes.")
    heading(doc, "Acteurs de médiation existants", 2)
    tag(doc, "{%p if actors %}")
    table(doc, ["{{ labels.actor.name }}", "{{ labels.actor.partner }}", "{{ labels.actor.fields }}",
                "{{ labels.actor.sectors }}", "{{ labels.actor.hours_per_week }}", "{{ labels.actor.time_slots }}"],
          ["{{ a.name }}", "{{ a.partner }}", "{{ a.fields_label }}", "{{ a.sectors_label }}", "{{ a.hours_per_week }}",
           "{{ a.time_slots }}"], "a in actors", [3.4, 2.8, 2.8, 2.8, 1.8, 3.0], right={4})
    tag(doc, "{%p else %}")
    para(doc, "Aucun acteur de médiation existant n'a été recensé.")
    tag(doc, "{%p endif %}")
    heading(doc, "Besoins exprimés par les partenaires", 2)
    tag(doc, "{%p if needs %}")
    table(doc, ["{{ labels.partner.name }}", "{{ labels.need.field }}", "{{ labels.need.sectors }}",
                "{{ labels.need.hours_per_week }}", "{{ labels.need.description }}"],
          ["{{ n.partner }}", "{{ n.field_label }}", "{{ n.sectors_label }}", "{{ n.hours_per_week }}",
           "{{ n.description }}"], "n in needs", [3.2, 2.8, 3.2, 2.4, 5.0], right={3})
    tag(doc, "{%p else %}")
    para(doc, "Aucun besoin n'a encore été exprimé.")
    tag(doc, "{%p endif %}")
    heading(doc, "Couverture actuelle du territoire", 2)
    para(doc, "Sans projet territorial : {{ coverage.summary_text.before }}.")
    tag(doc, "{%p if images.coverage %}")
    para(doc, "{{ images.coverage }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if coverage.gaps %}")
    para(doc, "Besoins exprimés qu'aucun acteur ne couvre aujourd'hui :")
    bullets(doc, "g in coverage.gaps", "{{ g }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if coverage.overlaps %}")
    para(doc, "Interventions de plusieurs acteurs sans coordination :")
    bullets(doc, "g in coverage.overlaps", "{{ g }}")
    tag(doc, "{%p endif %}")

    heading(doc, "5. Les objectifs partagés")
    tag(doc, "{%p for o in objectives %}")
    para(doc, "**Objectif {{ o.number }} – {{ o.statement }}**")
    para(doc, "Partenaires concernés : {{ o.partners_label }}. Champs d'intervention : {{ o.fields_label }}.", "Petit")
    tag(doc, "{%p endfor %}")

    heading(doc, "6. Le calendrier de la démarche")
    tag(doc, "{%p if calendar %}")
    table(doc, ["{{ labels.milestone.date }}", "{{ labels.milestone.label }}"],
          ["{{ m.date }}", "{{ m.label }}"], "m in calendar", [4.5, 12.1])
    tag(doc, "{%p else %}")
    para(doc, "Le calendrier sera arrêté lors de la première réunion des partenaires.")
    tag(doc, "{%p endif %}")

    heading(doc, "7. Les suites de la démarche")
    para(doc, "Chaque partenaire est invité à signer la lettre d'intention jointe. Les partenaires engagés "
         "définiront ensuite leurs besoins et leurs objectifs dans un cahier des charges assorti d'un plan de "
         "financement pluriannuel (étape 2), puis signeront une convention unique couvrant la gouvernance, le "
         "financement et l'évaluation des actions (étape 3).")
    return doc


def lettre_intention():
    doc = new_document("Lettre d'intention")
    para(doc, "**{{ partner.name }}**", align=WD_ALIGN_PARAGRAPH.LEFT)
    para(doc, "{{ partner.address }}", "Petit", align=WD_ALIGN_PARAGRAPH.LEFT)
    para(doc, "")
    para(doc, "{% if lead and lead.id != partner.id %}À l'attention de {% if lead.representative %}{{ lead.representative.name }}\n"
         "{{ lead.representative.title }}\n{% endif %}{{ lead.name }}{% if lead.address %}\n{{ lead.address }}"
         "{% endif %}{% else %}À l'attention des partenaires du projet{% endif %}",
         align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "")
    para(doc, "**Objet : lettre d'intention — {{ project.name }}**", align=WD_ALIGN_PARAGRAPH.LEFT)
    para(doc, "Madame, Monsieur,")
    para(doc, "Par la présente, nous vous faisons part de notre intention de nous associer au projet "
         "territorial de médiation sociale « {{ project.name }} » ({{ territory.name }}){% if period %}, pour la période du "
         "{{ period.start }} au {{ period.end }}{% endif %}.")
    para(doc, "Ce projet vise à organiser sur l'ensemble du territoire un service de médiation sociale mutualisé, "
         "cofinancé et copiloté par les partenaires, afin de renforcer la présence humaine, d'apaiser les tensions "
         "et de faciliter l'accès de tous aux services et aux droits.")
    para(doc, "Nous souhaitons y prendre part en qualité de : {{ partner.roles_label|lower }}. "
         "Nos champs d'intérêt sont les suivants : {{ partner.fields_label|lower }}.")
    para(doc, "Nous partageons les objectifs communs suivants :")
    bullets(doc, "o in objectives", "{{ o.statement }}")
    tag(doc, "{%p if partner.needs %}")
    para(doc, "Nous exprimons les besoins suivants, qui seront pris en compte dans le cahier des charges :")
    bullets(doc, "n in partner.needs", "{{ n.field_label }} — {{ n.sectors_label }}{% if n.hours_per_week %} "
            "({{ n.hours_per_week }} heures par semaine souhaitées){% endif %}{% if n.description %} : "
            "{{ n.description }}{% endif %}")
    tag(doc, "{%p endif %}")
    para(doc, "À ce titre, nous nous engageons à participer aux travaux de préparation du projet, à "
         "désigner un référent, à contribuer à la définition des besoins et du cahier des charges, et à soumettre "
         "à nos instances de décision notre participation à la convention unique pluripartite.")
    para(doc, "La présente lettre exprime une intention de partenariat ; elle ne vaut pas engagement financier, "
         "lequel sera fixé par la convention unique après délibération des instances compétentes.")
    para(doc, "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.")
    para(doc, "")
    para(doc, "Fait à ………………………………, le ………………………………", align=WD_ALIGN_PARAGRAPH.LEFT)
    para(doc, "")
    para(doc, "{{ partner.name }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "{% if partner.representative %}{{ partner.representative.name }}, {{ partner.representative.title }}"
         "{% else %}Nom, qualité du signataire{% endif %}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "Signature et cachet", "Petit", align=WD_ALIGN_PARAGRAPH.RIGHT, italic=True)
    return doc


def _funding_tables(doc, level: int = 2):
    """Multi-year budget and funding plan (shared by the cahier des charges and the convention)."""
    heading(doc, "Coût du service par année", level)
    tag(doc, "{%p if funding.costs %}")
    table(doc, ["Poste de dépense", "{{ y }}", "Total"], ["{{ c.label }}", "{{ a }}", "**{{ c.total }}**"],
          "c in funding.costs", [10.9, 2.3, 2.6], right={2},
          total=["**Coût total**", "", "{{ funding.cost_total.total }}"],
          year_columns=(1, "y in funding.years", "{{ y }}", "a in c.amounts", "{{ a }}",
                        "a in funding.cost_total.amounts", "{{ a }}"))
    tag(doc, "{%p else %}")
    para(doc, "Le détail des coûts figure au budget du service.")
    tag(doc, "{%p endif %}")
    heading(doc, "Plan de financement par année et par partenaire", level)
    table(doc, ["Financeur", "Nature", "{{ y }}", "Total"],
          ["{{ r.label }}", "{{ r.nature_label }}", "{{ a }}", "**{{ r.total }}**"],
          "r in funding.rows", [8.9, 2.2, 2.3, 2.6], right={3},
          total=["**Total des financements**", "", "", "{{ funding.total.total }}"],
          year_columns=(2, "y in funding.years", "{{ y }}", "a in r.amounts", "{{ a }}",
                        "a in funding.total.amounts", "{{ a }}"))


def cahier_des_charges():
    doc = new_document("Cahier des charges")
    para(doc, "Cahier des charges", "Title")
    para(doc, "{{ service.name }}", "Subtitle")
    para(doc, "{{ project.name }} — {{ territory.name }}{% if period %}, {{ period.years_label }}{% endif %}",
         align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)

    heading(doc, "1. Contexte et objectifs généraux")
    para(doc, "**{{ territory.name }}** — {{ territory.kind_label }}{% if territory.department %}, "
         "département : {{ territory.department }}{% endif %}.{% if territory.communes|length > 1 %} Communes : "
         "{{ territory.communes_label }}.{% endif %}{% if territory.population %} Population : "
         "{{ territory.population }} habitants.{% endif %}"
         "{% if territory.qpv %} Le territoire compte {{ territory.qpv_count_label }}.{% endif %}")
    para(doc, "Le présent cahier des charges définit le service mutualisé de médiation sociale voulu par les "
         "partenaires du projet territorial{% if contrat_de_ville %}, inscrit dans le {{ contrat_de_ville.name }}"
         "{% endif %}. Il s'appuie notamment sur :")
    bullets(doc, "r in legal_references", "{{ r }}{% if loop.last %}.{% else %} ;{% endif %}")
    para(doc, "Les partenaires poursuivent les objectifs généraux suivants :")
    tag(doc, "{%p for o in objectives %}")
    para(doc, "**Objectif {{ o.number }} – {{ o.statement }}** Partenaires : {{ o.partners_label }}.")
    tag(doc, "{%p endfor %}")

    heading(doc, "2. Formes de médiation et posture des médiateurs")
    para(doc, "Le service mobilise les activités suivantes du référentiel des métiers de la médiation sociale :")
    bullets(doc, "a in service.activities", "{{ a }}")
    tag(doc, "{%p if service.purposes %}")
    para(doc, "Ses finalités sont les suivantes :")
    bullets(doc, "x in service.purposes", "{{ x }}")
    tag(doc, "{%p endif %}")
    para(doc, "{{ labels.service.fields }} : {{ service.fields_label }}.")
    heading(doc, "Posture et charte", 2)
    para(doc, "{% if service.charter %}{{ service.charter }}{% else %}Les médiateurs respectent les principes de "
         "la charte de référence de la médiation sociale (neutralité, impartialité, confidentialité, libre "
         "consentement) et la norme AFNOR XP X60-600.{% endif %}")

    heading(doc, "3. Territoires et secteurs d'intervention")
    para(doc, "Le service couvre l'ensemble du territoire, à raison de {{ service.hours_per_week }} heures de "
         "présence par semaine au total, avec un renforcement dans les secteurs prioritaires.")
    table(doc, ["{{ labels.service_sector.sector }}", "Priorité", "{{ labels.service_sector.hours_per_week }}",
                "{{ labels.service_sector.fields }}", "{{ labels.service_sector.time_slots }}"],
          ["{{ s.name }}", "{{ s.priority_label }}", "{{ s.hours_per_week }}", "{{ s.fields_label }}",
           "{{ s.time_slots }}"], "s in service.sectors", [3.6, 2.6, 2.0, 4.0, 4.4], right={2})

    heading(doc, "Couverture des besoins", 2)
    para(doc, "Sans projet territorial : {{ coverage.summary_text.before }}. Avec le service mutualisé : "
         "{{ coverage.summary_text.after }}.")
    tag(doc, "{%p if images.coverage %}")
    para(doc, "{{ images.coverage }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if coverage.uncovered %}")
    para(doc, "Besoins exprimés que le service ne couvre pas encore, à traiter avant la signature de la convention :")
    bullets(doc, "u in coverage.uncovered", "{{ u }}")
    tag(doc, "{%p endif %}")

    heading(doc, "4. Profils et compétences des agents")
    table(doc, ["{{ labels.post.title }}", "Nombre", "{{ labels.post.fte }}", "{{ labels.post.contract }}",
                "Période", "{{ labels.post.sectors }}"],
          ["{{ x.title }}", "{{ x.count }}", "{{ x.fte }}", "{{ x.contract_label }}", "{{ x.dates }}",
           "{{ x.sectors_label }}"], "x in service.posts", [3.0, 1.7, 2.2, 3.2, 3.4, 3.1], right={1, 2})
    para(doc, "L'effectif total représente {{ service.fte_total }} équivalents temps plein. Les agents disposent des "
         "compétences décrites par la norme AFNOR XP X60-600 : écoute et gestion des conflits, connaissance des "
         "institutions et des dispositifs, travail en réseau, rédaction de bilans.")

    heading(doc, "5. Formation et qualification")
    tag(doc, "{%p if service.training %}")
    table(doc, ["{{ labels.training.title }}", "{{ labels.training.provider }}", "{{ labels.training.hours }}",
                "{{ labels.training.year }}", "{{ labels.training.audience }}", "Mutualisée"],
          ["{{ t.title }}", "{{ t.provider }}", "{{ t.hours }}", "{{ t.year }}", "{{ t.audience }}",
           "{{ t.pooled_label }}"], "t in service.training", [5.0, 2.5, 1.9, 1.4, 3.6, 2.2], right={2})
    tag(doc, "{%p else %}")
    para(doc, "Le plan de formation sera arrêté par le comité de pilotage.")
    tag(doc, "{%p endif %}")
    para(doc, "Les formations sont mutualisées entre structures chaque fois que possible (CNFPT, AFPA, CNAM, "
         "France Médiation), ce qui en réduit le coût.")

    heading(doc, "6. Moyens humains et matériels, organisation")
    para(doc, "Opérateur du service : **{{ service.operator.name }}**{% if service.legal_form %} "
         "({{ service.legal_form }}){% endif %}.")
    para(doc, "{{ labels.supervision.description }}{% if service.supervision.fte %} "
         "({{ service.supervision.fte }} ETP){% endif %} : {% if service.supervision.description %}"
         "{{ service.supervision.description }}{% else %}à préciser.{% endif %}")
    para(doc, "{{ labels.service.resources }} : {% if service.resources %}{{ service.resources }}{% else %}à préciser."
         "{% endif %}")

    heading(doc, "7. Gouvernance, coordination et mutualisation")
    tag(doc, "{%p if governance %}")
    committee(doc, "Comité de pilotage", "governance.steering")
    tag(doc, "{%p if governance.technical %}")
    committee(doc, "Comité technique", "governance.technical")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    para(doc, "Le projet est piloté par un comité de pilotage réunissant les financeurs et l'opérateur, et "
         "coordonné par un comité technique réunissant les partenaires de terrain. Leur composition sera arrêtée "
         "dans la convention unique.")
    tag(doc, "{%p endif %}")

    heading(doc, "8. Suivi et évaluation")
    para(doc, "Le suivi d'activité est organisé dès le démarrage du service.{% if service.reporting.tool %} "
         "{{ labels.reporting.tool }} : {{ service.reporting.tool }}{% endif %}{% if service.reporting.frequency %} "
         "Les bilans d'activité sont établis selon une périodicité {{ service.reporting.frequency }}.{% endif %}")
    para(doc, "L'évaluation porte sur l'utilité sociale du service (référentiel CITER), à trois niveaux — "
         "réalisations, résultats, impacts — et selon cinq registres : cohésion sociale ; innovation et "
         "apprentissage ; tranquillité publique ; contribution économique, y compris les coûts évités ; "
         "reconnaissance.")
    tag(doc, "{%p if evaluation and evaluation.indicators %}")
    table(doc, ["{{ labels.indicator.label }}", "{{ labels.indicator.register }}", "{{ labels.indicator.level }}",
                "{{ labels.indicator.target }}"],
          ["{{ i.label }}", "{{ i.register_label }}", "{{ i.level_label }}", "{{ i.target }}"],
          "i in evaluation.indicators", [7.0, 3.6, 2.4, 3.6])
    tag(doc, "{%p endif %}")

    heading(doc, "9. Budget pluriannuel et plan de financement")
    tag(doc, "{%p if funding %}")
    _funding_tables(doc)
    tag(doc, "{%p if images.contributions %}")
    heading(doc, "Contributions par année et par partenaire", 2)
    para(doc, "{{ images.contributions }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p else %}")
    para(doc, "Le plan de financement reste à établir.")
    tag(doc, "{%p endif %}")

    heading(doc, "10. Modalités de choix de l'opérateur")
    para(doc, "{% if service.selection %}{{ service.selection }}{% else %}L'opérateur est désigné par le comité "
         "de pilotage.{% endif %}")
    return doc


def convention():
    doc = new_document("Convention unique pluripartite")
    para(doc, "{{ convention.title }}", "Title")
    para(doc, "{{ project.name }}", "Subtitle")
    heading(doc, "Entre les soussignés")
    tag(doc, "{%p for s in signatories %}")
    para(doc, "**{{ s.name }}**{% if s.address %} — siège : {{ s.address }}{% endif %}"
         "{% if s.siret %} — SIRET : {{ s.siret }}{% endif %} — représentant : {{ s.representative.name }}, "
         "{{ s.representative.title }}{% if s.representative.decision %} — habilitation : "
         "{{ s.representative.decision }}{% if s.representative.decision_date %} en date du "
         "{{ s.representative.decision_date }}{% endif %}{% endif %} ;")
    tag(doc, "{%p endfor %}")
    para(doc, "ci-après désignés ensemble « les parties ».")

    heading(doc, "Préambule")
    tag(doc, "{%p for r in legal_references %}")
    para(doc, "Vu {{ r }} ;")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if contrat_de_ville %}")
    para(doc, "Vu le {{ contrat_de_ville.name }}{% if contrat_de_ville.reference %}, {{ contrat_de_ville.reference }}"
         "{% endif %} ;")
    tag(doc, "{%p endif %}")
    para(doc, "Considérant que plusieurs opérateurs interviennent en médiation sociale sur le territoire "
         "({{ territory.name }}) sans coordination d'ensemble, et que certaines situations y sont traitées deux fois "
         "quand d'autres ne le sont pas ;")
    para(doc, "Considérant que la médiation sociale contribue à la cohésion sociale et à la tranquillité publique "
         "en renforçant la présence humaine, en assurant une fonction d'interface et en apaisant les tensions ;")
    para(doc, "Considérant la volonté des parties de mutualiser leurs moyens au sein d'un service unique couvrant "
         "l'ensemble du territoire, avec un renforcement dans les quartiers prioritaires ;")
    para(doc, "Considérant les objectifs partagés par les parties à l'issue de la démarche de mobilisation :")
    bullets(doc, "o in objectives", "{{ o.statement }}")
    para(doc, "Il est convenu ce qui suit :", bold=True)

    article(doc, "Objet")
    para(doc, "La présente convention a pour objet de définir les conditions dans lesquelles les parties créent, "
         "financent, pilotent et évaluent ensemble le service suivant, dans le cadre du projet territorial de "
         "médiation sociale : **{{ service.name }}** (opérateur : {{ service.operator.name }}). Elle se substitue aux conventions bilatérales "
         "antérieures portant sur le même objet.")
    article(doc, "Durée")
    para(doc, "La convention est conclue pour une durée de {{ convention.duration }}. Elle entre en vigueur à sa "
         "signature par l'ensemble des parties et porte sur la période du {{ convention.start }} au "
         "{{ convention.end }}.")
    article(doc, "Territoire couvert")
    para(doc, "Le service intervient sur l'ensemble du territoire du projet ({{ territory.name }}"
         "{% if territory.communes|length > 1 %} : {{ territory.communes_label }}{% endif %}), selon les secteurs et les "
         "créneaux suivants :")
    table(doc, ["{{ labels.service_sector.sector }}", "Priorité", "{{ labels.service_sector.hours_per_week }}",
                "{{ labels.service_sector.time_slots }}"],
          ["{{ s.name }}", "{{ s.priority_label }}", "{{ s.hours_per_week }}", "{{ s.time_slots }}"],
          "s in service.sectors", [5.0, 3.4, 2.4, 5.8], right={2})
    article(doc, "Rôle de l'opérateur")
    para(doc, "L'opérateur, {{ service.operator.name }}{% if service.legal_form %} ({{ service.legal_form }})"
         "{% endif %}, assure la mise en œuvre du service : recrutement, encadrement et formation des médiateurs, organisation de la "
         "présence sur les secteurs, tenue du suivi d'activité, production des bilans et animation du comité "
         "technique. Il met en œuvre le programme d'actions figurant en annexe 1 avec {{ service.fte_total }} "
         "équivalents temps plein.")
    article(doc, "Coût de l'action")
    tag(doc, "{%p if funding %}")
    para(doc, "Le coût total du service est estimé à {{ funding.cost_total.total }} "
         "({{ funding.cost_total.total_words }}) sur la durée de la convention, réparti comme suit :")
    table(doc, ["Année", "Coût", "En toutes lettres"], ["{{ y.year }}", "{{ y.amount }}", "{{ y.words }}"],
          "y in funding.cost_total.by_year", [2.0, 3.6, 11.0], right={1})
    para(doc, "Le budget pluriannuel détaillé figure en annexe 2.")
    tag(doc, "{%p endif %}")
    article(doc, "Contributions financières")
    para(doc, "Pour chaque année, la somme des contributions et des ressources est égale au coût du service. Les "
         "parties s'engagent, sous réserve de l'inscription des crédits à leur budget, à verser les contributions "
         "suivantes :")
    tag(doc, "{%p if funding %}")
    tag(doc, "{%p for c in funding.contributions %}")
    para(doc, "**{{ c.partner }}** ({{ c.nature_label|lower }}) : {% for y in c.by_year if not y.zero %}"
         "{{ y.year }} : {{ y.amount }} ({{ y.words }}){% if not loop.last %} ; {% endif %}{% endfor %} ; soit un "
         "total de {{ c.total }} ({{ c.total_words }}).")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if funding.resources %}")
    para(doc, "Le service bénéficie en outre des ressources suivantes :")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for r in funding.resources %}")
    para(doc, "**{{ r.name }}**{% if r.partner %} — versement : {{ r.partner }}{% endif %} — "
         "{% for y in r.by_year if not y.zero %}{{ y.year }} : {{ y.amount }} ({{ y.words }}){% if not loop.last %} ; "
         "{% endif %}{% endfor %} ; soit un total de {{ r.total }} ({{ r.total_words }}).")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    article(doc, "Modalités de versement")
    para(doc, "Chaque contribution annuelle est versée à l'opérateur, {{ service.operator.name }}, selon "
         "l'échéancier suivant :")
    table(doc, ["Échéance", "Part de la contribution annuelle"], ["{{ e.label }}", "{{ e.percent }}"],
          "e in convention.payment_schedule", [11.0, 5.6], right={1})
    tag(doc, "{%p if funding.installments %}")
    para(doc, "Le montant de chaque versement, par partie et par année, figure en annexe 2.")
    tag(doc, "{%p endif %}")
    article(doc, "Justificatifs")
    para(doc, "L'opérateur transmet à chaque partie, dans un délai de {{ convention.reports_due }} suivant la "
         "clôture de chaque exercice, un compte rendu financier conforme à l'arrêté du 11 octobre 2006, ses "
         "comptes annuels et un rapport d'activité présentant la réalisation du programme d'actions et les "
         "indicateurs de l'annexe 3.")
    article(doc, "Gouvernance")
    para(doc, "La gouvernance du projet est assurée par les instances suivantes.")
    committee(doc, "Comité de pilotage", "governance.steering")
    tag(doc, "{%p if governance.technical %}")
    committee(doc, "Comité technique", "governance.technical")
    tag(doc, "{%p endif %}")
    article(doc, "Autres engagements")
    para(doc, "Chaque partie désigne un référent, oriente vers le service les situations relevant de la médiation, "
         "partage les informations utiles à la veille sociale dans le respect de l'article relatif à la protection "
         "des données, et informe sans délai les autres parties de toute difficulté dans l'exécution de la "
         "convention. L'opérateur informe les parties de tout changement dans ses statuts, sa direction ou ses "
         "coordonnées bancaires.")
    article(doc, "Protection des données personnelles")
    para(doc, "Les échanges entre parties portent sur des données agrégées ou anonymisées par secteur et par "
         "période. Des données nominatives ne sont transmises qu'à un destinataire désigné, disposant d'une base "
         "légale et ayant besoin d'en connaître.")
    tag(doc, "{%p if convention.data_protection %}")
    para(doc, "Au sens du règlement (UE) 2016/679 (RGPD), les rôles sont les suivants :")
    bullets(doc, "r in convention.data_protection.roles", "{{ r.partner }} : {{ r.role_label }}")
    tag(doc, "{%p if convention.data_protection.joint %}")
    para(doc, "Les responsables conjoints du traitement définissent par un accord, conformément à l'article 26 du "
         "RGPD, leurs obligations respectives, notamment pour l'information et l'exercice des droits des personnes "
         "concernées.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if convention.data_protection.processor %}")
    para(doc, "Le sous-traitant agit, au sens de l'article 28 du RGPD, sur instruction documentée des responsables "
         "du traitement ; un contrat précise l'objet, la durée, la nature et la finalité du traitement ainsi que "
         "les mesures de sécurité.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if convention.data_protection.contact_point %}")
    para(doc, "Point de contact unique des personnes concernées : {{ convention.data_protection.contact_point }}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    article(doc, "Communication")
    para(doc, "{% if convention.communication %}{{ convention.communication }}{% else %}Les supports de "
         "communication du service mentionnent le soutien de l'ensemble des parties.{% endif %}")
    article(doc, "Évaluation")
    para(doc, "{% if evaluation.method %}{{ evaluation.method }}{% else %}L'évaluation de l'utilité sociale du "
         "service est co-construite avec les financeurs ; elle donne lieu à un bilan présenté chaque année au "
         "comité de pilotage.{% endif %}")
    para(doc, "{% if evaluation.lead %}{{ labels.evaluation.lead }} : {{ evaluation.lead }}. {% endif %}"
         "L'évaluation s'appuie sur les indicateurs figurant en annexe 3. Une évaluation finale est réalisée au plus "
         "tard six mois avant le terme de la convention.")
    article(doc, "Contrôle")
    para(doc, "Chaque partie financeuse peut contrôler, sur pièces et sur place, l'utilisation des fonds versés. "
         "L'opérateur tient à sa disposition tout document comptable ou administratif utile.")
    article(doc, "Sanctions")
    para(doc, "En cas d'inexécution, de modification substantielle ou de retard significatif des conditions "
         "d'exécution de la convention sans accord écrit des parties, chaque financeur peut suspendre ses "
         "versements, en diminuer le montant ou exiger le reversement de tout ou partie des sommes versées, après "
         "examen des justificatifs présentés par l'opérateur et avis du comité de pilotage.")
    article(doc, "Renouvellement")
    para(doc, "La conclusion éventuelle d'une nouvelle convention est subordonnée à la réalisation de "
         "l'évaluation prévue et au contrôle mentionné ci-dessus. Elle ne peut résulter d'une reconduction tacite.")
    article(doc, "Avenant")
    para(doc, "Toute modification de la convention, notamment de la répartition des contributions ou du périmètre "
         "du service, fait l'objet d'un avenant signé par l'ensemble des parties, sur proposition du comité de "
         "pilotage.")
    article(doc, "Annexes")
    para(doc, "Les annexes font partie intégrante de la convention : annexe 1, programme d'actions ; annexe 2, "
         "budget pluriannuel et plan de financement ; annexe 3, indicateurs d'évaluation.")
    article(doc, "Résiliation")
    para(doc, "Chaque partie peut se retirer de la convention à la fin d'un exercice, par lettre recommandée avec "
         "accusé de réception adressée aux autres parties, moyennant un préavis de {{ convention.notice }}. En cas "
         "de non-respect par une partie de ses engagements, la convention peut être résiliée à son égard après "
         "mise en demeure restée sans effet pendant un mois. Le comité de pilotage examine alors les conséquences "
         "financières du retrait.")
    article(doc, "Recours")
    para(doc, "Les parties recherchent une solution amiable à tout différend. À défaut, le litige est porté devant "
         "le {{ convention.court }}.")

    heading(doc, "Signatures")
    para(doc, "Fait à {% if convention.signing_place %}{{ convention.signing_place }}{% else %}……………………{% endif %}, "
         "le {% if convention.signing_date %}{{ convention.signing_date }}{% else %}……………………{% endif %}, "
         "en {{ copies_label }}.").paragraph_format.keep_with_next = True
    signature_table(doc, "s in signatories",
                    "**{{ s.name }}**\n{{ s.representative.name }}\n{{ s.representative.title }}",
                    "Signature")

    annex(doc, "Programme d'actions")
    para(doc, "Activités mises en œuvre par le service :")
    bullets(doc, "a in service.activities", "{{ a }}")
    para(doc, "Champs d'intervention : {{ service.fields_label }}.")
    table(doc, ["{{ labels.post.title }}", "Nombre", "{{ labels.post.fte }}", "{{ labels.post.contract }}",
                "Période"],
          ["{{ x.title }}", "{{ x.count }}", "{{ x.fte }}", "{{ x.contract_label }}", "{{ x.dates }}"],
          "x in service.posts", [4.0, 1.7, 2.2, 4.2, 4.5], right={1, 2})
    tag(doc, "{%p for o in objectives %}")
    para(doc, "**Objectif {{ o.number }} – {{ o.statement }}** Partenaires : {{ o.partners_label }}.")
    tag(doc, "{%p endfor %}")
    annex(doc, "Budget pluriannuel et plan de financement")
    tag(doc, "{%p if funding %}")
    _funding_tables(doc, level=2)
    tag(doc, "{%p if funding.installments %}")
    heading(doc, "Échéancier des versements des contributions", 2)
    table(doc, ["Partie", "Année", "{{ e.label }}", "Total"],
          ["{{ v.partner }}", "{{ v.year }}", "{{ a }}", "**{{ v.total }}**"],
          "v in funding.installments", [8.8, 1.4, 3.0, 2.6], right={3},
          year_columns=(2, "e in convention.payment_schedule", "{{ e.label }} ({{ e.percent }})", "a in v.parts",
                        "{{ a }}", None, None))
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    annex(doc, "Indicateurs d'évaluation")
    table(doc, ["N°", "{{ labels.indicator.label }}", "{{ labels.indicator.register }}", "{{ labels.indicator.level }}",
                "{{ labels.indicator.baseline }}", "{{ labels.indicator.target }}", "{{ labels.indicator.source }}",
                "{{ labels.indicator.frequency }}"],
          ["{{ loop.index }}", "{{ i.label }}", "{{ i.register_label }}", "{{ i.level_label }}", "{{ i.baseline }}",
           "{{ i.target }}", "{{ i.source }}", "{{ i.frequency }}"],
          "i in evaluation.indicators", [0.8, 3.3, 2.5, 1.9, 1.7, 1.9, 2.1, 2.4], size=8)
    return doc


DOCUMENTS = {
    "dossier-mobilisation.docx": dossier_mobilisation,
    "lettre-intention.docx": lettre_intention,
    "cahier-des-charges.docx": cahier_des_charges,
    "convention.docx": convention,
}


def build() -> dict[str, bytes]:
    out = {}
    for name, make in DOCUMENTS.items():
        buf = io.BytesIO()
        make().save(buf)
        out[name] = normalize_docx(buf.getvalue())
    return out


def main(argv: list[str]) -> int:
    built = build()
    if "--check" in argv:
        stale = [n for n, data in built.items() if not (OUT / n).exists() or (OUT / n).read_bytes() != data]
        for n in stale:
            print(f"modèle à reconstruire : {n}")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in built.items():
        (OUT / name).write_bytes(data)
        print(f"{OUT / name} ({len(data)} octets)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
