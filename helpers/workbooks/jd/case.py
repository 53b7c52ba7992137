"""The JD workbook's glue: joins its tables into delivery, speed-outcome and P&L views, and computes the typed
results its review card is built from.

Delivery speed is read in calendar days (same day, next day, later) because that is what the 211 promise and
the customer see. Outcomes by speed are standardised to the overall category mix, so that a category that is
both slow (bulky appliances) and rarely returned does not masquerade as a speed effect.

Reader-facing words come from the `jd` message catalog (`helpers/catalogs/<lang>/jd.yaml`): category values shown
in tables and charts (speed buckets, stock sources, regions, P&L lines, alert reasons) are mapped through it.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from generators import jd
from helpers.analysis import alerts, finance, inventory, membership
from helpers.core import fmt
from helpers.core.messages import has, message
from helpers.notebook import plots
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
    """Orders, raw return rate and raw first-order repurchase rate per speed bucket (category mix not held fixed)."""
    first = first_orders_with_repurchase(view, days)
    table = view.groupby("speed", observed=False).agg(orders=("order_id", "size"), return_rate=("returned", "mean"))
    table["repurchase_rate"] = first.groupby("speed", observed=False)["repurchased"].mean()
    return table.reset_index().rename(
        columns={"return_rate": "raw_return_rate", "repurchase_rate": "raw_repurchase_rate"}
    )


def on_time_by_cutoff(view: pd.DataFrame) -> pd.DataFrame:
    """Orders, 211 eligibility and on-time share per order-time cut-off window."""
    table = (
        view.groupby("cutoff")
        .agg(orders=("order_id", "size"), eligible=("eligible_211", "mean"), on_time=("on_time_211", "mean"))
        .reset_index()
    )
    order = {window: rank for rank, window in enumerate(jd.CUTOFFS)}  # the day's order; unknown windows last
    return table.sort_values("cutoff", key=lambda c: c.map(order).fillna(len(order)), ignore_index=True)


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
    return pd.DataFrame({"cash_conversion_days": values}, index=pd.Index(days, name="supplier_payment_days"))


# ---------------------------------------------------------------- typed results for the review card


@dataclass(frozen=True)
class Delivery:
    """Delivery speed and what it did; field names are the recorded metric names."""

    on_time_211_share: float
    """Share of all orders delivered within the 211 promise."""
    median_delivery_hours: float
    """Median hours from payment to delivery."""
    return_rate_fast: float
    """Return rate of same/next-day orders, standardised to the overall category mix."""
    return_rate_slow: float
    """Return rate of slower orders, standardised to the overall category mix."""
    repurchase_rate_fast: float
    """First-time buyers back within 90 days after a fast first delivery, category mix held fixed."""
    repurchase_rate_slow: float
    """The same after a slow first delivery."""


@dataclass(frozen=True)
class Plus:
    """PLUS membership read three ways; field names are the recorded metric names."""

    plus_member_share: float
    """Share of buyers who held a membership."""
    plus_naive_spend_ratio: float
    """Mean spend per member buyer ÷ per non-member buyer (selection and effect mixed); NaN without both groups."""
    plus_causal_uplift: float
    """Members' spend observed ÷ the same members with membership's effect switched off; NaN for own data."""
    plus_causal_uplift_low: float
    """Lower bound of the causal uplift's 95% interval (delta method over customers)."""
    plus_causal_uplift_high: float
    """Upper bound of that interval."""
    plus_before_after_uplift: float
    """Joiners' order rate after joining ÷ before, calendar taken out; NaN without eligible joiners."""
    plus_joiners: int
    """Joiners behind the before/after comparison."""


@dataclass(frozen=True)
class Stock:
    """Inventory discipline and the alerts raised on it; field names are the recorded metric names."""

    inventory_turnover_days: float
    """Average stock at cost ÷ cost of goods shipped a day."""
    stockout_rate: float
    """Share of warehouse–SKU–days that closed empty."""
    reorder_alerts: int
    """Warehouse–SKU lines whose inventory position is below lead-time demand at the last date."""
    anomaly_alerts: int
    """Anomalous days × metrics (orders, GMV)."""
    anomaly_alerts_on_festivals: int
    """Of those, the ones the festival calendar explains."""
    forecast_mape: float
    """Holdout forecast error, weighted by units."""


@dataclass(frozen=True)
class Money:
    """Margins and the cash cycle; field names are the recorded metric names."""

    gross_margin: float
    """Gross profit ÷ revenue."""
    fulfillment_cost_ratio: float
    """Fulfilment (warehousing, delivery, returns handling) ÷ revenue."""
    net_margin: float
    """Net profit ÷ revenue."""
    cash_conversion_days: float
    """Inventory days + receivable days − supplier payment days."""


@dataclass(frozen=True)
class Levers:
    """The parameters the card quotes as evidence."""

    regional_stock_coverage: float
    """Share of SKUs each regional warehouse stocks."""
    order_up_to_days: float
    """Days of planned demand a replenishment order fills up to."""
    reorder_point_days: float
    """Days of planned demand at which a line reorders."""
    lead_time_days: int
    """Days from a supplier order to its arrival."""
    supplier_payment_days: float
    """Days before suppliers are paid."""


@dataclass(frozen=True)
class Result:
    """Everything the JD review card judges: built by this module from the tables and parameters."""

    delivery: Delivery
    plus: Plus
    stock: Stock
    money: Money
    levers: Levers


def metrics(part: Delivery | Plus | Stock | Money) -> dict[str, Any]:
    """A result's fields as `{metric name: value}`, for recording."""
    return asdict(part)


def delivery_result(view: pd.DataFrame, days: int = 90) -> Delivery:
    """The delivery figures of a `delivery_view`."""
    speed = outcomes_by_speed(view, days)
    return Delivery(
        on_time_211_share=float(view["on_time_211"].mean()) if len(view) else float("nan"),
        median_delivery_hours=float(view["delivery_hours"].median()) if len(view) else float("nan"),
        **speed,
    )


def plus_result(tables: Mapping[str, pd.DataFrame], alternative: Mapping[str, pd.DataFrame] | None) -> Plus:
    """PLUS read naively, causally (with its interval; NaN without a counterfactual) and before/after joining."""
    orders, memberships = tables["orders"], tables["memberships"]
    nan = float("nan")
    uplift, (low, high) = (nan, (nan, nan))
    if alternative is not None:
        uplift = membership.causal_uplift(orders, alternative["orders"])
        low, high = membership.causal_uplift_interval(orders, alternative["orders"])
    before_after = membership.before_after_uplift(orders, memberships)
    buyers = orders["customer_id"].drop_duplicates()
    return Plus(
        plus_member_share=float(buyers.isin(membership.member_ids(memberships)).mean()) if len(buyers) else nan,
        plus_naive_spend_ratio=membership.naive_spend_ratio(orders, memberships),
        plus_causal_uplift=uplift,
        plus_causal_uplift_low=low,
        plus_causal_uplift_high=high,
        plus_before_after_uplift=before_after["uplift"],
        plus_joiners=int(before_after["joiners"]),
    )


def stock_result(
    stock: pd.DataFrame, skus: pd.DataFrame, reorder: pd.DataFrame, found: pd.DataFrame, forecast_mape: float
) -> Stock:
    """Turnover and stock-outs of the daily inventory, with the counts of the alerts raised on it."""
    return Stock(
        inventory_turnover_days=inventory.turnover_days(stock, skus),
        stockout_rate=inventory.stockout_rate(stock),
        reorder_alerts=len(reorder),
        anomaly_alerts=len(found),
        anomaly_alerts_on_festivals=int((alerts.calendar_reason(found["date"]) != "").sum()),
        forecast_mape=forecast_mape,
    )


def money_result(statement: pd.DataFrame, cycle: Mapping[str, float]) -> Money:
    """Margins of the income statement and the cash conversion cycle."""
    return Money(**finance.margins(statement), cash_conversion_days=cycle["cash_conversion_days"])


def levers(values: Mapping[str, Any]) -> Levers:
    """The card's levers from the run's parameters."""
    return Levers(**{name: values[name] for name in Levers.__dataclass_fields__})


# ---------------------------------------------------------------- reader-facing tables and words


def shown(column: str, value: object) -> str:
    """A category value of `column` as the reader sees it (`jd.values.<column>.<value>`), or the value itself."""
    key = f"jd.values.{column}.{value}"
    return message(key) if has(key) else str(value)


def readable(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of `frame` whose category `columns` show reader-facing words instead of code values."""
    return frame.assign(**{c: frame[c].map(lambda v, c=c: shown(c, v)) for c in columns})


def region_names(regions: Iterable[object]) -> list[str]:
    """Short region names for chart ticks ("North" / "华北"); unknown regions keep their own name."""
    return [shown("region_short", r) if has(f"jd.values.region_short.{r}") else str(r) for r in regions]


def kpi_tree(view: pd.DataFrame, delivery: Delivery) -> pd.DataFrame:
    """The strategy's chain as a table: stock coverage → 211 speed → returns and repurchase → profit."""
    d = delivery
    measured = {
        "regional": fmt.pct((view["stock_source"] == "regional").mean() if len(view) else float("nan")),
        "on_time": fmt.pct(d.on_time_211_share),
        "fast": fmt.pct(same_or_next_day_share(view)),
        "returns": message("jd.kpi.pair", fast=d.return_rate_fast, slow=d.return_rate_slow),
        "repurchase": message("jd.kpi.pair", fast=d.repurchase_rate_fast, slow=d.repurchase_rate_slow),
    }
    return pd.DataFrame(
        [
            {
                "kpi_node": message(f"jd.kpi.{name}.node"),
                "kpi_measured": value,
                "kpi_how": message(f"jd.kpi.{name}.how"),
            }
            for name, value in measured.items()
        ]
    )


def statement_table(statement: pd.DataFrame) -> pd.DataFrame:
    """The income statement with its lines in the reader's language."""
    return statement.assign(line=statement["line"].map(lambda line: shown("line", line)))


def pnl_waterfall(statement: pd.DataFrame) -> Axes:
    """The P&L from revenue to net profit as a waterfall, every bar named in the reader's language."""
    steps = [(shown("line", name), value) for name, value in finance.waterfall_steps(statement)]
    ax = plots.waterfall(steps, title=message("jd.charts.pnl.title"), ylabel="¥")
    names = [name for name, _ in steps] + [message("jd.charts.pnl.result")]  # the last bar is the result
    ax.set_xticks(range(len(names)), [textwrap.fill(name, 12) for name in names], rotation=0)  # long names wrap
    return ax


def cycle_chart(inventory_days: float, receivable_days: float, payable_days: float) -> Axes:
    """The cash conversion cycle for each supplier payment term, with this run's terms marked."""
    curve = cycle_curve(inventory_days, receivable_days)
    ax = plots.lines(
        curve.set_axis([message("jd.charts.cycle.line")], axis=1),
        title=message("jd.charts.cycle.title"),
        xlabel=message("jd.charts.cycle.x"),
        ylabel=message("jd.charts.cycle.y"),
    )
    ax.axhline(0, color="black", linewidth=0.8)
    this_run = finance.cash_conversion_cycle(inventory_days, receivable_days, payable_days)
    ax.scatter([payable_days], [this_run], color=plots.BAD, zorder=3, label=message("jd.charts.cycle.this_run"))
    ax.legend(loc="upper right")
    return ax


_RUN_UP = re.compile(r"run-up to (?P<name>.+), (?P<days>\d+) days? before")
_AFTER = re.compile(r"after (?P<name>.+), demand pulled forward")


def alert_reason(reason: str) -> str:
    """An anomaly alert's reason (from `helpers.analysis.alerts`) in the reader's language."""
    if match := _RUN_UP.fullmatch(reason):
        return message("jd.alerts.run_up", name=shown("festival", match["name"]), days=int(match["days"]))
    if match := _AFTER.fullmatch(reason):
        return message("jd.alerts.after", name=shown("festival", match["name"]))
    if reason == alerts.UNEXPLAINED:
        return message("jd.alerts.unexplained")
    return shown("festival", reason)


def alerts_table(found: pd.DataFrame) -> pd.DataFrame:
    """Anomaly alerts with metric, direction and reason in the reader's language."""
    shown_alerts = readable(found, ["metric", "direction"]).rename(columns={"value": "observed"})
    return shown_alerts.assign(reason=found["reason"].map(alert_reason))
