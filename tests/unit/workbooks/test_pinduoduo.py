"""The Pinduoduo workbook's glue (helpers.workbooks.pinduoduo.case): tables named for readers in both editions,
the re-simulated subsidy and its spread over seeds, the typed outcome checked against plain pandas."""

from __future__ import annotations

import math
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

from generators.common import config_from
from generators.pinduoduo import Config, generate
from helpers.analysis import unit_economics, viral
from helpers.core import language
from helpers.core.messages import label
from helpers.workbooks import cases
from helpers.workbooks.pinduoduo import case

matplotlib.use("Agg")
SMALL = {
    "seed": 3,
    "scale": 0.05,
    "months": 24,
    "subsidy_rate": 0.1,
    "subsidy_start_month": 13,
    "team_size": 2,
    "team_window_hours": 24,
    "group_discount": 0.25,
    "take_rate": 0.006,
    "data_dir": "",
}
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def tables():
    return generate(config_from(Config, SMALL))


@pytest.fixture(params=language.LANGUAGES)
def lang(request):
    language.use(request.param)
    yield request.param
    language.use("en")


def shown_tables(tables) -> dict[str, pd.DataFrame]:
    """Every table the notebook shows, built by the functions it calls."""
    costs = unit_economics.acquisition_costs(tables["users"], tables["monthly_finance"])
    effect = case.subsidy_view(tables, case.counterfactual(SMALL), SMALL)
    return {
        "facts": case.facts(),
        "dataset": cases.overview_frame(tables, "pinduoduo"),
        "orders": case.orders_preview(tables["orders"]),
        "kpi": case.kpi_tree(tables),
        "teams": case.team_table(tables),
        "bargains": viral.bargain_by_friends_needed(tables["shares"]),
        "yearly": unit_economics.yearly(tables["monthly_finance"], tables["orders"]),
        "cac": case.acquisition_table(costs),
        "ltv": case.ltv_shown(case.ltv_table(tables)),
        "subsidy": case.subsidy_table(effect),
    }


def test_every_column_shown_has_a_label_in_both_languages(tables, lang):
    for name, frame in shown_tables(tables).items():
        for column in frame.columns:
            shown = label(column)
            assert shown != column, f"{name}: column {column!r} has no {lang} label"
            assert lang == "en" or HAN.search(shown), f"{name}: {column!r} is labelled {shown!r} in zh"


def test_category_values_are_named_for_readers(tables, lang):
    codes = {"solo", "team", "completed", "refunded", "team_share", "organic", "paid", "bargain", "all", "reached"}
    frames = shown_tables(tables)
    shown = [
        *frames["orders"][["mode", "status", "category"]].to_numpy().ravel(),
        *frames["teams"]["city_tier"],
        *frames["cac"]["source"],
        *frames["ltv"]["city_tier"],
        *case.team_funnel(tables["teams"])["step"],
        *case.share_funnel(tables["shares"], "team")["step"],
        *case.tier_mix(tables).columns,
        *case.new_buyers_by_source(tables["users"]).columns,
    ]
    for value in shown:
        assert isinstance(value, str)
        if lang == "zh":
            assert HAN.search(value), value
        else:
            assert value not in codes and "_" not in value, value


def test_counterfactual_only_when_there_is_a_subsidy_to_remove(tables):
    alternative = case.counterfactual(SMALL)
    assert alternative is not None
    assert alternative["monthly_finance"]["subsidy_cost"].sum() == 0
    assert case.counterfactual({**SMALL, "subsidy_rate": 0.0}) is None
    assert case.counterfactual({**SMALL, "data_dir": "/somewhere"}) is None
    effect = case.subsidy_view(tables, alternative, SMALL)
    # independently: extra GMV = GMV with − GMV without, over the subsidy paid
    extra = tables["monthly_finance"]["gmv"].sum() - alternative["monthly_finance"]["gmv"].sum()
    assert effect["incremental_gmv"] == pytest.approx(extra)
    assert effect["gmv_per_yuan"] == pytest.approx(extra / tables["monthly_finance"]["subsidy_cost"].sum())
    assert "n/a" not in case.subsidy_table(effect)["subsidy_resimulated"].tolist()
    assert case.higher_tier_pull(tables, alternative, 13) >= 0
    assert math.isnan(case.higher_tier_pull(tables, None, 13))


def test_the_subsidy_spread_covers_this_run_and_the_other_seeds(tables):
    effect = case.subsidy_view(tables, case.counterfactual(SMALL), SMALL)
    spread = case.subsidy_spread(SMALL, effect, extra_seeds=2)
    other = {**SMALL, "seed": SMALL["seed"] + 2}
    far = case.subsidy_view(generate(config_from(Config, other)), case.counterfactual(other), other)
    assert spread.seeds == 3
    assert spread.roi_low <= min(effect["roi"], far["roi"]) <= max(effect["roi"], far["roi"]) <= spread.roi_high
    assert spread.roi_low < spread.roi_high  # different seeds give different effects: the spread is real
    assert case.subsidy_spread({**SMALL, "data_dir": "/mine"}, effect) is None
    nothing = case.subsidy_view(tables, None, SMALL)
    assert case.subsidy_spread(SMALL, nothing) is None


def test_kpi_tree_and_tables(tables):
    tree = case.kpi_tree(tables)
    assert len(tree) == 4 and tree["kpi"].iloc[0] == "GMV, last 12 months"
    assert case.ltv_shown(case.ltv_table(tables))["city_tier"].iloc[-1] == "All tiers"
    assert np.allclose(case.tier_mix(tables).sum(axis=1), 1.0)
    assert case.new_buyers_by_source(tables["users"]).to_numpy().sum() == len(tables["users"])


def test_pnl_steps_end_at_net_income(tables):
    totals = unit_economics.pnl_totals(tables["monthly_finance"])
    assert sum(v for _, v in case.pnl_steps(totals)) == pytest.approx(totals["net_income"], abs=0.1)


def test_outcome_matches_plain_pandas(tables):
    alternative = case.counterfactual(SMALL)
    result = case.outcome(tables, alternative, SMALL)
    users, orders, finance = tables["users"], tables["orders"], tables["monthly_finance"]
    done = orders[orders["status"] == "completed"]
    assert result.margin_per_order == pytest.approx((done["amount"] + done["subsidy"] - done["merchant_cost"]).mean())
    assert result.team_success_rate == pytest.approx(tables["teams"]["completed"].mean())
    assert result.team_order_share == pytest.approx((orders["mode"] == "team").mean())
    assert result.net_margin == pytest.approx(finance["net_income"].sum() / finance["revenue"].sum())
    # the cohort K-factor by its definition: referees within 180 days of their referrer's first order ÷ cohort
    first = pd.to_datetime(users.set_index("user_id")["first_order_at"])
    cohort = first[first <= first.max() - pd.Timedelta(days=180)]
    referred = users[users["referred_by"].isin(cohort.index)]
    delay = pd.to_datetime(referred["first_order_at"]).to_numpy() - referred["referred_by"].map(cohort).to_numpy()
    assert result.k_factor == pytest.approx((delay <= pd.Timedelta(days=180)).sum() / len(cohort))
    assert result.viral_share_of_new_buyers == pytest.approx(
        users["acquired_via"].isin(["team_share", "bargain"]).mean()
    )
    assert result.spread is None and not result.own_data
