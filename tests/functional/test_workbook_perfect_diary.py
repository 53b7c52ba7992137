"""The Perfect Diary workbook (03) run end to end with papermill, at small scale: contract metrics, agreement with
an independent computation, verdicts that flip with the parameters, refused parameter values, and the two editions
(notebooks/ and notebooks/zh/) recording the same figures and verdicts. The runs that only check figures (the
assignment bug, edge values, your own data) run the cells in this process (support.inprocess.recorded)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import test_proportions_2indep as wald_test
from support import ROOT, files_under
from support.inprocess import recorded

from generators import perfect_diary as pd_gen
from helpers.app.runner import RunFailed, execute
from helpers.core.paths import edition
from helpers.notebook.files import notebook_path
from helpers.notebook.record import read_metrics

pytestmark = pytest.mark.notebook
STEM = "03_perfect_diary_kol_private_domain"
SCALE = 0.3
CONTRACT = (
    "revenue",
    "gross_margin",
    "sales_expense_ratio",
    "net_margin",
    "roi_top",
    "roi_mid",
    "roi_junior",
    "roi_amateur",
    "private_repurchase_rate",
    "public_repurchase_rate",
    "ab_control_n",
    "ab_treatment_n",
    "ab_control_conversions",
    "ab_treatment_conversions",
    "ab_lift",
    "ab_ci_low",
    "ab_ci_high",
    "ab_p_value",
    "ab_srm_p_value",
    "review",
)
CHANGED = {  # no private domain (half of a shipped scenario), a top-heavy KOL split: both editions run it too
    "scale": 0.2,
    "private_domain_enabled": False,
    "kol_share_top": 0.5,
    "kol_share_mid": 0.2,
    "kol_share_junior": 0.2,
    "kol_share_amateur": 0.1,
}
RUNS = {
    "default": {"scale": SCALE},
    "no_private_domain": CHANGED,
}
ASSIGNMENT_BUG = {"scale": SCALE, "ab_assignment_bug": 0.1, "wechat_add_rate": 0.6, "ab_test_share": 1.0}


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Callable[..., Path]:
    """`executed(name, lang)`: the notebook of each named run in edition `lang`, executed once for the module."""
    done: dict[tuple[str, str], Path] = {}

    def get(name: str, lang: str = "en") -> Path:
        if (name, lang) not in done:
            out = tmp_path_factory.mktemp(f"{name}-{lang}")
            result = execute(notebook_path(STEM, lang), RUNS[name], out, lang=lang)
            if not result.ok:
                raise RunFailed(f"{STEM} ({lang}) with {RUNS[name]}: {result.error}")
            done[name, lang] = edition(out, lang) / f"{STEM}.ipynb"
        return done[name, lang]

    return get


@pytest.fixture(scope="module")
def runs(executed) -> Callable[[str], dict[str, Any]]:
    """`runs(name)`: the metrics recorded by the English run `name`."""
    return lambda name: read_metrics(executed(name))


def verdicts(metrics: dict[str, Any]) -> dict[str, str]:
    return {f["id"]: f["verdict"] for f in metrics["review"]}


def finding(metrics: dict[str, Any], id: str) -> str:
    return next(f["text"] for f in metrics["review"] if f["id"] == id)


def test_default_run_records_the_contract_metrics(runs):
    m = runs("default")
    for name in CONTRACT:
        assert name in m, name
    assert all(set(f) == {"id", "verdict", "text", "evidence"} for f in m["review"])
    assert {f["verdict"] for f in m["review"]} >= {"why", "breakthrough", "logic", "risk", "next"}
    assert 0.6 <= m["gross_margin"] <= 0.68 and m["net_margin"] < 0 < m["sales_expense_ratio"]
    assert verdicts(m)["profitability"] == "did not work"
    assert verdicts(m)["ab_assignment"] == "worked"


def test_metrics_agree_with_an_independent_computation(runs):
    m = runs("default")
    tables = pd_gen.generate(pd_gen.Config(scale=SCALE))
    finance = tables["monthly_finance"]
    assert m["revenue"] == pytest.approx(finance["revenue"].sum())
    assert m["gross_margin"] == pytest.approx(finance["gross_profit"].sum() / finance["revenue"].sum())
    marketing = finance[["kol_fees", "platform_ads", "private_domain_cost"]].sum().sum()
    assert m["sales_expense_ratio"] == pytest.approx(marketing / finance["revenue"].sum())
    mid_customers = tables["customers"].loc[tables["customers"]["source"] == "mid", "customer_id"]
    mid_revenue = tables["orders"].loc[tables["orders"]["customer_id"].isin(mid_customers), "amount"].sum()
    mid_spend = tables["posts"].loc[tables["posts"]["tier"] == "mid", "fee"].sum()
    assert m["roi_mid"] == pytest.approx(mid_revenue / mid_spend)
    ab = tables["ab_assignments"]
    counts = ab.groupby("group")["converted"].agg(["size", "sum"])
    assert (m["ab_control_n"], m["ab_control_conversions"]) == tuple(counts.loc["control"])
    assert (m["ab_treatment_n"], m["ab_treatment_conversions"]) == tuple(counts.loc["treatment"])
    wald = wald_test(
        counts.loc["treatment", "sum"],
        counts.loc["treatment", "size"],
        counts.loc["control", "sum"],
        counts.loc["control", "size"],
        compare="diff",
        method="wald",
        correction=False,
    )
    assert m["ab_p_value"] == pytest.approx(wald.pvalue)
    assert m["ab_ci_low"] < m["ab_lift"] < m["ab_ci_high"]


def test_private_domain_off_closes_the_gap_and_flips_the_verdict(runs):
    on, off = runs("default"), runs("no_private_domain")
    gap_on = on["private_repurchase_rate"] - on["public_repurchase_rate"]
    gap_off = off["private_repurchase_rate"] - off["public_repurchase_rate"]
    assert gap_off < 0.4 * gap_on
    assert verdicts(on)["private_domain"] == "worked"
    assert verdicts(off)["private_domain"] == "did not work"
    assert off["ab_control_n"] == 0 and off["ab_lift"] is None  # the persona sends the test: no test without her
    assert verdicts(off)["ab_effect"] == "cannot conclude"


def test_assignment_bug_is_flagged_by_srm_and_the_review_says_so():
    m = recorded(STEM, **ASSIGNMENT_BUG)
    assert m["ab_srm_p_value"] < 0.001
    assert m["ab_treatment_n"] < m["ab_control_n"]
    assert verdicts(m)["ab_assignment"] == "did not work"
    assert "Sample ratio mismatch (SRM) detected" in finding(m, "ab_assignment")
    assert verdicts(m)["ab_effect"] == "cannot conclude"
    assert "sample ratio mismatch" in finding(m, "ab_effect")


def test_edge_values_complete_with_n_a_where_a_figure_cannot_exist():
    m = recorded(
        STEM,
        scale=0.05,
        months=6,
        kol_share_top=0.0,
        kol_share_mid=0.0,
        kol_share_junior=0.0,
        kol_share_amateur=1.0,
        wechat_add_rate=0.0,
        coupon_control=0.0,
        coupon_treatment=0.0,
        marketing_budget_per_month=20000.0,
    )
    assert m["roi_top"] is None and m["roi_mid"] is None and m["roi_amateur"] > 0
    assert m["ab_control_n"] == 0 and m["private_repurchase_rate"] is None
    assert verdicts(m)["private_domain"] == "cannot conclude"
    assert m["revenue"] > 0 and not np.isnan(m["gross_margin"])


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (
            ("-p", "kol_share_top", "0.5"),
            ["kol_share_top", "kol_share_mid", "kol_share_junior", "kol_share_amateur", "sum to 1.3"],
        ),
        (("-p", "kol_share_top", "1.5"), ["kol_share_top", "1.5"]),
        (("-p", "ab_assignment_bug", "0.9"), ["ab_assignment_bug", "0.9"]),
    ],
)
def test_invalid_values_are_refused_with_exit_code_2(cli, tmp_path, args, named):
    result = cli("run", STEM, *args, "--out", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert all(word in result.stderr for word in named), result.stderr
    assert files_under(tmp_path / "out") == []


def test_your_own_data_runs_without_a_counterfactual(tmp_path):
    from helpers.app.datasets import generate_case

    generate_case("perfect_diary", tmp_path / "mine", orders=5000)
    m = recorded(STEM, data_dir=str(tmp_path / "mine"))
    assert m["private_domain_true_uplift"] is None
    assert verdicts(m)["private_domain"] == "cannot conclude"
    assert m["response_origin"].startswith("a curve fitted")
    assert isinstance(pd.Series(m["roi_mid"]).iloc[0], float)


# ---------------------------------------------------------------- the two editions

EDITIONS = {"en": ROOT / "notebooks", "zh": ROOT / "notebooks" / "zh"}
MISSING = {  # how a figure that does not exist would show inside a sentence
    "en": re.compile(r"n/a|\bnan\b|\bNone\b"),
    "zh": re.compile(r"n/a|\bnan\b|\bNone\b|(?<!—)—(?!—)"),  # "—" alone is the Chinese mark ("——" is a dash)
}


def same_figures(en: dict[str, Any], zh: dict[str, Any]) -> None:
    assert {k: v for k, v in en.items() if k != "review"} == {k: v for k, v in zh.items() if k != "review"}
    assert [(f["id"], f["verdict"]) for f in en["review"]] == [(f["id"], f["verdict"]) for f in zh["review"]]


def prose(path: Path) -> list[str]:
    """The computed sentences a reader sees: the Markdown outputs of the executed notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        "".join(output["data"]["text/markdown"])
        for cell in cells
        for output in cell.get("outputs", [])
        if "text/markdown" in output.get("data", {})
    ]


def test_committed_editions_record_the_same_metrics_and_verdicts():
    same_figures(*(read_metrics(folder / f"{STEM}.ipynb") for folder in EDITIONS.values()))


def test_both_editions_agree_with_the_private_domain_off_and_say_why_in_words(executed):
    paths = {lang: executed("no_private_domain", lang) for lang in EDITIONS}
    en, zh = (read_metrics(path) for path in paths.values())
    same_figures(en, zh)
    assert en["ab_control_n"] == 0 and en["kol_roi"] is not None
    for lang, path in paths.items():
        texts = prose(path) + [f[part] for f in read_metrics(path)["review"] for part in ("text", "evidence")]
        assert not [t for t in texts if MISSING[lang].search(t)], lang
    assert all(re.search(r"[\u4e00-\u9fff]", f["text"]) for f in zh["review"])
    cells = json.loads(paths["en"].read_text(encoding="utf-8"))["cells"]
    ab_chart = next(c for c in cells if "charts.ab_conversion" in "".join(c["source"]))
    assert not [o for o in ab_chart["outputs"] if "image/png" in o.get("data", {})]  # no empty chart drawn


def _code_cells(lang: str) -> list[str]:
    cells = json.loads((EDITIONS[lang] / f"{STEM}.ipynb").read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def _declarations(source: str) -> list[tuple[str, str]]:
    """Each parameter line as (`name: type = default`, its range: the last part of the help after a comma)."""
    lines = [line.split("  # ") for line in source.splitlines()]
    return [(code, re.split(r"[,，]", help)[-1].strip() if re.search(r"[,，]", help) else "") for code, help in lines]


def test_code_cells_are_identical_apart_from_the_parameters_help():
    en, zh = _code_cells("en"), _code_cells("zh")
    assert en[1:] == zh[1:]
    assert _declarations(en[0]) == _declarations(zh[0])
    assert en[0] != zh[0] and re.search(r"[\u4e00-\u9fff]", zh[0])
