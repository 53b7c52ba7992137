"""The casebook command as a user types it: exit codes, one-line errors, nothing left behind."""

import json
import re
import subprocess

import pytest
import yaml
from support import ROOT, files_under

from helpers.notebook.record import read_metrics
from helpers.workbooks.cases import CASES

NB = "00_case_review_method"


def test_list_shows_every_parameter_with_type_default_and_range(cli):
    done = cli("list")
    assert done.returncode == 0
    assert "00_case_review_method — The case review method" in done.stdout
    assert re.search(r"promo_discount\s+float\s+= 0.2\s+0–0.9\s+618 price cut", done.stdout)
    assert re.search(r"marketing_cost\s+float\s+= 20000.0\s+0–10,000,000\s", done.stdout)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["-p", "promo_discount", "1.5"],
            "parameter 'promo_discount' = '1.5' is not allowed: must be a number from 0 to 0.9",
        ),
        (
            ["-p", "promo_discout", "0.1"],
            "unknown parameter 'promo_discout' = '0.1' for 00_case_review_method: did you mean 'promo_discount'?",
        ),
        (["-p", "scale", "-1"], "parameter 'scale' = '-1' is not allowed"),
        (["-p", "sleeping_days", "300"], "parameter 'sleeping_days' = 300 is not allowed: must be below churned_days"),
    ],
)
def test_bad_parameters_exit_2_with_one_line_and_no_output(cli, tmp_path, args, words):
    done = cli("run", NB, *args, "--out", "out")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and words in done.stderr
    assert "Traceback" not in done.stderr
    assert files_under(tmp_path / "out") == []


def test_a_refusal_reaches_the_shell_as_exit_code_2_and_one_line(casebook, tmp_path):
    """Through a real `casebook` process (the cases above call main() in this process): exit 2, one line."""
    done = casebook("run", NB, "-p", "promo_discount", "1.5", "--out", "out")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "parameter 'promo_discount' = '1.5' is not allowed" in done.stderr and "Traceback" not in done.stderr
    assert files_under(tmp_path / "out") == []


def test_bad_parameter_file_and_missing_notebook_are_usage_errors(cli, tmp_path):
    (tmp_path / "p.yaml").write_text("- just\n- a list\n")
    done = cli("run", NB, "-f", "p.yaml")
    assert done.returncode == 2 and "must hold a mapping" in done.stderr
    done = cli("run", "99_missing")
    assert done.returncode == 2 and "notebook '99_missing' not found" in done.stderr


def test_run_writes_reports_metrics_and_index_and_leaves_the_repo_alone(casebook, cli, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in files_under(ROOT / "notebooks") + files_under(ROOT / "data")}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({"scale": 0.05, "promo_discount": 0.1}))
    done = casebook("run", NB, "-f", "p.yaml", "-p", "seed", "3", "--out", "out")
    assert done.returncode == 0, done.stderr
    summary = r"^00_case_review_method  ok +\d+\.\d  GMV \(¥\): ¥[\d.]+k;"
    assert re.search(summary, done.stdout, re.M)  # aligned columns, metrics by their labels
    out = tmp_path / "out"
    assert {p.relative_to(tmp_path).parts[0] for p in files_under(tmp_path)} == {"out", "p.yaml"}
    assert {p.name for p in out.iterdir()} == {  # no hidden lock or staging files either
        f"{NB}.ipynb",
        f"{NB}.html",
        f"{NB}.report.html",
        "metrics.json",
        "index.html",
    }
    stored = json.loads((out / "metrics.json").read_text(encoding="utf-8"))[NB]
    assert stored["parameters"] == {"scale": 0.05, "promo_discount": 0.1, "seed": 3}
    assert stored["metrics"] == read_metrics(out / f"{NB}.ipynb")
    assert "vnd.casebook.metric" not in (out / f"{NB}.html").read_text(encoding="utf-8")
    assert f'href="{NB}.html"' in (out / "index.html").read_text(encoding="utf-8")
    metrics = cli("metrics", str(out / f"{NB}.ipynb"))
    assert json.loads(metrics.stdout)["gmv"] == stored["metrics"]["gmv"]
    assert before == {p: p.stat().st_mtime_ns for p in files_under(ROOT / "notebooks") + files_under(ROOT / "data")}


@pytest.mark.parametrize("case", CASES)
def test_committed_data_equals_regeneration(cli, tmp_path, case):
    done = cli("generate", case, "--out", "fresh")
    assert done.returncode == 0, done.stderr
    committed = ROOT / "data" / case
    names = sorted(p.name for p in committed.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "fresh").iterdir())
    for name in names:
        assert (tmp_path / "fresh" / name).read_bytes() == (committed / name).read_bytes(), name


def test_data_dictionary_is_generated_from_the_schemas():
    from helpers.app.datasets import data_dictionary

    assert (ROOT / "data" / "README.md").read_text(encoding="utf-8") == data_dictionary()


def test_generate_size_seed_and_parquet(cli, tmp_path):
    done = cli("generate", "your_shop", "--orders", "1000", "--seed", "5", "--format", "parquet", "--out", "x")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "x" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["seed"] == 5 and manifest["config"]["scale"] == 0.02
    assert 700 < manifest["tables"]["orders"]["rows"] < 1400
    assert (tmp_path / "x" / "orders.parquet").exists()
    assert cli("generate", "taobao", "--out", "y").returncode == 2
    done = cli("generate", "jd", "--orders", "0", "--out", "z")
    assert done.returncode == 2 and not (tmp_path / "z").exists()
    assert "parameter '--orders' = 0 is not allowed: must be a whole number ≥ 1" in done.stderr


def test_refusals_of_the_command_line_are_in_the_language_chosen(cli, tmp_path):
    done = cli("generate", "--out", "x", "--lang", "zh")
    assert done.returncode == 2 and "请指定一个案例 CASE（可选 your_shop, pinduoduo, jd, perfect_diary）" in done.stderr
    done = cli("generate", "jd", "--orders", "0", "--out", "z", "--lang", "zh")
    assert done.returncode == 2 and "参数 '--orders' = 0 不可用：应为不小于 1 的整数" in done.stderr
    for lang, words in (
        ("zh", "无法读取参数文件 'missing.yaml'："),
        ("en", "parameter file 'missing.yaml' cannot be read:"),
    ):
        done = cli("run", "00", "-f", "missing.yaml", "--out", "o", "--lang", lang)
        assert done.returncode == 2 and words in done.stderr, done.stderr
    (tmp_path / "list.yaml").write_text("- 1\n", encoding="utf-8")
    done = cli("run", "00", "-f", "list.yaml", "--out", "o", "--lang", "zh")
    assert done.returncode == 2 and "参数文件 'list.yaml' 应为“名称: 取值”的映射，实际是 list" in done.stderr
    assert not (tmp_path / "o").exists() and not (tmp_path / "x").exists()


def test_check_data_lists_every_problem_and_exits_2(cli, tmp_path):
    assert cli("check-data", "your_shop", str(ROOT / "data" / "your_shop")).returncode == 0
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "orders.csv").write_text("order_id,customer_id\nO1,\n", encoding="utf-8")
    done = cli("check-data", "your_shop", str(broken))
    assert done.returncode == 2
    assert "missing table customers.csv" in done.stderr and "missing column(s) order_date" in done.stderr
    assert "column 'customer_id': empty in 1 row: 2" in done.stderr


def test_student_versions_strip_solutions_and_outputs(cli, tmp_path):
    done = cli("student", NB, "--out", "students")
    assert done.returncode == 0, done.stderr
    notebook = json.loads((tmp_path / "students" / f"{NB}.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    assert not any("BEGIN SOLUTION" in c for c in code) and sum("raise NotImplementedError()" in c for c in code) == 3
    assert all(c.get("outputs", []) == [] for c in notebook["cells"])
    assert notebook["metadata"]["casebook"] == {"workbook": NB, "lang": "en"}
    graded = [c["metadata"]["nbgrader"] for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    assert [m["grade_id"] for m in graded] == ["exercise_1_check", "exercise_2_check", "exercise_3_check"]


def test_help_lists_every_command():
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "casebook"), "--help"], capture_output=True, text=True)
    for command in (
        "list",
        "run",
        "batch",
        "check",
        "generate",
        "student",
        "metrics",
        "check-data",
        "notebooks",
        "html",
    ):
        assert command in done.stdout


def test_check_data_speaks_chinese_when_asked(cli, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "orders.csv").write_text("order_id,customer_id\nO1,\n", encoding="utf-8")
    done = cli("check-data", "your_shop", str(broken), "--lang", "zh")
    assert done.returncode == 2
    heading, *problems = done.stderr.splitlines()
    assert heading == f"{broken} 中有 {len(problems)} 个问题："
    assert f"- {broken}：缺少数据表 customers.csv" in problems
    assert "- orders.csv 的 'customer_id' 列：有空单元格，第 2 行" in problems
    ok = cli("check-data", "your_shop", str(ROOT / "data" / "your_shop"), "--lang", "zh")
    assert ok.returncode == 0 and ok.stdout.startswith("检查通过：") and "张表" in ok.stdout
