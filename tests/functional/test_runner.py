"""Runs are all-or-nothing: failures, time-outs and concurrent writers leave a consistent output folder."""

import json
import shutil
import threading

import nbformat
import pytest
from support import ROOT, files_under, tiny_notebook

from helpers.app.runner import execute, plan
from helpers.core.errors import ParameterError


def test_a_failing_cell_is_reported_and_leaves_nothing(tmp_path):
    path = tiny_notebook(tmp_path / "broken.ipynb", "raise ValueError('bad data in orders.csv')")
    result = execute(path, {}, tmp_path / "out")
    assert not result.ok
    assert result.error == "cell 2 raised ValueError: bad data in orders.csv"
    assert files_under(tmp_path / "out") == []


def test_a_cell_over_the_time_limit_is_stopped_with_a_clear_message(tmp_path):
    path = tiny_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)")
    result = execute(path, {}, tmp_path / "out", timeout=2)
    assert result.error == "timed out: a cell ran longer than --execution-timeout 2 s"
    assert files_under(tmp_path / "out") == []


def test_string_parameters_are_injected_as_literals_not_code(tmp_path):
    path = tiny_notebook(tmp_path / "echo.ipynb", "from helpers.notebook.record import record\nrecord('seen', label)")
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += '\nlabel: str = ""  # any text'
    nbformat.write(nb, path)
    hostile = 'x"; import os; os.system("touch pwned") #'
    result = execute(path, {"label": hostile}, tmp_path / "out")
    assert result.metrics == {"seen": hostile}
    assert not (tmp_path / "pwned").exists()


def test_concurrent_runs_into_one_folder_keep_every_entry(tmp_path):
    paths = [
        tiny_notebook(tmp_path / f"0{i}_nb.ipynb", f"from helpers.notebook.record import record\nrecord('i', {i})")
        for i in range(4)
    ]
    out = tmp_path / "out"
    threads = [threading.Thread(target=execute, args=(p, {}, out)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert {stem: entry["metrics"] for stem, entry in merged.items()} == {f"0{i}_nb": {"i": i} for i in range(4)}
    assert all((out / f"0{i}_nb.html").exists() for i in range(4))


def test_plan_applies_a_shared_value_to_every_notebook_that_declares_it():
    chosen = plan(["00_case_review_method"], {"seed": "9"})
    assert list(chosen.values()) == [{"seed": 9}]
    with pytest.raises(ParameterError, match="unknown parameter 'sed'"):
        plan([], {"sed": 1})


def test_relative_data_paths_are_resolved_from_the_callers_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "data" / "your_shop", tmp_path / "mine")  # valid data: plan checks it before running
    chosen = plan(["00_case_review_method"], {"data_dir": "mine"})
    assert list(chosen.values()) == [{"data_dir": str(tmp_path / "mine")}]
