"""Item 5 of issue 13: the coupon test's guardrail is margin per assigned user after fulfilment, with a Welch
interval, recomputed independently (scipy) from the committed Perfect Diary tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from helpers.analysis import abtest
from helpers.workbooks.perfect_diary import case

DATA = Path(__file__).resolve().parents[3] / "data" / "perfect_diary"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(DATA / f"{name}.csv") for name in ("ab_assignments", "orders", "monthly_finance")}


def welch(tables: dict[str, pd.DataFrame], fulfilment: float) -> tuple[float, float, float]:
    """Treatment minus control mean margin per enrolled user (0 for those who did not buy), Welch 95% CI."""
    joined = tables["ab_assignments"].merge(tables["orders"], on="order_id", how="left")
    margin = (joined["amount"] - joined["cogs"] - fulfilment).fillna(0.0)
    treated, control = margin[joined["group"] == "treatment"], margin[joined["group"] == "control"]
    interval = stats.ttest_ind(treated, control, equal_var=False).confidence_interval(0.95)
    return treated.mean() - control.mean(), interval.low, interval.high


def test_guardrail_before_fulfilment_matches_the_issue(tables):
    difference, low, high = welch(tables, 0.0)
    assert (difference, low, high) == pytest.approx((-0.36, -0.78, 0.06), abs=0.005)
    result = abtest.read_test(tables["ab_assignments"], tables["orders"])
    assert (result["margin_difference"], result["margin_ci_low"], result["margin_ci_high"]) == pytest.approx(
        (difference, low, high), rel=1e-9
    )


def test_guardrail_is_per_assigned_user_after_fulfilment(tables):
    finance = tables["monthly_finance"]
    fulfilment = finance["fulfilment"].sum() / finance["orders"].sum()
    difference, low, high = welch(tables, fulfilment)
    result = case.coupon_test(tables, {"coupon_control": 5.0, "coupon_treatment": 15.0})
    assert result.fulfilment_per_order == pytest.approx(fulfilment)
    assert (result.margin_difference, result.margin_ci_low, result.margin_ci_high) == pytest.approx(
        (difference, low, high), rel=1e-9
    )
    assert result.per_1000[1:] == pytest.approx((1000 * low, 1000 * high), rel=1e-9)


def test_a_test_where_nobody_converted_gives_zero_margins_not_an_error(tables):
    nobody = tables["ab_assignments"].assign(converted=False, order_id=float("nan"))
    margins = abtest.user_margins(nobody, tables["orders"], 6.5)
    assert (margins["control"] == 0).all() and len(margins["control"]) == (nobody["group"] == "control").sum()
