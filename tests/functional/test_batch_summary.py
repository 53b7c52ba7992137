"""A real batch: summary.csv columns and types, a failed run beside a finished one, a re-run that replaces."""

import hashlib
import json
import re
from urllib.parse import unquote

import pandas as pd
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


def test_summary_rows_carry_trainee_seed_parameters_status_and_numeric_metrics(casebook, tmp_path):
    notebook = str(tiny_notebook(tmp_path / "99_tiny.ipynb", BODY))
    path = write(tmp_path, {"title": "Cohort", "notebooks": [notebook], "trainees": ["韩梅梅", "Li Lei"]})
    done = casebook("batch", path, "--out", "batch", "--jobs", "2")
    assert done.returncode == 1, done.stderr
    assert seed_of("Li Lei") == BROKEN
    out = tmp_path / "batch"
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
    assert json.loads((out / "batch.json").read_text(encoding="utf-8"))["runs"] == ["韩梅梅", "Li_Lei"]

    # a second batch into the same folder replaces the first one's runs and summary; other files stay
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    path = write(tmp_path, {"notebooks": [notebook], "seeds": [5]}, "second.yaml")
    assert casebook("batch", path, "--out", "batch").returncode == 0
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
