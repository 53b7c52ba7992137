"""Student versions (nbgrader conventions): solution blocks replaced by a stub, outputs and metadata cleared."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from helpers.io.tables import write_text

SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*\n?", re.M | re.S)
STUB = "{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n"


def strip_solutions(source: str) -> str:
    """Replace each `### BEGIN SOLUTION` … `### END SOLUTION` block with a stub that fails until solved."""
    return SOLUTION.sub(lambda m: STUB.format(indent=m[1]), source)


def student_notebook(notebook: dict) -> dict:
    """A copy of `notebook` with solutions stripped and every output cleared."""
    cells = []
    for cell in notebook["cells"]:
        cell = dict(cell)
        if cell["cell_type"] == "code":
            cell["source"] = strip_solutions("".join(cell["source"]))
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
    return {**notebook, "cells": cells}


def write_student_versions(paths: Sequence[Path], out: Path) -> list[Path]:
    """Write student versions of the workbook files `paths` into `out`."""
    written = []
    for path in paths:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        target = out / path.name
        write_text(target, json.dumps(student_notebook(notebook), ensure_ascii=False, indent=1) + "\n")
        written.append(target)
    return written
