"""Private-domain funnel and repurchase public vs private, by hand and on generated data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generators import perfect_diary as pd_gen
from helpers.analysis import private_domain as pdm


@pytest.fixture
def small() -> dict[str, pd.DataFrame]:
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "E"],
            "first_order_date": ["2019-01-05", "2019-01-20", "2019-02-01", "2019-02-10", "2019-12-01"],
        }
    )
    orders = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "C", "D", "D", "E", "E"],
            "order_date": [
                "2019-01-05",
                "2019-03-01",
                "2019-01-20",
                "2019-02-01",
                "2019-02-10",
                "2019-12-20",
                "2019-12-01",
                "2019-12-31",
            ],
            "is_first": [True, False, True, True, True, False, True, False],
        }
    )
    contacts = pd.DataFrame({"customer_id": ["A", "C", "E"], "active": [True, False, True]})
    return {"customers": customers, "orders": orders, "contacts": contacts}


def test_flags_rates_and_funnel_by_hand(small):
    flags = pdm.repurchase_flags(small["customers"], small["orders"], small["contacts"], window_days=90)
    assert list(flags.index) == ["A", "B", "C", "D"]  # E's window is not complete
    assert flags["repurchased"].tolist() == [True, False, False, False]  # D came back after 90 days
    rates = pdm.repurchase_rates(flags)
    assert rates["private"] == pytest.approx(0.5) and rates["public"] == pytest.approx(0.0)
    assert rates["gap"] == pytest.approx(0.5)
    funnel = pdm.private_funnel(small["customers"], small["contacts"], flags)
    assert funnel["count"].tolist() == [4, 2, 1, 1]
    cohorts = pdm.repurchase_by_cohort(flags)
    assert cohorts.loc["2019-01", pdm.PRIVATE] == 1.0 and cohorts.loc["2019-02", pdm.PUBLIC] == 0.0


def test_empty_groups_give_nan():
    flags = pd.DataFrame(
        {"cohort": ["2019-01"], "private": [False], "active": [False], "repurchased": [True]}, index=["A"]
    )
    rates = pdm.repurchase_rates(flags)
    assert np.isnan(rates["private"]) and rates["public"] == 1.0 and np.isnan(rates["gap"])


def test_private_domain_off_closes_the_gap_on_generated_data():
    rates = {}
    for enabled in (True, False):
        tables = pd_gen.generate(pd_gen.Config(scale=0.2, private_domain_enabled=enabled))
        flags = pdm.repurchase_flags(tables["customers"], tables["orders"], tables["wechat_contacts"])
        rates[enabled] = pdm.repurchase_rates(flags)
    assert rates[True]["private"] > rates[True]["public"] + 0.1
    assert rates[False]["gap"] < 0.4 * rates[True]["gap"]
    assert rates[False]["public"] == pytest.approx(rates[True]["public"])  # public buyers are untouched
