"""The Pinduoduo workbook (01): group buying, bargain fission and subsidies, from tables to the 复盘 card.

Keeps the notebook thin: each step is one call returning the figures its story, charts and review card need.
The analyses themselves live in `helpers.viral` (teams, shares, K-factor) and `helpers.unit_economics` (CAC,
LTV, subsidy ROI, P&L).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from generators import pinduoduo
from generators.common import config_from
from helpers.analysis import unit_economics, viral
from helpers.analysis.cohorts import monthly_retention
from helpers.core import fmt
from helpers.notebook.review import WORKED, ReviewCard
from helpers.workbooks import cases

K_FACTOR_TARGET = 0.3  # assumption: a third of a new buyer per buyer makes sharing a main acquisition channel
TEAM_SUCCESS_TARGET = 0.8  # docs/SOURCES.md: ≈0.9 team success (assumption); below 0.8 refunds start to hurt
TIER_NAMES = dict(enumerate(pinduoduo.TIER_LABELS, start=1))

FACTS = pd.DataFrame(
    [
        ("Annual active buyers", "244.8M → 418.5M", "2017 → 2018", "company FY press releases; China Internet Watch"),
        ("GMV", "RMB141.2B (derived) → 471.6B", "2017 → 2018", "company press releases"),
        ("Annual spend per active buyer", "RMB≈578 (derived) → 1,126.9", "2017 → 2018", "company press releases"),
        ("Revenue", "RMB≈1.74B (derived) → 13.12B", "2017 → 2018", "China Internet Watch; Global Times"),
        ("Sales & marketing / revenue", "199.5% (Q1 2017); ≈102% (2018, derived)", "2017–2018", "F-1 / 20-F quotes"),
        ("Net loss", "≈RMB10.3B", "2018", "secondary articles quoting filings"),
        (
            "Buyers by city tier",
            "9.7% tier 1, 33.3% tier 2, ≈57% tier 3 and below (derived)",
            "2018",
            "6-K via Seeking Alpha; Statista",
        ),
        ("WeChat sharing", "built into checkout: 'low-cost organic traffic'", "2018", "F-1"),
        (
            "拼团 team purchase",
            "solo vs team price; a team not filled within 24 h is refunded",
            "—",
            "Leverage Shares explainer",
        ),
        (
            "砍价免费拿 bargain-for-free",
            "friends needed escalates ('invite 2 more'); 7.09M items given free",
            "2019–2021",
            "Pandaily",
        ),
    ],
    columns=["fact", "value", "year", "source"],
)


def counterfactual(values: Mapping[str, Any]) -> dict[str, pd.DataFrame] | None:
    """The same platform and seed without the subsidy (common random numbers); None for your own data or when
    there is no subsidy to take away."""
    config = config_from(pinduoduo.Config, dict(values))
    if config.subsidy_rate == 0 or config.subsidy_start_month > config.months:
        return None
    return cases.counterfactual("pinduoduo", values, subsidy_rate=0.0)


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
    rows = [
        ("GMV, last 12 months", fmt.yuan(active["gmv"]), "= buyers × orders per buyer × average order"),
        (
            "Active buyers",
            fmt.num(buyers),
            "new buyers (paid, organic, team shares, bargains) − churn; subsidies pull higher tiers",
        ),
        (
            "Orders per buyer",
            fmt.num(per_buyer, 1),
            "lower prices (team discount, subsidy) → more purchases; partners join teams",
        ),
        (
            "Average order value",
            fmt.yuan(aov),
            "team price = solo price × (1 − group_discount); subsidies shift the mix to electronics",
        ),
    ]
    return pd.DataFrame(rows, columns=["KPI", "value", "what moves it"])


def monthly(finance: pd.DataFrame) -> pd.DataFrame:
    """Monthly active buyers, new buyers and GMV, indexed by month."""
    frame = finance.assign(month=pd.to_datetime(finance["month"])).set_index("month")
    return frame[["active_buyers", "new_buyers", "gmv"]]


def quarterly_ratios(finance: pd.DataFrame) -> pd.DataFrame:
    """Marketing expense and net income as shares of revenue, per quarter: the growth phase's losses in one chart."""
    quarter = pd.to_datetime(finance["month"]).dt.to_period("Q").astype(str)
    sums = finance.groupby(quarter.to_numpy())[["revenue", "marketing_expense", "net_income"]].sum()
    revenue = sums["revenue"].replace(0, np.nan)
    return pd.DataFrame(
        {
            "marketing expense / revenue": sums["marketing_expense"] / revenue,
            "net income / revenue": sums["net_income"] / revenue,
        }
    )


def team_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Team completion by the opener's city tier, tiers named."""
    table = viral.team_completion(tables["teams"], tables["users"])
    return table.assign(city_tier=table["city_tier"].map(TIER_NAMES))


def new_buyers_by_source(users: pd.DataFrame) -> pd.DataFrame:
    """New buyers per month and acquisition source (columns), for the growth chart."""
    month = pd.to_datetime(users["first_order_at"]).dt.to_period("M").dt.to_timestamp()
    table = users.groupby([month, "acquired_via"]).size().unstack("acquired_via", fill_value=0)
    return table.reindex(columns=list(pinduoduo.SOURCES), fill_value=0)


def retention(orders: pd.DataFrame) -> pd.DataFrame:
    """Monthly cohort retention on completed orders."""
    return monthly_retention(unit_economics.completed(orders), customer="user_id", date="ordered_at")


def tier_mix(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Quarterly share of active buyers by city tier, tiers named."""
    mix = unit_economics.tier_mix(tables["users"], tables["orders"], freq="Q")
    return mix.rename(columns=TIER_NAMES)


def ltv_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """LTV (12-month contribution per buyer), CAC of the same cohort and LTV/CAC by city tier, tiers named."""
    table = unit_economics.ltv_by_tier(tables["users"], tables["orders"], tables["monthly_finance"])
    return table.assign(city_tier=table["city_tier"].map(lambda t: TIER_NAMES.get(t, t)))


def ltv_cac_of(table: pd.DataFrame, tier: str) -> float:
    """LTV/CAC of one row of `ltv_table` ('all', 'Tier 1', …)."""
    row = table[table["city_tier"] == tier]
    return float(row["ltv_cac"].iloc[0]) if len(row) else float("nan")


def subsidy_view(
    tables: Mapping[str, pd.DataFrame], alternative: Mapping[str, pd.DataFrame] | None, values: Mapping[str, Any]
) -> dict[str, float]:
    """The subsidy's effect: naive before/after and the counterfactual (same seed, no subsidy)."""
    other = alternative["monthly_finance"] if alternative is not None else None
    return unit_economics.subsidy_effect(tables["monthly_finance"], other, int(values["subsidy_start_month"]))


SUBSIDY_ROWS = (
    ("subsidy paid (¥)", "subsidy_cost", "subsidy_cost", fmt.yuan),
    ("extra GMV credited to the subsidy (¥)", "naive_incremental_gmv", "incremental_gmv", fmt.yuan),
    ("GMV per ¥1 of subsidy", "naive_gmv_per_yuan", "gmv_per_yuan", fmt.ratio),
    ("ROI = (extra revenue − subsidy) ÷ subsidy", "naive_roi", "roi", fmt.pct),
)


def subsidy_table(effect: Mapping[str, float]) -> pd.DataFrame:
    """The naive before/after view beside the counterfactual, formatted for reading."""
    return pd.DataFrame(
        {
            "figure": [row[0] for row in SUBSIDY_ROWS],
            "naive: subsidy months vs the months before": [row[3](effect[row[1]]) for row in SUBSIDY_ROWS],
            "counterfactual: same seed, no subsidy": [row[3](effect[row[2]]) for row in SUBSIDY_ROWS],
        }
    )


def gmv_paths(tables: Mapping[str, pd.DataFrame], alternative: Mapping[str, pd.DataFrame] | None) -> pd.DataFrame:
    """Monthly GMV observed and, when it exists, without the subsidy."""
    frame = monthly(tables["monthly_finance"])[["gmv"]].rename(columns={"gmv": "observed (with subsidy)"})
    if alternative is not None:
        frame["counterfactual (no subsidy)"] = monthly(alternative["monthly_finance"])["gmv"].to_numpy()
    return frame


def higher_tier_pull(
    tables: Mapping[str, pd.DataFrame], alternative: Mapping[str, pd.DataFrame] | None, start_month: int
) -> float:
    """Extra tier-1/2 new buyers the subsidy brought from its start month on (NaN without a counterfactual)."""
    if alternative is None:
        return float("nan")

    def count(users: pd.DataFrame) -> int:
        months = pd.to_datetime(tables["monthly_finance"]["month"])
        start = months.iloc[min(start_month, len(months)) - 1]
        late = pd.to_datetime(users["first_order_at"]) >= start
        return int((late & (users["city_tier"] <= 2)).sum())

    return float(count(tables["users"]) - count(alternative["users"]))


def pnl_steps(totals: Mapping[str, float]) -> list[tuple[str, float]]:
    """The P&L waterfall: revenue, then each marketing line and the other costs, to net income."""
    return [
        ("Revenue", totals["revenue"]),
        ("Subsidies", -totals["subsidy_cost"]),
        ("Paid ads", -totals["paid_acquisition_cost"]),
        ("Bargain giveaways", -totals["bargain_giveaway_cost"]),
        ("Coupons", -totals["coupon_cost"]),
        ("Other costs", -totals["other_operating_cost"]),
    ]


def build_review(m: Mapping[str, Any], values: Mapping[str, Any]) -> ReviewCard:
    """The 复盘 card of the Pinduoduo case from the recorded metrics, by explicit rules."""
    card = ReviewCard("复盘 Review card — Pinduoduo's group buying, bargains and subsidies")
    k = m["k_factor"]
    card.judge(
        "viral_engine",
        k,
        ">=",
        K_FACTOR_TARGET,
        worked=f"Sharing was a main acquisition channel: each buyer brought {fmt.num(k, 2)} new buyers within "
        f"{viral.K_WINDOW_DAYS} days through team invitations and bargain requests, at almost no cost to the "
        "platform.",
        failed=f"Sharing did not carry growth: each buyer brought only {fmt.num(k, 2)} new buyers through shares "
        f"within {viral.K_WINDOW_DAYS} days, so growth had to be bought.",
        evidence=f"cohort K-factor {fmt.num(k, 2)} (target ≥ {fmt.num(K_FACTOR_TARGET, 2)}); "
        f"{fmt.pct(m['viral_share_of_new_buyers'])} of new buyers came from shares",
    )
    card.judge(
        "teams_fill",
        m["team_success_rate"],
        ">=",
        TEAM_SUCCESS_TARGET,
        worked=f"Teams filled in time: {fmt.pct(m['team_success_rate'])} completed within "
        f"{values['team_window_hours']} h, so the team price felt safe to try.",
        failed=f"Too many teams failed: only {fmt.pct(m['team_success_rate'])} filled within "
        f"{values['team_window_hours']} h; every refund is a buyer who wanted to buy and could not.",
        evidence=f"{fmt.pct(m['team_order_share'])} of orders placed as teams of {values['team_size']}",
        missing="no team was opened (a team price needs a discount to exist)",
    )
    card.judge(
        "payback",
        m["ltv_cac"],
        ">=",
        1.0,
        worked=f"Acquisition paid back within a year: a buyer's first 12 months of contribution (platform revenue "
        f"after subsidies and per-order costs) are {fmt.ratio(m['ltv_cac'])} what it cost to win them.",
        failed=f"Acquisition did not pay back within a year: a buyer's first 12 months of contribution (platform "
        f"revenue after subsidies and per-order costs) are {fmt.ratio(m['ltv_cac'])} what it cost to win them.",
        evidence=f"blended CAC {fmt.yuan(m['cac_blended'])}; paid CAC {fmt.yuan(m['cac_paid'])}; "
        f"viral CAC {fmt.yuan(m['cac_viral'])}",
        missing="no buyer has been observed for 12 months yet",
    )
    card.judge(
        "subsidy_pays",
        m["subsidy_roi"],
        ">=",
        0.0,
        worked=f"The subsidy paid for itself: ROI {fmt.pct(m['subsidy_roi'])} against the same platform without it.",
        failed=f"The subsidy bought revenue, not profit: {fmt.yuan(m['subsidy_incremental_gmv'])} of extra GMV "
        f"for {fmt.yuan(m['subsidy_cost'])} of subsidy, ROI {fmt.pct(m['subsidy_roi'])}.",
        evidence=f"naive before/after view credits it with {fmt.ratio(m['naive_gmv_per_yuan'])} GMV per ¥; "
        f"the counterfactual with {fmt.ratio(m['subsidy_gmv_per_yuan'])}",
        missing="there was no subsidy in this run, or no counterfactual for your own data",
    )
    card.judge(
        "profitability",
        m["net_margin"],
        ">=",
        0.0,
        worked=f"The platform made money: net margin {fmt.pct(m['net_margin'])}.",
        failed=f"Growth was bought with losses: net margin {fmt.pct(m['net_margin'])}, marketing "
        f"{fmt.pct(m['marketing_expense_ratio'], 0)} of revenue.",
        evidence=f"take rate {fmt.pct(values['take_rate'])} plus ads; revenue {fmt.yuan(m['revenue'])}",
    )
    card.note(
        "why",
        "why",
        f"The team discount ({fmt.pct(values['group_discount'], 0)}) is paid by merchants, not the platform, "
        "and it only applies if a friend joins: each purchase becomes an invitation. Lower tiers share more "
        f"and to more contacts, so {fmt.pct(m['lower_tier_buyer_share'])} of active buyers live in tier 3 "
        "and below.",
        f"K-factor {fmt.num(k, 2)}; viral CAC {fmt.yuan(m['cac_viral'])} vs paid {fmt.yuan(m['cac_paid'])}",
    )
    card.note(
        "breakthrough",
        "breakthrough",
        "破局点 — a marketing and channel innovation: WeChat sharing built into checkout turned the price "
        "advantage itself into the acquisition channel, reaching lower-tier buyers that Taobao and JD's "
        "search traffic did not."
        if card.verdict("viral_engine") == WORKED
        else "破局点 in principle: WeChat sharing built into checkout can turn the price advantage into the "
        "acquisition channel — but in this run sharing did not carry growth, so the breakthrough did not "
        "happen.",
        "team and bargain share funnels",
    )
    card.note(
        "logic",
        "logic",
        "底层逻辑: make the customer's saving depend on bringing the next customer, and let the saving be "
        "funded by someone who gains from the volume (merchants). Surface action: adding a 'share for a "
        "discount' button without a real price gap or a social graph to share into.",
        f"team share of orders {fmt.pct(m['team_order_share'])}; cost per bargain buyer "
        f"{fmt.yuan(m['bargain_cost_per_new_buyer'])}",
    )
    margin = m["margin_per_order"]
    card.note(
        "risk_margin",
        "risk",
        f"Merchants lose {fmt.yuan(-margin)} on every order after the team discount: the price gap is funded "
        "by sellers who cannot sustain it, and they will cut quality or leave."
        if not fmt.is_missing(margin) and margin < 0
        else f"Merchants keep {fmt.yuan(margin)} of gross margin per order after the team discount; deeper "
        "discounts grow teams but squeeze sellers toward low quality (the 'fake goods' criticism).",
        "merchant margin per completed order",
    )
    card.note(
        "risk_subsidy",
        "risk",
        f"Marketing (subsidies, paid ads, giveaways, coupons) is {fmt.pct(m['marketing_expense_ratio'], 0)} "
        "of revenue; growth that depends on it stops when it stops, and bargain escalation ('invite 2 more') "
        "wears out friends' goodwill.",
        "marketing expense ratio; bargain funnel",
    )
    card.note(
        "next",
        "next",
        "Next: keep subsidies only where LTV/CAC clears 1 (compare tiers), test a larger team size or a "
        "shorter window on a holdout, and move paid budget to the tiers with the lowest CAC.",
        "LTV/CAC by tier; team funnel by tier",
    )
    return card
