"""The Pinduoduo workbook's glue (helpers.workbooks.pinduoduo): counterfactual, tables, the review card's rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from generators.pinduoduo import Config
from helpers.workbooks import pinduoduo as case

SMALL = {"seed": 3, "scale": 0.05, "months": 24, "subsidy_rate": 0.1, "subsidy_start_month": 13}


@pytest.fixture(scope="module")
def tables():
    from generators.common import config_from
    from generators.pinduoduo import generate

    return generate(config_from(Config, SMALL))


def test_counterfactual_only_when_there_is_a_subsidy_to_remove(tables):
    alternative = case.counterfactual(SMALL)
    assert alternative is not None
    assert alternative["monthly_finance"]["subsidy_cost"].sum() == 0
    assert case.counterfactual({**SMALL, "subsidy_rate": 0.0}) is None
    assert case.counterfactual({**SMALL, "data_dir": "/somewhere"}) is None
    effect = case.subsidy_view(tables, alternative, SMALL)
    assert effect["incremental_gmv"] > 0
    shown = case.subsidy_table(effect)
    assert shown.shape == (4, 3) and "n/a" not in shown.iloc[:, 2].tolist()
    assert case.higher_tier_pull(tables, alternative, 13) >= 0
    assert math.isnan(case.higher_tier_pull(tables, None, 13))


def test_kpi_tree_multiplies_out(tables):
    tree = case.kpi_tree(tables)
    assert tree["KPI"].tolist()[0] == "GMV, last 12 months"
    assert len(tree) == 4


def test_tables_name_the_tiers(tables):
    assert set(case.team_table(tables)["city_tier"]) <= set(case.TIER_NAMES.values())
    assert case.ltv_table(tables)["city_tier"].iloc[-1] == "all"
    assert np.allclose(case.tier_mix(tables).sum(axis=1), 1.0)
    assert case.new_buyers_by_source(tables["users"]).to_numpy().sum() == len(tables["users"])


def test_pnl_steps_end_at_net_income(tables):
    from helpers.analysis.unit_economics import pnl_totals

    totals = pnl_totals(tables["monthly_finance"])
    assert sum(v for _, v in case.pnl_steps(totals)) == pytest.approx(totals["net_income"], abs=0.1)


def metrics(**changes):
    base = {
        "k_factor": 0.6,
        "viral_share_of_new_buyers": 0.6,
        "team_success_rate": 0.9,
        "team_order_share": 0.9,
        "ltv_cac": 1.5,
        "cac_blended": 12.0,
        "cac_paid": 80.0,
        "cac_viral": 10.0,
        "subsidy_roi": -0.9,
        "subsidy_incremental_gmv": 1000.0,
        "subsidy_cost": 500.0,
        "naive_gmv_per_yuan": 14.0,
        "subsidy_gmv_per_yuan": 2.0,
        "net_margin": -0.5,
        "marketing_expense_ratio": 1.2,
        "revenue": 100.0,
        "lower_tier_buyer_share": 0.58,
        "bargain_cost_per_new_buyer": 27.0,
        "margin_per_order": 5.0,
    }
    return {**base, **changes}


VALUES = {"team_window_hours": 24, "team_size": 2, "group_discount": 0.25, "take_rate": 0.006}


def test_review_verdicts_follow_their_rules_and_flip():
    card = case.build_review(metrics(), VALUES)
    assert card.verdict("viral_engine") == "worked"
    assert card.verdict("subsidy_pays") == "did not work"
    assert card.verdict("profitability") == "did not work"
    flipped = case.build_review(metrics(k_factor=0.1, subsidy_roi=0.2, net_margin=0.05, ltv_cac=0.8), VALUES)
    assert flipped.verdict("viral_engine") == "did not work"
    assert flipped.verdict("subsidy_pays") == "worked"
    assert flipped.verdict("profitability") == "worked"
    assert flipped.verdict("payback") == "did not work"
    missing = case.build_review(metrics(team_success_rate=None, subsidy_roi=None), VALUES)
    assert missing.verdict("teams_fill") == "cannot conclude"
    assert missing.verdict("subsidy_pays") == "cannot conclude"
    sections = {f["verdict"] for f in card.as_records()}
    assert sections >= {"why", "breakthrough", "logic", "risk", "next"}
