"""The JD generator: schema, determinism, calibration, causal directions of its levers and edge values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generators import jd
from generators.common import ORDERS_PER_SCALE
from helpers.app.datasets import generate_case
from helpers.core.errors import ParameterError

SMALL = 0.1


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return jd.generate(jd.Config(scale=SMALL))


@pytest.fixture(scope="module")
def defaults() -> dict[str, pd.DataFrame]:
    return jd.generate(jd.Config())


def _stockout_rate(inventory: pd.DataFrame) -> float:
    return float((inventory["stock_close"] == 0).mean())


def test_order_count_follows_scale(tables, defaults):
    assert len(defaults["orders"]) == pytest.approx(ORDERS_PER_SCALE, rel=0.1)
    assert len(tables["orders"]) == pytest.approx(ORDERS_PER_SCALE * SMALL, rel=0.15)


def test_keys_join_and_stock_balances(tables):
    orders, deliveries, inventory = tables["orders"], tables["deliveries"], tables["inventory_daily"]
    assert orders["customer_id"].isin(tables["customers"]["customer_id"]).all()
    assert orders["sku_id"].isin(tables["skus"]["sku_id"]).all()
    assert (deliveries["order_id"] == orders["order_id"]).all()
    assert tables["returns"]["order_id"].isin(orders["order_id"]).all()
    assert (inventory["stock_close"] == inventory["stock_open"] - inventory["shipped_units"]).all()
    by_pair = inventory.sort_values("date").groupby(["warehouse_id", "sku_id"])
    carried = by_pair["stock_close"].shift(1) + inventory.loc[by_pair["stock_close"].shift(1).index, "received_units"]
    assert (carried.dropna() == inventory.loc[carried.dropna().index, "stock_open"]).all()
    shipped = orders.assign(warehouse_id=deliveries["warehouse_id"])
    shipped = shipped[shipped["warehouse_id"] != "SUPPLIER"].groupby(["warehouse_id", "sku_id"])["quantity"].sum()
    recorded = inventory.groupby(["warehouse_id", "sku_id"])["shipped_units"].sum()
    pd.testing.assert_series_equal(shipped, recorded[recorded > 0], check_names=False)


def test_amounts_are_money_and_members_get_the_discount(tables):
    orders = tables["orders"]
    for column in ("list_amount", "amount", "cogs"):
        assert (orders[column] == orders[column].round(2)).all()
    member = orders["is_plus_member"]
    expected = (orders.loc[member, "list_amount"] * (1 - jd.Config.plus_discount)).round(2)
    assert np.allclose(orders.loc[member, "amount"], expected, atol=0.011)
    assert (orders.loc[~member, "amount"] == orders.loc[~member, "list_amount"]).all()


def test_defaults_land_near_domain_figures(defaults):
    orders, deliveries, returns = defaults["orders"], defaults["deliveries"], defaults["returns"]
    days = (
        pd.to_datetime(deliveries["delivered_time"]).dt.normalize()
        - pd.to_datetime(orders["order_time"]).dt.normalize()
    ).dt.days
    assert 0.85 <= (days <= 1).mean() <= 0.95  # "90% same or next day"
    revenue = orders["amount"].sum() - returns["refund_amount"].sum()
    gross = revenue - orders["cogs"].sum() + returns["recovered_cost"].sum()
    assert 0.12 <= gross / revenue <= 0.16
    fulfilment = (deliveries["fulfillment_cost"].sum() + returns["handling_cost"].sum()) / revenue
    assert 0.06 <= fulfilment <= 0.085
    inventory, skus = defaults["inventory_daily"], defaults["skus"].set_index("sku_id")
    value = (inventory["stock_close"] * inventory["sku_id"].map(skus["unit_cost"])).groupby(inventory["date"]).sum()
    cogs = (inventory["shipped_units"] * inventory["sku_id"].map(skus["unit_cost"])).groupby(inventory["date"]).sum()
    assert 28 <= value.mean() / cogs.mean() <= 40  # turnover days, JD ≤ 40


def test_lower_stock_coverage_means_fewer_211_and_more_returns():
    wide = jd.generate(jd.Config(scale=SMALL, regional_stock_coverage=0.9))
    narrow = jd.generate(jd.Config(scale=SMALL, regional_stock_coverage=0.2))
    assert narrow["deliveries"]["on_time_211"].mean() < wide["deliveries"]["on_time_211"].mean() - 0.3
    rate = {k: len(t["returns"]) / len(t["orders"]) for k, t in (("wide", wide), ("narrow", narrow))}
    assert rate["narrow"] > rate["wide"]


def test_longer_lead_time_means_more_stockouts():
    short = jd.generate(jd.Config(scale=SMALL, lead_time_days=3))
    long = jd.generate(jd.Config(scale=SMALL, lead_time_days=14, order_up_to_days=50))
    assert _stockout_rate(long["inventory_daily"]) > 2 * _stockout_rate(short["inventory_daily"])


def test_true_uplift_raises_member_orders_only():
    off = jd.generate(jd.Config(scale=SMALL, plus_true_uplift=0.0))
    on = jd.generate(jd.Config(scale=SMALL, plus_true_uplift=0.6))
    # The same customers join: only a joiner who lapsed first fails to, and members' extra orders drain the
    # shelves a little (slower deliveries make others lapse), so a membership or two may differ.
    joined = {name: set(run["memberships"]["customer_id"]) for name, run in (("off", off), ("on", on))}
    assert len(joined["off"] ^ joined["on"]) <= 0.03 * len(joined["off"])
    member_ratio = on["orders"]["is_plus_member"].sum() / off["orders"]["is_plus_member"].sum()
    other_ratio = (~on["orders"]["is_plus_member"]).sum() / (~off["orders"]["is_plus_member"]).sum()
    assert member_ratio == pytest.approx(1.6, abs=0.15)
    assert other_ratio == pytest.approx(1.0, abs=0.05)


def test_heavy_buyers_self_select_into_plus(tables):
    spend = tables["orders"].groupby("customer_id")["amount"].sum()
    member = spend.index.isin(tables["memberships"]["customer_id"])
    assert member.any()
    assert spend[member].mean() > 3 * spend[~member].mean()


@pytest.mark.parametrize(
    "changes",
    [
        {"regional_stock_coverage": 0.0},
        {"regional_stock_coverage": 1.0},
        {"lead_time_days": 1},
        {"plus_fee": 2000.0},
        {"plus_discount": 0.0, "plus_true_uplift": 0.0},
        {"days": 120},
    ],
)
def test_edge_values_complete(changes):
    out = jd.generate(jd.Config(scale=0.05, **changes))
    assert len(out["orders"]) > 0
    for name, frame in out.items():
        assert list(frame.columns) == jd.SCHEMA[name].names
    if changes.get("regional_stock_coverage") == 0.0:
        assert not out["deliveries"]["eligible_211"].any()
        assert (out["warehouses"]["skus_stocked"].iloc[1:] == 0).all()
    if changes.get("plus_fee") == 2000.0:
        assert out["memberships"].empty and not out["orders"]["is_plus_member"].any()


@pytest.mark.parametrize(
    "values, name",
    [
        ({"reorder_point_days": 20, "order_up_to_days": 20}, "order_up_to_days"),
        ({"reorder_point_days": 5, "order_up_to_days": 6, "lead_time_days": 10}, "order_up_to_days"),
    ],
)
def test_check_parameters_refuses_inconsistent_policy(values, name):
    with pytest.raises(ParameterError, match=f"'{name}'"):
        jd.check_parameters(values)


def test_check_parameters_accepts_defaults():
    jd.check_parameters({})


def test_same_config_writes_the_same_bytes(tmp_path):
    """Two runs with the same parameters and seed give byte-identical files, chunked Parquet included."""
    for run in ("first", "second"):
        generate_case("jd", tmp_path / run / "csv", orders=4_000)
        generate_case("jd", tmp_path / run / "parquet", orders=4_000, fmt="parquet")
    files = sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*.*"))
    assert len(files) == 2 * (len(jd.SCHEMA) + 1)
    for name in files:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes(), name


def _served_in_turn(keys: np.ndarray, qty: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """First come, first served, one request at a time: a key that once fails serves no later request."""
    left, closed, served = stock.astype(float), set(), np.zeros(len(keys), dtype=bool)
    for i, (key, units) in enumerate(zip(keys, qty, strict=True)):
        if key not in closed and units <= left[key]:
            left[key] -= units
            served[i] = True
        else:
            closed.add(key)
    return served


@pytest.mark.parametrize("stock_per_key", [0, 1, 3, 8, 1000])
def test_allocation_serves_requests_in_turn_while_their_stock_lasts(stock_per_key):
    rng = np.random.default_rng(stock_per_key)
    keys, qty = rng.integers(0, 40, 600), rng.integers(1, 4, 600)
    stock = rng.integers(0, stock_per_key + 1, 40)
    served, asked = jd._allocate(keys, qty, stock)
    assert np.array_equal(served, _served_in_turn(keys, qty, stock))
    assert np.array_equal(asked, [qty[keys == k].sum() for k in range(40)])
