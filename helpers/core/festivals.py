"""The Chinese e-commerce calendar: 618, Double 11, Double 12 and the Spring Festival lull.

One copy shared by the generators (demand shapes) and the analyses (forecasts, anomaly reasons), so that a
forecast that "knows the festivals" knows the very calendar the synthetic data was drawn from.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Lunar New Year's day; the Spring Festival lull spans about a week either side (logistics stop, demand dips).
SPRING_FESTIVAL = {
    2015: "2015-02-19",
    2016: "2016-02-08",
    2017: "2017-01-28",
    2018: "2018-02-16",
    2019: "2019-02-05",
    2020: "2020-01-25",
    2021: "2021-02-12",
    2022: "2022-02-01",
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
    2029: "2029-02-13",
    2030: "2030-02-03",
}

# (name, month, peak day, days of build-up before the peak, peak multiplier) — assumption, shaped like
# the public GMV curves: a ramp into the day, then the day itself far above normal.
FESTIVALS = (
    ("618", 6, 18, 17, 2.5),
    ("Double 11 双11", 11, 11, 10, 4.0),
    ("Double 12 双12", 12, 12, 3, 1.8),
)
SPRING_LULL = 0.6


def _on(years: np.ndarray, month: int, day: int) -> np.ndarray:
    """The date `month`/`day` in each of `years`, as numpy days."""
    first_of_month = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    return first_of_month.astype("datetime64[D]") + (day - 1)


def _new_year(years: np.ndarray) -> np.ndarray:
    """Lunar New Year's day of each year (February 1 where the table has no entry)."""
    known = {y: np.datetime64(d) for y, d in SPRING_FESTIVAL.items()}
    unique = np.unique(years)
    lookup = np.array([known.get(int(y), _on(np.array([y]), 2, 1)[0]) for y in unique], dtype="datetime64[D]")
    return lookup[np.searchsorted(unique, years)]


def festival_multiplier(dates: pd.DatetimeIndex | pd.Series, strength: float = 1.0) -> np.ndarray:
    """Demand multiplier per date: 1.0 normally, above 1 into 618/双11/双12, below 1 in the Spring Festival lull.

    `strength` scales how far the peaks and the lull move demand (0: a flat calendar). Pure numpy on the
    day numbers, because generators call it for every batch of timestamps.
    """
    days = pd.DatetimeIndex(dates).to_numpy().astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(int) + 1970
    lift = np.zeros(len(days))
    for _, month, day, ramp, peak in FESTIVALS:
        gap = (_on(years, month, day) - days).astype(int)
        in_ramp = (gap >= 0) & (gap <= ramp)
        lift = np.where(in_ramp, np.maximum(lift, (peak - 1) * 0.35 * (1 - gap / (ramp + 1))), lift)
        lift = np.where(gap == 0, np.maximum(lift, peak - 1), lift)
    distance = np.abs((days - _new_year(years)).astype(int))
    lift = np.where(distance <= 7, SPRING_LULL - 1, lift)
    return 1.0 + strength * lift


def festival_name(dates: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    """The festival each date falls on ('' when none): used to explain anomaly alerts."""
    days = pd.DatetimeIndex(dates)
    names = np.full(len(days), "", dtype=object)
    for name, month, day, _, _ in FESTIVALS:
        names[(days.month == month) & (days.day == day)] = name
    for year, new_year in SPRING_FESTIVAL.items():
        distance = np.abs((days - pd.Timestamp(new_year)).days)
        names[(days.year == year) & (distance <= 7)] = "Spring Festival lull"
    return names
