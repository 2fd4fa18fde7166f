"""What the after-signature commands (`amend`, `calls`, `report`, `sign`) share: loading a version,
finding the signed one, parsing `--format`, showing what was written."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .app import EXIT_FINDINGS, EXIT_USAGE


def formats(value: str, allowed: tuple[str, ...], option: str = "--format") -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(x.strip().lower() for x in value.split(",") if x.strip()))
    bad = [x for x in wanted if x not in allowed]
    if bad or not wanted:
        what = "document" if option == "--doc" else "format"  # `sign --doc` lists documents
        raise typer.BadParameter(f"{what} « {', '.join(bad) or value} » inconnu ; {what}s possibles : "
                                 + ", ".join(allowed), param_hint=option)
    return wanted


def out_dir(file: Path, out: Path | None, suffix: str = "documents") -> Path:
    target = out if out is not None else file.parent / f"{file.stem}-{suffix}"
    if target.exists() and not target.is_dir():
        print(f"Erreur : « {target} » existe et n'est pas un dossier.", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    return target


def signed_version(file: Path, given: Path | None):
    """The signed version's path: `given` (`--from`), else the record of `ptms sign` beside `file`;
    (path, record dict or None). Exit 2 with a French message when there is none."""
    from ..aftersign import sign

    if given is not None:
        return given, None
    try:
        found = sign.find(file)
    except sign.SignError as exc:
        print(f"Erreur : {exc}.", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE) from None
    if found is None:
        print(f"Erreur : aucune version signée de « {file} » : indiquez-la avec « --from SIGNE.yaml », ou enregistrez "
              f"la signature avec « ptms sign {file} » (dossier « {sign.folder_for(file)} »).", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE)
    return found.copy, found.record


def show_outcome(outcome) -> None:
    """Written files on stdout, problems on stderr; exit 1 if anything failed."""
    for path in outcome.written:
        print(f"écrit : {path}")
    for path in outcome.unchanged:
        print(f"inchangé : {path}")
    for path in outcome.protected:
        print(f"Erreur : « {path} » a été modifié depuis sa génération : il n'est pas écrasé "
              "(relancez avec --force pour l'écraser).", file=sys.stderr)
    for message in outcome.errors:
        print(f"Erreur : {message}", file=sys.stderr)
    if outcome.failed:
        raise typer.Exit(EXIT_FINDINGS)
