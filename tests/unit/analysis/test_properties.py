"""Property-based checks of the analysis helpers: rates stay rates, populations add up, money is conserved."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.analysis.cohorts import monthly_retention
from helpers.analysis.customers import TIERS, customer_summary, lifecycle_tiers, tier_table
from helpers.analysis.funnel import funnel_table
from helpers.analysis.promotion import Baseline, break_even_uplift, promotion_effect
from helpers.core import fmt
from helpers.workbooks.method.case import profit_steps

counts = st.lists(st.integers(0, 10_000), min_size=1, max_size=6)
orders_strategy = st.lists(
    st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 400), st.floats(0, 5000, allow_nan=False)),
    min_size=1,
    max_size=60,
)


def frame(rows):
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta([r[1] for r in rows], unit="D"),
            "amount": [r[2] for r in rows],
        }
    )


@given(counts)
def test_funnel_rates_are_within_0_and_1_and_monotone(raw):
    values = sorted(raw, reverse=True)
    table = funnel_table([f"s{i}" for i in range(len(values))], values)
    rates = table["step_conversion"].dropna()
    assert ((rates >= 0) & (rates <= 1)).all()
    overall = table["overall_conversion"].dropna()
    assert (overall.diff().dropna() <= 1e-12).all()
    assert table["leakiest"].sum() == (1 if len(rates) else 0)


@settings(max_examples=60, deadline=None)
@given(orders_strategy, st.integers(1, 200), st.integers(1, 300), st.floats(0, 1))
def test_lifecycle_tiers_are_exhaustive_and_exclusive(rows, sleeping, extra, share):
    summary = customer_summary(frame(rows))
    tiers = lifecycle_tiers(summary, sleeping_days=sleeping, churned_days=sleeping + extra, high_value_share=share)
    assert len(tiers) == summary.shape[0] and tiers.notna().all() and set(tiers) <= set(TIERS)
    table = tier_table(summary, tiers)
    assert table["customers"].sum() == summary.shape[0]
    assert table["customer_share"].sum() == pytest.approx(1)


@settings(max_examples=60, deadline=None)
@given(orders_strategy)
def test_cohort_retention_is_a_share_and_month_zero_is_everyone(rows):
    matrix = monthly_retention(frame(rows))
    values = matrix.to_numpy(dtype=float)
    assert np.all((values[~np.isnan(values)] >= 0) & (values[~np.isnan(values)] <= 1))
    assert (matrix[0] == 1).all()


@given(st.floats(0.01, 1), st.floats(0, 0.99), st.floats(0, 0.99))
def test_break_even_uplift_rises_with_the_discount(margin, d1, d2):
    low, high = sorted((d1, d2))
    a, b = break_even_uplift(margin, low), break_even_uplift(margin, high)
    if not np.isnan(b):
        assert 0 <= a <= b
    else:
        assert high >= margin


@given(
    st.lists(st.tuples(st.floats(1, 1000), st.floats(0, 0.9)), min_size=0, max_size=30),
    st.floats(0, 500),
    st.floats(0, 50_000),
    st.floats(0.05, 0.95),
    st.floats(0, 10_000),
)
@settings(deadline=None)  # a loaded CI machine must not fail a correctness property on time
def test_promotion_profit_bridge_conserves_money(rows, base_orders, base_revenue, margin, marketing):
    observed = pd.DataFrame({"list_amount": [r[0] for r in rows], "amount": [r[0] * (1 - r[1]) for r in rows]})
    baseline = Baseline(base_orders, base_revenue, "t")
    effect = promotion_effect(observed, baseline, margin=margin, marketing_cost=marketing)
    steps = profit_steps(effect, margin)
    assert sum(v for _, v in steps) == pytest.approx(effect["gross_profit"] - marketing, abs=1e-6)
    expected = effect["gross_profit"] - effect["baseline_gross_profit"] - marketing
    assert effect["net_profit_change"] == pytest.approx(expected)
    if len(observed) == 0:  # no division by zero on an empty window: the share does not exist
        assert np.isnan(effect["subsidised_share"])


@given(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**12), 10**12)))
def test_formatters_never_fail_and_say_n_a_for_missing(value):
    for show in (fmt.yuan, fmt.pct, fmt.num, fmt.ratio, fmt.days, fmt.pp):
        text = show(value)
        assert isinstance(text, str) and ("nan" not in text and "inf" not in text)
