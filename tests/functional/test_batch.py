"""Instructor batches: a grid × trainees, a failed run that does not stop the others, a summary table."""

import pytest
import yaml
from openpyxl import load_workbook
from support import tiny_notebook

from helpers.app.batch import expand, load_scenario
from helpers.core.errors import UsageError


def write(tmp_path, scenario):
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_grid_and_trainees_expand_to_one_seed_per_trainee(tmp_path):
    scenario = load_scenario(
        write(
            tmp_path,
            {
                "notebooks": ["00_case_review_method"],
                "parameters": {"scale": 0.1},
                "grid": {"promo_discount": [0.1, 0.2]},
                "trainees": ["李雷", "Han Meimei"],
            },
        )
    )
    runs = expand(scenario)
    assert [r.parameters["seed"] for r in runs] == [696322129, 1873667365, 696322129, 1873667365]  # BLAKE2b
    assert [r.parameters["promo_discount"] for r in runs] == [0.1, 0.1, 0.2, 0.2]
    assert runs[1].run_id == "Han_Meimei__promo_discount=0.1" and all(r.parameters["scale"] == 0.1 for r in runs)


@pytest.mark.parametrize(
    ("scenario", "words"),
    [
        ({"grid": {"seed": 3}}, "grid 'seed' must be a non-empty list"),
        ({"parameter": {}}, "unknown key(s) parameter"),
        ({"trainees": "Li"}, "'trainees' must be a list"),
    ],
)
def test_malformed_scenarios_are_refused_with_the_key_named(tmp_path, scenario, words):
    with pytest.raises(UsageError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_scenario(write(tmp_path, scenario))


def test_a_scenario_is_refused_in_the_language_chosen(cli, tmp_path):
    path = write(tmp_path, {"trainees": "Li"})
    done = cli("batch", path, "--out", "batch", "--lang", "zh")
    assert done.returncode == 2 and f"场景文件 '{path}'：'trainees' 应为列表" in done.stderr
    path = write(tmp_path, {"notebooks": ["00_case_review_method"], "grid": {"promo_discount": [0.1, 2.0]}})
    done = cli("batch", path, "--out", "batch", "--lang", "zh")
    assert done.returncode == 2 and "运行 'promo_discount=2.0'：参数 'promo_discount' = 2.0 不可用" in done.stderr
    assert not (tmp_path / "batch").exists()


def test_missing_data_anywhere_refuses_the_whole_batch_before_running(cli, tmp_path):
    path = write(
        tmp_path,
        {
            "notebooks": ["00_case_review_method"],
            "parameters": {"scale": 0.03},
            "grid": {"data_dir": ["", "no/such/folder"]},
        },
    )
    done = cli("batch", path, "--out", "batch")
    assert done.returncode == 2 and "no such file or folder" in done.stderr
    assert not (tmp_path / "batch").exists()


def test_a_trainee_name_that_looks_like_a_formula_is_inert_in_the_summary_files(casebook, tmp_path):
    notebook = tiny_notebook(tmp_path / "99_tiny.ipynb", "raise ValueError('this run fails fast')")
    path = write(tmp_path, {"notebooks": [str(notebook)], "trainees": ['=HYPERLINK("http://example.invalid","click")']})
    assert casebook("batch", path, "--out", "batch").returncode == 1
    name = "=HYPERLINK_http_example.invalid_click"  # the run's name: the trainee's name, slugged
    summary = (tmp_path / "batch" / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert summary[1].startswith(f"'{name},"), summary
    assert ",failed," in summary[1], summary
    cell = load_workbook(tmp_path / "batch" / "summary.xlsx").active["A2"]
    assert (cell.value, cell.data_type) == (name, "s")


def test_an_invalid_value_anywhere_refuses_the_whole_batch_before_running(cli, tmp_path):
    path = write(tmp_path, {"notebooks": ["00_case_review_method"], "grid": {"promo_discount": [0.1, 2.0]}})
    done = cli("batch", path, "--out", "batch")
    assert done.returncode == 2 and "run 'promo_discount=2.0': " in done.stderr
    assert "'promo_discount' = 2.0" in done.stderr
    assert not (tmp_path / "batch").exists()
