"""Shared fixtures: run a workbook with papermill into a temporary folder, call the CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers.app.runner import RunFailed, execute
from helpers.notebook.files import notebook_path


@pytest.fixture
def run_workbook(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """`run_workbook(stem, **params)` executes the workbook and returns its recorded metrics."""
    counter = iter(range(1000))

    def run(stem: str, **params: Any) -> dict[str, Any]:
        out = tmp_path / f"run{next(counter)}"
        result = execute(notebook_path(stem), params, out)
        if not result.ok:
            raise RunFailed(f"{stem} with {params}: {result.error}")
        return result.metrics

    return run


@pytest.fixture
def casebook(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    """`casebook(*args)` runs the CLI in a subprocess from a temporary working folder."""

    def call(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONHASHSEED": "random"}
        return subprocess.run(
            [sys.executable, "-m", "helpers", *args],
            cwd=cwd or tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    return call
