"""Holt-Winters demand forecasts: festivals handled, holdout MAPE, reorder points, no warnings leaking."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import forecast
from helpers.core.festivals import festival_multiplier


def _series(days: int = 365, strength: float = 1.0, noise: float = 0.03, seed: int = 1) -> pd.Series:
    """Known demand: level 100, a weekly pattern, the festival calendar at `strength`, a little noise."""
    index = pd.date_range("2023-01-01", periods=days, freq="D")
    weekly = np.array([1.05, 1.0, 1.0, 0.95, 1.0, 1.1, 0.9])[index.weekday]
    calendar = festival_multiplier(index, strength)
    rng = np.random.default_rng(seed)
    return pd.Series(100 * weekly * calendar * rng.normal(1, noise, days), index=index, name="units")


def test_daily_units_fills_every_day():
    orders = pd.DataFrame(
        {
            "order_time": ["2024-01-01 10:00", "2024-01-03 09:00", "2024-01-03 11:00"],
            "category": ["a", "a", "b"],
            "quantity": [2, 1, 4],
        }
    )
    units = forecast.daily_units(orders)
    assert units.index.tolist() == list(pd.date_range("2024-01-01", "2024-01-03"))
    assert units.loc["2024-01-02"].tolist() == [0.0, 0.0]
    assert units.loc["2024-01-03"].tolist() == [1.0, 4.0]


def test_festival_effects_are_learned_per_calendar_day():
    effects = forecast.festival_effects(_series(strength=1.0))
    assert effects["Double 11 双11 −0"] == pytest.approx(4.0, rel=0.15)  # the day itself, ×4 in this series
    assert effects["Spring Festival +0"] == pytest.approx(0.6, rel=0.15)  # the lull
    flat = forecast.festival_effects(_series(strength=0.0))
    assert (flat - 1).abs().max() < 0.15


def test_handling_festivals_beats_plain_holt_winters_on_a_festival_holdout():
    units = _series(days=730).to_frame()
    scores = forecast.holdout_scores(units, holdout_days=28)  # the last 28 days hold 双12, seen a year before
    row = scores.iloc[0]
    assert row["mape"] < 0.1
    assert row["mape"] < row["mape_without_festivals"]
    assert forecast.overall_mape(scores, units, 28) == pytest.approx(row["mape"])


def test_forecast_is_quiet_and_non_negative():
    sparse = pd.Series(
        np.random.default_rng(3).poisson(0.3, 200).astype(float),
        index=pd.date_range("2023-01-01", periods=200, freq="D"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        predicted, notes = forecast.holt_winters(sparse, 14)
        forecast.holt_winters(sparse, 14, trend=True)
    assert len(predicted) == 14 and (predicted >= 0).all()
    assert notes["model"] == "level + weekly"
    _, with_trend = forecast.holt_winters(sparse, 14, trend=True)
    assert with_trend["model"] in ("damped trend + weekly", "level + weekly")


def test_mape_ignores_zero_actuals_and_is_nan_without_any():
    assert forecast.mape([0, 10, 20], [5, 11, 18]) == pytest.approx((0.1 + 0.1) / 2)
    assert math.isnan(forecast.mape([0, 0], [1, 2]))


def test_reorder_point_covers_lead_time_demand_plus_safety():
    units = _series(noise=0.1).to_frame()
    table = forecast.forecast_reorder_points(units, lead_time_days=7, service_level=0.95)
    row = table.iloc[0]
    assert row["lead_time_demand"] == pytest.approx(7 * 100, rel=0.25)
    assert row["safety_stock"] > 0
    assert row["reorder_point"] >= row["lead_time_demand"] + row["safety_stock"]
    lower = forecast.forecast_reorder_points(units, lead_time_days=7, service_level=0.5).iloc[0]
    assert lower["reorder_point"] < row["reorder_point"]
