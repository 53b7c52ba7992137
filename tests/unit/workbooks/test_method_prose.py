"""The method workbook's computed prose describes what the data shows: the year's trend, its festival days and
the Spring Festival lull, the dip after the promotion — each checked on hand-made orders whose answer is known."""

from __future__ import annotations

import calendar

import numpy as np
import pandas as pd
import pytest

from helpers.core import language
from helpers.workbooks.method import case, prose

YEAR = pd.date_range("2023-01-01", "2023-12-31")


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


def orders_from(per_day: pd.Series) -> pd.DataFrame:
    """One ¥100 order per unit of `per_day` on each day."""
    days = np.repeat(per_day.index.values, per_day.to_numpy().astype(int))
    return pd.DataFrame({"order_id": np.arange(len(days)), "order_date": days, "amount": 100.0})


def sentence(per_day: pd.Series) -> str:
    orders = orders_from(per_day)
    return prose.year_sentence(orders, case.monthly(orders))


def test_a_steadily_growing_year_reads_as_growth_without_invented_festivals():
    per_day = pd.Series(np.linspace(50, 150, len(YEAR)).round(), index=YEAR)
    text = sentence(per_day)
    months = per_day.groupby(per_day.index.month).sum()
    growth = months.iloc[-3:].mean() / months.iloc[:3].mean() - 1  # by definition: last three vs first three months
    assert f"climbs through the data: the last three months sold {growth * 100:.1f}% more" in text
    weakest = calendar.month_abbr[int(months.idxmin())]
    assert "The strongest month is Dec" in text and f"the weakest {weakest}" in text
    assert "No festival day stands out" in text
    assert "daily orders hold up: no lull" in text


def test_festival_days_and_the_spring_festival_lull_show_when_the_data_has_them():
    per_day = pd.Series(100.0, index=YEAR)
    per_day[pd.Timestamp("2023-06-18")] = 250
    per_day[pd.Timestamp("2023-11-11")] = 400
    lull = (pd.Timestamp("2023-01-15") <= YEAR) & (pd.Timestamp("2023-01-29") >= YEAR)  # Lunar New Year ± 7 days
    per_day[lull] = 60
    text = sentence(per_day)
    assert "618 (June 18) and Double 11 (双11) (up to 4.00× a normal day of the month)" in text
    assert "Double 12" not in text
    assert "Spring Festival (2023-01-22) daily orders fall 40.0% below" in text  # 60 vs 100 a day around it
    language.use("zh")
    text = sentence(per_day)
    assert "618（6月18日）和双11" in text and "日订单比前后几周低 40.0%" in text


def test_a_short_export_says_it_is_too_short_instead_of_a_trend():
    per_day = pd.Series(100.0, index=pd.date_range("2023-03-01", "2023-05-31"))
    assert sentence(per_day) == "The data covers 3 months: too few to see the shape of a year."


def effect(promo_extra: float, after_extra: float, baseline: float = 2_000.0) -> dict:
    """Promotion views whose extra orders are `promo_extra` on the promotion days and `after_extra` over
    promotion + 30 days (baseline orders: `baseline` on the promotion days, +3,000 in the 30 days after)."""
    return {
        "promo_days": {"incremental_orders": promo_extra, "baseline_orders": baseline},
        "true": {"incremental_orders": after_extra, "baseline_orders": baseline + 3_000.0},
    }


def test_the_dip_after_the_promotion_is_stated_as_measured_and_whether_the_chart_can_show_it():
    small = effect(1_337.0, 1_242.0)  # 95 orders missing after: the default run's figures in issue 13
    text = prose.after_sentence(small, case.pull_forward(small))
    assert "sold 95 fewer orders" in text and "7.1% of the 1,337 extra orders" in text
    assert "about 3.2 orders a day against a normal 100, too small to see" in text  # 95/30 vs 3,000/30
    large = effect(1_000.0, 400.0)
    text = prose.after_sentence(large, case.pull_forward(large))
    assert "sold 600 fewer orders" in text and "the gap between the two lines" in text  # 20 a day vs 100
    none = effect(1_000.0, 1_000.0)
    assert prose.after_sentence(none, case.pull_forward(none)).startswith("No dip followed")
    nothing = effect(0.0, 0.0)
    assert prose.after_sentence(nothing, case.pull_forward(nothing)).startswith("The promotion brought no extra")
    own = effect(float("nan"), float("nan"))
    text = prose.after_sentence(own, case.pull_forward(own))
    assert "no run without the promotion" in text and "n/a" not in text


def test_the_plan_sentence_follows_the_discount():
    values = {"gross_margin": 0.45, "promo_discount": 0.2, "promo_elasticity": 2.5}
    assert "must raise volume by **80.0%**" in prose.plan_sentence(values, 0.45 / 0.25 - 1)
    assert "no volume can make up" in prose.plan_sentence({**values, "promo_discount": 0.5}, float("nan"))
    assert "With no price cut" in prose.plan_sentence({**values, "promo_discount": 0.0}, 0.0)


def test_the_funnel_sentence_names_the_leakiest_transition_in_words():
    steps = case.funnel(
        pd.DataFrame(
            {
                "date": ["2023-01-01"],
                "sessions": [1000],
                "product_views": [600],
                "add_to_cart": [60],
                "checkout": [40],
                "orders": [30],
            }
        )
    )
    text = prose.funnel_sentence(steps)
    assert "Of every 100 sessions, 3.00 end in an order" in text
    assert "**Product views → Add to cart**, where only 10.0% go on" in text
    language.use("zh")
    assert "**从商品浏览到加购**" in prose.funnel_sentence(steps)
    empty = case.funnel(pd.DataFrame({"date": ["2023-01-01"], **{s: [0] for s in case.FUNNEL_STEPS}}))
    assert "无法判断哪一步流失最严重" in prose.funnel_sentence(empty)


def test_a_conversion_just_below_the_benchmark_does_not_read_as_equal_to_it():
    # 256 orders from 10,000 sessions: 2.56%, below the 2.6% benchmark the review card judges against (the default
    # run regenerated for issue 16 converts 2.56%); one decimal would print "2.6 … (benchmark ≈ 2.6%)".
    counts = {"sessions": 10_000, "product_views": 6_000, "add_to_cart": 600, "checkout": 400, "orders": 256}
    steps = case.funnel(pd.DataFrame({"date": ["2023-01-01"], **{k: [v] for k, v in counts.items()}}))
    assert "Of every 100 sessions, 2.56 end in an order (benchmark ≈ 2.6%)" in prose.funnel_sentence(steps)
