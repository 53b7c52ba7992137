"""Item 11 of issue 13: workbooks 00 and 04 judge the lapsed base (沉睡 sleeping + 流失 churned) by one rule;
04 no longer calls a base "worked" when few are sleeping but most have churned. Shares recomputed in pandas."""

from __future__ import annotations

import pandas as pd
import pytest
from support.inprocess import recorded
from support.method import method_result

from generators import your_shop as generator
from generators.common import config_from
from helpers.workbooks.method.review import build_review

SMALL = {"seed": 11, "scale": 0.1, "sleeping_days": 30, "churned_days": 60}


def shares(orders: pd.DataFrame, sleeping_days: int, churned_days: int) -> tuple[float, float]:
    """Sleeping and churned shares by definition: days from the last order to the day after the data ends."""
    dates = pd.to_datetime(orders["order_date"])
    last = dates.groupby(orders["customer_id"]).max()
    recency = (dates.max().normalize() + pd.Timedelta(days=1) - last).dt.days
    return float(((recency > sleeping_days) & (recency <= churned_days)).mean()), float((recency > churned_days).mean())


def test_both_workbooks_call_a_mostly_churned_base_lapsed(tmp_path):
    orders = generator.generate(config_from(generator.Config, SMALL))["orders"]
    sleeping, churned = shares(orders, 30, 60)
    assert sleeping < 0.25 < 0.5 < sleeping + churned  # few asleep, most churned: the case
    shop = recorded("04_your_shop_review", **SMALL, output_dir=str(tmp_path))  # cells run in this process
    assert (shop["sleeping_share"], shop["churned_share"]) == pytest.approx((sleeping, churned))
    shop_verdict = {f["id"]: f["verdict"] for f in shop["review"]}["sleeping"]
    assert shop_verdict == "did not work"
    method_card = build_review(method_result(sleeping_share=sleeping, churned_share=churned))
    assert method_card.verdict("retention") == shop_verdict
