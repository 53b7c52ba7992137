"""The your-shop workbook (04): the five-step review over an order export, from loading to the 复盘 card.

Keeps the notebook thin: one call per step returns the figures the story, the charts and the review card need.
With no `transactions_csv` the workbook runs on the generated demo shop (`generators.your_shop`), passed through
the same checks as a user's file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from generators import your_shop
from generators.common import config_from
from helpers.analysis import rfm
from helpers.analysis.customers import (
    CHURNED,
    HIGH_VALUE,
    LAPSED_LIMIT,
    NEW,
    RETURNING,
    SLEEPING,
    check_lapse_days,
    customer_summary,
    lapsed_share,
    lifecycle_tiers,
    tier_share,
    tier_table,
)
from helpers.analysis.ltv import (
    GG_INDEPENDENCE_LIMIT,
    LtvResult,
    expected_purchases,
)
from helpers.analysis.rfm import rfm_cutoffs, rfm_flags, rfm_segments, segment_table
from helpers.core import fmt
from helpers.core.errors import ParameterError
from helpers.core.messages import has, label, message
from helpers.core.paths import notebooks_dir
from helpers.io.orders import REQUIRED, column_map, from_frame, load_transactions, read_transactions
from helpers.notebook import plots, story
from helpers.notebook.params import read_spec
from helpers.notebook.review import WORKED, ReviewCard

WORKBOOK = "04_your_shop_review"
DEMO_COLUMNS = {"quantity": "quantity", "channel": "channel", "sku": "sku", "city": "city"}
TOP_SHARE_LIMIT = 0.8  # the "80/20" line: above it, a fifth of customers bring more than 80% of revenue
REPEAT_BENCHMARK = 0.39  # Perfect Diary's DTC cohort repeat rate, Q3 2018–19 cohorts (IPO deck, docs/SOURCES.md)
REPEAT_WINDOW_DAYS = 270  # the benchmark's window: repeat within 270 days of the first order
HOLDOUT_TOLERANCE = 0.15  # the model "holds up" when its holdout total is within ±15% of the actual
MIN_CUSTOMERS = 30  # below this, shares and a fitted model say more about chance than about the shop (assumption)
MIN_HOLDOUT_PURCHASES = 20  # fewer repeat purchases in the holdout cannot test the model (assumption)
Z95 = 1.959963984540054  # two-sided 95% normal quantile, scipy.stats.norm.ppf(0.975)
DOMAIN = "your_shop"  # this workbook's message catalog (helpers/catalogs/<lang>/your_shop.yaml)
BREAKDOWNS = ("channel", "sku", "city")  # optional export columns that break revenue down, in the order shown
TIER_KEYS = {NEW: "new", RETURNING: "returning", HIGH_VALUE: "high_value", SLEEPING: "sleeping", CHURNED: "churned"}


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
    orders, customers = len(frame), frame["customer_id"].nunique()
    return [], message(
        f"{DOMAIN}.export_summary.text",
        orders=message(f"{DOMAIN}.export_summary.{'order' if orders == 1 else 'orders'}", n=orders),
        customers=message(f"{DOMAIN}.export_summary.{'customer' if customers == 1 else 'customers'}", n=customers),
        first=f"{frame['order_date'].min():%Y-%m-%d}",
        last=f"{frame['order_date'].max():%Y-%m-%d}",
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
        return collapse_lines(frame), message(f"{DOMAIN}.source.export", name=Path(path).name), mapping
    mapping = {name: name for name in REQUIRED} | DEMO_COLUMNS
    demo = from_frame(demo_export(values), mapping, "demo orders")
    return demo, message(f"{DOMAIN}.source.demo", seed=values["seed"], scale=values["scale"]), mapping


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
    # a hashed lookup: np.isin on arrays of id strings compares every pair (minutes at scale 20)
    return float(pd.Series(cohort_customers).isin(again).mean()) if len(cohort_customers) else float("nan")


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


# ---------------------------------------------------------------- what the reader sees: names, tables, charts


def show(frame: pd.DataFrame, formats: Mapping[str, str] | None = None, *, caption: str = "") -> None:
    """`story.table` with headers from this workbook's label scope (labels_your_shop.yaml), then the shared labels."""
    story.table(frame, formats, caption=caption, scope=DOMAIN)


def shown_columns(frame: pd.DataFrame) -> list[str]:
    """The headers a reader sees for `frame` under `show` (for tests: none may be a raw column name)."""
    return [label(column, scope=DOMAIN) for column in frame.columns]


def tier_name(tier: str) -> str:
    """The reader's name of a lifecycle tier (the analysis keeps its bilingual code, e.g. '沉睡 sleeping')."""
    return message(f"{DOMAIN}.tiers.{TIER_KEYS[tier]}")


def segment_name(segment: str) -> str:
    """The reader's name of an RFM segment ('重要挽留客户' → 'Important to win back' in English)."""
    _, _, r, f, m = next(s for s in rfm.SEGMENTS if s[0] == segment)
    role = {(True, True): "value", (True, False): "develop", (False, True): "keep", (False, False): "winback"}[(r, f)]
    return message(f"{DOMAIN}.segments.{'important' if m else 'general'}_{role}")


def category_name(dimension: str, value: object) -> str:
    """A category of the demo shop (a channel) in the reader's language; a user's own values as they are."""
    key = f"{DOMAIN}.{dimension}s.{value}"
    return message(key) if has(key) else str(value)


def data_glance(orders: pd.DataFrame, mapping: Mapping[str, str]) -> pd.DataFrame:
    """Each column the workbook uses: its role (in words), its header in the export and an example value."""
    return pd.DataFrame(
        {
            "role": [message(f"{DOMAIN}.roles.{role}") for role in mapping],
            "export_column": list(mapping.values()),
            "example": [str(orders[role].iloc[0]) if len(orders) else "" for role in mapping],
        }
    )


def kpi_tree(size: Mapping[str, Any]) -> pd.DataFrame:
    """Revenue decomposed as customers × orders per customer × revenue per order, with the lever of each."""
    levels = ("revenue", "customers", "orders_per_customer", "revenue_per_order")
    levers = ("—", "lever_customers", "lever_orders", "lever_value")
    return pd.DataFrame(
        {
            "level": [message(f"{DOMAIN}.kpi.{name}") for name in levels],
            "value": [
                fmt.yuan(size["revenue"]),
                fmt.num(size["customers"]),
                fmt.num(size["orders_per_customer"], 2),
                fmt.yuan(size["aov"]),
            ],
            "lever": [lever if lever == "—" else message(f"{DOMAIN}.kpi.{lever}") for lever in levers],
        }
    )


def show_breakdowns(orders: pd.DataFrame) -> None:
    """Revenue by each optional column present; when some are missing, which `col_…` parameters would add them."""
    for dimension in BREAKDOWNS:
        table = breakdown(orders, dimension)
        if table is not None:
            table[dimension] = [category_name(dimension, value) for value in table[dimension]]
            caption = message(
                f"{DOMAIN}.breakdown_caption", n=len(table), dimension=message(f"{DOMAIN}.dimensions.{dimension}")
            )
            show(table, {"orders": "num", "revenue": "yuan", "revenue_share": "pct"}, caption=caption)
    missing = [f"`col_{dimension}`" for dimension in BREAKDOWNS if dimension not in orders]
    if len(missing) == len(BREAKDOWNS):
        story.tell(f"{DOMAIN}.no_breakdowns")
    elif missing:
        story.tell(f"{DOMAIN}.more_breakdowns", parameters=", ".join(missing))


def tier_frame(tiers: pd.DataFrame) -> pd.DataFrame:
    """The lifecycle tier table with each tier named in the reader's language."""
    return tiers.assign(tier=[tier_name(t) for t in tiers["tier"].astype(str)])


def segment_frame(segments: pd.DataFrame) -> pd.DataFrame:
    """The RFM segment table as shown: segments named in the reader's language, averages named as such."""
    return (
        segments.drop(columns="english")
        .assign(segment=[segment_name(s) for s in segments["segment"].astype(str)])
        .rename(columns={"recency_days": "mean_recency_days", "orders": "mean_orders"})
    )


def segment_values(segments: pd.Series, values: pd.DataFrame) -> pd.DataFrame:
    """Per RFM segment: customers, mean probability alive and mean and total expected 12-month value."""
    frame = values[["p_alive", "expected_value"]].join(segments.rename("segment"))
    table = frame.groupby("segment", observed=False).agg(
        customers=("expected_value", "size"),
        p_alive=("p_alive", "mean"),
        value_mean=("expected_value", "mean"),
        value_total=("expected_value", "sum"),
    )
    table = table.reset_index()
    return table.assign(segment=[segment_name(s) for s in table["segment"].astype(str)])


def parameters_frame(ltv: LtvResult) -> pd.DataFrame:
    """The fitted BG/NBD and Gamma-Gamma parameters with what each one means."""
    params = ltv.fit_purchases.params | ltv.fit_spend.params
    return pd.DataFrame(
        {
            "parameter": list(params),
            "estimate": list(params.values()),
            "meaning": [message(f"{DOMAIN}.model_parameters.{name}") for name in params],
        }
    )


def mask_buyer(buyer: object) -> str:
    """A buyer id as a shared report may show it: first and last character kept (张三丰 → 张**丰, 张三 → 张*)."""
    text = str(buyer)
    if len(text) <= 1:
        return "*"
    if len(text) == 2:
        return text[0] + "*"
    return f"{text[0]}**{text[-1]}"


def winback_frame(targets: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The head of the win-back list as the report shows it: buyer ids masked (the exported files keep them)."""
    head = targets.head(top)
    return head.assign(customer_id=[mask_buyer(buyer) for buyer in head["customer_id"]])


def file_location(path: Path, output_dir: str) -> str:
    """How the story names a written file: beside the report in a run, from the repository root in JupyterLab."""
    if output_dir:
        return message(f"{DOMAIN}.winback.beside_report", name=path.name)
    return message(f"{DOMAIN}.winback.from_root", path=path.relative_to(notebooks_dir().parent).as_posix())


def plot_holdout(table: pd.DataFrame) -> Axes:
    """Grouped bars: mean repeat purchase days in the holdout, predicted vs actual, by calibration frequency."""
    ax = plots.new_axes()
    positions = np.arange(len(table))
    actual, predicted = message(f"{DOMAIN}.holdout.actual"), message(f"{DOMAIN}.holdout.predicted")
    ax.bar(positions - 0.2, table["actual"], width=0.4, label=actual, color=plots.PALETTE[0])
    ax.bar(positions + 0.2, table["predicted"], width=0.4, label=predicted, color=plots.PALETTE[1])
    ax.set_xticks(positions, table["group"].tolist())
    ax.legend(loc="upper left")
    return plots.label(
        ax,
        message(f"{DOMAIN}.holdout.title"),
        message(f"{DOMAIN}.holdout.xlabel"),
        message(f"{DOMAIN}.holdout.ylabel"),
    )


def headroom(ax: Axes, share: float = 0.1) -> Axes:
    """Room above the tallest bar for its value label, so the label stays inside the axes and off the title."""
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + share * (high - low))
    return ax


def chart_text(name: str) -> dict[str, str]:
    """Title and axis labels of chart `name` from the catalog, as keyword arguments of the `plots` functions."""
    return {part: message(f"{DOMAIN}.{name}.{part}") for part in ("title", "xlabel", "ylabel")}


# ---------------------------------------------------------------- figures for the story and the card


def repeat_value(summary: pd.DataFrame) -> dict[str, float]:
    """Share of one-order customers and how many times more a repeat customer spends than a one-time buyer."""
    once = summary["orders"].to_numpy() == 1
    one_time, repeat = summary["revenue"][once].mean(), summary["revenue"][~once].mean()
    return {
        "one_order_share": float(once.mean()) if len(once) else np.nan,
        "repeat_value_ratio": float(repeat / one_time) if one_time and np.isfinite(repeat) else np.nan,
    }


def holdout_error(ltv: LtvResult) -> tuple[float, float, float]:
    """The holdout's relative error |predicted ÷ actual − 1| with a 95% interval over customers.

    The predicted total is a ratio estimate over the calibration customers, R = ΣP ÷ ΣA; its standard error is
    the ratio estimator's (Cochran 1977, 6.9): √(n/(n−1) · Σ(Pᵢ − R·Aᵢ)²) ÷ ΣA. The interval of R − 1 is mapped to
    its absolute value, so "holds up" needs the whole interval inside the tolerance. NaN without a prediction or
    without holdout purchases.
    """
    frame = ltv.calibration
    predicted = expected_purchases(ltv.holdout_fit, frame["duration_holdout"].to_numpy(), frame)
    actual = frame["frequency_holdout"].to_numpy(dtype=float)
    n, total = len(actual), actual.sum()
    if n < 2 or not total or not np.isfinite(predicted).all():
        return (float("nan"),) * 3
    ratio = predicted.sum() / total
    se = float(np.sqrt(n / (n - 1) * np.sum((predicted - ratio * actual) ** 2)) / total)
    low, high = ratio - 1 - Z95 * se, ratio - 1 + Z95 * se
    inner = 0.0 if low <= 0 <= high else min(abs(low), abs(high))
    return abs(ratio - 1), inner, max(abs(low), abs(high))


@dataclass(frozen=True)
class ShopResult:
    """What the 复盘 card of workbook 04 judges, computed once from the workbook's tables and parameters."""

    customers: int
    """Customers in the data."""
    top20_revenue_share: float
    """Share of revenue from the top 20% of customers by revenue."""
    top1_revenue_share: float
    """Share of revenue from the top 1% of customers."""
    repeat_rate_270d: float
    """Share of customers who ordered again within 270 days of their first order (cohort observed that long)."""
    repeat_customer_share: float
    """Share of customers with two or more orders, ever."""
    sleeping_share: float
    """Share of customers in the 沉睡 sleeping tier."""
    churned_share: float
    """Share of customers in the 流失 churned tier."""
    sleeping_days: int
    """Days without an order after which a customer sleeps (parameter)."""
    churned_days: int
    """Days without an order after which a customer has churned (parameter)."""
    holdout_predicted: float
    """Repeat purchase days BG/NBD predicted for the holdout (NaN when the model did not fit)."""
    holdout_actual: float
    """Repeat purchase days the calibration customers made in the holdout."""
    holdout_error: float
    """|predicted ÷ actual − 1| of the holdout totals."""
    holdout_error_interval: tuple[float, float]
    """95% interval of `holdout_error` over customers (ratio estimator)."""
    calibration_end: str
    """Last day the holdout model learned from (YYYY-MM-DD)."""
    observation_end: str
    """Last day of the holdout (YYYY-MM-DD)."""
    holdout_length_days: int
    """Length of the holdout in days."""
    one_order_share: float
    """Share of customers who bought once."""
    repeat_value_ratio: float
    """Revenue of a repeat customer ÷ revenue of a one-time buyer (NaN when either group is empty)."""
    winback_customers: int
    """Customers on the win-back list (sleeping, RFM M↑)."""
    winback_value: float
    """Their expected 12-month value (¥)."""
    winback_file: str
    """Name of the file the list was written to."""
    ltv_12m_mean: float
    """Expected 12-month value per customer (¥)."""
    gg_spend_frequency_corr: float
    """Correlation of repeat purchase days and spend per purchase (Gamma-Gamma assumes ≈ 0)."""


def shop_result(
    orders: pd.DataFrame,
    base: Mapping[str, Any],
    ltv: LtvResult,
    targets: pd.DataFrame,
    winback_file: str,
    values: Mapping[str, Any],
) -> ShopResult:
    """The card's figures from the workbook's tables (orders, `customers(...)`, the LTV fit, the win-back list)."""
    summary, tiers = base["summary"], base["tier_table"]
    error, low, high = holdout_error(ltv)
    return ShopResult(
        customers=len(summary),
        top20_revenue_share=rfm.top_share(summary["revenue"], 0.2),
        top1_revenue_share=rfm.top_share(summary["revenue"], 0.01),
        repeat_rate_270d=cohort_repeat_rate(orders),
        repeat_customer_share=float((summary["orders"] > 1).mean()),
        sleeping_share=tier_share(tiers, SLEEPING),
        churned_share=tier_share(tiers, CHURNED),
        sleeping_days=int(values["sleeping_days"]),
        churned_days=int(values["churned_days"]),
        holdout_predicted=ltv.holdout_predicted,
        holdout_actual=ltv.holdout_actual,
        holdout_error=error,
        holdout_error_interval=(low, high),
        calibration_end=f"{ltv.calibration_end:%Y-%m-%d}",
        observation_end=f"{ltv.observation_end:%Y-%m-%d}",
        holdout_length_days=(ltv.observation_end - ltv.calibration_end).days,
        **repeat_value(summary),
        winback_customers=len(targets),
        winback_value=float(targets["expected_value"].sum()),
        winback_file=winback_file,
        ltv_12m_mean=float(ltv.values["expected_value"].mean()),
        gg_spend_frequency_corr=ltv.spend_frequency_correlation,
    )


# ---------------------------------------------------------------- the review card


def build_review(r: ShopResult) -> ReviewCard:
    """The 复盘 card of the customer base from `r` alone, by explicit rules; notes follow the verdicts."""
    card = ReviewCard(message(f"{DOMAIN}.review.title"))
    enough = r.customers >= MIN_CUSTOMERS
    too_few = text("too_few", n=r.customers, limit=MIN_CUSTOMERS)

    def base(value: float) -> float | None:
        return value if enough else None

    card.judge(
        "concentration",
        base(r.top20_revenue_share),
        "<=",
        TOP_SHARE_LIMIT,
        worked=text("concentration_worked", top20=r.top20_revenue_share),
        failed=text("concentration_failed", top20=r.top20_revenue_share),
        evidence=text("concentration_evidence", limit=TOP_SHARE_LIMIT, top1=r.top1_revenue_share),
        missing=too_few,
    )
    card.judge(
        "repeat",
        base(r.repeat_rate_270d),
        ">=",
        REPEAT_BENCHMARK,
        worked=text("repeat_worked", rate=r.repeat_rate_270d, days=REPEAT_WINDOW_DAYS),
        failed=text("repeat_failed", rate=r.repeat_rate_270d, days=REPEAT_WINDOW_DAYS),
        evidence=text(
            "repeat_evidence", benchmark=REPEAT_BENCHMARK, days=REPEAT_WINDOW_DAYS, ever=r.repeat_customer_share
        ),
        missing=too_few if not enough else text("repeat_no_cohort", days=REPEAT_WINDOW_DAYS),
    )
    lapsed = lapsed_share(r.sleeping_share, r.churned_share)
    shares = {"lapsed": lapsed, "sleeping": r.sleeping_share, "churned": r.churned_share}
    card.judge(
        "sleeping",
        base(lapsed),
        "<",
        LAPSED_LIMIT,
        worked=text("lapsed_worked", **shares),
        failed=text("lapsed_failed", **shares),
        evidence=text(
            "lapsed_evidence", sleeping_days=r.sleeping_days, churned_days=r.churned_days, limit=LAPSED_LIMIT
        ),
        missing=too_few,
    )
    model = _judge_model(card, r, enough, too_few)
    _notes(card, r, model)
    return card


def _judge_model(card: ReviewCard, r: ShopResult, enough: bool, too_few: str) -> str:
    """The holdout finding: judged on the error's interval, "cannot conclude" while it straddles the tolerance."""
    fitted = not fmt.is_missing(r.holdout_predicted)
    testable = enough and fitted and r.holdout_actual >= MIN_HOLDOUT_PURCHASES
    counts = {"predicted": r.holdout_predicted, "actual": r.holdout_actual}
    if not enough:
        reason = too_few
    elif not fitted:
        reason = text("model_no_fit")
    else:
        reason = text("model_few_purchases", actual=r.holdout_actual, needed=MIN_HOLDOUT_PURCHASES)
    return card.judge(
        "model_holds_up",
        r.holdout_error if testable else None,
        "<=",
        HOLDOUT_TOLERANCE,
        worked=text("model_worked", **counts),
        failed=text("model_failed", **counts),
        uncertain=text("model_uncertain", tolerance=HOLDOUT_TOLERANCE, **counts),
        evidence=text(
            "model_evidence_dates" if fmt.is_missing(r.holdout_error) else "model_evidence",
            error=r.holdout_error,
            calibration_end=r.calibration_end,
            observation_end=r.observation_end,
            tolerance=HOLDOUT_TOLERANCE,
        ),
        interval=r.holdout_error_interval if testable else None,
        show=fmt.pct,
        missing=reason,
    )


def _notes(card: ReviewCard, r: ShopResult, model: str) -> None:
    """Why, breakthrough, logic, risks and next step, each worded after the figures and verdicts it rests on."""
    repeat_share = _repeat_revenue_share(r.one_order_share, r.repeat_value_ratio)
    if fmt.is_missing(repeat_share):
        why = text("why_no_repeat")
    else:
        key = "why_repeat" if repeat_share >= 0.5 else "why_one_time"
        why = text(key, once=r.one_order_share, ratio=r.repeat_value_ratio)
    card.note("why", "why", why, text("why_evidence", share=0.0 if fmt.is_missing(repeat_share) else repeat_share))
    listed = {"n": r.winback_customers, "value": r.winback_value}
    if not r.winback_customers:
        breakthrough = text("breakthrough_empty")
    else:
        breakthrough = text("breakthrough" if model == WORKED else "breakthrough_unproven", **listed)
    card.note("breakthrough", "breakthrough", breakthrough, text("breakthrough_evidence"))
    worth = "logic_evidence_missing" if fmt.is_missing(r.ltv_12m_mean) else "logic_evidence"
    card.note("logic", "logic", text("logic"), text(worth, mean=r.ltv_12m_mean))
    card.note("risk", "risk", text("risk"), text("risk_evidence", days=r.holdout_length_days))
    corr = r.gg_spend_frequency_corr
    if not fmt.is_missing(corr) and abs(corr) > GG_INDEPENDENCE_LIMIT:
        card.note(
            "risk_gamma_gamma",
            "risk",
            text("risk_gamma_gamma", r=corr),
            text("risk_gamma_gamma_evidence", limit=GG_INDEPENDENCE_LIMIT),
        )
    follow_up = text("next", file=r.winback_file) if r.winback_customers else text("next_empty")
    card.note("next", "next", follow_up, text("next_evidence"))


def _repeat_revenue_share(one_order_share: float, repeat_value_ratio: float) -> float:
    """Share of revenue from repeat customers, from the one-order share s and the value ratio k: k(1−s) ÷ (k(1−s)+s)."""
    if fmt.is_missing(repeat_value_ratio) or fmt.is_missing(one_order_share):
        return float("nan")
    repeat = repeat_value_ratio * (1 - one_order_share)
    return repeat / (repeat + one_order_share)


def text(name: str, **values: Any) -> str:
    """A review-card text of this workbook's catalog."""
    return message(f"{DOMAIN}.review.{name}", **values)
