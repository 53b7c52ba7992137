"""Interrupted, killed or hostile runs leave no partial files; the same inputs give the same bytes and numbers."""

import json
import os
import signal
import subprocess
import sys
import time

from support import ROOT, files_under, interruptible, tiny_notebook
from support.inprocess import run_in_process

from helpers.app.runner import execute
from helpers.workbooks.cases import check_case

NB = "00_case_review_method"


def test_ctrl_c_during_a_run_removes_unfinished_outputs(tmp_path):
    path = tiny_notebook(tmp_path / "long.ipynb", "import time\ntime.sleep(120)")
    out = tmp_path / "out"
    process = interruptible(
        [sys.executable, "-m", "helpers.app.cli", "run", str(path), "--out", str(out)], stderr=subprocess.PIPE
    )
    deadline = time.time() + 120
    while time.time() < deadline and not any(
        '"running"' in p.read_text(errors="replace") for p in out.glob(".staging-*/*.ipynb")
    ):
        time.sleep(0.2)  # papermill marks the cell running once the kernel executes it
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted; unfinished outputs were removed" in stderr
    assert files_under(out) == []


def test_a_killed_kernel_is_reported_and_leaves_nothing(tmp_path):
    path = tiny_notebook(tmp_path / "dies.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    result = execute(path, {}, tmp_path / "out")
    assert result.error == "the kernel died (out of memory or killed)"
    assert files_under(tmp_path / "out") == []


def test_generation_is_byte_identical_across_processes_and_hash_seeds(tmp_path):
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "helpers.app.cli",
                "generate",
                "your_shop",
                "--orders",
                "3000",
                "--out",
                str(tmp_path / hash_seed),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    for name in ("customers.csv", "orders.csv", "funnel_daily.csv", "manifest.json"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "4242" / name).read_bytes(), name


def test_the_same_parameters_give_identical_recorded_metrics(run_workbook):
    """A kernel run, and the same cells run again in this process (another process, another hash seed)."""
    first = run_workbook(NB, scale=0.05, seed=11)
    again = run_in_process(NB, {"scale": 0.05, "seed": 11}).metrics
    assert json.loads(json.dumps(again)) == first  # as stored in the notebook: JSON


def test_parameter_files_are_data_not_code(cli, tmp_path):
    (tmp_path / "evil.yaml").write_text('seed: !!python/object/apply:os.system ["touch pwned"]\n')
    done = cli("run", NB, "-f", "evil.yaml", "--out", "out")
    assert done.returncode == 2 and "is not valid YAML" in done.stderr
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "out").exists()


def test_csv_contents_are_never_evaluated(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("customers.csv", "orders.csv", "funnel_daily.csv"):
        (folder / name).write_bytes((ROOT / "data" / "your_shop" / name).read_bytes())
    customers = (folder / "customers.csv").read_text(encoding="utf-8-sig").splitlines()
    fields = customers[1].split(",")
    fields[1] = "__import__('os').system('touch pwned')"
    customers[1] = ",".join(fields)
    (folder / "customers.csv").write_text("\n".join(customers) + "\n", encoding="utf-8-sig")
    frames, problems = check_case("your_shop", folder)
    assert problems == []
    assert frames["customers"]["name"].iloc[0] == "__import__('os').system('touch pwned')"
    assert not (ROOT / "notebooks" / "pwned").exists() and not (tmp_path / "pwned").exists()
