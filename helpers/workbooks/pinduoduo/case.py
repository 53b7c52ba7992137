"""The Pinduoduo workbook (01): figures, tables and chart data of each step, and the typed outcome its card judges.

Keeps the notebook thin: each step is one call. Every frame a reader sees has code-named columns that
`messages.label()` turns into business names (`labels_pinduoduo.yaml`) and category values already named from
the catalog (`pinduoduo.yaml`), so both editions share this code. The analyses themselves live in
`helpers.analysis.viral` (teams, shares, K-factor) and `helpers.analysis.unit_economics` (CAC, LTV, subsidy, P&L).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from generators import pinduoduo
from generators.common import config_from
from helpers.analysis import unit_economics, viral
from helpers.analysis.cohorts import monthly_retention
from helpers.core import fmt
from helpers.core.messages import message
from helpers.workbooks import cases

FACTS = ("buyers", "gmv", "spend", "revenue", "marketing", "loss", "tiers", "wechat", "team", "bargain")
SOURCE_KEYS = {"viral (team + bargain)": "viral", "blended (all)": "blended"}  # acquisition_costs' summary rows
SPREAD_SEEDS = 2  # extra seeds (other simulated platforms) the subsidy is re-run on: how much its effect varies


def text(group: str, value: object) -> str:
    """The reader-facing name of a category value (`pinduoduo.<group>.<value>`), e.g. a tier or a source."""
    return message(f"pinduoduo.{group}.{value}")


def facts() -> pd.DataFrame:
    """Published figures with their year and source (docs/SOURCES.md), in the edition's language."""
    return cases.facts_table("pinduoduo", FACTS)


def orders_preview(orders: pd.DataFrame, rows: int = 6) -> pd.DataFrame:
    """The first orders with their solo/team mode, status and category named for readers."""
    head = orders.head(rows).copy()
    for column in ("mode", "status", "category"):
        head[column] = head[column].map(lambda v, column=column: message(f"pinduoduo.values.{column}.{v}"))
    return head


def overview(tables: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """Users, orders placed and completed, GMV, average order value and months covered."""
    orders = tables["orders"]
    done = unit_economics.completed(orders)
    gmv = float((done["amount"] + done["subsidy"]).sum())
    return {
        "users": float(len(tables["users"])),
        "orders_placed": float(len(orders)),
        "orders": float(len(done)),
        "gmv": gmv,
        "aov": gmv / len(done) if len(done) else np.nan,
        "months": float(len(tables["monthly_finance"])),
    }


def team_order_share(orders: pd.DataFrame) -> float:
    """Share of orders placed as team purchases, refunded ones included (NaN without orders)."""
    return float((orders["mode"] == "team").mean()) if len(orders) else float("nan")


def kpi_tree(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """GMV of the last 12 months = active buyers × orders per buyer × average order value, with where each
    lever enters."""
    active = unit_economics.annual_active_buyers(tables["users"], tables["orders"])
    done = unit_economics.completed(tables["orders"])
    stamp = pd.to_datetime(done["ordered_at"])
    recent = done[stamp > stamp.max() - pd.DateOffset(months=12)] if len(done) else done
    buyers = active["active_buyers"]
    per_buyer = len(recent) / buyers if buyers else np.nan
    aov = active["gmv"] / len(recent) if len(recent) else np.nan
    values = {
        "gmv": fmt.yuan(active["gmv"]),
        "buyers": fmt.num(buyers),
        "frequency": fmt.num(per_buyer, 1),
        "aov": fmt.yuan(aov),
    }
    return pd.DataFrame(
        [
            {"kpi": text("kpi", f"{key}.name"), "kpi_value": shown, "kpi_moves": text("kpi", f"{key}.moves")}
            for key, shown in values.items()
        ]
    )


def team_funnel(teams: pd.DataFrame) -> pd.DataFrame:
    """Teams opened → shared → a partner joined → completed, steps named for readers."""
    steps = viral.team_funnel(teams)
    return steps.assign(step=steps["step"].map(lambda s: text("team_steps", s)))


def share_funnel(shares: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Friends reached → clicked → signed up → first orders for one share type, steps named for readers."""
    steps = viral.share_funnel(shares, kind)
    return steps.assign(step=steps["step"].map(lambda s: text("share_steps", s)))


def monthly(finance: pd.DataFrame) -> pd.DataFrame:
    """Monthly active buyers, new buyers and GMV, indexed by month."""
    frame = finance.assign(month=pd.to_datetime(finance["month"])).set_index("month")
    return frame[["active_buyers", "new_buyers", "gmv"]]


def buyers_lines(finance: pd.DataFrame) -> pd.DataFrame:
    """Active and new buyers per month, columns named for the chart's legend."""
    frame = monthly(finance)
    return pd.DataFrame(
        {
            message("pinduoduo.chart.buyers.active"): frame["active_buyers"],
            message("pinduoduo.chart.buyers.new"): frame["new_buyers"],
        }
    )


def gmv_line(finance: pd.DataFrame) -> pd.DataFrame:
    """GMV per month, its column named for the chart's legend."""
    return pd.DataFrame({message("pinduoduo.chart.gmv.line"): monthly(finance)["gmv"]})


def quarterly_ratios(finance: pd.DataFrame) -> pd.DataFrame:
    """Marketing expense and net income as shares of revenue, per quarter (indexed by its first day): the growth
    phase's losses in one chart."""
    quarter = pd.to_datetime(finance["month"]).dt.to_period("Q").dt.to_timestamp()
    sums = finance.groupby(quarter.to_numpy())[["revenue", "marketing_expense", "net_income"]].sum()
    revenue = sums["revenue"].replace(0, np.nan)
    return pd.DataFrame(
        {
            message("pinduoduo.chart.ratios.marketing"): sums["marketing_expense"] / revenue,
            message("pinduoduo.chart.ratios.net"): sums["net_income"] / revenue,
        }
    )


def team_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Team completion by the opener's city tier, tiers named."""
    table = viral.team_completion(tables["teams"], tables["users"])
    return table.assign(city_tier=table["city_tier"].map(lambda t: text("tiers", t)))


def team_completion_overall(teams: pd.DataFrame) -> dict[str, float]:
    """Completion of shared and of unshared teams over every tier (NaN where no such team exists)."""
    row = viral.team_completion(teams).reindex([0]).iloc[0]
    return {"shared": float(row["completion_shared"]), "unshared": float(row["completion_unshared"])}


def new_buyers_by_source(users: pd.DataFrame) -> pd.DataFrame:
    """New buyers per month and acquisition source (columns named for the chart's legend)."""
    month = pd.to_datetime(users["first_order_at"]).dt.to_period("M").dt.to_timestamp()
    table = users.groupby([month, "acquired_via"]).size().unstack("acquired_via", fill_value=0)
    table = table.reindex(columns=list(pinduoduo.SOURCES), fill_value=0)
    return table.rename(columns=lambda source: text("sources", source))


def retention(orders: pd.DataFrame) -> pd.DataFrame:
    """Monthly cohort retention on completed orders."""
    return monthly_retention(unit_economics.completed(orders), customer="user_id", date="ordered_at")


def tier_mix(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Quarterly share of active buyers by city tier (indexed by the quarter's first day), tiers named for the
    chart's legend."""
    mix = unit_economics.tier_mix(tables["users"], tables["orders"], freq="Q")
    mix.index = pd.PeriodIndex(mix.index, freq="Q").to_timestamp()
    return mix.rename(columns=lambda tier: text("tiers", tier))


def acquisition_table(costs: pd.DataFrame) -> pd.DataFrame:
    """`unit_economics.acquisition_costs` with its sources named for readers."""
    return costs.assign(source=costs["source"].map(lambda s: text("sources", SOURCE_KEYS.get(s, s))))


def ltv_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """LTV (12-month contribution per buyer), CAC of the same cohort and LTV/CAC by city tier (tier as code)."""
    return unit_economics.ltv_by_tier(tables["users"], tables["orders"], tables["monthly_finance"])


def ltv_shown(table: pd.DataFrame) -> pd.DataFrame:
    """`ltv_table` with its tiers named for readers."""
    return table.assign(city_tier=table["city_tier"].map(lambda t: text("tiers", t)))


def ltv_cac_of(table: pd.DataFrame, tier: object = "all") -> float:
    """LTV/CAC of one row of `ltv_table` (a tier number or 'all')."""
    row = table[table["city_tier"] == tier]
    return float(row["ltv_cac"].iloc[0]) if len(row) else float("nan")


# ---------------------------------------------------------------- the subsidy


def counterfactual(values: Mapping[str, Any]) -> dict[str, pd.DataFrame] | None:
    """The same platform and seed re-simulated without the subsidy; None for your own data or when there is no
    subsidy to take away. The two runs use common random numbers (every buyer the same draws in both), so that
    only the lever differs."""
    config = config_from(pinduoduo.Config, dict(values))
    if config.subsidy_rate == 0 or config.subsidy_start_month > config.months:
        return None
    return cases.counterfactual("pinduoduo", values, subsidy_rate=0.0)


def subsidy_view(
    tables: Mapping[str, pd.DataFrame], alternative: Mapping[str, pd.DataFrame] | None, values: Mapping[str, Any]
) -> dict[str, float]:
    """The subsidy's effect: naive before/after and against the re-simulation without it."""
    other = alternative["monthly_finance"] if alternative is not None else None
    return unit_economics.subsidy_effect(tables["monthly_finance"], other, int(values["subsidy_start_month"]))


@dataclass(frozen=True)
class Spread:
    """The subsidy's ROI and GMV per ¥ over several seeds: an interval for its effect beyond this one platform."""

    seeds: int
    """Number of seeds, this run's included."""
    roi_low: float
    """Lowest ROI of the seeds."""
    roi_high: float
    """Highest ROI of the seeds."""
    gmv_per_yuan_low: float
    """Lowest extra GMV per ¥ of subsidy of the seeds."""
    gmv_per_yuan_high: float
    """Highest extra GMV per ¥ of subsidy of the seeds."""

    def figures(self) -> dict[str, float]:
        """The placeholders of the catalog sentences that state the interval (prose and card alike)."""
        return {
            "seeds": self.seeds,
            "low": self.roi_low,
            "high": self.roi_high,
            "gmv_low": self.gmv_per_yuan_low,
            "gmv_high": self.gmv_per_yuan_high,
        }


def subsidy_spread(
    values: Mapping[str, Any], effect: Mapping[str, float], extra_seeds: int = SPREAD_SEEDS
) -> Spread | None:
    """The subsidy's ROI range over this run's seed and `extra_seeds` more (each re-run with and without it);
    None when there is no counterfactual (no subsidy, your own data)."""
    if values.get("data_dir") or fmt.is_missing(effect["roi"]):
        return None
    rois, per_yuan = [effect["roi"]], [effect["gmv_per_yuan"]]
    for offset in range(1, extra_seeds + 1):
        changed = {**values, "seed": int(values["seed"]) + offset}
        other = counterfactual(changed)
        seen = subsidy_view(cases.load_or_generate("pinduoduo", changed), other, changed)
        rois.append(seen["roi"])
        per_yuan.append(seen["gmv_per_yuan"])
    return Spread(extra_seeds + 1, min(rois), max(rois), min(per_yuan), max(per_yuan))


def subsidy_table(effect: Mapping[str, float]) -> pd.DataFrame:
    """The naive before/after view beside the re-simulation without the subsidy, formatted for reading."""
    rows = (
        ("cost", "subsidy_cost", "subsidy_cost", fmt.yuan),
        ("gmv", "naive_incremental_gmv", "incremental_gmv", fmt.yuan),
        ("per_yuan", "naive_gmv_per_yuan", "gmv_per_yuan", fmt.ratio),
        ("roi", "naive_roi", "roi", fmt.pct),
    )
    return pd.DataFrame(
        {
            "subsidy_figure": [message(f"pinduoduo.subsidy.rows.{key}") for key, *_ in rows],
            "subsidy_naive": [show(effect[naive]) for _, naive, _, show in rows],
            "subsidy_resimulated": [show(effect[resim]) for _, _, resim, show in rows],
        }
    )


def gmv_paths(tables: Mapping[str, pd.DataFrame], alternative: Mapping[str, pd.DataFrame] | None) -> pd.DataFrame:
    """Monthly GMV observed and, when it exists, re-simulated without the subsidy (legend names as columns)."""
    frame = pd.DataFrame({message("pinduoduo.chart.subsidy.observed"): monthly(tables["monthly_finance"])["gmv"]})
    if alternative is not None:
        frame[message("pinduoduo.chart.subsidy.counterfactual")] = monthly(alternative["monthly_finance"])[
            "gmv"
        ].to_numpy()
    return frame


def subsidy_start(finance: pd.DataFrame, start_month: int) -> pd.Timestamp:
    """The first month of the subsidy as a date on the charts' month axis."""
    months = monthly(finance).index
    return months[min(start_month, len(months)) - 1]


def higher_tier_pull(
    tables: Mapping[str, pd.DataFrame], alternative: Mapping[str, pd.DataFrame] | None, start_month: int
) -> float:
    """Extra tier-1/2 new buyers the subsidy brought from its start month on (NaN without a counterfactual)."""
    if alternative is None:
        return float("nan")
    start = subsidy_start(tables["monthly_finance"], start_month)

    def count(users: pd.DataFrame) -> int:
        late = pd.to_datetime(users["first_order_at"]) >= start
        return int((late & (users["city_tier"] <= 2)).sum())

    return float(count(tables["users"]) - count(alternative["users"]))


# ---------------------------------------------------------------- the P&L


def pnl_steps(totals: Mapping[str, float]) -> list[tuple[str, float]]:
    """The P&L waterfall: revenue, then each marketing line and the other costs, to net income (named)."""
    lines = (
        ("revenue", "revenue", 1.0),
        ("subsidies", "subsidy_cost", -1.0),
        ("paid", "paid_acquisition_cost", -1.0),
        ("giveaways", "bargain_giveaway_cost", -1.0),
        ("coupons", "coupon_cost", -1.0),
        ("other", "other_operating_cost", -1.0),
    )
    return [(message(f"pinduoduo.chart.pnl.{key}"), sign * totals[column]) for key, column, sign in lines]


# ---------------------------------------------------------------- the outcome the review judges


@dataclass(frozen=True)
class Outcome:
    """The figures the 复盘 card judges, computed from the workbook's tables and parameters (NaN: does not exist)."""

    k_factor: float
    """Cohort K-factor: new buyers each buyer brought within `k_window_days` of their own first order."""
    k_window_days: int
    """The K-factor's invitation window, days."""
    viral_share_of_new_buyers: float
    """Share of all buyers who came through a team share or a bargain."""
    team_success_rate: float
    """Share of opened teams that filled within the window."""
    team_order_share: float
    """Share of orders placed as team purchases."""
    team_size: int
    """Buyers needed to complete a team (parameter)."""
    team_window_hours: int
    """Hours a team has to fill (parameter)."""
    group_discount: float
    """Team price cut versus buying alone (parameter)."""
    margin_per_order: float
    """Merchants' gross margin per completed order after the team discount, ¥."""
    ltv_cac: float
    """12-month contribution per buyer ÷ CAC, on buyers observed for 12 months."""
    cac_blended: float
    """Acquisition cost per new buyer over every source, ¥."""
    cac_paid: float
    """Acquisition cost per buyer won by paid ads, ¥."""
    cac_viral: float
    """Acquisition cost per buyer won by team shares and bargains, ¥."""
    subsidy_cost: float
    """Subsidy paid, ¥ (0 without one)."""
    subsidy_incremental_gmv: float
    """Extra GMV against the re-simulation without the subsidy, ¥."""
    subsidy_roi: float
    """(Extra revenue − subsidy) ÷ subsidy against the re-simulation."""
    subsidy_gmv_per_yuan: float
    """Extra GMV per ¥ of subsidy against the re-simulation."""
    naive_gmv_per_yuan: float
    """Extra GMV per ¥ of subsidy in the naive before/after view."""
    spread: Spread | None
    """The subsidy's ROI over several seeds, when it was re-run."""
    own_data: bool
    """True when the tables are the reader's own (no re-simulation exists)."""
    net_margin: float
    """Net income ÷ revenue over the period."""
    marketing_expense_ratio: float
    """Marketing expense ÷ revenue over the period."""
    revenue: float
    """Platform revenue over the period, ¥."""
    take_rate: float
    """Commission on GMV (parameter)."""
    lower_tier_buyer_share: float
    """Share of annual active buyers living in tier 3 and below."""
    bargain_campaigns: float
    """Bargain-for-free campaigns started (0 when the campaign is switched off)."""
    bargain_cost_per_new_buyer: float
    """Giveaway cost per new buyer the bargain campaign brought, ¥."""


def outcome(
    tables: Mapping[str, pd.DataFrame],
    alternative: Mapping[str, pd.DataFrame] | None,
    values: Mapping[str, Any],
    spread: Spread | None = None,
) -> Outcome:
    """Every figure the card judges, from the tables, the re-simulation without the subsidy and the parameters."""
    users, orders, finance = tables["users"], tables["orders"], tables["monthly_finance"]
    costs = unit_economics.acquisition_costs(users, finance)
    viral_buyers = costs.loc[costs["source"] == "viral (team + bargain)", "new_buyers"].sum()
    effect = subsidy_view(tables, alternative, values)
    totals = unit_economics.pnl_totals(finance)
    bargain = viral.bargain_summary(tables["shares"])
    return Outcome(
        k_factor=viral.k_factor(tables["shares"], users)["k_factor"],
        k_window_days=viral.K_WINDOW_DAYS,
        viral_share_of_new_buyers=float(viral_buyers / len(users)) if len(users) else float("nan"),
        team_success_rate=viral.team_success_rate(tables["teams"]),
        team_order_share=team_order_share(orders),
        team_size=int(values["team_size"]),
        team_window_hours=int(values["team_window_hours"]),
        group_discount=float(values["group_discount"]),
        margin_per_order=unit_economics.margin_per_order(orders),
        ltv_cac=ltv_cac_of(ltv_table(tables)),
        cac_blended=unit_economics.cac(costs, "blended (all)"),
        cac_paid=unit_economics.cac(costs, "paid"),
        cac_viral=unit_economics.cac(costs, "viral (team + bargain)"),
        subsidy_cost=effect["subsidy_cost"],
        subsidy_incremental_gmv=effect["incremental_gmv"],
        subsidy_roi=effect["roi"],
        subsidy_gmv_per_yuan=effect["gmv_per_yuan"],
        naive_gmv_per_yuan=effect["naive_gmv_per_yuan"],
        spread=spread,
        own_data=bool(values.get("data_dir")),
        net_margin=totals["net_margin"],
        marketing_expense_ratio=totals["marketing_expense_ratio"],
        revenue=totals["revenue"],
        take_rate=float(values["take_rate"]),
        lower_tier_buyer_share=unit_economics.annual_active_buyers(users, orders)["lower_tier_share"],
        bargain_campaigns=bargain["campaigns"],
        bargain_cost_per_new_buyer=bargain["cost_per_new_buyer"],
    )
