"""The Perfect Diary generator: schema, determinism, calibration to docs/SOURCES.md, causal direction of levers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from generators import perfect_diary as pd_gen
from generators.common import ORDERS_PER_SCALE
from helpers.core.errors import ParameterError

SMALL = 0.1


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return pd_gen.generate(pd_gen.Config(scale=SMALL))


@pytest.fixture(scope="module")
def half() -> dict[str, pd.DataFrame]:
    return pd_gen.generate(pd_gen.Config(scale=0.5))


def _repeat_rates(tables: dict[str, pd.DataFrame], window_days: int = 270) -> tuple[float, float]:
    """Share of contacts / non-contacts who ordered again within the window (cohorts old enough only)."""
    orders, customers = tables["orders"], tables["customers"]
    first = pd.to_datetime(customers.set_index("customer_id")["first_order_date"])
    age = (pd.to_datetime(orders["order_date"]) - first.reindex(orders["customer_id"]).to_numpy()).dt.days
    again = set(orders.loc[~orders["is_first"] & (age <= window_days), "customer_id"])
    old = customers[first.to_numpy() <= pd.to_datetime(orders["order_date"]).max() - pd.Timedelta(days=window_days)]
    private = old["customer_id"].isin(tables["wechat_contacts"]["customer_id"])
    repeated = old["customer_id"].isin(again)
    return float(repeated[private].mean()), float(repeated[~private].mean())


def test_order_count_follows_scale(tables, half):
    assert len(half["orders"]) == pytest.approx(ORDERS_PER_SCALE * 0.5, rel=0.15)
    assert len(tables["orders"]) == pytest.approx(ORDERS_PER_SCALE * SMALL, rel=0.2)


def test_keys_join_and_money_is_rounded(tables):
    orders, customers = tables["orders"], tables["customers"]
    assert orders["customer_id"].isin(customers["customer_id"]).all()
    assert tables["posts"]["kol_id"].isin(tables["kols"]["kol_id"]).all()
    kol_customers = customers["post_id"].notna()
    assert customers.loc[kol_customers, "post_id"].isin(tables["posts"]["post_id"]).all()
    assert (customers.loc[kol_customers, "source"] != "organic").all()
    assert orders.groupby("customer_id")["is_first"].sum().eq(1).all()
    for column in ("list_amount", "coupon", "amount", "cogs"):
        assert (orders[column] == orders[column].round(2)).all()
    assert np.allclose(orders["amount"], orders["list_amount"] - orders["coupon"], atol=0.011)


def test_post_funnel_narrows_and_fees_follow_the_tier_bands(tables, half):
    posts = tables["posts"]
    assert (posts["impressions"] >= posts["engagements"]).all()
    assert (posts["engagements"] >= posts["clicks"]).all()
    assert (posts["sessions"] >= posts["clicks"]).all()
    assert (posts["orders"] <= posts["sessions"]).all()
    kols = half["kols"]
    fee = kols.groupby("tier")["fee_per_post"].median()
    assert 50 <= fee["amateur"] <= 650 and 800 <= fee["junior"] <= 3000 and fee["mid"] >= 3000
    assert fee["top"] >= 15_000
    bands = pd_gen.KOL_TIERS.loc[kols["tier"]]
    assert (
        (kols["followers"].to_numpy() >= bands["followers_low"].to_numpy())
        & (kols["followers"].to_numpy() <= bands["followers_high"].to_numpy())
    ).all()
    assert customers_per_post(tables) == tables["posts"]["orders"].sum()


def customers_per_post(tables: dict[str, pd.DataFrame]) -> int:
    """Customers the posts brought in, counted from the customers table."""
    return int(tables["customers"]["post_id"].notna().sum())


def test_kol_spend_follows_the_budget_split(half):
    config = pd_gen.Config(scale=0.5)
    planned = pd_gen.monthly_budgets(config).sum()
    spent = half["posts"].groupby("tier")["fee"].sum()
    for tier in ("mid", "junior", "amateur"):
        assert spent[tier] == pytest.approx(planned[tier], rel=0.1), tier
    assert half["monthly_finance"]["kol_fees"].sum() == pytest.approx(half["posts"]["fee"].sum())


def test_defaults_land_near_domain_figures(half):
    finance = half["monthly_finance"]
    revenue = finance["revenue"].sum()
    assert 0.62 <= finance["gross_profit"].sum() / revenue <= 0.67
    marketing = finance[["kol_fees", "platform_ads", "private_domain_cost"]].sum(axis=1)
    assert 0.5 <= marketing.sum() / revenue <= 0.8
    first, last = finance.iloc[:6], finance.iloc[-6:]
    assert marketing.iloc[-6:].sum() / last["revenue"].sum() > marketing.iloc[:6].sum() / first["revenue"].sum()
    assert finance["net_profit"].sum() < 0
    private, public = _repeat_rates(half)
    assert 0.3 <= (private * 0.3 + public * 0.7) <= 0.5
    assert private > public + 0.1


def test_private_domain_off_closes_the_repurchase_gap(tables):
    off = pd_gen.generate(pd_gen.Config(scale=SMALL, private_domain_enabled=False))
    pd.testing.assert_frame_equal(off["customers"], tables["customers"])
    pd.testing.assert_frame_equal(
        off["wechat_contacts"].drop(columns="active"), tables["wechat_contacts"].drop(columns="active")
    )
    assert not off["wechat_contacts"]["active"].any()
    on_gap = np.subtract(*_repeat_rates(tables))
    off_gap = np.subtract(*_repeat_rates(off))
    assert off_gap < 0.4 * on_gap  # what remains is selection: loyal buyers add the persona more often


def test_ab_assignment_is_balanced_and_the_bug_shifts_users_to_control(tables):
    counts = tables["ab_assignments"]["group"].value_counts()
    assert counts["treatment"] / counts.sum() == pytest.approx(0.5, abs=0.05)
    buggy = pd_gen.generate(pd_gen.Config(scale=SMALL, ab_assignment_bug=0.3))
    pd.testing.assert_series_equal(buggy["ab_assignments"]["customer_id"], tables["ab_assignments"]["customer_id"])
    share = (buggy["ab_assignments"]["group"] == "treatment").mean()
    assert share == pytest.approx(0.5 * (1 - 0.3), abs=0.05)
    ab = tables["ab_assignments"]
    converted = ab[ab["converted"]].merge(tables["orders"], on="order_id", suffixes=("", "_order"))
    assert len(converted) == ab["converted"].sum()
    assert (converted["customer_id"] == converted["customer_id_order"]).all()
    assert np.allclose(converted["coupon"], converted["coupon_order"])


def test_more_budget_to_a_tier_buys_fewer_customers_per_yuan():
    base = pd_gen.Config(scale=0.3)
    heavy = replace(base, kol_share_junior=0.6, kol_share_mid=0.05)
    cost_per_order = {}
    for name, config in (("base", base), ("heavy", heavy)):
        posts = pd_gen.generate(config)["posts"]
        junior = posts[posts["tier"] == "junior"]
        cost_per_order[name] = junior["fee"].sum() / junior["orders"].sum()
    assert cost_per_order["heavy"] > 1.3 * cost_per_order["base"]
    curve = pd_gen.response_parameters(base).set_index("tier")
    k, capacity = curve.loc["junior", "orders_per_yuan"], curve.loc["junior", "capacity"]
    spend = np.array([0.5, 1, 2, 4]) * capacity
    per_yuan = k * pd_gen.saturation(spend, capacity)
    assert (np.diff(per_yuan) < 0).all()


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"kol_share_top": 0.5, "kol_share_mid": 0.5, "kol_share_junior": 0.3, "kol_share_amateur": 0.1}, "sum to 1.4"),
        (
            {"kol_share_top": 1.2, "kol_share_mid": 0.0, "kol_share_junior": 0.0, "kol_share_amateur": 0.0},
            "'kol_share_top' = 1.2",
        ),
        ({"months": 4}, "'months' = 4"),
    ],
)
def test_cross_parameter_rules_name_the_parameters(values, named):
    with pytest.raises(ParameterError, match=named) as error:
        pd_gen.check_parameters(values)
    if "sum" in named:
        assert all(f"kol_share_{tier}" in str(error.value) for tier in pd_gen.TIERS)


def test_shares_summing_to_one_within_tolerance_pass():
    pd_gen.check_parameters(
        {"kol_share_top": 0.3333, "kol_share_mid": 0.3333, "kol_share_junior": 0.3334, "kol_share_amateur": 0.0}
    )
    pd_gen.check_parameters({})
