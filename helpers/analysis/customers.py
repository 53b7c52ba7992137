"""Customer lifecycle tiers 新客 / 老客 / 高价值 / 沉睡 / 流失 from order history, thresholds as parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core.errors import ParameterError
from helpers.core.messages import message

NEW, RETURNING, HIGH_VALUE = "新客 new", "老客 returning", "高价值 high value"
SLEEPING, CHURNED = "沉睡 sleeping", "流失 churned"
TIERS = (NEW, RETURNING, HIGH_VALUE, SLEEPING, CHURNED)
LAPSED_LIMIT = 0.5  # a base whose majority is sleeping or churned is shrinking: the one rule of workbooks 00 and 04


def lapsed_share(sleeping: float | None, churned: float | None) -> float:
    """Share of customers 沉睡 sleeping or 流失 churned — the lapsed base the review cards judge against
    `LAPSED_LIMIT`. A tier nobody is in counts as 0; NaN when neither share exists."""
    shares = [float(s) for s in (sleeping, churned) if s is not None and not np.isnan(s)]
    return sum(shares) if shares else float("nan")


def customer_codes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of customer ids in sorted id order, and the sorted ids themselves (as Python objects).

    Grouping on the codes rather than on the id text keeps a million-order base fast: pandas factorizes pyarrow
    text without making a Python string per row, and groups on integers. A missing id is an error (ValueError):
    loaded orders never have one (helpers.io.orders reports it), and grouping would silently drop the order.
    """
    codes, uniques = pd.factorize(pd.Series(ids), sort=True)
    if len(codes) and codes.min() < 0:
        raise ValueError(f"customer ids are missing in {int((codes < 0).sum())} of {len(codes)} orders")
    return codes, np.asarray(uniques, dtype=object)


def customer_summary(
    orders: pd.DataFrame,
    *,
    customer: str = "customer_id",
    date: str = "order_date",
    amount: str = "amount",
    asof: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One row per customer: first and last order, orders, revenue and days since the last order at `asof`.

    `asof` defaults to the day after the last order in the data.
    """
    stamps = pd.to_datetime(orders[date])
    asof = pd.Timestamp(asof) if asof is not None else stamps.max().normalize() + pd.Timedelta(days=1)
    codes, ids = customer_codes(orders[customer])
    grouped = pd.DataFrame(
        {
            "customer": codes,
            "date": stamps.to_numpy(),
            "amount": orders[amount].to_numpy(dtype=float),
        }
    ).groupby("customer", sort=True)
    summary = grouped.agg(
        first_order=("date", "min"), last_order=("date", "max"), orders=("date", "size"), revenue=("amount", "sum")
    )
    summary["recency_days"] = (asof - summary["last_order"]).dt.days
    summary.index = pd.Index(ids[summary.index.to_numpy()], name=customer)
    return summary


def check_lapse_days(sleeping_days: int, churned_days: int) -> None:
    """The one rule on the two thresholds: positive, and a customer sleeps before churning (ParameterError)."""
    if not 0 < sleeping_days < churned_days:
        raise ParameterError(message("errors.rule.sleeping_days", sleeping=sleeping_days, churned=churned_days))


def lifecycle_tiers(
    summary: pd.DataFrame,
    *,
    sleeping_days: int = 90,
    churned_days: int = 180,
    high_value_share: float = 0.2,
) -> pd.Series:
    """The tier of each customer; every customer gets exactly one.

    流失 churned: no order for more than `churned_days`; 沉睡 sleeping: more than `sleeping_days`; among the
    active rest, 高价值 high value is the top `high_value_share` by revenue, then 新客 new (one order) and
    老客 returning (two or more).
    """
    check_lapse_days(sleeping_days, churned_days)
    if not 0 <= high_value_share <= 1:
        raise ValueError(f"high_value_share must be within 0–1, got {high_value_share}")
    recency = summary["recency_days"].to_numpy()
    active = recency <= sleeping_days
    cutoff = np.quantile(summary["revenue"][active], 1 - high_value_share) if active.any() else np.inf
    high = active & (summary["revenue"].to_numpy() >= cutoff) & (high_value_share > 0)
    tier = np.select(
        [recency > churned_days, recency > sleeping_days, high, summary["orders"].to_numpy() == 1],
        [CHURNED, SLEEPING, HIGH_VALUE, NEW],
        default=RETURNING,
    )
    return pd.Series(pd.Categorical(tier, categories=TIERS), index=summary.index, name="tier")


def tier_table(summary: pd.DataFrame, tiers: pd.Series) -> pd.DataFrame:
    """Customers, share, revenue and revenue share per tier, every tier listed (zero when empty)."""
    frame = (
        summary.assign(tier=tiers)
        .groupby("tier", observed=False)
        .agg(customers=("orders", "size"), revenue=("revenue", "sum"))
    )
    total_customers, total_revenue = frame["customers"].sum(), frame["revenue"].sum()
    frame["customer_share"] = frame["customers"] / total_customers if total_customers else np.nan
    frame["revenue_share"] = frame["revenue"] / total_revenue if total_revenue else np.nan
    return frame.reset_index()


def tier_share(table: pd.DataFrame, tier: str) -> float:
    """The share of customers in `tier` from a `tier_table` (NaN when the table has no customers)."""
    return float(table.set_index(table["tier"].astype(str))["customer_share"].get(tier, np.nan))
