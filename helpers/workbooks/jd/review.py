"""The JD workbook's 复盘 card and its membership calculator text, built by explicit rules from typed results.

`build_review(result)` reads only the `Result` that `helpers.workbooks.jd.case` computes from the tables and
parameters; every sentence comes from the `jd` message catalog of the edition's language. Notes that depend on
a verdict (the breakthrough, the transferable logic, the PLUS risk) are worded after that verdict, so no note
contradicts the judged findings above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.core import fmt
from helpers.core.messages import language, message
from helpers.notebook.review import WORKED, ReviewCard
from helpers.workbooks.jd.case import Delivery, Plus, Result

SAME_OR_NEXT_DAY_CLAIM = 0.9  # JD: "90% of orders same-day on an average day" (company claim, ~2017)
ON_TIME_TARGET = 0.8  # a 211 promise kept for at least 4 orders in 5
TURNOVER_CAP_DAYS = 40.0  # JD: inventory turnover ≤ 40 days since 2012 (JD Logistics profile)
STOCKOUT_LIMIT = 0.02
REAL_UPLIFT = 1.1  # a membership that raises members' spend by at least 10% is doing something


def build_review(result: Result) -> ReviewCard:
    """The review card of JD's logistics, inventory and PLUS choices."""
    card = ReviewCard(message("jd.card.title"))
    _delivery(card, result)
    _stock(card, result)
    _plus(card, result)
    _money(card, result)
    _notes(card, result)
    return card


def _delivery(card: ReviewCard, r: Result) -> None:
    share = r.delivery.on_time_211_share
    card.judge(
        "delivery_211",
        share,
        ">=",
        ON_TIME_TARGET,
        worked=message("jd.card.delivery_211.worked", share=share),
        failed=message("jd.card.delivery_211.failed", share=share, target=ON_TIME_TARGET),
        missing=message("jd.card.delivery_211.missing"),
        evidence=message(
            "jd.card.delivery_211.evidence",
            coverage=r.levers.regional_stock_coverage,
            hours=r.delivery.median_delivery_hours,
        ),
    )


def _stock(card: ReviewCard, r: Result) -> None:
    s, levers = r.stock, r.levers
    card.judge(
        "inventory_turnover",
        s.inventory_turnover_days,
        "<=",
        TURNOVER_CAP_DAYS,
        worked=message("jd.card.inventory_turnover.worked", days=s.inventory_turnover_days, cap=TURNOVER_CAP_DAYS),
        failed=message("jd.card.inventory_turnover.failed", days=s.inventory_turnover_days, cap=TURNOVER_CAP_DAYS),
        missing=message("jd.card.inventory_turnover.missing"),
        evidence=message("jd.card.inventory_turnover.evidence", up_to=levers.order_up_to_days),
    )
    card.judge(
        "stockouts",
        s.stockout_rate,
        "<=",
        STOCKOUT_LIMIT,
        worked=message("jd.card.stockouts.worked", rate=s.stockout_rate),
        failed=message("jd.card.stockouts.failed", rate=s.stockout_rate, limit=STOCKOUT_LIMIT),
        missing=message("jd.card.stockouts.missing"),
        evidence=message(
            "jd.card.stockouts.evidence",
            lead=levers.lead_time_days,
            point=levers.reorder_point_days,
            alerts=s.reorder_alerts,
        ),
    )


def _plus(card: ReviewCard, r: Result) -> None:
    p = r.plus
    uplift = p.plus_causal_uplift
    interval = None if fmt.is_missing(uplift) else (p.plus_causal_uplift_low, p.plus_causal_uplift_high)
    card.judge(
        "plus_effect",
        uplift,
        ">=",
        REAL_UPLIFT,
        worked=message("jd.card.plus_effect.worked", uplift=uplift),
        failed=message("jd.card.plus_effect.failed", uplift=uplift),
        uncertain=message(
            "jd.card.plus_effect.uncertain",
            uplift=uplift,
            low=p.plus_causal_uplift_low,
            high=p.plus_causal_uplift_high,
            threshold=REAL_UPLIFT,
        ),
        missing=message("jd.card.plus_effect.missing"),
        interval=interval,
        show=fmt.ratio,
        evidence=_plus_evidence(r),
    )


def _plus_evidence(r: Result) -> str:
    """Naive ratio and before/after, each only when it exists (a missing one is said in words)."""
    p = r.plus
    naive = (
        message("jd.card.plus_effect.naive_none")
        if fmt.is_missing(p.plus_naive_spend_ratio)
        else message("jd.card.plus_effect.naive", ratio=p.plus_naive_spend_ratio)
    )
    before_after = (
        message("jd.card.plus_effect.before_after_none")
        if fmt.is_missing(p.plus_before_after_uplift)
        else message("jd.card.plus_effect.before_after", ratio=p.plus_before_after_uplift, joiners=p.plus_joiners)
    )
    return message("jd.card.plus_effect.evidence", naive=naive, before_after=before_after)


def _money(card: ReviewCard, r: Result) -> None:
    money, days = r.money, r.stock.inventory_turnover_days
    card.judge(
        "net_margin",
        money.net_margin,
        ">=",
        0.0,
        worked=message("jd.card.net_margin.worked", margin=money.net_margin),
        failed=message("jd.card.net_margin.failed", margin=money.net_margin),
        missing=message("jd.card.net_margin.missing"),
        evidence=message(
            "jd.card.net_margin.evidence", gross=money.gross_margin, fulfilment=money.fulfillment_cost_ratio
        ),
    )
    card.judge(
        "cash_cycle",
        money.cash_conversion_days,
        "<",
        0.0,
        worked=message("jd.card.cash_cycle.worked", days=money.cash_conversion_days),
        failed=message("jd.card.cash_cycle.failed", days=money.cash_conversion_days),
        missing=message("jd.card.cash_cycle.missing"),
        evidence=message("jd.card.cash_cycle.evidence", inventory=days, terms=r.levers.supplier_payment_days),
    )


def speed_sentence(delivery: Delivery) -> str:
    """What speed did to returns and repurchase, worded after the signs of the two differences."""
    d = delivery
    rates = (d.return_rate_fast, d.return_rate_slow, d.repurchase_rate_fast, d.repurchase_rate_slow)
    if any(fmt.is_missing(rate) for rate in rates):
        return message("jd.card.why_speed.missing")
    figures = message(
        "jd.card.why_speed.figures",
        return_fast=d.return_rate_fast,
        return_slow=d.return_rate_slow,
        repurchase_fast=d.repurchase_rate_fast,
        repurchase_slow=d.repurchase_rate_slow,
    )
    fewer_returns = d.return_rate_fast < d.return_rate_slow
    more_repurchase = d.repurchase_rate_fast > d.repurchase_rate_slow
    if fewer_returns and more_repurchase:
        return message("jd.card.why_speed.twice", figures=figures)
    if fewer_returns:
        return message("jd.card.why_speed.returns_only", figures=figures)
    if more_repurchase:
        return message("jd.card.why_speed.repurchase_only", figures=figures)
    return message("jd.card.why_speed.none", figures=figures)


def speed_pays(delivery: Delivery) -> bool:
    """True when fast first deliveries bring first-time buyers back more often (category mix held fixed)."""
    fast, slow = delivery.repurchase_rate_fast, delivery.repurchase_rate_slow
    return not (fmt.is_missing(fast) or fmt.is_missing(slow)) and fast > slow


def _notes(card: ReviewCard, r: Result) -> None:
    """The non-judged sections, each worded after the verdicts and figures it depends on."""
    card.note("why_speed", "why", speed_sentence(r.delivery), message("jd.card.why_speed.evidence"))
    held = card.verdict("delivery_211") == WORKED
    card.note(
        "breakthrough",
        "breakthrough",
        message("jd.card.breakthrough.held" if held else "jd.card.breakthrough.broke"),
        message("jd.card.breakthrough.evidence", share=r.delivery.on_time_211_share)
        if not fmt.is_missing(r.delivery.on_time_211_share)
        else "",
    )
    card.note(
        "logic",
        "logic",
        message("jd.card.logic.pays" if speed_pays(r.delivery) else "jd.card.logic.unproven"),
        message("jd.card.logic.evidence", fulfilment=r.money.fulfillment_cost_ratio)
        if not fmt.is_missing(r.money.fulfillment_cost_ratio)
        else "",
    )
    _selection_risk(card, r)
    card.note(
        "risk_festivals",
        "risk",
        message(
            "jd.card.risk_festivals.text",
            alerts=r.stock.anomaly_alerts,
            festivals=r.stock.anomaly_alerts_on_festivals,
        ),
        message("jd.card.risk_festivals.evidence", mape=r.stock.forecast_mape)
        if not fmt.is_missing(r.stock.forecast_mape)
        else "",
    )
    card.note("next", "next", message("jd.card.next.text"), message("jd.card.next.evidence"))


def _selection_risk(card: ReviewCard, r: Result) -> None:
    """Self-selection: said with the naive ratio against the causal uplift, only when both figures exist."""
    p = r.plus
    if fmt.is_missing(p.plus_naive_spend_ratio):
        card.note("risk_selection", "risk", message("jd.card.risk_selection.no_groups"))
    elif fmt.is_missing(p.plus_causal_uplift):
        card.note(
            "risk_selection",
            "risk",
            message("jd.card.risk_selection.no_counterfactual", naive=p.plus_naive_spend_ratio),
        )
    elif p.plus_naive_spend_ratio > p.plus_causal_uplift:
        card.note(
            "risk_selection",
            "risk",
            message("jd.card.risk_selection.overstates", naive=p.plus_naive_spend_ratio),
            message("jd.card.risk_selection.evidence", causal=p.plus_causal_uplift),
        )
    else:
        card.note(
            "risk_selection",
            "risk",
            message("jd.card.risk_selection.no_gap", naive=p.plus_naive_spend_ratio),
            message("jd.card.risk_selection.evidence", causal=p.plus_causal_uplift),
        )


def calculator_sentence(result: Mapping[str, float], values: Mapping[str, Any]) -> str:
    """The calculator's answer in words, with the numbers that decide it."""
    need = result["break_even_uplift"]
    shop = {
        "fee": values["your_fee"],
        "discount": values["your_discount"],
        "margin": values["your_gross_margin"],
        "spend": values["your_annual_spend"],
    }
    if fmt.is_missing(need) and values["your_discount"] >= values["your_gross_margin"]:
        return message("jd.calculator.discount_eats_margin", **shop)
    if fmt.is_missing(need):
        return message("jd.calculator.no_spend")
    floor = message("jd.calculator.fee_covers") if need <= 0 else message("jd.calculator.need", need=need)
    key = "jd.calculator.worth_it" if result["worth_it"] else "jd.calculator.does_not_pay"
    return message(key, **shop, floor=floor, expected=values["your_expected_uplift"], change=result["profit_change"])


def speed_paragraph(delivery: Delivery) -> str:
    """The notebook's paragraph on speed: the standardised rates the card uses, or why they cannot be read."""
    d = delivery
    rates = (d.return_rate_fast, d.return_rate_slow, d.repurchase_rate_fast, d.repurchase_rate_slow)
    if any(fmt.is_missing(rate) for rate in rates):
        return message("jd.speed_missing")
    return message(
        "jd.speed",
        return_fast=d.return_rate_fast,
        return_slow=d.return_rate_slow,
        repurchase_fast=d.repurchase_rate_fast,
        repurchase_slow=d.repurchase_rate_slow,
    )


def plus_paragraph(plus: Plus) -> str:
    """The notebook's paragraph on PLUS: each estimate when it exists, else why it does not."""
    p = plus
    naive = (
        message("jd.plus.no_groups", share=p.plus_member_share)
        if fmt.is_missing(p.plus_naive_spend_ratio)
        else message("jd.plus.naive", share=p.plus_member_share, ratio=p.plus_naive_spend_ratio)
    )
    causal = (
        message("jd.plus.no_causal")
        if fmt.is_missing(p.plus_causal_uplift)
        else message(
            "jd.plus.causal", uplift=p.plus_causal_uplift, low=p.plus_causal_uplift_low, high=p.plus_causal_uplift_high
        )
    )
    before_after = (
        message("jd.plus.no_before_after")
        if fmt.is_missing(p.plus_before_after_uplift)
        else message("jd.plus.before_after", ratio=p.plus_before_after_uplift, joiners=p.plus_joiners)
    )
    gap = not fmt.is_missing(p.plus_causal_uplift) and p.plus_naive_spend_ratio > p.plus_causal_uplift
    sentences = [naive, causal, before_after] + ([message("jd.plus.selection")] if gap else [])
    return ("" if language() == "zh" else " ").join(sentences)  # Chinese sentences run on without spaces
