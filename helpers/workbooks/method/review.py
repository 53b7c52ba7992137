"""The 复盘 card of the 618 promotion, built by explicit rules from a `MethodResult` only.

Every sentence comes from the `method.review.*` catalog messages and follows the numbers it states: a judged
finding's text is the one its verdict calls for, and the notes (why, breakthrough, logic, risk, next) pick the
wording that fits the promotion's verdict and the figures that exist in this run — a figure that does not
exist is explained in words, never shown as "n/a".
"""

from __future__ import annotations

from helpers.analysis.customers import LAPSED_LIMIT, lapsed_share
from helpers.core import fmt
from helpers.core.messages import message
from helpers.notebook.review import FAILED, UNKNOWN, WORKED, ReviewCard
from helpers.workbooks.method.case import POST_PROMO_DAYS, SESSION_TO_ORDER_BENCHMARK, MethodResult
from helpers.workbooks.method.prose import sentences, transition

OUTCOME = {WORKED: "worked", FAILED: "failed", UNKNOWN: "unknown"}  # verdict → suffix of verdict-dependent notes


def _text(key: str, **values: object) -> str:
    return message(f"method.review.{key}", **values)


def build_review(r: MethodResult) -> ReviewCard:
    """The review card: four judged findings (profit, uplift, conversion, retention) and five notes."""
    card = ReviewCard(_text("title"))
    profit = _judge_profit(card, r)
    _judge_uplift(card, r)
    card.judge(
        "conversion",
        r.overall_conversion,
        ">=",
        SESSION_TO_ORDER_BENCHMARK,
        worked=_text("conversion.worked", conversion=r.overall_conversion),
        failed=_text("conversion.failed", conversion=r.overall_conversion),
        evidence=_text("conversion.evidence", benchmark=SESSION_TO_ORDER_BENCHMARK),
        missing=_text("conversion.missing"),
    )
    lapsed = lapsed_share(r.sleeping_share, r.churned_share)
    card.judge(
        "retention",
        lapsed,
        "<",
        LAPSED_LIMIT,
        worked=_text("retention.worked", lapsed=lapsed),
        failed=_text("retention.failed", lapsed=lapsed),
        evidence=_text("retention.evidence", sleeping_days=r.sleeping_days, churned_days=r.churned_days),
        missing=_text("retention.missing"),
    )
    card.note("why_subsidy", "why", anyway_sentence(r.promo_orders_anyway_share, r.promo_net_profit), _why_evidence(r))
    card.note("breakthrough", "breakthrough", *_breakthrough(r, profit))
    card.note("logic", "logic", *_logic(r, profit))
    card.note(
        "risk_pull_forward",
        "risk",
        pull_forward_sentence(r.pull_forward_measured),
        _text("risk.evidence", days=POST_PROMO_DAYS),
    )
    card.note("next", "next", *_next(r, profit))
    return card


def _judge_profit(card: ReviewCard, r: MethodResult) -> str:
    """Did the promotion pay for itself against the same weeks without it (+30 days of pull-forward)?"""
    return card.judge(
        "promotion_profit",
        r.promo_net_profit,
        ">",
        0,
        worked=_text("profit.worked", profit=r.promo_net_profit),
        failed=_text("profit.failed", loss=-r.promo_net_profit),
        evidence=_profit_evidence(r),
        missing=_text("profit.missing"),
    )


def window_sentence(r: MethodResult) -> str:
    """Which window the promotion-profit verdict uses, why, and what the longer window says."""
    text = _text("profit.window", days=POST_PROMO_DAYS)
    if fmt.is_missing(r.promo_net_profit_data_end) or fmt.is_missing(r.promo_customers_won):
        return text
    return _text("profit.window_data_end", window=text, won=r.promo_customers_won, profit=r.promo_net_profit_data_end)


def _profit_evidence(r: MethodResult) -> str:
    if not r.has_counterfactual:
        if fmt.is_missing(r.promo_naive_roi):
            return _text("profit.evidence_nothing")
        return _text("profit.evidence_dashboard", naive_roi=r.promo_naive_roi)
    if fmt.is_missing(r.promo_true_roi) or fmt.is_missing(r.promo_naive_roi):
        return _text("profit.evidence_no_spend", window=window_sentence(r))
    return _text("profit.evidence", true_roi=r.promo_true_roi, naive_roi=r.promo_naive_roi, window=window_sentence(r))


def _judge_uplift(card: ReviewCard, r: MethodResult) -> str:
    """Did volume on the promotion days rise by at least the break-even uplift?"""
    need, impossible = r.break_even_uplift, fmt.is_missing(r.break_even_uplift)
    if impossible:
        missing = _text("uplift.missing_impossible")
    elif not r.has_counterfactual:
        missing = _text("uplift.missing_no_counterfactual")
    else:
        missing = _text("uplift.missing_no_days")
    figures = {"uplift": r.promo_uplift, "need": need, "discount": r.promo_discount, "margin": r.gross_margin}
    return card.judge(
        "uplift_vs_break_even",
        None if impossible else r.promo_uplift,
        ">=",
        0.0 if impossible else need,
        worked=_text("uplift.worked", **figures),
        failed=_text("uplift.failed", **figures),
        evidence=_text("uplift.evidence_impossible" if impossible else "uplift.evidence", need=need),
        missing=missing,
    )


def anyway_sentence(share: float | None, net_profit: float | None) -> str:
    """Why the promotion earned or lost: the share of its discounted orders that would have come anyway, said
    in words that follow the profit (a promotion that made money did get something in return)."""
    if fmt.is_missing(share):
        return _text("why.unknown")
    if fmt.is_missing(net_profit):
        return _text("why.anyway", share=share)
    return _text("why.anyway_paid" if net_profit > 0 else "why.anyway_lost", share=share)


def _why_evidence(r: MethodResult) -> str:
    naive, true = not fmt.is_missing(r.naive_uplift), not fmt.is_missing(r.promo_uplift)
    if naive and true:
        return _text("why.evidence", naive=r.naive_uplift, uplift=r.promo_uplift)
    if naive:
        return _text("why.evidence_naive", naive=r.naive_uplift)
    if true:
        return _text("why.evidence_counterfactual", uplift=r.promo_uplift)
    return _text("why.evidence_none")


def _breakthrough(r: MethodResult, profit: str) -> tuple[str, str]:
    """The leakiest funnel step as the lever that needs no discount, worded after the promotion's verdict."""
    if r.leakiest_step is None or fmt.is_missing(r.leakiest_step_conversion):
        return _text("breakthrough.no_funnel"), _text("breakthrough.evidence")
    step = transition(r.leakiest_step)
    key = "breakthrough.after_paid" if profit == WORKED else "breakthrough.instead"
    return _text(key, step=step, rate=r.leakiest_step_conversion), _text("breakthrough.evidence")


def _logic(r: MethodResult, profit: str) -> tuple[str, str]:
    """底层逻辑 vs surface action, worded after the promotion's verdict, with the two ROIs when both exist."""
    text = _text(f"logic.{OUTCOME[profit]}", discount=r.promo_discount)
    if fmt.is_missing(r.promo_naive_roi) or fmt.is_missing(r.promo_true_roi):
        return text, _text("logic.evidence_baseline")
    return text, _text("logic.evidence", naive_roi=r.promo_naive_roi, true_roi=r.promo_true_roi)


def pull_forward_sentence(share: float | None) -> str:
    """The pull-forward risk in words that follow the measured share."""
    if fmt.is_missing(share):
        return _text("risk.unknown")
    if share <= 0:
        return _text("risk.none", days=POST_PROMO_DAYS)
    return _text("risk.measured", share=share, days=POST_PROMO_DAYS)


def _next(r: MethodResult, profit: str) -> tuple[str, str]:
    """What to try next: a holdout to measure (or keep measuring) the uplift, and who should get the offer."""
    first = _text("next.measure" if r.has_counterfactual else "next.holdout")
    if profit == WORKED:
        first = _text("next.keep")
    audience = (
        _text("next.sleeping", sleeping=r.sleeping_customers) if r.sleeping_customers else _text("next.no_sleeping")
    )
    return sentences([first, audience]), _text("next.evidence")
