"""Exercises in a workbook, the nbgrader way: markers in the code, nbgrader cell metadata derived from them.

An exercise is a code cell holding `### BEGIN SOLUTION` … `### END SOLUTION` (the solution cell) and, right
after it, a code cell that checks the answer (the check cell). The check cell may keep its exact comparison
between `### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS`: the student version drops that block (and the
solutions), and grading puts it back from the instructor's version, as nbgrader's autograder does.

`mark` writes nbgrader's cell metadata (schema version 3) from the markers, so a course already on nbgrader can
import the workbooks; `casebook notebooks` and `casebook student` both apply it, so every edition gets it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SCHEMA_VERSION = 3  # nbgrader's cell metadata schema (nbgrader/nbgraderformat/v3.json)
DEFAULT_POINTS = 1
SOLUTION_BLOCK = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*\n?", re.M | re.S)
HIDDEN_BLOCK = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS\n.*?^[ \t]*### END HIDDEN TESTS[ \t]*(\n|\Z)", re.M | re.S)
STUB = "{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n"  # nbgrader's stub for Python


@dataclass(frozen=True)
class Exercise:
    """One exercise: the ids of its solution and check cells (nbgrader grade_id) and the points its check gives."""

    solution_id: str
    check_id: str | None
    points: float


def source(cell: dict[str, Any]) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def nbgrader(cell: dict[str, Any]) -> dict[str, Any]:
    """The cell's nbgrader metadata, or an empty dict."""
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_metadata(grade_id: str) -> dict[str, Any]:
    """nbgrader metadata of a solution cell: editable, not graded itself."""
    return {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": SCHEMA_VERSION, "solution": True}


def check_metadata(grade_id: str, points: float) -> dict[str, Any]:
    """nbgrader metadata of an autograded test cell: locked, worth `points`."""
    return {
        "grade": True,
        "grade_id": grade_id,
        "locked": True,
        "points": points,
        "schema_version": SCHEMA_VERSION,
        "solution": False,
    }


def _is_solution(cell: dict[str, Any]) -> bool:
    return cell.get("cell_type") == "code" and BEGIN_SOLUTION in source(cell)


def mark(notebook: dict[str, Any]) -> dict[str, Any]:
    """A copy of `notebook` whose exercise cells carry nbgrader metadata derived from the markers.

    The n-th solution cell gets grade_id `exercise_n`; the code cell right after it (when it holds no solution)
    is its check, `exercise_n_check`, worth the points it already had or `DEFAULT_POINTS`. Every other cell
    loses stale nbgrader metadata, so marking twice gives the same notebook.
    """
    marked = copy.deepcopy(notebook)
    cells = marked["cells"]
    roles: dict[int, dict[str, Any]] = {}
    count = 0
    for index, cell in enumerate(cells):
        if not _is_solution(cell):
            continue
        count += 1
        name = f"exercise_{count}"
        roles[index] = solution_metadata(name)
        after = cells[index + 1] if index + 1 < len(cells) else None
        if after is not None and after.get("cell_type") == "code" and not _is_solution(after):
            roles[index + 1] = check_metadata(f"{name}_check", nbgrader(after).get("points", DEFAULT_POINTS))
    for index, cell in enumerate(cells):
        metadata = cell.setdefault("metadata", {})
        if index in roles:
            metadata["nbgrader"] = roles[index]
        else:
            metadata.pop("nbgrader", None)
    return marked


def exercises(notebook: dict[str, Any]) -> list[Exercise]:
    """The exercises of a notebook, read from its nbgrader metadata (`mark` it first if it has none)."""
    found: list[Exercise] = []
    for index, cell in enumerate(notebook["cells"]):
        meta = nbgrader(cell)
        if not meta.get("solution") or cell.get("cell_type") != "code":
            continue
        after = nbgrader(notebook["cells"][index + 1]) if index + 1 < len(notebook["cells"]) else {}
        check = after.get("grade_id") if after.get("grade") else None
        found.append(Exercise(meta["grade_id"], check, after.get("points", 0) if check else 0))
    return found


def exercise_cells(notebook: dict[str, Any]) -> set[int]:
    """Positions of every solution and check cell: by nbgrader metadata (a trainee's copy, whose solution markers
    are gone) or by the markers (a notebook not yet marked)."""
    return {
        index
        for version in (notebook, mark(notebook))
        for index, cell in enumerate(version["cells"])
        if nbgrader(cell).get("solution") or nbgrader(cell).get("grade")
    }


def strip_solutions(text: str) -> str:
    """Replace each `### BEGIN SOLUTION` … `### END SOLUTION` block with a stub that fails until solved."""
    return SOLUTION_BLOCK.sub(lambda m: STUB.format(indent=m[1]), text)


def strip_hidden_tests(text: str) -> str:
    """Drop each `### BEGIN HIDDEN TESTS` … `### END HIDDEN TESTS` block, markers included (as nbgrader does)."""
    return HIDDEN_BLOCK.sub("", text)
