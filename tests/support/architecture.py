"""The import rules of the layers (docs/DEVELOPING.md), checked on the source with `ast`, never by importing it.

core ← analysis, io, notebook ← workbooks ← app, and generators ← workbooks. A module may import its own
layer and the layers this table allows; `helpers/__main__.py` is the one entry point allowed to reach app.
Besides the directions: one workbook never imports another, no import hides inside a function (a
third-party import may, when its line says `# lazy:` and why), and no code is named by a string
(`"generators.jd:check_parameters"`, `importlib.import_module(f"generators.{case}")`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT = ("helpers", "generators")
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "generators": {"core"},
    "analysis": {"core"},
    "io": {"core"},
    "notebook": {"core", "io"},
    "workbooks": {"core", "analysis", "io", "notebook", "generators"},
    "app": {"core", "analysis", "io", "notebook", "workbooks", "generators"},
    "entry": {"app"},
}
SHARED_IN_WORKBOOKS = {"__init__", "cases", "registry"}  # not workbooks themselves: the datasets and the index
CODE_BY_NAME = re.compile(r"^(?:helpers|generators)(?:\.\w+)+:\w+$")
DYNAMIC_IMPORTS = {"import_module", "__import__"}


@dataclass(frozen=True)
class Module:
    """A source file as a dotted module name, with its parsed tree and lines."""

    name: str
    path: Path
    tree: ast.Module
    lines: list[str]


def modules(root: Path) -> list[Module]:
    """Every module of the project's packages below `root`."""
    found = []
    for package in PROJECT:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            text = path.read_text(encoding="utf-8")
            found.append(Module(".".join(parts), path, ast.parse(text), text.splitlines()))
    return found


def layer(name: str) -> str:
    """The layer a dotted module name belongs to ('core', 'generators', …; 'entry' for helpers/__main__)."""
    parts = name.split(".")
    if parts[0] == "generators":
        return "generators"
    if len(parts) == 1 or parts[1] == "__init__":
        return "core"  # the package's own docstring-only __init__ imports nothing
    if parts[1] == "__main__":
        return "entry"
    return parts[1]


def workbook_unit(name: str) -> str | None:
    """For a module inside helpers.workbooks, the workbook it belongs to (None for shared modules)."""
    parts = name.split(".")
    if parts[:2] != ["helpers", "workbooks"] or len(parts) < 3 or parts[2] in SHARED_IN_WORKBOOKS:
        return None
    return parts[2]


def _targets(node: ast.Import | ast.ImportFrom, known: set[str]) -> list[str]:
    """The project modules an import statement reaches (`from helpers.workbooks import cases` → …cases)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
    return [n for n in names if n.split(".")[0] in PROJECT]


def _inside_functions(tree: ast.Module) -> set[int]:
    """Ids of the import nodes that sit inside a function body."""
    ids = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            ids |= {id(n) for n in ast.walk(function) if isinstance(n, ast.Import | ast.ImportFrom)}
    return ids


def violations(root: Path) -> list[str]:
    """Every broken rule in the tree at `root`, one line each naming the file, the line and the rule."""
    found: list[str] = []
    tree_modules = modules(root)
    known = {m.name for m in tree_modules} | {m.name.removesuffix(".__init__") for m in tree_modules}
    for module in tree_modules:
        where = f"{module.path.relative_to(root)}"
        mine, unit = layer(module.name), workbook_unit(module.name)
        nested = _inside_functions(module.tree)
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets = _targets(node, known)
                if id(node) in nested and (targets or "# lazy:" not in module.lines[node.lineno - 1]):
                    found.append(
                        f"{where}:{node.lineno}: import inside a function (module level only; "
                        "a heavy third-party import may stay lazy with a '# lazy: why' comment)"
                    )
                for target in targets:
                    theirs = layer(target)
                    if theirs != mine and theirs not in ALLOWED[mine]:
                        found.append(f"{where}:{node.lineno}: {mine} must not import {theirs} ({target})")
                    other = workbook_unit(target)
                    if unit and other and other != unit:
                        found.append(f"{where}:{node.lineno}: workbook {unit} must not import workbook {other}")
                    if mine == "workbooks" and unit is None and module.name.endswith(".cases") and other:
                        found.append(f"{where}:{node.lineno}: the shared cases module must not import a workbook")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_BY_NAME.match(node.value):
                found.append(f"{where}:{node.lineno}: code named by a string {node.value!r}: hold the object")
            elif isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called in DYNAMIC_IMPORTS:
                    found.append(f"{where}:{node.lineno}: dynamic import {called}(): import the module by name")
    return found
