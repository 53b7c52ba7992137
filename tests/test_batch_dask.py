"""A batch on a local Dask cluster gives the same results as the process pool, written on this machine."""

import pandas as pd
import yaml


def test_a_local_dask_cluster_gives_the_same_summary_and_files_as_the_process_pool(casebook, tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump({
        "title": "Dask", "notebooks": ["00_case_review_method"], "parameters": {"scale": 0.03},
        "trainees": ["Li Lei"], "grid": {"data_dir": ["", "no/such/folder"]}}), encoding="utf-8")
    pool = casebook("batch", str(path), "--out", "pool", "--jobs", "2")
    dask = casebook("batch", str(path), "--out", "dask", "--jobs", "2", "--scheduler", "local")
    assert pool.returncode == dask.returncode == 1, dask.stderr

    def summary(folder):
        table = pd.read_csv(tmp_path / folder / "summary.csv", encoding="utf-8-sig", keep_default_na=False)
        return table.drop(columns=["seconds"])

    pd.testing.assert_frame_equal(summary("dask"), summary("pool"))
    assert summary("dask")["status"].tolist() == ["ok", "failed"]
    for folder in ("pool", "dask"):
        files = sorted(p.relative_to(tmp_path / folder).as_posix() for p in (tmp_path / folder).rglob("*")
                       if p.is_file() and not p.name.startswith("summary"))
        run = "Li_Lei__data_dir=/"
        assert files == [f"{run}00_case_review_method.html", f"{run}00_case_review_method.ipynb",
                         f"{run}index.html", f"{run}metrics.json", "batch.json"]
    executed = "Li_Lei__data_dir=/00_case_review_method.ipynb"
    assert ((tmp_path / "dask" / executed).read_bytes().count(b'"status": "completed"')
            == (tmp_path / "pool" / executed).read_bytes().count(b'"status": "completed"') > 0)
