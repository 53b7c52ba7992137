"""Item 1 of issue 13: the K-factor is the cohort definition, recomputed independently on the committed data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.analysis import viral

DATA = Path(__file__).resolve().parents[3] / "data" / "pinduoduo"


def cohort_k(users: pd.DataFrame, window: pd.Timedelta) -> tuple[int, int]:
    """Textbook K: referees who bought within `window` of their referrer's first order, per cohort buyer."""
    users = users.assign(first_order_at=pd.to_datetime(users["first_order_at"]))
    cohort = users[users["first_order_at"] <= users["first_order_at"].max() - window]
    pairs = users.merge(
        cohort[["user_id", "first_order_at"]], left_on="referred_by", right_on="user_id", suffixes=("", "_referrer")
    )
    within = pairs[pairs["first_order_at"] - pairs["first_order_at_referrer"] <= window]
    return len(cohort), len(within)


def test_k_factor_is_referees_within_180_days_per_cohort_buyer():
    users, shares = pd.read_csv(DATA / "users.csv"), pd.read_csv(DATA / "shares.csv")
    cohort, referees = cohort_k(users, pd.Timedelta(days=180))
    assert (cohort, referees) == (2010, 990)  # on the committed data (the 1,940 / 971 before #16 redrew it)
    k = viral.k_factor(shares, users)
    assert k["k_factor"] == pytest.approx(referees / cohort)
    assert k["k_factor"] == pytest.approx(0.49, abs=0.005)
    assert k["k_any_time"] == pytest.approx(0.82, abs=0.005)
    assert k["k_team"] + k["k_bargain"] == pytest.approx(k["k_factor"])
    viral_share = shares["first_orders"].sum() / len(users)  # the old, base-share figure
    assert abs(k["k_factor"] - viral_share) > 0.05
