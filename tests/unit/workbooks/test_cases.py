"""The case datasets: generator objects by name, your own data or generated tables, counterfactuals."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from generators import jd, your_shop
from helpers.core import language
from helpers.core.errors import DataError
from helpers.core.messages import label, message
from helpers.io.tables import write_table
from helpers.notebook import story
from helpers.workbooks import cases
from helpers.workbooks.perfect_diary import case as perfect_diary
from helpers.workbooks.pinduoduo import case as pinduoduo


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


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


@pytest.fixture
def tiny_jd() -> dict[str, pd.DataFrame]:
    return {
        "customers": pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["north", "east"]}),
        "orders": pd.DataFrame(
            {"order_id": ["O1", "O2", "O3"], "customer_id": ["C1", "C1", "C2"], "amount": [1, 2, 3]}
        ),
    }


@pytest.mark.parametrize(
    ("lang", "holds", "headers"),
    [
        ("en", "One row per returned order.", ["File", "Rows", "Columns", "What it holds"]),
        ("zh", "每笔退货订单一行。", ["文件", "行数", "列数", "内容"]),
    ],
)
def test_the_data_at_a_glance_counts_each_table_and_says_what_it_holds(tiny_jd, lang, holds, headers, monkeypatch):
    language.use(lang)
    tables = {**tiny_jd, "returns": pd.DataFrame(columns=["order_id", "reason"])}
    frame = cases.overview_frame(tables, "jd")
    assert frame["dataset_file"].tolist() == ["customers.csv", "orders.csv", "returns.csv"]
    assert frame["dataset_rows"].tolist() == [2, 3, 0]
    assert frame["dataset_columns"].tolist() == [2, 3, 2]
    assert frame["dataset_holds"].iloc[2] == holds
    shown = []
    monkeypatch.setattr(story, "display", lambda html: shown.append(html.data))
    cases.dataset_overview(tables, "jd")
    assert re.findall(r"<th[^>]*>([^<]*)</th>", shown[0]) == headers
    assert message("cases.caption") in shown[0] and "returns.csv" in shown[0]


def test_every_case_shows_the_same_overview_columns_and_an_unknown_case_or_table_is_named(tiny_jd):
    for case in cases.CASES:
        schema = cases.case_schema(case)
        frame = cases.overview_frame({name: pd.DataFrame(columns=t.names) for name, t in schema.items()}, case)
        assert list(frame.columns) == ["dataset_file", "dataset_rows", "dataset_columns", "dataset_holds"]
        assert frame["dataset_columns"].tolist() == [len(t.names) for t in schema.values()]
        assert frame["dataset_holds"].tolist() == [t.description for t in schema.values()]  # English = dictionary
    with pytest.raises(DataError, match="unknown case 'taobao'"):
        cases.overview_frame(tiny_jd, "taobao")
    with pytest.raises(KeyError, match=r"no message 'cases\.tables\.jd\.refunds'"):
        cases.overview_frame({"refunds": tiny_jd["orders"]}, "jd")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_cases_show_their_sourced_facts_through_one_table_with_a_year_and_a_source(lang):
    language.use(lang)
    for name, module, frame in (
        ("pinduoduo", pinduoduo, pinduoduo.facts()),
        ("perfect_diary", perfect_diary, perfect_diary.facts_table()),
    ):
        assert list(frame.columns) == ["fact_name", "fact_value", "fact_year", "fact_source"]
        assert len(frame) == len(module.FACTS) > 5
        first = module.FACTS[0]
        assert frame.iloc[0]["fact_name"] == message(f"{name}.facts.{first}.name")
        assert frame["fact_year"].str.contains(r"\d{4}").all() and frame["fact_source"].str.len().gt(0).all()
    assert label("fact_value") == {"en": "Published figure", "zh": "公开数据"}[lang]
