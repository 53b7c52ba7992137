"""Inventory discipline across warehouses: turnover days, stock-outs, days of supply, reorder alerts, ABC, 滞销品.

All functions read a daily stock table with one row per warehouse, SKU and day (`date`, `warehouse_id`,
`sku_id`, `stock_close`, `shipped_units`, `requested_units`, `on_order_units`) and a SKU table with
`sku_id` and `unit_cost`; figures that do not exist (no sales, no rows) are NaN rather than errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEYS = ["warehouse_id", "sku_id"]


def _unit_cost(inventory: pd.DataFrame, skus: pd.DataFrame) -> pd.Series:
    """The unit cost of each inventory row's SKU."""
    return inventory["sku_id"].map(skus.set_index("sku_id")["unit_cost"]).astype(float)


def daily_stock_value(inventory: pd.DataFrame, skus: pd.DataFrame) -> pd.Series:
    """Stock on hand at cost at each day's close, all warehouses together (¥ by date)."""
    value = inventory["stock_close"] * _unit_cost(inventory, skus)
    return value.groupby(pd.to_datetime(inventory["date"])).sum()


def turnover_days(inventory: pd.DataFrame, skus: pd.DataFrame) -> float:
    """Inventory turnover days = average stock at cost / cost of goods shipped per day (JD keeps it ≤ 40)."""
    if inventory.empty:
        return float("nan")
    cogs = (inventory["shipped_units"] * _unit_cost(inventory, skus)).sum()
    n_days = pd.to_datetime(inventory["date"]).nunique()
    per_day = cogs / n_days
    return float(daily_stock_value(inventory, skus).mean() / per_day) if per_day > 0 else float("nan")


def stockout_rate(inventory: pd.DataFrame) -> float:
    """Share of warehouse–SKU–days that closed with an empty shelf: the customer-facing cost of lean stock."""
    return float((inventory["stock_close"] <= 0).mean()) if len(inventory) else float("nan")


def stockout_by(inventory: pd.DataFrame, column: str = "warehouse_id") -> pd.Series:
    """Stock-out rate per warehouse (or per any other column of the stock table)."""
    return (inventory["stock_close"] <= 0).groupby(inventory[column]).mean()


def fill_rate(inventory: pd.DataFrame) -> float:
    """Units shipped / units customers asked for, over all warehouses (NaN without requests)."""
    requested = inventory["requested_units"].sum()
    return float(inventory["shipped_units"].sum() / requested) if requested > 0 else float("nan")


def days_of_supply(inventory: pd.DataFrame, window: int = 28) -> pd.DataFrame:
    """At the last date: stock, units on order, demand a day over the last `window` days, days of supply and
    days of inventory position.

    Days of supply = stock on hand / average daily units requested; position days = (on hand + on order) /
    the same demand (unmet demand is lost in these tables, so there are no backorders to subtract). Both are
    infinite when nothing was requested.
    """
    dates = pd.to_datetime(inventory["date"])
    last = dates.max()
    recent = inventory[dates > last - pd.Timedelta(days=window)]
    demand = recent.groupby(KEYS)["requested_units"].sum() / window
    current = inventory[dates == last].set_index(KEYS)[["stock_close", "on_order_units"]]
    table = current.join(demand.rename("daily_demand")).fillna({"daily_demand": 0.0})
    selling = table["daily_demand"] > 0
    demand_or_one = table["daily_demand"].where(selling, 1.0)
    table["days_of_supply"] = np.where(selling, table["stock_close"] / demand_or_one, np.inf)
    position = table["stock_close"] + table["on_order_units"]
    table["position_days"] = np.where(selling, position / demand_or_one, np.inf)
    return table.reset_index()


def reorder_alerts(
    inventory: pd.DataFrame, lead_time_days: float, window: int = 28, cover_days: float | None = None
) -> pd.DataFrame:
    """库存预警: warehouse–SKUs whose inventory position is below lead-time demand, worst first.

    The textbook reorder rule: inventory position (on hand + on order − backorders) at or below the demand of
    one lead time means the shelf will empty before anything not yet ordered can arrive. Stock already on its
    way counts, so a line whose open order covers the lead time raises no alert. `suggested_units` tops the
    position up to `cover_days` of demand (default twice the lead time, at least the lead time), so every
    alert suggests more than zero units.
    """
    cover = max(2 * lead_time_days if cover_days is None else cover_days, lead_time_days)
    supply = days_of_supply(inventory, window)
    alerts = supply[supply["position_days"] < lead_time_days].copy()
    position = alerts["stock_close"] + alerts["on_order_units"]
    alerts["order_on_the_way"] = alerts["on_order_units"] > 0
    alerts["suggested_units"] = np.ceil(alerts["daily_demand"] * cover - position).astype(int)
    return alerts.sort_values(["position_days", "daily_demand"], ascending=[True, False], ignore_index=True)


def sku_abc(orders: pd.DataFrame, skus: pd.DataFrame, a_share: float = 0.8, b_share: float = 0.95) -> pd.DataFrame:
    """SKU margin Pareto: gross profit per SKU, cumulative share and class A (top 80%), B (next 15%), C.

    Ranked by gross profit (amount − cogs) rather than revenue, because the margin pays for fulfilment.
    """
    sales = orders.groupby("sku_id").agg(units=("quantity", "sum"), revenue=("amount", "sum"), cogs=("cogs", "sum"))
    table = (
        skus[["sku_id", "category"]]
        .merge(sales.reset_index(), on="sku_id", how="left")
        .fillna({"units": 0, "revenue": 0.0, "cogs": 0.0})
    )
    table["gross_profit"] = table["revenue"] - table["cogs"]
    table["gross_margin"] = np.where(
        table["revenue"] > 0, table["gross_profit"] / table["revenue"].where(table["revenue"] > 0, 1), np.nan
    )
    table = table.sort_values("gross_profit", ascending=False, ignore_index=True)
    total = table["gross_profit"].clip(lower=0).sum()
    table["cumulative_share"] = table["gross_profit"].clip(lower=0).cumsum() / total if total > 0 else np.nan
    previous = table["cumulative_share"].shift(1, fill_value=0.0)
    table["abc_class"] = np.select([previous < a_share, previous < b_share], ["A", "B"], default="C")
    return table


def slow_movers(inventory: pd.DataFrame, skus: pd.DataFrame, window: int = 60, slow_days: float = 90) -> pd.DataFrame:
    """滞销品 and dead stock at the last date, by warehouse and SKU, with the cash they tie up.

    Dead stock: units on hand and nothing shipped in the last `window` days. Slow mover: days of supply at the
    recent shipping pace above `slow_days`. Sorted by stock value, largest first.
    """
    dates = pd.to_datetime(inventory["date"])
    last = dates.max()
    recent = inventory[dates > last - pd.Timedelta(days=window)]
    pace = recent.groupby(KEYS)["shipped_units"].sum() / window
    current = inventory[dates == last].set_index(KEYS)["stock_close"]
    table = pd.DataFrame({"stock_close": current, "daily_sales": pace.reindex(current.index, fill_value=0.0)})
    with np.errstate(divide="ignore", invalid="ignore"):
        pace_days = table["stock_close"] / table["daily_sales"]
        table["days_of_supply"] = np.where(table["daily_sales"] > 0, pace_days, np.inf)
    table = table.reset_index()
    table["stock_value"] = table["stock_close"] * _unit_cost(table, skus)
    dead = (table["stock_close"] > 0) & (table["daily_sales"] == 0)
    slow = ~dead & (table["days_of_supply"] > slow_days)
    table["status"] = np.select([dead, slow], ["dead stock", "slow mover 滞销"], default="")
    flagged = table[table["status"] != ""]
    return flagged.sort_values("stock_value", ascending=False, ignore_index=True)
