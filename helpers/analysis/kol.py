"""KOL spend judged by tier: CPM, CPE, cost per new customer, ROI, and marginal ROI from a saturating response.

Average ROI says whether past spend paid; marginal ROI says where the next ¥ should go. With a tier's
monthly new customers following `k · C · (1 − e^(−S/C))` for spend S (k: customers per ¥ when unsaturated,
C: the spend where the tier's audience saturates), the next ¥ brings `k · e^(−S/C)` customers: heavy spend
on a saturated tier keeps a fine average ROI while its marginal ROI collapses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import curve_fit

from helpers.core.numbers import ratio

FUNNEL_STEPS = ("impressions", "engagements", "clicks", "sessions", "orders")


def customer_revenue(orders: pd.DataFrame) -> pd.Series:
    """Revenue per customer over all their orders in the data, ¥."""
    return orders.groupby("customer_id")["amount"].sum()


def tier_economics(
    posts: pd.DataFrame,
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    tiers: Sequence[str],
    extra_spend: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """One row per tier (and per extra source such as platform ads): spend, funnel totals and unit costs.

    CPM = spend per 1,000 impressions; CPE = spend per engagement; cost per order = spend per new customer
    (first order); ROI = revenue of the customers the tier brought (all their orders) per ¥ of spend.
    """
    funnel = posts.groupby("tier").agg(
        posts=("post_id", "size"), spend=("fee", "sum"), **{step: (step, "sum") for step in FUNNEL_STEPS[:-1]}
    )
    sources = list(tiers) + list(extra_spend or {})
    funnel = funnel.reindex(sources)
    funnel["posts"] = funnel["posts"].fillna(0)
    for source, spend in (extra_spend or {}).items():
        funnel.loc[source, "spend"] = spend
    funnel["spend"] = funnel["spend"].fillna(0.0)
    revenue = customer_revenue(orders)
    acquired = customers.groupby("source")["customer_id"].size()
    funnel["new_customers"] = acquired.reindex(sources, fill_value=0).astype(float)
    funnel["revenue"] = (
        customers.assign(revenue=customers["customer_id"].map(revenue).fillna(0.0))
        .groupby("source")["revenue"]
        .sum()
        .reindex(sources, fill_value=0.0)
    )
    funnel["cpm"] = ratio(funnel["spend"] * 1000, funnel["impressions"])
    funnel["cpe"] = ratio(funnel["spend"], funnel["engagements"])
    funnel["cost_per_order"] = ratio(funnel["spend"], funnel["new_customers"])
    funnel["revenue_per_customer"] = ratio(funnel["revenue"], funnel["new_customers"])
    funnel["roi"] = ratio(funnel["revenue"], funnel["spend"])
    return funnel.rename_axis("tier").reset_index()


def funnel_counts(posts: pd.DataFrame, tier: str) -> list[float]:
    """Impressions → engagements → clicks → sessions → orders summed over one tier's posts."""
    rows = posts[posts["tier"] == tier]
    return [float(rows[step].sum()) for step in FUNNEL_STEPS]


def monthly_response(posts: pd.DataFrame, tiers: Sequence[str]) -> pd.DataFrame:
    """Spend and new customers per calendar month (rows) and tier: the points a response curve is fitted to."""
    month = pd.to_datetime(posts["post_date"]).dt.strftime("%Y-%m").rename("month")
    cells = pd.MultiIndex.from_product([sorted(month.unique()), list(tiers)], names=["month", "tier"])
    sums = posts.groupby([month, posts["tier"]])[["fee", "orders"]].sum().reindex(cells, fill_value=0.0)
    wide = {
        name: sums[column].astype(float).unstack("tier").reindex(columns=list(tiers))
        for name, column in (("spend", "fee"), ("new_customers", "orders"))
    }
    return pd.concat(wide, axis=1).rename_axis("month")


def expected_customers(spend: np.ndarray | float, k: float, capacity: float) -> np.ndarray:
    """New customers a month from spend S: k · C · (1 − e^(−S/C))."""
    return k * capacity * -np.expm1(-np.asarray(spend, dtype=float) / capacity)


def marginal_customers(spend: np.ndarray | float, k: float, capacity: float) -> np.ndarray:
    """New customers from the next ¥ at monthly spend S: k · e^(−S/C)."""
    return k * np.exp(-np.asarray(spend, dtype=float) / capacity)


def fit_response(spend: Sequence[float], customers: Sequence[float]) -> tuple[float, float]:
    """Least-squares k and C of the saturating curve from monthly (spend, new customers); NaN when it cannot fit.

    Needs at least three months with spend and some spread in spend; a capacity far above the largest spend
    means the data show no saturation yet.
    """
    x, y = np.asarray(spend, dtype=float), np.asarray(customers, dtype=float)
    keep = x > 0
    x, y = x[keep], y[keep]
    if len(x) < 3 or np.ptp(x) <= 0 or y.sum() <= 0:
        return float("nan"), float("nan")
    start = (y.sum() / x.sum() * 1.5, float(x.mean()))
    try:
        (k, capacity), _ = curve_fit(
            expected_customers, x, y, p0=start, bounds=([0, x.max() * 0.05], [np.inf, x.max() * 100])
        )
    except (RuntimeError, ValueError):
        return float("nan"), float("nan")
    return float(k), float(capacity)


def marginal_roi_table(
    response: pd.DataFrame, spend: Mapping[str, float], value_per_customer: Mapping[str, float]
) -> pd.DataFrame:
    """Average and marginal ROI (revenue per ¥) of each source at its current monthly spend.

    `response` has columns tier, orders_per_yuan (k) and capacity (C); `value_per_customer` is the revenue a
    new customer of that source brings.
    """
    frame = response.set_index("tier")[["orders_per_yuan", "capacity"]].copy()
    frame["monthly_spend"] = pd.Series(spend, dtype=float).reindex(frame.index)
    frame["value_per_customer"] = pd.Series(value_per_customer, dtype=float).reindex(frame.index)
    k, capacity, s = frame["orders_per_yuan"], frame["capacity"], frame["monthly_spend"]
    customers = expected_customers(s.to_numpy(), k.to_numpy(), capacity.to_numpy())
    frame["average_roi"] = ratio(pd.Series(customers, index=frame.index) * frame["value_per_customer"], s)
    frame["marginal_roi"] = marginal_customers(s, k, capacity) * frame["value_per_customer"]
    return frame.reset_index()


def marginal_roi_curves(
    response: pd.DataFrame, value_per_customer: Mapping[str, float], max_spend: float, points: int = 41
) -> pd.DataFrame:
    """Marginal ROI of each source over a grid of monthly spend from 0 to `max_spend` (columns: sources)."""
    grid = np.linspace(0, max_spend, points)
    curves = {
        row.tier: marginal_customers(grid, row.orders_per_yuan, row.capacity) * value_per_customer[row.tier]
        for row in response.itertuples()
    }
    return pd.DataFrame(curves, index=pd.Index(grid, name="monthly spend, ¥"))


def best_next_yuan(table: pd.DataFrame) -> str | None:
    """The source whose next ¥ earns the most (highest marginal ROI), or None when none can be computed."""
    valid = table.dropna(subset=["marginal_roi"])
    return None if valid.empty else str(valid.loc[valid["marginal_roi"].idxmax(), "tier"])


def max_affordable_cac(
    order_value: float, gross_margin: float, repeat_rate: float, cost_per_order: float = 0.0
) -> float:
    """The most a new customer may cost: contribution per order × expected orders 1 / (1 − repeat rate).

    Each order earns `order_value × gross_margin − cost_per_order`; a customer who buys again with probability
    `repeat_rate` after every order places 1 / (1 − r) orders on average (NaN when r ≥ 1).
    """
    if not 0 <= repeat_rate < 1:
        return float("nan")
    return (order_value * gross_margin - cost_per_order) / (1 - repeat_rate)


def busiest_tier(posts: pd.DataFrame) -> str | None:
    """The tier that published the most notes, or None when the budget bought none."""
    counts = posts["tier"].value_counts()
    return str(counts.idxmax()) if len(counts) else None
