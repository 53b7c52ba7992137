"""Team funnels, share funnels, K-factor, viral cycle time and bargain figures on small hand-made tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.analysis import viral


def make_teams() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team_id": ["T1", "T2", "T3", "T4", "T5"],
            "opener_id": ["U1", "U1", "U2", "U3", "U3"],
            "shared": [True, True, True, False, False],
            "partners_joined": [1, 1, 0, 1, 0],
            "completed": [True, True, False, True, False],
        }
    )


def make_shares() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "share_id": ["S1", "S2", "S3", "S4"],
            "user_id": ["U1", "U1", "U2", "U3"],
            "share_type": ["team", "team", "team", "bargain"],
            "shared_at": pd.to_datetime(
                ["2017-01-10 10:00", "2017-02-01 00:00", "2017-02-03 00:00", "2017-03-01 00:00"]
            ),
            "reached": [10, 8, 6, 12],
            "clicks": [4, 2, 0, 9],
            "signups": [2, 1, 0, 6],
            "first_orders": [1, 0, 0, 2],
            "friends_needed": [0, 0, 0, 9],
            "item_given": [False, False, False, True],
            "giveaway_cost": [0.0, 0.0, 0.0, 30.0],
        }
    )


def make_users() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": ["U1", "U2", "U3", "U4", "U5", "U6"],
            "city_tier": [1, 3, 5, 1, 5, 5],
            "referred_by": [None, None, None, "U1", "U3", "U3"],
            "referral_share_id": [None, None, None, "S1", "S4", "S4"],
            "first_order_at": pd.to_datetime(
                [
                    "2017-01-01 00:00",
                    "2017-01-05 00:00",
                    "2017-01-20 00:00",
                    "2017-01-10 16:00",
                    "2017-03-02 00:00",
                    "2017-03-04 00:00",
                ]
            ),
        }
    )


def test_team_funnel_is_nested_and_counts_shared_teams():
    funnel = viral.team_funnel(make_teams())
    assert funnel["count"].tolist() == [5, 3, 2, 2]
    assert funnel["step_conversion"].iloc[1] == pytest.approx(0.6)


def test_team_completion_by_tier_separates_shared_from_unshared():
    table = viral.team_completion(make_teams(), make_users()).set_index("city_tier")
    assert table.loc[1, "teams"] == 2 and table.loc[1, "completion"] == 1.0
    assert table.loc[3, "completion_shared"] == 0.0
    assert math.isnan(table.loc[1, "completion_unshared"])  # tier 1 never skipped sharing
    assert table.loc[5, "completion_unshared"] == 0.5
    overall = viral.team_completion(make_teams())
    assert overall["completion"].iloc[0] == pytest.approx(0.6)
    assert viral.team_success_rate(make_teams()) == pytest.approx(0.6)


def test_no_teams_gives_nan_not_an_error():
    empty = make_teams().iloc[0:0]
    assert math.isnan(viral.team_success_rate(empty))
    assert viral.team_completion(empty).empty
    assert viral.team_funnel(empty)["leakiest"].sum() == 0


def test_share_funnel_sums_each_step():
    funnel = viral.share_funnel(make_shares(), "team")
    assert funnel["count"].tolist() == [24, 6, 3, 1]
    assert viral.share_funnel(make_shares())["count"].tolist() == [36, 15, 9, 3]


def test_k_factor_counts_referees_of_the_cohort_within_the_window():
    k = viral.k_factor(make_shares(), make_users(), window_days=30)
    # cohort: first order at least 30 days before 2017-03-04 → U1, U2, U3, U4; U1 brought U4 within 30 days,
    # U3 brought U5 and U6 more than 30 days after 2017-01-20 (41 and 43 days)
    assert k["cohort_buyers"] == 4 and k["cohort_referees"] == 1
    assert k["k_factor"] == pytest.approx(1 / 4) and k["k_any_time"] == pytest.approx(3 / 4)
    assert k["k_team"] == pytest.approx(1 / 4) and k["k_bargain"] == 0
    assert k["invites_per_user"] * k["conversion"] == pytest.approx(3 / 6)


def test_viral_cycle_time_from_inviter_and_share():
    cycle = viral.viral_cycle_days(make_users(), make_shares())
    # U4: 9 days 16 h after U1; U5, U6: 41 and 43 days after U3.
    assert cycle["generation_days"] == pytest.approx((9 + 16 / 24 + 41 + 43) / 3)
    # U4: 6 h after S1; U5, U6: 1 and 3 days after S4.
    assert cycle["share_to_order_days"] == pytest.approx((0.25 + 1 + 3) / 3)
    nobody = make_users().assign(referred_by=None)
    assert math.isnan(viral.viral_cycle_days(nobody, make_shares())["generation_days"])


def test_bargain_summary_and_cost_per_new_buyer():
    summary = viral.bargain_summary(make_shares())
    assert summary["campaigns"] == 1 and summary["items_given"] == 1
    assert summary["cost_per_new_buyer"] == pytest.approx(15.0)
    table = viral.bargain_by_friends_needed(make_shares())
    assert table["friends_needed"].tolist() == [9]
    assert table["new_buyers_per_campaign"].iloc[0] == 2
    none = viral.bargain_summary(make_shares().iloc[:3])
    assert none["campaigns"] == 0 and math.isnan(none["cost_per_new_buyer"])
