"""The one safe division of the project: a rate of nothing does not exist, so it is NaN, never an error or 0.

Every analysis and workbook divides through `ratio`, so "n/a" means the same everywhere (an empty group, no
spend, no orders) and `helpers.core.fmt` shows it as "n/a".
"""

from __future__ import annotations

from typing import overload

import pandas as pd


@overload
def ratio(numerator: float, denominator: float) -> float: ...
@overload
def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series: ...


def ratio(numerator, denominator):
    """numerator / denominator as float, NaN where the denominator is zero (elementwise for Series)."""
    if isinstance(denominator, pd.Series):
        return (numerator / denominator.where(denominator != 0)).astype(float)
    return float(numerator) / float(denominator) if denominator else float("nan")
