"""Item 7 of issue 13: LTV/CAC on one cohort, LTV as contribution (revenue − subsidies − per-order costs),
recomputed independently (pandas + statsmodels OLS for the per-order cost) on the committed Pinduoduo data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import statsmodels.api as sm

from helpers.analysis import unit_economics as ue

DATA = Path(__file__).resolve().parents[3] / "data" / "pinduoduo"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(DATA / f"{name}.csv") for name in ("users", "orders", "monthly_finance")}


def test_ltv_cac_is_contribution_over_cac_of_the_same_cohort(tables):
    users, orders, finance = tables["users"], tables["orders"], tables["monthly_finance"]
    finance = finance.assign(month=pd.to_datetime(finance["month"]))
    done = orders[orders["status"] == "completed"].assign(ordered_at=lambda o: pd.to_datetime(o["ordered_at"]))
    done = done.assign(month=done["ordered_at"].dt.to_period("M").dt.to_timestamp())
    per_month = done.groupby("month").size().reindex(finance["month"], fill_value=0)
    fit = sm.OLS(finance["other_operating_cost"].to_numpy(), sm.add_constant(per_month.to_numpy(float))).fit()
    cost_per_order = fit.params[1]
    assert cost_per_order > 0  # ¥0.20 an order on the committed data

    users = users.assign(first_order_at=pd.to_datetime(users["first_order_at"]))
    data_end = finance["month"].max() + pd.DateOffset(months=1)
    cohort = users[users["first_order_at"] + pd.DateOffset(months=12) <= data_end]
    rate = (finance["revenue"] / finance["gmv"]).set_axis(finance["month"])
    first = users.set_index("user_id")["first_order_at"]
    mine = done[done["user_id"].isin(cohort["user_id"])]
    mine = mine[mine["ordered_at"] < mine["user_id"].map(first) + pd.DateOffset(months=12)]
    revenue = ((mine["amount"] + mine["subsidy"]) * mine["month"].map(rate)).sum() / len(cohort)
    subsidies = mine["subsidy"].sum() / len(cohort)
    costs = cost_per_order * len(mine) / len(cohort)
    # ¥2.80 subsidies and ¥3.98 costs per cohort buyer on the committed data (the issue's ¥3.22 / ¥3.90 were
    # measured before #16 and #13 item 8 redrew it): both reduce LTV, so contribution is below revenue
    assert subsidies > 0 and costs > 0

    coupon = finance["coupon_cost"].sum() / len(users)
    bargain = users["acquired_via"] == "bargain"
    spend = users["acquisition_cost"] + coupon + bargain * finance["bargain_giveaway_cost"].sum() / bargain.sum()
    cac = spend[cohort.index].mean()
    expected = (revenue - subsidies - costs) / cac  # 0.88 on the committed data

    row = ue.ltv_by_tier(tables["users"], orders, tables["monthly_finance"]).set_index("city_tier").loc["all"]
    assert row["observed_buyers"] == len(cohort)
    assert row["cac"] == pytest.approx(cac)
    assert row["revenue_ltv"] == pytest.approx(revenue)
    assert row["ltv_cac"] == pytest.approx(expected)
