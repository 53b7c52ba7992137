"""Funnels, cohorts, lifecycle tiers and promotion maths on small hand-made data."""

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.cohorts import monthly_retention, retention_at
from helpers.analysis.customers import (
    CHURNED,
    HIGH_VALUE,
    NEW,
    RETURNING,
    SLEEPING,
    check_lapse_days,
    customer_summary,
    lifecycle_tiers,
    tier_share,
    tier_table,
)
from helpers.analysis.funnel import funnel_table, leakiest_step
from helpers.analysis.promotion import (
    Baseline,
    break_even_curve,
    break_even_uplift,
    promotion_effect,
    run_rate_baseline,
)
from helpers.core.errors import ParameterError


def test_funnel_finds_the_lowest_step_conversion():
    table = funnel_table(["visit", "cart", "order"], [1000, 100, 60])
    assert table["step_conversion"].tolist()[1:] == [0.1, 0.6]
    assert leakiest_step(table) == "visit → cart"
    empty = funnel_table(["visit", "order"], [0, 0])
    assert leakiest_step(empty) is None and empty["overall_conversion"].isna().all()
    with pytest.raises(ValueError, match="negative"):
        funnel_table(["a"], [-1])


ORDERS = pd.DataFrame(
    {
        "customer_id": ["a", "a", "b", "c", "c", "d"],
        "order_date": pd.to_datetime(
            ["2024-01-05", "2024-02-10", "2024-01-20", "2024-02-01", "2024-03-03", "2024-03-30"]
        ),
        "amount": [100.0, 50.0, 20.0, 500.0, 10.0, 30.0],
    }
)


def test_cohort_retention_counts_returning_customers_and_hides_the_future():
    matrix = monthly_retention(ORDERS)
    assert matrix.loc["2024-01", 0] == 1 and matrix.loc["2024-01", 1] == 0.5 and matrix.loc["2024-01", 2] == 0
    assert matrix.loc["2024-02", 1] == 1.0 and np.isnan(matrix.loc["2024-02", 2])
    assert retention_at(matrix, 1) == pytest.approx(0.75)
    assert np.isnan(retention_at(matrix, 9))


def test_lifecycle_tiers_are_exclusive_and_follow_thresholds():
    summary = customer_summary(ORDERS, asof=pd.Timestamp("2024-04-01"))
    assert summary.loc["a", "recency_days"] == 51 and summary.loc["c", "orders"] == 2
    tiers = lifecycle_tiers(summary, sleeping_days=40, churned_days=60, high_value_share=0.34)
    assert tiers.to_dict() == {"a": SLEEPING, "b": CHURNED, "c": HIGH_VALUE, "d": NEW}
    tiers = lifecycle_tiers(summary, sleeping_days=70, churned_days=80, high_value_share=0)
    assert tiers.to_dict() == {"a": RETURNING, "b": SLEEPING, "c": RETURNING, "d": NEW}
    table = tier_table(summary, tiers)
    assert table["customers"].sum() == 4 and len(table) == 5 and table["revenue_share"].sum() == pytest.approx(1)
    with pytest.raises(ParameterError, match="'sleeping_days' = 90 is not allowed: must be below churned_days"):
        lifecycle_tiers(summary, sleeping_days=90, churned_days=90)
    assert tier_share(table, SLEEPING) == pytest.approx(0.25) and tier_share(table, HIGH_VALUE) == 0


def test_summary_and_retention_are_the_same_on_pyarrow_text_ids_in_text_order():
    ids = ["b10", "张三", "b9", "b10", "a", "b9"]  # text order: a < b10 < b9 < 张三
    orders = ORDERS.assign(customer_id=pd.array(ids, dtype="string[pyarrow]"))
    summary = customer_summary(orders, asof=pd.Timestamp("2024-04-01"))
    expected = (
        ORDERS.assign(customer_id=ids).groupby("customer_id")["amount"].agg(["size", "sum"])  # pandas on str objects
    )
    assert summary.index.tolist() == ["a", "b10", "b9", "张三"] == expected.index.tolist()
    assert summary["orders"].tolist() == expected["size"].tolist()
    assert summary["revenue"].tolist() == expected["sum"].tolist()
    assert monthly_retention(orders).equals(monthly_retention(ORDERS.assign(customer_id=ids)))
    with pytest.raises(ValueError, match="customer ids are missing in 1 of 6 orders"):
        customer_summary(ORDERS.assign(customer_id=["a", None, "b", "c", "c", "d"]))


@pytest.mark.parametrize(
    ("sleeping", "churned", "allowed"), [(89, 90, True), (90, 90, False), (91, 90, False), (1, 2, True), (0, 2, False)]
)
def test_sleeping_comes_before_churned_and_after_day_zero(sleeping, churned, allowed):
    if allowed:
        check_lapse_days(sleeping, churned)
    else:
        with pytest.raises(ParameterError, match=f"'sleeping_days' = {sleeping} is not allowed"):
            check_lapse_days(sleeping, churned)


def test_tier_share_is_nan_for_a_table_without_customers():
    summary = customer_summary(ORDERS.iloc[:0], asof=pd.Timestamp("2024-04-01"))
    empty = tier_table(summary, lifecycle_tiers(summary))
    assert np.isnan(tier_share(empty, SLEEPING))


def test_break_even_curve_follows_the_formula_up_to_nine_tenths_of_the_margin():
    curve = break_even_curve(0.3, points=5)
    assert curve.index[-1] == pytest.approx(0.27)
    assert curve["required uplift"].iloc[0] == 0
    assert curve["required uplift"].iloc[-1] == pytest.approx(0.3 / (0.3 - 0.27) - 1)  # +900%
    assert curve["required uplift"].is_monotonic_increasing


def test_break_even_uplift_matches_the_formula_and_has_no_answer_past_the_margin():
    assert break_even_uplift(0.45, 0.2) == pytest.approx(0.8)
    assert break_even_uplift(0.4, 0.0) == 0
    assert np.isnan(break_even_uplift(0.3, 0.3))
    with pytest.raises(ValueError):
        break_even_uplift(0.3, 1.2)


def test_promotion_effect_separates_incremental_from_subsidised_sales():
    observed = pd.DataFrame({"amount": [80.0] * 15, "list_amount": [100.0] * 15})
    effect = promotion_effect(observed, Baseline(10, 1000.0, "test"), margin=0.5, marketing_cost=50)
    assert effect["uplift"] == pytest.approx(0.5)
    assert effect["discount_cost"] == 300 and effect["gross_profit"] == 1200 - 750
    assert effect["net_profit_change"] == pytest.approx(450 - 500 - 50)
    assert effect["subsidised_share"] == pytest.approx(10 / 15)
    assert effect["naive_roi"] == pytest.approx(1200 / 350) and effect["true_roi"] < 0
    orders = ORDERS.assign(list_amount=ORDERS["amount"])
    baseline = run_rate_baseline(orders, pd.Timestamp("2024-02-05"), 14, lookback=28)
    assert baseline.orders == pytest.approx(2 * 14 / 28)
