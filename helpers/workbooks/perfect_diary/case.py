"""The Perfect Diary workbook (03): sourced facts, the P&L, KOL tiers, private domain and the A/B test in a few calls.

Keeps the notebook thin: each function returns the frame or figures one step of the story needs. The P&L
stays here because it needs the sales-and-marketing line that a generic income statement folds away.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from generators import perfect_diary as generator
from generators.common import config_from
from helpers.analysis import abtest, kol, private_domain
from helpers.core import fmt
from helpers.core.fmt import as_kind
from helpers.core.messages import message
from helpers.core.numbers import ratio
from helpers.workbooks import cases

TIERS = generator.TIERS
SOURCES = (*TIERS, "platform_ads")  # where paid customers come from: the KOL tiers and platform ads
MARKETING = ("kol_fees", "platform_ads", "private_domain_cost")
EXPENSES = (*MARKETING, "fulfilment", "other_opex")
# The recorded `response_origin` (a metric, the same in every edition); readers see `perfect_diary.origin.*`.
ORIGINS = {
    "generator": "the generator's response curve",
    "fitted": "a curve fitted to your monthly spend (rough: prices and seasons also move it)",
}
WORD_JOINER = "\u2060"  # keeps a sign on the same line as its number in an HTML table cell
NBSP = "\u00a0"

# docs/SOURCES.md, Perfect Diary section: the catalog key of each fact and its year (texts in the catalogs).
FACTS = (
    "launch",
    "double11",
    "market_share",
    "revenue",
    "net_result",
    "gross_margin",
    "marketing_ratio",
    "dtc_customers",
    "repeat_rate",
    "kol_network",
    "xiaohongshu",
    "private_domain",
    "prices",
    "kol_tiers",
    "fees",
)


def unbroken(value: str) -> str:
    """Text in which no minus sign can be separated from its number by a line break."""
    return re.sub(f"{fmt.MINUS}(?!{WORD_JOINER})", fmt.MINUS + WORD_JOINER, value)


def text(key: str, **values: Any) -> str:
    """A message of this workbook's catalog (`perfect_diary.<key>`) in the edition's language, for prose, tables
    and the review card: a minus sign stays on the line of its number (charts use `message` itself)."""
    return unbroken(message(f"perfect_diary.{key}", **values))


def source_name(source: object) -> str:
    """The reader-facing name of a KOL tier or of platform ads (`top` → "Top (≥500k)" / "头部 (≥50万)")."""
    return text(f"source.{source}")


def source_word(source: object) -> str:
    """The same source's name inside a sentence ("top", "平台广告")."""
    return text(f"tier_word.{source}")


def facts_table() -> pd.DataFrame:
    """The sourced facts of the Background section, each with its year and source (signs kept with their numbers)."""
    return cases.facts_table("perfect_diary", FACTS).map(unbroken)


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


def overview_text(size: Mapping[str, float]) -> str:
    """The period in one paragraph (without an average order when nothing was sold)."""
    return text("overview" if size["orders"] else "overview_no_orders", **size)


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


def break_even_roi(pnl: Mapping[str, float]) -> float:
    """Revenue each ¥ of marketing must bring to cover product and fulfilment: 1 ÷ contribution margin (NaN
    when there is no positive contribution to cover anything with)."""
    margin = pnl["contribution_margin"]
    return 1 / margin if margin > 0 else float("nan")


def pnl_waterfall(finance: pd.DataFrame) -> list[tuple[str, float]]:
    """Revenue, then COGS and each expense as signed steps down to net profit, for `plots.waterfall`."""
    totals = finance.sum(numeric_only=True)
    steps = [("revenue", float(totals["revenue"])), ("cogs", -float(totals["cogs"]))]
    steps += [(line, -float(totals[line])) for line in EXPENSES]
    return [(text(f"pnl_line.{line}"), value) for line, value in steps]


def quarterly_ratios(finance: pd.DataFrame) -> pd.DataFrame:
    """Gross margin, S&M ratio and net margin per calendar quarter (index: '2019Q4')."""
    quarter = pd.PeriodIndex(finance["month"], freq="M").asfreq("Q").astype(str)
    sums = finance.groupby(quarter)[["revenue", "gross_profit", *MARKETING, "net_profit"]].sum()
    revenue = sums["revenue"].where(sums["revenue"] > 0)
    return pd.DataFrame(
        {
            "gross_margin": sums["gross_profit"] / revenue,
            "sm_ratio": sums[list(MARKETING)].sum(axis=1) / revenue,
            "net_margin": sums["net_profit"] / revenue,
        }
    ).rename_axis("quarter")


def named_columns(frame: pd.DataFrame, group: str) -> pd.DataFrame:
    """The frame with its columns renamed to the catalog's names under `perfect_diary.<group>` (chart legends)."""
    return frame.rename(columns={column: text(f"{group}.{column}") for column in frame.columns})


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
    overheads = pnl["gross_profit"] - pnl["marketing"] - pnl["net_profit"]
    rows = (  # (depth, operator, catalog key, value, kind, lever key)
        (0, "", "net_profit", pnl["net_profit"], "yuan", "lever_all"),
        (1, "=", "revenue", pnl["revenue"], "yuan", ""),
        (2, "=", "customers", float(len(customers)), "num", "lever_customers"),
        (2, "×", "orders_per_customer", per_customer, "float", "lever_orders"),
        (2, "×", "order_value", aov, "yuan", "lever_order_value"),
        (1, "×", "gross_margin", pnl["gross_margin"], "pct", "lever_margin"),
        (1, fmt.MINUS, "marketing", pnl["marketing"], "yuan", "lever_marketing"),
        (1, fmt.MINUS, "overheads", overheads, "yuan", ""),
    )
    return pd.DataFrame(
        {
            "kpi": [NBSP * 4 * depth + (op + NBSP if op else "") + text(f"kpi.{key}") for depth, op, key, *_ in rows],
            "kpi_value": [unbroken(as_kind(kind, value)) for *_, value, kind, _ in rows],
            "lever": [text(f"kpi.{lever}") if lever else "" for *_, lever in rows],
        }
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
    return table.rename(index=source_name).rename_axis("tier").reset_index()


def content_calendar(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts per month (rows) by tier (columns, named for the legend)."""
    month = pd.to_datetime(posts["post_date"]).dt.to_period("M").dt.to_timestamp()
    table = posts.groupby([month, "tier"]).size().unstack("tier", fill_value=0)
    return named_columns(table.reindex(columns=list(TIERS), fill_value=0), "source").rename_axis("month")


def tier_funnels(posts: pd.DataFrame) -> pd.DataFrame:
    """Step conversion of each tier's funnel: engagement rate, click rate, sessions per click, order rate."""
    rows = []
    for tier in TIERS:
        imp, eng, clk, ses, ords = kol.funnel_counts(posts, tier)
        rows.append(
            {
                "tier": source_name(tier),
                "impressions": imp,
                "engagement_per_impression": ratio(eng, imp),
                "click_per_engagement": ratio(clk, eng),
                "sessions_per_click": ratio(ses, clk),
                "order_per_session": ratio(ords, ses),
                "new_customers": ords,
            }
        )
    return pd.DataFrame(rows)


def tier_table(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """CPM, CPE, cost per new customer and ROI by tier, with platform ads beside them (column `tier`: codes)."""
    ads = float(tables["monthly_finance"]["platform_ads"].sum())
    return kol.tier_economics(
        tables["posts"], tables["customers"], tables["orders"], TIERS, extra_spend={"platform_ads": ads}
    )


def by_source(frame: pd.DataFrame) -> pd.DataFrame:
    """A per-source frame for readers: the `tier` codes become the catalog's names, in column `acquisition_source`."""
    shown = frame.rename(columns={"tier": "acquisition_source"})
    shown["acquisition_source"] = shown["acquisition_source"].map(source_name)
    return shown


def response(tables: Mapping[str, pd.DataFrame], values: Mapping[str, Any]) -> tuple[pd.DataFrame, str]:
    """Each source's response curve (k, C) and where it came from ("generator" or "fitted", see ORIGINS)."""
    if is_generated(values):
        return generator.response_parameters(config(values), tables["kols"]), "generator"
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
    return pd.DataFrame(rows), "fitted"


def current_spend(tables: Mapping[str, pd.DataFrame], months: int = 3) -> dict[str, float]:
    """Average monthly spend per tier and on platform ads over the last `months` months."""
    monthly = kol.monthly_response(tables["posts"], TIERS)["spend"].tail(months).mean()
    spend = {tier: float(monthly.get(tier, 0.0)) for tier in TIERS}
    spend["platform_ads"] = float(tables["monthly_finance"]["platform_ads"].tail(months).mean())
    return spend


@dataclass(frozen=True)
class Payback:
    """What past KOL spend earned: average ROI by source (revenue of the customers a source brought ÷ its
    spend, NaN without spend), over all KOL tiers, and the break-even ROI that covers product and fulfilment."""

    roi: Mapping[str, float]
    kol_roi: float
    break_even_roi: float

    def metrics(self) -> dict[str, float]:
        """The recorded figures: break_even_roi, roi_<tier> and kol_roi."""
        by_tier = {f"roi_{tier}": self.roi[tier] for tier in TIERS}
        return {"break_even_roi": self.break_even_roi, **by_tier, "kol_roi": self.kol_roi}


def payback(tiers: pd.DataFrame, pnl: Mapping[str, float]) -> Payback:
    """Average ROI per source and over the KOL tiers, from `tier_table`, against the break-even ROI."""
    rows = tiers.set_index("tier")
    kol_rows = rows.loc[list(TIERS)]
    spend = kol_rows["spend"].sum()
    return Payback(
        roi={source: float(rows.loc[source, "roi"]) for source in SOURCES},
        kol_roi=float(kol_rows["revenue"].sum() / spend) if spend else float("nan"),
        break_even_roi=break_even_roi(pnl),
    )


@dataclass(frozen=True)
class NextYuan:
    """Where the next ¥ of KOL budget earns most and least: marginal ROI (revenue per extra ¥ at the last three
    months' spend) of the best and worst KOL tier, and where the response curves came from."""

    best: str | None
    worst: str | None
    best_roi: float
    worst_roi: float
    worst_average_roi: float
    worst_monthly_spend: float
    origin: str

    @property
    def spread(self) -> float:
        """Best ÷ worst marginal ROI: 1 when the split is balanced, NaN without two tiers to compare."""
        return self.best_roi / self.worst_roi if self.worst_roi else float("nan")

    def metrics(self) -> dict[str, Any]:
        """The recorded figures (`response_origin` as the English sentence of ORIGINS, in every edition)."""
        return {
            "best_next_yuan": self.best,
            "worst_next_yuan": self.worst,
            "marginal_roi_best": self.best_roi,
            "marginal_roi_worst": self.worst_roi,
            "worst_average_roi": self.worst_average_roi,
            "worst_monthly_spend": self.worst_monthly_spend,
            "marginal_roi_spread": self.spread,
            "response_origin": ORIGINS[self.origin],
        }


def marginal(tables: Mapping[str, pd.DataFrame], values: Mapping[str, Any]) -> dict[str, Any]:
    """Average and marginal ROI per source at the current spend (`table`), the curves (`curves`, columns named
    for the legend) and where the next ¥ should go (`next`, comparing the KOL tiers only: their split is the
    lever this workbook gives you)."""
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
        "curves": named_columns(curves, "source"),
        "next": NextYuan(
            best=best,
            worst=worst,
            best_roi=float(tiers["marginal_roi"].max()) if len(tiers) else np.nan,
            worst_roi=float(tiers["marginal_roi"].min()) if len(tiers) else np.nan,
            worst_average_roi=float(tiers.loc[worst, "average_roi"]) if worst else np.nan,
            worst_monthly_spend=float(tiers.loc[worst, "monthly_spend"]) if worst else np.nan,
            origin=origin,
        ),
    }


def marginal_text(next_yuan: NextYuan, break_even: float) -> str:
    """Where the next ¥ earns most and least, or why no tier can be compared."""
    origin = text(f"origin.{next_yuan.origin}")
    if next_yuan.best is None:
        return text("marginal_none", origin=origin)
    return text(
        "marginal_sentence",
        origin=origin,
        best=source_word(next_yuan.best),
        best_roi=next_yuan.best_roi,
        worst=source_word(next_yuan.worst),
        worst_roi=next_yuan.worst_roi,
        break_even=break_even,
    )


# ---------------------------------------------------------------- private domain and the A/B test


def repurchase(tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """Repurchase flags, rates, the cohort table (columns `public`, `private`) and the private-domain funnel
    (steps named for readers; `add_share` = WeChat adds ÷ buyers with a complete window)."""
    flags = private_domain.repurchase_flags(tables["customers"], tables["orders"], tables["wechat_contacts"])
    funnel = private_domain.private_funnel(tables["customers"], tables["wechat_contacts"], flags)
    steps = ("card", "added", "active", "repurchased")
    cohorts = private_domain.repurchase_by_cohort(flags)
    cohorts.columns = ["public", "private"]
    return {
        "flags": flags,
        "rates": private_domain.repurchase_rates(flags),
        "cohorts": cohorts,
        "funnel": funnel.assign(step=[text(f"funnel_step.{step}") for step in steps]),
        "add_share": float(funnel["step_conversion"].iloc[1]),
    }


@dataclass(frozen=True)
class PrivateDomain:
    """Repurchase within 270 days of WeChat contacts (private) and other buyers (public), the gap between them,
    the gap with the persona switched off (selection; NaN on your own data, where no counterfactual exists) and
    the persona's own effect (gap − selection)."""

    private_rate: float
    public_rate: float
    gap: float
    selection: float
    add_share: float
    own_data: bool

    @property
    def uplift(self) -> float:
        """Repurchase the persona itself adds: the observed gap minus the selection gap."""
        return self.gap - self.selection

    def metrics(self) -> dict[str, float]:
        """The recorded figures."""
        return {
            "wechat_add_share": self.add_share,
            "private_repurchase_rate": self.private_rate,
            "public_repurchase_rate": self.public_rate,
            "repurchase_gap": self.gap,
            "counterfactual_gap": self.selection,
            "private_domain_true_uplift": self.uplift,
        }


def private_domain_result(
    private: Mapping[str, Any], without: Mapping[str, pd.DataFrame] | None, values: Mapping[str, Any]
) -> PrivateDomain:
    """The private domain's figures from `repurchase(tables)` and the same brand with the persona off (`without`,
    None on your own data)."""
    rates = private["rates"]
    return PrivateDomain(
        private_rate=rates["private"],
        public_rate=rates["public"],
        gap=rates["gap"],
        selection=repurchase(without)["rates"]["gap"] if without is not None else float("nan"),
        add_share=private["add_share"],
        own_data=not is_generated(values),
    )


def selection_text(result: PrivateDomain) -> str:
    """The repurchase gap and how much of it is selection, or why that cannot be said."""
    if fmt.is_missing(result.gap):
        return text("selection_no_window")
    if result.own_data:
        return text("selection_own_data", private=result.private_rate, public=result.public_rate, gap=result.gap)
    return text(
        "selection_sentence",
        private=result.private_rate,
        public=result.public_rate,
        gap=result.gap,
        selection=result.selection,
        uplift=result.uplift,
    )


@dataclass(frozen=True)
class CouponTest:
    """The coupon A/B test among WeChat contacts, read properly: conversion lift with its Wald interval and
    p-value, power and MDE for the planned lift, the sample-ratio check, and the guardrail — margin per
    assigned user after fulfilment (Welch interval), also per 1,000 users. Rates and intervals are NaN when
    nobody was enrolled (the persona sends the test: no private domain, no test)."""

    coupon_control: float
    coupon_treatment: float
    control_n: int
    treatment_n: int
    control_conversions: int
    treatment_conversions: int
    control_rate: float
    treatment_rate: float
    lift: float
    ci_low: float
    ci_high: float
    p_value: float
    power: float
    mde: float
    planned_lift: float
    users_needed_per_arm: float
    srm_p_value: float
    srm_detected: bool
    treatment_share: float
    margin_control: float
    margin_treatment: float
    margin_difference: float
    margin_ci_low: float
    margin_ci_high: float
    fulfilment_per_order: float

    @property
    def ran(self) -> bool:
        """True when both arms enrolled somebody: with an empty arm there is nothing to compare."""
        return self.control_n > 0 and self.treatment_n > 0

    @property
    def one_arm_empty(self) -> bool:
        """True when somebody was enrolled but one arm stayed empty (a tiny run): a test began, none can be read."""
        return not self.ran and self.control_n + self.treatment_n > 0

    @property
    def per_1000(self) -> tuple[float, float, float]:
        """Incremental margin per 1,000 users sent the bigger coupon, and its interval (low, high)."""
        return 1000 * self.margin_difference, 1000 * self.margin_ci_low, 1000 * self.margin_ci_high

    def metrics(self) -> dict[str, Any]:
        """The recorded figures, named `ab_*` as the batch summaries and tests read them."""
        names = (
            "control_n",
            "treatment_n",
            "control_conversions",
            "treatment_conversions",
            "lift",
            "ci_low",
            "ci_high",
            "p_value",
            "srm_p_value",
            "srm_detected",
            "treatment_share",
            "power",
            "mde",
            "planned_lift",
            "control_rate",
            "treatment_rate",
            "users_needed_per_arm",
            "margin_difference",
            "margin_ci_low",
            "margin_ci_high",
            "margin_control",
            "margin_treatment",
        )
        per_1000, low, high = self.per_1000
        return {f"ab_{name}": getattr(self, name) for name in names} | {
            "ab_margin_per_1000_users": per_1000,
            "ab_margin_per_1000_users_ci_low": low,
            "ab_margin_per_1000_users_ci_high": high,
        }


def coupon_test(
    tables: Mapping[str, pd.DataFrame], values: Mapping[str, Any], planned_relative_lift: float = 0.2
) -> CouponTest:
    """The A/B coupon test read properly, with margin per assigned user after fulfilment (fulfilment per order
    from the monthly P&L)."""
    finance = tables["monthly_finance"]
    orders = finance["orders"].sum()
    fulfilment = float(finance["fulfilment"].sum() / orders) if orders else 0.0
    result = abtest.read_test(
        tables["ab_assignments"],
        tables["orders"],
        planned_relative_lift=planned_relative_lift,
        fulfilment_per_order=fulfilment,
    )
    return CouponTest(
        coupon_control=float(values["coupon_control"]),
        coupon_treatment=float(values["coupon_treatment"]),
        control_n=int(result["control_n"]),
        treatment_n=int(result["treatment_n"]),
        control_conversions=int(result["control_conversions"]),
        treatment_conversions=int(result["treatment_conversions"]),
        srm_detected=bool(result["srm_detected"]),
        margin_control=result["margin_control_mean"],
        margin_treatment=result["margin_treatment_mean"],
        fulfilment_per_order=fulfilment,
        **{
            name: float(result[name])
            for name in (
                "control_rate",
                "treatment_rate",
                "lift",
                "ci_low",
                "ci_high",
                "p_value",
                "power",
                "mde",
                "planned_lift",
                "users_needed_per_arm",
                "srm_p_value",
                "treatment_share",
                "margin_difference",
                "margin_ci_low",
                "margin_ci_high",
            )
        },
    )


def ab_text(test: CouponTest) -> str:
    """The coupon test in one paragraph, or why there is none (the persona sends it: no private domain, no test)."""
    if not test.ran:
        key = "ab.one_arm_empty" if test.one_arm_empty else "ab.no_test"
        return text(key, control=test.control_n, treatment=test.treatment_n)
    guardrail = text(
        "ab.guardrail",
        control=test.margin_control,
        treatment=test.margin_treatment,
        fulfilment=test.fulfilment_per_order,
    )
    figures = {"lift": test.lift, "control": test.control_rate, "treatment": test.treatment_rate}
    figures |= {"srm": test.srm_p_value, "guardrail": guardrail}
    if any(fmt.is_missing(v) for v in (test.ci_low, test.ci_high, test.p_value, test.power, test.mde)):
        return text("ab.reading_no_interval", **figures)
    return text(
        "ab.reading",
        **figures,
        low=test.ci_low,
        high=test.ci_high,
        p=test.p_value,
        planned=test.planned_lift,
        power=test.power,
        mde=test.mde,
    )


def srm_text(test: CouponTest) -> str:
    """The stop sign shown before the lift when the assignment is broken."""
    return text("srm_stop", share=test.treatment_share, p=f"{test.srm_p_value:.1e}")


def ab_table(test: CouponTest) -> pd.DataFrame:
    """The two arms side by side: users, conversions, rate and margin per assigned user."""
    return pd.DataFrame(
        {
            "arm": [text("arm.control"), text("arm.treatment")],
            "users": [test.control_n, test.treatment_n],
            "conversions": [test.control_conversions, test.treatment_conversions],
            "conversion_rate": [test.control_rate, test.treatment_rate],
            "margin_per_user": [test.margin_control, test.margin_treatment],
        }
    )


# ---------------------------------------------------------------- the P&L and the review's inputs


@dataclass(frozen=True)
class Pnl:
    """The period's P&L and the paid-growth treadmill: margins, the S&M ratio in the first and last quarter, how
    much KOL prices rose, and how far the content reached (notes, accounts, share of new customers from KOLs)."""

    revenue: float
    gross_margin: float
    sales_expense_ratio: float
    net_margin: float
    net_profit: float
    contribution_margin: float
    sm_first_quarter: float
    sm_last_quarter: float
    kol_price_rise: float
    kol_new_customer_share: float
    kols_used: int
    posts: float
    months: float

    def metrics(self) -> dict[str, Any]:
        """The recorded figures."""
        return dict(vars(self))


def pnl_result(tables: Mapping[str, pd.DataFrame], pnl: Mapping[str, float], quarterly: pd.DataFrame) -> Pnl:
    """The P&L figures of the review from `pnl_summary`, `quarterly_ratios` and the tables."""
    return Pnl(
        revenue=pnl["revenue"],
        gross_margin=pnl["gross_margin"],
        sales_expense_ratio=pnl["sales_expense_ratio"],
        net_margin=pnl["net_margin"],
        net_profit=pnl["net_profit"],
        contribution_margin=pnl["contribution_margin"],
        sm_first_quarter=float(quarterly["sm_ratio"].iloc[0]),
        sm_last_quarter=float(quarterly["sm_ratio"].iloc[-1]),
        kol_price_rise=kol_price_rise(tables["posts"], tables["kols"]),
        kol_new_customer_share=float(tables["customers"]["source"].isin(TIERS).mean()),
        kols_used=int(tables["posts"]["kol_id"].nunique()),
        posts=float(len(tables["posts"])),
        months=float(len(tables["monthly_finance"])),
    )


def pnl_text(result: Pnl) -> str:
    """Margins and the S&M ratio in one sentence (KOL price rise only when it can be measured)."""
    figures = {
        "gross": result.gross_margin,
        "sm": result.sales_expense_ratio,
        "first": result.sm_first_quarter,
        "last": result.sm_last_quarter,
        "net": result.net_margin,
    }
    if fmt.is_missing(result.kol_price_rise):
        return text("pnl_sentence_no_rise", **figures)
    return text("pnl_sentence", **figures, rise=result.kol_price_rise)


@dataclass(frozen=True)
class Result:
    """Everything the 复盘 card judges, computed by this module from the workbook's tables and parameters."""

    payback: Payback
    next_yuan: NextYuan
    private: PrivateDomain
    coupon: CouponTest
    pnl: Pnl


def calculator_text(values: Mapping[str, Any], ceiling: float) -> str:
    """The most the reader can pay for a customer, and whether their cost per customer is within it."""
    within = values["your_cac"] <= ceiling
    return text(
        f"calculator.{'within' if within else 'above'}",
        value=values["your_order_value"],
        margin=values["your_gross_margin"],
        repeat=values["your_repeat_rate"],
        ceiling=ceiling,
        cac=values["your_cac"],
    )


def busiest_text(busiest: str | None) -> str:
    """Which tier exercise 1 is about, or why the exercise cannot be done in this run."""
    if busiest is None:
        return text("exercise.no_notes")
    return text("exercise.busiest", tier=source_name(busiest), code=busiest)
