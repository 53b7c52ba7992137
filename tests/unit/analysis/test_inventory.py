"""Inventory helpers, checked on hand-made tables and against an independent recomputation on generated data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from generators import jd
from helpers.analysis import inventory


def _stock(rows: list[tuple]) -> pd.DataFrame:
    columns = ["date", "warehouse_id", "sku_id", "stock_close", "shipped_units", "requested_units", "on_order_units"]
    return pd.DataFrame(rows, columns=columns)


SKUS = pd.DataFrame({"sku_id": ["A", "B"], "category": ["x", "y"], "unit_cost": [10.0, 2.0]})


def test_turnover_days_is_stock_value_over_daily_cogs():
    stock = _stock(
        [
            ("2024-01-01", "W", "A", 10, 1, 1, 0),
            ("2024-01-02", "W", "A", 8, 2, 2, 0),
            ("2024-01-01", "W", "B", 0, 0, 3, 0),
            ("2024-01-02", "W", "B", 0, 0, 0, 5),
        ]
    )
    # average stock value (100 + 80) / 2 = 90; COGS per day (10 + 20) / 2 = 15 → 6 days
    assert inventory.turnover_days(stock, SKUS) == pytest.approx(6.0)
    assert inventory.stockout_rate(stock) == pytest.approx(0.5)
    assert inventory.fill_rate(stock) == pytest.approx(3 / 6)


def test_no_sales_gives_nan_not_an_error():
    stock = _stock([("2024-01-01", "W", "A", 5, 0, 0, 0)])
    assert math.isnan(inventory.turnover_days(stock, SKUS))
    assert math.isnan(inventory.fill_rate(stock))
    assert math.isnan(inventory.stockout_rate(stock.iloc[:0]))


def test_reorder_alert_when_days_of_supply_below_lead_time():
    days = pd.date_range("2024-01-01", periods=28).date
    fast = [(d, "W", "A", 20, 4, 4, 0) for d in days]  # 20 units at 4 a day: 5 days of supply
    slow = [(d, "W", "B", 20, 1, 1, 0) for d in days]  # 20 days of supply
    alerts = inventory.reorder_alerts(_stock(fast + slow), lead_time_days=7)
    assert alerts["sku_id"].tolist() == ["A"]
    assert alerts.loc[0, "days_of_supply"] == pytest.approx(5.0)
    assert alerts.loc[0, "suggested_units"] == 4 * 14 - 20
    assert inventory.reorder_alerts(_stock(fast + slow), lead_time_days=3).empty


def test_abc_ranks_by_gross_profit():
    skus = pd.DataFrame({"sku_id": list("PQRST"), "category": "c", "unit_cost": 1.0})
    orders = pd.DataFrame(
        {"sku_id": list("SRQP"), "quantity": 1, "amount": [10.0, 20.0, 30.0, 500.0], "cogs": [5.0, 10.0, 15.0, 430.0]}
    )
    table = inventory.sku_abc(orders, skus)  # gross profit 70, 15, 10, 5, 0 → cumulative 70%, 85%, 95%, 100%
    assert table["sku_id"].tolist() == list("PQRST")
    # a SKU is A while the share before it is under 80%, B under 95%, else C
    assert table["abc_class"].tolist() == ["A", "A", "B", "C", "C"]
    assert table.loc[0, "gross_margin"] == pytest.approx(70 / 500)
    assert math.isnan(table.loc[4, "gross_margin"])


def test_slow_movers_and_dead_stock():
    days = pd.date_range("2024-01-01", periods=60).date
    rows = [(d, "W", "A", 500, 1, 1, 0) for d in days] + [(d, "W", "B", 7, 0, 0, 0) for d in days]
    flagged = inventory.slow_movers(_stock(rows), SKUS, window=60, slow_days=90)
    status = dict(zip(flagged["sku_id"], flagged["status"], strict=True))
    assert status == {"A": "slow mover 滞销", "B": "dead stock"}
    assert flagged.loc[0, "stock_value"] == 5000.0


@pytest.fixture(scope="module")
def generated():
    return jd.generate(jd.Config(scale=0.1))


def test_turnover_and_stockouts_agree_with_an_independent_recomputation(generated):
    stock, skus = generated["inventory_daily"], generated["skus"]
    cost = dict(zip(skus["sku_id"], skus["unit_cost"], strict=True))
    totals, cogs = {}, 0.0
    empty = rows = 0
    for row in stock.itertuples(index=False):
        totals[row.date] = totals.get(row.date, 0.0) + row.stock_close * cost[row.sku_id]
        cogs += row.shipped_units * cost[row.sku_id]
        empty += row.stock_close == 0
        rows += 1
    expected_turnover = (sum(totals.values()) / len(totals)) / (cogs / len(totals))
    assert inventory.turnover_days(stock, skus) == pytest.approx(expected_turnover, rel=1e-9)
    assert inventory.stockout_rate(stock) == pytest.approx(empty / rows)


def test_days_of_supply_covers_every_stocked_pair(generated):
    stock = generated["inventory_daily"]
    supply = inventory.days_of_supply(stock)
    assert len(supply) == stock.groupby(["warehouse_id", "sku_id"]).ngroups
    assert (supply["days_of_supply"] >= 0).all()
    assert np.isinf(supply.loc[supply["daily_demand"] == 0, "days_of_supply"]).all()
