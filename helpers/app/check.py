"""`casebook check`: grade trainees' completed notebooks into a gradebook (CSV, .xlsx and an HTML page).

Each notebook is matched to its workbook (the `casebook.workbook` metadata that `casebook student` writes, or a
workbook's name in the file name) and to a trainee (`casebook.trainee` metadata, else the file name without the
workbook's name, else its folder). Before it runs, every check cell is replaced by the instructor's version of
that cell, hidden tests included, as nbgrader's autograder does, so a trainee can neither see nor edit the exact
comparison. The notebook then runs with papermill in its own kernel process, `timeout` seconds per cell; an
error inside an exercise fails that exercise and the run goes on, an error anywhere else stops that notebook,
which is reported as broken, and the next notebook is graded all the same.

This is not a sandbox (`NOT_A_SANDBOX`): a trainee's code runs with your permissions.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from helpers.app.pages import render
from helpers.app.runner import OUTPUT_PARAMETER, error_text, run_papermill, to_html
from helpers.app.student import METADATA
from helpers.core.errors import DataError, UsageError
from helpers.core.language import LANGUAGES
from helpers.core.messages import message
from helpers.core.paths import edition_name
from helpers.io.spreadsheet import write_for_excel
from helpers.io.tables import atomic_dir, write_text
from helpers.notebook.exercises import Exercise, exercise_cells, exercises, mark, nbgrader, source
from helpers.notebook.files import all_notebooks, notebook_path, read_notebook
from helpers.notebook.params import read_spec

NOT_A_SANDBOX = (
    "This is not a sandbox: a trainee's code runs with your permissions and can read, change or delete your "
    "files; grade only notebooks from people you trust, or inside a throw-away container or virtual machine."
)
CHECK_TIMEOUT = 120  # seconds a cell may run while grading: a workbook cell takes a few, a stuck loop forever
GRADEBOOK = "gradebook"
COLUMNS = ["trainee", "workbook", "notebook", "status", "exercise", "result", "points", "max_points", "message"]
TEXT_COLUMNS = ["trainee", "workbook", "notebook", "status", "exercise", "result", "message"]
GRADED_TAG = "raises-exception"  # nbclient goes on after an error in a cell with this tag
SEPARATORS = " ._-"
PAPERMILL_MARKER = "papermill-error-cell-tag"  # papermill's "stopped here" cells: wrong after an exercise's error


@dataclass(frozen=True)
class Submission:
    """A trainee's notebook and whose and which workbook it is."""

    path: Path
    trainee: str
    workbook: str
    lang: str = "en"  # the edition: its instructor version is restored and its kernel speaks its language


@dataclass(frozen=True)
class Mark:
    """One exercise of one notebook: passed, failed or not run, its points and the check's own message."""

    exercise: str
    result: str
    points: float
    max_points: float
    message: str


@dataclass
class Graded:
    """A graded notebook: its marks, why it broke outside the exercises (empty: it did not) and its report."""

    submission: Submission
    marks: list[Mark] = field(default_factory=list)
    error: str = ""
    report: str = ""

    @property
    def status(self) -> str:
        return "broken" if self.error else "graded"


# ---------------------------------------------------------------- finding the submissions


def notebooks_in(items: Sequence[str], skip: Path | None = None) -> list[Path]:
    """The notebook files named, and every notebook below the folders named.

    Checkpoints and hidden files are left out, and so is the folder `skip` (the gradebook's own, whose graded
    copies would otherwise be graded again when it lies inside the class folder).
    """
    found: list[Path] = []
    skipped = skip.resolve() if skip else None
    for item in items:
        path = Path(item)
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*.ipynb")
                if not any(part.startswith(".") for part in p.relative_to(path).parts)
                and skipped not in p.resolve().parents
            )
        elif path.is_file() and path.suffix == ".ipynb":
            found.append(path)
        else:
            raise UsageError(message("errors.check.not_a_notebook", item=item))
    if not found:
        raise UsageError(message("errors.check.none_found", items=", ".join(items)))
    return found


def read_submission(path: Path) -> dict[str, Any]:
    """A trainee's notebook as JSON; UsageError when the file is not a notebook (nbformat 4)."""
    try:
        notebook = read_notebook(path)
    except ValueError:  # not JSON, or not UTF-8
        notebook = None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if (
        not isinstance(cells, list)
        or not all(isinstance(c, dict) for c in cells)
        or not isinstance(notebook.get("metadata", {}), dict)
    ):
        raise UsageError(message("errors.check.unreadable", path=path))
    return notebook


def identify(path: Path, notebook: dict[str, Any], workbooks: Iterable[str]) -> Submission:
    """Whose notebook this is and which workbook; UsageError when the workbook cannot be told."""
    meta = notebook.get("metadata", {}).get(METADATA, {})
    meta = meta if isinstance(meta, dict) else {}
    known = sorted(workbooks, key=len, reverse=True)
    workbook = meta.get("workbook") if meta.get("workbook") in known else None
    workbook = workbook or next((stem for stem in known if stem in path.stem), None)
    if workbook is None:
        listed = ", ".join(sorted(known))
        raise UsageError(message("errors.check.which_workbook", path=path, known=listed, field=f"{METADATA}.workbook"))
    trainee = str(meta.get("trainee") or "").strip()
    trainee = trainee or path.stem.replace(workbook, " ").strip(SEPARATORS) or path.parent.resolve().name
    lang = meta.get("lang") if meta.get("lang") in LANGUAGES else written_in(notebook)
    return Submission(path, trainee, workbook, lang)


def written_in(notebook: dict[str, Any]) -> str:
    """The edition a notebook without `casebook.lang` metadata belongs to, from its text cells: the Chinese
    edition's prose is Chinese, the English edition's only quotes a few Chinese terms (复盘, 拼团)."""
    text = "".join(source(c) for c in notebook.get("cells", []) if c.get("cell_type") == "markdown")
    chinese = sum("\u4e00" <= char <= "\u9fff" for char in text)
    latin = sum(char.isascii() and char.isalpha() for char in text)
    return "zh" if chinese > latin / 2 else "en"


def submissions(items: Sequence[str], skip: Path | None = None) -> list[Submission]:
    """Every notebook to grade (none below `skip`), checked before any runs: readable, workbook known, no twins."""
    workbooks = [p.stem for p in all_notebooks("en")]  # the same stems in both editions, whatever --lang says
    found, problems = [], []
    for path in notebooks_in(items, skip):
        try:
            found.append(identify(path, read_submission(path), workbooks))
        except UsageError as error:
            problems.append(str(error))
    seen: dict[tuple[str, str], Path] = {}
    for sub in found:
        key = (sub.trainee, sub.workbook)
        if key in seen:
            problems.append(f"{sub.path}: {sub.trainee}'s {sub.workbook} is also in {seen[key]}; keep one of them")
        seen.setdefault(key, sub.path)
    if problems:
        raise DataError(problems)
    return sorted(found, key=lambda s: (s.trainee, s.workbook))


# ---------------------------------------------------------------- grading one notebook


def prepare(trainee: dict[str, Any], instructor: dict[str, Any]) -> tuple[dict[str, Any], list[Exercise]]:
    """The trainee's notebook ready to grade, and the instructor's exercises (with their points).

    Outputs are cleared (as nbgrader does); each check cell gets the instructor's source back (hidden tests
    included) and metadata; solution and check cells are tagged so that an error there fails the exercise
    without stopping the notebook. A trainee's notebook without nbgrader metadata (a copy of the instructor's,
    markers kept) is marked from its markers.
    """
    master = mark(instructor)
    checks = {nbgrader(c).get("grade_id"): c for c in master["cells"] if nbgrader(c).get("grade")}
    ready = json.loads(json.dumps(trainee))
    if not any(nbgrader(cell) for cell in ready["cells"]):
        ready = mark(ready)
    for cell in ready["cells"]:
        if cell.get("cell_type") == "code":  # a cell the run never reaches must not keep a "Correct" of the trainee's
            cell["outputs"], cell["execution_count"] = [], None
        grade_id = nbgrader(cell).get("grade_id")
        if grade_id in checks:
            cell["source"] = source(checks[grade_id])
            cell["metadata"]["nbgrader"] = nbgrader(checks[grade_id])
    for index in exercise_cells(ready):
        tags = ready["cells"][index].setdefault("metadata", {}).setdefault("tags", [])
        if GRADED_TAG not in tags:
            tags.append(GRADED_TAG)
    return ready, [e for e in exercises(master) if e.check_id]


def _error(cell: dict[str, Any] | None) -> str:
    """'Name: message' of the error a cell raised, or '' when it raised none."""
    for output in (cell or {}).get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output['ename']}: {output['evalue']}" if output.get("evalue") else output["ename"]
    return ""


def _printed(cell: dict[str, Any]) -> str:
    """What a cell printed on stdout, stripped."""
    streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stdout"]
    return "".join("".join(o["text"]) if isinstance(o["text"], list) else o["text"] for o in streams).strip()


def marks(executed: dict[str, Any], graded: Sequence[Exercise], stopped: str) -> list[Mark]:
    """One mark per exercise from the executed notebook; `stopped` says why cells that did not run did not."""
    by_id = {nbgrader(c).get("grade_id"): c for c in executed["cells"] if nbgrader(c).get("grade_id")}
    found = []
    for exercise in graded:
        solution, check = by_id.get(exercise.solution_id), by_id.get(exercise.check_id)
        if solution is None or check is None:
            missing = exercise.solution_id if solution is None else exercise.check_id
            found.append(Mark(exercise.solution_id, "failed", 0, exercise.points, f"cell '{missing}' was deleted"))
        elif _error(solution):
            found.append(Mark(exercise.solution_id, "failed", 0, exercise.points, f"solution: {_error(solution)}"))
        elif _error(check):
            found.append(Mark(exercise.solution_id, "failed", 0, exercise.points, _error(check)))
        elif check.get("execution_count") is None:
            found.append(Mark(exercise.solution_id, "not run", 0, exercise.points, stopped or "not run"))
        else:
            found.append(Mark(exercise.solution_id, "passed", exercise.points, exercise.points, _printed(check)))
    return found


def _broken_cell(executed: dict[str, Any]) -> str:
    """'cell N raised Name: message' for the first error outside the exercises, or ''."""
    inside = exercise_cells(executed)
    for index, cell in enumerate(executed["cells"]):
        if index not in inside and _error(cell):
            return f"cell {cell.get('execution_count')} raised {_error(cell)}"
    return ""


def grade(submission: Submission, folder: Path, timeout: int) -> Graded:
    """Grade one notebook into `folder` (the executed notebook and its HTML report); never raises for its errors."""
    instructor = read_notebook(notebook_path(submission.workbook, submission.lang))
    ready, graded = prepare(read_notebook(submission.path), instructor)
    folder.mkdir(parents=True, exist_ok=True)
    executed_path = folder / f"{submission.workbook}.ipynb"
    failure = ""
    with tempfile.TemporaryDirectory(prefix="casebook-check-") as tmp:
        source_path = Path(tmp) / f"{submission.workbook}.ipynb"
        write_text(source_path, json.dumps(ready, ensure_ascii=False))
        try:
            spec = read_spec(source_path)
            parameters = {OUTPUT_PARAMETER: str(folder.resolve())} if OUTPUT_PARAMETER in spec.params else {}
            run_papermill(source_path, executed_path, parameters, timeout, submission.lang)
        except Exception as error:  # papermill raises for any error output, in an exercise too: sorted out below
            failure = "" if type(error).__name__ == "PapermillExecutionError" else error_text(error, timeout)
    executed = read_notebook(executed_path) if executed_path.exists() else {"cells": []}
    broken = _broken_cell(executed) or failure
    stopped = f"not run: the notebook stopped before this exercise ({broken})" if broken else ""
    if not executed["cells"]:
        return Graded(submission, [Mark(e.solution_id, "not run", 0, e.points, stopped) for e in graded], broken)
    executed["cells"] = [c for c in executed["cells"] if PAPERMILL_MARKER not in c.get("metadata", {}).get("tags", [])]
    write_text(executed_path, json.dumps(executed, ensure_ascii=False, indent=1) + "\n")
    report = folder / f"{submission.workbook}.html"
    write_text(report, to_html(executed))
    return Graded(submission, marks(executed, graded, stopped), broken, report.relative_to(folder.parent).as_posix())


# ---------------------------------------------------------------- the whole class


def _folder_names(found: Sequence[Submission]) -> dict[str, str]:
    """A folder name per trainee: letters of any script, digits, . _ -; two trainees never share one."""
    names: dict[str, str] = {}
    for trainee in sorted({s.trainee for s in found}):
        base = re.sub(r"[^\w.-]+", "_", trainee).strip("_.") or "trainee"
        name, n = base, 1
        while name in names.values():
            n += 1
            name = f"{base}-{n}"
        names[trainee] = name
    return names


def check(
    items: Sequence[str],
    out: Path,
    *,
    timeout: int = CHECK_TIMEOUT,
    on_done: Callable[[Graded], None] | None = None,
) -> list[Graded]:
    """Grade every notebook in `items` into `out`: gradebook.csv/.xlsx/.html and one folder per trainee.

    Everything is checked before any notebook runs (bad input: UsageError or DataError). The gradebook is built
    in a temporary folder and swapped in whole, so a re-run never mixes old and new results; `out` must be
    empty, missing or a previous gradebook, so no other file is ever replaced.
    """
    found = submissions(items, skip=out)
    if out.is_dir() and any(out.iterdir()) and not (out / f"{GRADEBOOK}.csv").exists():
        raise UsageError(message("errors.check.out_not_empty", out=out))
    folders = _folder_names(found)
    results = []
    with atomic_dir(out) as stage:
        for submission in found:
            results.append(grade(submission, stage / folders[submission.trainee], timeout))
            if on_done:
                on_done(results[-1])
        write_gradebook(results, stage)
    return results


def gradebook_table(results: Sequence[Graded]) -> pd.DataFrame:
    """One row per trainee, workbook and exercise (a broken notebook with no exercise: one row)."""
    rows = []
    for graded in results:
        sub = graded.submission
        workbook = edition_name(sub.lang, sub.workbook)
        head = {"trainee": sub.trainee, "workbook": workbook, "notebook": str(sub.path), "status": graded.status}
        for mark_ in graded.marks or [Mark("", "not run", 0, 0, graded.error)]:
            rows.append({**head, **asdict(mark_)})
    return pd.DataFrame(rows, columns=COLUMNS)


def write_gradebook(results: Sequence[Graded], folder: Path) -> None:
    """gradebook.csv (UTF-8 with BOM, formula-like text defused), gradebook.xlsx and gradebook.html."""
    table = gradebook_table(results)
    write_for_excel(table, folder / f"{GRADEBOOK}.csv", text_columns=TEXT_COLUMNS)
    write_text(folder / f"{GRADEBOOK}.html", render(f"{GRADEBOOK}.html.j2", notebooks=_page_rows(results)))


def _page_rows(results: Sequence[Graded]) -> list[dict[str, Any]]:
    """What the gradebook page shows per notebook: totals, status and each exercise's mark."""
    return [
        {
            "trainee": g.submission.trainee,
            "workbook": edition_name(g.submission.lang, g.submission.workbook),
            "file": g.submission.path.name,
            "status": g.status,
            "error": g.error,
            "report": quote(g.report),
            "points": sum(m.points for m in g.marks),
            "max_points": sum(m.max_points for m in g.marks),
            "marks": g.marks,
        }
        for g in results
    ]
