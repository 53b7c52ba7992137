"""The Pinduoduo workbook (01) run end to end with papermill at small scale, and its parameter checks.

Runs that only check figures (levers off, a one-hour window, your own data) run the cells in this process
(support.inprocess.recorded): a kernel start costs seconds, and the default run covers the kernel path.
"""

from __future__ import annotations

import pytest
from support.inprocess import recorded

pytestmark = pytest.mark.notebook
STEM = "01_pinduoduo_group_buying"
CONTRACT = (
    "active_buyers",
    "gmv",
    "orders",
    "team_order_share",
    "team_success_rate",
    "k_factor",
    "cac_paid",
    "cac_blended",
    "lower_tier_buyer_share",
    "repeat_rate_90d",
    "subsidy_incremental_gmv",
    "subsidy_roi",
    "marketing_expense_ratio",
    "net_margin",
    "review",
)


def verdicts(metrics):
    return {f["id"]: f["verdict"] for f in metrics["review"]}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    from helpers.app.runner import execute
    from helpers.notebook.params import notebook_path

    result = execute(notebook_path(STEM), {"scale": 0.2}, tmp_path_factory.mktemp("default"))
    assert result.ok, result.error
    return result.metrics


def test_default_run_records_the_contract_metrics_in_pinduoduo_shapes(default_run):
    m = default_run
    for name in CONTRACT:
        assert name in m, name
    assert m["team_order_share"] > 0.85  # nearly all orders are team purchases
    assert m["team_success_rate"] == pytest.approx(0.9, abs=0.07)
    assert m["lower_tier_buyer_share"] > 0.5
    assert m["marketing_expense_ratio"] > 0.9 and m["net_margin"] < 0  # growth bought with losses
    assert m["cac_paid"] > m["cac_blended"] > 0
    assert m["subsidy_incremental_gmv"] > 0 and m["subsidy_roi"] < 0  # the subsidy buys revenue, not profit
    assert m["naive_gmv_per_yuan"] > m["subsidy_gmv_per_yuan"]  # before/after overstates it
    assert 0 < m["repeat_rate_90d"] < 1
    assert verdicts(m)["viral_engine"] == "worked"
    assert verdicts(m)["teams_fill"] == "worked"
    assert verdicts(m)["subsidy_pays"] == "did not work"
    assert verdicts(m)["merchant_margin"] == "worked" and m["margin_per_order"] > 0
    assert {f["verdict"] for f in m["review"]} >= {"why", "breakthrough", "logic", "risk", "next"}


def test_no_discount_no_bargain_no_budget_subsidy_from_month_1(default_run):
    m = recorded(
        STEM, scale=0.05, group_discount=0.0, bargain_enabled=False, paid_budget_per_month=0.0, subsidy_start_month=1
    )
    assert m["team_order_share"] == 0
    assert m["team_success_rate"] is None  # no team was opened
    assert m["cac_paid"] is None  # nobody was paid for
    assert m["k_factor"] == 0
    assert m["subsidy_roi"] is not None and m["naive_gmv_per_yuan"] is None  # no months before the subsidy
    assert verdicts(m)["teams_fill"] == "cannot conclude"
    assert verdicts(m)["viral_engine"] == "did not work" != verdicts(default_run)["viral_engine"]


def test_one_hour_window_and_no_subsidy(default_run):
    m = recorded(STEM, scale=0.1, team_window_hours=1, subsidy_rate=0.0)
    assert m["team_success_rate"] < default_run["team_success_rate"] - 0.3
    assert verdicts(m)["teams_fill"] == "did not work"
    assert m["subsidy_roi"] is None and m["subsidy_incremental_gmv"] is None
    assert verdicts(m)["subsidy_pays"] == "cannot conclude"


@pytest.mark.parametrize(("name", "value"), [("group_discount", "1.5"), ("scale", "-1"), ("team_size", "1")])
def test_invalid_values_are_refused_with_the_parameter_named(cli, tmp_path, name, value):
    result = cli("run", STEM, "-p", name, value, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"'{name}'" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_subsidy_after_the_last_month_is_refused(cli, tmp_path):
    result = cli("run", STEM, "-p", "months", "12", "-p", "subsidy_start_month", "13", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "subsidy_start_month" in result.stderr


def test_your_own_data_runs_without_a_counterfactual(tmp_path):
    from helpers.app.datasets import generate_case

    generate_case("pinduoduo", tmp_path / "mine", orders=3000)
    m = recorded(STEM, data_dir=str(tmp_path / "mine"))
    assert m["subsidy_roi"] is None and m["naive_gmv_per_yuan"] is not None
    assert verdicts(m)["subsidy_pays"] == "cannot conclude"
    assert m["orders"] > 0
