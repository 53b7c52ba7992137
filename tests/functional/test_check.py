"""`casebook check` grades trainees' notebooks; every run also writes a code-free report for managers."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from support import ROOT, files_under
from support.nbgrader import exercise_notebook, nbgrader_problems

from helpers.app.runner import execute
from helpers.notebook.exercises import mark, nbgrader
from helpers.notebook.files import read_notebook

REAL = "00_case_review_method"
CODE = re.compile(r'class="highlight hl-ipython3"|<div class="jp-InputArea-editor"')


def text(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def write(path, notebook):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")


def solved(student, instructor, *grade_ids):
    """The student version with the instructor's solution put into the exercises named."""
    answers = {nbgrader(c).get("grade_id"): text(c) for c in mark(instructor)["cells"]}
    copy = json.loads(json.dumps(student))
    for cell in copy["cells"]:
        if nbgrader(cell).get("grade_id") in grade_ids:
            cell["source"] = answers[nbgrader(cell)["grade_id"]]
    return copy


def smallest(notebook):
    """The notebook with its parameters cell set to the smallest data: grading reads checks, not data sizes."""
    copy = json.loads(json.dumps(notebook))
    cell = next(c for c in copy["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    cell["source"], found = re.subn(r"^scale: float = [\d.]+", "scale: float = 0.01", text(cell), flags=re.M)
    assert found == 1, "the parameters cell declares no scale"
    return copy


def gradebook(folder):
    return pd.read_csv(folder / "gradebook.csv", encoding="utf-8-sig", keep_default_na=False)


@pytest.fixture
def tiny_course(tmp_path, monkeypatch, cli):
    """An instructor's folder holding one tiny workbook, and its student version from `casebook student`."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    monkeypatch.setenv("CASEBOOK_NOTEBOOKS", str(notebooks))
    instructor = read_notebook(exercise_notebook(notebooks / "07_tiny.ipynb"))
    done = cli("student", "--out", "students")
    assert done.returncode == 0, done.stderr
    return instructor, read_notebook(tmp_path / "students" / "07_tiny.ipynb")


def test_a_class_of_tiny_notebooks_is_graded_with_hidden_tests_restored(cli, tmp_path, tiny_course):
    instructor, student = tiny_course
    write(tmp_path / "class" / "teacher_07_tiny.ipynb", instructor)
    write(tmp_path / "class" / "alice" / "07_tiny.ipynb", student)  # trainee from the folder's name
    half = solved(student, instructor, "exercise_2")
    half["cells"][3]["source"] = "my_double = 13  # a whole number: passes the visible check, not the hidden one"
    write(tmp_path / "class" / "bob_07_tiny.ipynb", half)
    cheat = solved(student, instructor)
    cheat["cells"][3]["source"], cheat["cells"][6]["source"] = "my_double = 1", "my_square = 0"
    cheat["cells"][4]["source"] = cheat["cells"][7]["source"] = "print('Correct!')"  # checks emptied
    write(tmp_path / "class" / "dave_07_tiny.ipynb", cheat)
    broken = solved(student, instructor, "exercise_1", "exercise_2")
    broken["cells"][1]["source"] = "x = 6\nraise KeyError('oops')"
    write(tmp_path / "class" / "carol_07_tiny.ipynb", broken)
    stuck = solved(student, instructor, "exercise_2")
    stuck["cells"][3]["source"] = "while True:\n    pass"
    write(tmp_path / "class" / "erin_07_tiny.ipynb", stuck)

    done = cli("check", "class", "--out", "grades", "--timeout", "5")
    assert done.returncode == 1, done.stderr  # carol's notebook broke outside the exercises
    table = gradebook(tmp_path / "grades")
    points = table.groupby("trainee")["points"].sum().to_dict()
    assert points == {"alice": 0, "bob": 1, "carol": 0, "dave": 0, "erin": 0, "teacher": 2}
    assert table["max_points"].groupby(table["trainee"]).sum().eq(2).all()
    by = table.set_index(["trainee", "exercise"])
    assert by.loc[("alice", "exercise_1"), "message"] == "solution: NotImplementedError"
    assert by.loc[("alice", "exercise_2"), "message"] == "solution: NotImplementedError"
    assert by.loc[("bob", "exercise_1"), "message"] == "AssertionError: not twice x"  # the hidden test
    assert by.loc[("bob", "exercise_2"), ["result", "message"]].tolist() == ["passed", "Correct: squared"]
    assert by.loc[("dave", "exercise_1"), "message"] == "AssertionError: not twice x"  # the instructor's check ran
    assert by.loc[("carol", "exercise_1"), ["result", "status"]].tolist() == ["not run", "broken"]
    assert "cell 2 raised KeyError: 'oops'" in by.loc[("carol", "exercise_1"), "message"]
    assert "carol · 07_tiny: BROKEN — cell 2 raised KeyError: 'oops'" in done.stderr
    assert by.loc[("erin", "exercise_2"), "status"] == "broken"  # the kernel was stopped after 5 s
    assert "timed out: a cell ran longer than" in by.loc[("erin", "exercise_2"), "message"]
    page = (tmp_path / "grades" / "gradebook.html").read_text(encoding="utf-8")
    assert '<a href="bob/07_tiny.html">bob_07_tiny.ipynb</a>' in page and "1 / 2" in page
    assert (tmp_path / "grades" / "gradebook.xlsx").exists()
    graded = (tmp_path / "grades" / "bob" / "07_tiny.ipynb").read_text(encoding="utf-8")
    assert "### BEGIN HIDDEN TESTS" in graded and "papermill-error-cell-tag" not in graded  # no false "stopped here"

    shutil.rmtree(tmp_path / "class" / "alice")
    assert cli("check", "class/teacher_07_tiny.ipynb", "--out", "grades").returncode == 0
    assert gradebook(tmp_path / "grades")["trainee"].unique().tolist() == ["teacher"]
    assert sorted(p.name for p in (tmp_path / "grades").iterdir()) == [  # a re-run never mixes old results in
        "gradebook.csv",
        "gradebook.html",
        "gradebook.xlsx",
        "teacher",
    ]


def test_bad_input_exits_2_and_writes_nothing(cli, tmp_path, tiny_course):
    instructor, _ = tiny_course
    write(tmp_path / "class" / "homework.ipynb", instructor)
    done = cli("check", "class", "--out", "grades")
    assert done.returncode == 2 and "homework.ipynb: cannot tell which workbook this is" in done.stderr
    done = cli("check", "class", "--out", "grades", "--lang", "zh")
    assert done.returncode == 2 and "homework.ipynb：无法判断这是哪一本工作簿：请在文件名中写上" in done.stderr
    assert cli("check", "nowhere", "--out", "grades").returncode == 2
    done = cli("check", "nowhere", "--out", "grades", "--lang", "zh")
    assert "'nowhere' 既不是工作簿（.ipynb），也不是存放工作簿的文件夹" in done.stderr
    write(tmp_path / "mine" / "notes.txt", {})
    write(tmp_path / "class" / "homework.ipynb", {**instructor, "metadata": {"casebook": {"workbook": "07_tiny"}}})
    done = cli("check", "class", "--out", "mine")
    assert done.returncode == 2 and "--out 'mine' holds other files" in done.stderr
    done = cli("check", "class", "--out", "mine", "--lang", "zh")
    assert done.returncode == 2 and "--out 'mine' 中有其他文件：请选一个空文件夹" in done.stderr
    assert files_under(tmp_path / "mine") == [tmp_path / "mine" / "notes.txt"] and not (tmp_path / "grades").exists()
    help_text = cli("check", "--help").stdout
    assert "not a sandbox" in help_text and "--timeout" in help_text


def test_a_real_workbook_scores_full_zero_and_in_between_and_the_chinese_edition_with_its_checks(cli, tmp_path):
    """Workbook 00 at its smallest size: the instructor's version scores full marks, an unsolved student version
    zero, and a Chinese student version with one exercise solved one point, graded by the Chinese checks."""
    done = cli("student", REAL, "--out", "students", "--lang", "all")
    assert done.returncode == 0, done.stderr
    instructor = read_notebook(ROOT / "notebooks" / f"{REAL}.ipynb")
    student = read_notebook(tmp_path / "students" / f"{REAL}.ipynb")
    instructor_zh = read_notebook(ROOT / "notebooks" / "zh" / f"{REAL}.ipynb")
    student_zh = read_notebook(tmp_path / "students" / "zh" / f"{REAL}.ipynb")
    count = sum("### BEGIN SOLUTION" in text(c) for c in instructor["cells"] if c["cell_type"] == "code")
    write(tmp_path / "class" / f"instructor_{REAL}.ipynb", smallest(instructor))
    write(tmp_path / "class" / f"student_{REAL}.ipynb", smallest(student))
    write(tmp_path / "class" / f"half_{REAL}.ipynb", smallest(solved(student_zh, instructor_zh, "exercise_1")))
    done = cli("check", "class", "--out", "grades")
    assert done.returncode == 0, done.stderr
    table = gradebook(tmp_path / "grades")
    points = table.groupby("trainee")["points"].sum().to_dict()
    assert count >= 2 and points == {"instructor": count, "student": 0, "half": 1}
    assert table.loc[table["trainee"] == "student", "message"].eq("solution: NotImplementedError").all()
    assert table.loc[table["trainee"] == "instructor", "message"].str.startswith("Correct").all()
    half = table[table["trainee"] == "half"]
    assert half["workbook"].eq(f"zh/{REAL}").all() and table.loc[table["trainee"] != "half", "workbook"].eq(REAL).all()
    passed = half.loc[half["result"] == "passed", "message"]
    assert len(passed) == 1 and re.search("[\u4e00-\u9fff]", passed.iloc[0]), passed.iloc[0]


def test_every_run_writes_a_code_free_report_beside_the_full_one(tmp_path):
    path = exercise_notebook(tmp_path / "07_tiny.ipynb")
    assert execute(path, {}, tmp_path / "out").ok
    full = (tmp_path / "out" / "07_tiny.html").read_text(encoding="utf-8")
    report = (tmp_path / "out" / "07_tiny.report.html").read_text(encoding="utf-8")
    assert CODE.search(full) and "Correct: doubled" in full
    assert not CODE.search(report) and "### BEGIN SOLUTION" not in report and "Correct: doubled" not in report
    assert "the end of the workbook" in report and "Exercise 1." in report  # outputs and prose kept
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="07_tiny.report.html"' in index and 'href="07_tiny.html"' in index


def test_the_committed_workbooks_report_keeps_charts_and_the_review_card_without_code(cli, tmp_path):
    done = cli("html", REAL, "--out", "html")
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "html" / f"{REAL}.report.html").read_text(encoding="utf-8")
    notebook = read_notebook(ROOT / "notebooks" / f"{REAL}.ipynb")
    charts = sum("image/png" in o.get("data", {}) for c in notebook["cells"] for o in c.get("outputs", []))
    assert charts and report.count('src="data:image/png;base64,') == charts
    assert not CODE.search(report) and "### BEGIN SOLUTION" not in report and "Traceback" not in report
    assert "What worked" in report and "Parameters of this run" in report


def test_casebook_notebooks_writes_the_nbgrader_metadata_into_the_workbook(cli, tiny_course, tmp_path):
    instructor, _ = tiny_course
    assert all("nbgrader" not in c["metadata"] for c in instructor["cells"])
    done = cli("notebooks", "07_tiny")
    assert done.returncode == 0, done.stderr
    refreshed = read_notebook(tmp_path / "notebooks" / "07_tiny.ipynb")
    assert nbgrader_problems(refreshed) == []
    graded = [nbgrader(c)["grade_id"] for c in refreshed["cells"] if nbgrader(c).get("grade")]
    assert graded == ["exercise_1_check", "exercise_2_check"]
