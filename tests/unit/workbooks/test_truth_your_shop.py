"""Item 15 of issue 13, workbook 04: the repeat benchmark is compared on a 270-day cohort rate, and the Gamma-Gamma
independence assumption is checked (pandas, scipy and lifetimes as the independent computations)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from lifetimes.utils import summary_data_from_transaction_data
from scipy import stats
from support.shop_results import healthy_shop

from helpers.analysis.ltv import lifetime_value
from helpers.notebook.record import read_metrics
from helpers.workbooks import your_shop

ROOT = Path(__file__).resolve().parents[3]


def test_repeat_rate_is_the_270_day_cohort_rate():
    orders = pd.read_csv(ROOT / "data" / "your_shop" / "orders.csv", parse_dates=["order_date"])
    first = orders.groupby("customer_id")["order_date"].min()
    cohort = first[first <= orders["order_date"].max() - pd.Timedelta(days=270)]
    later = orders.join(first.rename("first"), on="customer_id")
    again = later[
        (later["order_date"] > later["first"]) & (later["order_date"] <= later["first"] + pd.Timedelta(days=270))
    ]["customer_id"]
    expected = cohort.index.isin(again).mean()
    # Issue 13's comparable figure was 76.5% (58.8% ever repeated); the data regenerated for issue 16 give 76.8%.
    ever = orders.groupby("customer_id").size().gt(1).mean()
    assert ever < expected < 0.9  # the 270-day cohort rate is not the share of all customers who ever repeated
    assert your_shop.cohort_repeat_rate(orders) == pytest.approx(expected)
    card = read_metrics(ROOT / "notebooks" / "04_your_shop_review.ipynb")["review"]
    repeat = next(f for f in card if f["id"] == "repeat")
    assert f"{100 * expected:.1f}% of customers ordered again within 270 days" in repeat["text"]


def test_gamma_gamma_independence_is_measured_like_lifetimes_and_warned_about():
    orders = pd.read_csv(ROOT / "data" / "your_shop" / "orders.csv", parse_dates=["order_date"])
    orders = orders[orders["customer_id"] <= orders["customer_id"].sort_values().iloc[len(orders) // 10]]
    ltv = lifetime_value(orders)
    summary = summary_data_from_transaction_data(
        orders,
        "customer_id",
        "order_date",
        monetary_value_col="amount",
        observation_period_end=ltv.observation_end,
        freq="D",
    )
    repeat = summary[summary["frequency"] > 0]
    expected = stats.pearsonr(repeat["frequency"], repeat["monetary_value"]).statistic
    assert ltv.spend_frequency_correlation == pytest.approx(expected, abs=1e-9)
    warned = your_shop.build_review(replace(healthy_shop(), gg_spend_frequency_corr=0.5)).as_records()
    quiet = your_shop.build_review(replace(healthy_shop(), gg_spend_frequency_corr=0.05)).as_records()
    assert "risk_gamma_gamma" in {f["id"] for f in warned}
    assert "risk_gamma_gamma" not in {f["id"] for f in quiet}


def test_the_win_back_list_is_not_called_high_value():
    metrics = read_metrics(ROOT / "notebooks" / "04_your_shop_review.ipynb")
    breakthrough = next(f for f in metrics["review"] if f["id"] == "breakthrough")
    assert "high-value" not in breakthrough["text"] and "RFM M↑" in breakthrough["text"]
