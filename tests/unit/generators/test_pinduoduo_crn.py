"""Pinduoduo's subsidy counterfactual uses common random numbers: the run without the subsidy gives every
buyer the same random numbers as the observed run, so that only the lever differs (issue #13 item 8)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from generators import keyed, pinduoduo
from generators.pinduoduo import Config, generate
from helpers.io.tables import write_case_data

OBSERVED = Config()  # the defaults: the subsidy starts in month 19 (July 2018)


@pytest.fixture(scope="module")
def runs() -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    return generate(OBSERVED), generate(replace(OBSERVED, subsidy_rate=0.0))


def orders_in(tables: dict[str, pd.DataFrame], month: pd.Period, buyers: pd.Index) -> pd.Series:
    """Orders (any status) each of `buyers` placed in `month`, 0 for none."""
    orders = tables["orders"]
    in_month = orders[orders["ordered_at"].dt.to_period("M") == month]
    return in_month.groupby("user_id").size().reindex(buyers, fill_value=0)


def test_existing_buyers_keep_their_orders_when_only_the_subsidy_differs(runs):
    observed, without = runs
    start = pd.Period("2017-01", "M") + OBSERVED.subsidy_start_month - 1
    users = observed["users"]
    buyers = pd.Index(users.loc[users["first_order_at"] < start.start_time, "user_id"])
    # The buyers before the subsidy are the same people, with the same ids, in both runs.
    other = without["users"].set_index("user_id").loc[buyers]
    assert (other["first_order_at"].to_numpy() == users.set_index("user_id").loc[buyers, "first_order_at"]).all()
    same_draws = (orders_in(observed, start, buyers) == orders_in(without, start, buyers)).mean()
    # Benchmark: the same buyers' counts in two different months of one run are two independent draws.
    independent = (orders_in(observed, start, buyers) == orders_in(observed, start - 1, buyers)).mean()
    assert independent < 0.7
    assert same_draws > 0.9
    assert same_draws > independent + 0.25


def test_a_lever_that_does_nothing_gives_identical_runs():
    # Without a subsidy its start month changes nothing: every table must be identical.
    base = replace(OBSERVED, scale=0.3, subsidy_rate=0.0)
    one, other = generate(base), generate(replace(base, subsidy_start_month=3))
    for name in one:
        pd.testing.assert_frame_equal(one[name], other[name])


def test_same_parameters_and_seed_give_byte_identical_files(tmp_path):
    config = replace(OBSERVED, scale=0.2, seed=11)
    for folder in ("a", "b"):
        write_case_data(generate(config), tmp_path / folder, {}, "csv")
    for path in sorted((tmp_path / "a").glob("*.csv")):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_a_partner_pick_takes_the_first_try_within_reach_drawing_only_the_tries_it_needs():
    # The same numbers as drawing every try for every slot and keeping the first below the slot's total.
    keys = keyed.key(keyed.stream(9, "picks"), np.arange(20_000))
    total = np.where(np.arange(len(keys)) % 7 == 0, 0.0, np.linspace(1.0, 64.0, len(keys)))
    capacity = 64.0
    tries = [keyed.uniform(keys, pinduoduo._Draw.PICK, attempt) for attempt in range(pinduoduo.PICK_ATTEMPTS)]
    expected = tries[-1] * total
    for u in reversed(tries[:-1]):
        expected = np.where(u * capacity < total, u * capacity, expected)
    assert (pinduoduo._first_try_within(keys, total, capacity) == expected).all()
