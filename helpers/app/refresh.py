"""Refresh the committed notebooks: execute each in place with its defaults, keeping diffs small."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from helpers.app.runner import DEFAULT_TIMEOUT, RunFailed, execute
from helpers.core.paths import edition
from helpers.io.tables import write_text
from helpers.notebook.exercises import mark

DROPPED = ("papermill", "execution", "jupytext")  # run bookkeeping and authoring-tool settings


def clean(notebook: dict) -> dict:
    """Drop metadata that changes on every refresh (timings, papermill bookkeeping) or belongs to a tool."""
    for key in DROPPED:
        notebook.get("metadata", {}).pop(key, None)
    for cell in notebook["cells"]:
        for key in DROPPED:
            cell.get("metadata", {}).pop(key, None)
    return notebook


def refresh(paths: Sequence[Path], timeout: int = DEFAULT_TIMEOUT, lang: str = "en") -> Iterator[tuple[Path, float]]:
    """Execute each notebook of edition `lang` (in its folder, as JupyterLab and nbval do) and write it back over
    itself only when it succeeds. Exercise cells get their nbgrader metadata from the markers on the way."""
    for path in paths:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            result = execute(path, {}, Path(tmp), timeout=timeout, lab=True, lang=lang)
            if not result.ok:
                raise RunFailed(f"{path}: {result.error}; the committed notebook was left as it was")
            executed = json.loads((edition(Path(tmp), lang) / path.name).read_text(encoding="utf-8"))
        write_text(path, json.dumps(mark(clean(executed)), ensure_ascii=False, indent=1) + "\n")
        yield path, time.perf_counter() - started
