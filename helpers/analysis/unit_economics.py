"""Unit economics of a marketplace that buys growth: CAC by source, LTV/CAC by city tier, subsidy ROI against a
counterfactual, repeat rate, active buyers and the P&L ratios.

Inputs are the group-buying tables: `users` (acquired_via, acquisition_cost, first_order_at, city_tier),
`orders` (status, ordered_at, amount, subsidy, merchant_cost) and `monthly_finance` (gmv, revenue and cost lines
per month). A figure with no denominator is NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.core.numbers import ratio

VIRAL = ("team_share", "bargain")
LOWER_TIERS_FROM = 3  # tier 3 and below (docs/SOURCES.md: ≈57% of Pinduoduo's buyers in 2018)


def completed(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders that were paid and not refunded."""
    return orders[orders["status"] == "completed"]


# ---------------------------------------------------------------- acquisition cost


def acquisition_costs(users: pd.DataFrame, finance: pd.DataFrame) -> pd.DataFrame:
    """New buyers, spend and CAC per acquisition source, plus viral (team + bargain) and blended rows.

    Spend: paid ads (users.acquisition_cost), bargain giveaways (to the bargain source) and the new-user coupon
    (spread evenly over every new buyer). Subsidies are left out: they discount existing buyers' orders too.
    """
    n = len(users)
    coupon = ratio(finance["coupon_cost"].sum(), n) if n else 0.0
    spend = users["acquisition_cost"].astype(float) + (0.0 if np.isnan(coupon) else coupon)
    frame = pd.DataFrame({"source": users["acquired_via"].to_numpy(), "spend": spend.to_numpy()})
    table = frame.groupby("source").agg(new_buyers=("spend", "size"), spend=("spend", "sum"))
    table = table.reindex(["organic", "paid", *VIRAL], fill_value=0)
    table.loc["bargain", "spend"] += float(finance["bargain_giveaway_cost"].sum())
    table.loc["viral (team + bargain)"] = table.loc[list(VIRAL)].sum()
    table.loc["blended (all)"] = table.loc[["organic", "paid", *VIRAL]].sum()
    table["cac"] = [ratio(s, b) for s, b in zip(table["spend"], table["new_buyers"], strict=True)]
    return table.reset_index()


def cac(table: pd.DataFrame, source: str) -> float:
    """The CAC of one row of `acquisition_costs` ('paid', 'viral (team + bargain)', 'blended (all)', …)."""
    row = table[table["source"] == source]
    return float(row["cac"].iloc[0]) if len(row) else float("nan")


# ---------------------------------------------------------------- lifetime value


def revenue_rate(finance: pd.DataFrame) -> pd.Series:
    """Platform revenue per ¥ of GMV, per month (take rate plus ads): what a buyer's spend is worth to it."""
    months = pd.to_datetime(finance["month"])
    rate = finance["revenue"].to_numpy(dtype=float) / finance["gmv"].replace(0, np.nan).to_numpy(dtype=float)
    return pd.Series(rate, index=months).fillna(0.0)


def _data_end(finance: pd.DataFrame) -> pd.Timestamp:
    return pd.to_datetime(finance["month"]).max() + pd.DateOffset(months=1)


def cost_per_order(orders: pd.DataFrame, finance: pd.DataFrame) -> float:
    """Variable operating cost per completed order (¥): the least-squares slope of each month's other operating
    cost on its completed orders — the intercept is the fixed cost, which one more buyer does not add.

    0 when it cannot be estimated (fewer than three months, or the same number of orders every month).
    """
    months = pd.to_datetime(finance["month"])
    ordered = pd.to_datetime(completed(orders)["ordered_at"]).dt.to_period("M").dt.to_timestamp()
    counts = ordered.value_counts().reindex(months, fill_value=0).to_numpy(dtype=float)
    if len(counts) < 3 or np.ptp(counts) == 0:
        return 0.0
    slope = np.polyfit(counts, finance["other_operating_cost"].to_numpy(dtype=float), 1)[0]
    return max(float(slope), 0.0)


def ltv_by_tier(
    users: pd.DataFrame, orders: pd.DataFrame, finance: pd.DataFrame, horizon_months: int = 12
) -> pd.DataFrame:
    """Per city tier, on one cohort — the buyers observed for `horizon_months` after their first order: their
    CAC, revenue LTV (platform revenue per buyer in those months), LTV as contribution (revenue minus the
    subsidies paid on their orders and the variable cost per order) and LTV/CAC on contribution; an 'all' row
    last. `buyers` counts every buyer of the tier, `observed_buyers` the cohort both sides are measured on."""
    done = completed(orders)
    rate = revenue_rate(finance)
    month = pd.to_datetime(done["ordered_at"]).dt.to_period("M").dt.to_timestamp()
    revenue = (done["amount"] + done["subsidy"]).to_numpy(dtype=float) * month.map(rate).fillna(0.0).to_numpy()
    contribution = revenue - done["subsidy"].to_numpy(dtype=float) - cost_per_order(orders, finance)
    first = pd.to_datetime(users.set_index("user_id")["first_order_at"])
    horizon = pd.DateOffset(months=horizon_months)
    in_horizon = (pd.to_datetime(done["ordered_at"]) < done["user_id"].map(first) + horizon).to_numpy()
    buyer = done["user_id"].to_numpy()[in_horizon]
    per_buyer = (
        pd.DataFrame({"revenue": revenue[in_horizon], "contribution": contribution[in_horizon]}).groupby(buyer).sum()
    )
    cohort = users[pd.to_datetime(users["first_order_at"]) + horizon <= _data_end(finance)]
    values = per_buyer.reindex(cohort["user_id"]).fillna(0.0).set_axis(cohort.index)
    spend = _spend_per_user(users, finance)
    rows = []
    for tier in [*sorted(users["city_tier"].unique()), "all"]:
        mine = users if tier == "all" else users[users["city_tier"] == tier]
        seen = cohort if tier == "all" else cohort[cohort["city_tier"] == tier]
        tier_cac = float(spend[seen.index].mean()) if len(seen) else float("nan")
        revenue_ltv, ltv = (
            float(values.loc[seen.index, c].mean()) if len(seen) else float("nan") for c in ("revenue", "contribution")
        )
        rows.append(
            {
                "city_tier": tier,
                "buyers": len(mine),
                "observed_buyers": len(seen),
                "cac": tier_cac,
                "revenue_ltv": revenue_ltv,
                "ltv": ltv,
                "ltv_cac": ratio(ltv, tier_cac) if tier_cac else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _spend_per_user(users: pd.DataFrame, finance: pd.DataFrame) -> pd.Series:
    """Acquisition spend attributed to each user: paid ads, the coupon, an equal share of bargain giveaways."""
    coupon = ratio(finance["coupon_cost"].sum(), len(users)) if len(users) else 0.0
    bargain = users["acquired_via"] == "bargain"
    giveaway = ratio(finance["bargain_giveaway_cost"].sum(), bargain.sum()) if bargain.any() else 0.0
    return users["acquisition_cost"].astype(float) + coupon + np.where(bargain, giveaway, 0.0)


# ---------------------------------------------------------------- subsidy ROI


def subsidy_effect(observed: pd.DataFrame, counterfactual: pd.DataFrame | None, start_month: int) -> dict[str, float]:
    """What the subsidy bought: incremental GMV and revenue against the same run without it (same seed), its
    ROI = (incremental revenue − subsidy cost) / subsidy cost, and the naive before/after view a dashboard shows.

    `start_month` counts from 1. The naive view compares the subsidy months' mean monthly GMV with the same
    number of months just before, calling the whole rise the subsidy's doing.
    """
    cost = float(observed["subsidy_cost"].sum())
    first = max(start_month - 1, 0)
    after, before = observed.iloc[first:], observed.iloc[max(0, 2 * first - len(observed)) : first]
    naive_gmv = (after["gmv"].mean() - before["gmv"].mean()) * len(after) if len(before) and len(after) else np.nan
    rate_after = ratio(after["revenue"].sum(), after["gmv"].sum()) if len(after) else np.nan
    out = {
        "subsidy_cost": cost,
        "naive_incremental_gmv": float(naive_gmv),
        "naive_gmv_per_yuan": ratio(naive_gmv, cost) if cost else np.nan,
        "naive_roi": ratio(naive_gmv * rate_after - cost, cost) if cost else np.nan,
        "incremental_gmv": np.nan,
        "incremental_revenue": np.nan,
        "gmv_per_yuan": np.nan,
        "roi": np.nan,
        "incremental_net_income": np.nan,
    }
    if counterfactual is not None:
        gmv = float(observed["gmv"].sum() - counterfactual["gmv"].sum())
        revenue = float(observed["revenue"].sum() - counterfactual["revenue"].sum())
        out.update(
            incremental_gmv=gmv,
            incremental_revenue=revenue,
            incremental_net_income=float(observed["net_income"].sum() - counterfactual["net_income"].sum()),
            gmv_per_yuan=ratio(gmv, cost) if cost else np.nan,
            roi=ratio(revenue - cost, cost) if cost else np.nan,
        )
    return {k: float(v) for k, v in out.items()}


# ---------------------------------------------------------------- buyers, repeat, P&L


def repeat_rate(users: pd.DataFrame, orders: pd.DataFrame, days: int = 90) -> float:
    """Share of buyers with another completed order within `days` of their first order, over buyers whose first
    order is at least `days` before the last order in the data (NaN when none is old enough)."""
    done = completed(orders)
    if done.empty or users.empty:
        return float("nan")
    end = pd.to_datetime(orders["ordered_at"]).max()
    window = pd.Timedelta(days=days)
    first = pd.to_datetime(users.set_index("user_id")["first_order_at"])
    old = first[first <= end - window]
    if old.empty:
        return float("nan")
    stamp = pd.to_datetime(done["ordered_at"])
    start = done["user_id"].map(first)
    again = (stamp > start) & (stamp <= start + window)
    repeaters = set(done.loc[again.to_numpy(), "user_id"])
    return float(old.index.isin(list(repeaters)).mean())


def annual_active_buyers(users: pd.DataFrame, orders: pd.DataFrame, months: int = 12) -> dict[str, float]:
    """Buyers with a completed order in the last `months` of the data (how Pinduoduo reports 'annual active
    buyers'), their spend, and the share living in tier 3 and below."""
    done = completed(orders)
    if done.empty:
        return {"active_buyers": 0.0, "gmv": 0.0, "spend_per_buyer": float("nan"), "lower_tier_share": float("nan")}
    stamp = pd.to_datetime(done["ordered_at"])
    recent = done[stamp > stamp.max() - pd.DateOffset(months=months)]
    buyers = recent["user_id"].unique()
    tiers = users.set_index("user_id")["city_tier"].reindex(buyers)
    gmv = float((recent["amount"] + recent["subsidy"]).sum())
    return {
        "active_buyers": float(len(buyers)),
        "gmv": gmv,
        "spend_per_buyer": ratio(gmv, len(buyers)),
        "lower_tier_share": float((tiers >= LOWER_TIERS_FROM).mean()),
    }


def tier_mix(users: pd.DataFrame, orders: pd.DataFrame, freq: str = "Q") -> pd.DataFrame:
    """Share of each period's active buyers by city tier (rows: periods, columns: tiers)."""
    done = completed(orders)
    period = pd.to_datetime(done["ordered_at"]).dt.to_period(freq).astype(str)
    tiers = done["user_id"].map(users.set_index("user_id")["city_tier"])
    active = pd.DataFrame(
        {"period": period.to_numpy(), "user": done["user_id"].to_numpy(), "tier": tiers.to_numpy()}
    ).drop_duplicates()
    counts = active.groupby(["period", "tier"]).size().unstack("tier", fill_value=0)
    return counts.div(counts.sum(axis=1), axis=0)


def margin_per_order(orders: pd.DataFrame) -> float:
    """Merchant gross margin per completed order, ¥: what the seller keeps after the discount (the subsidy is
    paid to the seller by the platform)."""
    done = completed(orders)
    if done.empty:
        return float("nan")
    return float((done["amount"] + done["subsidy"] - done["merchant_cost"]).mean())


def pnl_totals(finance: pd.DataFrame) -> dict[str, float]:
    """Totals of the P&L lines and the ratios: marketing expense / revenue and net margin."""
    lines = (
        "gmv",
        "revenue",
        "commission_revenue",
        "ad_revenue",
        "subsidy_cost",
        "paid_acquisition_cost",
        "bargain_giveaway_cost",
        "coupon_cost",
        "marketing_expense",
        "other_operating_cost",
        "net_income",
    )
    totals = {line: float(finance[line].sum()) for line in lines}
    totals["marketing_expense_ratio"] = ratio(totals["marketing_expense"], totals["revenue"])
    totals["net_margin"] = ratio(totals["net_income"], totals["revenue"])
    return totals


def yearly(finance: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Per calendar year: GMV, buyers (with a completed order), spend per buyer, revenue, marketing ratio and
    net margin — the shape of the company's annual reports."""
    year = pd.to_datetime(finance["month"]).dt.year
    sums = finance.groupby(year.to_numpy())[["gmv", "revenue", "marketing_expense", "net_income"]].sum()
    done = completed(orders)
    buyers = done.groupby(pd.to_datetime(done["ordered_at"]).dt.year.to_numpy())["user_id"].nunique()
    sums["buyers"] = buyers.reindex(sums.index, fill_value=0)
    sums["spend_per_buyer"] = sums["gmv"] / sums["buyers"].replace(0, np.nan)
    sums["marketing_expense_ratio"] = sums["marketing_expense"] / sums["revenue"].replace(0, np.nan)
    sums["net_margin"] = sums["net_income"] / sums["revenue"].replace(0, np.nan)
    sums.index.name = "year"
    return sums.reset_index()
