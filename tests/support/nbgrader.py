"""nbgrader's cell metadata format (schema version 3), to test our exercise metadata against it without nbgrader.

`nbgrader_v3.json` is nbgrader's own schema, copied unchanged from jupyter/nbgrader
(nbgrader/nbgraderformat/v3.json; BSD-3-Clause, Copyright (c) 2014 Project Jupyter Contributors).
`nbgrader_problems` applies it as nbgrader's `MetadataValidatorV3` does (nbgrader/nbgraderformat/v3.py): the
JSON schema on every cell's `nbgrader` metadata, then the validator's rules on top of it.

`exercise_notebook` builds a tiny workbook with two exercises (nbgrader conventions, a hidden test in each check).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import nbformat

from support import tiny_notebook

SCHEMA = json.loads(Path(__file__).with_name("nbgrader_v3.json").read_text(encoding="utf-8"))


def nbgrader_problems(notebook: dict[str, Any]) -> list[str]:
    """Every way the notebook's nbgrader cell metadata breaks nbgrader's format v3 (empty: nbgrader accepts it)."""
    problems, ids = [], set()
    for index, cell in enumerate(notebook["cells"]):
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        for error in jsonschema.Draft4Validator(SCHEMA).iter_errors(meta):
            problems.append(f"cell {index}: {error.message}")
        if meta.get("schema_version") != 3:
            problems.append(f"cell {index}: schema_version {meta.get('schema_version')!r} is not 3")
        if not any(meta.get(key) for key in ("grade", "solution", "locked")):
            continue
        if not meta.get("grade_id"):
            problems.append(f"cell {index}: no grade_id")
        elif meta["grade_id"] in ids:
            problems.append(f"cell {index}: duplicate grade id {meta['grade_id']}")
        ids.add(meta.get("grade_id"))
        if meta.get("grade") and "points" not in meta:
            problems.append(f"cell {index}: a grade cell without points")
        if cell["cell_type"] == "markdown" and bool(meta.get("grade")) != bool(meta.get("solution")):
            problems.append(f"cell {index}: a markdown cell must be both grade and solution, or neither")
    return problems


CHECK_1 = """assert isinstance(my_double, int), "a whole number, please"
### BEGIN HIDDEN TESTS
assert my_double == 2 * x, "not twice x"
### END HIDDEN TESTS
print("Correct: doubled")"""
CHECK_2 = """### BEGIN HIDDEN TESTS
assert my_square == x**2, "not x squared"
### END HIDDEN TESTS
print("Correct: squared")"""


def exercise_notebook(path: Path, before: str = "x = 6") -> Path:
    """A workbook with a parameters cell, `before`, and two exercises whose checks hold hidden tests.

    Exercise 1's visible check only asks for a whole number; its hidden test wants `2 * x`. Exercise 2's check
    is all hidden. Solved as written, both pass.
    """
    tiny_notebook(path, before)
    notebook = nbformat.read(path, as_version=4)
    code, text = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    notebook.cells += [
        text("**Exercise 1.** Double `x`."),
        code("### BEGIN SOLUTION\nmy_double = 2 * x\n### END SOLUTION"),
        code(CHECK_1),
        text("**Exercise 2.** Square `x`."),
        code("### BEGIN SOLUTION\nmy_square = x**2\n### END SOLUTION"),
        code(CHECK_2),
        code('print("the end of the workbook")'),
    ]
    nbformat.write(notebook, path)
    return path
