"""The JD workbook's glue: joins its tables into delivery, speed-outcome and P&L views for the other helpers.

Delivery speed is read in calendar days (same day, next day, later) because that is what the 211 promise and
the customer see. Outcomes by speed are standardised to the overall category mix, so that a category that is
both slow (bulky appliances) and rarely returned does not masquerade as a speed effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from generators import jd
from helpers.analysis import finance
from helpers.core import fmt
from helpers.workbooks import cases

SPEEDS = ("same day", "next day", "2+ days")
# The generator's assumptions the workbook states and checks against, so the notebook imports no generator.
OTHER_OPEX_RATIO = jd.OTHER_OPEX_RATIO


def delivery_view(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Orders with their delivery, region, calendar-day speed bucket, `fast` flag and `returned` flag."""
    orders, deliveries = tables["orders"], tables["deliveries"]
    view = orders.merge(deliveries, on="order_id").merge(
        tables["customers"][["customer_id", "region"]], on="customer_id", how="left"
    )
    placed = pd.to_datetime(view["order_time"])
    arrived = pd.to_datetime(view["delivered_time"])
    calendar_days = (arrived.dt.normalize() - placed.dt.normalize()).dt.days
    view["speed"] = pd.Categorical(
        np.select([calendar_days <= 0, calendar_days == 1], SPEEDS[:2], SPEEDS[2]), categories=SPEEDS
    )
    view["fast"] = calendar_days <= 1
    view["returned"] = view["order_id"].isin(tables["returns"]["order_id"])
    return view


def same_or_next_day_share(view: pd.DataFrame) -> float:
    """Share of orders delivered the day they were paid or the next (JD's "≈90%" claim)."""
    return float(view["fast"].mean()) if len(view) else float("nan")


def standardised_rate(view: pd.DataFrame, outcome: str, fast: bool, strata: str = "category") -> float:
    """Rate of `outcome` among fast (or slow) orders, reweighted to the overall mix of `strata`.

    Holds category fixed: rate = Σ_c share_c × rate(outcome | speed, c), over categories that have orders
    at this speed (weights renormalised); NaN when no order has this speed.
    """
    part = view[view["fast"] == fast]
    if part.empty:
        return float("nan")
    rates = part.groupby(strata, observed=True)[outcome].mean()
    weights = view[strata].value_counts(normalize=True).reindex(rates.index)
    return float((rates * weights).sum() / weights.sum())


def first_orders_with_repurchase(view: pd.DataFrame, days: int = 90) -> pd.DataFrame:
    """First-time buyers' first orders, with `repurchased` = another order within `days` after it.

    Only first orders at least `days` after the start of the data count — a customer first seen earlier may
    have bought before the data starts, so is not a first-time buyer — and at least `days` before its end, so
    that every repurchase window could be observed.
    """
    placed = pd.to_datetime(view["order_time"])
    ordered = view.assign(placed=placed).sort_values(["customer_id", "placed"])
    nxt = ordered.groupby("customer_id")["placed"].shift(-1)
    ordered["repurchased"] = (nxt - ordered["placed"]).dt.days < days
    first = ordered.drop_duplicates("customer_id")
    window = pd.Timedelta(days=days)
    return first[(first["placed"] >= placed.min().normalize() + window) & (first["placed"] <= placed.max() - window)]


def outcomes_by_speed(view: pd.DataFrame, days: int = 90) -> dict[str, float]:
    """Return and repurchase rates for fast (same/next day) and slow deliveries, category held fixed."""
    first = first_orders_with_repurchase(view, days)
    return {
        "return_rate_fast": standardised_rate(view, "returned", True),
        "return_rate_slow": standardised_rate(view, "returned", False),
        "repurchase_rate_fast": standardised_rate(first, "repurchased", True),
        "repurchase_rate_slow": standardised_rate(first, "repurchased", False),
    }


def speed_table(view: pd.DataFrame, days: int = 90) -> pd.DataFrame:
    """Orders, return rate and first-order repurchase rate per speed bucket (raw, for a chart)."""
    first = first_orders_with_repurchase(view, days)
    table = view.groupby("speed", observed=False).agg(orders=("order_id", "size"), return_rate=("returned", "mean"))
    table["repurchase_rate"] = first.groupby("speed", observed=False)["repurchased"].mean()
    return table.reset_index()


def on_time_by_cutoff(view: pd.DataFrame) -> pd.DataFrame:
    """Orders, 211 eligibility and on-time share per order-time cut-off window."""
    return (
        view.groupby("cutoff")
        .agg(orders=("order_id", "size"), eligible=("eligible_211", "mean"), on_time=("on_time_211", "mean"))
        .reset_index()
    )


def delivery_hours_table(view: pd.DataFrame, by: str) -> pd.DataFrame:
    """Median and 90th-percentile delivery hours and order share per value of `by` (region, stock_source)."""
    grouped = view.groupby(by)["delivery_hours"]
    table = pd.DataFrame(
        {"orders": grouped.size(), "median_hours": grouped.median(), "p90_hours": grouped.quantile(0.9)}
    )
    table["order_share"] = table["orders"] / table["orders"].sum()
    return table.reset_index()


def income_statement(tables: dict[str, pd.DataFrame], start: str, other_opex_ratio: float) -> pd.DataFrame:
    """The period's P&L: product sales net of refunds plus membership fees paid in the period, less costs.

    COGS is net of the cost recovered from returned goods; fulfilment includes return handling; other
    operating expenses (marketing, technology, G&A) are `other_opex_ratio` of revenue.
    """
    orders, returns, memberships = tables["orders"], tables["returns"], tables["memberships"]
    fees = memberships.loc[pd.to_datetime(memberships["start_date"]) >= pd.Timestamp(start), "fee_paid"].sum()
    revenue = orders["amount"].sum() - returns["refund_amount"].sum() + fees
    cogs = orders["cogs"].sum() - returns["recovered_cost"].sum()
    fulfillment = tables["deliveries"]["fulfillment_cost"].sum() + returns["handling_cost"].sum()
    return finance.income_statement(revenue, cogs, fulfillment, other_expenses=other_opex_ratio * revenue)


# ---------------------------------------------------------------- workbook glue


def counterfactual(values: Mapping[str, Any]) -> dict[str, pd.DataFrame] | None:
    """The same customers and seed with membership's own effect switched off; None for your own data."""
    return cases.counterfactual("jd", values, plus_true_uplift=0.0)


def overview(tables: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """Orders, GMV, buyers, average order value and the date range: the data at a glance."""
    orders = tables["orders"]
    placed = pd.to_datetime(orders["order_time"])
    return {
        "orders": len(orders),
        "gmv": float(orders["amount"].sum()),
        "buyers": orders["customer_id"].nunique(),
        "aov": float(orders["amount"].mean()) if len(orders) else float("nan"),
        "first_day": placed.min().date().isoformat(),
        "last_day": placed.max().date().isoformat(),
        "days": int((placed.max().normalize() - placed.min().normalize()).days) + 1,
    }


def kpi_tree(view: pd.DataFrame, speed: Mapping[str, float]) -> pd.DataFrame:
    """The strategy's chain as a table: stock coverage → 211 speed → returns and repurchase → profit."""
    rows = [
        (
            "orders shipped from the regional warehouse",
            fmt.pct((view["stock_source"] == "regional").mean()),
            "more SKUs stocked regionally → more orders close to the customer",
        ),
        ("211 on time", fmt.pct(view["on_time_211"].mean()), "local stock + cut-offs → same/next-day promise kept"),
        ("delivered same or next day", fmt.pct(same_or_next_day_share(view)), "JD claims ≈90% (≈2017)"),
        (
            "return rate fast → slow",
            f"{fmt.pct(speed['return_rate_fast'])} → {fmt.pct(speed['return_rate_slow'])}",
            "slow parcels are returned and damaged more often",
        ),
        (
            "repurchase fast → slow",
            f"{fmt.pct(speed['repurchase_rate_fast'])} → {fmt.pct(speed['repurchase_rate_slow'])}",
            "a good first delivery brings the customer back",
        ),
    ]
    return pd.DataFrame(rows, columns=["node", "value", "how it should move"])


def stock_history(inventory: pd.DataFrame, sku_id: str, warehouse_id: str) -> pd.DataFrame:
    """One SKU's daily stock, reorder point and stock-out flag in one warehouse, indexed by date."""
    rows = inventory[(inventory["sku_id"] == sku_id) & (inventory["warehouse_id"] == warehouse_id)]
    frame = rows.set_index(pd.to_datetime(rows["date"]))[["stock_close", "reorder_point", "received_units"]]
    return frame.assign(stockout=frame["stock_close"] <= 0)


def sample_stock_lines(inventory: pd.DataFrame) -> list[tuple[str, str]]:
    """Two (SKU, warehouse) lines outside the hub worth a chart: the busiest, and the one most often empty."""
    regional = inventory[inventory["warehouse_id"] != jd.CENTRAL[0]]
    if regional.empty:
        regional = inventory
    lines = regional.groupby(["sku_id", "warehouse_id"]).agg(
        requested=("requested_units", "sum"), empty=("stock_close", lambda s: int((s <= 0).sum()))
    )
    busiest = lines["requested"].idxmax()
    emptiest = lines.drop(index=busiest).sort_values(["empty", "requested"], ascending=False).index[:1]
    return [busiest, *emptiest]


def policy_reorder_points(skus: pd.DataFrame, reorder_point_days: float) -> pd.Series:
    """The fixed-days policy's reorder point per category, nationwide units (planned demand × days)."""
    return (skus["planned_daily_units"] * reorder_point_days).groupby(skus["category"]).sum()


def stockout_days(inventory: pd.DataFrame, share: float = 0.03) -> pd.Series:
    """Days on which more than `share` of stocked warehouse–SKUs closed empty: an explanation for alerts."""
    return (inventory["stock_close"] <= 0).groupby(pd.to_datetime(inventory["date"])).mean() > share


def cash_cycle(
    inventory_days: float, payable_days: float, receivable_days: float, cogs: float, days: float
) -> dict[str, float]:
    """Cash conversion cycle, the cash it frees and the supplier-funded share. `receivable_days` is the
    workbook's labelled assumption (payment platforms settle within days; the data holds no receivables)."""
    cycle = finance.cash_conversion_cycle(inventory_days, receivable_days, payable_days)
    return {
        "cash_conversion_days": cycle,
        "receivable_days": receivable_days,
        "working_capital": finance.working_capital(cycle, cogs, days),
        "supplier_funded_share": finance.supplier_funded_share(inventory_days, payable_days),
    }


def cycle_curve(inventory_days: float, receivable_days: float, payable: range = range(0, 121, 5)) -> pd.DataFrame:
    """Cash conversion cycle for each supplier payment term, for a what-if chart."""
    days = list(payable)
    values = [finance.cash_conversion_cycle(inventory_days, receivable_days, d) for d in days]
    return pd.DataFrame({"cash conversion cycle": values}, index=pd.Index(days, name="supplier payment days"))
