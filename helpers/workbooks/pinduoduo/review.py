"""The Pinduoduo workbook's 复盘 card, built by explicit rules from its typed `Outcome` only.

Every sentence comes from the catalog (`pinduoduo.card.*`) and every note that depends on a verdict — why,
breakthrough, logic, risks, next — is chosen by that verdict, so no sentence contradicts the numbers beside it.
"""

from __future__ import annotations

from helpers.core import fmt
from helpers.core.messages import message
from helpers.notebook.review import FAILED, WORKED, ReviewCard
from helpers.workbooks.pinduoduo.case import Outcome

K_FACTOR_TARGET = 0.3  # assumption: a third of a new buyer per buyer makes sharing a main acquisition channel
TEAM_SUCCESS_TARGET = 0.8  # docs/SOURCES.md: ≈0.9 team success (assumption); below 0.8 refunds start to hurt
MERCHANT_MARGIN_FLOOR = 0.0  # ¥ per order: below it merchants pay to sell, and the team price cannot last
PAYBACK = 1.0  # LTV/CAC: a buyer's first year pays back what they cost
BREAK_EVEN = 0.0  # ROI and net margin


def _say(key: str, **values: object) -> str:
    return message(f"pinduoduo.card.{key}", **values)


def _cac(value: float) -> str:
    """A CAC for the evidence, or the words saying no buyer came from that source."""
    return _say("payback.no_cac") if fmt.is_missing(value) else fmt.yuan(value)


def _k(value: float) -> str:
    """The K-factor for the evidence, or the words saying it cannot be measured yet."""
    return _say("viral_engine.no_k") if fmt.is_missing(value) else fmt.num(value, 2)


def build_review(result: Outcome) -> ReviewCard:
    """The 复盘 card of the Pinduoduo case: six judged findings and the notes that follow their verdicts."""
    r = result
    card = ReviewCard(_say("title"))
    window = r.k_window_days
    viral = card.judge(
        "viral_engine",
        r.k_factor,
        ">=",
        K_FACTOR_TARGET,
        worked=_say("viral_engine.worked", k=r.k_factor, window=window),
        failed=_say("viral_engine.failed", k=r.k_factor, window=window),
        evidence=_say(
            "viral_engine.evidence", k=_k(r.k_factor), target=K_FACTOR_TARGET, viral_share=r.viral_share_of_new_buyers
        ),
        missing=_say("viral_engine.missing", window=window),
    )
    hours = r.team_window_hours
    card.judge(
        "teams_fill",
        r.team_success_rate,
        ">=",
        TEAM_SUCCESS_TARGET,
        worked=_say("teams_fill.worked", rate=r.team_success_rate, hours=hours),
        failed=_say("teams_fill.failed", rate=r.team_success_rate, hours=hours),
        evidence=_say("teams_fill.evidence", team_share=r.team_order_share, size=r.team_size),
        missing=_say("teams_fill.missing"),
    )
    margin, loss = r.margin_per_order, -r.margin_per_order
    merchants = card.judge(
        "merchant_margin",
        margin,
        ">=",
        MERCHANT_MARGIN_FLOOR,
        worked=_say("merchant_margin.worked", margin=margin, discount=r.group_discount),
        failed=_say("merchant_margin.failed", loss=loss, discount=r.group_discount),
        evidence=_say("merchant_margin.evidence"),
        missing=_say("merchant_margin.missing"),
    )
    payback = card.judge(
        "payback",
        r.ltv_cac,
        ">=",
        PAYBACK,
        worked=_say("payback.worked", ltv_cac=r.ltv_cac),
        failed=_say("payback.failed", ltv_cac=r.ltv_cac),
        evidence=_say("payback.evidence", blended=r.cac_blended, paid=_cac(r.cac_paid), viral=_cac(r.cac_viral)),
        missing=_say("payback.missing"),
    )
    subsidy = _judge_subsidy(card, r)
    card.judge(
        "profitability",
        r.net_margin,
        ">=",
        BREAK_EVEN,
        worked=_say("profitability.worked", margin=r.net_margin),
        failed=_say("profitability.failed", margin=r.net_margin, marketing=r.marketing_expense_ratio),
        evidence=_say("profitability.evidence", take_rate=r.take_rate, revenue=r.revenue),
        missing=_say("profitability.missing"),
    )
    card.note(
        "why",
        "why",
        _say(
            "why.failed" if viral == FAILED else "why.worked", discount=r.group_discount, lower=r.lower_tier_buyer_share
        ),
        _say("why.evidence", k=_k(r.k_factor), viral=_cac(r.cac_viral), paid=_cac(r.cac_paid)),
    )
    card.note(
        "breakthrough",
        "breakthrough",
        _say({WORKED: "breakthrough.worked", FAILED: "breakthrough.failed"}.get(viral, "breakthrough.unknown")),
        _say("breakthrough.evidence"),
    )
    logic = "logic.merchants_lose" if merchants == FAILED else "logic.no_viral" if viral == FAILED else "logic.worked"
    bargain = r.bargain_cost_per_new_buyer
    card.note(
        "logic",
        "logic",
        _say(logic),
        _say(
            "logic.evidence",
            team_share=r.team_order_share,
            bargain=_say("logic.no_bargain") if fmt.is_missing(bargain) else fmt.yuan(bargain),
        ),
    )
    if not fmt.is_missing(margin):
        card.note(
            "risk_margin",
            "risk",
            _say("risk_margin.loses", loss=loss) if merchants == FAILED else _say("risk_margin.keeps", margin=margin),
            _say("risk_margin.evidence"),
        )
    if not fmt.is_missing(r.marketing_expense_ratio):
        card.note(
            "risk_subsidy",
            "risk",
            _say(
                "risk_subsidy.text" if r.bargain_campaigns else "risk_subsidy.no_bargain",
                marketing=r.marketing_expense_ratio,
            ),
            _say("risk_subsidy.evidence"),
        )
    failed = {
        "merchants": merchants == FAILED,
        "viral": viral == FAILED,
        "teams": card.verdict("teams_fill") == FAILED,
        "payback": payback == FAILED,
        "subsidy": subsidy == FAILED,
    }
    evidence = _say("next.evidence")
    for key in [key for key, broke in failed.items() if broke] or ["default"]:
        card.note("next" if key == "default" else f"next_{key}", "next", _say(f"next.{key}"), evidence)
    return card


def _judge_subsidy(card: ReviewCard, r: Outcome) -> str:
    """Judge the subsidy's ROI; with a seed spread, only a range wholly on one side of break-even decides."""
    spread = r.spread
    naive = (
        _say("subsidy_pays.no_naive")
        if fmt.is_missing(r.naive_gmv_per_yuan)
        else _say("subsidy_pays.naive_value", per_yuan=r.naive_gmv_per_yuan)
    )
    no_subsidy = fmt.is_missing(r.subsidy_cost) or r.subsidy_cost == 0
    if no_subsidy:
        evidence = _say("subsidy_pays.evidence_none", cost=0.0)
    elif fmt.is_missing(r.subsidy_gmv_per_yuan):
        evidence = _say("subsidy_pays.evidence_naive", naive=naive)
    else:
        evidence = _say("subsidy_pays.evidence", naive=naive, per_yuan=r.subsidy_gmv_per_yuan)
    value = r.subsidy_roi
    if spread is not None:
        evidence += _say("subsidy_pays.seeds", **spread.figures())
        if spread.roi_low < BREAK_EVEN <= spread.roi_high:
            value = float("nan")  # the seeds disagree: the range, not this run, decides
    missing = _say("subsidy_pays.missing_own" if r.own_data and not no_subsidy else "subsidy_pays.missing_none")
    if spread is not None and fmt.is_missing(value) and not fmt.is_missing(r.subsidy_roi):
        missing = _say(
            "subsidy_pays.uncertain", roi=r.subsidy_roi, seeds=spread.seeds, low=spread.roi_low, high=spread.roi_high
        )
    return card.judge(
        "subsidy_pays",
        value,
        ">=",
        BREAK_EVEN,
        worked=_say("subsidy_pays.worked", roi=r.subsidy_roi),
        failed=_say("subsidy_pays.failed", gmv=r.subsidy_incremental_gmv, cost=r.subsidy_cost, roi=r.subsidy_roi),
        evidence=evidence,
        missing=missing,
    )
