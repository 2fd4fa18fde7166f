"""Build the default Word templates of ptms from their wording sources.

    python templates/build.py            # writes src/ptms_cli/templates/*.docx
    python templates/build.py --check    # exit 1 if the shipped files differ from their sources

One source per document, `templates/src/<template>.md` (the words, in a small Markdown-like format
described in `templates/README.md`); `_NAME.md` files are fragments shared through `[inclure NAME]`.
`docbuilder.py` holds the house style (fonts, numbering, tables, header and footer). The .docx are
docxtpl templates and byte-reproducible (fixed properties and zip timestamps): a diff of the
sources is the review of a template change, and a test checks that the shipped .docx match them.
"""

from __future__ import annotations

import io
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = HERE / "src"
OUT = ROOT / "src" / "ptms_cli" / "templates"
sys.path[:0] = [str(HERE), str(ROOT / "src")]

import docbuilder  # noqa: E402
import docsource  # noqa: E402
from ptms_cli.documents.catalog import DOCUMENTS, FOLLOWUP  # noqa: E402
from ptms_cli.documents.render import normalize_docx  # noqa: E402


def source_path(template: str) -> Path:
    return SOURCES / (template.removesuffix(".docx") + ".md")


def build_one(template: str) -> bytes:
    buf = io.BytesIO()
    docbuilder.build(docsource.parse(source_path(template))).save(buf)
    return normalize_docx(buf.getvalue())


def build() -> dict[str, bytes]:
    return {spec.template: build_one(spec.template) for spec in DOCUMENTS + FOLLOWUP}


def difference(path: Path, data: bytes) -> str | None:
    """Why the shipped file `path` differs from `data` (the parts that differ), or None if identical.

    The output is the same byte for byte with python-docx 0.8.11, 1.0.1, 1.1.2 and 1.2.0 (checked); a
    future python-docx that changed its default styles would show here as « word/styles.xml ».
    """
    if not path.exists():
        return "absent"
    shipped = path.read_bytes()
    if shipped == data:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(shipped)) as old, zipfile.ZipFile(io.BytesIO(data)) as new:
            names = sorted(set(old.namelist()) | set(new.namelist()))
            parts = [n for n in names if n not in old.namelist() or n not in new.namelist()
                     or old.read(n) != new.read(n)]
    except zipfile.BadZipFile:
        return "fichier .docx illisible"
    return (f"parties différentes : {', '.join(parts) or 'ordre ou compression du zip'} "
            f"(python-docx {version('python-docx')})")


def main(argv: list[str]) -> int:
    try:
        built = build()
    except docsource.SourceError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    if "--check" in argv:
        stale = {n: difference(OUT / n, data) for n, data in built.items()}
        stale = {n: why for n, why in stale.items() if why}
        for n, why in stale.items():
            print(f"modèle à reconstruire (python templates/build.py) : {n} — {why}")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in built.items():
        (OUT / name).write_bytes(data)
        print(f"{OUT / name} ({len(data)} octets)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
