"""Membership: naive ratio vs causal uplift vs before/after, and the shop owner's break-even calculator."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from generators import jd
from helpers.analysis import membership


def test_break_even_uplift_formula():
    # margin 30%, discount 10%, spend 1000, fee 50: without 300; with 50 + 200 × (1 + u) → u* = 0.25
    result = membership.membership_break_even(fee=50, discount=0.1, margin=0.3, annual_spend=1000, expected_uplift=0.4)
    assert result["break_even_uplift"] == pytest.approx(0.25)
    assert result["profit_change"] == pytest.approx(50 + 200 * 1.4 - 300)
    assert result["worth_it"]
    worse = membership.membership_break_even(fee=50, discount=0.1, margin=0.3, annual_spend=1000, expected_uplift=0.1)
    assert not worse["worth_it"]
    assert math.isnan(membership.membership_break_even(0, 0.3, 0.3, 1000, 0.5)["break_even_uplift"])


def test_no_members_gives_nan():
    orders = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "amount": [1.0, 2.0],
            "order_time": ["2024-01-01"] * 2,
            "is_plus_member": [False, False],
        }
    )
    empty = pd.DataFrame(columns=["customer_id", "start_date", "is_renewal"]).astype({"is_renewal": bool})
    assert math.isnan(membership.naive_spend_ratio(orders, empty))
    assert math.isnan(membership.causal_uplift(orders, orders))
    assert membership.before_after_uplift(orders, empty) == {
        "uplift": pytest.approx(float("nan"), nan_ok=True),
        "joiners": 0,
    }


@pytest.fixture(scope="module")
def runs():
    return {u: jd.generate(jd.Config(scale=0.5, plus_true_uplift=u)) for u in (0.0, 0.5)}


def test_without_a_true_effect_causal_is_one_while_naive_stays_high(runs):
    off = runs[0.0]
    assert membership.causal_uplift(off["orders"], off["orders"]) == pytest.approx(1.0)
    assert membership.naive_spend_ratio(off["orders"], off["memberships"]) > 3
    assert membership.before_after_uplift(off["orders"], off["memberships"])["uplift"] == pytest.approx(1.0, abs=0.15)


def test_with_a_true_effect_both_honest_estimates_find_it(runs):
    on, off = runs[0.5], runs[0.0]
    assert membership.causal_uplift(on["orders"], off["orders"]) == pytest.approx(1.5, abs=0.12)
    assert membership.before_after_uplift(on["orders"], on["memberships"])["uplift"] == pytest.approx(1.5, abs=0.2)
    assert membership.naive_spend_ratio(on["orders"], on["memberships"]) > membership.naive_spend_ratio(
        off["orders"], off["memberships"]
    )
