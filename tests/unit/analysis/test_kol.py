"""KOL economics: unit costs by hand, the saturating response and its marginal ROI, and the CAC calculator."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from generators import perfect_diary as pd_gen
from helpers.analysis import kol

TIERS = ("top", "mid")


@pytest.fixture
def small() -> dict[str, pd.DataFrame]:
    posts = pd.DataFrame(
        {
            "post_id": ["P1", "P2", "P3"],
            "tier": ["top", "top", "mid"],
            "post_date": ["2019-01-03"] * 3,
            "fee": [20_000.0, 10_000.0, 5_000.0],
            "impressions": [200_000, 100_000, 0],
            "engagements": [3_000, 1_000, 0],
            "clicks": [300, 100, 0],
            "sessions": [900, 300, 0],
            "orders": [2, 1, 0],
        }
    )
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"], "source": ["top", "top", "top", "organic"]})
    orders = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C3", "C4"], "amount": [100.0, 50.0, 80.0, 70.0, 999.0]})
    return {"posts": posts, "customers": customers, "orders": orders}


def test_unit_costs_by_hand(small):
    table = kol.tier_economics(
        small["posts"], small["customers"], small["orders"], TIERS, extra_spend={"platform_ads": 1_000.0}
    ).set_index("tier")
    top = table.loc["top"]
    assert top["spend"] == 30_000 and top["posts"] == 2
    assert top["cpm"] == pytest.approx(30_000 / 300_000 * 1000)
    assert top["cpe"] == pytest.approx(30_000 / 4_000)
    assert top["cost_per_order"] == pytest.approx(30_000 / 3)
    assert top["roi"] == pytest.approx(300 / 30_000)
    mid = table.loc["mid"]
    assert np.isnan(mid["cpm"]) and np.isnan(mid["cost_per_order"]) and mid["roi"] == 0
    assert table.loc["platform_ads", "spend"] == 1_000 and table.loc["platform_ads", "roi"] == 0


def test_funnel_counts_and_monthly_response(small):
    assert kol.funnel_counts(small["posts"], "top") == [300_000, 4_000, 400, 1_200, 3]
    monthly = kol.monthly_response(small["posts"], TIERS)
    assert monthly.loc["2019-01", ("spend", "top")] == 30_000
    assert monthly.loc["2019-01", ("new_customers", "mid")] == 0


def test_marginal_is_the_derivative_and_falls_with_spend():
    k, capacity = 0.02, 50_000.0
    spend = np.array([0.0, 10_000, 50_000, 150_000])
    step = 1.0
    numeric = (kol.expected_customers(spend + step, k, capacity) - kol.expected_customers(spend, k, capacity)) / step
    assert np.allclose(numeric, kol.marginal_customers(spend, k, capacity), rtol=1e-4)
    assert (np.diff(kol.marginal_customers(spend, k, capacity)) < 0).all()
    assert kol.expected_customers(1e9, k, capacity) == pytest.approx(k * capacity)


def test_fit_recovers_a_known_curve_and_refuses_too_little_data():
    spend = np.linspace(10_000, 120_000, 18)
    k, capacity = kol.fit_response(spend, kol.expected_customers(spend, 0.015, 60_000))
    assert (k, capacity) == pytest.approx((0.015, 60_000), rel=1e-3)
    assert np.isnan(kol.fit_response([1_000, 2_000], [10, 20])[0])


def test_shifting_budget_to_a_saturated_tier_lowers_its_marginal_roi():
    base = pd_gen.Config(scale=0.3)
    heavy = replace(base, kol_share_amateur=0.45, kol_share_mid=0.05)
    response = pd_gen.response_parameters(base)
    value = dict.fromkeys(response["tier"], 120.0)
    spends = {}
    for name, config in (("base", base), ("heavy", heavy)):
        spends[name] = pd_gen.generate(config)["posts"].groupby("tier")["fee"].sum() / config.months
    table = {
        name: kol.marginal_roi_table(response, spend.to_dict(), value).set_index("tier")
        for name, spend in spends.items()
    }
    assert spends["heavy"]["amateur"] > 2 * spends["base"]["amateur"]
    assert table["heavy"].loc["amateur", "marginal_roi"] < 0.5 * table["base"].loc["amateur", "marginal_roi"]
    assert table["heavy"].loc["mid", "marginal_roi"] > table["base"].loc["mid", "marginal_roi"]
    assert kol.best_next_yuan(table["heavy"].reset_index()) != "amateur"


def test_marginal_roi_curves_and_best_next_yuan():
    response = pd.DataFrame({"tier": ["a", "b"], "orders_per_yuan": [0.02, 0.01], "capacity": [10_000.0, 80_000.0]})
    table = kol.marginal_roi_table(response, {"a": 30_000.0, "b": 30_000.0}, {"a": 100.0, "b": 100.0})
    assert table.set_index("tier").loc["a", "marginal_roi"] == pytest.approx(2 * np.exp(-3))
    assert kol.best_next_yuan(table) == "b"
    curves = kol.marginal_roi_curves(response, {"a": 100.0, "b": 100.0}, max_spend=50_000, points=11)
    assert curves.shape == (11, 2) and curves.iloc[0]["a"] == pytest.approx(2.0)
    assert kol.best_next_yuan(table.assign(marginal_roi=np.nan)) is None


def test_max_affordable_cac():
    assert kol.max_affordable_cac(100.0, 0.6, 0.0) == pytest.approx(60.0)
    assert kol.max_affordable_cac(100.0, 0.6, 0.4, cost_per_order=6.0) == pytest.approx(54.0 / 0.6)
    assert np.isnan(kol.max_affordable_cac(100.0, 0.6, 1.0))
