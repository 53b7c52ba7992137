"""A mid-size online shop's year of orders with a 618 promotion: the demo data for workbooks 00 and 04.

Customers arrive over the year; each buys as a Poisson process with its own rate and may lapse after any
purchase (the BG/NBD story of Fader, Hardie & Lee 2005), with its own typical basket (Gamma-Gamma). The 618
campaign cuts prices by `promo_discount` for `promo_days` days up to June 18; demand rises by
`promo_elasticity × discount`, part of it pulled forward from the month after.

The purchase process is drawn per order, not per customer and day: each customer's orders follow from a sum of
exponentials mapped through the cumulative daily demand (`_repeat_orders`). Which draws are made never depends
on the levers, so two runs that differ only in a lever share their random numbers: every order before the
lever's first day is identical and the difference between the runs is the lever's effect (a clean
counterfactual).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from generators.common import (
    BUYER,
    CITY,
    CITY_TIER,
    CUSTOMER_KEY,
    CUSTOMER_NAME,
    FIRST_ORDER_DATE,
    ORDER_KEY,
    ORDERS_PER_SCALE,
    PAID_AT,
    Seeds,
    arrow_column,
    choose,
    city_text,
    day_column,
    id_range,
    id_width,
    labels,
    money,
    month_slices,
    name_text,
    plain_columns,
    sample_city_codes,
    sample_name_codes,
    sample_tiers,
    stable_order,
    time_order,
)
from helpers.core.errors import ParameterError
from helpers.core.festivals import festival_multiplier
from helpers.core.messages import message
from helpers.core.schema import Column, Table

ORDERS_PER_CUSTOMER = 2.4  # expected orders per customer over a year at the defaults (measured)
CHANNELS = ("Tmall", "WeChat mini program", "Douyin")
CHANNEL_SHARES = (0.55, 0.25, 0.20)
CATEGORIES = ("skincare", "snacks", "home", "apparel")
CATEGORY_SHARES = (0.35, 0.25, 0.25, 0.15)
EXTRA_ITEMS = 0.4  # items beyond the first in an order: Poisson with this mean
EXTRA_ITEMS_CAP = 20  # the Poisson tail is cut here (probability < 1e-30)
POST_PROMO_DAYS = 30
SKUS = tuple(f"SKU-{k:03d}" for k in range(1, 41))

SCHEMA = {
    "customers": Table(
        "customers",
        "One row per customer: where they live and how they first came.",
        (
            CUSTOMER_KEY,
            CUSTOMER_NAME,
            CITY,
            CITY_TIER,
            Column("channel", "str", "acquisition channel", choices=CHANNELS),
            FIRST_ORDER_DATE,
        ),
    ),
    "orders": Table(
        "orders",
        "One row per paid order.",
        (
            ORDER_KEY,
            BUYER,
            PAID_AT,
            Column("amount", "float", "amount paid, ¥", min=0),
            Column("list_amount", "float", "amount at list price before the promotion discount, ¥", min=0),
            Column("quantity", "int", "items in the order", min=1),
            Column("channel", "str", "sales channel", choices=CHANNELS),
            Column("category", "str", "product category", choices=CATEGORIES),
            Column("sku", "str", "product code"),
            Column("is_promo", "bool", "placed during the 618 promotion"),
        ),
    ),
    "funnel_daily": Table(
        "funnel_daily",
        "Daily site funnel from visit to paid order.",
        (
            Column("date", "date", "day"),
            Column("sessions", "int", "visits", min=0),
            Column("product_views", "int", "visits that viewed a product page", min=0),
            Column("add_to_cart", "int", "visits that added to cart", min=0),
            Column("checkout", "int", "visits that started checkout", min=0),
            Column("orders", "int", "paid orders", min=0),
        ),
    ),
}


@dataclass(frozen=True)
class Config:
    """The generator's levers; names match the workbook parameters."""

    seed: int = 42
    scale: float = 1.0
    months: int = 12
    start: str = "2023-01-01"
    promo_discount: float = 0.2
    promo_days: int = 18
    promo_elasticity: float = 2.5
    pull_forward: float = 0.3
    view_rate: float = 0.55
    cart_rate: float = 0.12
    checkout_rate: float = 0.55
    pay_rate: float = 0.7
    gross_margin: float = 0.45


def check_parameters(values: dict) -> None:
    """Rules across parameters: the promotion must fit in the simulated months."""
    months, promo_days = values.get("months", Config.months), values.get("promo_days", Config.promo_days)
    if promo_days > 0 and months < 6:
        raise ParameterError(message("errors.rule.promo_months", months=months))


def promo_window(config: Config) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the 618 promotion (ends on June 18 of the first simulated year)."""
    year = pd.Timestamp(config.start).year
    end = pd.Timestamp(year=year, month=6, day=18)
    return end - pd.Timedelta(days=max(config.promo_days, 1) - 1), end


def demand_multiplier(config: Config, days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Daily demand multiplier (calendar × promotion × pull-forward dip) and the promo-day flags."""
    first, last = promo_window(config)
    on_promo = (days >= first) & (days <= last) & (config.promo_days > 0)
    lift = config.promo_elasticity * config.promo_discount
    after = (days > last) & (days <= last + pd.Timedelta(days=POST_PROMO_DAYS)) & (config.promo_days > 0)
    borrowed = config.pull_forward * lift * config.promo_days / POST_PROMO_DAYS
    promo = np.where(on_promo, 1 + lift, 1.0) * np.where(after, max(1 - borrowed, 0.2), 1.0)
    return festival_multiplier(days, strength=0.4) * promo, np.asarray(on_promo)


def _people(rng: np.random.Generator, arrival: np.ndarray) -> pd.DataFrame:
    """Customer traits: name, city and channel (as places in their pools, named in `_simulate`'s customer
    table), purchase rate, dropout and basket (BG/NBD + Gamma-Gamma shapes)."""
    n = len(arrival)
    tiers = sample_tiers(rng, n, [0.15, 0.30, 0.25, 0.18, 0.12])
    return pd.DataFrame(
        {
            "name": sample_name_codes(rng, n),
            "city": sample_city_codes(rng, tiers),
            "city_tier": tiers,
            "channel": choose(rng, n, CHANNEL_SHARES),
            "arrival": arrival,
            # BG/NBD: purchase rate per day ~ Gamma(r, 1/alpha); dropout after a purchase ~ Beta(a, b).
            "rate": rng.gamma(0.9, 1 / 75, n),
            "dropout": rng.beta(0.7, 3.0, n),
            # Gamma-Gamma: typical basket scale per customer.
            "basket": 90 / rng.gamma(4.0, 1.0, n) * 3.0,
        }
    )


def _customers(config: Config, seeds: Seeds, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Regular arrivals over the year, then the extra customers the promotion brings in during its days.

    The extra group has its own random stream, so the regular customers are the same with or without it.
    """
    rng = seeds("customers")
    n = max(1, round(config.scale * ORDERS_PER_SCALE / ORDERS_PER_CUSTOMER))
    growth = np.linspace(1.0, 1.6, len(days)) * festival_multiplier(days, strength=0.5)
    regular = _people(rng, np.sort(choose(rng, n, growth / growth.sum())))
    _, on_promo = demand_multiplier(config, days)
    weight = growth * on_promo
    lift = config.promo_elasticity * config.promo_discount
    extra = round(n * weight.sum() / growth.sum() * lift)
    if extra > 0:
        promo_rng = seeds("promo-customers")
        arrivals = np.sort(choose(promo_rng, extra, weight / weight.sum()))
        regular = pd.concat([regular, _people(promo_rng, arrivals)], ignore_index=True)
    regular["regular"] = np.arange(len(regular)) < n
    order = stable_order(regular["arrival"].to_numpy())
    return regular.iloc[order].reset_index(drop=True)  # customer i is C…(i + 1)


def _lapses(rng: np.random.Generator, dropout: np.ndarray) -> np.ndarray:
    """Repeat orders each customer places before lapsing: after every repeat order they lapse with probability
    `dropout` (the BG/NBD dropout), so the count is geometric on 1, 2, … (by inversion of one uniform each)."""
    count = 1 + np.floor(np.log1p(-rng.random(len(dropout))) / np.log1p(-dropout))
    return np.minimum(count, np.iinfo(np.int32).max).astype(np.int64)


def _repeat_orders(
    rng: np.random.Generator, people: pd.DataFrame, cumulative: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(row of `people`, day) of every repeat order of one group of customers, from the group's own stream.

    A customer buys as a Poisson process with intensity `rate` × the day's demand multiplier from the day after
    arrival, until the number of repeat orders `_lapses` gives. By a change of time, the k-th order falls on the
    first day where `rate` × (cumulative multiplier since arrival) reaches the k-th point of a unit-rate process,
    a sum of k standard exponentials. Round k draws one exponential for every customer who could place a k-th
    order (lapses ≥ k): that set does not depend on the levers, so two runs that differ only in a lever share
    every draw, and every order before the lever's first day is the same in both. The loop runs once per order
    of the busiest customer (a few dozen rounds), vectorised over customers.
    """
    lapses = _lapses(rng, people["dropout"].to_numpy())
    by_lapses = np.argsort(-lapses, kind="stable")  # round k's draws go to a prefix of this order
    descending = -lapses[by_lapses]
    rate = people["rate"].to_numpy()[by_lapses]
    origin = cumulative[people["arrival"].to_numpy()[by_lapses]]
    clock = np.zeros(len(people))
    active = np.arange(len(people))  # positions in `by_lapses` of customers still buying within the horizon
    who, when = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    k = 0
    while len(active):
        k += 1
        drawn = rng.standard_exponential(int(np.searchsorted(descending, -k, side="right")))
        active = active[active < len(drawn)]
        clock[active] += drawn[active]
        day = np.searchsorted(cumulative, origin[active] + clock[active] / rate[active])
        inside = day < len(cumulative)
        active = active[inside]
        who.append(by_lapses[active])
        when.append(day[inside])
    return np.concatenate(who), np.concatenate(when)


def _purchases(seeds: Seeds, people: pd.DataFrame, multiplier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(customer, day) of every order: each customer's first order on arrival, then their repeat orders; sorted
    by day, then customer, so that the orders before a lever's first day come first whatever the lever.

    Regular and promotion-acquired customers draw from separate streams, so a counterfactual run without the
    promotion gives the regular customers exactly the same draws.
    """
    cumulative = np.cumsum(multiplier)
    regular = people["regular"].to_numpy()
    who, when = [np.arange(len(people))], [people["arrival"].to_numpy()]
    for members, stream in ((np.flatnonzero(regular), "purchases"), (np.flatnonzero(~regular), "promo-purchases")):
        buyer, day = _repeat_orders(seeds(stream), people.iloc[members], cumulative)
        who.append(members[buyer])
        when.append(day)
    who, when = np.concatenate(who), np.concatenate(when)
    order = time_order(when, who)
    return who[order], when[order]


@dataclass(frozen=True)
class _Orders:
    """The year's orders as arrays in time order (the order table's rows), built into frames slice by slice."""

    who: np.ndarray  # the buyer's customer number
    day: np.ndarray
    time: pd.DatetimeIndex
    amount: np.ndarray
    list_amount: np.ndarray
    quantity: np.ndarray
    category: np.ndarray  # places in CATEGORIES
    sku: np.ndarray  # places in SKUS
    is_promo: np.ndarray
    customer_ids: pa.StringArray  # each customer's id, by customer number
    channels: np.ndarray  # each customer's channel, as a place in CHANNELS

    def frame(self, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """Rows `start`…`stop` of the order table (ids numbered as in the whole table), text as Arrow columns."""
        stop = len(self.who) if stop is None else stop
        rows = slice(start, stop)
        who = self.who[rows]
        return pd.DataFrame(
            {
                "order_id": arrow_column(id_range("O", stop - start, start + 1, id_width(len(self.who)))),
                "customer_id": labels(self.customer_ids, who),
                "order_date": self.time[rows],
                "amount": self.amount[rows],
                "list_amount": self.list_amount[rows],
                "quantity": self.quantity[rows],
                "channel": labels(CHANNELS, self.channels[who]),
                "category": labels(CATEGORIES, self.category[rows]),
                "sku": labels(SKUS, self.sku[rows]),
                "is_promo": self.is_promo[rows],
            },
            copy=False,  # fresh arrays no one else holds: no copy, no block consolidation
        )


def _baskets(seeds: Seeds, n: int) -> dict[str, np.ndarray]:
    """What each of `n` orders holds: basket noise (Gamma, mean 1), time of day, category, quantity and SKU.

    Every array is drawn in one call whose first rows do not depend on `n`, so orders listed first (those
    before a lever's first day) get the same baskets whatever comes after them.
    """
    noise = seeds("basket-noise").gamma(6.0, 1 / 6.0, n)
    u = seeds("baskets").random((n, 4))
    category_cdf = np.cumsum(CATEGORY_SHARES)
    extra = np.arange(EXTRA_ITEMS_CAP + 1)
    extra_cdf = np.cumsum(np.exp(-EXTRA_ITEMS) * EXTRA_ITEMS**extra / np.cumprod(np.r_[1, extra[1:]]))
    return {
        "noise": noise,
        "seconds": 8 * 3600 + np.floor(u[:, 0] * 16 * 3600).astype(np.int64),
        "category": np.minimum(np.searchsorted(category_cdf, u[:, 1], side="right"), len(CATEGORIES) - 1),
        "quantity": 1 + np.minimum(np.searchsorted(extra_cdf, u[:, 2], side="right"), EXTRA_ITEMS_CAP),
        "sku": np.floor(u[:, 3] * len(SKUS)).astype(np.int64),
    }


def _orders(
    config: Config, seeds: Seeds, people: pd.DataFrame, days: pd.DatetimeIndex, customer_ids: pa.StringArray
) -> _Orders:
    """Every order with its basket and price, in time order."""
    multiplier, on_promo = demand_multiplier(config, days)
    who, when = _purchases(seeds, people, multiplier)
    basket = _baskets(seeds, len(who))
    list_amount = money(people["basket"].to_numpy()[who] * basket["noise"] + 9.9)
    promo = on_promo[when]
    order_time = days[when] + pd.to_timedelta(basket["seconds"], unit="s")
    order = time_order(order_time.to_numpy(), who)
    return _Orders(
        who=who[order],
        day=when[order],
        time=order_time[order],
        amount=money(np.where(promo, list_amount * (1 - config.promo_discount), list_amount))[order],
        list_amount=list_amount[order],
        quantity=basket["quantity"][order],
        category=basket["category"][order],
        sku=basket["sku"][order],
        is_promo=promo[order],
        customer_ids=customer_ids,
        channels=people["channel"].to_numpy(),
    )


def _funnel(config: Config, seeds: Seeds, orders: _Orders, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Walk each day's paid orders back up the funnel: each step needs a negative-binomial number of tries."""
    rng = seeds("funnel")
    paid = np.bincount(orders.day, minlength=len(days))
    checkout = paid + rng.negative_binomial(np.maximum(paid, 1), config.pay_rate) * (paid > 0)
    cart = checkout + rng.negative_binomial(np.maximum(checkout, 1), config.checkout_rate) * (checkout > 0)
    views = cart + rng.negative_binomial(np.maximum(cart, 1), config.cart_rate) * (cart > 0)
    sessions = views + rng.negative_binomial(np.maximum(views, 1), config.view_rate) * (views > 0)
    return pd.DataFrame(
        {
            "date": days.date,
            "sessions": sessions,
            "product_views": views,
            "add_to_cart": cart,
            "checkout": checkout,
            "orders": paid,
        }
    )


def _simulate(config: Config) -> tuple[pd.DataFrame, _Orders, pd.DataFrame]:
    """Customers (table), orders (arrays) and the daily funnel (table)."""
    seeds = Seeds(config.seed)
    start = pd.Timestamp(config.start)
    days = pd.date_range(start, start + pd.DateOffset(months=config.months) - pd.Timedelta(days=1), freq="D")
    people = _customers(config, seeds, days)
    customer_ids = id_range("C", len(people))
    orders = _orders(config, seeds, people, days, customer_ids)
    customers = pd.DataFrame(
        {
            "customer_id": arrow_column(customer_ids),
            "name": name_text(people["name"].to_numpy()),
            "city": city_text(people["city"].to_numpy()),
            "city_tier": people["city_tier"].to_numpy(),
            "channel": labels(CHANNELS, people["channel"].to_numpy()),
            "first_order_date": day_column(days.to_numpy()[people["arrival"].to_numpy()]),
        }
    )
    return customers, orders, _funnel(config, seeds, orders, days)


def generate(config: Config) -> dict[str, pd.DataFrame]:
    """All tables of the demo shop for `config`; identical output for identical config."""
    customers, orders, funnel = _simulate(config)
    return {"customers": plain_columns(customers), "orders": plain_columns(orders.frame()), "funnel_daily": funnel}


# The tables `generate_in_chunks` hands over piece by piece; every other one comes whole, and is written at once.
TABLES_IN_PIECES = frozenset({"orders"})


def generate_in_chunks(config: Config) -> Iterator[tuple[str, pd.DataFrame]]:
    """The same tables as `generate`, as (table, rows) pieces: the order table month by month, so that a
    large dataset is written without ever holding the whole order table as a frame."""
    customers, orders, funnel = _simulate(config)
    yield "customers", customers
    for start, stop in month_slices(orders.time):
        yield "orders", orders.frame(start, stop)
    yield "funnel_daily", funnel
