"""Campaign ROI and the promotion trap (促销越多亏得越多): incremental versus subsidised sales.

A discount pays only when the extra volume it brings covers the margin given away on the sales that would
have happened anyway. The counterfactual (same seed, no promotion) tells the two apart; with your own data the
fallback is a run-rate baseline from the weeks before, which ignores seasonality and pull-forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Baseline:
    """What the promotion window would have sold without the promotion, at list price."""

    orders: float
    list_revenue: float
    source: str


def break_even_uplift(margin: float, discount: float) -> float:
    """Volume uplift a price cut needs to keep gross profit: m / (m − d) − 1 (NaN when d ≥ m: never)."""
    if not 0 <= discount < 1 or not 0 < margin <= 1:
        raise ValueError(f"margin must be in (0, 1] and discount in [0, 1); got margin={margin}, discount={discount}")
    return margin / (margin - discount) - 1 if discount < margin else float("nan")


CURVE_END = 0.9  # of the margin: the uplift needed is already ×10 volume (+900%) there, and explodes beyond


def break_even_curve(margin: float, points: int = 60) -> pd.DataFrame:
    """Required volume uplift for discounts from 0 to `CURVE_END` × the margin, where it reaches +900%.

    m/(m−d) − 1 grows without bound as the discount d nears the margin m; drawing it further (to 0.95 m,
    +1,900%) would squash the part of the curve where real decisions lie into the bottom of the chart.
    """
    discounts = np.linspace(0, margin * CURVE_END, points)
    return pd.DataFrame(
        {"required uplift": [break_even_uplift(margin, d) for d in discounts]},
        index=pd.Index(discounts, name="discount"),
    )


def window(orders: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp, date: str = "order_date") -> pd.DataFrame:
    """The orders placed from `first` to `last` inclusive (whole days)."""
    day = pd.to_datetime(orders[date]).dt.normalize()
    return orders[(day >= first) & (day <= last)]


def counterfactual_baseline(orders: pd.DataFrame, list_amount: str = "list_amount") -> Baseline:
    """The baseline from a counterfactual run's orders in the same window."""
    return Baseline(float(len(orders)), float(orders[list_amount].sum()), "counterfactual run without the promotion")


def run_rate_baseline(
    orders: pd.DataFrame,
    first: pd.Timestamp,
    days: int,
    *,
    lookback: int = 28,
    date: str = "order_date",
    list_amount: str = "list_amount",
) -> Baseline:
    """The naive baseline: the `lookback` days before the window, scaled to the window's `days`."""
    before = window(orders, first - pd.Timedelta(days=lookback), first - pd.Timedelta(days=1), date)
    factor = days / lookback
    return Baseline(
        len(before) * factor, float(before[list_amount].sum()) * factor, f"run rate of the {lookback} days before"
    )


def promotion_effect(
    observed: pd.DataFrame,
    baseline: Baseline,
    *,
    margin: float,
    marketing_cost: float,
    amount: str = "amount",
    list_amount: str = "list_amount",
) -> dict[str, float]:
    """Compare a promotion window's orders with its baseline; naive and true returns side by side.

    `observed` holds the orders of the window (promotion days plus the weeks after, to catch pull-forward);
    `margin` is gross margin at list price. `naive_roi` is revenue per ¥ of discount and marketing (what a
    dashboard shows); `true_roi` is the extra gross profit per ¥ spent; `uplift` the extra orders in %.
    """
    list_revenue = float(observed[list_amount].sum())
    revenue = float(observed[amount].sum())
    discount_cost = list_revenue - revenue
    gross_profit = revenue - list_revenue * (1 - margin)
    baseline_profit = baseline.list_revenue * margin
    spend = discount_cost + marketing_cost
    net_change = gross_profit - baseline_profit - marketing_cost
    orders = float(len(observed))
    return {
        "orders": orders,
        "baseline_orders": baseline.orders,
        "incremental_orders": orders - baseline.orders,
        "uplift": orders / baseline.orders - 1 if baseline.orders > 0 else np.nan,
        "subsidised_share": min(baseline.orders / orders, 1.0) if orders else np.nan,
        "revenue": revenue,
        "discount_cost": discount_cost,
        "marketing_cost": float(marketing_cost),
        "gross_profit": gross_profit,
        "baseline_gross_profit": baseline_profit,
        "net_profit_change": net_change,
        "naive_roi": revenue / spend if spend > 0 else np.nan,
        "true_roi": net_change / spend if spend > 0 else np.nan,
    }
