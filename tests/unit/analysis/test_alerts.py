"""Anomaly alerts on daily orders/GMV: flagged days, directions and the reason given for each."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis import alerts


def _daily(values: np.ndarray, start: str = "2023-03-01") -> pd.DataFrame:
    index = pd.date_range(start, periods=len(values), freq="D")
    return pd.DataFrame({"orders": values, "gmv": values * 100.0}, index=index)


def test_daily_orders_gmv_counts_and_fills_days():
    orders = pd.DataFrame(
        {"order_time": ["2024-01-01 09:00", "2024-01-01 10:00", "2024-01-03 10:00"], "amount": [10.0, 20.0, 5.0]}
    )
    daily = alerts.daily_orders_gmv(orders)
    assert daily["orders"].tolist() == [2, 0, 1]
    assert daily["gmv"].tolist() == [30.0, 0.0, 5.0]


def test_a_spike_on_an_ordinary_day_is_flagged_unexplained():
    values = 100 + np.random.default_rng(0).normal(0, 3, 60)
    values[45] = 180
    found = alerts.anomaly_alerts(_daily(values))
    assert set(found["date"]) == {pd.Timestamp("2023-04-15")}
    assert set(found["direction"]) == {"spike"}
    assert (found["reason"] == alerts.UNEXPLAINED).all()


def test_festival_days_and_run_ups_get_their_names():
    values = 100 + np.random.default_rng(1).normal(0, 3, 60)
    index = pd.date_range("2023-10-15", periods=60, freq="D")
    values[index.get_loc(pd.Timestamp("2023-11-11"))] = 400
    values[index.get_loc(pd.Timestamp("2023-11-09"))] = 160
    found = alerts.anomaly_alerts(_daily(values, "2023-10-15"), columns=("orders",))
    reasons = dict(zip(found["date"], found["reason"], strict=True))
    assert reasons[pd.Timestamp("2023-11-11")] == "Double 11 双11"
    assert reasons[pd.Timestamp("2023-11-09")] == "run-up to Double 11 双11, 2 days before"


def test_a_drop_is_explained_by_a_caller_supplied_reason():
    values = 100 + np.random.default_rng(2).normal(0, 3, 60)
    values[50] = 30
    daily = _daily(values)
    stockouts = pd.Series(False, index=daily.index)
    stockouts.iloc[50] = True
    found = alerts.anomaly_alerts(daily, columns=("orders",), explanations={"many stock-outs": stockouts})
    assert found["direction"].tolist() == ["drop"]
    assert found["reason"].tolist() == ["many stock-outs"]


def test_a_calm_series_raises_nothing():
    values = 100 + np.random.default_rng(3).normal(0, 3, 90)
    found = alerts.anomaly_alerts(_daily(values))
    assert found.empty
    assert list(found.columns) == ["date", "metric", "value", "expected", "robust_z", "direction", "reason"]
