"""Shared building blocks for the case generators: seeded randomness, the festival calendar, city tiers, names.

Randomness is one tree per seed with a named child per table or mechanism (`Seeds(seed)("orders")`), so adding
a table never changes the draws of another. Identity pools come from Faker zh_CN once, with a fixed seed, and
are then sampled with numpy: no Python loop per row.
"""

from __future__ import annotations

import zlib
from dataclasses import fields
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from helpers.io import Column


class Seeds:
    """A reproducible tree of random generators: `Seeds(7)("orders")` is the same stream in every process."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def __call__(self, name: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(name.encode("utf-8"))])


def money(values: np.ndarray | pd.Series) -> np.ndarray:
    """Round yuan amounts to fen (two decimals) the same way everywhere."""
    return np.round(np.asarray(values, dtype=float), 2)


# ---------------------------------------------------------------- calendar

# Lunar New Year's day; the Spring Festival lull spans about a week either side (logistics stop, demand dips).
SPRING_FESTIVAL = {
    2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16", 2019: "2019-02-05",
    2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10",
    2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13",
    2030: "2030-02-03",
}

# (name, month, peak day, days of build-up before the peak, peak multiplier) — assumption, shaped like
# the public GMV curves: a ramp into the day, then the day itself far above normal.
FESTIVALS = (
    ("618", 6, 18, 17, 2.5),
    ("Double 11 双11", 11, 11, 10, 4.0),
    ("Double 12 双12", 12, 12, 3, 1.8),
)
SPRING_LULL = 0.6


def _on(years: np.ndarray, month: int, day: int) -> np.ndarray:
    """The date `month`/`day` in each of `years`, as numpy days."""
    first_of_month = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    return first_of_month.astype("datetime64[D]") + (day - 1)


def _new_year(years: np.ndarray) -> np.ndarray:
    """Lunar New Year's day of each year (February 1 where the table has no entry)."""
    known = {y: np.datetime64(d) for y, d in SPRING_FESTIVAL.items()}
    unique = np.unique(years)
    lookup = np.array([known.get(int(y), _on(np.array([y]), 2, 1)[0]) for y in unique], dtype="datetime64[D]")
    return lookup[np.searchsorted(unique, years)]


def festival_multiplier(dates: pd.DatetimeIndex | pd.Series, strength: float = 1.0) -> np.ndarray:
    """Demand multiplier per date: 1.0 normally, above 1 into 618/双11/双12, below 1 in the Spring Festival lull.

    `strength` scales how far the peaks and the lull move demand (0: a flat calendar). Pure numpy on the
    day numbers, because generators call it for every batch of timestamps.
    """
    days = pd.DatetimeIndex(dates).to_numpy().astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(int) + 1970
    lift = np.zeros(len(days))
    for _, month, day, ramp, peak in FESTIVALS:
        gap = (_on(years, month, day) - days).astype(int)
        in_ramp = (gap >= 0) & (gap <= ramp)
        lift = np.where(in_ramp, np.maximum(lift, (peak - 1) * 0.35 * (1 - gap / (ramp + 1))), lift)
        lift = np.where(gap == 0, np.maximum(lift, peak - 1), lift)
    distance = np.abs((days - _new_year(years)).astype(int))
    lift = np.where(distance <= 7, SPRING_LULL - 1, lift)
    return 1.0 + strength * lift


def festival_name(dates: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    """The festival each date falls on ('' when none): used to explain anomaly alerts."""
    days = pd.DatetimeIndex(dates)
    names = np.full(len(days), "", dtype=object)
    for name, month, day, _, _ in FESTIVALS:
        names[(days.month == month) & (days.day == day)] = name
    for year, new_year in SPRING_FESTIVAL.items():
        distance = np.abs((days - pd.Timestamp(new_year)).days)
        names[(days.year == year) & (distance <= 7)] = "Spring Festival lull"
    return names


# ---------------------------------------------------------------- geography

CITY_TIERS = pd.DataFrame(
    {
        "tier": [1, 2, 3, 4, 5],
        "label": ["Tier 1", "Tier 2", "Tier 3", "Tier 4", "Tier 5+"],
        # Share of urban population (assumption, rounded from common tier lists).
        "population_share": [0.06, 0.17, 0.21, 0.24, 0.32],
        # Pinduoduo's 2018 buyers: 9.7% tier 1, 33.3% tier 2, ≈57% tier 3 and below (docs/SOURCES.md).
        "pdd_buyer_share": [0.10, 0.33, 0.25, 0.18, 0.14],
        "cities": [
            ["北京", "上海", "广州", "深圳"],
            ["杭州", "成都", "武汉", "南京", "西安", "重庆", "苏州", "天津"],
            ["洛阳", "绵阳", "赣州", "宜昌", "湛江", "泉州", "襄阳", "芜湖"],
            ["南阳", "商丘", "周口", "驻马店", "邵阳", "揭阳", "曲靖", "渭南"],
            ["兰考", "固始", "郓城", "临泉", "镇雄", "宣威", "陆丰", "普宁"],
        ],
    }
)


def sample_tiers(rng: np.random.Generator, n: int, shares: list[float] | np.ndarray) -> np.ndarray:
    """Draw `n` city tiers (1–5) with the given shares."""
    shares = np.asarray(shares, dtype=float)
    return rng.choice(CITY_TIERS["tier"].to_numpy(), size=n, p=shares / shares.sum())


def sample_cities(rng: np.random.Generator, tiers: np.ndarray) -> np.ndarray:
    """A city name for each tier, uniformly among that tier's sample cities."""
    tiers = np.asarray(tiers)
    cities = np.empty(len(tiers), dtype=object)
    for tier, names in zip(CITY_TIERS["tier"], CITY_TIERS["cities"], strict=True):
        mask = tiers == tier
        cities[mask] = np.asarray(names, dtype=object)[rng.integers(0, len(names), mask.sum())]
    return cities


# ---------------------------------------------------------------- identities

FAKER_SEED = 20240618


@cache
def name_pool(kind: str = "person", size: int = 4000) -> tuple[str, ...]:
    """A fixed pool of Chinese names ('person'), shop names ('shop') or KOL handles ('handle')."""
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(FAKER_SEED + zlib.crc32(kind.encode()))
    make = {
        "person": fake.name,
        "shop": lambda: fake.company_prefix() + fake.random_element(("旗舰店", "专营店", "官方店", "自营店")),
        "handle": lambda: fake.last_name() + fake.first_name() + "的美妆日记",
    }[kind]
    return tuple(make() for _ in range(size))


def sample_names(rng: np.random.Generator, n: int, kind: str = "person") -> np.ndarray:
    """`n` names drawn from the fixed pool with numpy."""
    pool = np.asarray(name_pool(kind), dtype=object)
    return pool[rng.integers(0, len(pool), n)]


def ids(prefix: str, n: int, start: int = 1) -> np.ndarray:
    """Readable ids such as U000001, in order (an empty array for n = 0)."""
    if n == 0:
        return np.array([], dtype=object)
    width = max(6, len(str(start + n)))
    return np.char.add(prefix, np.char.zfill(np.arange(start, start + n).astype(str), width)).astype(object)


def config_from(cls: type, values: dict) -> Any:
    """Build a generator's Config from notebook/CLI values, ignoring the ones it does not use."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names})


# ---------------------------------------------------------------- shared schema columns

# Columns that mean the same in every case, declared once so that the schemas cannot drift apart.
CUSTOMER_KEY = Column("customer_id", "str", "customer key", unique=True)
CUSTOMER_NAME = Column("name", "str", "customer name (synthetic, zh_CN)")
CITY = Column("city", "str", "city")
CITY_TIER = Column("city_tier", "int", "city tier 1–5 (5 = tier 5 and below)", min=1, max=5)
ORDER_KEY = Column("order_id", "str", "order key", unique=True)
BUYER = Column("customer_id", "str", "buyer (customers.customer_id)")
PAID_AT = Column("order_date", "datetime", "payment time")
FIRST_ORDER_DATE = Column("first_order_date", "date", "date of the first order")
