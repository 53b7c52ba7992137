"""Execute a workbook's code cells in this process, as JupyterLab would, to sweep many parameter values fast.

A kernel start costs seconds; the reliability sweep runs each workbook dozens of times, so it runs the cells
with `exec` instead, captures what would be displayed (prose, tables, the review card) and the recorded
metrics, and reports the cell that failed. The papermill tests still cover the real kernel path.
"""

from __future__ import annotations

import ast
import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from helpers.core import language
from helpers.core.paths import notebooks_dir
from helpers.notebook.layout import collisions
from helpers.notebook.record import MIME


@dataclass
class InProcessRun:
    """What a workbook showed and recorded."""

    metrics: dict[str, Any] = field(default_factory=dict)
    shown: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)  # bare values a cell ended on (an `Out[n]: 0.62` for the reader)
    collisions: list[str] = field(default_factory=list)  # text over text, legends over data (`charts=True`)
    prose: list[str] = field(default_factory=list)  # the Markdown paragraphs among `shown`


class CellError(RuntimeError):
    """A cell raised: the message names the cell and carries the original error."""


def _display(run: InProcessRun):
    def display(*objects: Any, raw: bool = False, **_: Any) -> None:
        for obj in objects:
            if raw and isinstance(obj, dict) and MIME in obj:
                run.metrics[obj[MIME]["name"]] = obj[MIME]["value"]
            elif hasattr(obj, "_repr_html_"):
                run.shown.append(obj._repr_html_() or "")
            elif hasattr(obj, "_repr_markdown_"):
                run.shown.append(obj._repr_markdown_() or "")
                run.prose.append(run.shown[-1])
            elif obj is not None:
                run.shown.append(repr(obj))

    return display


def _exec_cell(source: str, namespace: dict[str, Any], run: InProcessRun) -> None:
    """Run a cell; a final bare expression is displayed, like Jupyter does (nbval ignores a trailing `;`)."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr):
        tree.body = tree.body[:-1]
        exec(compile(tree, "<cell>", "exec"), namespace)
        value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
        if value is not None and not hasattr(value, "_repr_html_") and not hasattr(value, "_repr_markdown_"):
            run.raw.append(repr(value))
        _display(run)(value)
    else:
        exec(compile(tree, "<cell>", "exec"), namespace)


def run_in_process(stem: str, overrides: dict[str, Any], lang: str = "en", *, charts: bool = False) -> InProcessRun:
    """Execute every code cell of `stem` (English, or the `lang` edition) with `overrides` after its parameters.

    The cells run with the edition's folder as working folder, as a kernel would, so the workbook speaks its
    edition's language. With `charts`, every figure is laid out once more after its cell and checked for
    collisions (`run.collisions`); that layout is most of a small run's cost, so only the legibility tests ask.
    """
    folder = notebooks_dir() if lang == "en" else notebooks_dir() / lang
    notebook = json.loads((folder / f"{stem}.ipynb").read_text(encoding="utf-8"))
    run = InProcessRun()
    display = _display(run)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    injected = "\n".join(f"{name} = {value!r}" for name, value in overrides.items())
    previous = Path.cwd()
    os.chdir(folder)
    try:
        with (
            mock.patch("IPython.display.display", display),
            mock.patch("helpers.notebook.story.display", display),
            mock.patch("helpers.notebook.record.display", display),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
            for number, cell in enumerate(cells, start=1):
                source = "".join(cell["source"])
                if "parameters" in cell.get("metadata", {}).get("tags", []):
                    source += "\n" + injected
                try:
                    _exec_cell(source, namespace, run)
                except Exception as error:
                    where = f"{stem} cell {number} with {overrides}"
                    raise CellError(f"{where}: {type(error).__name__}: {error}") from error
                finally:
                    if charts:
                        for figure in map(plt.figure, plt.get_fignums()):
                            run.collisions += [str(c) for c in collisions(figure)]
                    plt.close("all")
        run.warnings = [
            f"{w.category.__name__}: {w.message}"
            for w in caught
            if not issubclass(w.category, DeprecationWarning | PendingDeprecationWarning)
        ]
    finally:
        os.chdir(previous)
        language.use("en")
    return run


def recorded(stem: str, **values: Any) -> dict[str, Any]:
    """The metrics that `stem` records with `values`, its cells run in this process (no kernel start, no report).

    For tests of the figures at edge values; each workbook's papermill tests cover the kernel path.
    """
    return run_in_process(stem, values).metrics
