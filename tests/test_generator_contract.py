"""The contract every case generator keeps (docs/DEVELOPING.md), checked for every case in the catalog at once."""

from __future__ import annotations

import importlib
from dataclasses import replace

import pandas as pd
import pytest

from helpers.catalog import CASES
from helpers.io import read_frame, write_table

SMALL = 0.05


def module(case):
    return importlib.import_module(f"generators.{case}")


@pytest.fixture(scope="module", params=CASES)
def case_tables(request):
    gen = module(request.param)
    return request.param, gen.generate(replace(gen.Config(), scale=SMALL))


def test_tables_follow_the_schema_and_survive_a_csv_round_trip(case_tables, tmp_path):
    case, tables = case_tables
    schema = module(case).SCHEMA
    assert list(tables) == list(schema)
    for name, frame in tables.items():
        assert list(frame.columns) == schema[name].names, f"{case}.{name}"
        write_table(frame, tmp_path / f"{name}.csv")
        _, problems = schema[name].check(read_frame(tmp_path / f"{name}.csv"), f"{name}.csv")
        assert problems == [], problems


def test_same_config_same_frames_and_another_seed_differs(case_tables):
    case, tables = case_tables
    gen = module(case)
    again = gen.generate(replace(gen.Config(), scale=SMALL))
    for name in tables:
        pd.testing.assert_frame_equal(tables[name], again[name])
    other = gen.generate(replace(gen.Config(), scale=SMALL, seed=7))
    assert not other["orders"].equals(tables["orders"])


@pytest.mark.parametrize("case", CASES)
def test_scale_sets_the_number_of_orders(case):
    gen = module(case)
    orders = len(gen.generate(replace(gen.Config(), scale=0.4))["orders"])
    assert orders == pytest.approx(0.4 * gen.ORDERS_PER_SCALE, rel=0.2)
