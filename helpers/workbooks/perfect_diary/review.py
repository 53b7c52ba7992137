"""The Perfect Diary workbook's 复盘 card, built by explicit rules from its recorded metrics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.analysis.abtest import SRM_ALPHA
from helpers.core import fmt
from helpers.notebook.review import WORKED, ReviewCard

BALANCED_SPREAD = 1.5  # marginal ROI of the best tier at most 1.5× the worst: the split is about right
REAL_UPLIFT = 0.05  # a private domain that adds at least 5 pp of repurchase is doing something
ALPHA = 0.05


def _label(tier: Any) -> str:
    return str(tier).replace("_", " ") if tier is not None else fmt.na()


def _judge_kol(card: ReviewCard, m: Mapping[str, Any]) -> None:
    card.judge(
        "kol_payback",
        m["kol_roi"],
        ">=",
        m["break_even_roi"] if not fmt.is_missing(m["break_even_roi"]) else 0,
        worked=f"KOL spend paid for itself within the data: each ¥ brought back {fmt.ratio(m['kol_roi'])} in revenue, "
        f"above the {fmt.ratio(m['break_even_roi'])} needed to cover product and fulfilment.",
        failed=f"KOL spend did not pay for itself within the data: {fmt.ratio(m['kol_roi'])} revenue per ¥ against "
        f"the {fmt.ratio(m['break_even_roi'])} needed to cover product and fulfilment.",
        evidence=f"ROI top {fmt.ratio(m['roi_top'])}, mid {fmt.ratio(m['roi_mid'])}, "
        f"junior {fmt.ratio(m['roi_junior'])}, amateur {fmt.ratio(m['roi_amateur'])}",
    )
    card.judge(
        "next_yuan_pays",
        m["marginal_roi_best"],
        ">=",
        m["break_even_roi"] if not fmt.is_missing(m["break_even_roi"]) else 0,
        worked=f"The budget is not yet too big: the next ¥ in {_label(m['best_next_yuan'])} still returns "
        f"{fmt.ratio(m['marginal_roi_best'])}, above the {fmt.ratio(m['break_even_roi'])} break-even.",
        failed=f"The budget is past the point where growth pays: even the best tier ({_label(m['best_next_yuan'])}) "
        f"returns {fmt.ratio(m['marginal_roi_best'])} on its next ¥, below the {fmt.ratio(m['break_even_roi'])} "
        "break-even — spending less would lose revenue but gain profit.",
        evidence=f"marginal ROI at the last three months' spend, from {m['response_origin']}",
    )
    best, worst = _label(m["best_next_yuan"]), _label(m["worst_next_yuan"])
    card.judge(
        "budget_split",
        m["marginal_roi_spread"],
        "<=",
        BALANCED_SPREAD,
        worked=f"The split across tiers is about right: the next ¥ earns within {fmt.ratio(BALANCED_SPREAD, 1)} "
        f"wherever it goes (best {best}, worst {worst}).",
        failed=f"The split is off: the next ¥ earns {fmt.ratio(m['marginal_roi_best'])} in {best} but only "
        f"{fmt.ratio(m['marginal_roi_worst'])} in {worst} — move budget from {worst} to {best} until they meet.",
        evidence=f"marginal ROI at the last three months' spend, from {m['response_origin']}",
    )


def _judge_private_domain(card: ReviewCard, m: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    gap, selection = m["repurchase_gap"], m["counterfactual_gap"]
    if values.get("data_dir"):
        missing = (
            f"there is no counterfactual for your own data, and the observed {fmt.pp(gap)} gap mixes the "
            "persona's effect with selection — hold out a random group of contacts next time"
        )
    else:
        missing = "no cohort with WeChat contacts has a complete 270-day window in this run"
    card.judge(
        "private_domain",
        m["private_domain_true_uplift"],
        ">=",
        REAL_UPLIFT,
        worked=f"The private domain raised repurchase: of the {fmt.pp(gap)} gap between WeChat contacts and other "
        f"buyers, {fmt.pp(m['private_domain_true_uplift'])} is the persona's effect; the other "
        f"{fmt.pp(selection)} is selection (loyal buyers add the persona more often).",
        failed=f"The private domain did not raise repurchase (effect {fmt.pp(m['private_domain_true_uplift'])}): "
        f"the {fmt.pp(gap)} gap between contacts and other buyers is selection, not the persona.",
        evidence=f"repurchase within 270 days: private {fmt.pct(m['private_repurchase_rate'])}, public "
        f"{fmt.pct(m['public_repurchase_rate'])}; same customers with the persona off: gap "
        f"{fmt.pp(selection)}",
        missing=missing,
    )


def _judge_ab(card: ReviewCard, m: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    no_test = "no A/B test ran in this period (it is sent by the persona, so it needs the private domain)"
    card.judge(
        "ab_assignment",
        m["ab_srm_p_value"],
        ">=",
        SRM_ALPHA,
        worked=f"The A/B assignment is clean: treatment holds {fmt.pct(m['ab_treatment_share'])} of users, as "
        f"planned (sample-ratio check p = {fmt.num(m['ab_srm_p_value'], 3)}).",
        failed=f"Sample ratio mismatch (SRM) detected: treatment holds {fmt.pct(m['ab_treatment_share'])} of users "
        f"instead of 50% (p = {m['ab_srm_p_value']:.1e} < {SRM_ALPHA:g}). The assignment is broken, so the "
        "lift cannot be trusted: find the bug before reading the result."
        if not fmt.is_missing(m["ab_srm_p_value"])
        else "",
        evidence=f"{fmt.num(m['ab_control_n'])} control vs {fmt.num(m['ab_treatment_n'])} treatment users",
        missing=no_test,
    )
    srm = bool(m["ab_srm_detected"])
    coupons = f"¥{fmt.num(values['coupon_treatment'])} instead of ¥{fmt.num(values['coupon_control'])}"
    ci = f"95% CI {fmt.pp(m['ab_ci_low'])} to {fmt.pp(m['ab_ci_high'])}, p = {fmt.num(m['ab_p_value'], 3)}"
    card.judge(
        "ab_effect",
        None if srm else m["ab_lift"],
        ">",
        0,
        interval=(m["ab_ci_low"], m["ab_ci_high"]),
        show=fmt.pp,
        worked=f"The {coupons} coupon raised conversion by {fmt.pp(m['ab_lift'])} ({ci}).",
        failed=f"The {coupons} coupon lowered conversion: lift {fmt.pp(m['ab_lift'])} ({ci}).",
        uncertain=f"No detectable effect of {coupons}: lift {fmt.pp(m['ab_lift'])} ({ci}); the test had "
        f"{fmt.pct(m['ab_power'], 0)} power for a {fmt.pp(m['ab_planned_lift'])} lift and could only see "
        f"lifts above {fmt.pp(m['ab_mde'])}.",
        evidence=f"conversion {fmt.pct(m['ab_control_rate'])} control vs {fmt.pct(m['ab_treatment_rate'])} treatment",
        missing="the sample ratio mismatch makes the lift untrustworthy" if srm else no_test,
    )
    margin_ci = f"95% CI {fmt.yuan(m['ab_margin_ci_low'])} to {fmt.yuan(m['ab_margin_ci_high'])}"
    card.judge(
        "ab_guardrail",
        None if srm else m["ab_margin_difference"],
        ">=",
        0,
        show=fmt.yuan,
        interval=(m["ab_margin_ci_low"], m["ab_margin_ci_high"]),
        worked=f"The margin guardrail held: margin per assigned user changed by {fmt.yuan(m['ab_margin_difference'])} "
        f"({margin_ci}), no fall.",
        failed=f"The margin guardrail is breached: each user sent the coupon earns "
        f"{fmt.yuan(m['ab_margin_difference'])} ({margin_ci}) against control.",
        uncertain=f"The margin guardrail cannot rule out a fall: margin per assigned user changed by "
        f"{fmt.yuan(m['ab_margin_difference'])} ({margin_ci}).",
        evidence=f"margin per assigned user after fulfilment {fmt.yuan(m['ab_margin_control'])} control vs "
        f"{fmt.yuan(m['ab_margin_treatment'])} treatment (Welch)",
        missing="the sample ratio mismatch makes the guardrail untrustworthy" if srm else no_test,
    )
    per_1000 = fmt.yuan(m["ab_margin_per_1000_users"])
    card.judge(
        "ab_pays",
        None if srm else m["ab_margin_per_1000_users"],
        ">",
        0,
        show=fmt.yuan,
        interval=(m["ab_margin_per_1000_users_ci_low"], m["ab_margin_per_1000_users_ci_high"]),
        worked=f"The bigger coupon pays: {per_1000} more margin per 1,000 users sent.",
        failed=f"The bigger coupon does not pay: {per_1000} margin per 1,000 users sent — the extra buyers do not "
        "make up for the margin given to all of them.",
        uncertain=f"Cannot tell whether the bigger coupon pays: {per_1000} margin per 1,000 users sent, but the "
        "interval includes both a gain and a loss — a bigger test would tell.",
        evidence="margin per assigned user after fulfilment, treatment minus control, × 1,000 (Welch)",
        missing="the sample ratio mismatch makes the result untrustworthy" if srm else no_test,
    )


def saturation_sentence(m: Mapping[str, Any]) -> str:
    """The saturation note, with the same average ROI as the tier chart (revenue ÷ spend over the period) and
    worded after how it compares with the tier's marginal ROI."""
    worst = m["worst_next_yuan"]
    average = m.get(f"roi_{worst}") if worst else None
    marginal = m["marginal_roi_worst"]
    if fmt.is_missing(average) or fmt.is_missing(marginal):
        return (
            "Average and marginal ROI part ways as a tier saturates; in this run no KOL tier has both figures "
            "to compare."
        )
    if average > marginal:
        return (
            f"Average and marginal ROI part ways as a tier saturates: {_label(worst)} still shows an average ROI "
            f"of {fmt.ratio(average)} while its next ¥ earns {fmt.ratio(marginal)}."
        )
    return (
        f"{_label(worst).capitalize()} is not saturated yet: its next ¥ earns {fmt.ratio(marginal)}, no less "
        f"than its average ROI of {fmt.ratio(average)}."
    )


def _notes(card: ReviewCard, m: Mapping[str, Any]) -> None:
    card.note(
        "saturation",
        "why",
        saturation_sentence(m),
        f"{fmt.yuan(m['worst_monthly_spend'])} a month at the end of the data; average ROI = revenue ÷ spend "
        "over the period (the tier chart)",
    )
    kept = (
        f"then the customer kept in a channel the brand owns (WeChat contacts: {fmt.pct(m['wechat_add_share'])} "
        "of buyers)."
        if card.verdict("private_domain") == WORKED
        else "the second half — keeping the customer in a channel the brand owns — did not pay off in this run."
    )
    card.note(
        "breakthrough",
        "breakthrough",
        "Marketing and channel innovation together: 种草 content from a pyramid of KOLs on Xiaohongshu "
        f"({fmt.num(m['posts'])} notes by {fmt.num(m['kols_used'])} accounts brought "
        f"{fmt.pct(m['kol_new_customer_share'])} of new customers); {kept}",
        f"revenue {fmt.yuan(m['revenue'])} over {fmt.num(m['months'])} months",
    )
    card.note(
        "logic",
        "logic",
        "Surface action: 'hire thousands of KOLs and add every buyer on WeChat'. Transferable logic: buy "
        "attention where the next ¥ brings the most customers (marginal, not average, ROI), and own the "
        "relationship so that repeat revenue is not bought twice.",
        f"break-even ROI {fmt.ratio(m['break_even_roi'])}; best next ¥: {_label(m['best_next_yuan'])}",
    )
    card.note(
        "treadmill",
        "risk",
        f"The paid-growth treadmill: sales & marketing went from {fmt.pct(m['sm_first_quarter'])} to "
        f"{fmt.pct(m['sm_last_quarter'])} of revenue between the first and last quarter while KOL prices rose "
        f"{fmt.pct(m['kol_price_rise'])}; a {fmt.pct(m['gross_margin'])} gross margin ends in a "
        f"{fmt.pct(m['net_margin'])} net margin.",
        "Yatsen: S&M 39.1% (Q4 2019) → 70.3% (Q4 2020), net loss RMB2.69B in 2020",
    )
    card.note(
        "next_budget",
        "next",
        f"Shift KOL budget from {_label(m['worst_next_yuan'])} toward {_label(m['best_next_yuan'])} and "
        "re-measure the curve; stop reading tiers by average ROI alone.",
        f"marginal ROI spread {fmt.ratio(m['marginal_roi_spread'])}",
    )
    if fmt.is_missing(m["ab_users_needed_per_arm"]):
        card.note(
            "next_test",
            "next",
            "Run a coupon test once there is a base to send it to (the persona sends it, so it needs the private "
            "domain), check the sample ratio first, and keep margin per assigned user as the guardrail.",
            f"this run had {fmt.num(m['ab_control_n'])} + {fmt.num(m['ab_treatment_n'])} users in a test",
        )
    else:
        card.note(
            "next_test",
            "next",
            f"Re-run the coupon test with {fmt.num(m['ab_users_needed_per_arm'])} users per arm to detect a "
            f"{fmt.pp(m['ab_planned_lift'])} lift with 80% power, check the sample ratio first, and keep margin "
            "per assigned user as the guardrail.",
            f"this test had {fmt.num(m['ab_control_n'])} + {fmt.num(m['ab_treatment_n'])} users",
        )


def build_review(m: Mapping[str, Any], values: Mapping[str, Any]) -> ReviewCard:
    """The 复盘 card of the Perfect Diary case from the recorded metrics."""
    card = ReviewCard("复盘 Review card — Perfect Diary: KOL pyramid, private domain, A/B test, P&L")
    _judge_kol(card, m)
    _judge_private_domain(card, m, values)
    _judge_ab(card, m, values)
    card.judge(
        "profitability",
        m["net_margin"],
        ">=",
        0,
        worked=f"The brand made money: net margin {fmt.pct(m['net_margin'])} on a {fmt.pct(m['gross_margin'])} "
        "gross margin.",
        failed=f"A {fmt.pct(m['gross_margin'])} gross margin still ends in a {fmt.pct(m['net_margin'])} net margin: "
        f"sales & marketing take {fmt.pct(m['sales_expense_ratio'])} of revenue.",
        evidence=f"net result {fmt.yuan(m['net_profit'])} on revenue {fmt.yuan(m['revenue'])}",
    )
    _notes(card, m)
    return card
