"""The workbooks of the collection: titles, what each teaches, headline metrics, cross-parameter rules.

One entry per notebook, holding the objects it needs (its cross-check function, not its name as a string);
`make run`'s summary, `index.html`, `casebook list` and the check in each notebook's set-up cell read from here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generators import jd, perfect_diary, pinduoduo
from helpers.core import language
from helpers.notebook.params import read_spec
from helpers.workbooks import method, your_shop

CrossCheck = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Workbook:
    """A notebook in notebooks/ and how the collection presents it."""

    stem: str
    title: str
    teaches: str
    headline: tuple[tuple[str, str], ...]
    case: str | None = None
    cross_check: CrossCheck | None = None
    labels: str | None = None  # its label scope (labels_<scope>.yaml) when it keeps labels of its own


WORKBOOKS = (
    Workbook(
        "00_case_review_method",
        "The case review method (复盘) on a 618 promotion",
        "the five steps, funnels, user tiers, campaign ROI and the promotion trap",
        (("gmv", "yuan"), ("leakiest_step", "text"), ("promo_net_profit", "yuan"), ("break_even_uplift", "pct")),
        case="your_shop",
        cross_check=method.check_parameters,
    ),
    Workbook(
        "01_pinduoduo_group_buying",
        "Pinduoduo: group buying (拼团), bargain fission and subsidies",
        "viral loops and K-factor, team funnels, CAC paid vs viral, cohorts, LTV/CAC, subsidy ROI",
        (
            ("gmv", "yuan"),
            ("team_order_share", "pct"),
            ("k_factor", "float"),
            ("subsidy_roi", "pct"),
            ("net_margin", "pct"),
        ),
        case="pinduoduo",
        cross_check=pinduoduo.check_parameters,
    ),
    Workbook(
        "02_jd_logistics_membership",
        "JD: self-built logistics (211), PLUS membership and inventory",
        "delivery speed vs returns and repurchase, inventory turnover, stock-out alerts, PLUS self-selection, "
        "cash cycle",
        (
            ("gmv", "yuan"),
            ("on_time_211_share", "pct"),
            ("inventory_turnover_days", "days"),
            ("plus_causal_uplift", "ratio"),
            ("net_margin", "pct"),
        ),
        case="jd",
        cross_check=jd.check_parameters,
    ),
    Workbook(
        "03_perfect_diary_kol_private_domain",
        "Perfect Diary: the KOL pyramid, private domain (私域) and marketing spend",
        "ROI and marginal ROI by KOL tier, private-domain repurchase, A/B tests done right, high margin to net loss",
        (
            ("revenue", "yuan"),
            ("gross_margin", "pct"),
            ("sales_expense_ratio", "pct"),
            ("ab_lift", "pp"),
            ("net_margin", "pct"),
        ),
        case="perfect_diary",
        cross_check=perfect_diary.check_parameters,
    ),
    Workbook(
        "04_your_shop_review",
        "Your shop: the review on your own order export",
        "lifecycle tiers, RFM segments, cohort retention, BG/NBD + Gamma-Gamma LTV, a win-back list",
        (
            ("customers", "num"),
            ("revenue", "yuan"),
            ("repeat_customer_share", "pct"),
            ("ltv_12m_mean", "yuan"),
            ("sleeping_share", "pct"),
        ),
        case="your_shop",
        cross_check=your_shop.check_parameters,
        labels=your_shop.DOMAIN,
    ),
)


def workbook(stem: str) -> Workbook | None:
    """The catalog entry for a notebook stem, or None for a notebook not (yet) listed."""
    return next((w for w in WORKBOOKS if w.stem == stem), None)


def cross_check(stem: str, values: Mapping[str, Any]) -> None:
    """Run the workbook's rules that involve several parameters (e.g. shares summing to 1)."""
    entry = workbook(stem)
    if entry is not None and entry.cross_check is not None:
        entry.cross_check(dict(values))


def check(namespace: Mapping[str, Any], stem: str) -> dict[str, Any]:
    """Validate a notebook's parameter values in place of the run; return them as a typed dict.

    Called in the cell after `parameters`, so JupyterLab users get the CLI's message for a bad value. It also
    sets the kernel's language from the folder it runs in (notebooks/zh → Chinese), before any text is shown.
    """
    language.use(language.of_folder(Path.cwd()))
    spec = read_spec(stem)
    values = spec.validate({p.name: namespace[p.name] for p in spec})
    cross_check(spec.notebook, values)
    return values
