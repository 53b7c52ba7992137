"""Shared building blocks for the case generators: seeded randomness, city tiers, names (the festival
calendar is `helpers.core.festivals`, shared with the analyses).

Randomness is one tree per seed with a named child per table or mechanism (`Seeds(seed)("orders")`), so adding
a table never changes the draws of another. Identity pools come from Faker zh_CN once, with a fixed seed, and
are then sampled with numpy: no Python loop per row.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from functools import cache
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
from faker import Faker

from helpers.core.schema import Column

T = TypeVar("T")
R = TypeVar("R")

ORDERS_PER_SCALE = 50_000  # orders a case generates at scale 1.0, the same for every case


class PiecesVoid(Exception):
    """Raised by a generator's `generate_in_chunks` when the pieces it has handed over so far are not the right
    ones (made as the simulation ran, on a guess that proved wrong): they must be thrown away, and the same
    call with `as_it_runs=False` gives the right pieces."""


class Seeds:
    """A reproducible tree of random generators: `Seeds(7)("orders")` is the same stream in every process."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def __call__(self, name: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(name.encode("utf-8"))])


def stable_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")`, faster for integer keys from 0 to 65,535 (days of a year, warehouse ×
    SKU pairs): NumPy sorts 16-bit integers by radix, 5–10× faster than the general stable sort, and the stable
    order of equal keys is the same."""
    keys = np.asarray(keys)
    if keys.dtype.kind in "iu" and len(keys) and keys.min() >= 0 and keys.max() <= np.iinfo(np.uint16).max:
        keys = keys.astype(np.uint16)
    return np.argsort(keys, kind="stable")


def distinct_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")` for keys that are rarely equal (a time of day with a random fraction,
    an order time and its buyer): NumPy's default sort (3× faster, SIMD), then the few runs of equal keys put
    in their original order, which is all the stable order adds (runs of equal keys sit side by side after any
    sort). With many ties the stable sort decides."""
    keys = np.asarray(keys)
    order = np.argsort(keys)
    ordered = keys[order]
    tied = ordered[1:] == ordered[:-1]
    if not tied.any():
        return order
    if np.count_nonzero(tied) > len(keys) // _FEW_TIES:
        return np.argsort(keys, kind="stable")
    runs = np.flatnonzero(np.r_[tied, False] | np.r_[False, tied])  # the places of the runs, run by run
    order[runs] = order[runs][np.lexsort((order[runs], ordered[runs]))]
    return order


_FEW_TIES = 16  # ties in a fraction of the keys up to which they are put in order after the fast sort
_DAY = 86_400  # seconds


def time_order(times: np.ndarray, who: np.ndarray) -> np.ndarray:
    """The order of `np.lexsort((who, times))`: by time, ties by `who`, then by position. When `who` is
    non-negative and the times are integers or datetimes in whole seconds, one sort of one integer key,
    time × (largest who + 1) + who, gives that order 2–3× faster than lexsort's two passes (`distinct_order`:
    the keys are rarely equal, and never when `who` numbers the rows); times in whole days (arrival dates)
    are counted in days, so that their keys often fit 16 bits and sort by radix (`stable_order`). lexsort
    remains for anything else, and for keys that would not fit in 64 bits."""
    times, who = np.asarray(times), np.asarray(who)
    if not len(times) or who.dtype.kind not in "iu" or who.min() < 0:
        return np.lexsort((who, times))
    if times.dtype.kind == "M":
        seconds = times.astype("datetime64[s]", copy=False)
        if seconds is not times and not np.array_equal(seconds, times):
            return np.lexsort((who, times))
        ticks = seconds.view(np.int64)
    elif times.dtype.kind in "iu":
        ticks = times.astype(np.int64, copy=False)
    else:
        return np.lexsort((who, times))
    if not (ticks[:64] % _DAY).any() and not (ticks % _DAY).any():  # whole days: counted in days
        ticks = ticks // _DAY
    first, width = int(ticks.min()), int(who.max()) + 1
    span = (int(ticks.max()) - first + 1) * width
    if span >= 2**63:
        return np.lexsort((who, times))
    key = ticks - first  # the one array of the size of `times` made here (memory at 10M orders)
    key *= width
    key += who
    return stable_order(key) if span <= 2**16 else distinct_order(key)


class Intervals:
    """Sorted cut points, for finding where many values fall among them: `find(values)` is exactly
    `np.searchsorted(edges, values, side)`, 3–5× faster for arrays of uniforms or days.

    A binary search per value is a chain of unpredictable branches (≈50–80 ns a lookup). Here the range of the
    cut points is split into `buckets` equal parts, and a table holds, for each part, the answer shared by every
    value that can land in it, when there is one: a value's part is one multiplication away, so most values are
    answered by one lookup in a small table. The part is computed in floating point, so each entry is made for
    its part widened by a whole part on both sides (the rounding is many orders of magnitude smaller), and only
    values in parts that hold a cut point (near a step) are searched. NaN values raise an IndexError."""

    def __init__(self, edges: np.ndarray, side: Literal["left", "right"] = "left", buckets: int = 16_384) -> None:
        self.edges, self.side = np.asarray(edges, dtype=np.float64), side
        self.table: np.ndarray | None = None  # the answer of each part, −1 where the part holds a cut point
        low, high = (float(self.edges[0]), float(self.edges[-1])) if len(self.edges) else (0.0, 0.0)
        if not (np.isfinite(low) and np.isfinite(high) and high > low):
            return  # one cut point, or none, or not finite: every value is searched
        self.scale = buckets / (high - low)
        self.offset = 1 - low * self.scale  # value × scale + offset: 1 + parts above `low`, part 0 below it
        part = np.arange(buckets + 2)
        lowest = np.searchsorted(self.edges, low + (part - 2) / self.scale, side)
        highest = np.searchsorted(self.edges, low + (part + 1) / self.scale, side)
        lowest[0], highest[-1] = 0, len(self.edges)  # below and above the range
        self.table = np.where(lowest == highest, lowest, -1)

    def find(self, values: np.ndarray) -> np.ndarray:
        """`np.searchsorted(edges, values, side)`."""
        values = np.asarray(values, dtype=np.float64)
        if self.table is None:
            return np.searchsorted(self.edges, values, self.side)
        with np.errstate(over="ignore"):  # a value beyond ±1e300 goes to a part past the ends, as it should
            part = values * self.scale
        part += self.offset
        np.clip(part, 0, len(self.table) - 1, out=part)
        found = self.table.take(part.astype(np.intp))
        near = np.flatnonzero(found < 0)
        found[near] = np.searchsorted(self.edges, values[near], self.side)
        return found


def choose(rng: np.random.Generator, n: int, p: np.ndarray) -> np.ndarray:
    """`rng.choice(len(p), size=n, p=p)`: the same draws, 3–5× faster for many. NumPy's own method (n uniforms
    placed among the cumulative shares, normalised by their total, on the right), the search by `Intervals`
    (a table worth building from a few thousand draws up). `p` is valid shares: not checked here."""
    cumulative = np.cumsum(np.asarray(p, dtype=np.float64))
    cumulative /= cumulative[-1]
    u = rng.random(n)
    if n < _FEW_DRAWS:
        return np.searchsorted(cumulative, u, side="right")
    return Intervals(cumulative, side="right").find(u)


_FEW_DRAWS = 4096  # draws below which one binary search each costs less than building the table of `Intervals`


def drawn_ahead(draw: Callable[[T], R], steps: Sequence[T]) -> Iterator[tuple[T, R]]:
    """Each step with `draw(step)`, the next step's drawn on a second thread while the caller works on this
    one. For draws that depend on no state of the caller (their own random streams only): the streams are
    used in the order of the steps, so the draws are the same, and NumPy releases the GIL while it draws."""
    with ThreadPoolExecutor(1, thread_name_prefix="drawn-ahead") as ahead:
        following = ahead.submit(draw, steps[0]) if steps else None
        for index, step in enumerate(steps):
            drawn = following.result()
            if index + 1 < len(steps):
                following = ahead.submit(draw, steps[index + 1])
            yield step, drawn


def money(values: np.ndarray | pd.Series) -> np.ndarray:
    """Round yuan amounts to fen (two decimals) the same way everywhere."""
    return np.round(np.asarray(values, dtype=float), 2)


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
    return CITY_TIERS["tier"].to_numpy()[choose(rng, n, shares / shares.sum())]


def sample_cities(rng: np.random.Generator, tiers: np.ndarray) -> np.ndarray:
    """A city name for each tier, uniformly among that tier's sample cities."""
    return _ALL_CITIES[sample_city_codes(rng, tiers)]


def city_text(codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The cities of `sample_city_codes` as an Arrow text column."""
    return labels(_ALL_CITIES_TEXT, codes)


_ALL_CITIES = np.asarray([city for names in CITY_TIERS["cities"] for city in names], dtype=object)
_ALL_CITIES_TEXT = pa.array(_ALL_CITIES, pa.string())


def sample_city_codes(rng: np.random.Generator, tiers: np.ndarray) -> np.ndarray:
    """`sample_cities`'s draws as places in the list of all sample cities (`city_text` names them)."""
    tiers = np.asarray(tiers)
    codes = np.empty(len(tiers), dtype=np.int64)
    first = 0
    for tier, names in zip(CITY_TIERS["tier"], CITY_TIERS["cities"], strict=True):
        mask = tiers == tier
        codes[mask] = first + rng.integers(0, len(names), mask.sum())
        first += len(names)
    return codes


# ---------------------------------------------------------------- identities

FAKER_SEED = 20240618


@cache
def name_pool(kind: str = "person", size: int = 4000) -> tuple[str, ...]:
    """A fixed pool of Chinese names ('person'), shop names ('shop') or KOL handles ('handle')."""
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
    return np.asarray(name_pool(kind), dtype=object)[sample_name_codes(rng, n, kind)]


def sample_name_codes(rng: np.random.Generator, n: int, kind: str = "person") -> np.ndarray:
    """`sample_names`'s draws as places in the pool (`name_text` names them)."""
    return rng.integers(0, len(name_pool(kind)), n)


def name_text(codes: np.ndarray, kind: str = "person") -> pd.api.extensions.ExtensionArray:
    """The names at `codes` of the pool as an Arrow text column."""
    return labels(name_pool(kind), codes)


def id_width(last: int) -> int:
    """Digits of the ids of a table whose last id is `last` (at least six)."""
    return max(6, len(str(last + 1)))


def ids(prefix: str, n: int, start: int = 1, width: int | None = None) -> np.ndarray:
    """Readable ids such as U000001, in order (an empty array for n = 0); `width` (default `id_width` of the
    last one) lets a slice of a table number its ids exactly as the whole table does."""
    return id_range(prefix, n, start, width).to_numpy(zero_copy_only=False)


def id_range(prefix: str, n: int, start: int = 1, width: int | None = None) -> pa.StringArray:
    """`ids` as Arrow text."""
    width = id_width(start + n - 1) if width is None else width
    return id_text(prefix, np.arange(start, start + n, dtype=np.int64), width)


def ids_of(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """The ids of the given numbers, zero-padded to `width` digits (as Python strings, for pandas)."""
    return id_text(prefix, numbers, width).to_numpy(zero_copy_only=False)


def id_text(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """The ids of the given numbers, zero-padded to `width` digits, as Arrow text (no Python string per row)."""
    # The digits are written arithmetically into a byte matrix, one column per position, which Arrow reads as
    # fixed-size strings (several times faster than np.char, and ≈3× faster than numpy's bytes → str casts).
    head = prefix.encode("ascii")
    matrix = np.empty((len(numbers), len(head) + width), dtype=np.uint8)
    matrix[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    number = np.asarray(numbers, dtype=np.int64)
    for position in range(len(head) + width - 1, len(head) - 1, -1):
        number, digit = np.divmod(number, 10)
        matrix[:, position] = digit + ord("0")
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(matrix.shape[1]), len(matrix), [None, pa.py_buffer(matrix)])
    return fixed.cast(pa.string())


# Text and date columns of the big tables are Arrow arrays in their frames: Parquet pieces are then written
# without converting a Python object per row (a third of writing a million orders), and `plain_columns` gives
# the frames of `generate` the plain object columns every reader of the tables sees. A column of a few distinct
# values (a label, a buyer's id, a day) is dictionary-encoded, as pandas' object columns share one Python
# object per distinct value: the plain frames stay as small as before.


def arrow_column(values: pa.Array) -> pd.api.extensions.ExtensionArray:
    """A frame column holding an Arrow array as it is."""
    return pd.arrays.ArrowExtensionArray(values)


def labels(vocabulary: tuple[str, ...] | pa.Array, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """`vocabulary[code]` for each code as an Arrow text column; a negative code is a missing value.

    The column's dictionary holds each word once, as the Parquet writer takes a dictionary's codes as they are
    only then: a tuple may repeat words (each SKU's category, a pool of names), which are merged here; Arrow
    text (ids) must already be distinct."""
    codes = np.asarray(codes)
    if not isinstance(vocabulary, pa.Array):
        vocabulary, codes = _distinct_words(vocabulary, codes)
    return arrow_column(pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), vocabulary))


def _distinct_words(words: tuple[str, ...], codes: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """`words` without repeats, and `codes` pointing into it."""
    place: dict[str, int] = {}
    places = np.array([place.setdefault(word, len(place)) for word in words], dtype=np.int64)
    if len(place) < len(words):
        codes = np.where(codes < 0, codes, places[np.maximum(codes, 0)])
    return pa.array(list(place), pa.string()), codes


def day_column(times: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The calendar day of each time as an Arrow date column; NaT is a missing day."""
    days = np.asarray(times).astype("datetime64[D]")
    missing = np.isnat(days)
    if missing.all():
        return arrow_column(pa.array(days, mask=missing))
    known = days[~missing] if missing.any() else days
    first = known.min()
    codes = pa.array((days - first).astype(np.int64), mask=missing if missing.any() else None)
    return arrow_column(pa.DictionaryArray.from_arrays(codes, pa.array(np.arange(first, known.max() + 1))))


def plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame`, its Arrow columns turned into Python objects (strings, `datetime.date`, None where missing), as
    the tables are read; a dictionary column's rows share one object per distinct value. Column by column in
    place (a generator's own fresh frame), so that only one column is held twice at a time."""
    for name, kind in frame.dtypes.items():
        if isinstance(kind, pd.ArrowDtype):
            frame[name] = _objects(pa.array(frame[name]))
    return frame


def _objects(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_string(values.type):
        return values.to_numpy(zero_copy_only=False)
    if not pa.types.is_dictionary(values.type):
        return np.asarray(values.to_pylist(), dtype=object)
    distinct = np.empty(len(values.dictionary) + 1, dtype=object)
    distinct[:-1] = values.dictionary.to_pylist()  # the last one, None, for missing values
    return distinct[values.indices.fill_null(-1).to_numpy()]


def calendar_dates(times: np.ndarray | pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """The `datetime.date` of each time (an object array, as the tables hold dates): numpy's day cast is ≈4×
    faster than pandas' `.date` at a million rows."""
    return np.asarray(times, dtype="datetime64[ns]").astype("datetime64[D]").astype(object)


def month_slices(times: np.ndarray | pd.DatetimeIndex) -> list[tuple[int, int]]:
    """(start, stop) row ranges of time-ordered `times`, one per calendar month they span: the pieces in which
    a large table is written. No rows give one empty range, so that an empty table is still written."""
    stamps = np.asarray(times, dtype="datetime64[ns]")
    if len(stamps) == 0:
        return [(0, 0)]
    months = np.arange(stamps[0].astype("datetime64[M]"), stamps[-1].astype("datetime64[M]") + 1)
    bounds = np.searchsorted(stamps, months.astype("datetime64[ns]"))
    bounds = np.r_[bounds[1:], len(stamps)]
    return [(int(a), int(b)) for a, b in zip(np.r_[0, bounds[:-1]], bounds, strict=True)]


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
