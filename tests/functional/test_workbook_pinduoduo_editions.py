"""Workbook 01 in both editions: the same code cells, and the same metrics and review verdicts for the same
parameters (issue 14). Each edition is executed as JupyterLab and papermill run it, from its own folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support import ROOT

from helpers.notebook.params import parse_cell
from helpers.notebook.record import read_metrics

pytestmark = pytest.mark.notebook
STEM = "01_pinduoduo_group_buying"
EDITIONS = {"en": ROOT / "notebooks" / f"{STEM}.ipynb", "zh": ROOT / "notebooks" / "zh" / f"{STEM}.ipynb"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def is_parameters(cell: dict) -> bool:
    return "parameters" in cell["metadata"].get("tags", [])


def test_code_cells_are_identical_apart_from_the_parameters_help():
    en, zh = cells(EDITIONS["en"]), cells(EDITIONS["zh"])
    assert [c["cell_type"] for c in en] == [c["cell_type"] for c in zh]
    for a, b in zip(en, zh, strict=True):
        if a["cell_type"] == "code" and not is_parameters(a):
            assert a["source"] == b["source"]
    spec_en, spec_zh = (parse_cell("".join(next(filter(is_parameters, c))["source"])) for c in (en, zh))
    assert list(spec_en.params) == list(spec_zh.params)
    for name, p in spec_en.params.items():
        q = spec_zh.params[name]
        assert (p.type, p.default, p.low, p.high, p.choices) == (q.type, q.default, q.low, q.high, q.choices), name
        assert HAN.search(q.help), f"{name}: the Chinese help is not in Chinese: {q.help!r}"


def test_the_committed_default_runs_agree():
    """Both committed notebooks hold a default run (strict nbval re-executes them): same metrics, same verdicts."""
    en, zh = (read_metrics(path) for path in EDITIONS.values())
    assert en == {**zh, "review": en["review"]}
    assert [(f["id"], f["verdict"]) for f in en["review"]] == [(f["id"], f["verdict"]) for f in zh["review"]]
    assert all(HAN.search(f["text"]) for f in zh["review"])


def run(edition: str, out: Path, parameters: dict) -> dict:
    import papermill  # lazy: only the tests that execute a kernel pay for the import

    path = EDITIONS[edition]
    executed = out / f"{edition}.ipynb"
    papermill.execute_notebook(
        str(path), str(executed), parameters=parameters, cwd=str(path.parent), kernel_name="python3", progress_bar=False
    )
    return read_metrics(executed)


@pytest.mark.parametrize(
    ("parameters", "merchants"),
    [
        ({"scale": 0.2}, "worked"),
        (
            {"scale": 0.1, "seed": 7, "group_discount": 0.45, "team_window_hours": 6, "subsidy_start_month": 13},
            "did not work",
        ),
    ],
    ids=["defaults", "deep_discount"],
)
def test_both_editions_record_the_same_metrics_and_verdicts(tmp_path, parameters, merchants):
    en, zh = run("en", tmp_path, parameters), run("zh", tmp_path, parameters)
    assert {k: v for k, v in en.items() if k != "review"} == {k: v for k, v in zh.items() if k != "review"}
    verdicts = [(f["id"], f["verdict"]) for f in en["review"]]
    assert verdicts == [(f["id"], f["verdict"]) for f in zh["review"]]
    assert all(HAN.search(f["text"]) for f in zh["review"])
    assert dict(verdicts)["merchant_margin"] == merchants  # a 45% team discount costs merchants money (issue 13)
