"""What workbook 04 shows besides its card: every column of every table it shows has a reader's label in both
languages, categories and roles are named in words, buyer ids are masked in the report only, and the holdout
error's interval agrees with a bootstrap over customers computed with lifetimes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from lifetimes.utils import calibration_and_holdout_data

from helpers.analysis import winback
from helpers.analysis.ltv import lifetime_value
from helpers.core import language
from helpers.core.messages import label
from helpers.io.exports import FILE_NAME, output_folder
from helpers.workbooks import your_shop

VALUES = {
    "seed": 3,
    "scale": 0.06,
    "transactions_csv": "",
    "sleeping_days": 90,
    "churned_days": 180,
    "high_value_share": 0.2,
    "rfm_cutoff": "mean",
}


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


@pytest.fixture(scope="module")
def shop():
    orders, _, mapping = your_shop.load(VALUES)
    base = your_shop.customers(orders, VALUES)
    ltv = lifetime_value(orders, "", 90)
    targets = winback.winback_list(base["summary"], base["tier_series"], base["m_high"], ltv.values)
    return {"orders": orders, "mapping": mapping, "base": base, "ltv": ltv, "targets": targets}


def shown_tables(shop) -> dict[str, pd.DataFrame]:
    """Every table the notebook passes to `your_shop.show`, built by the same functions."""
    orders, base, ltv = shop["orders"], shop["base"], shop["ltv"]
    tables = {
        "columns": your_shop.data_glance(orders, shop["mapping"]),
        "kpi": your_shop.kpi_tree(your_shop.overview(orders)),
        "tiers": your_shop.tier_frame(base["tier_table"]),
        "segments": your_shop.segment_frame(base["segment_table"]),
        "parameters": your_shop.parameters_frame(ltv),
        "segment_values": your_shop.segment_values(base["segments"], ltv.values),
        "winback": your_shop.winback_frame(shop["targets"]),
    }
    tables |= {f"by_{d}": your_shop.breakdown(orders, d) for d in your_shop.BREAKDOWNS}
    return tables


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_column_shown_has_a_label_in_each_language(shop, lang):
    language.use(lang)
    for name, table in shown_tables(shop).items():
        assert table is not None and len(table.columns), name
        for column, header in zip(table.columns, your_shop.shown_columns(table), strict=True):
            assert header != column, f"{name}: column {column!r} has no label in {lang}"
            assert not re.search(r"[a-z]_[a-z]", header), f"{name}: a code name in the header {header!r}"


def test_labels_differ_between_languages_and_carry_units(shop):
    english = {c: label(c, scope="your_shop") for t in shown_tables(shop).values() for c in t.columns}
    language.use("zh")
    chinese = {c: label(c, scope="your_shop") for c in english}
    assert all(english[c] != chinese[c] for c in english)
    assert english["revenue"] == "Revenue (¥)" and chinese["revenue"] == "销售额（¥）"


def test_categories_roles_and_segments_are_named_in_the_readers_language(shop):
    language.use("zh")
    assert your_shop.category_name("channel", "WeChat mini program") == "微信小程序"
    assert your_shop.category_name("channel", "我的直播间") == "我的直播间"  # a user's own value stays as it is
    tiers = your_shop.tier_frame(shop["base"]["tier_table"])["tier"].tolist()
    assert tiers == ["新客", "老客", "高价值", "沉睡", "流失"]
    segments = your_shop.segment_frame(shop["base"]["segment_table"])["segment"].tolist()
    assert segments[3] == "重要挽留客户" and "english" not in your_shop.segment_frame(shop["base"]["segment_table"])
    roles = your_shop.data_glance(shop["orders"], shop["mapping"])["role"].tolist()
    assert roles[:4] == ["订单编号", "买家", "付款时间", "实付金额（¥）"]
    language.use("en")
    assert your_shop.segment_name("重要挽留客户") == "Important to win back"
    assert your_shop.segment_name("一般价值客户") == "General value"


def test_buyer_ids_are_masked_in_the_report_and_whole_in_the_list(shop):
    assert [your_shop.mask_buyer(b) for b in ("张三丰", "张三", "张", "C000123")] == ["张**丰", "张*", "*", "C**3"]
    targets = shop["targets"]
    shown = your_shop.winback_frame(targets)
    assert len(shown) == min(10, len(targets)) > 0
    for masked, buyer in zip(shown["customer_id"], targets["customer_id"], strict=False):
        assert masked == f"{buyer[0]}**{buyer[-1]}" and masked != buyer
    assert targets["customer_id"].str.fullmatch(r"C\d+").all()  # the list itself (what is exported) keeps them


def test_the_holdout_error_interval_matches_a_bootstrap_over_customers(shop):
    orders, ltv = shop["orders"], shop["ltv"]
    days = orders.assign(order_date=orders["order_date"].dt.normalize())  # purchase days, as BG/NBD counts them
    data = calibration_and_holdout_data(
        days,
        "customer_id",
        "order_date",
        calibration_period_end=ltv.calibration_end,
        observation_period_end=ltv.observation_end,
        freq="D",
    )
    predicted = ltv.holdout_fit.model.conditional_expected_number_of_purchases_up_to_time(
        data["duration_holdout"], data["frequency_cal"], data["recency_cal"], data["T_cal"]
    ).to_numpy()
    actual = data["frequency_holdout"].to_numpy()
    error, low, high = your_shop.holdout_error(ltv)
    assert error == pytest.approx(abs(predicted.sum() / actual.sum() - 1), abs=1e-9)
    rng = np.random.default_rng(0)
    draws = rng.integers(0, len(actual), size=(2000, len(actual)))
    ratios = predicted[draws].sum(axis=1) / actual[draws].sum(axis=1) - 1
    boot_low, boot_high = np.percentile(ratios, [2.5, 97.5])
    assert boot_high - boot_low > 0.02  # a real interval on this small shop, not a point
    # The interval is the error ± 1.96 standard errors of the ratio estimator: that standard error must be the
    # bootstrap's spread. (On a shop this small the bootstrap's percentiles are skewed — −8.9% to +11.8% around
    # +0.1% for this seed — so the normal interval's ends are not compared with them.)
    assert (high - error) / 1.959964 == pytest.approx(ratios.std(), rel=0.1)
    assert (low == 0.0) == (boot_low <= 0 <= boot_high)
    assert low == pytest.approx(max(0.0, 2 * error - high), abs=1e-12)


def test_breakdowns_say_which_parameters_would_fill_them(shop, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(your_shop.story, "say", shown.append)
    monkeypatch.setattr(your_shop, "show", lambda frame, formats, caption: shown.append(caption))
    your_shop.show_breakdowns(shop["orders"][["order_id", "customer_id", "order_date", "amount"]])
    assert len(shown) == 1 and all(f"`col_{d}`" in shown[0] for d in ("channel", "sku", "city"))
    shown.clear()
    your_shop.show_breakdowns(shop["orders"].drop(columns=["city"]))
    assert shown[:2] == ["Top 3 by channel", "Top 10 by product (SKU)"]
    assert shown[2] == "To break revenue down further, map `col_city` as well."


def test_the_story_names_the_written_file_where_the_reader_finds_it(tmp_path):
    beside = your_shop.file_location(tmp_path / "run" / FILE_NAME, str(tmp_path / "run"))
    assert beside == "`winback_list.csv` in the run's output folder, beside this report"
    lab = output_folder("", "04_your_shop_review") / FILE_NAME
    assert your_shop.file_location(lab, "") == (
        "`output/lab/04_your_shop_review/winback_list.csv` (from the repository root)"
    )
    language.use("zh")
    assert your_shop.file_location(lab, "") == "`output/lab/04_your_shop_review/winback_list.csv`（相对仓库根目录）"
