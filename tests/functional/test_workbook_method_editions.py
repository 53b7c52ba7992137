"""Workbook 00 in two editions: the English notebook and notebooks/zh share every line of code, record identical
metrics and card verdicts for the same parameters, and each speaks its own language without "n/a" in a sentence.
The run on your own data (no counterfactual) is checked here for both editions, not again in test_workbook_method."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import papermill
import pytest
from support import ROOT

from helpers.app.datasets import generate_case
from helpers.notebook.record import metrics_from_cells

pytestmark = pytest.mark.notebook
STEM = "00_case_review_method"
EDITIONS = {"en": ROOT / "notebooks" / f"{STEM}.ipynb", "zh": ROOT / "notebooks" / "zh" / f"{STEM}.ipynb"}
HAN = re.compile(r"[\u4e00-\u9fff]")
NOT_A_FIGURE = {  # a missing figure shows as "n/a" in English and a lone "—" in Chinese (whose prose dash is "——")
    "en": re.compile(r"(?<![\w/])(n/a|nan|NaN|None)(?![\w/])"),
    "zh": re.compile(r"(?<![\w/])(n/a|nan|NaN|None)(?![\w/])|(?<!—)—(?!—)"),
}
CHANGED = {"scale": 0.2, "promo_discount": 0.1, "promo_elasticity": 6.0, "pull_forward": 0.0, "marketing_cost": 2000.0}


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def execute(lang: str, out: Path, **params: Any) -> list[dict]:
    """Run one edition with papermill from its own folder (the kernel's language comes from it); its cells."""
    source = EDITIONS[lang]
    target = out / f"{lang}.ipynb"
    papermill.execute_notebook(
        str(source), str(target), parameters=params, cwd=str(source.parent), kernel_name="python3", progress_bar=False
    )
    return cells(target)


def prose(notebook_cells: list[dict]) -> list[str]:
    """Every sentence the code shows: Markdown outputs and printed lines."""
    texts = []
    for cell in notebook_cells:
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("data", {}).get("text/markdown", "")))
            if output.get("name") == "stdout":
                texts.append("".join(output["text"]))
    return [t for t in texts if t.strip()]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_your_own_data_says_in_words_what_cannot_be_measured(tmp_path, lang):
    generate_case("your_shop", tmp_path / "mine", orders=2000)
    notebook = execute(lang, tmp_path, data_dir=str(tmp_path / "mine"))
    metrics = metrics_from_cells(notebook)
    assert metrics["promo_net_profit"] is None and metrics["promo_orders_anyway_share"] is None
    assert metrics["naive_uplift"] is not None  # the before/after figure exists; only its counterfactual is missing
    verdicts = {f["id"]: f["verdict"] for f in metrics["review"]}
    assert verdicts["promotion_profit"] == "cannot conclude"
    texts = prose(notebook) + [f["text"] for f in metrics["review"]] + [f["evidence"] for f in metrics["review"]]
    for text in texts:
        assert not NOT_A_FIGURE[lang].search(text), text
    why = next(f["text"] for f in metrics["review"] if f["id"] == "why_subsidy")
    expected = {"en": "Without a counterfactual, nobody knows", "zh": "没有对照，就没人知道"}[lang]
    assert why.startswith(expected)
