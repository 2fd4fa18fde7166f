"""The only module that WRITES project YAML: ruamel.yaml round-trip, in place.

The wizards read the file here, work on plain Python values (`plain`), then `merge` the new values
back into the round-trip tree: untouched keys keep their comments, order, quotes and flow style;
changed scalars are replaced; removed keys and list items are deleted; new ones are appended.
ruamel.yaml is used because PyYAML drops comments on rewrite (see design notes).
Money (`Decimal`) is written as a plain number (42000.00), dates as ISO (2026-01-01).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import io
import os
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, merge_attrib
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .writing import write_atomic

MODELINE = "# yaml-language-server: $schema={schema}"

# Indentation styles tried, most common first: the one that reproduces the file is kept.
_INDENTS = [(2, 4, 2), (2, 2, 0), (4, 4, 0), (4, 6, 2), (2, 3, 1), (4, 4, 2)]


def _represent_decimal(representer: RoundTripRepresenter, value: Decimal):
    text = format(value, "f")
    if value == value.to_integral_value() and "." not in text:
        return representer.represent_scalar("tag:yaml.org,2002:int", text)
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


def _yaml(indent: tuple[int, int, int] = _INDENTS[0]) -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    y.Representer.add_representer(Decimal, _represent_decimal)
    return y


class Conflict(Exception):
    """The file changed on disk since it was read (another wizard, a hand edit): nothing was written."""

    def __init__(self, path: Path, reason: str):
        super().__init__(reason)
        self.path = path
        self.reason = reason


BOM = "\ufeff"  # a UTF-8 byte order mark some Windows editors write first: kept byte for byte


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


LOCK_WAIT = 30.0  # seconds a save waits for another ptms process writing in the same folder


@contextlib.contextmanager
def folder_lock(path: Path, wait: float = LOCK_WAIT):
    """Exclusive lock of the folder of `path` between ptms processes (flock on the folder itself: no lock
    file left behind). Held only around compare-and-replace, so waiting is short; after `wait` seconds
    raises `Conflict`. Without `fcntl` (Windows) only the digest comparison protects."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    try:
        fd = os.open(path.parent if str(path.parent) else ".", os.O_RDONLY)
    except OSError:  # folder unreadable: the write itself will report the French error
        yield
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Conflict(path, "un autre processus ptms écrit dans ce dossier depuis plus de "
                                         f"{wait:.0f} secondes") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


class Document:
    """A project file opened for editing: the round-trip tree and how to write it back.

    `digest` is the SHA-256 of the bytes read (None: the file did not exist); `save` writes only if
    the file still has them, so a concurrent wizard or a hand edit made meanwhile is never reverted."""

    def __init__(self, path: Path, text: str | None):
        self.path = Path(path)
        self.original = text
        self.digest = _digest(text.encode("utf-8")) if text is not None else None  # decoding UTF-8 is lossless
        self.indent = _INDENTS[0]
        self.preamble = ""
        self.newline = "\r\n" if text and "\r\n" in text else "\n"
        self.bom = BOM if text and text.startswith(BOM) else ""  # written back as it was read
        if text is None:
            self.tree: CommentedMap = CommentedMap()
            return
        self.preamble, body = _split_preamble(text[len(self.bom):].replace("\r\n", "\n"))
        tree = _yaml().load(body)
        self.tree = tree if isinstance(tree, CommentedMap) else CommentedMap()
        for indent in _INDENTS:
            if _dump(self.tree, indent).rstrip("\n") == body.rstrip("\n"):
                self.indent = indent
                break

    def data(self) -> dict:
        """The document as plain Python values (dict, list, str, int, Decimal, date, bool, None)."""
        return plain(self.tree)

    def update(self, values: dict, keys: list[str] | None = None) -> None:
        """Merge `values` (plain) into the tree; with `keys`, only those top-level keys change.

        A node the file shares between places (anchor `&f` and alias `*f`, or merge key `<<: *f`) is
        un-shared where it changes: that place gets its own copy, the others keep the shared values."""
        self.tree = merge(self.tree, {k: v for k, v in values.items() if keys is None or k in keys},
                          prune=keys is None, shared=shared_nodes(self.tree))
        if keys is not None:
            for k in keys:
                if k not in values and k in self.tree:
                    del self.tree[k]

    def text(self) -> str:
        text = self.bom + self.preamble + _dump(self.tree, self.indent)
        return text.replace("\n", self.newline) if self.newline != "\n" else text

    def changed(self) -> bool:
        return self.text() != self.original

    def save(self) -> bool:
        """Write atomically if something changed; returns True when the file was written.

        Raises `Conflict` (nothing written) when the file on disk is no longer the one read: the
        comparison and the replacement are made under `folder_lock`, so of two ptms processes saving
        the same file at once, the second sees the first one's bytes."""
        if not self.changed():
            return False
        text = self.text()
        data = text.encode("utf-8")
        with folder_lock(self.path):
            if _digest(_read(self.path)) != self.digest:
                raise Conflict(self.path, "le fichier a été créé entre-temps" if self.digest is None
                               else "le fichier a été modifié depuis sa lecture par l'assistant")
            write_atomic(self.path, data, follow_links=True)  # the file the user named
        self.original, self.digest = text, _digest(data)
        return True


def _split_preamble(text: str) -> tuple[str, str]:
    """Comments and directives up to an explicit « --- », kept verbatim (ruamel.yaml drops them)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "%")):
            continue
        if stripped == "---" or stripped.startswith("--- #"):
            return "".join(lines[: i + 1]), "".join(lines[i + 1:])
        break
    return "", text


def open_document(path: Path | str) -> Document:
    path = Path(path)
    return Document(path, path.read_bytes().decode("utf-8") if path.exists() else None)  # keeps \r\n


def new_document(path: Path | str, values: dict, header: list[str], schema: str) -> Document:
    """A new file: modeline, French header comment lines, then `values` in the order given."""
    lines = [MODELINE.format(schema=schema)] + [f"# {h}" if h else "#" for h in header]
    doc = Document(Path(path), None)
    merge(doc.tree, values, prune=True)
    body = doc.text()
    doc.tree = _yaml().load("\n".join(lines) + "\n" + body)
    doc.original = None
    return doc


def plain_document(values: dict, header: list[str]) -> str:
    """Plain values as a YAML text (same number and date forms as project files), after comment lines."""
    doc = Document(Path("."), None)
    merge(doc.tree, values, prune=True)
    return "".join(f"# {h}\n" for h in header) + doc.text()


def _dump(tree: Any, indent: tuple[int, int, int]) -> str:
    out = io.StringIO()
    _yaml(indent).dump(tree, out)
    return out.getvalue()


def plain(node: Any) -> Any:
    """Round-trip node -> plain Python value (ScalarFloat -> Decimal, keeps ints, dates, strings)."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, int) else k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, float):
        value = Decimal(repr(float(node)))
        decimals = _decimals(node)
        return value.quantize(Decimal(1).scaleb(-decimals)) if decimals and value.as_tuple().exponent > -decimals else value  # type: ignore[operator]
    if isinstance(node, int):
        return int(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.datetime):
        return node
    if isinstance(node, dt.date):
        return dt.date(node.year, node.month, node.day)
    return node


def _decimals(node: float) -> int:
    """Digits after the point as written in the file (ruamel.yaml's ScalarFloat keeps them): 42000.00 -> 2."""
    width, prec = getattr(node, "_width", None), getattr(node, "_prec", None)
    if getattr(node, "_exp", None) or not isinstance(width, int) or not isinstance(prec, int):
        return 0
    return max(width - prec - 1, 0)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool) and old == new
    if isinstance(old, (int, float, Decimal)) and isinstance(new, (int, float, Decimal)):
        as_dec = lambda x: Decimal(repr(float(x))) if isinstance(x, float) else Decimal(x)  # noqa: E731
        return as_dec(old) == as_dec(new)
    if isinstance(old, dt.date) and isinstance(new, dt.date):
        return (old.year, old.month, old.day) == (new.year, new.month, new.day)
    if isinstance(old, str) and isinstance(new, str):
        return str(old) == new
    return type(old) is type(new) and old == new


def _equal(old: Any, new: Any) -> bool:
    """Plain values equal as `_same` says, all the way down."""
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_equal(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_equal(a, b) for a, b in zip(old, new))
    return _same(old, new)


def _fresh(value: Any) -> Any:
    """A new node for a plain value: lists of scalars in flow style ([a, b]), like the examples."""
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = _fresh(v)
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_fresh(v) for v in value)
        if all(not isinstance(v, (dict, list)) for v in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and _misread(value):
        return DoubleQuotedScalarString(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    return value


def _misread(text: str) -> bool:
    """Would the project loader (PyYAML, YAML 1.1) read this plain string as something else?

    « 16:00 » is a sexagesimal number and « oui »/« no » may be booleans in YAML 1.1, while
    ruamel.yaml writes YAML 1.2 and leaves them plain: quote them.
    """
    import yaml

    return yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str"


def shared_nodes(tree: Any) -> frozenset[int]:
    """Identities of the containers reachable by more than one path: an anchored node used by an alias,
    a map used by a merge key (« <<: *f »), and everything inside them."""
    seen: Counter[int] = Counter()

    def walk(node: Any) -> None:
        if not isinstance(node, (CommentedMap, CommentedSeq)):
            return
        seen[id(node)] += 1
        if seen[id(node)] > 1:
            return
        if isinstance(node, CommentedMap):
            for base in getattr(node, merge_attrib, None) or ():
                seen[id(base)] += 1  # reached through the merge key as well as where it is written
            for value in node.values():  # merged keys included: their values are shared with the base
                walk(value)
        else:
            for value in node:
                walk(value)

    walk(tree)
    shared: set[int] = set()

    def mark(node: Any, inherited: bool) -> None:
        if not isinstance(node, (CommentedMap, CommentedSeq)):
            return
        inherited = inherited or seen[id(node)] > 1
        if inherited:
            if id(node) in shared:
                return
            shared.add(id(node))
        for value in (node.values() if isinstance(node, CommentedMap) else node):
            mark(value, inherited)

    mark(tree, False)
    return frozenset(shared)


def _unshared(node: Any) -> Any:
    """A copy of a shared node for one place: same comments and style, no anchor, no merge key
    (the merged keys become the copy's own)."""
    if isinstance(node, CommentedMap) and getattr(node, merge_attrib, None):
        return _fresh(plain(node))  # inherited keys can be neither removed nor changed in place
    copied = copy.deepcopy(node)
    stack = [copied]
    while stack:
        item = stack.pop()
        if isinstance(item, (CommentedMap, CommentedSeq)):
            item.anchor.value = None
            stack.extend(item.values() if isinstance(item, CommentedMap) else item)
    return copied


def merge(node: Any, new: Any, prune: bool = True, shared: frozenset[int] = frozenset()) -> Any:
    """Update the round-trip `node` to equal `new`, touching only what differs; returns the node
    (a new one when `node` is in `shared` and must change: see `Document.update`)."""
    if isinstance(node, (CommentedMap, CommentedSeq)) and (id(node) in shared or getattr(node, merge_attrib, None)):
        if _equal(plain(node), new):
            return node
        node = _unshared(node)
    if isinstance(node, CommentedMap) and isinstance(new, dict):
        if prune:
            for key in [k for k in node if k not in new]:
                del node[key]
        for key, value in new.items():
            if key in node and isinstance(node[key], (CommentedMap, CommentedSeq)) and isinstance(value, (dict, list)):
                merged = merge(node[key], value, shared=shared)
                if merged is not node[key]:
                    node[key] = merged
            elif key in node and _same(node[key], value):
                continue
            else:
                node[key] = _fresh(value)
        return node
    if isinstance(node, CommentedSeq) and isinstance(new, list):
        return _merge_seq(node, new, shared)
    return _fresh(new)


def _key(item: Any) -> Any:
    return item.get("id") if isinstance(item, dict) else None


def _merge_seq(seq: CommentedSeq, new: list, shared: frozenset[int] = frozenset()) -> CommentedSeq:
    old_ids = [_key(x) for x in seq]
    new_ids = [_key(x) for x in new]
    by_id = all(i is not None for i in old_ids + new_ids) and len(set(new_ids)) == len(new_ids)
    if by_id:
        for i in reversed(range(len(seq))):
            if old_ids[i] not in new_ids:
                del seq[i]
        kept = [_key(x) for x in seq]
        if new_ids[: len(kept)] != kept:  # reordered or inserted in the middle: rebuild in the new order
            nodes = {_key(x): x for x in seq}
            rebuilt = CommentedSeq(merge(nodes[_key(v)], v, shared=shared) if _key(v) in nodes else _fresh(v) for v in new)
            rebuilt.fa._flow_style = seq.fa.flow_style()
            return rebuilt
        position = {k: n for n, k in enumerate(kept)}
        for v in new:
            k = _key(v)
            if k in position:
                merged = merge(seq[position[k]], v, shared=shared)
                if merged is not seq[position[k]]:
                    seq[position[k]] = merged
            else:
                seq.append(_fresh(v))
        return seq
    for i in reversed(range(len(new), len(seq))):
        del seq[i]
    for i, v in enumerate(new):
        if i < len(seq):
            if isinstance(seq[i], (CommentedMap, CommentedSeq)) and isinstance(v, (dict, list)):
                merged = merge(seq[i], v, shared=shared)
                if merged is not seq[i]:
                    seq[i] = merged
            elif not _same(seq[i], v):
                seq[i] = _fresh(v)
        else:
            seq.append(_fresh(v))
    return seq
