"""Exercise cells get nbgrader metadata from the markers; student versions lose solutions and hidden tests."""

from __future__ import annotations

import pytest
from support import ROOT
from support.nbgrader import CHECK_1, exercise_notebook, nbgrader_problems

from helpers.app.student import student_notebook
from helpers.notebook.exercises import (
    Exercise,
    exercise_cells,
    exercises,
    mark,
    strip_hidden_tests,
    strip_solutions,
)
from helpers.notebook.files import read_notebook

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
    (ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb")
)  # both editions


def text(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def test_exercise_cells_carry_nbgrader_metadata_that_nbgrader_accepts(tmp_path):
    notebook = mark(read_notebook(exercise_notebook(tmp_path / "07_tiny.ipynb")))
    assert nbgrader_problems(notebook) == []
    meta = [cell["metadata"].get("nbgrader") for cell in notebook["cells"]]
    assert meta[3] == {"grade": False, "grade_id": "exercise_1", "locked": False, "schema_version": 3, "solution": True}
    assert meta[4] == {
        "grade": True,
        "grade_id": "exercise_1_check",
        "locked": True,
        "points": 1,
        "schema_version": 3,
        "solution": False,
    }
    assert [i for i, m in enumerate(meta) if m] == [3, 4, 6, 7]  # nothing on the prose, set-up or closing cells
    assert exercises(notebook) == [
        Exercise("exercise_1", "exercise_1_check", 1),
        Exercise("exercise_2", "exercise_2_check", 1),
    ]


def test_marking_keeps_points_set_by_hand_drops_stale_metadata_and_is_idempotent(tmp_path):
    notebook = mark(read_notebook(exercise_notebook(tmp_path / "07_tiny.ipynb")))
    notebook["cells"][7]["metadata"]["nbgrader"]["points"] = 3
    notebook["cells"][1]["metadata"]["nbgrader"] = {"grade": True, "grade_id": "old", "locked": True, "points": 2}
    again = mark(notebook)
    assert again["cells"][7]["metadata"]["nbgrader"]["points"] == 3 and "nbgrader" not in again["cells"][1]["metadata"]
    assert mark(again) == again and nbgrader_problems(again) == []


def test_the_schema_check_itself_catches_broken_metadata(tmp_path):
    notebook = mark(read_notebook(exercise_notebook(tmp_path / "07_tiny.ipynb")))
    notebook["cells"][4]["metadata"]["nbgrader"].pop("points")
    notebook["cells"][7]["metadata"]["nbgrader"]["grade_id"] = "exercise 2!"
    notebook["cells"][6]["metadata"]["nbgrader"]["grade_id"] = "exercise_1"
    problems = nbgrader_problems(notebook)
    assert any("cell 4: a grade cell without points" in p for p in problems)
    assert any("cell 7:" in p and "does not match" in p for p in problems)
    assert any("cell 6: duplicate grade id exercise_1" in p for p in problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT / "notebooks").as_posix())
def test_every_committed_workbook_gets_valid_metadata_on_each_exercise(path):
    notebook = read_notebook(path)
    solutions = [
        i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "code" and "### BEGIN SOLUTION" in text(c)
    ]
    marked = mark(notebook)
    assert solutions and nbgrader_problems(marked) == []
    assert exercise_cells(marked) == {i for s in solutions for i in (s, s + 1)}  # each solution's check follows it
    assert [e.check_id for e in exercises(marked)] == [f"exercise_{n}_check" for n in range(1, len(solutions) + 1)]


def test_hidden_tests_and_solutions_are_stripped_as_nbgrader_does():
    assert (
        strip_hidden_tests(CHECK_1)
        == 'assert isinstance(my_double, int), "a whole number, please"\nprint("Correct: doubled")'
    )
    assert strip_hidden_tests("a\n    ### BEGIN HIDDEN TESTS\n    b\n    ### END HIDDEN TESTS") == "a\n"
    assert strip_solutions("a = 1\n    ### BEGIN SOLUTION\n    x = 2\n    ### END SOLUTION\nb\n") == (
        "a = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()\nb\n"
    )


def test_the_student_version_keeps_metadata_but_no_answer_and_names_its_workbook(tmp_path):
    student = student_notebook(read_notebook(exercise_notebook(tmp_path / "07_tiny.ipynb")), "07_tiny")
    sources = "\n".join(text(c) for c in student["cells"])
    assert "2 * x" not in sources and "x**2" not in sources and "HIDDEN" not in sources and "SOLUTION" not in sources
    assert sources.count("raise NotImplementedError()") == 2 and "a whole number, please" in sources
    assert nbgrader_problems(student) == [] and len(exercises(student)) == 2
    assert student["metadata"]["casebook"] == {"workbook": "07_tiny", "lang": "en"}
    assert all(
        c.get("outputs", []) == [] and c.get("execution_count") is None
        for c in student["cells"]
        if c["cell_type"] == "code"
    )
