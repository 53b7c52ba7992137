import numpy as np

from generators.common import (
    CITY_TIERS,
    Seeds,
    ids,
    month_slices,
    name_pool,
    sample_cities,
    sample_names,
    sample_tiers,
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
