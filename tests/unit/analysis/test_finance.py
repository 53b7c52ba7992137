"""P&L steps, margins and the cash conversion cycle."""

from __future__ import annotations

import math

import pytest

from helpers.analysis import finance


def test_income_statement_steps_and_margins():
    statement = finance.income_statement(1000.0, 860.0, 70.0, other_expenses=55.0, other_income=5.0)
    amounts = dict(zip(statement["line"], statement["amount"], strict=True))
    assert amounts["Gross profit"] == pytest.approx(140.0)
    assert amounts["Net profit"] == pytest.approx(140 - 70 - 55 + 5)
    assert finance.margins(statement) == pytest.approx(
        {"gross_margin": 0.14, "fulfillment_cost_ratio": 0.07, "net_margin": 0.02}
    )
    steps = finance.waterfall_steps(statement)
    assert steps[0] == ("Revenue", 1000.0)
    assert sum(v for _, v in steps) == pytest.approx(amounts["Net profit"])


def test_zero_revenue_gives_nan_ratios():
    margins = finance.margins(finance.income_statement(0.0, 0.0, 0.0))
    assert all(math.isnan(v) for v in margins.values())


def test_cash_conversion_cycle_and_working_capital():
    inventory_days = finance.days_outstanding(average_balance=3_100.0, flow=36_500.0, days=365)
    assert inventory_days == pytest.approx(31.0)
    cycle = finance.cash_conversion_cycle(inventory_days, 2.0, 45.0)
    assert cycle == pytest.approx(-12.0)
    assert finance.working_capital(cycle, cogs=36_500.0, days=365) == pytest.approx(-1_200.0)
    assert finance.supplier_funded_share(31.0, 45.0) == 1.0
    assert finance.supplier_funded_share(40.0, 10.0) == pytest.approx(0.25)
    assert math.isnan(finance.days_outstanding(10.0, 0.0, 365))
