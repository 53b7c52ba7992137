"""Demand forecasts per category with Holt-Winters (statsmodels ExponentialSmoothing), festivals handled.

Festival peaks (618, 双11, 双12) and the Spring Festival lull are not weekly seasonality: a plain
Holt-Winters model smears them into the level and over-forecasts the days after. Here the calendar effect
is taken out first — estimated from the training data only: each festival's lift by days before it (and the
lull by days from the Spring Festival), relative to a rolling median, averaged over the years seen — the model
is fitted on the calm series, and the forecast is multiplied back by the effects learned. A festival the
training data has not seen gets no effect: nothing is borrowed from how the data was made. Scored on a holdout
(MAPE) and turned into reorder points for a lead time.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from helpers.core.festivals import SPRING_FESTIVAL  # dates only (a public calendar), never the generator's shapes

SEASON = 7  # weekly pattern
FESTIVAL_DATES = {"618": (6, 18), "Double 11 双11": (11, 11), "Double 12 双12": (12, 12)}  # the public calendar
RUN_UP_DAYS = 20  # days before a festival that may carry its effect (the analyst's window)
LULL_DAYS = 10  # days either side of the Spring Festival that may carry the lull
BASELINE_DAYS = 56  # centred rolling median that ordinary demand is measured against


def daily_units(
    orders: pd.DataFrame, by: str = "category", date: str = "order_time", units: str = "quantity"
) -> pd.DataFrame:
    """Units ordered per day (rows, every day present) and group (columns)."""
    day = pd.to_datetime(orders[date]).dt.normalize()
    table = orders.groupby([day, orders[by]])[units].sum().unstack(by, fill_value=0)
    full = pd.date_range(day.min(), day.max(), freq="D")
    return table.reindex(full, fill_value=0).astype(float).rename_axis("date")


def calendar_keys(dates: pd.DatetimeIndex) -> np.ndarray:
    """Each date's place in the calendar: '<festival> −d' within RUN_UP_DAYS before a festival, 'Spring
    Festival ±d' within LULL_DAYS of it, '' on ordinary days."""
    days = pd.DatetimeIndex(dates).normalize()
    keys = np.full(len(days), "", dtype=object)
    for name, (month, day) in FESTIVAL_DATES.items():
        target = pd.DatetimeIndex(pd.to_datetime({"year": days.year, "month": month, "day": day}))
        gap = np.asarray((target - days).days)
        near = (gap >= 0) & (gap <= RUN_UP_DAYS) & (keys == "")
        keys[near] = [f"{name} −{g}" for g in gap[near]]
    new_year = pd.DatetimeIndex(pd.to_datetime([SPRING_FESTIVAL.get(y, f"{y}-02-01") for y in days.year]))
    offset = np.asarray((days - new_year).days)
    lull = (np.abs(offset) <= LULL_DAYS) & (keys == "")
    keys[lull] = [f"Spring Festival {o:+d}" for o in offset[lull]]
    return keys


def festival_effects(series: pd.Series) -> pd.Series:
    """Multiplicative effect of each calendar key seen in `series`: demand ÷ its rolling median, averaged over
    the days with that key (one a year). Only keys present in the series are estimated."""
    baseline = series.rolling(BASELINE_DAYS, min_periods=14, center=True).median()
    ratio = (series / baseline).to_numpy()
    keys = calendar_keys(pd.DatetimeIndex(series.index))
    use = (keys != "") & np.isfinite(ratio)
    return pd.Series(ratio[use]).groupby(keys[use]).mean().clip(lower=0.05)


def _effect_on(dates: pd.DatetimeIndex, effects: pd.Series) -> np.ndarray:
    """The learned effect on each date (1 where the calendar key was not seen in training)."""
    return pd.Series(calendar_keys(dates)).map(effects).fillna(1.0).to_numpy()


def _fit(values: np.ndarray, trend: bool, brute: bool):
    """Fit additive Holt-Winters; returns (results, converged) with convergence warnings caught, not shown."""
    start = "heuristic" if len(values) >= 4 * SEASON else "estimated"  # heuristic: as good here, 4× faster
    model = ExponentialSmoothing(
        values,
        trend="add" if trend else None,
        damped_trend=trend,
        seasonal="add",
        seasonal_periods=SEASON,
        initialization_method=start,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        result = model.fit(use_brute=brute)
    return result, not any(issubclass(w.category, ConvergenceWarning) for w in caught)


def holt_winters(
    series: pd.Series, horizon: int, handle_festivals: bool = True, trend: bool = False
) -> tuple[pd.Series, dict]:
    """Forecast `horizon` days after `series` (daily, DatetimeIndex); returns the forecast and fit notes.

    Level + weekly season by default (`trend=True` adds a damped trend: slower, and little help on a year of
    data). A fit that does not converge is retried with a wide search of starting values, then without trend;
    `notes` says which model was used, whether it converged, how many forecast days carry a learned festival
    effect and the residual spread.
    """
    index = pd.DatetimeIndex(series.index)
    future = pd.date_range(index[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")
    effects = festival_effects(series) if handle_festivals else pd.Series(dtype=float)
    past, ahead = _effect_on(index, effects), _effect_on(future, effects)
    calm = series.to_numpy(dtype=float) / past
    attempts = [(trend, False), (trend, True)] + ([(False, True)] if trend else [])
    for use_trend, brute in attempts:
        result, converged = _fit(calm, use_trend, brute)
        if converged:
            break
    model = "damped trend + weekly" if use_trend else "level + weekly"
    forecast = np.maximum(result.forecast(horizon) * ahead, 0.0)
    residual_sd = float(np.std(calm - result.fittedvalues, ddof=1))
    notes = {
        "model": model,
        "converged": converged,
        "festival_days_ahead": int((ahead != 1).sum()),
        "residual_sd": residual_sd,
    }
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
        rows.append(
            {
                "category": column,
                "mape": mape(test[column], handled),
                "mape_without_festivals": mape(test[column], plain),
                "model": notes["model"],
                "festival_days_ahead": notes["festival_days_ahead"],
                "converged": notes["converged"],
            }
        )
    return pd.DataFrame(rows)


def overall_mape(scores: pd.DataFrame, units: pd.DataFrame, holdout_days: int = 28) -> float:
    """Category MAPEs weighted by each category's units in the holdout: one headline accuracy figure."""
    weights = units.iloc[-holdout_days:].sum().reindex(scores["category"]).to_numpy()
    values = scores["mape"].to_numpy()
    use = np.isfinite(values) & (weights > 0)
    return float(np.average(values[use], weights=weights[use])) if use.any() else float("nan")


def forecast_reorder_points(
    units: pd.DataFrame, lead_time_days: int, service_level: float = 0.95, horizon: int = 28
) -> pd.DataFrame:
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
        rows.append(
            {
                "category": column,
                "forecast_daily": float(forecast.iloc[:horizon].mean()),
                "lead_time_demand": lead_demand,
                "safety_stock": safety,
                "reorder_point": float(np.ceil(lead_demand + safety)),
            }
        )
    return pd.DataFrame(rows)
