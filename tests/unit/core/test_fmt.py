import math

import numpy as np
import pytest

from helpers.core import fmt


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_234_567, "¥1.23M"),
        (45_600, "¥45.60k"),
        (89.5, "¥89.50"),
        (-1_200_000, "−¥1.20M"),
        (2.5e9, "¥2.50B"),
    ],
)
def test_yuan_is_compact_with_sign(value, expected):
    assert fmt.yuan(value) == expected


def test_percent_points_ratio_days_and_counts():
    assert fmt.pct(0.375) == "37.5%"
    assert fmt.pp(0.021) == "+2.1 pp"
    assert fmt.ratio(2.5) == "2.50×"
    assert fmt.days(31.24) == "31.2 days"
    assert fmt.num(12345) == "12,345"
    assert fmt.num(3_400_000) == "3.40M"


@pytest.mark.parametrize("missing", [None, math.nan, np.float64("nan"), math.inf])
def test_missing_figures_read_na(missing):
    for show in (fmt.yuan, fmt.pct, fmt.pp, fmt.num, fmt.ratio, fmt.days, fmt.text):
        assert show(missing) == "n/a"


def test_as_kind_passes_text_through_and_formats_numbers():
    assert fmt.as_kind("pct", "already text") == "already text"
    assert fmt.as_kind("yuan", 1500) == "¥1.50k"
    with pytest.raises(KeyError):
        fmt.as_kind("nonsense", 1)
