"""A batch on a local Dask cluster gives the same results as the process pool, written on this machine."""

import pandas as pd
import yaml
from support import tiny_notebook

BODY = """from helpers.notebook.record import record
record('gmv', seed * 2.5)
assert seed != 2, 'seed 2 breaks this notebook'
"""


def test_a_local_dask_cluster_gives_the_same_summary_and_files_as_the_process_pool(casebook, tmp_path):
    notebook = tiny_notebook(tmp_path / "99_tiny.ipynb", BODY)
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump({"title": "Dask", "notebooks": [str(notebook)], "seeds": [1, 2]}), encoding="utf-8")
    pool = casebook("batch", str(path), "--out", "pool", "--jobs", "2")
    dask = casebook("batch", str(path), "--out", "dask", "--jobs", "2", "--scheduler", "local")
    assert pool.returncode == dask.returncode == 1, dask.stderr

    def summary(folder):
        table = pd.read_csv(tmp_path / folder / "summary.csv", encoding="utf-8-sig", keep_default_na=False)
        return table.drop(columns=["seconds"])

    pd.testing.assert_frame_equal(summary("dask"), summary("pool"))
    assert summary("dask")["status"].tolist() == ["ok", "failed"] and summary("dask")["gmv"].tolist() == ["2.5", ""]
    for folder in ("pool", "dask"):
        files = sorted(
            p.relative_to(tmp_path / folder).as_posix()
            for p in (tmp_path / folder).rglob("*")
            if p.is_file() and not p.name.startswith("summary")
        )
        assert files == [
            "batch.json",
            "seed=1/99_tiny.html",
            "seed=1/99_tiny.ipynb",
            "seed=1/99_tiny.report.html",
            "seed=1/index.html",
            "seed=1/metrics.json",
        ]
    assert (tmp_path / "dask/seed=1/metrics.json").read_bytes() == (tmp_path / "pool/seed=1/metrics.json").read_bytes()
