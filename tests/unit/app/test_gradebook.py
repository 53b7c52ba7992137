"""Grading without a kernel: whose notebook, which workbook, hidden tests restored, marks read, gradebook files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from support import ROOT
from support.nbgrader import CHECK_1, exercise_notebook

from helpers.app.check import Graded, Mark, Submission, identify, marks, prepare, submissions, write_gradebook
from helpers.app.student import student_notebook
from helpers.core.errors import DataError, UsageError
from helpers.notebook.exercises import mark, nbgrader
from helpers.notebook.files import read_notebook

WORKBOOKS = ["07_tiny", "07_tiny_more"]
HOSTILE = '=HYPERLINK("http://x","<script>alert(1)</script>")'


def text(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


@pytest.fixture
def instructor(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    monkeypatch.setenv("CASEBOOK_NOTEBOOKS", str(folder))
    return read_notebook(exercise_notebook(folder / "07_tiny.ipynb"))


@pytest.mark.parametrize(
    ("name", "metadata", "trainee", "workbook"),
    [
        ("class/alice_07_tiny.ipynb", {}, "alice", "07_tiny"),
        ("class/07_tiny-Bob Li.ipynb", {}, "Bob Li", "07_tiny"),
        ("class/韩梅梅/07_tiny.ipynb", {}, "韩梅梅", "07_tiny"),
        ("class/07_tiny_more.ipynb", {}, "class", "07_tiny_more"),  # the longest workbook name wins
        ("class/homework.ipynb", {"casebook": {"workbook": "07_tiny", "trainee": "Li Lei"}}, "Li Lei", "07_tiny"),
    ],
)
def test_trainee_and_workbook_come_from_metadata_or_the_file_name(name, metadata, trainee, workbook):
    found = identify(Path(name), {"metadata": metadata, "cells": []}, WORKBOOKS)
    assert (found.trainee, found.workbook) == (trainee, workbook)


def test_a_notebook_of_no_known_workbook_is_refused_naming_the_file():
    with pytest.raises(UsageError, match=r"homework.ipynb: cannot tell which workbook this is: put one of 07_tiny"):
        identify(Path("homework.ipynb"), {"metadata": {"casebook": {"workbook": "99_other"}}, "cells": []}, WORKBOOKS)


def test_bad_submissions_are_all_refused_before_any_run(instructor, tmp_path):
    (tmp_path / "class").mkdir()
    for name in ("alice_07_tiny.ipynb", "07_tiny_alice.ipynb"):
        (tmp_path / "class" / name).write_text(json.dumps(instructor), encoding="utf-8")
    (tmp_path / "class" / "bob_07_tiny.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "class" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "class" / ".ipynb_checkpoints" / "carol_07_tiny.ipynb").write_text("{", encoding="utf-8")
    with pytest.raises(DataError) as refused:
        submissions([str(tmp_path / "class")])
    assert len(refused.value.problems) == 2  # the checkpoint copy is not a submission
    assert "bob_07_tiny.ipynb: not a readable notebook" in refused.value.problems[0]
    assert "alice's 07_tiny is also in" in refused.value.problems[1]
    with pytest.raises(UsageError, match=r"'missing\.ipynb' is not a notebook"):
        submissions(["missing.ipynb"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError, match="no notebooks"):
        submissions([str(empty)])


def test_grading_puts_the_instructors_checks_back_and_tags_only_exercise_cells(instructor):
    trainee = student_notebook(instructor, "07_tiny")
    trainee["cells"][4]["source"] = "pass  # the trainee emptied the check"
    trainee["cells"][7]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "Correct: squared\n"}]
    trainee["cells"][7]["execution_count"] = 9  # an output forged, or left from the trainee's own session
    ready, graded = prepare(trainee, instructor)
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in ready["cells"])
    assert text(ready["cells"][4]) == CHECK_1 and "### BEGIN HIDDEN TESTS" in text(ready["cells"][7])
    assert "raise NotImplementedError()" in text(ready["cells"][3])  # the trainee's own solution stays
    tagged = [i for i, c in enumerate(ready["cells"]) if "raises-exception" in c["metadata"].get("tags", [])]
    assert tagged == [3, 4, 6, 7]
    assert [(e.solution_id, e.points) for e in graded] == [("exercise_1", 1), ("exercise_2", 1)]
    trainee["cells"][4]["metadata"]["nbgrader"]["points"] = 100  # points come from the instructor's copy
    assert prepare(trainee, instructor)[0]["cells"][4]["metadata"]["nbgrader"]["points"] == 1


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted((ROOT / "notebooks" / "zh").glob("*.ipynb")),
    ids=lambda p: p.relative_to(ROOT / "notebooks").as_posix(),
)
def test_a_committed_workbooks_student_version_gets_every_check_back_hidden_tests_included(path):
    instructor = read_notebook(path)
    student = student_notebook(instructor, path.stem)
    ready, graded = prepare(student, instructor)
    checks = {nbgrader(c)["grade_id"]: text(c) for c in mark(instructor)["cells"] if nbgrader(c).get("grade")}
    assert [e.check_id for e in graded] == list(checks)
    for cell in ready["cells"]:
        if nbgrader(cell).get("grade"):
            assert text(cell) == checks[nbgrader(cell)["grade_id"]]
    hidden = sum("### BEGIN HIDDEN TESTS" in text(c) for c in instructor["cells"])
    assert (
        "HIDDEN TESTS" not in json.dumps(student)
        and sum("### BEGIN HIDDEN TESTS" in text(c) for c in ready["cells"]) == hidden
    )


def executed(cells):
    """An executed notebook as papermill leaves it: outputs per cell (None: the cell did not run)."""
    return {
        "cells": [
            {**cell, "execution_count": None if out is None else n, "outputs": out or []}
            for n, (cell, out) in enumerate(cells, 1)
        ]
    }


def test_marks_name_the_first_error_of_each_exercise_and_the_success_message(instructor):
    ready, graded = prepare(instructor, instructor)
    cells = ready["cells"]
    error = {"output_type": "error", "ename": "NotImplementedError", "evalue": "", "traceback": []}
    hint = {"output_type": "error", "ename": "AssertionError", "evalue": "not twice x", "traceback": []}
    printed = {"output_type": "stream", "name": "stdout", "text": ["Correct: ", "squared\n"]}
    notebook = executed(
        [(c, []) for c in cells[:3]]
        + [(cells[3], [error]), (cells[4], [hint])]
        + [(c, []) for c in cells[5:7]]
        + [(cells[7], [printed]), (cells[8], [])]
    )
    assert marks(notebook, graded, "") == [
        Mark("exercise_1", "failed", 0, 1, "solution: NotImplementedError"),
        Mark("exercise_2", "passed", 1, 1, "Correct: squared"),
    ]
    notebook["cells"][3]["outputs"] = []
    assert marks(notebook, graded, "")[0] == Mark("exercise_1", "failed", 0, 1, "AssertionError: not twice x")
    notebook["cells"][7]["execution_count"] = None
    assert marks(notebook, graded, "stopped")[1] == Mark("exercise_2", "not run", 0, 1, "stopped")
    del notebook["cells"][7]
    assert marks(notebook, graded, "")[1].message == "cell 'exercise_2_check' was deleted"


def test_the_gradebook_is_excel_safe_and_its_page_shows_names_as_text(tmp_path):
    who = Submission(Path("class") / "x_07_tiny.ipynb", HOSTILE, "07_tiny")
    results = [
        Graded(
            who,
            [
                Mark("exercise_1", "failed", 0, 1, "AssertionError: " + HOSTILE),
                Mark("exercise_2", "passed", 2, 2, "Correct"),
            ],
            report="a b/07_tiny.html",
        ),
        Graded(Submission(Path("y_07_tiny.ipynb"), "韩梅梅", "07_tiny"), [], error="cell 2 raised KeyError: 'x'"),
    ]
    write_gradebook(results, tmp_path)
    raw = (tmp_path / "gradebook.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbftrainee,workbook,notebook,status,exercise,result,points,max_points,message\n")
    table = pd.read_csv(tmp_path / "gradebook.csv", encoding="utf-8-sig", keep_default_na=False)
    assert table["trainee"].tolist() == ["'" + HOSTILE] * 2 + ["韩梅梅"]  # defused: Excel shows it as text
    assert table["points"].tolist() == [0, 2, 0] and table["status"].tolist() == ["graded", "graded", "broken"]
    assert table.loc[2, "message"] == "cell 2 raised KeyError: 'x'"
    sheet = load_workbook(tmp_path / "gradebook.xlsx").active
    assert sheet["A2"].value == HOSTILE and sheet["A2"].data_type == "s"  # text, never a formula
    page = (tmp_path / "gradebook.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="a%20b/07_tiny.html">x_07_tiny.ipynb</a>' in page and "2 / 3" in page
    assert "Broken outside the exercises" in page and "not a sandbox" in page


def test_the_gradebook_folder_inside_the_class_folder_is_not_graded_again(instructor, tmp_path):
    for name in ("class/alice_07_tiny.ipynb", "class/grades/alice/07_tiny.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps(instructor), encoding="utf-8")
    found = submissions([str(tmp_path / "class")], skip=tmp_path / "class" / "grades")
    assert [s.path.name for s in found] == ["alice_07_tiny.ipynb"]
    with pytest.raises(DataError, match="alice's 07_tiny is also in"):
        submissions([str(tmp_path / "class")])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_submission_is_graded_in_its_own_edition(lang):
    """The edition comes from the metadata `casebook student` writes, else from the language of the prose."""
    stem = "01_pinduoduo_group_buying"
    committed = read_notebook(ROOT / "notebooks" / ("zh" if lang == "zh" else "") / f"{stem}.ipynb")
    student = student_notebook(committed, stem, lang)
    assert student["metadata"]["casebook"] == {"workbook": stem, "lang": lang}
    assert identify(Path(f"{stem}.ipynb"), student, [stem]).lang == lang
    bare = {**committed, "metadata": {}}  # metadata lost (copied cell by cell): the prose still tells
    assert identify(Path(f"li_{stem}.ipynb"), bare, [stem]).lang == lang
