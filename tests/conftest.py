"""Shared fixtures: run a workbook with papermill into a temporary folder, call the CLI in a subprocess or, where
only its arguments, exit codes and messages are checked, in this process (a `casebook` start costs seconds)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

from helpers.app.cli import main
from helpers.app.runner import RunFailed, execute
from helpers.core import language
from helpers.notebook.files import notebook_path

SPREAD = ("test_reliability.py", "test_random_sweep.py")  # hundreds of independent in-process runs, no shared fixture


class FilesButSweepsByCase(LoadScopeScheduling):
    """`--dist loadfile`, except that the parameter sweeps' cases are handed out one by one.

    Every other test module stays on one worker, so its module-scoped runs happen once; a sweep (minutes of
    independent cases) would otherwise keep one worker busy long after the other one has finished.
    """

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return nodeid if path.endswith(SPREAD) else path


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown when it is not loaded (`-p no:xdist`)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadScopeScheduling | None:
    """The scheduler of `--dist loadfile` (`make test`): files, and the sweeps case by case."""
    return FilesButSweepsByCase(config, log) if config.getvalue("dist") == "loadfile" else None


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


@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., subprocess.CompletedProcess]:
    """`cli(*args)` calls the CLI's `main()` in this process from a temporary working folder, as `casebook` does.

    It gives what `casebook(*args)` gives (exit code, stdout, stderr) without a process start, for tests of the
    commands' arguments, refusals and files; tests of the process itself (the entry point, Ctrl-C, an exit code
    seen by the shell) use `casebook`.
    """

    def call(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        monkeypatch.chdir(cwd or tmp_path)
        capsys.readouterr()  # only this command's output
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse refuses bad arguments (exit 2) or ends after --help (exit 0)
            code = stop.code
        finally:
            language.use("en")  # `--lang zh` sets the process language, as it would for a whole `casebook` run
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["casebook", *args], code, out, err)

    return call
