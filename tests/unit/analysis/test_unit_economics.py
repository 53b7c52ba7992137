"""CAC by source, LTV/CAC by tier, subsidy ROI, repeat rate, active buyers and P&L ratios on hand-made tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import unit_economics as ue


def make_users() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": ["U1", "U2", "U3", "U4"],
            "city_tier": [1, 1, 4, 4],
            "acquired_via": ["paid", "organic", "team_share", "bargain"],
            "acquisition_cost": [80.0, 0.0, 0.0, 0.0],
            "first_order_at": pd.to_datetime(["2017-01-05", "2017-01-10", "2017-02-01", "2017-03-15"]),
        }
    )


def make_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": ["U1", "U1", "U2", "U3", "U3", "U4", "U1"],
            "ordered_at": pd.to_datetime(
                ["2017-01-05", "2017-02-01", "2017-01-10", "2017-02-01", "2017-02-20", "2017-03-15", "2018-02-01"]
            ),
            "amount": [100.0, 50.0, 40.0, 30.0, 20.0, 10.0, 100.0],
            "subsidy": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            "merchant_cost": [60.0, 30.0, 30.0, 20.0, 10.0, 5.0, 60.0],
            "status": ["completed", "completed", "completed", "completed", "refunded", "completed", "completed"],
        }
    )


def make_finance(months: int = 14) -> pd.DataFrame:
    month = pd.date_range("2017-01-01", periods=months, freq="MS")
    gmv = np.full(months, 1000.0)
    return pd.DataFrame(
        {
            "month": month.date,
            "gmv": gmv,
            "revenue": gmv * 0.02,
            "commission_revenue": gmv * 0.01,
            "ad_revenue": gmv * 0.01,
            "subsidy_cost": 0.0,
            "paid_acquisition_cost": 0.0,
            "bargain_giveaway_cost": [12.0] + [0.0] * (months - 1),
            "coupon_cost": [8.0] + [0.0] * (months - 1),
            "marketing_expense": 0.0,
            "other_operating_cost": 0.0,
            "net_income": 0.0,
        }
    )


def test_acquisition_costs_by_source_viral_and_blended():
    table = ue.acquisition_costs(make_users(), make_finance()).set_index("source")
    # coupon ¥8 over 4 users = ¥2 each; the bargain user also carries the ¥12 giveaways.
    assert table.loc["paid", "cac"] == pytest.approx(82.0)
    assert table.loc["organic", "cac"] == pytest.approx(2.0)
    assert table.loc["bargain", "cac"] == pytest.approx(14.0)
    assert table.loc["viral (team + bargain)", "cac"] == pytest.approx(8.0)
    assert table.loc["blended (all)", "cac"] == pytest.approx(100.0 / 4)
    assert ue.cac(table.reset_index(), "paid") == pytest.approx(82.0)


def test_cac_is_nan_without_buyers_of_a_source():
    users = make_users()[make_users()["acquired_via"] != "paid"]
    table = ue.acquisition_costs(users, make_finance())
    assert math.isnan(ue.cac(table, "paid"))


def test_ltv_by_tier_counts_only_buyers_observed_for_the_horizon():
    table = ue.ltv_by_tier(make_users(), make_orders(), make_finance(14), horizon_months=12).set_index("city_tier")
    # Data end 2018-03-01: U1–U3 observed 12 months, U4 (2017-03-15) not. Revenue rate 2% of GMV.
    assert table.loc[1, "observed_buyers"] == 2
    assert table.loc[1, "ltv"] == pytest.approx((150 + 40) * 0.02 / 2)  # U1's 2018 order is past 12 months
    assert table.loc[4, "ltv"] == pytest.approx(30 * 0.02)  # refunded order does not count
    assert table.loc[1, "cac"] == pytest.approx((82 + 2) / 2)
    assert table.loc[4, "cac"] == pytest.approx(2.0)  # the same cohort as the LTV: U3 only
    assert table.loc[1, "ltv_cac"] == pytest.approx(table.loc[1, "ltv"] / table.loc[1, "cac"])


def test_subsidy_roi_against_the_counterfactual_and_the_naive_view():
    base = make_finance(6).assign(gmv=[100.0, 100, 110, 120, 130, 140], net_income=0.0)
    base["revenue"] = base["gmv"] * 0.1
    observed = base.copy()
    observed.loc[3:, "gmv"] += 50.0
    observed["revenue"] = observed["gmv"] * 0.1
    observed.loc[3:, "subsidy_cost"] = 10.0
    effect = ue.subsidy_effect(observed, base, start_month=4)
    assert effect["subsidy_cost"] == 30.0
    assert effect["incremental_gmv"] == pytest.approx(150.0)
    assert effect["incremental_revenue"] == pytest.approx(15.0)
    assert effect["roi"] == pytest.approx((15 - 30) / 30)
    assert effect["gmv_per_yuan"] == pytest.approx(5.0)
    # Naive: months 4–6 average 180 vs months 1–3 average 103.33 → 76.67 × 3 months, all credited to the subsidy.
    assert effect["naive_incremental_gmv"] == pytest.approx((180 - 310 / 3) * 3)
    assert effect["naive_gmv_per_yuan"] > effect["gmv_per_yuan"]


def test_no_subsidy_no_roi_and_no_counterfactual_no_incremental():
    finance = make_finance(6)
    assert math.isnan(ue.subsidy_effect(finance, finance, 3)["roi"])
    finance.loc[2:, "subsidy_cost"] = 5.0
    effect = ue.subsidy_effect(finance, None, 3)
    assert math.isnan(effect["incremental_gmv"]) and not math.isnan(effect["naive_gmv_per_yuan"])


def test_repeat_rate_within_90_days():
    # Data ends 2018-02-01; all four are old enough. U1 repeats (Feb 1), U3's repeat was refunded, U2 and U4 no.
    assert ue.repeat_rate(make_users(), make_orders(), days=90) == pytest.approx(1 / 4)
    assert math.isnan(ue.repeat_rate(make_users(), make_orders(), days=900))


def test_annual_active_buyers_and_lower_tier_share():
    active = ue.annual_active_buyers(make_users(), make_orders(), months=12)
    # Last 12 months before 2018-02-01: U4 (2017-03-15, tier 4) and U1 (2018-02-01, tier 1).
    assert active["active_buyers"] == 2
    assert active["lower_tier_share"] == pytest.approx(0.5)
    assert active["spend_per_buyer"] == pytest.approx(55.0)


def test_tier_mix_rows_sum_to_one():
    mix = ue.tier_mix(make_users(), make_orders(), freq="Q")
    assert np.allclose(mix.sum(axis=1), 1.0)
    assert mix.loc["2017Q1", 4] == pytest.approx(2 / 4)


def test_margin_per_order_and_pnl_ratios():
    assert ue.margin_per_order(make_orders()) == pytest.approx((40 + 20 + 10 + 10 + 5 + 40) / 6)
    finance = make_finance(2).assign(revenue=[10.0, 30.0], marketing_expense=[20.0, 20.0], net_income=[-15.0, 5.0])
    totals = ue.pnl_totals(finance)
    assert totals["marketing_expense_ratio"] == pytest.approx(1.0)
    assert totals["net_margin"] == pytest.approx(-0.25)
    assert math.isnan(ue.pnl_totals(finance.assign(revenue=0.0))["net_margin"])


def test_yearly_table_has_buyers_and_ratios():
    years = ue.yearly(make_finance(14), make_orders()).set_index("year")
    assert years.loc[2017, "buyers"] == 4 and years.loc[2018, "buyers"] == 1
    assert years.loc[2017, "gmv"] == pytest.approx(12000.0)
