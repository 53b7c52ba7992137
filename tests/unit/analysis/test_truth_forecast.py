"""Item 13 of issue 13: the forecast learns festival effects from its training data only and reads nothing of
the generator's festival shapes, so a shape the generator never makes is learned just as well."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import forecast

SOURCE = Path(forecast.__file__).read_text(encoding="utf-8")
SHAPES = {"festival_multiplier", "FESTIVALS", "SPRING_LULL", "festival_name"}


def test_the_forecast_imports_no_generator_shape():
    imported = {
        alias.name
        for node in ast.walk(ast.parse(SOURCE))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generators")
        for alias in node.names
    }
    assert imported <= {"SPRING_FESTIVAL"}  # calendar dates only
    assert not SHAPES & imported


def odd_festival_series(days: int = 730) -> pd.Series:
    """Level 100 with a weekly pattern; demand triples on the 2–4 days before 双11 and halves on the day itself
    — a shape unlike the generator's ramp-and-peak — plus a little noise."""
    index = pd.date_range("2023-01-01", periods=days, freq="D")
    weekly = np.array([1.05, 1.0, 1.0, 0.95, 1.0, 1.1, 0.9])[index.weekday]
    gap = (pd.to_datetime({"year": index.year, "month": 11, "day": 11}) - index).dt.days.to_numpy()
    shape = np.where((gap >= 2) & (gap <= 4), 3.0, np.where(gap == 0, 0.5, 1.0))
    noise = np.random.default_rng(5).normal(1, 0.02, days)
    return pd.Series(100 * weekly * shape * noise, index=index, name="units")


def test_a_festival_shape_the_generator_never_makes_is_learned_from_the_year_before():
    series = odd_festival_series()
    train = series[series.index <= "2024-10-31"]
    test = series[(series.index > "2024-10-31") & (series.index <= "2024-11-20")]
    handled, notes = forecast.holt_winters(train, len(test))
    plain, _ = forecast.holt_winters(train, len(test), handle_festivals=False)
    assert notes["festival_days_ahead"] > 0
    assert forecast.mape(test, handled) < 0.05 < forecast.mape(test, plain)
    # learned only from training: the effect on the year-one day equals that day's own ratio to the baseline
    effects = forecast.festival_effects(train)
    assert effects["Double 11 双11 −3"] == pytest.approx(3.0, rel=0.08)
    assert effects["Double 11 双11 −0"] == pytest.approx(0.5, rel=0.08)
