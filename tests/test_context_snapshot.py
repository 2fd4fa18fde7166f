"""The template context is a contract with users' Word templates: its key tree is a reviewed snapshot.

A renamed or removed key breaks a user's template silently (an empty field in the document). This test
makes such a change visible: it fails until the snapshot is regenerated deliberately and committed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "agglo-val-de-marque.yaml"
SNAPSHOT = ROOT / "tests" / "snapshots" / "context-keys.txt"
UPDATE = "PTMS_UPDATE_SNAPSHOTS"


def key_tree(value, path: str = "") -> set[str]:
    """Every key path of a JSON value; the items of a list are merged under `path[]`."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            out.add(child)
            out |= key_tree(item, child)
    elif isinstance(value, list):
        for item in value:
            out |= key_tree(item, f"{path}[]")
    return out


def test_key_tree_merges_list_items_and_nests():
    tree = key_tree({"a": [{"b": 1}, {"c": {"d": 2}}], "e": 3})
    assert tree == {"a", "a[].b", "a[].c", "a[].c.d", "e"}


def test_context_key_tree_matches_the_snapshot():
    run = subprocess.run([sys.executable, "-m", "ptms_cli", "context", str(EXAMPLE)],
                         capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    current = "\n".join(sorted(key_tree(json.loads(run.stdout)))) + "\n"
    if os.environ.get(UPDATE) == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if current != expected:
        old, new = set(expected.splitlines()), set(current.splitlines())
        raise AssertionError(
            "The template context changed: users' Word templates may depend on these keys.\n"
            f"removed: {sorted(old - new)}\nadded: {sorted(new - old)}\n"
            f"If the change is deliberate, regenerate the snapshot and commit it with the change:\n"
            f"  {UPDATE}=1 python -m pytest tests/test_context_snapshot.py\n"
            "and mention the renamed/removed keys in the changelog (users must update their templates).")
