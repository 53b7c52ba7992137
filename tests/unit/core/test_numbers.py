"""The one safe division: a rate of nothing is NaN, for single numbers and elementwise for Series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.core.numbers import ratio


def test_scalars_divide_and_a_zero_denominator_gives_nan():
    assert ratio(3, 4) == 0.75 and isinstance(ratio(np.int64(3), np.int64(4)), float)
    assert ratio(-3.0, 2) == -1.5
    assert math.isnan(ratio(5, 0)) and math.isnan(ratio(0, 0.0))


def test_series_divide_elementwise_with_nan_where_the_denominator_is_zero():
    out = ratio(pd.Series([1.0, 2.0, 3.0]), pd.Series([2, 0, 4]))
    assert out.dtype == float
    assert out.iloc[0] == 0.5 and math.isnan(out.iloc[1]) and out.iloc[2] == 0.75
