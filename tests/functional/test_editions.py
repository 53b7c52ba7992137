"""Editions from the command line: `--lang zh` runs the Chinese notebooks in notebooks/zh and writes into OUT/zh/."""

from __future__ import annotations

import json
import os

from support import files_under, tiny_editions

from helpers.app.runner import execute
from helpers.core.paths import NOTEBOOKS_ENV
from helpers.notebook.files import notebook_path
from helpers.notebook.record import read_metrics

BODY = "import os\nfrom helpers.notebook.record import record\nrecord('cwd', os.getcwd())\nrecord('seed', seed)"
CELLS = {"en": "seed: int = 1  # random seed, ≥ 0", "zh": "seed: int = 1  # 随机种子，≥ 0"}


def test_list_shows_the_help_of_the_chosen_edition(cli, monkeypatch, tmp_path):
    monkeypatch.setenv(NOTEBOOKS_ENV, str(tiny_editions(tmp_path / "nb", "01_demo_case", BODY, CELLS)))
    done = cli("list", "demo", "--lang", "all")
    assert done.returncode == 0, done.stderr
    english, chinese = done.stdout.split("zh/01_demo_case")
    assert "random seed" in english and "随机种子" in chinese and "random seed" not in chinese


def test_both_editions_run_into_one_folder_without_colliding_and_the_index_links_both(
    casebook, cli, monkeypatch, tmp_path
):
    notebooks = tiny_editions(tmp_path / "nb", "01_demo_case", BODY, CELLS)
    monkeypatch.setenv(NOTEBOOKS_ENV, str(notebooks))
    done = casebook("run", "01", "--lang", "all", "-p", "seed", "3", "--out", "out", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert {p.relative_to(out).as_posix() for p in files_under(out)} == {
        "index.html",
        *(
            f"{folder}{name}"
            for folder in ("", "zh/")
            for name in ("01_demo_case.ipynb", "01_demo_case.html", "01_demo_case.report.html")
        ),
        "metrics.json",
        "zh/metrics.json",
    }
    for folder, lang in ((notebooks, "en"), (notebooks / "zh", "zh")):
        executed = (out / "zh" if lang == "zh" else out) / "01_demo_case.ipynb"
        assert read_metrics(executed) == {"cwd": str(folder), "seed": 3}  # the zh kernel ran in notebooks/zh
    zh = json.loads((out / "zh" / "metrics.json").read_text(encoding="utf-8"))
    assert zh["01_demo_case"]["parameters"] == {"seed": 3}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="01_demo_case.html"' in index and 'href="zh/01_demo_case.html"' in index
    assert index.count("seed = 3") == 2
    assert "zh/01_demo_case" in done.stdout  # the summary names the edition

    before = {p: os.stat(p).st_mtime_ns for p in files_under(out)}
    refused = cli("run", "01", "--lang", "zh", "--out", "out")  # defaults beside seed 3
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "里已有 01_demo_case 的报告，其参数为 seed = 3，而本次运行的参数为 全部默认值" in refused.stderr  # --lang zh
    assert before == {p: os.stat(p).st_mtime_ns for p in files_under(out)}


def test_bad_parameters_are_refused_in_the_language_of_the_edition(cli, monkeypatch, tmp_path):
    monkeypatch.setenv(NOTEBOOKS_ENV, str(tiny_editions(tmp_path / "nb", "01_demo_case", BODY, CELLS)))
    chinese = cli("run", "01", "--lang", "zh", "-p", "seed", "-1", "--out", "out")
    assert chinese.returncode == 2 and chinese.stderr.count("\n") == 1
    assert "参数 'seed' = '-1' 不可用：应为不小于 0 的整数。说明：随机种子" in chinese.stderr
    english = cli("run", "01", "-p", "seed", "-1", "--out", "out")
    assert english.returncode == 2
    assert "parameter 'seed' = '-1' is not allowed: must be a whole number ≥ 0 — random seed" in english.stderr
    unknown = cli("run", "02", "--lang", "zh", "--out", "out")
    assert unknown.returncode == 2 and "找不到工作簿 '02'：可选 01_demo_case" in unknown.stderr
    assert files_under(tmp_path / "out") == []


def test_a_kernel_in_notebooks_zh_refuses_in_chinese(monkeypatch, tmp_path):
    check = "from helpers.workbooks.registry import check\nP = check(globals(), '01_demo_case')"
    monkeypatch.setenv(NOTEBOOKS_ENV, str(tiny_editions(tmp_path / "nb", "01_demo_case", check, CELLS)))
    result = execute(notebook_path("01", "zh"), {"seed": -1}, tmp_path / "out", lang="zh")  # past the CLI's check
    assert result.error.startswith("cell 3 raised ParameterError: 参数 'seed' = -1 不可用：应为不小于 0 的整数")
    assert result.error.endswith("说明：随机种子")


def test_a_batch_with_lang_zh_runs_the_chinese_edition_and_names_it_in_the_summary(
    casebook, cli, monkeypatch, tmp_path
):
    monkeypatch.setenv(NOTEBOOKS_ENV, str(tiny_editions(tmp_path / "nb", "01_demo_case", BODY, CELLS)))
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("notebooks: ['demo']\nseeds: [5]\nlang: zh\n", encoding="utf-8")
    done = casebook("batch", str(scenario), "--out", "batch")
    assert done.returncode == 0, done.stderr
    executed = tmp_path / "batch" / "seed=5" / "zh" / "01_demo_case.ipynb"
    assert read_metrics(executed) == {"cwd": str(tmp_path / "nb" / "zh"), "seed": 5}
    summary = (tmp_path / "batch" / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert summary[1].startswith("seed=5,zh/01_demo_case,,5,ok,")
    assert "运行编号" in done.stdout  # the console summary speaks the scenario's language
    bad = tmp_path / "bad.yaml"
    bad.write_text("notebooks: ['demo']\nlang: fr\n", encoding="utf-8")
    refused = cli("batch", str(bad), "--out", "batch2")
    assert refused.returncode == 2 and "'lang': language 'fr' is not available" in refused.stderr


def test_student_and_html_write_each_edition_into_its_folder(cli, monkeypatch, tmp_path):
    monkeypatch.setenv(NOTEBOOKS_ENV, str(tiny_editions(tmp_path / "nb", "01_demo_case", BODY, CELLS)))
    assert cli("student", "--lang", "all", "--out", "students").returncode == 0
    assert {p.relative_to(tmp_path / "students").as_posix() for p in files_under(tmp_path / "students")} == {
        "01_demo_case.ipynb",
        "zh/01_demo_case.ipynb",
    }
    zh = json.loads((tmp_path / "students" / "zh" / "01_demo_case.ipynb").read_text(encoding="utf-8"))
    assert "随机种子" in "".join(zh["cells"][0]["source"])
    done = cli("html", "--lang", "zh", "--out", "html")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "html" / "zh" / "01_demo_case.html").exists()
    assert 'href="zh/01_demo_case.html"' in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
