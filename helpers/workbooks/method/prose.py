"""The method workbook's computed prose: each sentence says what this run's data shows, in the edition's language.

Every function picks the catalog message (`method.*`) that fits the numbers — a figure that does not exist in
this run is explained in words or its sentence is left out, never printed as "n/a".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from helpers.core import fmt
from helpers.core.festivals import FESTIVALS, SPRING_FESTIVAL
from helpers.core.language import current
from helpers.core.messages import message
from helpers.core.numbers import ratio
from helpers.workbooks.method.case import POST_PROMO_DAYS, SESSION_TO_ORDER_BENCHMARK, leakiest, month_name, step_name

TREND_BAND = 0.1  # last three months within ±10% of the first three: "holds steady"
PEAK_DAY = 1.5  # a festival day "stands out" when it sells at least 1.5× its month's median day
LULL = -0.05  # the Spring Festival fortnight "dips" when it sells at least 5% below the weeks around it
LULL_DAYS = 7  # the lull spans a week either side of Lunar New Year's day (as the calendar defines it)
VISIBLE_DIP = 0.1  # a dip of 10% of a normal day's orders is about what the eye can see on the daily chart
SENTENCE_GAP = {"en": " ", "zh": ""}  # Chinese sentences follow each other without a space


def sentences(parts: Sequence[str]) -> str:
    """Sentences joined as the edition's language writes them."""
    return SENTENCE_GAP[current()].join(part for part in parts if part)


def names(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A and B and C' in the edition's language."""
    text = items[0]
    for item in items[1:]:
        text = message("method.and", first=text, second=item)
    return text


def year_sentence(orders: pd.DataFrame, by_month: pd.DataFrame) -> str:
    """The shape of the year as the data shows it: the monthly trend, the strongest and weakest month, the
    festival days that stand out and the Spring Festival lull, each judged from the orders themselves."""
    gmv = by_month["gmv"]
    if len(gmv) < 6:
        return message("method.year.short", months=len(gmv))
    change = ratio(gmv.iloc[-3:].mean(), gmv.iloc[:3].mean()) - 1
    trend = "rising" if change > TREND_BAND else "falling" if change < -TREND_BAND else "flat"
    daily = pd.to_datetime(orders["order_date"]).dt.normalize().value_counts().sort_index()
    daily = daily.reindex(pd.date_range(daily.index.min(), daily.index.max()), fill_value=0)
    return sentences(
        [
            message(f"method.year.{trend}", change=abs(change)),
            message(
                "method.year.extremes",
                peak=month_name(gmv.idxmax()),
                peak_gmv=gmv.max(),
                low=month_name(gmv.idxmin()),
                low_gmv=gmv.min(),
            ),
            festival_sentence(daily),
            spring_sentence(daily),
        ]
    )


def festival_sentence(daily: pd.Series) -> str:
    """Which festival days sell far above a normal day of their month (the first year of the data)."""
    standing: list[tuple[str, float]] = []
    for _, month, day, _, _ in FESTIVALS:
        date = pd.Timestamp(year=daily.index[0].year, month=month, day=day)
        if date not in daily.index:
            continue
        same_month = daily[(daily.index.year == date.year) & (daily.index.month == month)]
        lift = ratio(daily[date], same_month.median())
        if lift >= PEAK_DAY:
            standing.append((message(f"method.festivals.m{month}d{day}"), lift))
    if not standing:
        return message("method.year.no_peaks")
    return message("method.year.peaks", names=names([n for n, _ in standing]), lift=max(v for _, v in standing))


def spring_sentence(daily: pd.Series) -> str:
    """Whether orders dip in the fortnight around Lunar New Year against the three weeks either side, for the
    first Spring Festival the data covers whole ('' when it covers none)."""
    for day in SPRING_FESTIVAL.values():
        new_year = pd.Timestamp(day)
        gap = abs((daily.index - new_year).days)
        lull, around = daily[gap <= LULL_DAYS], daily[(gap > LULL_DAYS) & (gap <= 4 * LULL_DAYS)]
        if len(lull) == 2 * LULL_DAYS + 1 and len(around):
            dip = ratio(lull.mean(), around.mean()) - 1
            return message("method.year.lull" if dip <= LULL else "method.year.no_lull", date=new_year, dip=abs(dip))
    return ""


def plan_sentence(values: Mapping[str, Any], need: float) -> str:
    """What the discount asks of volume before it pays, and what the plan assumes."""
    figures = {
        "margin": values["gross_margin"],
        "discount": values["promo_discount"],
        "need": need,
        "assumed": values["promo_elasticity"] * values["promo_discount"],
    }
    if values["promo_discount"] == 0:
        return message("method.plan.no_discount", **figures)
    return message("method.plan.impossible" if fmt.is_missing(need) else "method.plan.needs", **figures)


def after_sentence(effect: Mapping[str, Mapping[str, float]], pull_forward: float) -> str:
    """What happened in the weeks after the promotion against the run without it, and whether the chart can
    show it."""
    promo, true = effect["promo_days"], effect["true"]
    if fmt.is_missing(true["incremental_orders"]):
        return message("method.after.no_counterfactual", days=POST_PROMO_DAYS)
    if fmt.is_missing(pull_forward):
        return message("method.after.no_extra", days=POST_PROMO_DAYS)
    missing = promo["incremental_orders"] - true["incremental_orders"]
    if missing <= 0:
        return message("method.after.no_dip", days=POST_PROMO_DAYS)
    after_baseline = true["baseline_orders"] - promo["baseline_orders"]
    per_day = missing / POST_PROMO_DAYS
    seen = "visible" if per_day >= VISIBLE_DIP * ratio(after_baseline, POST_PROMO_DAYS) else "hidden"
    return message(
        f"method.after.dip_{seen}",
        days=POST_PROMO_DAYS,
        missing=missing,
        share=pull_forward,
        extra=promo["incremental_orders"],
        per_day=per_day,
        normal=ratio(after_baseline, POST_PROMO_DAYS),
    )


def funnel_sentence(steps: pd.DataFrame) -> str:
    """How many sessions in 100 end in an order, against the benchmark, and where the funnel leaks most."""
    conversion = steps["overall_conversion"].iloc[-1] if len(steps) else float("nan")
    leak = leakiest(steps)
    if fmt.is_missing(conversion) or leak is None:
        return message("method.funnel.empty")
    return message(
        "method.funnel.sentence",
        per_100=100 * conversion,
        benchmark=SESSION_TO_ORDER_BENCHMARK,
        step=transition(leak),
        rate=steps.loc[steps["leakiest"], "step_conversion"].max(),
    )


def transition(leak: tuple[str, str]) -> str:
    """A funnel transition in words: 'Product views → Add to cart' / '从商品浏览到加购'."""
    return message("method.funnel.transition", source=step_name(leak[0]), target=step_name(leak[1]))


def result_sentence(effect: Mapping[str, Mapping[str, float]]) -> str:
    """The result in one paragraph: the dashboard's view, then what the counterfactual says it really earned."""
    naive, true = effect["naive"], effect["true"]
    if fmt.is_missing(naive["naive_roi"]) or fmt.is_missing(naive["uplift"]):
        dashboard = message("method.result.dashboard_empty")
    else:
        dashboard = message("method.result.dashboard", roi=naive["naive_roi"], uplift=naive["uplift"])
    if fmt.is_missing(true["net_profit_change"]):
        return sentences([dashboard, message("method.result.no_counterfactual")])
    verdict = "earned" if true["net_profit_change"] > 0 else "cost"
    anyway = effect["promo_days"]["subsidised_share"]
    key = f"method.result.{verdict}" + ("_no_orders" if fmt.is_missing(anyway) else "")
    return sentences([dashboard, message(key, amount=abs(true["net_profit_change"]), anyway=anyway)])
