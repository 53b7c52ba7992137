import datetime

import numpy as np
import pandas as pd
import pytest

from generators.common import (
    CITY_TIERS,
    Intervals,
    Seeds,
    choose,
    city_text,
    day_column,
    distinct_order,
    drawn_ahead,
    id_range,
    ids,
    labels,
    month_slices,
    name_pool,
    name_text,
    plain_columns,
    sample_cities,
    sample_city_codes,
    sample_name_codes,
    sample_names,
    sample_tiers,
    stable_order,
    time_order,
)


def test_seed_tree_children_are_reproducible_and_independent():
    a, b = Seeds(7)("orders").random(5), Seeds(7)("orders").random(5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, Seeds(7)("users").random(5))
    assert not np.array_equal(a, Seeds(8)("orders").random(5))


def test_geography_and_names_are_drawn_from_fixed_pools():
    rng = Seeds(1)("geo")
    tiers = sample_tiers(rng, 20_000, CITY_TIERS["pdd_buyer_share"])
    assert abs((tiers >= 3).mean() - 0.57) < 0.02
    cities = sample_cities(rng, np.array([1, 5]))
    assert cities[0] in CITY_TIERS["cities"][0] and cities[1] in CITY_TIERS["cities"][4]
    assert name_pool("person")[:3] == name_pool("person")[:3] and len(set(name_pool("shop"))) > 100
    assert np.array_equal(sample_names(Seeds(3)("n"), 4), sample_names(Seeds(3)("n"), 4))
    assert list(ids("U", 2, start=9)) == ["U000009", "U000010"]


def test_ids_match_zero_padded_numbers_across_a_width_change():
    made = ids("O", 1_000_005)
    assert made.dtype == object and isinstance(made[0], str)
    assert list(made[[0, 999_998, 1_000_004]]) == ["O0000001", "O0999999", "O1000005"]
    assert list(ids("SKU", 3, start=998)) == ["SKU000998", "SKU000999", "SKU001000"]
    assert len(ids("C", 0)) == 0


def test_month_slices_cut_time_ordered_rows_at_each_month_and_cover_them_all():
    stamps = ["2023-01-05", "2023-01-31T23:59", "2023-02-01", "2023-04-02", "2023-04-30"]
    times = np.array(stamps, dtype="datetime64[ns]")
    assert month_slices(times) == [(0, 2), (2, 3), (3, 3), (3, 5)]  # March has no rows: an empty slice
    assert month_slices(times[:0]) == [(0, 0)]  # an empty table is still one (empty) piece


def test_arrow_columns_read_back_as_the_plain_objects_of_the_tables():
    # The big tables' pieces hold Arrow text and dates; `plain_columns` must give what the tables always held.
    frame = pd.DataFrame(
        {
            "mode": labels(("solo", "team"), np.array([1, 0, -1])),
            "order_id": pd.arrays.ArrowExtensionArray(id_range("O", 3, start=99)),
            "day": day_column(np.array(["2024-03-01T23:59:59", "2024-03-02", "2024-12-31T08:00"], "datetime64[s]")),
            "n": [1, 2, 3],
        }
    )
    plain = plain_columns(frame)
    assert plain["mode"].tolist() == ["team", "solo", None] and plain["mode"].dtype == object
    assert plain["order_id"].tolist() == ["O000099", "O000100", "O000101"] == ids("O", 3, start=99).tolist()
    assert plain["day"].tolist() == [datetime.date(2024, 3, 1), datetime.date(2024, 3, 2), datetime.date(2024, 12, 31)]
    assert plain["n"].dtype == np.int64


def test_a_day_column_holds_nat_as_a_missing_day():
    days = np.array(["NaT", "2024-03-02", "NaT", "2024-02-28"], "datetime64[D]")
    frame = pd.DataFrame({"some": day_column(days), "none": day_column(days[[0, 2, 0, 2]])})
    assert plain_columns(frame)["some"].tolist() == [None, datetime.date(2024, 3, 2), None, datetime.date(2024, 2, 28)]
    assert frame["none"].isna().all()


def test_name_and_city_codes_are_the_same_draws_as_the_names_and_cities():
    tiers = sample_tiers(np.random.default_rng(3), 500, [1, 1, 1, 1, 1])
    names, cities = sample_names(np.random.default_rng(4), 500), sample_cities(np.random.default_rng(5), tiers)
    name_codes = sample_name_codes(np.random.default_rng(4), 500)
    city_codes = sample_city_codes(np.random.default_rng(5), tiers)
    assert list(np.asarray(name_text(name_codes), dtype=object)) == list(names)
    assert list(np.asarray(city_text(city_codes), dtype=object)) == list(cities)
    for tier, names_of_tier in zip(CITY_TIERS["tier"], CITY_TIERS["cities"], strict=True):
        assert set(cities[tiers == tier]) <= set(names_of_tier)


def test_a_label_column_holds_each_repeated_word_once_in_its_dictionary():
    # The Parquet writer takes a dictionary's codes as they are only when its words are distinct.
    column = labels(("phones", "food", "phones", "toys"), np.array([2, 3, -1, 0, 1]))
    assert column._pa_array.to_pylist() == ["phones", "toys", None, "phones", "food"]
    assert column._pa_array.chunk(0).dictionary.to_pylist() == ["phones", "food", "toys"]
    pool = name_pool()
    assert len(set(pool)) < len(pool)  # Faker repeats some names: the case that needs merging
    names = name_text(np.arange(len(pool)))._pa_array.chunk(0)
    assert len(names.dictionary) == len(set(pool)) and names.to_pylist() == list(pool)


def test_stable_order_is_numpys_stable_argsort_for_every_kind_of_key():
    rng = np.random.default_rng(8)
    for keys in (
        rng.integers(0, 366, 5_000),  # days: sorted as 16-bit integers
        rng.integers(0, 2**16, 5_000),  # the largest 16-bit keys
        rng.integers(-5, 366, 5_000),  # negative: the general sort
        rng.integers(0, 10**6, 5_000),  # beyond 16 bits: the general sort
        rng.random(5_000),
        np.zeros(0, dtype=np.int64),
    ):
        assert np.array_equal(stable_order(keys), np.argsort(keys, kind="stable"))


def test_time_order_is_lexsort_by_time_then_who():
    rng = np.random.default_rng(9)
    seconds = rng.integers(0, 10**6, 4_000)  # few distinct buyers per second: ties broken by who, then position
    who = rng.integers(0, 50, 4_000)
    start = np.datetime64("2024-01-01T00:00:00", "ns")
    for times, buyers in (
        (start + seconds.astype("timedelta64[s]"), who),  # whole seconds: one integer key
        (start.astype("datetime64[s]") + seconds.astype("timedelta64[s]"), who),  # stored in seconds: a view
        (start + seconds.astype("timedelta64[ns]"), who),  # not whole seconds: lexsort
        (seconds % 365, who),  # days as integers
        (start + (seconds % 365).astype("timedelta64[D]"), who % 4),  # whole days, few sources: a 16-bit key
        (start + (seconds % 365).astype("timedelta64[D]"), who),  # whole days, a key beyond 16 bits
        ((seconds % 365) * 86_400, who % 4),  # whole days counted in seconds
        (seconds % 365, who - 5),  # a negative who: lexsort
        (seconds.astype(float), who),  # floats: lexsort
        (seconds % 365, np.full(4_000, 2**62)),  # a key beyond 64 bits: lexsort
        (seconds[:0], who[:0]),
    ):
        assert np.array_equal(time_order(times, buyers), np.lexsort((buyers, times)))


def test_draws_made_ahead_on_a_thread_are_the_draws_made_in_turn():
    def month(stream):
        return lambda size: stream.random(size)

    sizes = [3, 0, 5, 2]
    draw_in_turn = month(np.random.default_rng(4))
    in_turn = [draw_in_turn(size) for size in sizes]
    stream = np.random.default_rng(4)
    ahead = list(drawn_ahead(month(stream), sizes))
    assert [size for size, _ in ahead] == sizes
    for (_, drawn), expected in zip(ahead, in_turn, strict=True):
        assert np.array_equal(drawn, expected)
    assert list(drawn_ahead(month(stream), [])) == []

    def failing(size):
        raise ValueError(f"no month {size}")

    with pytest.raises(ValueError, match="no month 1"):
        list(drawn_ahead(failing, [1, 2]))


def test_distinct_order_is_the_stable_order_with_or_without_ties():
    rng = np.random.default_rng(10)
    hours = rng.integers(0, 24, 3_000) + rng.random(3_000)  # distinct: the fast sort's order is the only one
    assert np.array_equal(distinct_order(hours), np.argsort(hours, kind="stable"))
    tied = np.round(hours, 1)  # many ties: the stable order, equal keys in their original order
    assert np.array_equal(distinct_order(tied), np.argsort(tied, kind="stable"))
    few = hours.copy()
    few[rng.choice(len(few), 60)] = few[rng.choice(len(few), 60)]  # a few runs of equal keys among distinct
    few[::500] = 7.5
    assert 0 < len(few) - len(np.unique(few)) < len(few) // 16
    assert np.array_equal(distinct_order(few), np.argsort(few, kind="stable"))
    assert distinct_order(np.zeros(0)).tolist() == [] and distinct_order(np.ones(1)).tolist() == [0]


def _nearby(values: np.ndarray) -> np.ndarray:
    """The values themselves and their nearest floating-point neighbours on both sides."""
    return np.concatenate([values, np.nextafter(values, -np.inf), np.nextafter(values, np.inf)])


@pytest.mark.parametrize("side", ["left", "right"])
def test_intervals_find_exactly_where_searchsorted_puts_each_value(side):
    rng = np.random.default_rng(3)
    weights = rng.lognormal(0, 2, 800)
    cases = {
        "cdf of skewed weights": np.cumsum(weights) / weights.sum(),
        "cumulative days": np.r_[0.0, np.cumsum(rng.uniform(0.5, 2.5, 365))],
        "repeated cut points": np.sort(rng.integers(0, 20, 300)).astype(float) / 7,
        "far from zero, narrow": 1e6 + np.sort(rng.random(50)) * 1e-3,
        "negative": -np.sort(rng.random(40))[::-1] * 5,
    }
    for name, edges in cases.items():
        low, high = edges[0], edges[-1]
        span = high - low
        values = np.concatenate(
            [
                low + rng.random(200_000) * span,  # inside the range
                _nearby(edges),  # on every cut point and beside it
                _nearby(low + np.arange(16_386) / 16_384 * span),  # on and beside every part's border
                [low - span, low - 1e-300, high + span, -np.inf, np.inf, 1e308, -1e308],  # outside
            ]
        )
        found = Intervals(edges, side).find(values)
        assert np.array_equal(found, np.searchsorted(edges, values, side)), name


def test_intervals_of_one_or_no_range_search_every_value():
    for edges in (np.array([]), np.array([0.5]), np.array([0.5, 0.5, 0.5])):
        values = np.array([-1.0, 0.5, np.nextafter(0.5, 1), 2.0])
        for side in ("left", "right"):
            assert np.array_equal(Intervals(edges, side).find(values), np.searchsorted(edges, values, side))


def test_intervals_refuse_nan_values_rather_than_answer_wrongly():
    with pytest.raises(IndexError), np.errstate(invalid="ignore"):
        Intervals(np.array([0.2, 0.7, 1.0])).find(np.array([0.1, np.nan]))


def test_choose_makes_numpys_choice_draws_and_leaves_the_stream_where_numpy_does():
    shares = {"regions": np.array([0.19, 0.27, 0.18, 0.11, 0.11, 0.06, 0.08]), "days": np.linspace(1, 3, 365)}
    for name, p in shares.items():
        for n in (1, 100, 300_000):  # a binary search each, and the table of `Intervals`
            ours, numpys = Seeds(5)(name), Seeds(5)(name)
            assert np.array_equal(choose(ours, n, p / p.sum()), numpys.choice(len(p), size=n, p=p / p.sum())), name
            assert ours.random() == numpys.random()
