"""Item 9 of issue 13: reorder alerts follow the textbook rule on inventory position (on hand + on order), so an
order already on its way counts and every alert suggests more than zero units; recomputed independently on the
committed JD stock table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.analysis import inventory

DATA = Path(__file__).resolve().parents[3] / "data" / "jd"


@pytest.fixture(scope="module")
def stock() -> pd.DataFrame:
    return pd.read_csv(DATA / "inventory_daily.csv")


def textbook_alerts(stock: pd.DataFrame, lead_time: int, window: int = 28) -> set[tuple[str, str]]:
    """Lines whose inventory position at the last date is below the demand of one lead time."""
    dates = pd.to_datetime(stock["date"])
    recent = stock[dates > dates.max() - pd.Timedelta(days=window)]
    demand = recent.groupby(["warehouse_id", "sku_id"])["requested_units"].sum() / window
    last = stock[dates == dates.max()].set_index(["warehouse_id", "sku_id"])
    position = last["stock_close"] + last["on_order_units"]
    below = position[(demand.reindex(position.index) > 0) & (position < lead_time * demand.reindex(position.index))]
    return set(below.index)


@pytest.mark.parametrize("lead_time", [7, 14, 30])
def test_alerts_are_the_lines_whose_position_is_below_lead_time_demand(stock, lead_time):
    alerts = inventory.reorder_alerts(stock, lead_time)
    assert set(zip(alerts["warehouse_id"], alerts["sku_id"], strict=True)) == textbook_alerts(stock, lead_time)
    assert (alerts["suggested_units"] > 0).all()


def test_the_defaults_raise_no_alert_that_needs_nothing(stock):
    assert textbook_alerts(stock, 7) == set()  # every low shelf already has its order on the way
    assert inventory.reorder_alerts(stock, 7).empty
