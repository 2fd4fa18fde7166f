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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = HERE / "src"
OUT = ROOT / "src" / "ptms_cli" / "templates"
sys.path[:0] = [str(HERE), str(ROOT / "src")]

import docbuilder  # noqa: E402
import docsource  # noqa: E402
from ptms_cli.documents.catalog import DOCUMENTS  # noqa: E402
from ptms_cli.documents.render import normalize_docx  # noqa: E402


def source_path(template: str) -> Path:
    return SOURCES / (template.removesuffix(".docx") + ".md")


def build_one(template: str) -> bytes:
    buf = io.BytesIO()
    docbuilder.build(docsource.parse(source_path(template))).save(buf)
    return normalize_docx(buf.getvalue())


def build() -> dict[str, bytes]:
    return {spec.template: build_one(spec.template) for spec in DOCUMENTS}


def main(argv: list[str]) -> int:
    try:
        built = build()
    except docsource.SourceError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    if "--check" in argv:
        stale = [n for n, data in built.items() if not (OUT / n).exists() or (OUT / n).read_bytes() != data]
        for n in stale:
            print(f"modèle à reconstruire (python templates/build.py) : {n}")
        return 1 if stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in built.items():
        (OUT / name).write_bytes(data)
        print(f"{OUT / name} ({len(data)} octets)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
