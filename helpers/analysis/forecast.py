"""Demand forecasts per category with Holt-Winters (statsmodels ExponentialSmoothing), festivals handled.

Festival peaks (618, 双11, 双12) and the Spring Festival lull are not weekly seasonality: a plain
Holt-Winters model smears them into the level and over-forecasts the days after. Here the calendar effect
is taken out first — the shape from `helpers.core.festivals.festival_multiplier`, its strength estimated from the
training data — the model is fitted on the calm series, and the forecast is multiplied back by the calendar.
Scored on a holdout (MAPE) and turned into reorder points for a lead time.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from helpers.core.festivals import festival_multiplier

SEASON = 7  # weekly pattern


def daily_units(orders: pd.DataFrame, by: str = "category", date: str = "order_time",
                units: str = "quantity") -> pd.DataFrame:
    """Units ordered per day (rows, every day present) and group (columns)."""
    day = pd.to_datetime(orders[date]).dt.normalize()
    table = orders.groupby([day, orders[by]])[units].sum().unstack(by, fill_value=0)
    full = pd.date_range(day.min(), day.max(), freq="D")
    return table.reindex(full, fill_value=0).astype(float).rename_axis("date")


def calendar_lift(dates: pd.DatetimeIndex) -> np.ndarray:
    """The festival calendar's shape: 0 on ordinary days, above 0 into peaks, below 0 in the lull."""
    return festival_multiplier(dates, strength=1.0) - 1.0


def festival_strength(series: pd.Series) -> float:
    """How strongly this series follows the festival calendar (0 = not at all, 1 = the full calendar shape).

    Least squares of (demand / its 4-week rolling median − 1) on the calendar shape, over days that have one.
    """
    baseline = series.rolling(28, min_periods=7, center=True).median()
    lift = calendar_lift(pd.DatetimeIndex(series.index))
    ratio = (series / baseline - 1).to_numpy()
    use = (lift != 0) & np.isfinite(ratio)
    if use.sum() < 3:
        return 0.0
    return float(max(np.dot(lift[use], ratio[use]) / np.dot(lift[use], lift[use]), 0.0))


def _fit(values: np.ndarray, trend: bool, brute: bool):
    """Fit additive Holt-Winters; returns (results, converged) with convergence warnings caught, not shown."""
    start = "heuristic" if len(values) >= 4 * SEASON else "estimated"  # heuristic: as good here, 4× faster
    model = ExponentialSmoothing(values, trend="add" if trend else None, damped_trend=trend,
                                 seasonal="add", seasonal_periods=SEASON, initialization_method=start)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        result = model.fit(use_brute=brute)
    return result, not any(issubclass(w.category, ConvergenceWarning) for w in caught)


def holt_winters(series: pd.Series, horizon: int, handle_festivals: bool = True,
                 trend: bool = False) -> tuple[pd.Series, dict]:
    """Forecast `horizon` days after `series` (daily, DatetimeIndex); returns the forecast and fit notes.

    Level + weekly season by default (`trend=True` adds a damped trend: slower, and little help on a year of
    data). A fit that does not converge is retried with a wide search of starting values, then without trend;
    `notes` says which model was used, whether it converged, the festival strength and the residual spread.
    """
    index = pd.DatetimeIndex(series.index)
    future = pd.date_range(index[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")
    strength = festival_strength(series) if handle_festivals else 0.0
    past = np.maximum(1 + strength * calendar_lift(index), 0.05)
    ahead = np.maximum(1 + strength * calendar_lift(future), 0.05)
    calm = series.to_numpy(dtype=float) / past
    attempts = [(trend, False), (trend, True)] + ([(False, True)] if trend else [])
    for use_trend, brute in attempts:
        result, converged = _fit(calm, use_trend, brute)
        if converged:
            break
    model = "damped trend + weekly" if use_trend else "level + weekly"
    forecast = np.maximum(result.forecast(horizon) * ahead, 0.0)
    residual_sd = float(np.std(calm - result.fittedvalues, ddof=1))
    notes = {"model": model, "converged": converged, "festival_strength": strength, "residual_sd": residual_sd}
    return pd.Series(forecast, index=future, name=series.name), notes


def mape(actual: np.ndarray | pd.Series, predicted: np.ndarray | pd.Series) -> float:
    """Mean absolute percentage error over the days with positive actuals (NaN when there are none)."""
    a, p = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    use = a > 0
    return float(np.mean(np.abs(p[use] - a[use]) / a[use])) if use.any() else float("nan")


def holdout_scores(units: pd.DataFrame, holdout_days: int = 28) -> pd.DataFrame:
    """Per column of `units`: MAPE on the last `holdout_days` with festivals handled, and without (for contrast)."""
    train, test = units.iloc[:-holdout_days], units.iloc[-holdout_days:]
    rows = []
    for column in units.columns:
        handled, notes = holt_winters(train[column], holdout_days, handle_festivals=True)
        plain, _ = holt_winters(train[column], holdout_days, handle_festivals=False)
        rows.append({"category": column, "mape": mape(test[column], handled),
                     "mape_without_festivals": mape(test[column], plain), "model": notes["model"],
                     "festival_strength": notes["festival_strength"], "converged": notes["converged"]})
    return pd.DataFrame(rows)


def overall_mape(scores: pd.DataFrame, units: pd.DataFrame, holdout_days: int = 28) -> float:
    """Category MAPEs weighted by each category's units in the holdout: one headline accuracy figure."""
    weights = units.iloc[-holdout_days:].sum().reindex(scores["category"]).to_numpy()
    values = scores["mape"].to_numpy()
    use = np.isfinite(values) & (weights > 0)
    return float(np.average(values[use], weights=weights[use])) if use.any() else float("nan")


def forecast_reorder_points(units: pd.DataFrame, lead_time_days: int, service_level: float = 0.95,
                            horizon: int = 28) -> pd.DataFrame:
    """Reorder point per column from the forecast: demand over the lead time + z × σ × √lead time.

    σ is the daily residual spread of the fitted model; `service_level` is the chance of not stocking out
    while waiting for the order. Also returns the forecast daily mean over the next `horizon` days.
    """
    z = float(norm.ppf(service_level))
    rows = []
    for column in units.columns:
        forecast, notes = holt_winters(units[column], max(horizon, lead_time_days))
        lead_demand = float(forecast.iloc[:lead_time_days].sum())
        safety = z * notes["residual_sd"] * np.sqrt(lead_time_days)
        rows.append({"category": column, "forecast_daily": float(forecast.iloc[:horizon].mean()),
                     "lead_time_demand": lead_demand, "safety_stock": safety,
                     "reorder_point": float(np.ceil(lead_demand + safety))})
    return pd.DataFrame(rows)
