"""The Perfect Diary workbook (03): sourced facts, the P&L, KOL tiers, private domain and the A/B test in a few calls.

Keeps the notebook thin: each function returns the frame or figures one step of the story needs. The P&L
stays here because it needs the sales-and-marketing line that a generic income statement folds away.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from generators import perfect_diary as generator
from generators.common import config_from
from helpers.analysis import abtest, kol, private_domain
from helpers.core import fmt
from helpers.core.fmt import as_kind
from helpers.core.numbers import ratio
from helpers.workbooks import cases

TIERS = generator.TIERS
TIER_LABELS = generator.TIER_LABELS
CHART_LABELS = {
    "top": "top (≥500k)",
    "mid": "mid (50k–500k)",
    "junior": "junior (5k–50k)",
    "amateur": "amateur (<5k)",
    "platform_ads": "platform ads",
}  # charts stay in English
MARKETING = ("kol_fees", "platform_ads", "private_domain_cost")
EXPENSES = (*MARKETING, "fulfilment", "other_opex")
LINE_NAMES = {
    "kol_fees": "KOL fees",
    "platform_ads": "Platform ads",
    "private_domain_cost": "Private domain",
    "fulfilment": "Fulfilment",
    "other_opex": "G&A and R&D",
}

# docs/SOURCES.md, Perfect Diary section: (fact, value, year, source).
FACTS = (
    ("Brand and Tmall store launched", "2017 (company formed 2016)", "2017", "36Kr"),
    ("Double 11: RMB100M in sales", "first makeup brand past it, in ≈90 min; 13 min in 2019", "2018–19", "trade press"),
    ("Share of China colour cosmetics", "4%", "2019", "Euromonitor via SCMP / Reuters"),
    ("Revenue (Yatsen)", "RMB635M / 3.03B / 5.23B / 5.84B / 3.71B", "2018–22", "IPO deck; SEC FY2022 release"),
    ("Net result", "≈−US$6M / +RMB75M / −2.69B / −1.55B / −0.82B", "2018–22", "press quoting filings; SEC"),
    ("Gross margin", ">60% (2018–19); 64.3% / 66.8% / 68.0% (2020–22)", "2018–22", "filings via press; SEC"),
    (
        "Sales & marketing / revenue",
        "39.1% (Q4 2019) → 70.3% (Q4 2020); >60% every year 2021–24",
        "2019–24",
        "analyst quotes",
    ),
    ("DTC customers", "7.0M / 23.4M / ≈32.3M", "2018–20", "IPO deck"),
    (
        "Cohort repeat-purchase rate (≈3 quarters)",
        "8.1% (Q3 2017 cohort) → 38.9% (Q3 2018) → 41.5% (Q3 2019)",
        "2017–20",
        "IPO deck",
    ),
    ("KOL network", "≈15,000 KOLs, ≈800 with >1M followers", "2020", "F-1 via press"),
    ("Xiaohongshu", "1.69M followers, >100k notes; one launch used 150+ KOLs", "2019", "trade press"),
    (
        "Private domain (小完子 persona on WeChat)",
        "≈5M users, RMB300–500M GMV; red-packet card in every parcel",
        "2019–20",
        "trade press",
    ),
    (
        "Prices",
        "eyeshadow RMB29, lipstick from RMB49, 12-colour palette RMB129; most items < RMB100",
        "2019–20",
        "SmartShanghai; SCMP",
    ),
    (
        "Xiaohongshu KOL tiers",
        "头部 ≥500k, 腰部 50k–500k, 初级 5k–50k, 素人 <5k followers",
        "2021",
        "Xinhong data; industry report",
    ),
    (
        "Fee per post",
        "<5k: RMB50–650; 5k–50k: RMB800–2,000; >50k from RMB5,000; 1M+ RMB40–55k",
        "2019–25",
        "Jing Daily; industry",
    ),
)


def facts_table() -> pd.DataFrame:
    """The sourced facts of the Background section, each with its year and source."""
    return pd.DataFrame(FACTS, columns=["fact", "value", "year", "source"])


def is_generated(values: Mapping[str, Any]) -> bool:
    """True when the data comes from the generator (so its mechanism and counterfactuals are known)."""
    return not values.get("data_dir")


def config(values: Mapping[str, Any]) -> generator.Config:
    """The generator's Config for the workbook's parameters."""
    return config_from(generator.Config, dict(values))


def counterfactual(values: Mapping[str, Any], **changes: Any) -> dict[str, pd.DataFrame] | None:
    """The same brand and seed with some levers changed; None for your own data, where it cannot exist."""
    return cases.counterfactual("perfect_diary", values, **changes)


# ---------------------------------------------------------------- overview and P&L


def overview(tables: Mapping[str, pd.DataFrame]) -> dict[str, float]:
    """Customers, orders, revenue, average order value, KOLs and posts of the whole period."""
    orders = tables["orders"]
    revenue = float(orders["amount"].sum())
    return {
        "customers": float(len(tables["customers"])),
        "orders": float(len(orders)),
        "revenue": revenue,
        "aov": revenue / len(orders) if len(orders) else np.nan,
        "kols": float(len(tables["kols"])),
        "posts": float(len(tables["posts"])),
        "months": float(len(tables["monthly_finance"])),
    }


def pnl_summary(finance: pd.DataFrame) -> dict[str, float]:
    """Totals and ratios of the period: revenue, gross margin, S&M ratio, net margin, fulfilment ratio."""
    totals = finance[["revenue", "cogs", "gross_profit", *EXPENSES, "net_profit"]].sum()
    revenue = float(totals["revenue"])
    marketing = float(totals[list(MARKETING)].sum())
    return {
        "revenue": revenue,
        "gross_profit": float(totals["gross_profit"]),
        "marketing": marketing,
        "net_profit": float(totals["net_profit"]),
        "gross_margin": ratio(totals["gross_profit"], revenue),
        "sales_expense_ratio": ratio(marketing, revenue),
        "net_margin": ratio(totals["net_profit"], revenue),
        "fulfilment_ratio": ratio(totals["fulfilment"], revenue),
        "contribution_margin": ratio(totals["gross_profit"] - totals["fulfilment"], revenue),
    }


def pnl_waterfall(finance: pd.DataFrame) -> list[tuple[str, float]]:
    """Revenue, then COGS and each expense as signed steps down to net profit, for `plots.waterfall`."""
    totals = finance.sum(numeric_only=True)
    return [("Revenue", float(totals["revenue"])), ("COGS", -float(totals["cogs"]))] + [
        (LINE_NAMES[line], -float(totals[line])) for line in EXPENSES
    ]


def quarterly_ratios(finance: pd.DataFrame) -> pd.DataFrame:
    """Gross margin, S&M ratio and net margin per calendar quarter (index: '2019Q4')."""
    quarter = pd.PeriodIndex(finance["month"], freq="M").asfreq("Q").astype(str)
    sums = finance.groupby(quarter)[["revenue", "gross_profit", *MARKETING, "net_profit"]].sum()
    revenue = sums["revenue"].where(sums["revenue"] > 0)
    return pd.DataFrame(
        {
            "gross margin": sums["gross_profit"] / revenue,
            "S&M / revenue": sums[list(MARKETING)].sum(axis=1) / revenue,
            "net margin": sums["net_profit"] / revenue,
        }
    ).rename_axis("quarter")


def kol_price_rise(posts: pd.DataFrame, kols: pd.DataFrame) -> float:
    """How much the fee per post rose from the first to the last month, against each KOL's list fee."""
    listed = posts["kol_id"].map(kols.set_index("kol_id")["fee_per_post"])
    index = (posts["fee"] / listed).groupby(pd.to_datetime(posts["post_date"]).dt.to_period("M")).mean()
    return float(index.iloc[-1] / index.iloc[0] - 1) if len(index) > 1 else float("nan")


def kpi_tree(tables: Mapping[str, pd.DataFrame], pnl: Mapping[str, float]) -> pd.DataFrame:
    """Net profit decomposed: revenue = customers × orders per customer × order value; then margin and costs."""
    orders, customers = tables["orders"], tables["customers"]
    per_customer = len(orders) / len(customers) if len(customers) else np.nan
    aov = float(orders["amount"].mean()) if len(orders) else np.nan
    rows = [
        ("Net profit", pnl["net_profit"], "yuan", "everything below"),
        ("  = revenue", pnl["revenue"], "yuan", ""),
        ("      = customers", float(len(customers)), "num", "KOL tiers, platform ads (the budget and its split)"),
        ("      × orders per customer", per_customer, "float", "private domain: WeChat add rate, the persona"),
        ("      × average order value", aov, "yuan", "price points ¥29–129, coupons"),
        ("  × gross margin", pnl["gross_margin"], "pct", "product cost, coupons"),
        ("  − sales & marketing", pnl["marketing"], "yuan", "KOL fees, ads, private domain"),
        ("  − fulfilment and overheads", pnl["gross_profit"] - pnl["marketing"] - pnl["net_profit"], "yuan", ""),
    ]
    return pd.DataFrame(
        {"level": [r[0] for r in rows], "value": [as_kind(r[2], r[1]) for r in rows], "lever": [r[3] for r in rows]}
    )


# ---------------------------------------------------------------- KOL tiers


def roster(kols: pd.DataFrame) -> pd.DataFrame:
    """The KOL pyramid: accounts, median followers, fee and engagement per tier."""
    table = (
        kols.groupby("tier")
        .agg(
            kols=("kol_id", "size"),
            median_followers=("followers", "median"),
            median_fee=("fee_per_post", "median"),
            engagement_rate=("engagement_rate", "median"),
            audience_fit=("audience_fit", "mean"),
        )
        .reindex(list(TIERS))
    )
    table["share_of_kols"] = table["kols"] / table["kols"].sum()
    return table.rename(index=TIER_LABELS).rename_axis("tier").reset_index()


def content_calendar(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts per month (rows) by tier (columns)."""
    month = pd.to_datetime(posts["post_date"]).dt.to_period("M").dt.to_timestamp()
    table = posts.groupby([month, "tier"]).size().unstack("tier", fill_value=0)
    return table.reindex(columns=list(TIERS), fill_value=0).rename(columns=CHART_LABELS).rename_axis("month")


def tier_funnels(posts: pd.DataFrame) -> pd.DataFrame:
    """Step conversion of each tier's funnel: engagement rate, click rate, sessions per click, order rate."""
    rows = {}
    for tier in TIERS:
        imp, eng, clk, ses, ords = kol.funnel_counts(posts, tier)
        rows[TIER_LABELS[tier]] = {
            "impressions": imp,
            "engagement / impression": ratio(eng, imp),
            "click / engagement": ratio(clk, eng),
            "sessions / click": ratio(ses, clk),
            "first order / session": ratio(ords, ses),
            "new customers": ords,
        }
    return pd.DataFrame(rows).T.rename_axis("tier").reset_index()


def tier_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """CPM, CPE, cost per new customer and ROI by tier, with platform ads beside them."""
    ads = float(tables["monthly_finance"]["platform_ads"].sum())
    return kol.tier_economics(
        tables["posts"], tables["customers"], tables["orders"], TIERS, extra_spend={"platform_ads": ads}
    )


def response(tables: Mapping[str, pd.DataFrame], values: Mapping[str, Any]) -> tuple[pd.DataFrame, str]:
    """Each source's response curve (k, C) and where it came from: the generator's mechanism or a fit to your data."""
    if is_generated(values):
        return generator.response_parameters(config(values), tables["kols"]), "the generator's response curve"
    monthly = kol.monthly_response(tables["posts"], TIERS)
    rows = [
        {
            "tier": t,
            **dict(
                zip(
                    ("orders_per_yuan", "capacity"),
                    kol.fit_response(monthly["spend"][t], monthly["new_customers"][t]),
                    strict=True,
                )
            ),
        }
        for t in TIERS
    ]
    return pd.DataFrame(rows), "a curve fitted to your monthly spend (rough: prices and seasons also move it)"


def current_spend(tables: Mapping[str, pd.DataFrame], months: int = 3) -> dict[str, float]:
    """Average monthly spend per tier and on platform ads over the last `months` months."""
    monthly = kol.monthly_response(tables["posts"], TIERS)["spend"].tail(months).mean()
    spend = {tier: float(monthly.get(tier, 0.0)) for tier in TIERS}
    spend["platform_ads"] = float(tables["monthly_finance"]["platform_ads"].tail(months).mean())
    return spend


def marginal(tables: Mapping[str, pd.DataFrame], values: Mapping[str, Any]) -> dict[str, Any]:
    """Average and marginal ROI per source at the current spend, the curves, and where the next ¥ should go.

    `best` and `worst` compare the KOL tiers only: their split is the lever this workbook gives you.
    """
    curve, origin = response(tables, values)
    economics = tier_table(tables).set_index("tier")
    overall = tables["orders"]["amount"].sum() / len(tables["customers"]) if len(tables["customers"]) else np.nan
    value = economics["revenue_per_customer"].fillna(overall).to_dict()  # a source with no buyers yet: the average
    spend = current_spend(tables)
    table = kol.marginal_roi_table(curve, spend, value)
    upper = 2.5 * max(spend.values()) if spend else 1.0
    curves = kol.marginal_roi_curves(curve.dropna(), value, max_spend=upper)
    tiers = table[table["tier"].isin(TIERS)].dropna(subset=["marginal_roi"]).set_index("tier")
    best = tiers["marginal_roi"].idxmax() if len(tiers) else None
    worst = tiers["marginal_roi"].idxmin() if len(tiers) else None
    table.insert(1, "customers_per_1000_yuan", table["orders_per_yuan"] * 1000)
    table = table.drop(columns="orders_per_yuan")
    return {
        "table": table,
        "curves": curves.rename(columns=CHART_LABELS),
        "origin": origin,
        "spend": spend,
        "best": best,
        "worst": worst,
        "best_roi": tiers["marginal_roi"].max() if len(tiers) else np.nan,
        "worst_roi": tiers["marginal_roi"].min() if len(tiers) else np.nan,
        "worst_average_roi": tiers.loc[worst, "average_roi"] if worst else np.nan,
        "worst_spend": tiers.loc[worst, "monthly_spend"] if worst else np.nan,
    }


# ---------------------------------------------------------------- private domain and the A/B test


def repurchase(tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """Repurchase flags, rates, the cohort table and the private-domain funnel."""
    flags = private_domain.repurchase_flags(tables["customers"], tables["orders"], tables["wechat_contacts"])
    return {
        "flags": flags,
        "rates": private_domain.repurchase_rates(flags),
        "cohorts": private_domain.repurchase_by_cohort(flags),
        "funnel": private_domain.private_funnel(tables["customers"], tables["wechat_contacts"], flags),
    }


def ab_reading(tables: Mapping[str, pd.DataFrame], planned_relative_lift: float = 0.2) -> dict[str, float]:
    """The A/B coupon test read properly, with margin per assigned user after fulfilment (fulfilment per order
    from the monthly P&L) and its incremental margin per 1,000 users with the Welch interval."""
    finance = tables["monthly_finance"]
    orders = finance["orders"].sum()
    fulfilment = float(finance["fulfilment"].sum() / orders) if orders else 0.0
    result = abtest.read_test(
        tables["ab_assignments"],
        tables["orders"],
        planned_relative_lift=planned_relative_lift,
        fulfilment_per_order=fulfilment,
    )
    result["fulfilment_per_order"] = fulfilment
    result["margin_per_1000_users"] = 1000 * result["margin_difference"]
    result["margin_per_1000_users_ci_low"] = 1000 * result["margin_ci_low"]
    result["margin_per_1000_users_ci_high"] = 1000 * result["margin_ci_high"]
    return result


def ab_sentence(result: Mapping[str, float]) -> str:
    """The coupon test in one paragraph, or why there is none (the persona sends it: no private domain, no test)."""
    if not result["control_n"] + result["treatment_n"]:
        return (
            "No coupon test ran in this period: the WeChat persona sends the coupons, so without the private "
            "domain there is nobody to test on."
        )
    return (
        f"Lift: **{fmt.pp(result['lift'])}** ({fmt.pct(result['control_rate'])} → "
        f"{fmt.pct(result['treatment_rate'])}), 95% CI {fmt.pp(result['ci_low'])} to {fmt.pp(result['ci_high'])}, "
        f"p = {fmt.num(result['p_value'], 3)}. Power for a {fmt.pp(result['planned_lift'])} lift: "
        f"{fmt.pct(result['power'], 0)}; MDE at 80% power: {fmt.pp(result['mde'])}. Sample-ratio check p = "
        f"{fmt.num(result['srm_p_value'], 4)}. Guardrail: margin per assigned user "
        f"{fmt.yuan(result['margin_control_mean'])} → {fmt.yuan(result['margin_treatment_mean'])} (after "
        f"{fmt.yuan(result['fulfilment_per_order'])} of fulfilment per order)."
    )


def ab_table(result: Mapping[str, float]) -> pd.DataFrame:
    """The two arms side by side: users, conversions, rate and margin per assigned user."""
    return pd.DataFrame(
        {
            "arm": ["control", "treatment"],
            "users": [result["control_n"], result["treatment_n"]],
            "conversions": [result["control_conversions"], result["treatment_conversions"]],
            "conversion rate": [result["control_rate"], result["treatment_rate"]],
            "margin per user": [result["margin_control_mean"], result["margin_treatment_mean"]],
        }
    )
