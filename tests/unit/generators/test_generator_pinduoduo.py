"""The Pinduoduo generator: schema, determinism, calibration and the causal direction of every lever."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from generators.pinduoduo import SCHEMA, Config, check_parameters, generate
from helpers.core.errors import ParameterError

SMALL = Config(scale=0.2)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return generate(SMALL)


def run(**changes) -> dict[str, pd.DataFrame]:
    return generate(replace(SMALL, **changes))


def team_share(t: dict[str, pd.DataFrame]) -> float:
    return float((t["orders"]["mode"] == "team").mean())


def viral_k(t: dict[str, pd.DataFrame]) -> float:
    """New users brought by shares per user (computed here independently of helpers.analysis.viral)."""
    return float(t["users"]["acquired_via"].isin(["team_share", "bargain"]).sum() / len(t["users"]))


def margin_per_order(t: dict[str, pd.DataFrame]) -> float:
    done = t["orders"][t["orders"]["status"] == "completed"]
    return float((done["amount"] + done["subsidy"] - done["merchant_cost"]).mean())


# ---------------------------------------------------------------- schema and integrity


def test_keys_link_up(tables):
    users, orders, teams, shares = (tables[k] for k in ("users", "orders", "teams", "shares"))
    known = set(users["user_id"])
    assert set(orders["user_id"]) <= known
    assert set(teams["opener_id"]) <= known
    assert set(users["referred_by"].dropna()) <= known
    assert set(users["referral_share_id"].dropna()) <= set(shares["share_id"])
    assert set(shares["team_id"].dropna()) <= set(teams["team_id"])
    assert set(orders["team_id"].dropna()) == set(teams["team_id"])
    # Every user's first order is in the orders table at the recorded time.
    first = orders.groupby("user_id")["ordered_at"].min()
    assert (first.reindex(users["user_id"]).to_numpy() == users["first_order_at"].to_numpy()).all()


def test_teams_fill_or_are_refunded(tables):
    orders, teams = tables["orders"], tables["teams"]
    size = orders.dropna(subset=["team_id"]).groupby("team_id").size()
    teams = teams.set_index("team_id")
    assert (size.reindex(teams.index) == teams["partners_joined"] + 1).all()
    full = teams[teams["completed"]]
    assert (full["partners_joined"] == full["team_size"] - 1).all()
    refunded = orders.groupby("team_id")["status"].agg(lambda s: (s == "refunded").all())
    assert (refunded.reindex(teams.index) == ~teams["completed"]).all()
    assert (orders.loc[orders["team_id"].isna(), "status"] == "completed").all()
    assert (teams["closed_at"] >= teams["opened_at"]).all()


def test_money_has_two_decimals_and_prices_add_up(tables):
    orders = tables["orders"]
    for column in ("list_amount", "amount", "subsidy", "merchant_cost"):
        assert np.allclose(orders[column], orders[column].round(2)), column
    solo = orders["mode"] == "solo"
    assert np.allclose(orders.loc[solo, "amount"] + orders.loc[solo, "subsidy"], orders.loc[solo, "list_amount"])
    team = orders[~solo]
    assert np.allclose(team["amount"] + team["subsidy"], team["list_amount"] * (1 - SMALL.group_discount), atol=0.011)


def test_monthly_finance_adds_up(tables):
    finance, orders = tables["monthly_finance"], tables["orders"]
    done = orders[orders["status"] == "completed"]
    assert len(finance) == SMALL.months
    assert finance["gmv"].sum() == pytest.approx((done["amount"] + done["subsidy"]).sum(), rel=1e-9)
    assert finance["orders"].sum() == len(done)
    parts = finance[["subsidy_cost", "paid_acquisition_cost", "bargain_giveaway_cost", "coupon_cost"]].sum(axis=1)
    assert np.allclose(finance["marketing_expense"], parts, atol=0.02)
    net = finance["revenue"] - finance["marketing_expense"] - finance["other_operating_cost"]
    assert np.allclose(finance["net_income"], net, atol=0.02)
    assert finance["new_buyers"].sum() == len(tables["users"])


# ---------------------------------------------------------------- calibration (docs/SOURCES.md shapes)


def test_defaults_look_like_pinduoduo(tables):
    orders, users, finance = tables["orders"], tables["users"], tables["monthly_finance"]
    assert team_share(tables) > 0.85  # nearly all orders are team purchases
    assert tables["teams"]["completed"].mean() == pytest.approx(0.9, abs=0.06)
    buyers = users[users["user_id"].isin(orders.loc[orders["status"] == "completed", "user_id"])]
    assert (buyers["city_tier"] >= 3).mean() > 0.5  # most buyers in tier 3 and below
    assert finance["marketing_expense"].sum() > 0.9 * finance["revenue"].sum()
    assert finance["net_income"].sum() < 0


# ---------------------------------------------------------------- levers: causal direction


def test_deeper_discount_more_teams_more_virality_less_margin(tables):
    deeper = run(group_discount=0.5)
    assert team_share(deeper) > team_share(tables)
    assert viral_k(deeper) > viral_k(tables)
    assert margin_per_order(deeper) < margin_per_order(tables)


def test_no_discount_no_teams():
    flat = run(group_discount=0.0)
    assert team_share(flat) == 0
    assert flat["teams"].empty
    assert list(flat["teams"].columns) == SCHEMA["teams"].names


def test_bargain_off_lowers_k_factor(tables):
    off = run(bargain_enabled=False)
    assert viral_k(off) < viral_k(tables)
    assert (off["shares"]["share_type"] == "bargain").sum() == 0
    assert off["monthly_finance"]["bargain_giveaway_cost"].sum() == 0


def test_shorter_window_fails_more_teams(tables):
    short = run(team_window_hours=1)
    assert short["teams"]["completed"].mean() < tables["teams"]["completed"].mean() - 0.2


def test_no_subsidy_no_subsidy_cost_and_same_past():
    with_subsidy, without = run(subsidy_rate=0.2), run(subsidy_rate=0.0)
    assert without["orders"]["subsidy"].sum() == 0
    assert without["monthly_finance"]["subsidy_cost"].sum() == 0
    assert with_subsidy["monthly_finance"]["subsidy_cost"].sum() > 0
    # Common random numbers: identical months before the subsidy starts.
    before = SMALL.subsidy_start_month - 1
    pd.testing.assert_frame_equal(
        with_subsidy["monthly_finance"].iloc[:before], without["monthly_finance"].iloc[:before]
    )
    assert with_subsidy["monthly_finance"]["gmv"].sum() > without["monthly_finance"]["gmv"].sum()


def test_no_paid_budget_no_paid_users():
    free = run(paid_budget_per_month=0.0)
    assert (free["users"]["acquired_via"] == "paid").sum() == 0
    assert free["users"]["acquisition_cost"].sum() == 0


# ---------------------------------------------------------------- parameter rules


def test_subsidy_must_start_within_the_months():
    check_parameters({"months": 24, "subsidy_start_month": 24, "subsidy_rate": 0.1})
    check_parameters({"months": 12, "subsidy_start_month": 30, "subsidy_rate": 0.0})
    with pytest.raises(ParameterError, match="subsidy_start_month"):
        check_parameters({"months": 12, "subsidy_start_month": 13, "subsidy_rate": 0.1})
