from dataclasses import replace

import pandas as pd
import pytest

from generators import your_shop
from generators.your_shop import Config, generate, promo_window
from helpers.core.errors import ParameterError

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
    before = lambda t: t["orders"][t["orders"]["order_date"] < first][["order_date", "amount"]]  # noqa: E731
    pd.testing.assert_frame_equal(before(with_promo).reset_index(drop=True), before(without).reset_index(drop=True))


def test_cross_parameter_rules_name_the_parameter():
    with pytest.raises(ParameterError, match="'months' = 3"):
        your_shop.check_parameters({"months": 3, "promo_days": 18})
    your_shop.check_parameters({"months": 3, "promo_days": 0})
