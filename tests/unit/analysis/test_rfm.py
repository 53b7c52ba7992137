"""RFM cut-offs, scores, the eight segments and revenue concentration; lifecycle tiers on the demo export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis.customers import TIERS, customer_summary, lifecycle_tiers
from helpers.analysis.rfm import (
    SEGMENT_NAMES,
    pareto_curve,
    rfm_cutoffs,
    rfm_flags,
    rfm_scores,
    rfm_segments,
    segment_counts,
    segment_table,
    top_share,
)
from helpers.io.orders import from_frame
from helpers.workbooks.your_shop import DEMO_COLUMNS, demo_export


@pytest.fixture(scope="module")
def demo_summary() -> pd.DataFrame:
    orders = from_frame(demo_export({"seed": 3, "scale": 0.05}), DEMO_COLUMNS)
    return customer_summary(orders)


def eight_customers() -> pd.DataFrame:
    """One customer per ↑/↓ combination around cut-offs recency 50, orders 2.5, revenue 500 (the means)."""
    recency = [10, 10, 90, 90, 10, 10, 90, 90]
    orders = [4, 1, 4, 1, 4, 1, 4, 1]
    revenue = [900, 900, 900, 900, 100, 100, 100, 100]
    return pd.DataFrame(
        {"recency_days": recency, "orders": orders, "revenue": revenue},
        index=pd.Index([f"c{i}" for i in range(8)], name="customer_id"),
    )


def test_each_flag_combination_gets_its_classic_segment():
    summary = eight_customers()
    cutoffs = rfm_cutoffs(summary)
    assert cutoffs == {"recency_days": 50.0, "orders": 2.5, "revenue": 500.0}
    assert rfm_segments(summary, cutoffs).astype(str).tolist() == list(SEGMENT_NAMES)


def test_median_cutoffs_and_strict_comparisons():
    summary = pd.DataFrame({"recency_days": [5, 20, 20, 100], "orders": [1, 1, 2, 5], "revenue": [10, 20, 30, 1000]})
    cutoffs = rfm_cutoffs(summary, "median")
    assert cutoffs == {"recency_days": 20.0, "orders": 1.5, "revenue": 25.0}
    flags = rfm_flags(summary, cutoffs)
    assert flags["r_high"].tolist() == [True, False, False, False]  # exactly at the cut-off is not "better"
    assert flags["f_high"].tolist() == [False, False, True, True]
    with pytest.raises(ValueError, match="mean, median"):
        rfm_cutoffs(summary, "mode")


def test_segment_counts_sum_to_the_customers_and_list_all_eight(demo_summary):
    segments = rfm_segments(demo_summary, rfm_cutoffs(demo_summary))
    counts = segment_counts(segments)
    assert list(counts) == list(SEGMENT_NAMES)
    assert sum(counts.values()) == len(demo_summary)
    assert segments.notna().all()
    table = segment_table(demo_summary, segments)
    assert table["customers"].sum() == len(demo_summary)
    assert table["revenue"].sum() == pytest.approx(demo_summary["revenue"].sum())
    assert table["customer_share"].sum() == pytest.approx(1.0)


def test_segment_table_keeps_empty_segments():
    summary = eight_customers().iloc[:1]
    table = segment_table(summary, rfm_segments(summary, rfm_cutoffs(eight_customers())))
    assert len(table) == 8 and table["customers"].tolist() == [1, 0, 0, 0, 0, 0, 0, 0]


def test_scores_run_1_to_5_best_is_5_and_ties_share_a_score():
    summary = pd.DataFrame(
        {"recency_days": np.arange(10), "orders": [1] * 6 + [2, 3, 4, 9], "revenue": np.arange(10) * 10.0}
    )
    scores = rfm_scores(summary)
    assert scores.min().min() == 1 and scores.max().max() == 5
    assert scores["r_score"].iloc[0] == 5 and scores["r_score"].iloc[-1] == 1  # most recent scores best
    assert scores["f_score"].iloc[:6].nunique() == 1
    assert scores["m_score"].is_monotonic_increasing


def test_pareto_curve_and_top_share():
    assert top_share([100, 0, 0, 0, 0]) == 1.0
    assert top_share([10] * 10, 0.2) == pytest.approx(0.2)
    assert np.isnan(top_share([]))
    curve = pareto_curve(np.array([1.0, 5.0, 4.0]))
    assert curve.iloc[0].tolist() == [0.0, 0.0]
    assert curve.iloc[-1].tolist() == pytest.approx([1.0, 1.0])
    assert curve["revenue_share"].iloc[1] == pytest.approx(0.5)  # the best customer first
    assert curve["revenue_share"].is_monotonic_increasing


@pytest.mark.parametrize(("sleeping", "churned", "high"), [(90, 180, 0.2), (30, 60, 0.0), (7, 300, 1.0)])
def test_lifecycle_tiers_are_exhaustive_and_exclusive(demo_summary, sleeping, churned, high):
    tiers = lifecycle_tiers(demo_summary, sleeping_days=sleeping, churned_days=churned, high_value_share=high)
    assert tiers.notna().all() and set(tiers.astype(str)) <= set(TIERS)
    assert tiers.value_counts().sum() == len(demo_summary) == len(tiers)
    recency = demo_summary["recency_days"]
    assert ((tiers == TIERS[4]) == (recency > churned)).all()
    assert ((tiers == TIERS[3]) == ((recency > sleeping) & (recency <= churned))).all()


def test_pareto_curve_of_many_customers_is_thinned_but_keeps_its_ends():
    revenue = np.random.default_rng(0).gamma(0.5, 100.0, 100_000)
    curve = pareto_curve(revenue, points=501)
    assert len(curve) == 501
    assert curve.iloc[0].tolist() == [0.0, 0.0] and curve.iloc[-1].tolist() == pytest.approx([1.0, 1.0])
    top = curve.loc[curve["customer_share"].sub(0.2).abs().idxmin(), "revenue_share"]
    assert top == pytest.approx(top_share(revenue, 0.2), abs=1e-3)
