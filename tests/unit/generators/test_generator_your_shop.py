from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from generators import your_shop
from generators.your_shop import Config, generate, promo_window
from helpers.core.errors import ParameterError
from helpers.io.tables import write_table

SMALL = Config(scale=0.1)


@pytest.fixture(scope="module")
def tables():
    return generate(SMALL)


def test_size_scales_with_scale_and_orders_are_consistent(tables):
    assert 3_500 < len(tables["orders"]) < 7_000
    orders = tables["orders"]
    assert set(orders["customer_id"]) <= set(tables["customers"]["customer_id"])
    assert (orders["amount"] <= orders["list_amount"]).all()
    assert tables["funnel_daily"]["orders"].sum() == len(orders)
    funnel = tables["funnel_daily"][["sessions", "product_views", "add_to_cart", "checkout", "orders"]]
    assert (funnel.diff(axis=1).iloc[:, 1:] <= 0).all().all()


def test_promotion_discounts_only_promo_days_and_lifts_demand():
    base = generate(replace(SMALL, promo_discount=0.0))
    deep = generate(replace(SMALL, promo_discount=0.3))
    first, last = promo_window(SMALL)
    day = deep["orders"]["order_date"].dt.normalize()
    promo = deep["orders"][deep["orders"]["is_promo"]]
    assert day[deep["orders"]["is_promo"]].between(first, last).all()
    assert (promo["amount"] == (promo["list_amount"] * 0.7).round(2)).all()
    in_window = lambda t: t["orders"]["order_date"].dt.normalize().between(first, last).sum()  # noqa: E731
    assert in_window(deep) > 1.5 * in_window(base)


def test_counterfactual_shares_random_numbers_before_the_promotion():
    with_promo, without = generate(SMALL), generate(replace(SMALL, promo_discount=0.0))
    first, _ = promo_window(SMALL)
    before = lambda t: t["orders"][t["orders"]["order_date"] < first]  # noqa: E731
    # Every column, ids and baskets included: the orders before the lever's first day are the same orders.
    assert len(before(with_promo)) > 1_000
    pd.testing.assert_frame_equal(before(with_promo), before(without))
    assert len(with_promo["orders"]) != len(without["orders"])


def test_cross_parameter_rules_name_the_parameter():
    with pytest.raises(ParameterError, match="'months' = 3"):
        your_shop.check_parameters({"months": 3, "promo_days": 18})
    your_shop.check_parameters({"months": 3, "promo_days": 0})


def people(n: int, rate: float, dropout: float, arrival: int = 0) -> pd.DataFrame:
    """`n` identical customers for the purchase process alone."""
    return pd.DataFrame({"rate": rate, "dropout": dropout, "arrival": np.full(n, arrival)})


def test_repeat_orders_follow_the_daily_intensity_after_arrival():
    # Demand 1 a day for days 0–99, then 3 a day for days 100–149; lapsing practically never.
    multiplier = np.r_[np.ones(100), np.full(50, 3.0)]
    n, rate = 20_000, 0.02
    who, day = your_shop._repeat_orders(
        np.random.default_rng(5), people(n, rate, 1e-12, arrival=9), np.cumsum(multiplier)
    )
    assert day.min() > 9 and day.max() < 150 and who.max() < n
    # Poisson counts: expected rate × multiplier summed over the days after arrival (days 10–99, 100–149).
    for first, last, expected in ((10, 99, n * rate * 90), (100, 149, n * rate * 3 * 50)):
        observed = int(((day >= first) & (day <= last)).sum())
        assert abs(observed - expected) < 4 * np.sqrt(expected), (first, last, observed, expected)


def test_customers_lapse_after_a_geometric_number_of_repeat_orders():
    # A rate so high that nobody reaches the horizon: each customer places exactly their lapse count,
    # geometric with mean 1 / dropout = 4 and P(exactly one) = dropout.
    n = 20_000
    who, _ = your_shop._repeat_orders(np.random.default_rng(6), people(n, 50.0, 0.25), np.cumsum(np.ones(365)))
    counts = np.bincount(who, minlength=n)
    assert counts.min() >= 1
    assert counts.mean() == pytest.approx(4.0, abs=4 * np.sqrt(12 / n))  # geometric variance (1 − p) / p² = 12
    assert (counts == 1).mean() == pytest.approx(0.25, abs=4 * np.sqrt(0.25 * 0.75 / n))


def test_same_seed_gives_byte_identical_csvs(tmp_path):
    for run in ("a", "b"):
        for name, frame in generate(replace(SMALL, seed=11)).items():
            write_table(frame, tmp_path / run / f"{name}.csv")
    for name in your_shop.SCHEMA:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes()
