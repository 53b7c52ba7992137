import numpy as np
import pandas as pd

from helpers.core.festivals import festival_multiplier, festival_name


def test_festivals_lift_demand_and_spring_festival_lowers_it():
    days = pd.date_range("2024-01-01", "2024-12-31")
    m = pd.Series(festival_multiplier(days), index=days)
    assert m["2024-11-11"] == m.max() > m["2024-06-18"] > m["2024-12-12"] > 1
    assert m["2024-02-10"] < 1 and m["2024-03-15"] == 1
    assert np.all(festival_multiplier(days, strength=0) == 1)
    assert list(festival_name(pd.DatetimeIndex(["2024-06-18", "2024-02-12", "2024-03-01"]))) == [
        "618",
        "Spring Festival lull",
        "",
    ]
