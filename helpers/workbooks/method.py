"""The method workbook (00): the 618 promotion review of the demo shop, from tables to the 复盘 card.

Keeps the notebook thin: one call per step returns the figures the story and the review card need.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from generators import your_shop
from generators.common import config_from
from helpers.analysis.customers import (
    CHURNED,
    LAPSED_LIMIT,
    SLEEPING,
    check_lapse_days,
    customer_summary,
    lapsed_share,
    lifecycle_tiers,
    tier_share,
    tier_table,
)
from helpers.analysis.funnel import funnel_table
from helpers.analysis.promotion import (
    counterfactual_baseline,
    promotion_effect,
    run_rate_baseline,
    window,
)
from helpers.core import fmt
from helpers.notebook.review import ReviewCard
from helpers.workbooks import cases

FUNNEL_STEPS = ("sessions", "product_views", "add_to_cart", "checkout", "orders")
SESSION_TO_ORDER_BENCHMARK = 0.026  # Monetate via VWO (2019), docs/SOURCES.md
POST_PROMO_DAYS = your_shop.POST_PROMO_DAYS


def check_parameters(values: Mapping[str, Any]) -> None:
    """Rules across parameters: the demo shop's (the promotion fits the months) and the lifecycle thresholds'."""
    your_shop.check_parameters(dict(values))
    check_lapse_days(values["sleeping_days"], values["churned_days"])


def promo_dates(values: Mapping[str, Any]) -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """First and last promotion day, and the end of the pull-forward window after it."""
    first, last = your_shop.promo_window(config_from(your_shop.Config, dict(values)))
    return first, last, last + pd.Timedelta(days=POST_PROMO_DAYS)


def counterfactual(values: Mapping[str, Any]) -> dict[str, pd.DataFrame] | None:
    """The same shop and seed without the promotion; None for your own data, where it cannot exist."""
    return cases.counterfactual("your_shop", values, promo_discount=0.0)


def overview(tables: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """Customers, orders, GMV and average order value of the whole period."""
    orders = tables["orders"]
    gmv = float(orders["amount"].sum())
    return {
        "customers": float(orders["customer_id"].nunique()),
        "orders": float(len(orders)),
        "gmv": gmv,
        "aov": gmv / len(orders) if len(orders) else np.nan,
    }


def monthly(orders: pd.DataFrame) -> pd.DataFrame:
    """GMV and orders per calendar month."""
    month = pd.to_datetime(orders["order_date"]).dt.to_period("M").dt.to_timestamp()
    return orders.groupby(month).agg(gmv=("amount", "sum"), orders=("order_id", "size"))


def funnel(
    funnel_daily: pd.DataFrame,
    first: pd.Timestamp | None = None,
    last: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The site funnel summed over [first, last] (default: all days), with the leakiest step marked."""
    days = pd.to_datetime(funnel_daily["date"])
    rows = funnel_daily[(days >= (first or days.min())) & (days <= (last or days.max()))]
    return funnel_table(list(FUNNEL_STEPS), [rows[s].sum() for s in FUNNEL_STEPS])


def tiers(orders: pd.DataFrame, values: Mapping[str, Any]) -> pd.DataFrame:
    """Lifecycle tier table at the end of the data with the workbook's thresholds."""
    summary = customer_summary(orders)
    labels = lifecycle_tiers(
        summary,
        sleeping_days=values["sleeping_days"],
        churned_days=values["churned_days"],
        high_value_share=values["high_value_share"],
    )
    return tier_table(summary, labels)


def lapsed_shares(table: pd.DataFrame) -> tuple[float, float]:
    """Shares of 沉睡 sleeping and 流失 churned customers."""
    return tier_share(table, SLEEPING), tier_share(table, CHURNED)


def kpi_tree(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """GMV decomposed as sessions × session-to-order conversion × average order value."""
    sessions = float(tables["funnel_daily"]["sessions"].sum())
    orders = tables["orders"]
    conversion = len(orders) / sessions if sessions else np.nan
    aov = float(orders["amount"].mean()) if len(orders) else np.nan
    return pd.DataFrame(
        {
            "level": ["GMV", "  = sessions", "  × conversion (session → order)", "  × average order value"],
            "value": [fmt.yuan(orders["amount"].sum()), fmt.num(sessions), fmt.pct(conversion, 2), fmt.yuan(aov)],
            "lever in this plan": ["—", "advertising", "discount, funnel fixes", "discount lowers it"],
        }
    )


def daily_orders(orders: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """Orders per day from `first` to `last`, zero-filled."""
    day = pd.to_datetime(orders["order_date"]).dt.normalize()
    return day.value_counts().reindex(pd.date_range(first, last), fill_value=0).sort_index()


def promotion(
    tables: Mapping[str, pd.DataFrame],
    alternative: Mapping[str, pd.DataFrame] | None,
    values: Mapping[str, Any],
) -> dict[str, dict[str, float]]:
    """The promotion judged four ways: the naive run-rate view of the promo days, and (when a counterfactual
    exists) the promo days alone — the uplift the break-even rule speaks of —, the promo days plus the month
    after, which also counts the pull-forward dip (the window the verdict uses), and the promo days to the end
    of the data, which also counts the later orders of the customers the promotion won.
    """
    first, last, end = promo_dates(values)
    margin, cost = values["gross_margin"], values["marketing_cost"]
    promo_days = (last - first).days + 1
    naive = promotion_effect(
        window(tables["orders"], first, last),
        run_rate_baseline(tables["orders"], first, promo_days),
        margin=margin,
        marketing_cost=cost,
    )
    data_end = pd.to_datetime(tables["orders"]["order_date"]).max().normalize()
    result = {"naive": naive, **{key: dict.fromkeys(naive, np.nan) for key in ("promo_days", "true", "data_end")}}
    if alternative is not None:
        for key, until in (("promo_days", last), ("true", end), ("data_end", max(data_end, end))):
            baseline = counterfactual_baseline(window(alternative["orders"], first, until))
            result[key] = promotion_effect(
                window(tables["orders"], first, until), baseline, margin=margin, marketing_cost=cost
            )
    return result


def customers_won(tables: Mapping[str, pd.DataFrame], alternative: Mapping[str, pd.DataFrame] | None) -> float:
    """Customers the promotion won: customers with an order in the data minus those without the promotion (NaN
    without a counterfactual)."""
    if alternative is None:
        return float("nan")
    return float(tables["orders"]["customer_id"].nunique() - alternative["orders"]["customer_id"].nunique())


def window_sentence(m: Mapping[str, Any]) -> str:
    """Which window the promotion-profit verdict uses, why, and what the longer window says."""
    text = (
        f"verdict on the promotion weeks + {POST_PROMO_DAYS} days after: measurable as soon as the campaign "
        "ends, pull-forward dip included"
    )
    if fmt.is_missing(m["promo_net_profit_data_end"]):
        return text
    return (
        f"{text}; to the end of the data, counting the later orders of the {fmt.num(m['promo_customers_won'])} "
        f"customers it won, {fmt.yuan(m['promo_net_profit_data_end'])}"
    )


def pull_forward(effect: Mapping[str, Mapping[str, float]]) -> float:
    """Measured pull-forward: orders missing in the weeks after the promotion ÷ extra orders during it, both
    against the no-promotion baseline (NaN without a counterfactual or without extra orders)."""
    extra = effect["promo_days"]["incremental_orders"]
    if fmt.is_missing(extra) or extra <= 0:
        return float("nan")
    return (extra - effect["true"]["incremental_orders"]) / extra


def pull_forward_sentence(share: float | None) -> str:
    """The pull-forward risk in words that follow the measured share."""
    if fmt.is_missing(share):
        return (
            "Pull-forward cannot be measured here (no counterfactual, or no extra orders): part of a "
            "promotion's extra demand is often borrowed from the weeks after, so its own weeks overstate it."
        )
    if share <= 0:
        return (
            f"No pull-forward was measured: the {POST_PROMO_DAYS} days after the promotion sold at least as "
            "many orders as they would have without it."
        )
    return (
        f"Pull-forward: {fmt.pct(share)} of the extra orders were borrowed from the {POST_PROMO_DAYS} days "
        "after, so the promotion's own weeks overstate it."
    )


def profit_steps(effect: Mapping[str, float], margin: float) -> list[tuple[str, float]]:
    """The promotion's profit bridge: baseline profit, margin on extra sales, discount, marketing."""
    extra_list_revenue = (effect["revenue"] + effect["discount_cost"]) - effect["baseline_gross_profit"] / margin
    return [
        ("Profit without promo", effect["baseline_gross_profit"]),
        ("Margin on extra sales", margin * extra_list_revenue),
        ("Discount given away", -effect["discount_cost"]),
        ("Marketing", -effect["marketing_cost"]),
    ]


def anyway_sentence(share: float | None, net_profit: float | None) -> str:
    """Why the promotion earned or lost: the share of its discounted orders that would have come anyway, said
    in words that follow the profit (a promotion that made money did get something in return)."""
    if fmt.is_missing(share):
        return (
            "Without a counterfactual, nobody knows how many of the promotion's orders would have happened "
            "anyway: every one of those was sold at a discount."
        )
    text = (
        f"{fmt.pct(share)} of the orders on the promotion days would have happened anyway: every one of them "
        "was sold at a discount"
    )
    if fmt.is_missing(net_profit):
        return text + "."
    if net_profit > 0:
        return text + ", and the extra orders more than paid for it."
    return text + " for nothing in return, and the extra orders did not make up for it."


def build_review(m: Mapping[str, Any], values: Mapping[str, Any]) -> ReviewCard:
    """The 复盘 card of the 618 promotion from the recorded metrics, by explicit rules."""
    card = ReviewCard("复盘 Review card — the 618 promotion")
    need = m["break_even_uplift"]
    card.judge(
        "promotion_profit",
        m["promo_net_profit"],
        ">",
        0,
        worked=f"The 618 promotion paid for itself: {fmt.yuan(m['promo_net_profit'])} more gross profit "
        f"after discount and marketing than the same weeks without it.",
        failed=f"The promotion trap (促销越多亏得越多): revenue looked strong but gross profit fell by "
        f"{fmt.yuan(-m['promo_net_profit'] if m['promo_net_profit'] is not None else None)} against the "
        f"same weeks without the promotion.",
        evidence=f"true ROI {fmt.ratio(m['promo_true_roi'])} vs dashboard ROI {fmt.ratio(m['promo_naive_roi'])}; "
        f"{window_sentence(m)}",
        missing="there is no counterfactual for your own data; compare with a holdout group next time",
    )
    card.judge(
        "uplift_vs_break_even",
        None if fmt.is_missing(need) else m["promo_uplift"],
        ">=",
        need or 0,
        worked=f"Volume rose enough: {fmt.pct(m['promo_uplift'])} extra orders on the promotion days against the "
        f"{fmt.pct(need)} a {fmt.pct(values['promo_discount'], 0)} cut needs at a "
        f"{fmt.pct(values['gross_margin'], 0)} margin.",
        failed=f"Volume did not rise enough: {fmt.pct(m['promo_uplift'])} extra orders on the promotion days, but a "
        f"{fmt.pct(values['promo_discount'], 0)} cut at a {fmt.pct(values['gross_margin'], 0)} margin "
        f"needs {fmt.pct(need)} just to break even.",
        evidence=f"break-even uplift = m/(m−d) − 1 = {fmt.pct(need)}",
        missing="the discount is at or above the margin, so no volume can break even"
        if fmt.is_missing(need)
        else "there is no counterfactual to measure the uplift against",
    )
    card.judge(
        "conversion",
        m["overall_conversion"],
        ">=",
        SESSION_TO_ORDER_BENCHMARK,
        worked=f"The site converts well: {fmt.pct(m['overall_conversion'], 2)} of sessions end in an order.",
        failed=f"The site converts below the benchmark: {fmt.pct(m['overall_conversion'], 2)} of sessions "
        f"end in an order.",
        evidence=f"benchmark ≈ {fmt.pct(SESSION_TO_ORDER_BENCHMARK)} (Monetate via VWO, 2019)",
    )
    lapsed = lapsed_share(m["sleeping_share"], m["churned_share"])
    card.judge(
        "retention",
        lapsed,
        "<",
        LAPSED_LIMIT,
        worked=f"Most customers are still active: {fmt.pct(lapsed)} are 沉睡 sleeping or 流失 churned.",
        failed=f"Most customers have lapsed: {fmt.pct(lapsed)} are 沉睡 sleeping or 流失 churned.",
        evidence=f"sleeping after {values['sleeping_days']} days, churned after {values['churned_days']} days",
    )
    card.note(
        "why_subsidy",
        "why",
        anyway_sentence(m["promo_orders_anyway_share"], m["promo_net_profit"]),
        f"naive run-rate view: {fmt.pct(m['naive_uplift'])} uplift; counterfactual: {fmt.pct(m['promo_uplift'])}",
    )
    card.note(
        "breakthrough",
        "breakthrough",
        f"The leakiest funnel step is {m['leakiest_step']} ({fmt.pct(m['leakiest_step_conversion'])}): "
        "fixing it raises every day's sales without giving margin away, unlike a discount.",
        "lowest step conversion in the year's funnel",
    )
    card.note(
        "logic",
        "logic",
        "底层逻辑: a discount is worth the profit it adds, not the revenue it shows — judge it against a "
        "baseline. Surface action: copying '20% off for 618' because a rival did.",
        f"dashboard ROI {fmt.ratio(m['promo_naive_roi'])} vs true ROI {fmt.ratio(m['promo_true_roi'])}",
    )
    card.note(
        "risk_pull_forward",
        "risk",
        pull_forward_sentence(m["pull_forward_measured"]),
        f"orders missing in the {POST_PROMO_DAYS} days after the promotion ÷ extra orders during it, "
        "against the no-promotion baseline",
    )
    card.note(
        "next",
        "next",
        "Next time hold out a random 10% of customers from the promotion to measure the true uplift, and "
        f"aim the offer at the {fmt.num(m['tier_counts'].get(SLEEPING, 0))} 沉睡 sleeping customers "
        "instead of those who buy anyway.",
        "A/B holdout; lifecycle tiers",
    )
    return card


COLUMNS = {
    "naive": "naive: promo days vs the 28 days before",
    "promo_days": "counterfactual: promo days",
    "true": f"counterfactual: promo days + {POST_PROMO_DAYS} days after (the verdict's window)",
    "data_end": "counterfactual: promo days to the end of the data",
}
ROWS = (
    ("orders", "orders", fmt.num),
    ("baseline orders", "baseline_orders", fmt.num),
    ("volume uplift", "uplift", fmt.pct),
    ("revenue", "revenue", fmt.yuan),
    ("discount given away", "discount_cost", fmt.yuan),
    ("revenue per ¥ spent (dashboard ROI)", "naive_roi", fmt.ratio),
    ("extra gross profit after marketing", "net_profit_change", fmt.yuan),
    ("true ROI (extra profit per ¥ spent)", "true_roi", fmt.ratio),
)


def comparison_table(effect: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """The naive before/after view beside the counterfactual views, formatted for reading."""
    frame = pd.DataFrame({"figure": [label for label, _, _ in ROWS]})
    for key, title in COLUMNS.items():
        frame[title] = [show(effect[key][name]) for _, name, show in ROWS]
    return frame


def result_sentence(effect: Mapping[str, Mapping[str, float]]) -> str:
    """The result in one paragraph, naming which view misleads and by how much."""
    naive, true = effect["naive"], effect["true"]
    text = (
        f"The dashboard view says every ¥1 of discount and advertising brought "
        f"**{fmt.yuan(naive['naive_roi'])}** of revenue and volume rose **{fmt.pct(naive['uplift'])}**. "
    )
    if fmt.is_missing(true["net_profit_change"]):
        return text + (
            "With your own data there is no counterfactual: treat the uplift as an upper bound and run a "
            "holdout group next time."
        )
    verdict = "earned" if true["net_profit_change"] > 0 else "cost"
    amount = fmt.yuan(abs(true["net_profit_change"]))
    anyway = fmt.pct(effect["promo_days"]["subsidised_share"])
    return text + (
        f"Against the counterfactual, the promotion **{verdict} {amount}** of gross profit after "
        f"marketing: {anyway} of the orders on its discounted days would have been placed anyway, at "
        "full price."
    )
