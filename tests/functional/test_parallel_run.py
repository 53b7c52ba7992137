"""`casebook run --jobs N`: workbooks in parallel processes, same files as a sequential run, failures isolated."""

import json
import re
import signal
import subprocess
import sys
import time

import pytest
from support import files_under, interruptible, tiny_notebook

from helpers.app import runner
from helpers.app.cli import main
from helpers.app.runner import default_jobs, run

RECORD = """import numpy as np
from helpers.notebook.record import record
values = np.random.default_rng(seed).normal(size=1000)
record("mean", float(values.mean()))
record("label", "{label}")
print(round(float(values.std()), 6))
"""


def without_run_details(path):
    """The executed notebook minus what papermill stamps on every execution, parallel or not: timestamps,
    durations, the output path and the random id of the injected-parameters cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"].pop("papermill")
    for cell in nb["cells"]:
        cell["metadata"].pop("papermill", None)
        cell["metadata"].pop("execution", None)
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell.pop("id")
    return nb


def html_without_injected_id(path):
    return re.sub(r'injected-parameters" id="cell-id=\w+"', "", path.read_text(encoding="utf-8"))


def test_parallel_and_sequential_runs_write_the_same_files(tmp_path):
    paths = [tiny_notebook(tmp_path / f"0{i}_tiny.ipynb", RECORD.format(label=f"workbook {i}")) for i in (1, 2)]
    names = [str(p) for p in paths]
    sequential = run(names, {"seed": 7}, tmp_path / "seq", jobs=1)
    parallel = run(names, {"seed": 7}, tmp_path / "par", jobs=2)
    assert [r.notebook for r in parallel] == ["01_tiny", "02_tiny"]  # notebook order, whatever finished first
    assert all(r.ok for r in sequential + parallel)
    for name in ("metrics.json", "index.html"):
        assert (tmp_path / "par" / name).read_bytes() == (tmp_path / "seq" / name).read_bytes()
    merged = json.loads((tmp_path / "par" / "metrics.json").read_text(encoding="utf-8"))
    assert sorted(merged) == ["01_tiny", "02_tiny"] and merged["02_tiny"]["metrics"]["label"] == "workbook 2"
    for path in paths:
        executed = path.stem + ".ipynb"
        assert without_run_details(tmp_path / "par" / executed) == without_run_details(tmp_path / "seq" / executed)
        report = path.stem + ".html"
        parallel_html, sequential_html = (html_without_injected_id(tmp_path / d / report) for d in ("par", "seq"))
        assert parallel_html == sequential_html


RENDEZVOUS = """import pathlib, time
from helpers.notebook.record import record
here, other = pathlib.Path(meeting) / name, pathlib.Path(meeting) / partner
here.touch()
for _ in range(6000):  # up to 5 minutes: a sequential run never sees the partner's file
    if other.exists():
        break
    time.sleep(0.05)
record("met", other.exists())
"""


def test_two_jobs_run_at_the_same_time_and_a_failure_does_not_stop_the_other(tmp_path):
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    spec = 'meeting: str = ""  # a folder\nname: str = "a"  # text\npartner: str = "b"  # text'
    first = tiny_notebook(tmp_path / "01_a.ipynb", RENDEZVOUS + "raise ValueError('broken on purpose')", spec)
    second = tiny_notebook(
        tmp_path / "02_b.ipynb",
        RENDEZVOUS.replace("name, pathlib.Path(meeting) / partner", "partner, pathlib.Path(meeting) / name"),
        spec,
    )
    results = run([str(first), str(second)], {"meeting": str(meeting)}, tmp_path / "out", jobs=2)
    assert [r.notebook for r in results] == ["01_a", "02_b"]
    assert results[0].error == "cell 3 raised ValueError: broken on purpose"
    assert results[1].ok and results[1].metrics == {"met": True}  # both ran at once: each saw the other's file
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "02_b.html",
        "02_b.ipynb",
        "02_b.report.html",
        "index.html",
        "metrics.json",
    ]


def test_the_default_is_the_cores_capped_by_memory_and_by_the_workbooks(monkeypatch):
    class Memory:
        available = 3 * runner.MEMORY_PER_WORKBOOK + 1

    monkeypatch.setattr("psutil.virtual_memory", lambda: Memory())
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: set(range(8)))
    assert default_jobs(5) == 3  # 8 cores, memory for 3
    assert default_jobs(2) == 2  # never more than the workbooks
    Memory.available = runner.MEMORY_PER_WORKBOOK // 2
    assert default_jobs(5) == 1  # short of memory: one at a time, never zero
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0})
    Memory.available = 64 * runner.MEMORY_PER_WORKBOOK
    assert default_jobs(5) == 1  # one core


@pytest.mark.parametrize("bad", ["0", "-2"])
def test_jobs_below_one_is_refused_with_exit_2(bad, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["run", "00_case_review_method", "--jobs", bad])
    assert stop.value.code == 2
    assert re.search(rf"--jobs: '{bad}' is not allowed: use a whole number ≥ 1", capsys.readouterr().err)


def test_ctrl_c_stops_every_running_workbook_and_leaves_nothing(tmp_path):
    body = "import pathlib, time\npathlib.Path({folder!r}, 'started{i}').touch()\ntime.sleep(300)"
    paths = [str(tiny_notebook(tmp_path / f"0{i}_sleep.ipynb", body.format(folder=str(tmp_path), i=i))) for i in (1, 2)]
    command = [sys.executable, "-m", "helpers", "run", *paths, "--jobs", "2", "--out", str(tmp_path / "out")]
    process = interruptible(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(1800):  # both kernels are inside their cells (or 3 minutes passed: the test then fails below)
        if all((tmp_path / f"started{i}").exists() for i in (1, 2)):
            break
        time.sleep(0.1)
    assert all((tmp_path / f"started{i}").exists() for i in (1, 2))
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)  # far less than the 300 s the cells would sleep
    assert process.returncode == 130
    assert "casebook: interrupted; unfinished outputs were removed" in err
    assert files_under(tmp_path / "out") == []
