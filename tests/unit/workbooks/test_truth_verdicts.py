"""Item 4 of issue 13: a verdict on an estimate uses its interval — "cannot conclude" while the interval straddles
the threshold, the interval in the evidence — applied to the coupon test's findings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generators import perfect_diary as pd_gen
from helpers.core import fmt
from helpers.notebook.review import FAILED, UNKNOWN, WORKED, ReviewCard
from helpers.workbooks.perfect_diary import case, review

TEXTS = {"worked": "up", "failed": "down", "uncertain": "unsure", "evidence": "e"}
VALUES = {"coupon_control": 5.0, "coupon_treatment": 15.0}


@pytest.mark.parametrize(
    ("interval", "verdict"), [((0.1, 0.3), WORKED), ((-0.3, -0.1), FAILED), ((-0.1, 0.3), UNKNOWN)]
)
def test_the_interval_decides_not_the_point_estimate(interval, verdict):
    card = ReviewCard()
    assert card.judge("x", 0.2 if verdict != FAILED else -0.2, ">", 0, interval=interval, **TEXTS) == verdict
    finding = card.as_records()[0]
    assert finding["evidence"] == f"e; 95% CI {fmt.num(interval[0])} to {fmt.num(interval[1])}"
    assert finding["text"] == {WORKED: "up", FAILED: "down", UNKNOWN: "unsure"}[verdict]


def test_the_issue_figure_straddling_zero_cannot_conclude_that_the_coupon_does_not_pay():
    tables = pd_gen.generate(pd_gen.Config(scale=0.3))
    test = replace(
        case.coupon_test(tables, VALUES), margin_difference=-0.361, margin_ci_low=-0.778, margin_ci_high=0.056
    )
    card = ReviewCard()
    review._judge_ab(card, test)
    pays = next(f for f in card.as_records() if f["id"] == "ab_pays")
    assert pays["verdict"] == UNKNOWN and "does not pay" not in pays["text"]
    assert pays["evidence"].endswith(f"95% CI {fmt.yuan(-778.0)} to {fmt.yuan(56.0)}")


def test_a_null_test_with_identical_coupons_does_not_say_does_not_pay():
    config = replace(pd_gen.Config(scale=0.3), coupon_treatment=5.0)
    test = case.coupon_test(pd_gen.generate(config), {"coupon_control": 5.0, "coupon_treatment": 5.0})
    _, low, high = test.per_1000
    assert low < 0 < high  # identical arms: the interval covers no difference
    card = ReviewCard()
    review._judge_ab(card, test)
    verdicts = {f["id"]: f["verdict"] for f in card.as_records()}
    assert verdicts["ab_pays"] == verdicts["ab_effect"] == verdicts["ab_guardrail"] == UNKNOWN
