"""The shape of the package: no import cycle between modules, every rule's codes declared."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import ptms_cli

ROOT = Path(ptms_cli.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["ptms_cli", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ROOT.rglob("*.py")}


def _parents(name: str) -> list[str]:
    """`a.b.c` -> [`a`, `a.b`]: importing a module runs its packages' `__init__` first."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _imports(tree: ast.AST):
    """Every import statement, at module level or inside a function (an import deferred into a
    function to dodge a cycle is still a dependency), except under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child] if isinstance(n, (ast.Import, ast.ImportFrom)))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def module_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of `ptms_cli` that `name` imports, anywhere in the file (see `_imports`).

    `import a.b` and `from a import b` both run `a/__init__` then `a.b`: edges to each of them
    (`from . import x` is an edge to the submodule `x` when `x` is a module, else to the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [mod] + [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in known]
        else:
            continue
        for t in targets:
            for m in [*_parents(t), t]:
                if m in known and m != name and not name.startswith(m + "."):
                    out.add(m)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: module_imports(name, path, known) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle)


def test_cycle_finder_sees_relative_and_package_imports():
    graph = {"ptms_cli.a": {"ptms_cli.b"}, "ptms_cli.b": {"ptms_cli.a"}}
    assert find_cycle(graph) == ["ptms_cli.a", "ptms_cli.b", "ptms_cli.a"]
    known = set(_modules())
    # `from . import referential` in model/base.py is an edge to the module, not to the package
    assert "ptms_cli.referential" in module_imports("ptms_cli.model.base", ROOT / "model" / "base.py", known)
    # `from ..findings import Problem` in a rule module: an edge to findings
    assert "ptms_cli.findings" in module_imports("ptms_cli.checks.ids", ROOT / "checks" / "ids.py", known)
    # an import inside a function counts (`validation.validate_file` imports `checks` there)
    assert "ptms_cli.checks" in module_imports("ptms_cli.validation", ROOT / "validation.py", known)


def test_findings_is_the_bottom():
    assert import_graph()["ptms_cli.findings"] == set()


def test_only_the_cli_imports_the_cli():
    """The wizard (and every core module) talks to the user through the core: `validation`,
    `status`, `reporters`; never through a command module."""
    for name, deps in import_graph().items():
        if not name.startswith("ptms_cli.cli") and name not in ("ptms_cli.console", "ptms_cli.__main__"):  # entry points
            assert not {d for d in deps if d.startswith("ptms_cli.cli")}, name


def test_validate_text_is_validate_file_on_the_same_bytes(tmp_path):
    from ptms_cli.validation import validate_file, validate_text

    for example in sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml")):
        text = example.read_text(encoding="utf-8")
        broken = text.replace("period:", "period: [", 1)  # a YAML error too: same located finding
        for t in (text, broken):
            copy = tmp_path / example.name
            copy.write_text(t, encoding="utf-8")
            by_file = validate_file(copy, step=3, shown="p.yaml")
            by_text = validate_text(t, "p.yaml", step=3)
            assert [f.to_dict() for f in by_text.findings] == [f.to_dict() for f in by_file.findings]
            assert by_file.findings or t == text


@pytest.mark.slow
def test_compute_modules_do_not_import_the_rules():
    graph = import_graph()
    for name, deps in graph.items():
        if name.startswith(("ptms_cli.funding", "ptms_cli.coverage", "ptms_cli.derived")):
            assert not {d for d in deps if d.startswith("ptms_cli.checks")}, name


def test_each_rule_declares_the_codes_its_module_emits():
    from ptms_cli import checks, findings

    declared: dict[str, set[str]] = {}
    for rule in checks.RULES:
        assert set(rule.codes) <= set(findings.CODES), rule.name
        declared.setdefault(rule.check.__module__, set()).update(rule.codes)
    for module, codes in declared.items():
        source = (ROOT / Path(*module.split(".")[1:])).with_suffix(".py").read_text(encoding="utf-8")
        assert set(re.findall(r'"(PTMS-[EW]\d{3})"', source)) == codes, module


def test_steps_are_defined_once_and_cover_the_project():
    from ptms_cli import status, steps
    from ptms_cli.checks import completeness
    from ptms_cli.model import Project
    from ptms_cli.wizard import flows

    keys = {f.alias or name for name, f in Project.model_fields.items()}
    sections = {k for s in steps.ALL for k in s.sections}
    assert sections | set(steps.SETTINGS) == keys and not sections & set(steps.SETTINGS)
    assert set(completeness.NEEDS) == set(steps.NUMBERS) == set(steps.STEPS)
    assert flows.KEYS == {s.command: list(s.sections) for s in steps.ALL}
    assert status.STEPS is steps.STEPS and flows.STEPS is steps.STEPS
