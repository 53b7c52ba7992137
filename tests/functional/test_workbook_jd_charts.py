"""Every chart of the JD workbook (02) is legible (#17): after each chart is drawn, no two text elements (tick
labels, value labels, titles, axis labels, legend entries) overlap, and no legend covers data — at the defaults
and with levers that move the bars and lines a lot. Both editions: Chinese labels are wider."""

from __future__ import annotations

import pytest
from support.inprocess import run_in_process

STEM = "02_jd_logistics_membership"
RUNS = [
    {"scale": 0.2},
    {"scale": 0.2, "regional_stock_coverage": 0.2, "lead_time_days": 20, "supplier_payment_days": 10.0},
    {"scale": 0.2, "order_up_to_days": 120.0, "plus_true_uplift": 0.0, "supplier_payment_days": 150.0},
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("values", RUNS, ids=["defaults", "bad-levers", "slow-stock-long-terms"])
def test_no_chart_text_collides_and_no_legend_covers_data(lang, values):
    assert run_in_process(STEM, values, lang=lang).collisions == []
