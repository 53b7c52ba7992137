"""The method workbook's tables and charts speak to readers: every column shown has a label in both languages,
category values and chart texts come from the catalogs, and no code name reaches a header, tick or legend."""

from __future__ import annotations

import re

import matplotlib
import pandas as pd
import pytest

from generators import your_shop
from generators.common import config_from
from helpers.core import language
from helpers.core.messages import has, label, message
from helpers.notebook import plots
from helpers.notebook.params import read_spec
from helpers.workbooks import cases
from helpers.workbooks.method import case, charts

matplotlib.use("Agg")
STEM = "00_case_review_method"
CODE_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")  # snake_case: a column or variable name
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def run() -> dict:
    values = {**read_spec(STEM).defaults(), "scale": 0.05}
    tables = your_shop.generate(config_from(your_shop.Config, values))
    alternative = case.counterfactual(values)
    return {"values": values, "tables": tables, "alternative": alternative}


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")
    matplotlib.pyplot.close("all")


def shown_tables(run: dict) -> dict[str, pd.DataFrame]:
    """Every table the workbook shows, built by the functions the notebook calls."""
    tables, values = run["tables"], run["values"]
    effect = case.promotion(tables, run["alternative"], values)
    return {
        "dataset": cases.overview_frame(tables, "your_shop"),
        "kpi": case.kpi_tree(tables),
        "tiers": case.tier_display(case.tiers(tables["orders"], values)),
        "compare": case.comparison_table(effect),
        "parameters": pd.DataFrame(columns=["parameter", "value", "default", "allowed", "meaning"]),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_column_shown_has_a_label_in_both_languages(run, lang):
    language.use(lang)
    for name, frame in shown_tables(run).items():
        for column in frame.columns:
            assert has(f"labels.{column}"), f"{lang}: {name} table column {column!r} has no label"
            assert label(column) != column
            if lang == "zh":
                assert HAN.search(label(column)), (column, label(column))


def test_the_four_views_of_the_promotion_are_labelled_and_named_for_readers(run):
    frame = shown_tables(run)["compare"]
    assert list(frame.columns) == ["promo_figure", "promo_naive", "promo_promo_days", "promo_true", "promo_data_end"]
    assert frame["promo_figure"].iloc[0] == "Orders" and not any(CODE_NAME.match(v) for v in frame["promo_figure"])


def test_your_own_data_shows_only_the_view_that_exists(run):
    effect = case.promotion(run["tables"], None, run["values"])
    frame = case.comparison_table(effect)
    assert list(frame.columns) == ["promo_figure", "promo_naive"]
    assert not frame.isin(["n/a", "—"]).any().any()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tier_and_step_names_come_from_the_catalog(run, lang):
    language.use(lang)
    tiers = case.tier_display(case.tiers(run["tables"]["orders"], run["values"]))
    names = list(tiers["tier_name"])
    assert len(set(names)) == 5
    expected = {"en": "沉睡 sleeping", "zh": "沉睡"}[lang]
    assert expected in names
    steps = [case.step_name(s) for s in case.FUNNEL_STEPS]
    assert not any(CODE_NAME.match(s) or s in case.FUNNEL_STEPS for s in steps)
    months = [case.month_name(pd.Timestamp(2023, month, 1)) for month in range(1, 13)]
    assert len(set(months)) == 12
    if lang == "zh":
        assert months[5] == "6月" and steps[2] == "加购"


def chart_texts(ax) -> list[str]:
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    ax.figure.canvas.draw()
    texts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    texts += [t.get_text() for t in ax.texts]
    legend = ax.get_legend()
    if legend is not None:
        texts += [t.get_text() for t in legend.get_texts()]
    return [t for t in texts if t]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_code_name_reaches_a_chart_and_the_chinese_charts_read_chinese(run, lang):
    language.use(lang)
    plots.setup()
    tables, values = run["tables"], run["values"]
    first, last, _ = case.promo_dates(values)
    effect = case.promotion(tables, run["alternative"], values)
    axes = {
        "monthly": charts.monthly_gmv(case.monthly(tables["orders"])),
        "around": charts.orders_around(case.orders_around(tables, run["alternative"], values), first, last),
        "funnel": charts.funnel(case.funnel(tables["funnel_daily"])),
        "tiers": charts.tiers(case.tiers(tables["orders"], values)),
        "bridge": charts.profit_bridge(effect["true"], values),
        "break_even": charts.break_even(values["gross_margin"]),
    }
    code_names = set(case.FUNNEL_STEPS) | {"required uplift", "observed (with 618)", "promotion"}
    for name, ax in axes.items():
        texts = chart_texts(ax)
        for text in texts:
            assert not CODE_NAME.match(text) and text not in code_names, (name, text)
        if lang == "zh":
            for text in (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()):
                assert not text or HAN.search(text), (name, text)


def test_the_promotion_band_has_a_legend_entry(run):
    tables, values = run["tables"], run["values"]
    first, last, _ = case.promo_dates(values)
    ax = charts.orders_around(case.orders_around(tables, run["alternative"], values), first, last)
    entries = [t.get_text() for t in ax.get_legend().get_texts()]
    assert entries == ["Observed (with the promotion)", "Same shop without the promotion", "Promotion days"]


def test_every_case_table_is_described_in_both_languages_and_the_english_matches_the_data_dictionary():
    for lang in ("en", "zh"):
        language.use(lang)
        for name in cases.CASES:
            for table, schema in cases.case_schema(name).items():
                assert has(f"cases.tables.{name}.{table}"), (lang, name, table)
                if lang == "en":
                    assert message(f"cases.tables.{name}.{table}") == schema.description, (name, table)
