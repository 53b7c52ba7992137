"""Monthly cohort retention: of the customers whose first order fell in a month, who ordered again later."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.customers import customer_codes


def monthly_retention(orders: pd.DataFrame, customer: str = "customer_id", date: str = "order_date") -> pd.DataFrame:
    """Cohort month × months since the first order → share of the cohort that ordered in that month.

    Month 0 is 1.0 by definition; cells after the end of the data are NaN (not yet observable).
    """
    if orders.empty:
        return pd.DataFrame(dtype=float)
    stamp = pd.to_datetime(orders[date])
    month = (stamp.dt.year * 12 + stamp.dt.month - 1).to_numpy()
    codes, _ = customer_codes(orders[customer])
    first = pd.Series(month).groupby(codes).transform("min").to_numpy()
    active = pd.DataFrame({"cohort": first, "age": month - first, "customer": codes})
    counts = active.drop_duplicates().groupby(["cohort", "age"]).size().unstack("age", fill_value=0)
    counts = counts.reindex(columns=range(month.max() - month.min() + 1), fill_value=0)
    matrix = counts.div(counts[0], axis=0).astype(float)
    observable = month.max() - matrix.index.to_numpy()
    matrix = matrix.where(matrix.columns.to_numpy()[None, :] <= observable[:, None])
    matrix.index = [f"{c // 12}-{c % 12 + 1:02d}" for c in matrix.index]
    matrix.index.name = "cohort"
    matrix.columns.name = "months since first order"
    return matrix


def retention_at(matrix: pd.DataFrame, months: int) -> float:
    """Mean retention `months` after the first order, over the cohorts old enough to show it (NaN if none)."""
    if matrix.empty or months not in matrix.columns:
        return float("nan")
    column = matrix[months].dropna()
    return float(np.mean(column)) if len(column) else float("nan")
