"""The case datasets: generator objects by name, your own data or generated tables, counterfactuals."""

from __future__ import annotations

import pandas as pd
import pytest

from generators import jd, your_shop
from helpers.core.errors import DataError
from helpers.io.tables import write_table
from helpers.workbooks import cases


def test_cases_map_to_their_generator_modules_and_unknown_ones_are_refused():
    assert cases.generator("jd") is jd and cases.case_schema("your_shop") is your_shop.SCHEMA
    assert cases.CASES == ("your_shop", "pinduoduo", "jd", "perfect_diary")
    with pytest.raises(DataError, match="unknown case 'taobao': choose one of your_shop, pinduoduo, jd"):
        cases.case_schema("taobao")


def test_generated_tables_equal_the_generator_and_your_own_folder_is_loaded_instead(tmp_path):
    values = {"seed": 3, "scale": 0.02, "data_dir": ""}
    tables = cases.load_or_generate("your_shop", values)
    direct = your_shop.generate(your_shop.Config(seed=3, scale=0.02))
    assert list(tables) == list(direct)
    pd.testing.assert_frame_equal(tables["orders"], direct["orders"])
    for name, frame in tables.items():
        write_table(frame, tmp_path / f"{name}.csv")
    mine = cases.load_or_generate("your_shop", {**values, "seed": 99, "data_dir": str(tmp_path)})
    assert mine["orders"]["order_id"].tolist() == direct["orders"]["order_id"].tolist()
    assert cases.counterfactual("your_shop", {**values, "data_dir": str(tmp_path)}) is None


def test_a_counterfactual_changes_only_the_lever():
    values = {"seed": 3, "scale": 0.02, "data_dir": ""}
    seen, without = (
        cases.load_or_generate("your_shop", values)["orders"],
        cases.counterfactual("your_shop", values, promo_discount=0.0)["orders"],
    )
    assert (seen["amount"] < seen["list_amount"]).any()
    assert (without["amount"] == without["list_amount"]).all()
    assert without["customer_id"].isin(seen["customer_id"]).mean() > 0.9  # same seed: the same shop
