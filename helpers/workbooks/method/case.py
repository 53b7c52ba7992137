"""The method workbook (00): the 618 promotion of the demo shop, from tables to the typed result its card judges.

Keeps the notebook thin: one call per step returns the figures and tables the story needs; `review_result`
gathers what the 复盘 card judges into one frozen `MethodResult`, so the card never reads the notebook's
metrics. Tables shown to readers carry column names that have labels in `labels_method.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from generators import your_shop
from generators.common import config_from
from helpers.analysis.customers import (
    CHURNED,
    HIGH_VALUE,
    NEW,
    RETURNING,
    SLEEPING,
    check_lapse_days,
    customer_summary,
    lifecycle_tiers,
    tier_share,
    tier_table,
)
from helpers.analysis.funnel import funnel_table, leakiest_step
from helpers.analysis.promotion import (
    break_even_uplift,
    counterfactual_baseline,
    promotion_effect,
    run_rate_baseline,
    window,
)
from helpers.core import fmt
from helpers.core.messages import message
from helpers.workbooks import cases

FUNNEL_STEPS = ("sessions", "product_views", "add_to_cart", "checkout", "orders")
SESSION_TO_ORDER_BENCHMARK = 0.026  # Monetate via VWO (2019), docs/SOURCES.md
POST_PROMO_DAYS = your_shop.POST_PROMO_DAYS
TIER_KEYS = {NEW: "new", RETURNING: "returning", HIGH_VALUE: "high_value", SLEEPING: "sleeping", CHURNED: "churned"}
VIEWS = ("naive", "promo_days", "true", "data_end")  # the promotion's four views, in the comparison's order


@dataclass(frozen=True)
class MethodResult:
    """Everything the 复盘 card of the 618 promotion judges; NaN where a figure does not exist in this run."""

    promo_discount: float
    """The price cut as a share of list price (parameter)."""
    gross_margin: float
    """Gross margin at list price (parameter)."""
    sleeping_days: int
    """No order for more than this many days: 沉睡 sleeping (parameter)."""
    churned_days: int
    """No order for more than this many days: 流失 churned (parameter)."""
    break_even_uplift: float
    """Volume uplift the discount needs to keep gross profit, m/(m−d) − 1; NaN when d ≥ m."""
    has_counterfactual: bool
    """True when the same shop without the promotion exists (generated data), False on the reader's own data."""
    promo_uplift: float
    """Extra orders on the promotion days against the counterfactual, as a share of its orders."""
    naive_uplift: float
    """Extra orders on the promotion days against the run rate of the 28 days before."""
    promo_net_profit: float
    """Gross profit after discount and marketing minus the counterfactual's, promotion + 30 days after (¥)."""
    promo_net_profit_data_end: float
    """The same from the promotion's first day to the end of the data (¥)."""
    promo_customers_won: float
    """Customers with an order minus those of the counterfactual."""
    promo_naive_roi: float
    """Revenue per ¥ of discount and marketing over the promotion days (the dashboard's view)."""
    promo_true_roi: float
    """Extra gross profit per ¥ spent against the counterfactual, promotion + 30 days after."""
    promo_orders_anyway_share: float
    """Share of the promotion days' orders the counterfactual also had (they would have come anyway)."""
    pull_forward_measured: float
    """Orders missing in the 30 days after ÷ extra orders during the promotion, against the counterfactual."""
    overall_conversion: float
    """Orders ÷ sessions over the year."""
    leakiest_step: tuple[str, str] | None
    """The funnel transition with the lowest step conversion (from, to), None when there is none."""
    leakiest_step_conversion: float
    """That transition's conversion."""
    sleeping_share: float
    """Share of customers 沉睡 sleeping at the end of the data."""
    churned_share: float
    """Share of customers 流失 churned at the end of the data."""
    sleeping_customers: int
    """How many customers are 沉睡 sleeping: the audience of a win-back offer."""

    def metrics(self) -> dict[str, float]:
        """The promotion's and the lifecycle's figures under the names the notebook records."""
        names = (
            "promo_uplift",
            "naive_uplift",
            "promo_net_profit",
            "promo_naive_roi",
            "promo_true_roi",
            "promo_orders_anyway_share",
            "pull_forward_measured",
            "promo_net_profit_data_end",
            "promo_customers_won",
            "sleeping_share",
            "churned_share",
        )
        return {name: getattr(self, name) for name in names}


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


def month_name(month: pd.Timestamp) -> str:
    """The month's short name in the edition's language (Jun / 6月)."""
    return message("method.months").split(",")[month.month - 1]


def kpi_tree(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """GMV decomposed as sessions × session-to-order conversion × average order value, with the lever of each."""
    sessions = float(tables["funnel_daily"]["sessions"].sum())
    orders = tables["orders"]
    conversion = len(orders) / sessions if sessions else np.nan
    aov = float(orders["amount"].mean()) if len(orders) else np.nan
    levels = ("gmv", "sessions", "conversion", "aov")
    values = (fmt.yuan(orders["amount"].sum()), fmt.num(sessions), fmt.pct(conversion, 2), fmt.yuan(aov))
    return pd.DataFrame(
        {
            "kpi_level": [message(f"method.kpi.{level}") for level in levels],
            "kpi_value": list(values),
            "kpi_lever": [message(f"method.kpi.lever_{level}") for level in levels],
        }
    )


def daily_orders(orders: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """Orders per day from `first` to `last`, zero-filled."""
    day = pd.to_datetime(orders["order_date"]).dt.normalize()
    return day.value_counts().reindex(pd.date_range(first, last), fill_value=0).sort_index()


def orders_around(
    tables: Mapping[str, pd.DataFrame], alternative: Mapping[str, pd.DataFrame] | None, values: Mapping[str, Any]
) -> pd.DataFrame:
    """Orders per day from as long before the promotion as the window after it, observed and (when it exists)
    without the promotion; columns named by the edition's legend texts."""
    first, last, end = promo_dates(values)
    around = first - (end - last)
    frame = daily_orders(tables["orders"], around, end).to_frame(message("method.around.observed"))
    if alternative is not None:
        frame[message("method.around.counterfactual")] = daily_orders(alternative["orders"], around, end)
    return frame


def funnel(
    funnel_daily: pd.DataFrame,
    first: pd.Timestamp | None = None,
    last: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The site funnel summed over [first, last] (default: all days), with the leakiest step marked."""
    days = pd.to_datetime(funnel_daily["date"])
    rows = funnel_daily[(days >= (first or days.min())) & (days <= (last or days.max()))]
    return funnel_table(list(FUNNEL_STEPS), [rows[s].sum() for s in FUNNEL_STEPS])


def leakiest(table: pd.DataFrame) -> tuple[str, str] | None:
    """The funnel transition with the lowest step conversion as (from step, to step), None when there is none:
    `leakiest_step`'s 'from → to', split into its steps so that each can be named for readers."""
    text = leakiest_step(table)
    if text is None:
        return None
    source, target = text.split(" → ")
    return source, target


def step_name(step: str) -> str:
    """A funnel step's reader-facing name (Sessions / 访问)."""
    return message(f"method.funnel.steps.{step}")


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


def tier_name(tier: object) -> str:
    """A lifecycle tier's reader-facing name (新客 new in English, 新客 in Chinese)."""
    return message(f"method.tiers.names.{TIER_KEYS[str(tier)]}")


TIER_COLUMNS = {
    "tier": "tier_name",
    "customers": "tier_customers",
    "customer_share": "tier_customer_share",
    "revenue": "tier_revenue",
    "revenue_share": "tier_revenue_share",
}
TIER_FORMATS = {
    "tier_customers": "num",
    "tier_customer_share": "pct",
    "tier_revenue": "yuan",
    "tier_revenue_share": "pct",
}


def tier_display(table: pd.DataFrame) -> pd.DataFrame:
    """The tier table as readers see it: tier names in the edition's language, labelled columns."""
    shown = table[list(TIER_COLUMNS)].rename(columns=TIER_COLUMNS)
    shown["tier_name"] = [tier_name(t) for t in table["tier"]]
    return shown


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
    result = {"naive": naive, **{key: dict.fromkeys(naive, np.nan) for key in VIEWS[1:]}}
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


def pull_forward(effect: Mapping[str, Mapping[str, float]]) -> float:
    """Measured pull-forward: orders missing in the weeks after the promotion ÷ extra orders during it, both
    against the no-promotion baseline (NaN without a counterfactual or without extra orders)."""
    extra = effect["promo_days"]["incremental_orders"]
    if fmt.is_missing(extra) or extra <= 0:
        return float("nan")
    return (extra - effect["true"]["incremental_orders"]) / extra


ROWS = (
    ("orders", "num"),
    ("baseline_orders", "num"),
    ("uplift", "pct"),
    ("revenue", "yuan"),
    ("discount_cost", "yuan"),
    ("naive_roi", "ratio"),
    ("net_profit_change", "yuan"),
    ("true_roi", "ratio"),
)


def comparison_table(effect: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """The naive before/after view beside the counterfactual views, formatted for reading; a view that does not
    exist in this run (no counterfactual on your own data) is left out rather than shown empty."""
    frame = pd.DataFrame({"promo_figure": [message(f"method.compare.rows.{name}") for name, _ in ROWS]})
    for view in VIEWS:
        if all(fmt.is_missing(effect[view][name]) for name, _ in ROWS):
            continue
        frame[f"promo_{view}"] = [fmt.as_kind(kind, effect[view][name]) for name, kind in ROWS]
    return frame


def profit_steps(effect: Mapping[str, float], margin: float) -> list[tuple[str, float]]:
    """The promotion's profit bridge: baseline profit, margin on extra sales, discount, marketing."""
    extra_list_revenue = (effect["revenue"] + effect["discount_cost"]) - effect["baseline_gross_profit"] / margin
    return [
        (message("method.bridge.baseline"), effect["baseline_gross_profit"]),
        (message("method.bridge.extra_margin"), margin * extra_list_revenue),
        (message("method.bridge.discount"), -effect["discount_cost"]),
        (message("method.bridge.marketing"), -effect["marketing_cost"]),
    ]


def review_result(
    values: Mapping[str, Any],
    funnel_steps: pd.DataFrame,
    tier_frame: pd.DataFrame,
    effect: Mapping[str, Mapping[str, float]],
    won: float,
) -> MethodResult:
    """The typed result the 复盘 card judges, from the workbook's funnel, tier table, promotion views and
    parameters."""
    leak = leakiest(funnel_steps)
    counts = dict(zip(tier_frame["tier"].astype(str), tier_frame["customers"], strict=True))
    return MethodResult(
        promo_discount=float(values["promo_discount"]),
        gross_margin=float(values["gross_margin"]),
        sleeping_days=int(values["sleeping_days"]),
        churned_days=int(values["churned_days"]),
        break_even_uplift=float(break_even_uplift(values["gross_margin"], values["promo_discount"])),
        has_counterfactual=not all(fmt.is_missing(v) for v in effect["true"].values()),
        promo_uplift=float(effect["promo_days"]["uplift"]),
        naive_uplift=float(effect["naive"]["uplift"]),
        promo_net_profit=float(effect["true"]["net_profit_change"]),
        promo_net_profit_data_end=float(effect["data_end"]["net_profit_change"]),
        promo_customers_won=float(won),
        promo_naive_roi=float(effect["naive"]["naive_roi"]),
        promo_true_roi=float(effect["true"]["true_roi"]),
        promo_orders_anyway_share=float(effect["promo_days"]["subsidised_share"]),
        pull_forward_measured=float(pull_forward(effect)),
        overall_conversion=float(funnel_steps["overall_conversion"].iloc[-1]),
        leakiest_step=leak,
        leakiest_step_conversion=float(funnel_steps.loc[funnel_steps["leakiest"], "step_conversion"].max()),
        sleeping_share=tier_share(tier_frame, SLEEPING),
        churned_share=tier_share(tier_frame, CHURNED),
        sleeping_customers=int(counts.get(SLEEPING, 0)),
    )
