"""A mid-size online shop's year of orders with a 618 promotion: the demo data for workbooks 00 and 04.

Customers arrive over the year; each buys as a Poisson process with its own rate and may lapse after any
purchase (the BG/NBD story of Fader, Hardie & Lee 2005), with its own typical basket (Gamma-Gamma). The 618
campaign cuts prices by `promo_discount` for `promo_days` days up to June 18; demand rises by
`promo_elasticity × discount`, part of it pulled forward from the month after. Daily uniforms are drawn
for every customer whatever the parameters, so two runs that differ only in a lever share their random
numbers and the difference between them is the lever's effect (a clean counterfactual).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    id_width,
    ids,
    money,
    month_slices,
    sample_cities,
    sample_names,
    sample_tiers,
)
from generators.streams import UniformRows
from helpers.core.errors import ParameterError
from helpers.core.festivals import festival_multiplier
from helpers.core.messages import message
from helpers.core.schema import Column, Table

ORDERS_PER_CUSTOMER = 2.4  # expected orders per customer over a year at the defaults (measured)
CHANNELS = ("Tmall", "WeChat mini program", "Douyin")
CHANNEL_SHARES = (0.55, 0.25, 0.20)
CATEGORIES = ("skincare", "snacks", "home", "apparel")
POST_PROMO_DAYS = 30
SKUS = np.array([f"SKU-{k:03d}" for k in range(1, 41)], dtype=object)

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
    """Customer traits: city, channel, purchase rate, dropout and basket (BG/NBD + Gamma-Gamma shapes)."""
    n = len(arrival)
    tiers = sample_tiers(rng, n, [0.15, 0.30, 0.25, 0.18, 0.12])
    return pd.DataFrame(
        {
            "name": sample_names(rng, n),
            "city": sample_cities(rng, tiers),
            "city_tier": tiers,
            "channel": rng.choice(np.asarray(CHANNELS, dtype=object), size=n, p=CHANNEL_SHARES),
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
    regular = _people(rng, np.sort(rng.choice(len(days), size=n, p=growth / growth.sum())))
    _, on_promo = demand_multiplier(config, days)
    weight = growth * on_promo
    lift = config.promo_elasticity * config.promo_discount
    extra = round(n * weight.sum() / growth.sum() * lift)
    if extra > 0:
        promo_rng = seeds("promo-customers")
        arrivals = np.sort(promo_rng.choice(len(days), size=extra, p=weight / weight.sum()))
        regular = pd.concat([regular, _people(promo_rng, arrivals)], ignore_index=True)
    regular["regular"] = np.arange(len(regular)) < n
    order = np.argsort(regular["arrival"].to_numpy(), kind="stable")
    people = regular.iloc[order].reset_index(drop=True)
    people.insert(0, "customer_id", ids("C", len(people)))
    return people


def _purchases(config: Config, seeds: Seeds, people: pd.DataFrame, multiplier: np.ndarray):
    """Day-by-day purchase process, vectorised over customers; returns (customer, day, basket noise) per order.

    Regular and promotion-acquired customers draw from separate streams, so a counterfactual run without
    the promotion gives the regular customers exactly the same uniforms. Each stream draws, per day and
    customer, a purchase uniform, a lapse uniform and a basket noise; the lapse uniform is computed only for
    the day's repeat buyers (`UniformRows`), the stream itself is unchanged.
    """
    regular = people["regular"].to_numpy()
    streams = [(np.flatnonzero(regular), seeds("purchases")), (np.flatnonzero(~regular), seeds("promo-purchases"))]
    horizon = len(multiplier)
    alive = np.ones(len(people), dtype=bool)
    rate, dropout, arrival = people["rate"].to_numpy(), people["dropout"].to_numpy(), people["arrival"].to_numpy()
    # People are sorted by arrival day, so each day's first buyers are one slice.
    first_of_day = np.searchsorted(arrival, np.arange(horizon + 1))
    stream_of, position = np.empty(len(people), dtype=np.int64), np.empty(len(people), dtype=np.int64)
    for k, (members, _) in enumerate(streams):
        stream_of[members], position[members] = k, np.arange(len(members))
    rows = [UniformRows(rng, len(members)) for members, rng in streams]
    who, when, sizes = [], [], []
    for day in range(horizon):
        repeat, u_drop, noise = [], [], []
        for (members, rng), uniforms in zip(streams, rows, strict=True):
            u_buy, lapse_uniform = uniforms.draw(2)
            noise.append(rng.gamma(6.0, 1 / 6.0, len(members)))
            # 1 − e^(−x) ≤ x: only customers whose uniform is below their rate (with a margin for rounding)
            # can buy; the exact test below decides among them.
            maybe = np.flatnonzero(u_buy[0] < rate[members] * (multiplier[day] * (1 + 1e-6)) + 1e-12)
            person = members[maybe]
            buys = alive[person] & (arrival[person] < day)
            buys &= u_buy[0][maybe] < 1 - np.exp(-rate[person] * multiplier[day])
            repeat.append(person[buys])
            u_drop.append(lapse_uniform(1, maybe[buys]))
        repeat_buyers = np.concatenate(repeat)
        bought = np.sort(np.concatenate([repeat_buyers, np.arange(first_of_day[day], first_of_day[day + 1])]))
        size = np.empty(len(bought))
        for k, drawn in enumerate(noise):
            mine = stream_of[bought] == k
            size[mine] = drawn[position[bought[mine]]]
        who.append(bought)
        when.append(np.full(len(bought), day))
        sizes.append(size)
        alive[repeat_buyers[np.concatenate(u_drop) < dropout[repeat_buyers]]] = False
    return np.concatenate(who), np.concatenate(when), np.concatenate(sizes)


@dataclass(frozen=True)
class _Orders:
    """The year's orders as arrays in time order (the order table's rows), built into frames slice by slice."""

    who: np.ndarray
    day: np.ndarray
    time: pd.DatetimeIndex
    amount: np.ndarray
    list_amount: np.ndarray
    quantity: np.ndarray
    category: np.ndarray
    sku: np.ndarray
    is_promo: np.ndarray

    def frame(self, people: pd.DataFrame, start: int = 0, stop: int | None = None) -> pd.DataFrame:
        """Rows `start`…`stop` of the order table (ids numbered as in the whole table)."""
        stop = len(self.who) if stop is None else stop
        rows = slice(start, stop)
        who = self.who[rows]
        return pd.DataFrame(
            {
                "order_id": ids("O", stop - start, start=start + 1, width=id_width(len(self.who))),
                "customer_id": people["customer_id"].to_numpy()[who],
                "order_date": self.time[rows],
                "amount": self.amount[rows],
                "list_amount": self.list_amount[rows],
                "quantity": self.quantity[rows],
                "channel": people["channel"].to_numpy()[who],
                "category": self.category[rows],
                "sku": SKUS[self.sku[rows] - 1],
                "is_promo": self.is_promo[rows],
            }
        )


def _orders(config: Config, seeds: Seeds, people: pd.DataFrame, days: pd.DatetimeIndex) -> _Orders:
    multiplier, on_promo = demand_multiplier(config, days)
    who, when, noise = _purchases(config, seeds, people, multiplier)
    rng = seeds("baskets")
    n = len(who)
    list_amount = money(people["basket"].to_numpy()[who] * noise + 9.9)
    promo = on_promo[when]
    seconds = rng.integers(8 * 3600, 24 * 3600, n)
    order_time = days[when] + pd.to_timedelta(seconds, unit="s")
    order = np.lexsort((who, order_time.asi8))
    category = rng.choice(np.asarray(CATEGORIES, dtype=object), size=n, p=[0.35, 0.25, 0.25, 0.15])
    quantity = 1 + rng.poisson(0.4, n)
    sku = rng.integers(1, 41, n)  # the draws above, in this order, keep the data byte-identical
    return _Orders(
        who=who[order],
        day=when[order],
        time=order_time[order],
        amount=money(np.where(promo, list_amount * (1 - config.promo_discount), list_amount))[order],
        list_amount=list_amount[order],
        quantity=quantity[order],
        category=category[order],
        sku=sku[order],
        is_promo=promo[order],
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
    orders = _orders(config, seeds, people, days)
    customers = people.loc[:, ["customer_id", "name", "city", "city_tier", "channel"]].assign(
        first_order_date=days[people["arrival"].to_numpy()].date
    )
    return customers, orders, _funnel(config, seeds, orders, days)


def generate(config: Config) -> dict[str, pd.DataFrame]:
    """All tables of the demo shop for `config`; identical output for identical config."""
    customers, orders, funnel = _simulate(config)
    return {"customers": customers, "orders": orders.frame(customers), "funnel_daily": funnel}


def generate_in_chunks(config: Config) -> Iterator[tuple[str, pd.DataFrame]]:
    """The same tables as `generate`, as (table, rows) pieces: the order table month by month, so that a
    large dataset is written without ever holding the whole order table as a frame."""
    customers, orders, funnel = _simulate(config)
    yield "customers", customers
    for start, stop in month_slices(orders.time):
        yield "orders", orders.frame(customers, start, stop)
    yield "funnel_daily", funnel
