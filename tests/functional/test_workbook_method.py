"""The method workbook (00) run end to end with papermill, at small scale.

Runs that only check figures (edge values, a lever that flips the verdicts) run the cells in this process
(support.inprocess.recorded): a kernel start costs seconds, and the default run covers the kernel path.
"""

import pytest
from support.inprocess import recorded

pytestmark = pytest.mark.notebook
STEM = "00_case_review_method"


def verdicts(metrics):
    return {f["id"]: f["verdict"] for f in metrics["review"]}


def test_default_run_records_the_headline_numbers_and_falls_into_the_trap(run_workbook):
    m = run_workbook(STEM, scale=0.3)
    for name in (
        "customers",
        "orders",
        "gmv",
        "aov",
        "overall_conversion",
        "leakiest_step",
        "break_even_uplift",
        "promo_uplift",
        "promo_net_profit",
        "promo_naive_roi",
        "promo_true_roi",
        "sleeping_share",
        "review",
    ):
        assert name in m, name
    assert m["break_even_uplift"] == pytest.approx(0.8)
    assert m["promo_naive_roi"] > 1 > m["promo_true_roi"]
    assert verdicts(m)["promotion_profit"] == "did not work"
    assert sum(m["tier_counts"].values()) == m["customers"]
    assert {f["verdict"] for f in m["review"]} >= {"breakthrough", "logic", "risk", "next"}


def test_a_shallow_discount_with_strong_response_flips_the_verdicts():
    m = recorded(STEM, scale=0.3, promo_discount=0.1, promo_elasticity=6.0, pull_forward=0.0, marketing_cost=2000.0)
    assert m["promo_net_profit"] > 0
    assert verdicts(m)["promotion_profit"] == "worked"
    assert verdicts(m)["uplift_vs_break_even"] == "worked"


def test_edge_values_complete_with_n_a_where_a_figure_cannot_exist():
    m = recorded(
        STEM,
        scale=0.05,
        promo_discount=0.0,
        promo_days=0,
        marketing_cost=0.0,
        gross_margin=0.01,
        cart_rate=1.0,
        pay_rate=0.01,
        high_value_share=0.0,
        sleeping_days=1,
        churned_days=2,
    )
    assert m["promo_true_roi"] is None and m["promo_naive_roi"] is None
    assert m["leakiest_step"] == "checkout → orders"
    assert m["tier_counts"]["高价值 high value"] == 0
