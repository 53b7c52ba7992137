"""Student versions (nbgrader conventions): solutions replaced by a stub, hidden tests dropped, outputs cleared.

Exercise cells keep their nbgrader metadata (`helpers.notebook.exercises.mark`), and the notebook records which
workbook it is (`metadata.casebook.workbook`), so `casebook check` can grade it whatever the trainee names it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from helpers.core.language import of_folder
from helpers.io.tables import write_text
from helpers.notebook.exercises import mark, source, strip_hidden_tests, strip_solutions

METADATA = "casebook"  # notebook metadata key: {"workbook": stem, "lang": edition, optionally "trainee": name}


def student_notebook(notebook: dict[str, Any], workbook: str, lang: str = "en") -> dict[str, Any]:
    """A copy of `notebook` with nbgrader metadata, solutions and hidden tests stripped, every output cleared;
    its metadata names the workbook and the edition (`lang`), so `casebook check` grades it in that language."""
    student = mark(notebook)
    for cell in student["cells"]:
        if cell["cell_type"] == "code":
            cell["source"] = strip_hidden_tests(strip_solutions(source(cell)))
            cell["outputs"], cell["execution_count"] = [], None
    student["metadata"] = {**student.get("metadata", {}), METADATA: {"workbook": workbook, "lang": lang}}
    return student


def write_student_versions(paths: Sequence[Path], out: Path) -> list[Path]:
    """Write student versions of the workbook files `paths` into `out`."""
    written = []
    for path in paths:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        target = out / path.name
        student = student_notebook(notebook, path.stem, of_folder(path.parent))
        write_text(target, json.dumps(student, ensure_ascii=False, indent=1) + "\n")
        written.append(target)
    return written
