"""The workbooks and cases of the collection: titles, what each teaches, headline metrics, cross-checks.

One entry per notebook; `make run`'s summary, `index.html` and `casebook list` read from here.
"""

from __future__ import annotations

from dataclasses import dataclass

CASES = ("your_shop", "pinduoduo", "jd", "perfect_diary")


@dataclass(frozen=True)
class Workbook:
    """A notebook in notebooks/ and how the collection presents it."""

    stem: str
    title: str
    teaches: str
    headline: tuple[tuple[str, str], ...]
    case: str | None = None
    cross_check: str | None = None


WORKBOOKS = (
    Workbook(
        "00_case_review_method",
        "The case review method (复盘) on a 618 promotion",
        "the five steps, funnels, user tiers, campaign ROI and the promotion trap",
        (("gmv", "yuan"), ("leakiest_step", "text"), ("promo_net_profit", "yuan"), ("break_even_uplift", "pct")),
        case="your_shop",
        cross_check="generators.your_shop:check_parameters",
    ),
    Workbook(
        "01_pinduoduo_group_buying",
        "Pinduoduo: group buying (拼团), bargain fission and subsidies",
        "viral loops and K-factor, team funnels, CAC paid vs viral, cohorts, LTV/CAC, subsidy ROI",
        (("gmv", "yuan"), ("team_order_share", "pct"), ("k_factor", "float"), ("subsidy_roi", "pct"),
         ("net_margin", "pct")),
        case="pinduoduo",
        cross_check="generators.pinduoduo:check_parameters",
    ),
    Workbook(
        "02_jd_logistics_membership",
        "JD: self-built logistics (211), PLUS membership and inventory",
        "delivery speed vs returns and repurchase, inventory turnover, stock-out alerts, PLUS self-selection, "
        "cash cycle",
        (("gmv", "yuan"), ("on_time_211_share", "pct"), ("inventory_turnover_days", "days"),
         ("plus_causal_uplift", "ratio"), ("net_margin", "pct")),
        case="jd",
        cross_check="generators.jd:check_parameters",
    ),
    Workbook(
        "03_perfect_diary_kol_private_domain",
        "Perfect Diary: the KOL pyramid, private domain (私域) and marketing spend",
        "ROI and marginal ROI by KOL tier, private-domain repurchase, A/B tests done right, high margin to net loss",
        (("revenue", "yuan"), ("gross_margin", "pct"), ("sales_expense_ratio", "pct"), ("ab_lift", "pp"),
         ("net_margin", "pct")),
        case="perfect_diary",
        cross_check="generators.perfect_diary:check_parameters",
    ),
    Workbook(
        "04_your_shop_review",
        "Your shop: the review on your own order export",
        "lifecycle tiers, RFM segments, cohort retention, BG/NBD + Gamma-Gamma LTV, a win-back list",
        (("customers", "num"), ("revenue", "yuan"), ("repeat_customer_share", "pct"), ("ltv_12m_mean", "yuan"),
         ("sleeping_share", "pct")),
        case="your_shop",
        cross_check="helpers.your_shop:check_parameters",
    ),
)


def workbook(stem: str) -> Workbook | None:
    """The catalog entry for a notebook stem, or None for a notebook not (yet) listed."""
    return next((w for w in WORKBOOKS if w.stem == stem), None)
