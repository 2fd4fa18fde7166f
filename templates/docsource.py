"""Read a template's wording source (`templates/src/NAME.md`) into blocks for the builder.

The format is described in `templates/README.md`. In short: a front matter (`titre`, `en-tête`,
`pied de page`), then Markdown-like blocks: `#`/`##`/`###` headings, paragraphs separated by blank
lines (lines of one paragraph are joined with a space; `<br>` is a line break), `- ` bullets,
`{%p … %}` tag lines, `[options] text` paragraphs (`[article] Objet`, `[droite, italique] …`),
`[tableau …]` / `[signatures …]` followed by `| a | b |` rows, and `[inclure NOM clé="valeur"]` to
insert `templates/src/_NOM.md` with `$clé` replaced. Errors are French and name the file and line.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path


class SourceError(Exception):
    """A located mistake in a wording source: « fichier:ligne: message »."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class Paragraph:
    text: str
    style: str | None = None  # None = Normal
    align: str | None = None  # "left", "right", "center"; None = the style's (Normal: justified)
    bold: bool = False
    italic: bool = False
    keep_with_next: bool = False
    where: tuple[Path, int] = field(default=(Path(), 0), compare=False)  # its first line, for errors


@dataclass
class Tag:
    """A paragraph holding only a `{%p … %}` tag."""
    text: str


@dataclass
class Heading:
    text: str
    style: str  # "Heading 1".."Heading 3", "Article", "Annexe"


@dataclass
class Table:
    rows: list[list[str]]
    widths: list[float]
    right: set[int] = field(default_factory=set)  # 0-based columns aligned right (data rows)
    size: float = 9
    total: bool = False  # the last row is a total (bold, shaded)
    signatures: bool = False  # no header row, tall rows, 10 pt, not centred


Block = Paragraph | Tag | Heading | Table


@dataclass
class Source:
    title: str
    header: str
    footer: str  # with `[page]` and `[pages]` fields
    blocks: list[Block]


STYLES = {"titre": "Title", "sous-titre": "Subtitle", "petit": "Petit"}
ALIGNS = {"gauche": "left", "droite": "right", "centre": "center"}
FLAGS = ("gras", "italique", "avec-suivant", "vide")
HEADINGS = {"article": "Article", "annexe": "Annexe"}
PARAGRAPH_OPTIONS = (*STYLES, *ALIGNS, *FLAGS, *HEADINGS)
TABLE_OPTIONS = ("largeurs", "droite", "taille", "total")
FRONT_KEYS = ("titre", "en-tête", "pied de page")
TAG_LINE = re.compile(r"\{%p\s.*%\}")
COMMENT = re.compile(r"<!--.*-->")
TR_ROW = re.compile(r"\{%tr\s.*%\}")
_CELL_TOKENS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\\\||\||[^{|\\]+|.")
MAX_INCLUDE_DEPTH = 5
TEXT_WIDTH = 16.6  # cm between the margins of an A4 page (docbuilder)


@dataclass
class _Line:
    text: str
    path: Path
    number: int

    def error(self, message: str) -> SourceError:
        return SourceError(self.path, self.number, message)


def _options(line: _Line, inner: str) -> list[str]:
    try:
        return shlex.split(inner.replace(",", " "), posix=True)
    except ValueError:
        raise line.error(f"crochets mal formés : « [{inner}] » (guillemet non fermé ?)") from None


def _lines(path: Path, params: dict[str, str] | None = None, depth: int = 0) -> list[_Line]:
    """The lines of `path`, with `[inclure …]` lines replaced by the partial's lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, 0, f"fichier illisible ({exc})") from None
    out: list[_Line] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = _Line(raw.rstrip(), path, number)
        if params is not None:
            def substitute(m: re.Match, line=line) -> str:
                if m.group(1) not in params:
                    raise line.error(f"paramètre « ${m.group(1)} » non fourni par [inclure]")
                return params[m.group(1)]
            line.text = re.sub(r"\$(\w+)", substitute, line.text)
        stripped = line.text.strip()
        if stripped.startswith("[inclure") and stripped.endswith("]"):
            words = _options(line, stripped[1:-1])
            if len(words) < 2:
                raise line.error("[inclure NOM …] : nom du fragment manquant")
            partial = path.parent / f"_{words[1]}.md"
            if not partial.is_file():
                raise line.error(f"fragment introuvable : {partial.name}")
            if depth >= MAX_INCLUDE_DEPTH:
                raise line.error("inclusions trop imbriquées (un fragment s'inclut-il lui-même ?)")
            values = {}
            for word in words[2:]:
                key, eq, value = word.partition("=")
                if not eq:
                    raise line.error(f"[inclure] : « {word} » n'est pas de la forme clé=\"valeur\"")
                values[key] = value
            # a fragment is a block of its own: it never continues the paragraph before it, nor after it
            out += [_Line("", path, number), *_lines(partial, values, depth + 1), _Line("", path, number)]
            continue
        out.append(line)
    return out


def _front_matter(lines: list[_Line], path: Path) -> tuple[dict[str, str], list[_Line]]:
    if not lines or lines[0].text != "---":
        raise SourceError(path, 1, "le fichier doit commencer par « --- » (titre, en-tête, pied de page)")
    values: dict[str, str] = {}
    for i, line in enumerate(lines[1:], 1):
        if line.text == "---":
            missing = [k for k in FRONT_KEYS if k not in values]
            if missing:
                raise line.error(f"en-tête du fichier incomplet : il manque {', '.join(missing)}")
            return values, lines[i + 1:]
        key, colon, value = line.text.partition(":")
        if not colon or key.strip() not in FRONT_KEYS:
            raise line.error(f"ligne d'en-tête inconnue ; attendu : {', '.join(FRONT_KEYS)}")
        values[key.strip()] = value.strip()
    raise SourceError(path, len(lines), "« --- » de fin d'en-tête manquant")


def _cells(line: _Line) -> list[str]:
    """`| a | b |` -> ["a", "b"]; a `|` inside `{{ }}` or `{% %}` (a Jinja filter) or written `\\|` is text."""
    text = line.text.strip()
    if not (text.startswith("|") and text.endswith("|")) or len(text) < 2:
        raise line.error("une ligne de tableau commence et finit par « | »")
    cells, current = [], ""
    for token in _CELL_TOKENS.findall(text[1:-1]):
        if token == "|":
            cells.append(current)
            current = ""
        else:
            current += "|" if token == "\\|" else token
    cells.append(current)
    return [c.strip().replace("<br>", "\n") for c in cells]


def _table(head: _Line, words: list[str], rows: list[_Line]) -> Table:
    kind, opts = words[0], {}
    for word in words[1:]:
        key, eq, value = word.partition("=")
        if key not in TABLE_OPTIONS:
            raise head.error(f"option de tableau inconnue « {key} » ; options : {', '.join(TABLE_OPTIONS)}")
        opts[key] = value if eq else True
    if "largeurs" not in opts:
        raise head.error("[tableau] : largeurs=\"…\" (en cm, une par colonne) est obligatoire")
    try:
        widths = [float(w) for w in str(opts["largeurs"]).split()]
        right = {int(c) - 1 for c in str(opts.get("droite", "")).split()}
        size = float(opts.get("taille", 10 if kind == "signatures" else 9))
    except ValueError:
        raise head.error("largeurs, droite et taille sont des nombres (« largeurs=\"8 3.6 5\" »)") from None
    if not rows:
        raise head.error(f"[{kind}] sans lignes « | … | » à la suite")
    table_rows = []
    for line in rows:
        cells = _cells(line)
        if len(cells) == 1 and TR_ROW.fullmatch(cells[0]):
            cells += [""] * (len(widths) - 1)  # a `{%tr %}` row: the other cells are empty
        if len(cells) != len(widths):
            raise line.error(f"{len(cells)} cellule{'s' if len(cells) > 1 else ''} pour {len(widths)} "
                             f"largeur{'s' if len(widths) > 1 else ''} de colonne")
        table_rows.append(cells)
    # `{%tc %}` tag columns vanish when rendered: they do not take room on the page
    width = sum(w for w, h in zip(widths, table_rows[0]) if not h.startswith("{%tc"))
    if width > TEXT_WIDTH + 1e-9:
        raise head.error(f"largeurs : {width:g} cm au total, plus que les {TEXT_WIDTH:g} cm entre les marges")
    if any(c < 0 or c >= len(widths) for c in right):
        raise head.error(f"droite : numéros de colonne de 1 à {len(widths)}")
    return Table(table_rows, widths, right, size, bool(opts.get("total")), kind == "signatures")


def _paragraph(line: _Line, options: list[str], text: str) -> Paragraph | Heading:
    for opt in options:
        if opt not in PARAGRAPH_OPTIONS:
            raise line.error(f"option inconnue « {opt} » ; options : {', '.join(PARAGRAPH_OPTIONS)}, "
                             "ou tableau, signatures, inclure")
    heading = [HEADINGS[o] for o in options if o in HEADINGS]
    if heading:
        if len(options) > 1:
            raise line.error(f"[{options[0]}] ne se combine pas avec d'autres options")
        return Heading(text, heading[0])
    styles = [STYLES[o] for o in options if o in STYLES]
    aligns = [ALIGNS[o] for o in options if o in ALIGNS]
    if len(styles) > 1 or len(aligns) > 1:
        raise line.error("un seul style et un seul alignement par paragraphe")
    if "vide" in options and text:
        raise line.error("[vide] : paragraphe vide, sans texte à la suite")
    return Paragraph(text, styles[0] if styles else None, aligns[0] if aligns else None,
                     "gras" in options, "italique" in options, "avec-suivant" in options, (line.path, line.number))


def parse(path: Path) -> Source:
    """The blocks of the wording source `path` (SourceError on a mistake)."""
    path = Path(path)
    front, lines = _front_matter(_lines(path), path)
    blocks: list[Block] = []
    open_para: Paragraph | None = None  # the paragraph later lines continue

    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text.strip()
        i += 1
        if COMMENT.fullmatch(text):
            continue
        if not text:
            open_para = None
            continue
        m = re.match(r"(#{1,3}) (.+)", text)
        if m:
            blocks.append(Heading(m.group(2).strip(), f"Heading {len(m.group(1))}"))
            open_para = None
        elif TAG_LINE.fullmatch(text):
            blocks.append(Tag(text))
            open_para = None
        elif text.startswith("- "):
            open_para = Paragraph(text[2:].strip(), "List Bullet", where=(line.path, line.number))
            blocks.append(open_para)
        elif text.startswith("[") and "]" in text:
            inner, _, rest = text[1:].partition("]")
            words = _options(line, inner)
            if words and words[0] in ("tableau", "signatures"):
                if rest.strip():
                    raise line.error(f"[{words[0]} …] : rien après le crochet ; les lignes suivent, « | … | »")
                rows = []
                while i < len(lines) and lines[i].text.strip().startswith("|"):
                    rows.append(lines[i])
                    i += 1
                blocks.append(_table(line, words, rows))
                open_para = None
                continue
            block = _paragraph(line, words, rest.strip())
            blocks.append(block)
            open_para = block if isinstance(block, Paragraph) and "vide" not in words else None
        elif text.startswith("|"):
            raise line.error("ligne de tableau sans « [tableau largeurs=\"…\"] » juste avant")
        elif open_para is not None:
            sep = "" if open_para.text.endswith("<br>") or not open_para.text else " "
            open_para.text += sep + text
        else:
            open_para = Paragraph(text, where=(line.path, line.number))
            blocks.append(open_para)
    for each in blocks:
        if isinstance(each, (Paragraph, Heading)):
            each.text = each.text.replace("<br>", "\n")
        if isinstance(each, Paragraph) and "{%p" in each.text:
            raise SourceError(each.where[0], each.where[1], "balise {%p … %} au milieu d'un paragraphe : elle doit être seule "
                              "sur sa ligne")
    return Source(front["titre"], front["en-tête"], front["pied de page"], blocks)
