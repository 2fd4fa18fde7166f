"""The only place that reads YAML for validation: safe, bounded, and located.

The file is composed into a node tree with PyYAML's C composer (never constructed by PyYAML, so no
tag can run code), then turned into plain Python values here. Every key and value keeps its line
and column; duplicate keys, unknown tags, alias bombs, wrong encodings and oversized files are
errors with a location.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.resolver import Resolver

from .findings import Finding, error
from .reporters import shown

MAX_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 100
MAX_NODES = 200_000
MAX_DEPTH = 100  # nested lists/mappings: a project is about 6 levels deep; Python's recursion ends near 500
MAX_NUMBER_CHARS = 100  # a number written with more characters is not a ptms value (amounts have 12 digits)
MAX_EXPONENT = 50  # 1e-999999999 is refused before it becomes a Decimal that exact arithmetic would expand

Loc = tuple  # path of keys and indexes from the document root

_TAG = "tag:yaml.org,2002:"
_ALLOWED_SCALARS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}

# PyYAML's English problems -> French explanations.
_PROBLEMS = [
    ("cannot start any token", "caractère interdit à cet endroit (une tabulation ? YAML s'indente avec des espaces)"),
    ("found a tab character", "tabulation interdite : YAML s'indente avec des espaces"),
    ("could not find expected ':'", "« : » attendu après une clé"),
    ("mapping values are not allowed here",
     "« : » inattendu (indentation incohérente, ou une valeur contenant « : » à mettre entre guillemets)"),
    ("found undefined alias", "alias « * » non défini"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet, crochet ou accolade non fermé ?)"),
    ("did not find expected key", "clé attendue : l'indentation est incohérente"),
    ("did not find expected node content", "valeur attendue"),
    ("did not find expected '-' indicator", "élément de liste « - » attendu : l'indentation est incohérente"),
    ("expected <block end>", "indentation incohérente"),
    ("expected ',' or ']'", "« , » ou « ] » attendu dans la liste entre crochets"),
    ("expected ',' or '}'", "« , » ou « } » attendu dans le dictionnaire entre accolades"),
    ("special characters are not allowed", "caractère de contrôle interdit dans un fichier YAML"),
    ("expected a single document", "un seul document YAML attendu (le fichier contient « --- » plusieurs fois)"),
    ("found unknown escape character", "séquence d'échappement inconnue entre guillemets doubles"),
    ("found character that cannot start any token", "caractère interdit en début de valeur (à mettre entre guillemets)"),
    ("while scanning an alias", "alias invalide"),
    ("while scanning an anchor", "ancre invalide"),
    ("found unexpected ':'", "« : » inattendu"),
    ("exceeded maximum nesting depth", f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux de listes ou de clés)"),
]


class LoadError(Exception):
    """The file cannot be turned into data. `unreadable` means exit code 2 (not a finding)."""

    def __init__(self, finding: Finding, unreadable: bool = False):
        super().__init__(finding.message)
        self.finding = finding
        self.unreadable = unreadable


@dataclass
class Loaded:
    file: str
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    # errors met while reading that did not stop it (duplicate keys, with `keep_going`)
    findings: list[Finding] = field(default_factory=list)
    # path of a value written as an alias (`*ref`) -> line and column of its anchor (`&ref`): the
    # value and everything under it are located at the alias, `note` names the anchor
    anchors: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value (or key) at `loc`, or of its nearest ancestor."""
        loc = tuple(loc)
        while True:
            table = self.keys if key and loc in self.keys else self.values
            if loc in table:
                return table[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]

    def note(self, loc: Loc) -> str:
        """« (alias « * » : valeur de l'ancre ligne 16, colonne 25) » when `loc` is reached through an alias."""
        loc = tuple(loc)
        for n in range(len(loc), 0, -1):
            if loc[:n] in self.anchors:
                line, col = self.anchors[loc[:n]]
                return f" (alias « * » : valeur de l'ancre ligne {line}, colonne {col})"
        return ""


def read_text(path: Path, shown: str) -> str:
    """Read a project file as UTF-8 text (BOM and CRLF accepted)."""

    def fail(msg: str, hint: str = "", code: str = "PTMS-E001", line: int = 0, col: int = 0) -> LoadError:
        return LoadError(error(code, msg, file=shown, hint=hint, line=line, column=col), unreadable=True)

    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise fail("c'est un dossier, pas un fichier", "Donnez un fichier .yaml ou utilisez « ptms validate DOSSIER ».")
        if not stat.S_ISREG(info.st_mode):
            raise fail("ce n'est pas un fichier ordinaire (périphérique, tube…)", "Donnez un fichier .yaml.")
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # never more, whatever stat said
        if len(raw) > MAX_BYTES:
            raise fail(f"fichier trop gros (plus de {MAX_BYTES} octets)", code="PTMS-E006")
    except FileNotFoundError:
        raise fail("fichier introuvable", "Vérifiez le chemin et le nom du fichier.") from None
    except PermissionError:
        raise fail("lecture interdite (droits insuffisants)") from None
    except OSError as exc:
        from .writing import os_reason

        raise fail(f"lecture impossible ({os_reason(exc)})") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("fichier encodé en UTF-16", "Enregistrez le fichier en UTF-8.", code="PTMS-E002")
    if b"\x00" in raw:
        pos = raw.index(b"\x00")
        line, col = _byte_position(raw, pos)
        raise fail("fichier binaire (octet nul)", "Un projet ptms est un fichier texte YAML en UTF-8.",
                   code="PTMS-E002", line=line, col=col)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        raise fail(
            f"octet {raw[exc.start]:#04x} invalide en UTF-8 (fichier en Latin-1 ou Windows-1252 ?)",
            "Enregistrez le fichier en UTF-8 (dans votre éditeur : « Enregistrer sous… », encodage UTF-8).",
            code="PTMS-E002", line=line, col=col,
        ) from None
    return text


def _byte_position(raw: bytes, pos: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, pos) + 1
    start = raw.rfind(b"\n", 0, pos) + 1
    return line, len(raw[start:pos].decode("utf-8", "replace")) + 1


def load(path: Path | str, shown: str | None = None, keep_going: bool = False) -> Loaded:
    path = Path(path)
    shown = shown if shown is not None else str(path)
    return parse(read_text(path, shown), shown, keep_going)


def parse(text: str, shown: str, keep_going: bool = False) -> Loaded:
    """The data of `text` with its positions. A duplicate key raises `LoadError`, or with
    `keep_going` (validation: every finding in one run) is an E004 in `Loaded.findings` and the
    first value is kept."""
    try:
        root = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or ""
        fr = next((f for e, f in _PROBLEMS if e in problem or e in (exc.context or "")), None)
        msg = fr or "syntaxe YAML invalide à cet endroit"  # never PyYAML's English text
        raise LoadError(
            error("PTMS-E003", msg, file=shown, line=mark.line + 1 if mark else 0, column=mark.column + 1 if mark else 0,
                  hint="Vérifiez l'indentation (espaces, pas de tabulation) et les guillemets autour de cette position.")
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (BEL, ESC…): located by its offset
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise LoadError(error("PTMS-E003", f"caractère de contrôle interdit dans un fichier YAML (U+{char:04X})",
                              file=shown, line=line, column=col,
                              hint="Supprimez ce caractère invisible, ou écrivez-le entre guillemets doubles (ex. « \\t »).")) from None
    except yaml.YAMLError:  # pragma: no cover - unmarked errors are rare
        raise LoadError(error("PTMS-E003", "syntaxe YAML invalide", file=shown, line=1, column=1)) from None
    if root is None:
        raise LoadError(error("PTMS-E007", "le fichier est vide (ou ne contient que des commentaires)", file=shown,
                              line=1, column=1, hint="Créez un projet avec « ptms init FICHIER »."))
    loaded = Loaded(shown, None)
    data = _build(loaded, root, keep_going)
    if loaded.anchors:  # aliases met: compose again, keeping where each alias is written (rare, slower)
        root, marks = _compose_with_aliases(text)
        loaded = Loaded(shown, None)
        data = _build(loaded, root, keep_going, marks)
    if not isinstance(data, dict):
        kind = "une liste" if isinstance(data, list) else "une valeur simple"
        raise LoadError(error("PTMS-E007", f"le document est {kind}, un dictionnaire de clés est attendu",
                              file=shown, line=root.start_mark.line + 1, column=root.start_mark.column + 1,
                              hint="Un projet commence par « schema_version: 1 » puis « name: … »."))
    loaded.data = data
    return loaded


# --- composing: PyYAML's composer (C when available) with a memoised implicit-tag resolver ------

_RESOLVED: dict[str, str] = {}  # plain scalar text -> its implicit tag (a pure function of the text)
_RESOLVED_MAX = 20_000  # bound: the table is emptied when it grows past this...
_RESOLVED_LEN = 64  # ...and only short texts are kept (ids, keys, numbers, dates: what repeats)


class _Composer(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe composer; the implicit tag of a plain scalar is looked up before PyYAML's regexes.

    PyYAML's `Resolver.resolve` tries up to three regular expressions per plain scalar; its answer
    depends only on the text (we register no path resolver), so it is remembered per short text
    (memory stays bounded over a batch of any number of files).
    """

    def resolve(self, kind, value, implicit, _resolve=Resolver.resolve, _scalar=yaml.ScalarNode):
        if kind is _scalar and implicit[0] and len(value) <= _RESOLVED_LEN:
            tag = _RESOLVED.get(value)
            if tag is None:
                if len(_RESOLVED) >= _RESOLVED_MAX:
                    _RESOLVED.clear()
                tag = _RESOLVED[value] = _resolve(self, kind, value, implicit)
            return tag
        return _resolve(self, kind, value, implicit)

    def descend_resolver(self, current_node, current_index):  # no path resolvers: nothing to track
        return None

    def ascend_resolver(self):
        return None


class _AliasComposer(yaml.SafeLoader):
    """PyYAML's Python composer, noting where each alias (`*ref`) is written: the C composer, like
    this one, hands back the anchored node itself and forgets the alias's position."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.alias_marks: dict[tuple[int, Any], yaml.Mark] = {}

    def compose_node(self, parent, index):
        if parent is not None and index is not None and self.check_event(yaml.AliasEvent):
            key = index if isinstance(index, int) else id(index)  # a list index, or the key node of a mapping
            self.alias_marks[(id(parent), key)] = self.peek_event().start_mark
        return super().compose_node(parent, index)


def _compose_with_aliases(text: str) -> tuple[yaml.Node, dict]:
    loader = _AliasComposer(text)
    try:
        return loader.get_single_node(), loader.alias_marks
    finally:
        loader.dispose()


# --- building: nodes -> plain values, with the location of every key and value -----------------

_STR, _MAP, _SEQ, _MERGE, _INT, _FLOAT = (_TAG + t for t in ("str", "map", "seq", "merge", "int", "float"))
# What `SafeConstructor.construct_object` would call for the other allowed scalar tags. These
# constructors only read the node's text, so one shared constructor serves every file.
_CONSTRUCTORS = {tag: yaml.SafeLoader.yaml_constructors[tag] for tag in _ALLOWED_SCALARS}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_OTHER_KEYS = (dt.date, Decimal, float, bool)  # keys of these types keep their text


def _fail(loaded: Loaded, code: str, node: yaml.Node, msg: str, hint: str = "") -> LoadError:
    m = node.start_mark
    return LoadError(error(code, msg, file=loaded.file, line=m.line + 1, column=m.column + 1, hint=hint))


def _tag_error(loaded: Loaded, node: yaml.Node) -> LoadError:
    return _fail(loaded, "PTMS-E005", node, f"étiquette YAML « {node.tag.replace(_TAG, '!!')} » non autorisée",
                 "Seules les valeurs YAML simples sont acceptées ; rien n'est jamais exécuté.")


_EXPONENT = re.compile(r"[eE]([-+]?[0-9]+)$")
_OTHER_BASE = re.compile(r"[-+]?0[0-9_xXbB]")  # an integer YAML 1.1 would read in base 8, 16 or 2


def _number_bounds(loaded: Loaded, node: yaml.Node) -> None:
    """Refuse numbers no project needs before converting them: a 5 000-digit hexadecimal, or an
    exponent that exact (Fraction) arithmetic would expand into a billion digits."""
    text = node.value
    if len(text) > MAX_NUMBER_CHARS:
        raise _fail(loaded, "PTMS-E011", node, f"nombre trop long (plus de {MAX_NUMBER_CHARS} caractères)",
                    "Écrivez le nombre en chiffres, sans exposant (ex. 12000.50), ou entre guillemets si c'est un texte.")
    exponent = _EXPONENT.search(text)
    if exponent and abs(int(exponent.group(1))) > MAX_EXPONENT:
        raise _fail(loaded, "PTMS-E011", node, f"nombre hors limites : « {text} » (exposant au-delà de {MAX_EXPONENT})",
                    "Écrivez le nombre en chiffres, sans exposant (ex. 0.02 pour 2 %).")


def _scalar(loaded: Loaded, node: yaml.Node) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag not in _ALLOWED_SCALARS:
        raise _tag_error(loaded, node)
    if tag == _FLOAT or tag == _INT:
        _number_bounds(loaded, node)
    if tag == _FLOAT:
        # Floats become exact decimals: 12000.10 must stay 12000.10, not 12000.0999…
        text = node.value.replace("_", "")
        try:
            return Decimal(text)
        except InvalidOperation:
            return float(_CONSTRUCTOR.construct_yaml_float(node))
    if tag == _INT and (":" in node.value or _OTHER_BASE.match(node.value)):
        # YAML 1.1 base 60 (`14:00` = 840): an hour is meant; octal (`010000` = 4096, a postal code
        # `01000` = 512), hexadecimal, binary: a person writes base ten. Kept as text: the model reads
        # `010000` as 10000 where it wants a number (and `01000` as written where it wants a text),
        # and refuses `0x1F` with the field's position.
        return node.value
    try:
        return _CONSTRUCTORS[tag](_CONSTRUCTOR, node)
    except (yaml.YAMLError, ValueError):
        # e.g. 2026-02-30: left as text, the model then says which date format it expects
        return node.value


_WHOLE_NUMBER = re.compile(r"[-+]?[0-9][0-9_]{0,11}(\.0*)?")


def _normal_key(key: Any) -> Any:
    """The key as the model reads it: `2026`, `'2026'` and `2026.0` are one year (one key)."""
    if isinstance(key, str) and _WHOLE_NUMBER.fullmatch(key):
        return int(key.split(".")[0].replace("_", ""))
    return key


def _written(knode: yaml.Node) -> str:
    """A key as written in the file, quotes included (`'2026'` is not `2026` to the eye)."""
    quote = knode.style if knode.style in ("'", '"') else ""
    return f"{quote}{knode.value}{quote}"


def _build(loaded: Loaded, root: yaml.Node, keep_going: bool = False, marks: dict | None = None) -> Any:
    """The plain value of `root`; fills `loaded.values` and `loaded.keys` (1-based line, column).

    Aliases are counted (an aliased node is met again) and bounded, as is the number of values.
    One closure walks the tree: this runs for every node of every file validated or rendered.
    An aliased node met again is noted in `loaded.anchors`; with `marks` (where each alias is
    written, `_AliasComposer`), it and what it contains are located at the alias.
    """
    values, keys = loaded.values, loaded.keys
    seen: set[int] = set()  # ids of the nodes met so far
    stack: set[int] = set()  # ids of the collections being built (an alias to one is recursive)
    nodes = aliases = 0
    ScalarNode, MappingNode, SequenceNode = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode

    def build(node: yaml.Node, loc: Loc, at: tuple[int, int] | None = None) -> Any:
        nonlocal nodes, aliases
        nodes += 1
        if len(loc) > MAX_DEPTH:
            raise _fail(loaded, "PTMS-E006", node, f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux de listes ou de clés)",
                        "Un projet ptms a une dizaine de niveaux au plus : vérifiez les crochets et l'indentation.")
        nid = id(node)
        if nid in seen:
            aliases += 1
            if nid in stack:
                raise _fail(loaded, "PTMS-E006", node, "alias récursif (une ancre se contient elle-même)")
            if aliases > MAX_ALIASES:
                raise _fail(loaded, "PTMS-E006", node, f"trop d'alias (plus de {MAX_ALIASES})",
                            "Les alias « * » sont limités pour éviter les fichiers piégés.")
        if nodes > MAX_NODES:
            raise _fail(loaded, "PTMS-E006", node, f"document trop volumineux (plus de {MAX_NODES} valeurs)",
                        "Les alias imbriqués démultiplient la taille du document.")
        seen.add(nid)
        m = node.start_mark
        if loc not in values:
            values[loc] = at or (m.line + 1, m.column + 1)
        kind = node.__class__
        if kind is ScalarNode:
            return node.value if node.tag == _STR else _scalar(loaded, node)
        if kind is MappingNode:
            if node.tag != _MAP:
                raise _tag_error(loaded, node)
            stack.add(nid)
            out: dict = {}
            first_of: dict = {}  # normalised key -> (key as written, line, column)
            for knode, vnode in node.value:
                if knode.tag == _STR and knode.__class__ is ScalarNode:
                    key = knode.value
                else:
                    if knode.tag == _MERGE:
                        raise _fail(loaded, "PTMS-E005", knode, "les fusions « << » ne sont pas prises en charge",
                                    "Recopiez les clés au lieu de fusionner une ancre.")
                    if not isinstance(knode, ScalarNode):
                        raise _fail(loaded, "PTMS-E003", knode, "une clé doit être un texte simple")
                    key = _scalar(loaded, knode)
                    if isinstance(key, _OTHER_KEYS) or key is None:
                        key = knode.value
                kloc = loc + (key,)
                km = knode.start_mark
                written = _written(knode)
                norm = _normal_key(key)
                if norm in first_of:
                    was, line, col = first_of[norm]
                    same = "" if was == written else f", écrite « {shown(was)} » : les deux désignent la même clé"
                    duplicate = _fail(loaded, "PTMS-E004", knode,
                                      f"clé « {shown(written)} » en double : déjà définie ligne {line}, colonne {col}"
                                      f" ({loaded.file}:{line}:{col}){same}"
                                      + (" ; la suite est vérifiée avec la première valeur" if keep_going else ""),
                                      "YAML garderait silencieusement la dernière valeur : supprimez ou fusionnez l'une des deux.")
                    if not keep_going:
                        raise duplicate
                    loaded.findings.append(duplicate.finding)
                    continue  # the second value is not read: the first one stands
                first_of[norm] = (written, km.line + 1, km.column + 1)
                keys[kloc] = at or (km.line + 1, km.column + 1)
                out[key] = build(vnode, kloc, at if at is not None or id(vnode) not in seen
                                 else _alias_at(node, knode, vnode, kloc))
            stack.discard(nid)
            return out
        if kind is SequenceNode:
            if node.tag != _SEQ:
                raise _tag_error(loaded, node)
            stack.add(nid)
            items = [build(item, loc + (i,), at if at is not None or id(item) not in seen
                           else _alias_at(node, i, item, loc + (i,))) for i, item in enumerate(node.value)]
            stack.discard(nid)
            return items
        return _scalar(loaded, node)

    def _alias_at(parent: yaml.Node, index: Any, child: yaml.Node, loc: Loc) -> tuple[int, int] | None:
        """Where the alias `child` (a node met before) is written; None when not known (no `marks`)."""
        cm = child.start_mark
        loaded.anchors[loc] = (cm.line + 1, cm.column + 1)
        mark = marks.get((id(parent), index if isinstance(index, int) else id(index))) if marks else None
        return (mark.line + 1, mark.column + 1) if mark is not None else None

    return build(root, ())
