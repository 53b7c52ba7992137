"""Refresh the committed notebooks: execute each in place with its defaults, keeping diffs small."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from helpers.app.runner import DEFAULT_TIMEOUT, RunFailed, execute
from helpers.io.tables import write_text
from helpers.notebook.exercises import mark
from helpers.notebook.files import all_notebooks, notebook_path

DROPPED = ("papermill", "execution", "jupytext")  # run bookkeeping and authoring-tool settings


def clean(notebook: dict) -> dict:
    """Drop metadata that changes on every refresh (timings, papermill bookkeeping) or belongs to a tool."""
    for key in DROPPED:
        notebook.get("metadata", {}).pop(key, None)
    for cell in notebook["cells"]:
        for key in DROPPED:
            cell.get("metadata", {}).pop(key, None)
    return notebook


def refresh(names: Sequence[str], timeout: int = DEFAULT_TIMEOUT) -> Iterator[tuple[str, float]]:
    """Execute each chosen notebook (default: all) and write it back over itself only when it succeeds.

    Exercise cells get their nbgrader metadata from the markers on the way (`exercises.mark`).
    """
    paths = [notebook_path(n) for n in names] if names else all_notebooks()
    for path in paths:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            result = execute(path, {}, Path(tmp), timeout=timeout, lab=True)  # as JupyterLab and nbval run it
            if not result.ok:
                raise RunFailed(f"{path.stem}: {result.error}; the committed notebook was left as it was")
            executed = json.loads((Path(tmp) / path.name).read_text(encoding="utf-8"))
        write_text(path, json.dumps(mark(clean(executed)), ensure_ascii=False, indent=1) + "\n")
        yield path.stem, time.perf_counter() - started
