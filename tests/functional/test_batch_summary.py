"""A real batch: summary.csv columns and types, a failed run beside a finished one, a re-run that replaces, and
the same batch on a local Dask cluster giving the same summary and files as the process pool.

One batch (two trainees, one of whom breaks the notebook) is run once for the module: each batch starts a
process and a kernel per run, so the tests read different outputs of that one batch.
"""

import hashlib
import json
import re
import shutil
import subprocess
import sys
from urllib.parse import unquote

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from support import tiny_notebook

from helpers.notebook.record import read_metrics

BROKEN = 921457847  # Li Lei's seed: the notebook breaks for this trainee only
BODY = f"""from helpers.notebook.record import record
record('gmv', seed % 1000 + 0.25)
record('leakiest_step', 'views → cart')
record('review', [{{'id': 'pricing', 'verdict': 'worked', 'text': 't', 'evidence': 'e'}}])
assert seed != {BROKEN}, 'this trainee breaks the notebook'
"""


def write(tmp_path, scenario, name="scenario.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    return str(path)


def seed_of(name):
    return int(hashlib.blake2b(name.encode("utf-8"), digest_size=8).hexdigest(), 16) % 2**31


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """The class batch run once with the process pool: (its folder, the scenario file, the notebook, the result)."""
    tmp_path = tmp_path_factory.mktemp("pool")
    notebook = str(tiny_notebook(tmp_path / "99_tiny.ipynb", BODY))
    scenario = {"title": "What if a run breaks?", "notebooks": [notebook], "trainees": ["韩梅梅", "Li Lei"]}
    path = write(tmp_path, scenario)
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "batch", path, "--out", "batch", "--jobs", "2"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    return tmp_path / "batch", path, notebook, done


def test_summary_rows_carry_trainee_seed_parameters_status_and_numeric_metrics(pool, cli, tmp_path):
    first, _, notebook, done = pool
    assert done.returncode == 1, done.stderr  # a failed run does not stop the other; the batch reports it
    assert seed_of("Li Lei") == BROKEN
    out = shutil.copytree(first, tmp_path / "batch")  # the re-run below replaces this copy, not the shared batch
    assert (out / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    table = pd.read_csv(out / "summary.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns) == [
        "run",
        "workbook",
        "trainee",
        "seed",
        "status",
        "seconds",
        "reason",
        "gmv",
        "leakiest_step",
    ]
    assert table["trainee"].tolist() == ["韩梅梅", "Li Lei"]
    assert table["seed"].tolist() == [seed_of("韩梅梅"), BROKEN] and table["seed"].dtype.kind == "i"
    ok, failed = table.iloc[0], table.iloc[1]
    assert (ok["run"], ok["workbook"], ok["status"], ok["reason"]) == ("韩梅梅", "99_tiny", "ok", "")
    assert float(ok["gmv"]) == seed_of("韩梅梅") % 1000 + 0.25 == read_metrics(out / "韩梅梅" / "99_tiny.ipynb")["gmv"]
    assert (failed["run"], failed["status"], failed["gmv"]) == ("Li_Lei", "failed", "")
    assert "this trainee breaks the notebook" in failed["reason"]
    sheet = load_workbook(out / "summary.xlsx").active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("status")] == "ok")
    assert isinstance(row[header.index("gmv")], float) and isinstance(row[header.index("seed")], int)
    assert isinstance(row[header.index("seconds")], int | float)
    page = (out / "summary.html").read_text(encoding="utf-8")
    link = re.search(r'<a href="([^"]+)">韩梅梅</a>', page).group(1)
    assert (out / unquote(link)).is_file() and "this trainee breaks the notebook" in page
    assert "What if a run breaks?" in page  # the scenario's title
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["runs"] == ["韩梅梅", "Li_Lei"]

    # a second batch into the same folder replaces the first one's runs and summary; other files stay
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    path = write(tmp_path, {"notebooks": [notebook], "seeds": [5]}, "second.yaml")
    assert cli("batch", path, "--out", "batch").returncode == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "batch.json",
        "notes.txt",
        "seed=5",
        "summary.csv",
        "summary.html",
        "summary.xlsx",
    ]
    table = pd.read_csv(out / "summary.csv", encoding="utf-8-sig", keep_default_na=False)
    assert table["run"].tolist() == ["seed=5"] and table["gmv"].tolist() == [5.25]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_a_local_dask_cluster_gives_the_same_summary_and_files_as_the_process_pool(pool, cli, tmp_path):
    first, path, _, done = pool
    dask = cli("batch", path, "--out", "dask", "--jobs", "2", "--scheduler", "local")
    assert done.returncode == dask.returncode == 1, dask.stderr

    def summary(folder):
        table = pd.read_csv(folder / "summary.csv", encoding="utf-8-sig", keep_default_na=False)
        return table.drop(columns=["seconds"])

    pd.testing.assert_frame_equal(summary(tmp_path / "dask"), summary(first))
    assert summary(tmp_path / "dask")["status"].tolist() == ["ok", "failed"]
    assert summary(tmp_path / "dask")["gmv"].tolist() == [str(seed_of("韩梅梅") % 1000 + 0.25), ""]
    for folder in (first, tmp_path / "dask"):
        files = sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith("summary")
        )
        assert files == [
            "batch.json",
            "韩梅梅/99_tiny.html",
            "韩梅梅/99_tiny.ipynb",
            "韩梅梅/99_tiny.report.html",
            "韩梅梅/index.html",
            "韩梅梅/metrics.json",
        ]
    assert (tmp_path / "dask/韩梅梅/metrics.json").read_bytes() == (first / "韩梅梅/metrics.json").read_bytes()
