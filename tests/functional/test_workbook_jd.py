"""The JD workbook (02) run end to end with papermill: metrics, verdicts that flip, edge values, own data, CLI.

Runs that only check figures (bad levers, edge values, your own data) run the cells in this process
(support.inprocess.recorded): a kernel start costs seconds, and the default run covers the kernel path.
"""

from __future__ import annotations

import pytest
from support.inprocess import recorded
from support.jd_contract import RECORDED

from helpers.app.datasets import generate_case

pytestmark = pytest.mark.notebook
STEM = "02_jd_logistics_membership"


def verdicts(metrics):
    return {f["id"]: f["verdict"] for f in metrics["review"]}


def test_default_run_records_the_contract_and_the_mechanisms_show(run_workbook):
    m = run_workbook(STEM, scale=0.5)
    assert set(RECORDED) <= set(m)
    assert m["return_rate_slow"] > m["return_rate_fast"]
    assert m["repurchase_rate_fast"] > m["repurchase_rate_slow"]
    assert m["plus_naive_spend_ratio"] > 3 * m["plus_causal_uplift"]
    assert m["plus_causal_uplift"] == pytest.approx(1.3, abs=0.1)
    assert 0.12 <= m["gross_margin"] <= 0.16 and -0.02 <= m["net_margin"] <= 0.03
    assert m["cash_conversion_days"] == pytest.approx(m["inventory_turnover_days"] + 2.0 - 45.0)
    assert m["anomaly_alerts"] > 0 and m["reorder_alerts"] >= 0 and 0 < m["forecast_mape"] < 0.5
    assert set(verdicts(m).values()) >= {"worked", "why", "breakthrough", "logic", "risk", "next"}
    assert all(
        verdicts(m)[k] == "worked"
        for k in ("delivery_211", "inventory_turnover", "stockouts", "plus_effect", "net_margin", "cash_cycle")
    )


def test_bad_levers_flip_the_verdicts_and_no_true_effect_leaves_only_selection():
    m = recorded(
        STEM,
        scale=0.5,
        regional_stock_coverage=0.2,
        lead_time_days=20,
        order_up_to_days=90,
        plus_true_uplift=0.0,
        supplier_payment_days=10,
    )
    assert m["plus_causal_uplift"] == pytest.approx(1.0)
    assert m["plus_naive_spend_ratio"] > 3
    assert m["on_time_211_share"] < 0.5
    v = verdicts(m)
    for finding in ("delivery_211", "inventory_turnover", "stockouts", "plus_effect", "cash_cycle"):
        assert v[finding] == "did not work", finding


def test_edge_values_complete_with_n_a_where_a_figure_cannot_exist():
    m = recorded(STEM, scale=0.05, regional_stock_coverage=0.0, lead_time_days=1, plus_fee=2000.0, days=120)
    assert m["on_time_211_share"] == 0.0 and m["plus_member_share"] == 0.0
    assert m["plus_naive_spend_ratio"] is None and m["plus_causal_uplift"] is None
    assert verdicts(m)["plus_effect"] == "cannot conclude"


def test_your_own_data_runs_without_a_counterfactual(tmp_path):
    generate_case("jd", tmp_path / "mine", orders=8000)
    m = recorded(STEM, data_dir=str(tmp_path / "mine"))
    assert m["plus_causal_uplift"] is None
    assert verdicts(m)["plus_effect"] == "cannot conclude"
    assert m["plus_naive_spend_ratio"] > 1 and m["orders"] > 6000


@pytest.mark.parametrize(
    "name, value", [("order_up_to_days", "5"), ("regional_stock_coverage", "1.5"), ("lead_time_days", "0")]
)
def test_invalid_values_are_refused_with_exit_code_2(cli, tmp_path, name, value):
    result = cli("run", STEM, "-p", name, value, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"'{name}'" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.ipynb"))
