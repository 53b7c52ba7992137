"""The your-shop workbook (04): the five-step review over an order export, from loading to the 复盘 card.

Keeps the notebook thin: one call per step returns the figures the story, the charts and the review card need.
With no `transactions_csv` the workbook runs on the generated demo shop (`generators.your_shop`), passed through
the same checks as a user's file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from generators import your_shop
from generators.common import config_from
from helpers.analysis.customers import (
    LAPSED_LIMIT,
    check_lapse_days,
    customer_summary,
    lapsed_share,
    lifecycle_tiers,
    tier_table,
)
from helpers.analysis.ltv import GG_INDEPENDENCE_LIMIT, LtvResult
from helpers.analysis.rfm import rfm_cutoffs, rfm_flags, rfm_segments, segment_table
from helpers.core import fmt
from helpers.core.errors import ParameterError
from helpers.core.messages import message
from helpers.io.orders import REQUIRED, column_map, from_frame, load_transactions, read_transactions
from helpers.notebook import plots
from helpers.notebook.params import read_spec
from helpers.notebook.review import ReviewCard

WORKBOOK = "04_your_shop_review"
DEMO_COLUMNS = {"quantity": "quantity", "channel": "channel", "sku": "sku", "city": "city"}
TOP_SHARE_LIMIT = 0.8  # the "80/20" line: above it, a fifth of customers bring more than 80% of revenue
REPEAT_BENCHMARK = 0.39  # Perfect Diary's DTC cohort repeat rate, Q3 2018–19 cohorts (IPO deck, docs/SOURCES.md)
REPEAT_WINDOW_DAYS = 270  # the benchmark's window: repeat within 270 days of the first order
HOLDOUT_TOLERANCE = 0.15  # the model "holds up" when its holdout total is within ±15% of the actual
MIN_CUSTOMERS = 30  # below this, shares and a fitted model say more about chance than about the shop (assumption)
MIN_HOLDOUT_PURCHASES = 20  # fewer repeat purchases in the holdout cannot test the model (assumption)


# ---------------------------------------------------------------- parameters and data


def check_parameters(values: Mapping[str, Any]) -> None:
    """Rules across parameters: sleeping before churned, a readable calibration date, an existing export file."""
    check_lapse_days(values["sleeping_days"], values["churned_days"])
    if values["calibration_end"]:
        try:
            pd.Timestamp(values["calibration_end"])
        except ValueError:
            raise ParameterError(
                message("errors.rule.calibration_date", value=repr(values["calibration_end"]))
            ) from None
    path = values["transactions_csv"]
    if path and not Path(path).is_file():
        raise ParameterError(message("errors.rule.no_file", path=repr(path), cwd=Path.cwd()))


def check_export(path: str | Path, values: Mapping[str, object] | None = None) -> tuple[list[str], str]:
    """Problems in an export read with workbook parameters (`col_…`, `encoding`), and a one-line summary if none.

    The entry point for `casebook check-data your_shop FILE -p col_order_id 订单编号 …`: names and values are
    checked against the workbook's parameters cell first, so a typo gets the same message as in `casebook run`.
    """
    checked = read_spec(WORKBOOK).validate(dict(values or {}))
    frame, problems = read_transactions(path, str(checked.get("encoding", "auto")), column_map(checked))
    if problems:
        return problems, ""
    first, last = frame["order_date"].min(), frame["order_date"].max()
    orders, customers = len(frame), frame["customer_id"].nunique()
    return [], (
        f"{orders:,} order{'s' if orders != 1 else ''} from {customers:,} customer"
        f"{'s' if customers != 1 else ''}, {first:%Y-%m-%d} to {last:%Y-%m-%d}"
    )


def demo_export(values: Mapping[str, Any]) -> pd.DataFrame:
    """The demo shop's orders as a back-end would export them: one row per order with the buyer's city."""
    tables = your_shop.generate(config_from(your_shop.Config, dict(values)))
    city = tables["customers"].set_index("customer_id")["city"]
    return tables["orders"].assign(city=tables["orders"]["customer_id"].map(city))


def load(values: Mapping[str, Any]) -> tuple[pd.DataFrame, str, dict[str, str]]:
    """Typed orders (item lines collapsed), where they came from and the column mapping used.

    Your export with the `col_…` mapping when `transactions_csv` is set, otherwise the demo shop.
    """
    path = values["transactions_csv"]
    if path:
        mapping = column_map(values)
        frame = load_transactions(path, encoding=values["encoding"], columns=mapping)
        return collapse_lines(frame), f"your export {Path(path).name}", mapping
    mapping = {name: name for name in REQUIRED} | DEMO_COLUMNS
    demo = from_frame(demo_export(values), mapping, "demo orders")
    return demo, f"the generated demo shop (seed {values['seed']}, scale {values['scale']:g})", mapping


def collapse_lines(transactions: pd.DataFrame) -> pd.DataFrame:
    """One row per order: item lines of the same order (exports with a SKU column) summed into one order."""
    if not transactions["order_id"].duplicated().any():
        return transactions
    sums = {c: "sum" for c in ("amount", "quantity") if c in transactions}
    firsts = {c: "first" for c in transactions.columns if c not in sums and c != "order_id"}
    return transactions.groupby("order_id", sort=False, as_index=False).agg(firsts | sums)


# ---------------------------------------------------------------- background and execution


def overview(orders: pd.DataFrame) -> dict[str, Any]:
    """Customers, orders, revenue, average order, period covered and the share of customers who ordered again."""
    per_customer = orders.groupby("customer_id").size()
    revenue = float(orders["amount"].sum())
    return {
        "customers": len(per_customer),
        "orders": len(orders),
        "revenue": revenue,
        "aov": revenue / len(orders) if len(orders) else np.nan,
        "first": orders["order_date"].min(),
        "last": orders["order_date"].max(),
        "repeat_customer_share": float((per_customer > 1).mean()) if len(per_customer) else np.nan,
        "repeat_rate_270d": cohort_repeat_rate(orders),
        "orders_per_customer": float(per_customer.mean()) if len(per_customer) else np.nan,
    }


def cohort_repeat_rate(orders: pd.DataFrame, days: int = REPEAT_WINDOW_DAYS) -> float:
    """Share of customers who ordered again within `days` of their first order, over the customers whose first
    order is at least `days` before the last order in the data — comparable with a cohort benchmark, unlike
    "ever ordered twice" (NaN when no customer has been observed that long)."""
    dates = pd.to_datetime(orders["order_date"])
    first = dates.groupby(orders["customer_id"]).transform("min")
    window = pd.Timedelta(days=days)
    cohort = first[first <= dates.max() - window].index
    cohort_customers = orders.loc[cohort, "customer_id"].unique()
    again = orders.loc[(dates > first) & (dates <= first + window), "customer_id"].unique()
    return float(np.isin(cohort_customers, again).mean()) if len(cohort_customers) else float("nan")


def monthly(orders: pd.DataFrame) -> pd.DataFrame:
    """Revenue, orders and buying customers per calendar month."""
    month = orders["order_date"].dt.to_period("M").dt.to_timestamp()
    return orders.groupby(month).agg(
        revenue=("amount", "sum"), orders=("order_id", "size"), customers=("customer_id", "nunique")
    )


def breakdown(orders: pd.DataFrame, column: str, top: int = 10) -> pd.DataFrame | None:
    """Orders, revenue and revenue share by an optional column (channel, SKU, city), biggest first; None if absent."""
    if column not in orders:
        return None
    table = orders.groupby(column, observed=True).agg(orders=("order_id", "size"), revenue=("amount", "sum"))
    table["revenue_share"] = table["revenue"] / table["revenue"].sum()
    table = table.sort_values(["revenue", "orders"], ascending=False).head(top)
    return table.reset_index().astype({column: str})


def customers(orders: pd.DataFrame, values: Mapping[str, Any]) -> dict[str, Any]:
    """Customer summary, lifecycle tiers, RFM segments and their tables, at the day after the last order."""
    summary = customer_summary(orders)
    tiers = lifecycle_tiers(
        summary,
        sleeping_days=values["sleeping_days"],
        churned_days=values["churned_days"],
        high_value_share=values["high_value_share"],
    )
    cutoffs = rfm_cutoffs(summary, values["rfm_cutoff"])
    segments = rfm_segments(summary, cutoffs)
    return {
        "summary": summary,
        "tier_series": tiers,
        "tier_table": tier_table(summary, tiers),
        "cutoffs": cutoffs,
        "segments": segments,
        "segment_table": segment_table(summary, segments),
        "m_high": rfm_flags(summary, cutoffs)["m_high"],
    }


def kpi_tree(size: Mapping[str, Any]) -> pd.DataFrame:
    """Revenue decomposed as customers × orders per customer × revenue per order, with the lever of each."""
    return pd.DataFrame(
        {
            "level": ["Revenue", "  = customers", "  × orders per customer", "  × revenue per order"],
            "value": [
                fmt.yuan(size["revenue"]),
                fmt.num(size["customers"]),
                fmt.num(size["orders_per_customer"], 2),
                fmt.yuan(size["aov"]),
            ],
            "lever": ["—", "acquisition", "retention, reactivation", "bundles, price bands, cross-selling"],
        }
    )


def english(label: str) -> str:
    """The English part of a bilingual label ('沉睡 sleeping' → 'sleeping'), for chart text."""
    return label.split(" ", 1)[1] if " " in label else label


# ---------------------------------------------------------------- the review card


def build_review(m: Mapping[str, Any], values: Mapping[str, Any], ltv: LtvResult) -> ReviewCard:
    """The 复盘 card of the customer base from the recorded metrics, by explicit rules."""
    card = ReviewCard("复盘 Review card — your customer base")
    enough = m["customers"] >= MIN_CUSTOMERS
    too_few = f"only {fmt.num(m['customers'])} customers, too few to judge (at least {MIN_CUSTOMERS} are needed)"

    def base(value: Any) -> Any:
        return value if enough else None

    card.judge(
        "concentration",
        base(m["top20_revenue_share"]),
        "<=",
        TOP_SHARE_LIMIT,
        worked=f"Revenue is spread beyond a few buyers: the top 20% of customers bring "
        f"{fmt.pct(m['top20_revenue_share'])} of revenue.",
        failed=f"Concentration risk: the top 20% of customers bring {fmt.pct(m['top20_revenue_share'])} of revenue; "
        "losing a handful of them would hurt.",
        evidence=f"Pareto line at {fmt.pct(TOP_SHARE_LIMIT, 0)}; top 1% bring {fmt.pct(m['top1_revenue_share'])}",
        missing=too_few,
    )
    card.judge(
        "repeat",
        base(m["repeat_rate_270d"]),
        ">=",
        REPEAT_BENCHMARK,
        worked=f"Customers come back: {fmt.pct(m['repeat_rate_270d'])} of customers ordered again within "
        f"{REPEAT_WINDOW_DAYS} days of their first order.",
        failed=f"Retention is the weak spot: only {fmt.pct(m['repeat_rate_270d'])} of customers ordered again "
        f"within {REPEAT_WINDOW_DAYS} days of their first order.",
        evidence=f"benchmark {fmt.pct(REPEAT_BENCHMARK, 0)}: Perfect Diary's DTC cohort repeat rate within "
        f"{REPEAT_WINDOW_DAYS} days (IPO deck, 2019), compared on customers observed that long; "
        f"{fmt.pct(m['repeat_customer_share'])} ever ordered twice",
        missing=too_few
        if not enough
        else f"no customer's first order is {REPEAT_WINDOW_DAYS} days before the end "
        "of the data, so no cohort can be compared with the benchmark",
    )
    lapsed = lapsed_share(m["sleeping_share"], m["churned_share"])
    card.judge(
        "sleeping",
        base(lapsed),
        "<",
        LAPSED_LIMIT,
        worked=f"Most customers are still active: {fmt.pct(lapsed)} are 沉睡 sleeping or 流失 churned "
        f"({fmt.pct(m['sleeping_share'])} sleeping, {fmt.pct(m['churned_share'])} churned).",
        failed=f"Most customers have lapsed: {fmt.pct(lapsed)} are 沉睡 sleeping or 流失 churned "
        f"({fmt.pct(m['sleeping_share'])} sleeping, {fmt.pct(m['churned_share'])} churned) — a win-back "
        "campaign has a large audience.",
        evidence=f"sleeping after {values['sleeping_days']} days, churned after {values['churned_days']} days; "
        f"limit: a majority ({fmt.pct(LAPSED_LIMIT, 0)}) lapsed, the same rule as workbook 00",
        missing=too_few,
    )
    testable = not fmt.is_missing(m["holdout_predicted"]) and (m["holdout_actual"] or 0) >= MIN_HOLDOUT_PURCHASES
    error = abs(m["holdout_predicted"] / m["holdout_actual"] - 1) if testable and enough else None
    card.judge(
        "model_holds_up",
        error,
        "<=",
        HOLDOUT_TOLERANCE,
        worked=f"The BG/NBD model holds up on data it did not see: it predicted "
        f"{fmt.num(m['holdout_predicted'])} repeat purchase days in the holdout against "
        f"{fmt.num(m['holdout_actual'])} actual.",
        failed=f"The BG/NBD model misses the holdout: {fmt.num(m['holdout_predicted'])} predicted against "
        f"{fmt.num(m['holdout_actual'])} actual; treat its customer values as rough.",
        evidence=f"calibration to {ltv.calibration_end:%Y-%m-%d}, holdout to {ltv.observation_end:%Y-%m-%d}; "
        f"tolerance ±{fmt.pct(HOLDOUT_TOLERANCE, 0)}",
        missing=too_few
        if not enough
        else (
            f"the holdout holds {fmt.num(m['holdout_actual'])} repeat purchases, fewer than the "
            f"{MIN_HOLDOUT_PURCHASES} needed to test the model"
            if not fmt.is_missing(m["holdout_predicted"])
            else "the model did not converge on this data"
        ),
    )
    card.note(
        "why",
        "why",
        f"{fmt.pct(m['one_order_share'])} of customers bought once; a repeat customer has spent "
        f"{fmt.ratio(m['repeat_value_ratio'])} as much as a one-time buyer, so the base's value lives in "
        "repeat purchases.",
        "revenue per customer, repeat vs one-time buyers",
    )
    card.note(
        "breakthrough",
        "breakthrough",
        f"Win back the {fmt.num(m['winback_customers'])} sleeping customers who spent above the average "
        "(RFM M↑, not the 高价值 tier) first, best expected "
        f"value at the top ({fmt.yuan(m['winback_value'])} over 12 months in all): a ranked list, not a "
        "blanket discount.",
        "win-back list ranked by expected 12-month value (BG/NBD × Gamma-Gamma)",
    )
    card.note(
        "logic",
        "logic",
        "底层逻辑: spend retention money where expected value is highest and still alive. Surface action: "
        "sending the same coupon to every customer who has not ordered lately.",
        f"expected 12-month value per customer {fmt.yuan(m['ltv_12m_mean'])} on average",
    )
    card.note(
        "risk",
        "risk",
        "BG/NBD assumes customers buy at a steady rate until they silently leave; strong seasonality (双11, "
        "618) or a changed assortment break that, so re-check the holdout after each big campaign.",
        f"holdout of {fmt.days(m['holdout_length_days'], 0)}",
    )
    corr = m["gg_spend_frequency_corr"]
    if not fmt.is_missing(corr) and abs(corr) > GG_INDEPENDENCE_LIMIT:
        card.note(
            "risk_gamma_gamma",
            "risk",
            f"Gamma-Gamma assumes that what a customer spends per purchase does not depend on how often they "
            f"buy, but here the two correlate (r = {fmt.num(corr, 2)}): the expected values are biased, so use "
            "them to rank customers, not as amounts of money.",
            f"correlation of repeat purchase days and spend per purchase; limit ±{GG_INDEPENDENCE_LIMIT:g}",
        )
    card.note(
        "next",
        "next",
        f"Contact the top of the win-back list (written to {m['winback_file']}), hold out a random tenth as "
        "a control group, and compare their orders after 30 days.",
        "A/B holdout, as in Kohavi, Tang & Xu (2020)",
    )
    return card


# ---------------------------------------------------------------- value figures for the story and the card


def repeat_value(summary: pd.DataFrame) -> dict[str, float]:
    """Share of one-order customers and how many times more a repeat customer spends than a one-time buyer."""
    once = summary["orders"].to_numpy() == 1
    one_time, repeat = summary["revenue"][once].mean(), summary["revenue"][~once].mean()
    return {
        "one_order_share": float(once.mean()) if len(once) else np.nan,
        "repeat_value_ratio": float(repeat / one_time) if one_time and np.isfinite(repeat) else np.nan,
    }


def segment_values(segments: pd.Series, values: pd.DataFrame) -> pd.DataFrame:
    """Per RFM segment: customers, mean probability alive and mean and total expected 12-month value."""
    frame = values[["p_alive", "expected_value"]].join(segments.rename("segment"))
    table = frame.groupby("segment", observed=False).agg(
        customers=("expected_value", "size"),
        p_alive=("p_alive", "mean"),
        value_mean=("expected_value", "mean"),
        value_total=("expected_value", "sum"),
    )
    return table.reset_index()


def data_glance(orders: pd.DataFrame, mapping: Mapping[str, str]) -> pd.DataFrame:
    """Each column the workbook uses: its role, its header in the export and an example value."""
    return pd.DataFrame(
        {
            "role": list(mapping),
            "column in the export": list(mapping.values()),
            "example": [str(orders[role].iloc[0]) if len(orders) else "" for role in mapping],
        }
    )


def parameters_frame(ltv: LtvResult) -> pd.DataFrame:
    """The fitted BG/NBD and Gamma-Gamma parameters with what each one means."""
    meaning = {
        "r": "BG/NBD: shape of purchase rates across customers",
        "alpha": "BG/NBD: scale of purchase rates (days)",
        "a": "BG/NBD: drop-out probability, shape 1",
        "b": "BG/NBD: drop-out probability, shape 2",
        "p": "Gamma-Gamma: shape of spend per purchase",
        "q": "Gamma-Gamma: shape of spend across customers",
        "v": "Gamma-Gamma: scale of spend across customers (¥)",
    }
    params = ltv.fit_purchases.params | ltv.fit_spend.params
    return pd.DataFrame(
        {"parameter": list(params), "estimate": list(params.values()), "meaning": [meaning[name] for name in params]}
    )


def plot_holdout(table: pd.DataFrame) -> Axes:
    """Grouped bars: mean repeat purchase days in the holdout, predicted vs actual, by calibration frequency."""
    ax = plots.new_axes()
    positions = np.arange(len(table))
    ax.bar(positions - 0.2, table["actual"], width=0.4, label="actual", color=plots.PALETTE[0])
    ax.bar(positions + 0.2, table["predicted"], width=0.4, label="predicted (BG/NBD)", color=plots.PALETTE[1])
    ax.set_xticks(positions, table["group"].tolist())
    ax.legend()
    return plots.label(
        ax,
        "Holdout check: repeat purchase days per customer",
        "Repeat purchase days in calibration",
        "Mean repeat purchase days in holdout",
    )
