"""智能预警: anomaly alerts on daily orders and GMV, each with the likeliest reason, as a BI tool would raise them.

A day is anomalous when it sits more than `threshold` robust standard deviations (1.4826 × MAD) away from the
median of the `window` days before it. The reason is looked up, in order: a festival or its run-up from the
shared calendar, then any explanation series the caller passes (e.g. stock-outs that day), else
"no known cause — investigate".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.core.festivals import FESTIVALS, festival_name

UNEXPLAINED = "no known cause — investigate"


def daily_orders_gmv(orders: pd.DataFrame, date: str = "order_time", amount: str = "amount") -> pd.DataFrame:
    """Orders and GMV per day, every day between the first and last order present (zeros where none)."""
    day = pd.to_datetime(orders[date]).dt.normalize()
    table = orders.groupby(day).agg(orders=(amount, "size"), gmv=(amount, "sum"))
    full = pd.date_range(day.min(), day.max(), freq="D")
    return table.reindex(full, fill_value=0).rename_axis("date")


def calendar_reason(dates: pd.DatetimeIndex) -> np.ndarray:
    """The festival a date is, or is the run-up to ('run-up to 618, 3 days before'), else ''."""
    days = pd.DatetimeIndex(dates).normalize()
    reasons = np.asarray(festival_name(days), dtype=object)
    for name, month, day, ramp, _ in FESTIVALS:
        target = pd.DatetimeIndex(pd.to_datetime({"year": days.year, "month": month, "day": day}))
        gap = np.asarray((target - days).days)
        run_up = (gap > 0) & (gap <= ramp) & (reasons == "")
        reasons[run_up] = [f"run-up to {name}, {g} day{'s' if g > 1 else ''} before" for g in gap[run_up]]
        after = (gap < 0) & (gap >= -3) & (reasons == "")
        reasons[after] = [f"after {name}, demand pulled forward" for _ in gap[after]]
    return reasons


def robust_z(series: pd.Series, window: int = 28) -> pd.DataFrame:
    """Each day's expected value (median of the previous `window` days) and its robust z-score."""
    past = series.shift(1).rolling(window, min_periods=window // 2)
    expected = past.median()
    mad = (
        series.shift(1)
        .rolling(window, min_periods=window // 2)
        .apply(lambda x: np.nanmedian(np.abs(x - np.nanmedian(x))), raw=True)
    )
    spread = (1.4826 * mad).where(lambda s: s > 0)
    return pd.DataFrame({"value": series, "expected": expected, "robust_z": (series - expected) / spread})


def anomaly_alerts(
    daily: pd.DataFrame,
    columns: tuple[str, ...] = ("orders", "gmv"),
    window: int = 28,
    threshold: float = 3.5,
    explanations: Mapping[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """One row per anomalous day and metric: value, expected value, robust z, direction and the reason.

    `explanations` maps a label to a boolean Series by date (e.g. {"stock-outs": days with many empty
    shelves}); a flagged day without a calendar reason gets the first label that is True that day.
    """
    rows = []
    for column in columns:
        scored = robust_z(daily[column].astype(float), window)
        flagged = scored[scored["robust_z"].abs() > threshold]
        rows.append(flagged.assign(metric=column).rename_axis("date").reset_index())
    alerts = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if alerts.empty:
        return pd.DataFrame(columns=["date", "metric", "value", "expected", "robust_z", "direction", "reason"])
    alerts["direction"] = np.where(alerts["robust_z"] > 0, "spike", "drop")
    reason = calendar_reason(pd.DatetimeIndex(alerts["date"]))
    for label, flags in (explanations or {}).items():
        hit = alerts["date"].map(flags).fillna(False).astype(bool).to_numpy()
        reason = np.where((reason == "") & hit, label, reason)
    alerts["reason"] = np.where(reason == "", UNEXPLAINED, reason)
    columns_out = ["date", "metric", "value", "expected", "robust_z", "direction", "reason"]
    return alerts[columns_out].sort_values(["date", "metric"], ignore_index=True)
