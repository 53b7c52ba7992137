"""The Perfect Diary workbook's 复盘 card, built by explicit rules from the typed `case.Result` alone.

Every sentence comes from the `perfect_diary.review.*` messages of the edition's language; a sentence that
depends on a verdict (the breakthrough, the next steps) is chosen after that verdict, and a figure that does
not exist in a run is explained in words, never printed as n/a.
"""

from __future__ import annotations

from dataclasses import replace

from helpers.analysis.abtest import SRM_ALPHA
from helpers.core import fmt
from helpers.core.fmt import is_missing
from helpers.notebook.review import FAILED, WORKED, ReviewCard
from helpers.workbooks.perfect_diary.case import (
    TIERS,
    CouponTest,
    NextYuan,
    Payback,
    PrivateDomain,
    Result,
    source_word,
    unbroken,
)
from helpers.workbooks.perfect_diary.case import text as catalog_text

BALANCED_SPREAD = 1.5  # marginal ROI of the best tier at most 1.5× the worst: the split is about right
REAL_UPLIFT = 0.05  # a private domain that adds at least 5 pp of repurchase is doing something


def text(key: str, **values: object) -> str:
    """A review-card message (`perfect_diary.review.<key>`)."""
    return catalog_text(f"review.{key}", **values)


def _roi_by_tier(payback: Payback) -> str:
    parts = {
        t: text("kol_payback.tier_none", tier=source_word(t))
        if is_missing(payback.roi[t])
        else text("kol_payback.tier", tier=source_word(t), roi=payback.roi[t])
        for t in TIERS
    }
    return text("kol_payback.evidence", **parts)


def _judge_kol(card: ReviewCard, payback: Payback, next_yuan: NextYuan) -> None:
    break_even = payback.break_even_roi
    card.judge(
        "kol_payback",
        None if is_missing(break_even) else payback.kol_roi,
        ">=",
        0 if is_missing(break_even) else break_even,
        worked=text("kol_payback.worked", roi=payback.kol_roi, break_even=break_even),
        failed=text("kol_payback.failed", roi=payback.kol_roi, break_even=break_even),
        missing=text("kol_payback.missing"),
        evidence=_roi_by_tier(payback),
    )
    origin = catalog_text(f"origin.{next_yuan.origin}")
    best = source_word(next_yuan.best) if next_yuan.best else ""
    worst = source_word(next_yuan.worst) if next_yuan.worst else ""
    card.judge(
        "next_yuan_pays",
        None if is_missing(break_even) else next_yuan.best_roi,
        ">=",
        0 if is_missing(break_even) else break_even,
        worked=text("next_yuan_pays.worked", best=best, roi=next_yuan.best_roi, break_even=break_even),
        failed=text("next_yuan_pays.failed", best=best, roi=next_yuan.best_roi, break_even=break_even),
        missing=text("next_yuan_pays.missing"),
        evidence=text("next_yuan_pays.evidence", origin=origin),
    )
    card.judge(
        "budget_split",
        next_yuan.spread,
        "<=",
        BALANCED_SPREAD,
        worked=text("budget_split.worked", spread=BALANCED_SPREAD, best=best, worst=worst),
        failed=text(
            "budget_split.failed", best=best, worst=worst, best_roi=next_yuan.best_roi, worst_roi=next_yuan.worst_roi
        ),
        missing=text("budget_split.missing"),
        evidence=text("next_yuan_pays.evidence", origin=origin),
    )


def _judge_private_domain(card: ReviewCard, private: PrivateDomain) -> None:
    figures = {
        "gap": private.gap,
        "uplift": private.uplift,
        "selection": private.selection,
        "private": private.private_rate,
        "public": private.public_rate,
    }
    if is_missing(private.gap):
        missing = text("private_domain.missing_own_data_no_gap" if private.own_data else "private_domain.missing")
        evidence = text("private_domain.evidence_none")
    elif private.own_data:
        missing = text("private_domain.missing_own_data", gap=private.gap)
        evidence = text("private_domain.evidence_own_data", **figures)
    else:
        missing, evidence = text("private_domain.missing"), text("private_domain.evidence", **figures)
    card.judge(
        "private_domain",
        private.uplift,
        ">=",
        REAL_UPLIFT,
        worked=text("private_domain.worked", **figures),
        failed=text("private_domain.failed", **figures),
        missing=missing,
        evidence=evidence,
    )


def _absent(test: CouponTest, key: str) -> str:
    """Why a coupon-test figure is missing: an arm left empty (say so, with the counts) or no test at all."""
    if test.one_arm_empty:
        return text("one_arm_empty", control=test.control_n, treatment=test.treatment_n)
    return text(key)


def _judge_ab(card: ReviewCard, test: CouponTest) -> None:
    evidence = text("ab_assignment.evidence", control=test.control_n, treatment=test.treatment_n)
    card.judge(
        "ab_assignment",
        test.srm_p_value if test.ran else None,
        ">=",
        SRM_ALPHA,
        worked=text("ab_assignment.worked", share=test.treatment_share, p=test.srm_p_value),
        failed=text("ab_assignment.failed", share=test.treatment_share, p=f"{test.srm_p_value:.1e}", alpha=SRM_ALPHA),
        evidence=evidence if test.ran else _absent(test, "no_test_evidence"),
        missing=_absent(test, "no_test"),
    )
    usable = test.ran and not test.srm_detected
    coupons = text("coupons", control=test.coupon_control, treatment=test.coupon_treatment)
    lift = {"coupons": coupons, "lift": test.lift, "p": test.p_value}
    card.judge(
        "ab_effect",
        test.lift if usable else None,
        ">",
        0,
        interval=(test.ci_low, test.ci_high),
        show=fmt.pp,
        worked=text("ab_effect.worked", **lift),
        failed=text("ab_effect.failed", **lift),
        uncertain=text("ab_effect.uncertain", **lift, power=test.power, planned=test.planned_lift, mde=test.mde),
        evidence=text("ab_effect.evidence", control=test.control_rate, treatment=test.treatment_rate)
        if test.ran
        else _absent(test, "no_test_evidence"),
        missing=text("srm_untrusted") if test.srm_detected else _absent(test, "no_test_lift"),
    )
    card.judge(
        "ab_guardrail",
        test.margin_difference if usable else None,
        ">=",
        0,
        show=fmt.yuan,
        interval=(test.margin_ci_low, test.margin_ci_high),
        worked=text("ab_guardrail.worked", difference=test.margin_difference),
        failed=text("ab_guardrail.failed", difference=test.margin_difference),
        uncertain=text("ab_guardrail.uncertain", difference=test.margin_difference),
        evidence=text("ab_guardrail.evidence", control=test.margin_control, treatment=test.margin_treatment)
        if test.ran
        else _absent(test, "no_test_evidence"),
        missing=text("srm_guardrail") if test.srm_detected else _absent(test, "no_test_guardrail"),
    )
    per_1000, low, high = test.per_1000
    card.judge(
        "ab_pays",
        per_1000 if usable else None,
        ">",
        0,
        show=fmt.yuan,
        interval=(low, high),
        worked=text("ab_pays.worked", per_1000=per_1000),
        failed=text("ab_pays.failed", per_1000=per_1000),
        uncertain=text("ab_pays.uncertain", per_1000=per_1000),
        evidence=text("ab_pays.evidence") if test.ran else _absent(test, "no_test_evidence"),
        missing=text("srm_result") if test.srm_detected else _absent(test, "no_test_pays"),
    )


def saturation_sentence(payback: Payback, next_yuan: NextYuan) -> str:
    """The saturation note, with the same average ROI as the tier chart (revenue ÷ spend over the period) and
    worded after how it compares with the tier's marginal ROI."""
    worst = next_yuan.worst
    average = payback.roi[worst] if worst else None
    marginal = next_yuan.worst_roi
    if is_missing(average) or is_missing(marginal):
        return text("saturation.none")
    key = "saturation.apart" if average > marginal else "saturation.not_saturated"
    return text(key, tier=source_word(worst), average=average, marginal=marginal)


def _notes(card: ReviewCard, result: Result) -> None:
    payback, next_yuan, pnl = result.payback, result.next_yuan, result.pnl
    card.note(
        "saturation",
        "why",
        saturation_sentence(payback, next_yuan),
        text("saturation.evidence", spend=next_yuan.worst_monthly_spend)
        if next_yuan.worst
        else text("saturation.evidence_none"),
    )
    kept = {WORKED: "kept", FAILED: "not_kept"}.get(card.verdict("private_domain"), "unproven")
    card.note(
        "breakthrough",
        "breakthrough",
        text(
            f"breakthrough.{kept}",
            posts=pnl.posts,
            kols=pnl.kols_used,
            share=pnl.kol_new_customer_share,
            added=result.private.add_share,
        ),
        text("breakthrough.evidence", revenue=pnl.revenue, months=pnl.months),
    )
    card.note(
        "logic",
        "logic",
        text("logic.text"),
        text("logic.evidence", break_even=payback.break_even_roi, best=source_word(next_yuan.best))
        if next_yuan.best and not is_missing(payback.break_even_roi)
        else text("logic.evidence_none", break_even=payback.break_even_roi),
    )
    treadmill = {
        "first": pnl.sm_first_quarter,
        "last": pnl.sm_last_quarter,
        "gross": pnl.gross_margin,
        "net": pnl.net_margin,
    }
    card.note(
        "treadmill",
        "risk",
        text("treadmill.text_no_rise", **treadmill)
        if is_missing(pnl.kol_price_rise)
        else text("treadmill.text", **treadmill, rise=pnl.kol_price_rise),
        text("treadmill.evidence"),
    )
    split = card.verdict("budget_split")
    card.note(
        "next_budget",
        "next",
        text("next_budget.shift", best=source_word(next_yuan.best), worst=source_word(next_yuan.worst))
        if split == FAILED
        else text("next_budget.keep" if split == WORKED else "next_budget.measure"),
        text("next_budget.evidence", spread=next_yuan.spread)
        if not is_missing(next_yuan.spread)
        else text("next_budget.evidence_none"),
    )
    card.note("next_test", "next", *_next_test(result.coupon))


def _next_test(test: CouponTest) -> tuple[str, str]:
    """The next coupon test: none ran, one sized from this test, or a bigger base when it cannot be sized."""
    if not test.ran:
        return text("next_test.none"), text("next_test.none_evidence")
    evidence = text("next_test.evidence", control=test.control_n, treatment=test.treatment_n)
    if is_missing(test.users_needed_per_arm):
        return text("next_test.unsized"), evidence
    return text("next_test.bigger", users=test.users_needed_per_arm, planned=test.planned_lift), evidence


def build_review(result: Result) -> ReviewCard:
    """The 复盘 card of the Perfect Diary case from the workbook's typed result."""
    card = ReviewCard(text("title"))
    _judge_kol(card, result.payback, result.next_yuan)
    _judge_private_domain(card, result.private)
    _judge_ab(card, result.coupon)
    pnl = result.pnl
    card.judge(
        "profitability",
        pnl.net_margin,
        ">=",
        0,
        worked=text("profitability.worked", net=pnl.net_margin, gross=pnl.gross_margin),
        failed=text("profitability.failed", net=pnl.net_margin, gross=pnl.gross_margin, sm=pnl.sales_expense_ratio),
        evidence=text("profitability.evidence", net_profit=pnl.net_profit, revenue=pnl.revenue),
    )
    _notes(card, result)
    # The intervals the card appends to the evidence come from the shared catalog: keep their signs unbroken too.
    card.findings = [replace(f, text=unbroken(f.text), evidence=unbroken(f.evidence)) for f in card.findings]
    return card
