"""JD-style self-operated retail for a year: regional warehouses, 211 delivery, PLUS membership, inventory.

A mechanism, simulated day by day over each day's purchases. Customers buy as a Poisson process with
their own rate (drawn a month at a time: a count, then the days) and may lapse after any order; a slow
delivery (or a lost order) makes lapsing likelier, so speed feeds repurchase. Each order goes to the
customer's regional warehouse when the SKU is stocked there (`regional_stock_coverage`) and in stock, else to
the central hub, else it waits for the supplier or is lost.
Stock follows a reorder-point policy (`reorder_point_days`, `order_up_to_days`, `lead_time_days`) planned on
the normal daily demand, so festival peaks (618 is JD's anniversary, 双11) drain shelves. 211 限时达: stocked
locally and ordered by 11:00 → same day by 23:00; by 23:00 → next day by 15:00. Slower deliveries are
returned (and damaged) more often. PLUS: heavy buyers value membership most and join (self-selection);
membership itself raises purchase frequency by `plus_true_uplift`. Purchases and their uniforms are drawn
the same whatever the levers (membership's extra purchases from a stream of their own), so two runs that
differ only in a lever are a clean counterfactual. The catalogue grows with `scale` (`n_skus`), so that
each SKU's demand, and with it every stock figure, is the same at any data size.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from statistics import NormalDist
from typing import Self

import numpy as np
import pandas as pd
import pyarrow as pa

from generators.common import (
    BUYER,
    CITY,
    CUSTOMER_KEY,
    CUSTOMER_NAME,
    ORDER_KEY,
    ORDERS_PER_SCALE,
    Intervals,
    PiecesVoid,
    Seeds,
    arrow_column,
    choose,
    day_column,
    distinct_order,
    drawn_ahead,
    id_range,
    id_width,
    ids,
    labels,
    money,
    name_text,
    plain_columns,
    sample_name_codes,
    stable_order,
    time_order,
)
from helpers.core.errors import ParameterError
from helpers.core.festivals import festival_multiplier
from helpers.core.messages import message
from helpers.core.schema import Column, Table

ORDERS_PER_CUSTOMER = 2.41  # expected orders per customer over 365 days at the defaults (measured)
SKUS_PER_SCALE = 40  # catalogue size at scale 1: each SKU sells ≈5 units a day nationwide (see `n_skus`)
MIN_SKUS = 8  # the catalogue at scale 0.2 (the shipped scenarios); see `n_skus`
FESTIVAL_STRENGTH = 1.0
WEEKDAY = np.array([1.03, 1.0, 0.99, 0.99, 1.02, 0.98, 0.99])  # Monday first (assumption)
GROWTH = 0.15  # demand grows 15% across the year (assumption)
RATE_SHAPE, RATE_MEAN = 0.3, 0.55 / 70  # purchases a day ~ Gamma: a few heavy buyers (assumption)
TASTE_A, TASTE_B = 3.3, 14.0  # how much of the PLUS value a customer perceives, Beta (assumption)
EXISTING_SHARE = 0.6  # customers already active on day one; the rest arrive during the year
PLANNED_EXTRA_DEMAND = 1.05  # the planner's demand estimate over the normal base (assumption)

# Regions with their regional warehouse (RDC) city, demand share and trunk hours from the central hub.
REGIONS = pd.DataFrame(
    {
        "region": [
            "North 华北",
            "East 华东",
            "South 华南",
            "Central 华中",
            "Southwest 西南",
            "Northwest 西北",
            "Northeast 东北",
        ],
        "warehouse_city": ["北京", "上海", "广州", "武汉", "成都", "西安", "沈阳"],
        "share": [0.19, 0.27, 0.18, 0.11, 0.11, 0.06, 0.08],
        "trunk_hours": [30.0, 30.0, 40.0, 20.0, 44.0, 44.0, 40.0],
        "cities": [
            ["北京", "天津", "石家庄", "保定"],
            ["上海", "杭州", "南京", "苏州"],
            ["广州", "深圳", "东莞", "佛山"],
            ["武汉", "郑州", "长沙", "南昌"],
            ["成都", "重庆", "昆明", "贵阳"],
            ["西安", "兰州", "银川", "西宁"],
            ["沈阳", "大连", "长春", "哈尔滨"],
        ],
    }
)
CENTRAL = ("WH00", "Central hub 中央仓", "廊坊")
WAREHOUSE_IDS = np.array([CENTRAL[0], *(f"WH{i:02d}" for i in range(1, len(REGIONS) + 1))], dtype=object)

# Category economics (assumptions shaped to land near JD's 13–15% gross margin): price range, margin on
# price, weight, share of orders, chance of a multi-unit order and the base return rate.
CATEGORIES = pd.DataFrame(
    {
        "category": ["electronics", "appliances", "FMCG", "apparel"],
        "price_low": [300.0, 200.0, 15.0, 60.0],
        "price_high": [6000.0, 4000.0, 150.0, 600.0],
        "margin": [0.13, 0.175, 0.21, 0.37],
        "weight_low": [0.3, 3.0, 0.5, 0.3],
        "weight_high": [3.0, 15.0, 6.0, 1.5],
        "order_share": [0.2, 0.14, 0.46, 0.2],
        "multi_unit": [0.08, 0.05, 0.5, 0.15],
        "return_base": [0.05, 0.04, 0.015, 0.14],
    }
)
POPULARITY_SIGMA = 0.9  # spread of log popularity within a category (assumption)
FADING_SHARE = 0.15  # non-FMCG SKUs whose demand fades out mid-year (older models, last season): the dead stock

# Delivery (211 限时达) and its consequences (assumptions).
ON_TIME_LOCAL = 0.95
PROCESSING_HOURS = 6.0
SLOW_DROPOUT_FACTOR = 2.2  # shipped from afar (hub, supplier) or lost: lapsing this much likelier
FAST_DROPOUT_FACTOR = 0.8
WAIT_SHARE = 0.45  # out of stock everywhere: share of customers who wait for the supplier, the rest are lost
LATE_RETURN_LIFT = 0.45  # extra return probability per day beyond the first, relative to the category base
DAMAGE = {"regional": 0.004, "central": 0.012, "supplier": 0.02}
RETURN_RECOVERY = 0.7  # share of cost recovered on an undamaged return

# Costs (assumptions sized to JD's 6.4–8% fulfilment/revenue): per order and per kg.
HANDLING_PER_ORDER = 13.0
LAST_MILE_PER_ORDER = 15.0
PER_KG = 2.0
TRUNK_PER_ORDER = 12.0  # central hub or supplier shipments travel a trunk line first
RETURN_HANDLING = 15.0
OTHER_OPEX_RATIO = 0.055  # marketing, technology, G&A as a share of revenue (assumption)

# PLUS membership: the yearly value a customer sees is the discount on their expected spend plus perks.
PLUS_PERK_VALUE = 40.0  # free-shipping vouchers and other perks, ¥ a year (assumption)
PLUS_RENEWAL = 0.8  # docs/SOURCES.md: ≈80% renewal (2018)

HOUR_WEIGHTS = np.array(
    [
        1.2,
        0.6,
        0.3,
        0.2,
        0.2,
        0.3,
        0.8,
        1.8,
        3.2,
        4.6,
        5.6,
        5.8,
        5.2,
        4.6,
        4.8,
        5.0,
        4.8,
        4.6,
        4.4,
        5.2,
        6.4,
        7.2,
        6.8,
        3.6,
    ]
)
CUTOFFS = ("by 11:00", "11:00–23:00", "after 23:00")
SOURCES = ("regional", "central", "supplier")
RETURN_REASONS = ("late delivery", "damaged", "changed mind")

SCHEMA = {
    "customers": Table(
        "customers",
        "One row per customer: where they live and when they first ordered.",
        (
            CUSTOMER_KEY,
            CUSTOMER_NAME,
            Column("region", "str", "delivery region", choices=tuple(REGIONS["region"])),
            CITY,
            Column("first_order_date", "date", "date of the first order in the data", nullable=True),
        ),
    ),
    "skus": Table(
        "skus",
        "One row per product: category, unit cost and price, weight, planned demand.",
        (
            Column("sku_id", "str", "product key", unique=True),
            Column("category", "str", "product category", choices=tuple(CATEGORIES["category"])),
            Column("unit_cost", "float", "purchase cost per unit, ¥", min=0),
            Column("unit_price", "float", "list price per unit, ¥", min=0),
            Column("weight_kg", "float", "shipping weight per unit, kg", min=0),
            Column("planned_daily_units", "float", "units a day the planner expects nationwide", min=0),
        ),
    ),
    "warehouses": Table(
        "warehouses",
        "The central hub and one regional warehouse (RDC) per region.",
        (
            Column("warehouse_id", "str", "warehouse key", unique=True),
            Column("name", "str", "warehouse name"),
            Column("kind", "str", "central hub or regional", choices=("central", "regional")),
            Column("region", "str", "region served (central serves all)"),
            CITY,
            Column("skus_stocked", "int", "number of SKUs held", min=0),
        ),
    ),
    "orders": Table(
        "orders",
        "One row per paid order (one SKU line).",
        (
            ORDER_KEY,
            BUYER,
            Column("order_time", "datetime", "payment time"),
            Column("sku_id", "str", "product (skus.sku_id)"),
            Column("category", "str", "product category", choices=tuple(CATEGORIES["category"])),
            Column("quantity", "int", "units", min=1),
            Column("list_amount", "float", "amount at list price, ¥", min=0),
            Column("amount", "float", "amount paid after the PLUS member discount, ¥", min=0),
            Column("cogs", "float", "cost of the goods sold, ¥", min=0),
            Column("is_plus_member", "bool", "buyer was a PLUS member when ordering"),
        ),
    ),
    "deliveries": Table(
        "deliveries",
        "One row per order: where it shipped from and when it arrived.",
        (
            Column("order_id", "str", "order (orders.order_id)", unique=True),
            Column("warehouse_id", "str", "shipping warehouse; SUPPLIER when the order waited for the supplier"),
            Column("stock_source", "str", "regional warehouse, central hub or supplier", choices=SOURCES),
            Column("cutoff", "str", "211 cut-off window of the order time", choices=CUTOFFS),
            Column("delivered_time", "datetime", "delivery time"),
            Column("delivery_hours", "float", "hours from payment to delivery", min=0),
            Column("eligible_211", "bool", "stocked in the regional warehouse, so the 211 promise applies"),
            Column("on_time_211", "bool", "eligible and delivered by the 211 promise"),
            Column("fulfillment_cost", "float", "warehouse handling + trunk + last mile, ¥", min=0),
        ),
    ),
    "returns": Table(
        "returns",
        "One row per returned order.",
        (
            Column("order_id", "str", "order (orders.order_id)", unique=True),
            Column("return_date", "date", "day the return was received"),
            Column("reason", "str", "main reason", choices=RETURN_REASONS),
            Column("refund_amount", "float", "refund paid, ¥", min=0),
            Column("recovered_cost", "float", "cost value recovered from the returned goods, ¥", min=0),
            Column("handling_cost", "float", "reverse logistics and inspection, ¥", min=0),
        ),
    ),
    "inventory_daily": Table(
        "inventory_daily",
        "Stock per warehouse, SKU and day under the reorder-point policy.",
        (
            Column("date", "date", "day"),
            Column("warehouse_id", "str", "warehouse (warehouses.warehouse_id)"),
            Column("sku_id", "str", "product (skus.sku_id)"),
            Column("stock_open", "int", "units on hand at the start of the day, after receipts", min=0),
            Column("received_units", "int", "units received from suppliers that morning", min=0),
            Column("requested_units", "int", "units customers asked this warehouse for", min=0),
            Column("shipped_units", "int", "units shipped", min=0),
            Column("stock_close", "int", "units on hand at the end of the day", min=0),
            Column("on_order_units", "int", "units ordered from suppliers and not yet received", min=0),
            Column("reorder_point", "int", "the policy's reorder point, units", min=0),
        ),
    ),
    "memberships": Table(
        "memberships",
        "One row per PLUS membership year bought (joins and renewals).",
        (
            Column("membership_id", "str", "membership key", unique=True),
            Column("customer_id", "str", "member (customers.customer_id)"),
            Column("start_date", "date", "first day of the membership year"),
            Column("end_date", "date", "last day of the membership year"),
            Column("fee_paid", "float", "fee paid, ¥", min=0),
            Column("is_renewal", "bool", "renewal of an expiring membership"),
        ),
        may_be_empty=True,
    ),
}


@dataclass(frozen=True)
class Config:
    """The generator's levers; names match the workbook parameters."""

    seed: int = 42
    scale: float = 1.0
    days: int = 365
    start: str = "2023-01-01"
    regional_stock_coverage: float = 0.8
    reorder_point_days: float = 10.0
    order_up_to_days: float = 50.0
    lead_time_days: int = 7
    supplier_payment_days: float = 45.0
    plus_fee: float = 99.0
    plus_discount: float = 0.05
    plus_true_uplift: float = 0.3


def check_parameters(values: dict) -> None:
    """Rules across parameters: the policy must order up to above its reorder point, which covers the lead time."""
    rop = values.get("reorder_point_days", Config.reorder_point_days)
    out = values.get("order_up_to_days", Config.order_up_to_days)
    lead = values.get("lead_time_days", Config.lead_time_days)
    if out <= rop:
        raise ParameterError(message("errors.rule.order_up_to_reorder", value=repr(out), reorder=repr(rop)))
    if out <= lead:
        raise ParameterError(message("errors.rule.order_up_to_lead", value=repr(out), lead=repr(lead)))


# ---------------------------------------------------------------- static tables


def n_skus(config: Config) -> int:
    """Catalogue size: SKUS_PER_SCALE per unit of `scale`, never fewer than MIN_SKUS.

    Stock is counted in whole units, so the inventory economics (reorder points rounded up, lumpy daily demand,
    stock-outs, turnover) depend on each SKU's daily demand. A catalogue that grows with `scale` keeps that
    demand the same at every size, so `scale` changes how much data there is, not what it teaches. The floor
    (scale 0.2, the shipped scenarios' size) keeps the big categories at two SKUs or more, so that "regional
    warehouses stock 80% of the SKUs" still leaves out slow sellers rather than whole categories; below it
    each SKU sells less, reorder points round up to whole units and stock-outs and turnover days rise.
    """
    return max(MIN_SKUS, round(SKUS_PER_SCALE * config.scale))


def _category_counts(n: int) -> np.ndarray:
    """SKUs per category in proportion to its share of orders (largest remainder), at least one each."""
    share = CATEGORIES["order_share"].to_numpy()
    counts = np.maximum(np.floor(share * n).astype(int), 1)
    remainder = share * n - np.floor(share * n)
    for k in np.argsort(-remainder, kind="stable")[: max(n - counts.sum(), 0)]:
        counts[k] += 1
    return counts


def _prices(rng: np.random.Generator, popularity: np.ndarray, category: np.ndarray) -> np.ndarray:
    """Unit prices, log-uniform over each category's range and weighted by demand: the SKUs, in random order,
    split [0, 1] into intervals as long as their share of the category's demand, and each SKU's price is the
    average of the log-uniform quantile function over its interval. The demand-weighted mean price is then
    exactly the range's mean whatever the number of SKUs, so revenue per order (and every margin) does not
    depend on `scale`, while prices still spread over the range."""
    cats, price = CATEGORIES.set_index("category"), np.empty(len(category))
    for name in CATEGORIES["category"]:
        members = rng.permutation(np.flatnonzero(category == name))
        low, ratio = cats.loc[name, "price_low"], cats.loc[name, "price_high"] / cats.loc[name, "price_low"]
        cuts = np.r_[0.0, np.cumsum(popularity[members])]
        cuts[-1] = 1.0
        area = low * np.diff(ratio**cuts) / np.log(ratio)  # ∫ low·ratio^u du over each interval
        price[members] = area / np.diff(cuts)
    return price


def _popularity(category: np.ndarray) -> np.ndarray:
    """Each SKU's share of its category's demand: a lognormal (σ 0.9) popularity cut into as many equal-count
    slices as the category has SKUs, each SKU holding one slice's share of the demand (differences of the
    lognormal's Lorenz curve Φ(Φ⁻¹(p) − σ)). A catalogue of any size then has the same skew (a few SKUs sell
    most; the best 80% of the SKUs sell the same share of the demand), so neither the coverage of the
    regional warehouses nor each SKU's demand depends on `scale`."""
    normal, popularity = NormalDist(), np.empty(len(category))
    for name in CATEGORIES["category"]:
        members = np.flatnonzero(category == name)
        cuts = [normal.cdf(normal.inv_cdf(k / len(members)) - POPULARITY_SIGMA) for k in range(1, len(members))]
        popularity[members] = np.diff([0.0, *cuts, 1.0])
    return popularity


def _skus(config: Config, seeds: Seeds) -> pd.DataFrame:
    """Products with category economics and a skewed popularity (a few SKUs sell most)."""
    rng = seeds("skus")
    n = n_skus(config)
    cats = CATEGORIES.set_index("category")
    category = np.repeat(cats.index.to_numpy(dtype=object), _category_counts(n))
    n = len(category)
    c = cats.loc[category]
    popularity = _popularity(category)
    price = _prices(rng, popularity, category)
    margin = c["margin"].to_numpy() * rng.uniform(0.8, 1.2, n)
    weight = rng.uniform(c["weight_low"], c["weight_high"])
    order_share = c["order_share"].to_numpy() * popularity
    # Older models and last season's lines fade: slower sellers (below their category's median), never FMCG.
    slow = popularity < pd.Series(popularity).groupby(category).transform("median").to_numpy()
    fades = (rng.random(n) < 2 * FADING_SHARE) & slow & (category != "FMCG")
    return pd.DataFrame(
        {
            "sku_id": ids("SKU", n)[np.argsort(-order_share, kind="stable").argsort()],
            "category": category,
            "unit_cost": money(price * (1 - margin)),
            "unit_price": money(price),
            "weight_kg": np.round(weight, 2),
            "order_share": order_share,
            "mean_units": 1 + c["multi_unit"].to_numpy() / (1 - c["multi_unit"].to_numpy()),
            "multi_unit": c["multi_unit"].to_numpy(),
            "return_base": c["return_base"].to_numpy(),
            "fade_day": np.where(fades, rng.integers(90, 240, n), 10**6),
        }
    ).sort_values("sku_id", ignore_index=True)


def _stocked(config: Config, seeds: Seeds, skus: pd.DataFrame) -> np.ndarray:
    """Which SKUs each warehouse holds (row 0 = central hub holds all): the best sellers go regional first."""
    rng = seeds("coverage")
    n_regions, n = len(REGIONS), len(skus)
    score = np.log(skus["order_share"].to_numpy())[None, :] + rng.normal(0, 0.7, (n_regions, n))
    # Each region keeps `coverage` × n SKUs, rounded up or down at random so that the share is exact on
    # average even in a small catalogue (0.8 of 8 SKUs: 6 or 7, not always 6).
    wanted = config.regional_stock_coverage * n
    keep = np.floor(wanted) + (rng.random(n_regions) < wanted - np.floor(wanted))
    rank = (-score).argsort(axis=1).argsort(axis=1)
    return np.vstack([np.ones((1, n), dtype=bool), rank < keep[:, None]])


def _nationwide_units(config: Config, skus: pd.DataFrame) -> np.ndarray:
    """Daily units per SKU the planner expects nationwide on a normal day (no festivals, no fading)."""
    daily_orders = config.scale * ORDERS_PER_SCALE / 365 * PLANNED_EXTRA_DEMAND
    return daily_orders * skus["order_share"].to_numpy() * skus["mean_units"].to_numpy()


def _planned_units(config: Config, skus: pd.DataFrame, stocked: np.ndarray) -> np.ndarray:
    """Daily units the planner expects at each warehouse and SKU: regional demand, the rest at the hub."""
    units = _nationwide_units(config, skus)
    regional = REGIONS["share"].to_numpy()[:, None] * units[None, :] * stocked[1:]
    overflow = 0.05 * regional.sum(axis=0)
    central = units - regional.sum(axis=0) + overflow
    return np.vstack([central[None, :], regional])


def _customers(config: Config, seeds: Seeds, days: pd.DatetimeIndex, skus: pd.DataFrame) -> pd.DataFrame:
    """Customers with a purchase rate, a lapse probability, a region and a PLUS membership decision."""
    rng = seeds("customers")
    n = max(1, round(config.scale * ORDERS_PER_SCALE / ORDERS_PER_CUSTOMER * len(days) / 365))
    horizon = len(days)
    region = choose(rng, n, REGIONS["share"].to_numpy())
    weights = festival_multiplier(days, strength=0.5)
    arrival = choose(rng, n, weights / weights.sum())
    arrival = np.where(rng.random(n) < EXISTING_SHARE, -1, arrival)
    cities = np.array(REGIONS["cities"].tolist(), dtype=object)  # a row of four per region
    city_pick = rng.integers(0, cities.shape[1], n)
    rate = rng.gamma(RATE_SHAPE, RATE_MEAN / RATE_SHAPE, n)
    dropout = rng.beta(1.0, 9.0, n)
    # PLUS: join when the yearly value a customer perceives (discount on expected spend + perks) covers the fee.
    order_value = float((skus["order_share"] * skus["unit_price"] * skus["mean_units"]).sum())
    expected_spend = rate * 365 * order_value
    taste = rng.beta(TASTE_A, TASTE_B, n)
    joins = (config.plus_discount * expected_spend + PLUS_PERK_VALUE) * taste >= config.plus_fee
    already = joins & (rng.random(n) < 0.5) & (arrival < 0)
    join_day = np.where(already, -rng.integers(1, 365, n), np.maximum(arrival, 0) + rng.integers(0, horizon, n))
    join_day = np.where(joins & (join_day < horizon), join_day, 10**6)
    return pd.DataFrame(
        {
            "name": name_text(sample_name_codes(rng, n)),
            "region_index": region,
            "region": labels(tuple(REGIONS["region"]), region),
            "city": labels(tuple(cities.ravel()), region * cities.shape[1] + city_pick),
            "arrival": arrival,
            "rate": rate,
            "dropout": dropout,
            "join_day": join_day,
            "renews": rng.random(n) < PLUS_RENEWAL,
        },
        copy=False,  # fresh arrays no one changes: neither copied nor consolidated into blocks
    )


def _membership_days(people: pd.DataFrame, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last+1 simulated day of membership per customer (a renewal extends the first year)."""
    join = people["join_day"].to_numpy()
    end = np.where(join < 10**6, join + 365, -1)
    renewed = people["renews"].to_numpy() & (end < horizon) & (end >= 0)
    end = np.where(renewed, end + 365, end)
    return np.where(join < 10**6, join, 10**6), end


# ---------------------------------------------------------------- the day-by-day simulation


class _Columns:
    """A dataclass of arrays of one length, a field each, whose rows are taken from every field at once."""

    def rows(self, where: slice | np.ndarray) -> Self:
        return type(self)(*(getattr(self, f.name)[where] for f in fields(self)))

    @classmethod
    def joined(cls, parts: list[Self]) -> Self:
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))


@dataclass(frozen=True)
class _Day(_Columns):
    """What buyers did on one day or more: the order rows collected by the simulation."""

    customer: np.ndarray
    day: np.ndarray
    hour: np.ndarray
    sku: np.ndarray
    quantity: np.ndarray
    source: np.ndarray
    warehouse: np.ndarray
    member: np.ndarray  # a PLUS member on the day of the order
    u_delivery: np.ndarray
    u_return: np.ndarray


@dataclass(frozen=True)
class _Orders:
    """Orders in time order (ties by customer): the simulation's rows and their timestamps."""

    rows: _Day
    time: np.ndarray  # datetime64[ns]

    def __len__(self) -> int:
        return len(self.time)

    @staticmethod
    def of(rows: _Day, days: pd.DatetimeIndex) -> _Orders:
        """The rows of whole days in time order: a month's, or the year's (months in turn give the same order)."""
        second = np.floor(rows.hour * 3600)
        time = _at(days, rows.day, second)
        sequence = time_order(rows.day * 86_400 + second.astype(np.int64), rows.customer)  # by time, then customer
        return _Orders(rows.rows(sequence), time[sequence])

    def first_orders(self) -> tuple[np.ndarray, np.ndarray]:
        """The customers among these orders and the day of their first one among them."""
        first_row = np.full(int(self.rows.customer.max(initial=-1)) + 1, len(self))
        np.minimum.at(first_row, self.rows.customer, np.arange(len(self)))  # no sort, unlike np.unique
        buyers = np.flatnonzero(first_row < len(self))
        return buyers, self.time[first_row[buyers]].astype("datetime64[D]")


@dataclass(frozen=True)
class _Stock:
    """The stock policy and its daily history for the stocked warehouse–SKU pairs."""

    stocked: np.ndarray  # warehouses × SKUs, True where held
    reorder_point: np.ndarray  # warehouses × SKUs, units
    # (6, days, stocked pairs): open, received, requested, shipped, close, on order; a month's days or the year's
    history: np.ndarray


# Uniforms each purchase carries: SKU, quantity, hour, minute, wait for the supplier, delivery, return, lapse.
UNIFORMS = 8
MOST_DAYS_A_MONTH = 31
HOURS = Intervals(np.cumsum(HOUR_WEIGHTS) / HOUR_WEIGHTS.sum())  # the hour of a uniform: its place among these


def _poisson_days(
    rng: np.random.Generator, rate: np.ndarray, lo: np.ndarray, hi: np.ndarray, cumulative: Intervals
) -> tuple[np.ndarray, np.ndarray]:
    """Events of independent Poisson processes with intensity rate_i × multiplier(day) on days [lo_i, hi_i)
    (lo_i < hi_i): each count from the summed intensity, then each event's day by the daily shape (`cumulative`:
    the multiplier summed up to each day, searched on the right). This is the same process as a Bernoulli draw
    per customer per day, without drawing the days nobody buys. Returns (process index, day) per event, in
    process order."""
    cum = cumulative.edges
    mass = cum[hi] - cum[lo]
    process = np.repeat(np.arange(len(rate)), rng.poisson(rate * mass))
    target = cum[lo[process]] + rng.random(len(process)) * mass[process]
    day = np.clip(cumulative.find(target) - 1, lo[process], hi[process] - 1)
    return process, day


@dataclass(frozen=True)
class _Candidates(_Columns):
    """Candidate purchases in the order the simulation serves them, by day, then hour: who, when, and the
    uniforms that decide the SKU, the quantity, a wait for the supplier, the delivery, a return and lapsing."""

    customer: np.ndarray
    day: np.ndarray
    hour: np.ndarray
    u_sku: np.ndarray
    u_quantity: np.ndarray
    u_wait: np.ndarray
    u_delivery: np.ndarray
    u_return: np.ndarray
    u_lapse: np.ndarray


@dataclass(frozen=True)
class _Shopping:
    """What draws a month's candidate purchases: the purchase streams and the customers."""

    rngs: tuple[np.random.Generator, np.random.Generator]
    people: pd.DataFrame
    membership: tuple[np.ndarray, np.ndarray]  # the planned membership days [from, to) of each customer
    uplift: float
    cumulative: Intervals  # the cumulative daily multiplier, side="right"

    def month(self, month: tuple[int, int]) -> _Candidates:
        """A month's candidate purchases: each arriving customer's first order, repeat purchases at the
        customer's own rate, and members' extra purchases from membership itself.

        The extra purchases come from their own stream, so the other draws never depend on `plus_true_uplift`
        or on any other lever: two runs that differ in a lever are a clean counterfactual. Purchases of
        customers who have lapsed by then are dropped by the simulation."""
        base, extra = self.rngs
        first, stop = month
        rate, arrival = self.people["rate"].to_numpy(), self.people["arrival"].to_numpy()
        lo = np.clip(arrival + 1, first, stop)
        active = np.flatnonzero(lo < stop)  # repeat purchases start the day after arrival
        process, repeat_day = _poisson_days(base, rate[active], lo[active], np.full(len(active), stop), self.cumulative)
        repeat_customer = active[process]
        new = np.flatnonzero((arrival >= first) & (arrival < stop))
        member_from, member_to = self.membership
        member_lo, member_hi = np.maximum(lo, member_from), np.minimum(member_to, stop)
        members = np.flatnonzero(member_lo < member_hi)
        extras = _poisson_days(
            extra, rate[members] * self.uplift, member_lo[members], member_hi[members], self.cumulative
        )
        customer = np.concatenate([new, repeat_customer, members[extras[0]]])
        day = np.concatenate([arrival[new], repeat_day, extras[1]])
        # base.random((UNIFORMS, n)) beside extra.random((UNIFORMS, m)), drawn row by row into place (the same
        # draws: a row takes the next n of the stream) rather than drawn apart and copied side by side.
        u, n = np.empty((UNIFORMS, len(customer))), len(new) + len(repeat_customer)
        for row in u:
            base.random(out=row[:n])
        for row in u:
            extra.random(out=row[n:])
        hour = HOURS.find(u[2]) + u[3]
        by_hour = distinct_order(hour)
        order = by_hour[stable_order(day[by_hour])]  # by day, then hour (equal hours in the order drawn)
        # Row by row: gathering the six rows at once (`u[rows][:, order]`) is 5× slower in NumPy.
        kept = (u[row][order] for row in (0, 1, 4, 5, 6, 7))
        return _Candidates(customer[order], day[order], hour[order], *kept)


def _allocate(keys: np.ndarray, qty: np.ndarray, stock: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Serve requests in order (already time-sorted) while the stock of their key lasts. Returns the served
    flags and the units asked of each key. Every request for a key whose stock covers all that is asked of it
    is served; only the requests for keys that run short are served in turn (`_first_come`): a handful a day
    (at 1M orders, 637 of 730 calls had some, a median of 14 requests)."""
    asked = _units(keys, qty, len(stock))
    served = np.ones(len(keys), dtype=bool)
    short = np.flatnonzero(asked[keys] > stock[keys])
    if len(short):
        served[short] = _first_come(keys[short], qty[short], stock)
    return served, asked


def _first_come(keys: np.ndarray, qty: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Serve requests in order (already time-sorted) while the stock of their key lasts; returns served flags."""
    order = stable_order(keys)
    k, q = keys[order], qty[order]
    cum = np.cumsum(q)
    first = np.r_[True, k[1:] != k[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(k)), 0))
    before = cum - q - (cum[group_start] - q[group_start])
    served_sorted = before + q <= stock[k]
    # Once a request fails, later (smaller) ones for the same key may still fit: keep it simple and FIFO.
    failed_cum = np.cumsum(~served_sorted)
    blocked = failed_cum - np.where(group_start > 0, failed_cum[group_start - 1], 0) - (~served_sorted)
    served_sorted &= blocked == 0
    served = np.empty(len(k), dtype=bool)
    served[order] = served_sorted
    return served


def _units(keys: np.ndarray, qty: np.ndarray, size: int) -> np.ndarray:
    """Units per key (0…size−1): the quantities summed by key."""
    return np.bincount(keys, qty, size).astype(np.int64)


def _by_day(day_of: np.ndarray, horizon: int) -> list[np.ndarray]:
    """For each day 0…horizon−1, the indices (ascending) whose `day_of` is that day."""
    order = stable_order(day_of)
    bounds = np.searchsorted(day_of[order], np.arange(horizon + 1))
    return [order[bounds[d] : bounds[d + 1]] for d in range(horizon)]


def _months(days: pd.DatetimeIndex) -> list[tuple[int, int]]:
    """(first, stop) day indices of each calendar month of the simulated days."""
    month = days.year * 12 + days.month
    starts = np.flatnonzero(np.r_[True, month[1:] != month[:-1]])
    return [(int(a), int(b)) for a, b in zip(starts, np.r_[starts[1:], len(days)], strict=True)]


@dataclass(frozen=True)
class _Month:
    """A simulated month: its days (first, stop), its orders in the order served, its stock record, and the
    membership days as they stand at its end (complete once the last month has run)."""

    days: tuple[int, int]
    orders: _Day
    stock: _Stock
    membership: tuple[np.ndarray, np.ndarray]  # [from, to) day of each customer's membership


def _simulate(
    config: Config, seeds: Seeds, people: pd.DataFrame, skus: pd.DataFrame, days: pd.DatetimeIndex
) -> Iterator[_Month]:
    """Run the year: purchases, stock allocation, replenishment and lapsing, month by month, each month handed
    over as soon as its days have run."""
    rngs = (seeds("purchases"), seeds("plus-purchases"))
    n, horizon, n_wh, n_sku = len(people), len(days), len(REGIONS) + 1, len(skus)
    stocked = _stocked(config, seeds, skus)
    planned = _planned_units(config, skus, stocked)
    reorder_point = np.where(stocked, np.ceil(config.reorder_point_days * planned), 0).astype(np.int64)
    order_up_to = np.where(stocked, np.maximum(np.ceil(config.order_up_to_days * planned), reorder_point + 1), 0)
    order_up_to = order_up_to.astype(np.int64).ravel()
    stock = order_up_to.copy()
    pipeline = np.zeros((horizon + config.lead_time_days + 1, n_wh * n_sku), dtype=np.int64)
    on_order = np.zeros(n_wh * n_sku, dtype=np.int64)
    multiplier = (
        festival_multiplier(days, FESTIVAL_STRENGTH)
        * WEEKDAY[days.weekday]
        * (1 + GROWTH * np.arange(horizon) / max(horizon - 1, 1))
    )
    cumulative = Intervals(np.r_[0.0, np.cumsum(multiplier)], side="right")
    dropout, region = people["dropout"].to_numpy(), people["region_index"].to_numpy()
    share = skus["order_share"].to_numpy()
    fade_day, multi = skus["fade_day"].to_numpy(), skus["multi_unit"].to_numpy()
    planned_membership = _membership_days(people, horizon)
    member_from, member_to = (a.copy() for a in planned_membership)
    alive = np.ones(n, dtype=bool)
    keep = np.flatnonzero(stocked.ravel())
    joining = _by_day(member_from, horizon)
    # A month's candidate purchases depend on nothing the simulation changes: the next month's are drawn while
    # this month's days run.
    shopping = _Shopping(rngs, people, planned_membership, config.plus_true_uplift, cumulative)
    for month, candidates in drawn_ahead(shopping.month, _months(days)):
        bounds = np.searchsorted(candidates.day, np.arange(month[0], month[1] + 1))
        rows = []
        # The stock history of the month only: once a month's daily stock is written, it is let go.
        history = np.zeros((6, month[1] - month[0], len(keep)), dtype=np.int32)
        for day in range(*month):
            received = pipeline[day]
            stock += received
            on_order -= received
            opening = stock.copy()
            lapsed_joiner = joining[day][~alive[joining[day]]]
            member_from[lapsed_joiner], member_to[lapsed_joiner] = 10**6, -1
            today = candidates.rows(slice(bounds[day - month[0]], bounds[day - month[0] + 1]))
            today_share = share * np.exp(-np.maximum(day - fade_day, 0) / 20)
            c = today.rows(alive[today.customer])  # the live customers' purchases, by hour
            buyers = c.customer
            sku = np.minimum(np.searchsorted(np.cumsum(today_share) / today_share.sum(), c.u_sku), n_sku - 1)
            qty = np.minimum(1 + np.floor(np.log(c.u_quantity) / np.log(multi[sku])).astype(np.int64), 6)
            home = region[buyers] + 1
            regional_first = stocked[home, sku]
            local_key = home * n_sku + sku
            served_local = np.zeros(len(buyers), dtype=bool)
            served_local[regional_first], requested = _allocate(local_key[regional_first], qty[regional_first], stock)
            stock -= _units(local_key[served_local], qty[served_local], len(stock))
            to_central = ~served_local
            served_central = np.zeros(len(buyers), dtype=bool)
            served_central[to_central], asked_central = _allocate(sku[to_central], qty[to_central], stock)
            stock -= _units(sku[served_central], qty[served_central], len(stock))
            requested += asked_central
            waits = ~served_local & ~served_central & (c.u_wait < WAIT_SHARE)
            placed = served_local | served_central | waits
            source = np.where(served_local, 0, np.where(served_central, 1, 2))
            warehouse = np.where(served_local, home, np.where(served_central, 0, -1))
            # Replenishment: order up to the target when the stock position falls to the reorder point.
            position = stock + on_order
            need = np.flatnonzero((position <= reorder_point.ravel()) & stocked.ravel())
            pipeline[day + config.lead_time_days, need] += order_up_to[need] - position[need]
            on_order[need] += order_up_to[need] - position[need]
            for row, values in enumerate((opening, received, requested, opening - stock, stock, on_order)):
                history[row, day - month[0]] = values[keep]
            # Lapsing after an order: likelier after a slow delivery or a lost order, less after a fast one;
            # members do not lapse while their paid year runs (only a lapsed customer fails to join).
            factor = np.where(served_local, FAST_DROPOUT_FACTOR, SLOW_DROPOUT_FACTOR)
            member = (member_from[buyers] <= day) & (day < member_to[buyers])
            lapse = (c.u_lapse < np.minimum(dropout[buyers] * factor, 1.0)) & ~member
            alive[buyers[lapse]] = False
            rows.append(
                _Day(
                    buyers[placed],
                    np.full(placed.sum(), day),
                    c.hour[placed],
                    sku[placed],
                    qty[placed],
                    source[placed],
                    warehouse[placed],
                    member[placed],
                    c.u_delivery[placed],
                    c.u_return[placed],
                )
            )
        stock_record = _Stock(stocked, reorder_point, history)
        yield _Month(month, _Day.joined(rows), stock_record, (member_from, member_to))


# ---------------------------------------------------------------- output tables


def _deliveries(
    orders: _Day,
    people: pd.DataFrame,
    skus: pd.DataFrame,
    config: Config,
    days: pd.DatetimeIndex,
    order_time: np.ndarray,
) -> pd.DataFrame:
    """211 promise, delivery time and fulfilment cost per order from its stock source and order hour."""
    hour = orders.hour
    cutoff = np.where(hour < 11, 0, np.where(hour < 23, 1, 2))
    promise_offset = np.select([cutoff == 0, cutoff == 1], [23.0, 24 + 15.0], default=24 + 23.0)
    promised = _at(days, orders.day, promise_offset * 3600)
    window = promise_offset - hour
    u = orders.u_delivery
    trunk = REGIONS["trunk_hours"].to_numpy()[people["region_index"].to_numpy()[orders.customer]]
    on_time = u < ON_TIME_LOCAL
    local_hours = np.where(
        on_time, window * (0.45 + 0.55 * u / ON_TIME_LOCAL), window + 2 + 30 * (u - ON_TIME_LOCAL) / (1 - ON_TIME_LOCAL)
    )
    central_hours = PROCESSING_HOURS + trunk + 8 + 40 * u**2
    supplier_hours = config.lead_time_days * 24 * (0.5 + 0.5 * u) + trunk + 12
    hours = np.select([orders.source == 0, orders.source == 1], [local_hours, central_hours], supplier_hours)
    hours = np.round(hours, 2)
    delivered = order_time + np.round(hours * 3600).astype("timedelta64[s]")
    weight = skus["weight_kg"].to_numpy()[orders.sku] * orders.quantity
    cost = HANDLING_PER_ORDER + LAST_MILE_PER_ORDER + PER_KG * weight + TRUNK_PER_ORDER * (orders.source > 0)
    eligible = orders.source == 0
    return pd.DataFrame(
        {
            "warehouse_id": labels(
                (*WAREHOUSE_IDS, "SUPPLIER"), np.where(orders.warehouse >= 0, orders.warehouse, len(WAREHOUSE_IDS))
            ),
            "stock_source": labels(SOURCES, orders.source),
            "cutoff": labels(CUTOFFS, cutoff),
            "delivered_time": delivered,
            "delivery_hours": hours,
            "eligible_211": eligible,
            "on_time_211": eligible & (delivered <= promised),
            "fulfillment_cost": money(cost),
        },
        copy=False,
    )


def _at(days: pd.DatetimeIndex, day: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Timestamps `seconds` (whole) after the start of each simulated `day`, as datetime64[ns]."""
    start = days.to_numpy()[day]
    return start + np.floor(seconds).astype(np.int64).astype("timedelta64[s]")


def _returns(
    orders: _Day, skus: pd.DataFrame, deliveries: pd.DataFrame, amount: np.ndarray, cogs: np.ndarray
) -> pd.DataFrame:
    """Returns: a category base rate lifted by each day of delivery beyond the first, plus damage in transit."""
    u = orders.u_return
    late_days = np.maximum(deliveries["delivery_hours"].to_numpy() / 24 - 1, 0)
    base = skus["return_base"].to_numpy()[orders.sku]
    damage = np.array([DAMAGE[source] for source in SOURCES])[orders.source]
    late = base * LATE_RETURN_LIFT * late_days
    returned = u < damage + base + late
    reason = np.where(u < damage, 1, np.where(u < damage + base, 2, 0))
    lag = 1 + np.minimum(np.floor(7 * u / np.maximum(damage + base + late, 1e-9)), 6).astype(int)
    rows = np.flatnonzero(returned)
    delivered_day = deliveries["delivered_time"].to_numpy()[rows].astype("datetime64[D]")
    damaged = reason[rows] == 1
    return pd.DataFrame(
        {
            "return_date": (delivered_day + lag[rows]).astype(object),
            "reason": np.asarray(RETURN_REASONS, dtype=object)[reason[rows]],
            "refund_amount": amount[rows],
            "recovered_cost": money(np.where(damaged, 0.0, cogs[rows] * RETURN_RECOVERY)),
            "handling_cost": np.full(len(rows), RETURN_HANDLING),
        },
        index=rows,
        copy=False,
    )


def _memberships(
    customer_ids: pa.StringArray,
    member_from: np.ndarray,
    member_to: np.ndarray,
    days: pd.DatetimeIndex,
    config: Config,
) -> pd.DataFrame:
    """Membership years bought: pre-existing members, joins during the year, and renewals that fall in it, by
    start day, then customer (customer ids share one width, so they sort as their numbers)."""
    member = member_from < 10**6
    renew = member & (member_to - member_from > 365)
    who = np.concatenate([np.flatnonzero(member), np.flatnonzero(renew)])
    start = np.concatenate([member_from[member], member_from[renew] + 365])
    is_renewal = np.arange(len(who)) >= np.count_nonzero(member)
    order = np.lexsort((who, start))
    first_day = days[0].to_datetime64().astype("datetime64[D]") + start[order]
    return pd.DataFrame(
        {
            "membership_id": arrow_column(id_range("M", len(who))),
            "customer_id": labels(customer_ids, who[order]),
            "start_date": day_column(first_day),
            "end_date": day_column(first_day + 364),
            "fee_paid": money(np.full(len(who), config.plus_fee)),
            "is_renewal": is_renewal[order],
        },
        copy=False,
    )


class _DailyStock:
    """The daily stock table of a stock layout: the columns that repeat every day (day codes, warehouse, SKU and
    reorder point of each stocked warehouse–SKU pair) made once for the longest stretch of days, and cut to the
    days of each piece (slices share them)."""

    def __init__(self, stock: _Stock, skus: pd.DataFrame, most_days: int) -> None:
        keep = np.flatnonzero(stock.stocked.ravel())
        n_sku = len(skus)
        self.pairs = len(keep)
        self.day_codes = pa.array(np.repeat(np.arange(most_days, dtype=np.int64), len(keep)))
        self.warehouse = labels(tuple(WAREHOUSE_IDS), np.tile(keep // n_sku, most_days))
        self.sku = labels(tuple(skus["sku_id"]), np.tile(keep % n_sku, most_days))
        self.reorder_point = np.tile(stock.reorder_point.ravel()[keep], most_days)

    def frame(self, history: np.ndarray, days: pd.DatetimeIndex) -> pd.DataFrame:
        """The table's rows for `days`, whose stock `history` holds (see `_Stock`)."""
        rows = len(days) * self.pairs
        dates = pa.array(days.to_numpy().astype("datetime64[D]"))
        columns = ("stock_open", "received_units", "requested_units", "shipped_units", "stock_close", "on_order_units")
        return pd.DataFrame(
            {
                "date": arrow_column(pa.DictionaryArray.from_arrays(self.day_codes[:rows], dates)),
                "warehouse_id": self.warehouse[:rows],
                "sku_id": self.sku[:rows],
                **{name: history[k].ravel().astype(np.int64) for k, name in enumerate(columns)},
                "reorder_point": self.reorder_point[:rows],
            },
            copy=False,
        )


def _inventory(stock: _Stock, skus: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Long table of the stock history on `days` (those the history holds), only for the warehouse–SKU pairs
    that are stocked."""
    return _DailyStock(stock, skus, len(days)).frame(stock.history, days)


def _warehouses(stocked: np.ndarray) -> pd.DataFrame:
    """The central hub and the regional warehouses."""
    return pd.DataFrame(
        {
            "warehouse_id": WAREHOUSE_IDS,
            "name": [CENTRAL[1], *(f"{city}仓 RDC" for city in REGIONS["warehouse_city"])],
            "kind": ["central", *["regional"] * len(REGIONS)],
            "region": ["all", *REGIONS["region"]],
            "city": [CENTRAL[2], *REGIONS["warehouse_city"]],
            "skus_stocked": stocked.sum(axis=1),
        }
    )


@dataclass(frozen=True)
class _Setting:
    """What the tables are built from besides the simulation: the parameters, the days, the catalogue and the
    customers (with their ids as Arrow text, customer i being C…(i + 1))."""

    config: Config
    days: pd.DatetimeIndex
    skus: pd.DataFrame
    people: pd.DataFrame
    customer_ids: pa.StringArray

    @staticmethod
    def of(config: Config) -> tuple[_Setting, Iterator[_Month]]:
        """The setting of `config` and its simulation, ready to run."""
        seeds = Seeds(config.seed)
        days = pd.date_range(pd.Timestamp(config.start), periods=config.days, freq="D")
        skus = _skus(config, seeds)
        people = _customers(config, seeds, days, skus)
        setting = _Setting(config, days, skus, people, id_range("C", len(people)))
        return setting, _simulate(config, seeds, people, skus, days)

    def order_tables(self, orders: _Orders) -> dict[str, pd.DataFrame]:
        """The orders with their deliveries and returns, without order ids: those are numbered once the year's
        order count is known (`_numbered`). A return's index is its order's row."""
        config, skus, rows = self.config, self.skus, orders.rows
        price = skus["unit_price"].to_numpy()[rows.sku]
        list_amount = money(price * rows.quantity)
        amount = money(np.where(rows.member, list_amount * (1 - config.plus_discount), list_amount))
        cogs = money(skus["unit_cost"].to_numpy()[rows.sku] * rows.quantity)
        table = pd.DataFrame(
            {
                "customer_id": labels(self.customer_ids, rows.customer),
                "order_time": orders.time,
                "sku_id": labels(tuple(skus["sku_id"]), rows.sku),
                "category": labels(tuple(skus["category"]), rows.sku),
                "quantity": rows.quantity,
                "list_amount": list_amount,
                "amount": amount,
                "cogs": cogs,
                "is_plus_member": rows.member,
            },
            copy=False,
        )
        deliveries = _deliveries(rows, self.people, skus, config, self.days, orders.time)
        returns = _returns(rows, skus, deliveries, amount, cogs)
        return {"orders": table, "deliveries": deliveries, "returns": returns}

    def other_tables(self, last: _Month, first_orders: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, pd.DataFrame]:
        """Customers, SKUs, warehouses and memberships after the `last` month, with each customer's first order
        date from the first orders of each month, months in order (missing: no order in the data)."""
        first_day = np.full(len(self.people), np.datetime64("NaT"), dtype="datetime64[D]")
        for buyers, days in reversed(first_orders):  # the earliest month writes last
            first_day[buyers] = days
        customers = self.people.loc[:, ["name", "region", "city"]].assign(first_order_date=day_column(first_day))
        customers.insert(0, "customer_id", arrow_column(self.customer_ids))
        planned = np.round(_nationwide_units(self.config, self.skus), 3)
        return {
            "customers": customers,
            "skus": self.skus.loc[:, SCHEMA["skus"].names[:-1]].assign(planned_daily_units=planned),
            "warehouses": _warehouses(last.stock.stocked),
            "memberships": _memberships(self.customer_ids, *last.membership, self.days, self.config),
        }


def _numbered(tables: dict[str, pd.DataFrame], first: int, width: int) -> dict[str, pd.DataFrame]:
    """`_Setting.order_tables`' tables with their order ids first, first + 1, … zero-padded to `width` digits
    (the frames are given their id column in place)."""
    orders, deliveries, returns = tables["orders"], tables["deliveries"], tables["returns"]
    order_ids = id_range("O", len(orders), first, width)
    orders.insert(0, "order_id", arrow_column(order_ids))
    deliveries.insert(0, "order_id", arrow_column(order_ids))
    returns.insert(0, "order_id", labels(order_ids, returns.index.to_numpy()))
    return {"orders": orders, "deliveries": deliveries, "returns": returns.reset_index(drop=True)}


def generate(config: Config) -> dict[str, pd.DataFrame]:
    """All tables of the JD case for `config`; identical output for identical config."""
    setting, simulation = _Setting.of(config)
    months = list(simulation)
    orders = _Orders.of(_Day.joined([month.orders for month in months]), setting.days)
    tables = setting.other_tables(months[-1], [orders.first_orders()])
    tables |= _numbered(setting.order_tables(orders), 1, id_width(len(orders)))
    history = np.concatenate([month.stock.history for month in months], axis=1)
    tables["inventory_daily"] = _inventory(replace(months[-1].stock, history=history), setting.skus, setting.days)
    return {name: plain_columns(tables[name]) for name in SCHEMA}


# The tables `generate_in_chunks` hands over piece by piece; every other one comes whole, and is written at once.
TABLES_IN_PIECES = frozenset({"inventory_daily", "orders", "deliveries", "returns"})


def generate_in_chunks(config: Config, *, as_it_runs: bool = True) -> Iterator[tuple[str, pd.DataFrame]]:
    """The same tables as `generate`, as (table, rows) pieces: orders, deliveries, returns and the daily stock
    month by month, so that a large dataset is written without ever holding the daily stock whole.

    A month's daily stock is handed over as soon as its days have run, and its order tables, built on a second
    thread while the next month runs, after that month: both are written while the simulation goes on. Their ids are
    numbered on a guess of their width (the orders the scale asks for); if the year's order count proves it
    wrong (a run near a power of ten), the pieces so far are void: `PiecesVoid` is raised at the end, and
    `as_it_runs=False` gives the right ones, the order tables held until the year's count is known."""
    setting, simulation = _Setting.of(config)
    numbered = _Numbering(_guessed_width(config))
    daily_stock = None
    with ThreadPoolExecutor(1, thread_name_prefix="jd-tables") as builder:
        built: deque[Future[tuple[dict[str, pd.DataFrame], tuple[np.ndarray, np.ndarray]]]] = deque()
        for month in simulation:
            built.append(builder.submit(_month_tables, setting, month.orders))
            if as_it_runs and len(built) > 1:
                # The month before's order tables, built while this month ran, come before its stock: pieces in
                # the same order whatever the timing (where the stock's row groups end depends on it).
                yield from numbered(*built.popleft().result())
            if daily_stock is None:  # the layout of the stock is the same every month
                daily_stock = _DailyStock(month.stock, setting.skus, MOST_DAYS_A_MONTH)
            yield "inventory_daily", daily_stock.frame(month.stock.history, setting.days[slice(*month.days)])
        held = [future.result() for future in built]
    del built
    if not as_it_runs:
        numbered.width = id_width(sum(len(tables["orders"]) for tables, _ in held))
        yield from setting.other_tables(month, [firsts for _, firsts in held]).items()
    while held:
        yield from numbered(*held.pop(0))  # each month's frames are let go once handed over
    if as_it_runs:
        if numbered.width != id_width(numbered.next - 1):
            raise PiecesVoid(
                f"{numbered.next - 1:,} orders: ids of {id_width(numbered.next - 1)} digits, not {numbered.width}"
            )
        yield from setting.other_tables(month, numbered.first_orders).items()


def _guessed_width(config: Config) -> int:
    """Digits of the order ids, guessed before the run from the orders the scale asks for."""
    return id_width(round(ORDERS_PER_SCALE * config.scale))


class _Numbering:
    """Months' order tables given their ids in turn, `width` digits each, and their first orders kept."""

    def __init__(self, width: int) -> None:
        self.width, self.next = width, 1
        self.first_orders: list[tuple[np.ndarray, np.ndarray]] = []

    def __call__(
        self, tables: dict[str, pd.DataFrame], first_orders: tuple[np.ndarray, np.ndarray]
    ) -> Iterator[tuple[str, pd.DataFrame]]:
        self.first_orders.append(first_orders)
        numbered = _numbered(tables, self.next, self.width)
        self.next += len(tables["orders"])
        return iter(numbered.items())


def _month_tables(setting: _Setting, rows: _Day) -> tuple[dict[str, pd.DataFrame], tuple[np.ndarray, np.ndarray]]:
    """A month's order tables (without ids) and its customers' first orders."""
    orders = _Orders.of(rows, setting.days)
    return setting.order_tables(orders), orders.first_orders()
