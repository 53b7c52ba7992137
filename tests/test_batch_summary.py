"""A real batch: summary.csv columns and types, a failed run beside a finished one, a re-run that replaces."""

import hashlib
import json
import re
from urllib.parse import unquote

import pandas as pd
import yaml
from openpyxl import load_workbook

from helpers.record import read_metrics


def write(tmp_path, scenario, name="scenario.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_summary_rows_carry_trainee_seed_parameters_status_and_numeric_metrics(casebook, tmp_path):
    path = write(tmp_path, {"title": "Cohort", "notebooks": ["00_case_review_method"],
                            "parameters": {"scale": 0.03}, "trainees": ["韩梅梅"],
                            "grid": {"data_dir": ["", "no/such/folder"]}})
    done = casebook("batch", path, "--out", "batch", "--jobs", "2")
    assert done.returncode == 1, done.stderr
    out = tmp_path / "batch"
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    table = pd.read_csv(out / "summary.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns[:9]) == ["run", "workbook", "trainee", "seed", "scale", "data_dir", "status",
                                       "seconds", "reason"]
    seed = int(hashlib.blake2b("韩梅梅".encode(), digest_size=8).hexdigest(), 16) % 2**31
    assert table["trainee"].tolist() == ["韩梅梅", "韩梅梅"] and table["seed"].tolist() == [seed, seed]
    ok = table[table["status"] == "ok"].iloc[0]
    failed = table[table["status"] == "failed"].iloc[0]
    assert ok["run"] == "韩梅梅__data_dir=" and ok["reason"] == ""
    assert failed["run"] == "韩梅梅__data_dir=no_such_folder" and "no such file or folder" in failed["reason"]
    assert failed["workbook"] == "00_case_review_method" and failed["gmv"] == ""
    recorded = read_metrics(out / ok["run"] / "00_case_review_method.ipynb")
    assert float(ok["gmv"]) == recorded["gmv"]
    sheet = load_workbook(out / "summary.xlsx").active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("status")] == "ok")
    assert isinstance(row[header.index("gmv")], float) and isinstance(row[header.index("seed")], int)
    assert isinstance(row[header.index("scale")], float) and isinstance(row[header.index("seconds")], int | float)
    page = (out / "summary.html").read_text(encoding="utf-8")
    link = re.search(r'<a href="([^"]+)">韩梅梅__data_dir=</a>', page).group(1)
    assert (out / unquote(link)).is_file() and "Review card verdicts" in page
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["runs"] == [
        "韩梅梅__data_dir=", "韩梅梅__data_dir=no_such_folder"]

    # a second batch into the same folder replaces the first one's runs and summary; other files stay
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    path = write(tmp_path, {"notebooks": ["00_case_review_method"], "seeds": [5],
                            "parameters": {"scale": 0.03, "data_dir": "no/such/folder"}}, "second.yaml")
    assert casebook("batch", path, "--out", "batch").returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["batch.json", "notes.txt", "seed=5", "summary.csv",
                                                     "summary.html", "summary.xlsx"]
    table = pd.read_csv(out / "summary.csv", encoding="utf-8-sig", keep_default_na=False)
    assert table["run"].tolist() == ["seed=5"] and table["seed"].tolist() == [5]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no staging left
