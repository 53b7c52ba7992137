"""Workbook 03 (Perfect Diary): the review card from a typed, hand-made `case.Result` — every judged finding flips
on both sides of its threshold, every sentence agrees with its verdict, notes follow the verdicts — and the
reader-facing side: every column shown has a label in both languages, no n/a inside a sentence, and the ROI
chart's value labels, break-even line and legend never collide."""

from __future__ import annotations

import re
from dataclasses import replace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from generators import perfect_diary as generator
from helpers.core import fmt, language, messages
from helpers.notebook import plots
from helpers.notebook.review import FAILED, UNKNOWN, WORKED
from helpers.workbooks import cases
from helpers.workbooks.perfect_diary import case, charts, review

matplotlib.use("Agg")
NAN = float("nan")
VALUES = {"coupon_control": 5.0, "coupon_treatment": 15.0, "data_dir": ""}


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


def coupon(**changes) -> case.CouponTest:
    """A clean coupon test whose lift is clearly positive and whose guardrail clearly fails."""
    test = case.CouponTest(
        coupon_control=5.0,
        coupon_treatment=15.0,
        control_n=3000,
        treatment_n=3000,
        control_conversions=150,
        treatment_conversions=210,
        control_rate=0.05,
        treatment_rate=0.07,
        lift=0.02,
        ci_low=0.008,
        ci_high=0.032,
        p_value=0.001,
        power=0.45,
        mde=0.016,
        planned_lift=0.01,
        users_needed_per_arm=7900.0,
        srm_p_value=0.5,
        srm_detected=False,
        treatment_share=0.5,
        margin_control=1.7,
        margin_treatment=1.2,
        margin_difference=-0.5,
        margin_ci_low=-0.8,
        margin_ci_high=-0.2,
        fulfilment_per_order=6.5,
    )
    return replace(test, **changes)


NO_TEST = dict(
    control_n=0,
    treatment_n=0,
    control_conversions=0,
    treatment_conversions=0,
    **dict.fromkeys(
        (
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
            "margin_control",
            "margin_treatment",
            "margin_difference",
            "margin_ci_low",
            "margin_ci_high",
        ),
        NAN,
    ),
)


def result(**parts) -> case.Result:
    """A hand-made result shaped like the default run: KOLs do not pay back, the split is off, the private domain
    works, the coupon lifts conversion but breaks the margin guardrail, the brand loses money."""
    base = case.Result(
        payback=case.Payback(
            roi={"top": 1.84, "mid": 1.15, "junior": 1.47, "amateur": 1.74, "platform_ads": 1.71},
            kol_roi=1.47,
            break_even_roi=1.8,
        ),
        next_yuan=case.NextYuan(
            best="top",
            worst="amateur",
            best_roi=0.73,
            worst_roi=0.05,
            worst_average_roi=0.9,
            worst_monthly_spend=33_700.0,
            origin="generator",
        ),
        private=case.PrivateDomain(
            private_rate=0.52, public_rate=0.32, gap=0.20, selection=0.05, add_share=0.31, own_data=False
        ),
        coupon=coupon(),
        pnl=case.Pnl(
            revenue=4_475_000.0,
            gross_margin=0.636,
            sales_expense_ratio=0.607,
            net_margin=-0.146,
            net_profit=-654_000.0,
            contribution_margin=0.557,
            sm_first_quarter=0.403,
            sm_last_quarter=0.685,
            kol_price_rise=0.52,
            kol_new_customer_share=0.68,
            kols_used=998,
            posts=1779.0,
            months=18.0,
        ),
    )
    return replace(base, **parts)


def findings(res: case.Result) -> dict[str, dict[str, str]]:
    return {f["id"]: f for f in review.build_review(res).as_records()}


def said(key: str, **values) -> str:
    return case.text(f"review.{key}", **values)


# ---------------------------------------------------------------- each judged finding flips at its threshold


def test_kol_payback_flips_at_the_break_even_roi():
    base = result()
    below = findings(replace(base, payback=replace(base.payback, kol_roi=1.79)))["kol_payback"]
    above = findings(replace(base, payback=replace(base.payback, kol_roi=1.81)))["kol_payback"]
    assert below["verdict"] == FAILED and below["text"] == said("kol_payback.failed", roi=1.79, break_even=1.8)
    assert above["verdict"] == WORKED and above["text"] == said("kol_payback.worked", roi=1.81, break_even=1.8)
    assert above["evidence"] == "ROI by tier: top 1.84×, mid 1.15×, junior 1.47×, amateur 1.74×"
    no_margin = findings(replace(base, payback=replace(base.payback, break_even_roi=NAN)))["kol_payback"]
    assert no_margin["verdict"] == UNKNOWN and "n/a" not in no_margin["text"]


def test_the_next_yuan_and_the_split_flip_at_their_thresholds():
    base = result()
    pays = replace(base, next_yuan=replace(base.next_yuan, best_roi=1.9, worst_roi=1.3))  # spread 1.46
    cards = findings(base), findings(pays)
    assert [c["next_yuan_pays"]["verdict"] for c in cards] == [FAILED, WORKED]
    assert [c["budget_split"]["verdict"] for c in cards] == [FAILED, WORKED]
    assert cards[0]["budget_split"]["text"] == said(
        "budget_split.failed", best="top", worst="amateur", best_roi=0.73, worst_roi=0.05
    )
    assert cards[1]["budget_split"]["text"].startswith("The split across tiers is about right")
    just_off = replace(base, next_yuan=replace(base.next_yuan, best_roi=1.52, worst_roi=1.0))
    assert findings(just_off)["budget_split"]["verdict"] == FAILED  # 1.52 > 1.5


def test_the_private_domain_flips_at_five_points_of_true_uplift():
    base = result()
    weak = replace(base, private=replace(base.private, selection=0.16))  # uplift 0.04
    strong = replace(base, private=replace(base.private, selection=0.14))  # uplift 0.06
    assert findings(weak)["private_domain"]["verdict"] == FAILED
    assert findings(strong)["private_domain"]["verdict"] == WORKED
    assert "+6.0 pp is the persona's effect" in findings(strong)["private_domain"]["text"]


def test_the_assignment_check_flips_at_the_srm_threshold():
    base = result()
    broken = replace(base, coupon=coupon(srm_p_value=0.0004, srm_detected=True, treatment_share=0.46))
    card = findings(broken)
    assert findings(base)["ab_assignment"]["verdict"] == WORKED
    assert card["ab_assignment"]["verdict"] == FAILED
    assert "Sample ratio mismatch (SRM) detected" in card["ab_assignment"]["text"]
    assert {card[i]["verdict"] for i in ("ab_effect", "ab_guardrail", "ab_pays")} == {UNKNOWN}
    assert "sample ratio mismatch" in card["ab_effect"]["text"]


@pytest.mark.parametrize(
    ("interval", "verdict"), [((0.008, 0.032), WORKED), ((-0.032, -0.008), FAILED), ((-0.004, 0.02), UNKNOWN)]
)
def test_the_lift_reads_from_its_interval(interval, verdict):
    lift = sum(interval) / 2
    finding = findings(result(coupon=coupon(lift=lift, ci_low=interval[0], ci_high=interval[1])))["ab_effect"]
    assert finding["verdict"] == verdict
    key = {WORKED: "worked", FAILED: "failed", UNKNOWN: "uncertain"}[verdict]
    values = {"coupons": "¥15 instead of ¥5", "lift": lift, "p": 0.001, "power": 0.45, "planned": 0.01, "mde": 0.016}
    assert finding["text"] == said(f"ab_effect.{key}", **values)
    assert finding["evidence"].endswith(case.unbroken(f"95% CI {fmt.pp(interval[0])} to {fmt.pp(interval[1])}"))


@pytest.mark.parametrize(
    ("interval", "verdict"), [((0.1, 0.4), WORKED), ((-0.8, -0.2), FAILED), ((-0.78, 0.06), UNKNOWN)]
)
def test_the_guardrail_and_the_payoff_read_from_their_interval(interval, verdict):
    difference = sum(interval) / 2
    card = findings(
        result(coupon=coupon(margin_difference=difference, margin_ci_low=interval[0], margin_ci_high=interval[1]))
    )
    assert card["ab_guardrail"]["verdict"] == card["ab_pays"]["verdict"] == verdict
    if verdict != FAILED:
        assert "does not pay" not in card["ab_pays"]["text"] and "breached" not in card["ab_guardrail"]["text"]
    if verdict != WORKED:
        assert "The bigger coupon pays" not in card["ab_pays"]["text"] and "held" not in card["ab_guardrail"]["text"]
    low, high = (fmt.yuan(1000 * bound) for bound in interval)
    assert card["ab_pays"]["evidence"].endswith(case.unbroken(f"95% CI {low} to {high}"))


def test_profitability_flips_at_zero_net_margin():
    base = result()
    profit = replace(base, pnl=replace(base.pnl, net_margin=0.01, net_profit=44_750.0))
    assert findings(base)["profitability"]["verdict"] == FAILED
    assert findings(profit)["profitability"]["text"] == said("profitability.worked", net=0.01, gross=0.636)


# ---------------------------------------------------------------- notes follow the verdicts they sit beside


def test_the_breakthrough_follows_the_private_domain_verdict():
    base = result()
    off = replace(base, private=replace(base.private, selection=0.2, add_share=0.0))  # uplift 0: did not work
    unknown = replace(base, private=replace(base.private, gap=NAN, private_rate=NAN, selection=NAN))
    texts = [findings(r)["breakthrough"]["text"] for r in (base, off, unknown)]
    assert "WeChat contacts: 31.0% of buyers" in texts[0]
    assert "did not pay off in this run" in texts[1] and "WeChat contacts" not in texts[1]
    assert "cannot be told from this run" in texts[2]


def test_the_next_budget_step_follows_the_split_verdict():
    base = result()
    balanced = replace(base, next_yuan=replace(base.next_yuan, best_roi=1.9, worst_roi=1.5))
    alone = replace(base, next_yuan=replace(base.next_yuan, best="top", worst="top", best_roi=NAN, worst_roi=NAN))
    assert findings(base)["next_budget"]["text"].startswith("Shift KOL budget from amateur toward top")
    assert findings(balanced)["next_budget"]["text"].startswith("Keep the KOL split")
    assert findings(alone)["next_budget"]["text"].startswith("Spend on at least two KOL tiers")


def test_the_saturation_note_follows_the_comparison():
    base = result()
    assert "part ways" in review.saturation_sentence(base.payback, base.next_yuan)
    fresh = replace(base.next_yuan, worst_roi=2.0)
    assert "not saturated" in review.saturation_sentence(base.payback, fresh)
    assert "no KOL tier has both" in review.saturation_sentence(base.payback, replace(fresh, worst=None))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_a_private_domain_nothing_reads_n_a(lang):
    """#13 item 17: no test, no complete window — every sentence says why in words, in both languages."""
    language.use(lang)
    base = result()
    no_domain = replace(
        base,
        private=replace(base.private, private_rate=NAN, gap=NAN, selection=NAN, add_share=0.0),
        coupon=coupon(**NO_TEST),
        next_yuan=replace(base.next_yuan, best=None, worst=None, best_roi=NAN, worst_roi=NAN, worst_average_roi=NAN),
    )
    card = findings(no_domain)
    texts = [case.ab_text(no_domain.coupon), case.selection_text(no_domain.private)]
    texts += [f[part] for f in card.values() for part in ("text", "evidence")]
    assert not [t for t in texts if re.search(r"n/a|\bnan\b|None|—(?!—)", t.replace("——", ""))]
    assert card["ab_effect"]["verdict"] == card["private_domain"]["verdict"] == UNKNOWN
    assert card["next_test"]["text"] == messages.message("perfect_diary.review.next_test.none")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_test_with_an_empty_arm_says_so_instead_of_blaming_the_private_domain(lang):
    """A tiny run can enrol a few users and leave one arm empty: the card gives the counts, not 'no test ran'."""
    language.use(lang)
    one_arm = result(coupon=coupon(**{**NO_TEST, "control_n": 3, "control_conversions": 1}))
    card = findings(one_arm)
    ab = [card[fid] for fid in ("ab_assignment", "ab_effect", "ab_guardrail", "ab_pays")]
    paragraph = case.ab_text(one_arm.coupon)
    assert all(f["verdict"] == UNKNOWN for f in ab)
    for sentence in [paragraph, *(f["text"] for f in ab), *(f["evidence"] for f in ab)]:
        assert "3" in sentence and "0" in sentence, sentence
        assert not re.search(r"private domain|私域|persona|人设", sentence), sentence
    no_test = findings(result(coupon=coupon(**NO_TEST)))
    assert re.search(r"private domain|私域", no_test["ab_assignment"]["text"])


def test_a_test_too_small_to_size_says_so():
    card = findings(result(coupon=coupon(users_needed_per_arm=NAN)))
    assert card["next_test"]["text"].startswith("Re-run the coupon test on a bigger base")


def test_both_languages_give_the_same_ids_and_verdicts():
    english = [(f["id"], f["verdict"]) for f in review.build_review(result()).as_records()]
    language.use("zh")
    chinese = review.build_review(result()).as_records()
    assert [(f["id"], f["verdict"]) for f in chinese] == english
    assert all(re.search(r"[\u4e00-\u9fff]", f["text"]) for f in chinese)


# ---------------------------------------------------------------- what readers see: labels, signs, charts


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return generator.generate(generator.Config(scale=0.05))


def shown_tables(tables) -> dict[str, pd.DataFrame]:
    """Every table the notebook shows, built by the same calls it makes."""
    pnl = case.pnl_summary(tables["monthly_finance"])
    tiers = case.tier_table(tables)
    return {
        "facts": case.facts_table(),
        "dataset": cases.overview_frame(tables, "perfect_diary"),
        "roster": case.roster(tables["kols"]),
        "kpi": case.kpi_tree(tables, pnl),
        "funnel": case.tier_funnels(tables["posts"]),
        "unit costs": case.by_source(
            tiers[["tier", "posts", "spend", "cpm", "cpe", "new_customers", "cost_per_order"]]
        ),
        "marginal": case.by_source(case.marginal(tables, {"seed": 42, "scale": 0.05})["table"]),
        "arms": case.ab_table(case.coupon_test(tables, VALUES)),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_column_shown_has_a_label(tables, lang):
    language.use(lang)
    for name, frame in shown_tables(tables).items():
        unlabelled = [c for c in frame.columns if not messages.has(f"labels.{c}")]
        assert not unlabelled, f"{name}: {unlabelled}"


def test_categories_on_tables_and_charts_are_reader_names_not_codes(tables):
    language.use("zh")
    shown = shown_tables(tables)
    codes = {*case.SOURCES, "control", "treatment"}
    for frame in shown.values():
        cells = {str(v) for column in frame.columns if frame[column].dtype == object for v in frame[column]}
        assert not cells & codes
    assert list(case.content_calendar(tables["posts"]).columns) == [
        "头部 (≥50万粉)",
        "腰部 (5万–50万)",
        "初级 (5千–5万)",
        "素人 (<5千)",
    ]
    assert set(case.named_columns(case.quarterly_ratios(tables["monthly_finance"]), "ratio_line").columns) == {
        "毛利率",
        "销售费用率",
        "净利率",
    }


def test_the_kpi_tree_keeps_each_sign_with_its_number(tables):
    pnl = case.pnl_summary(tables["monthly_finance"]) | {"net_profit": -654_402.05}
    values = case.kpi_tree(tables, pnl)["kpi_value"]
    assert values.iloc[0] == fmt.MINUS + case.WORD_JOINER + "¥654.40k"
    assert all(fmt.MINUS + case.WORD_JOINER in v for v in values if fmt.MINUS in v)


def test_no_minus_sign_can_wrap_away_from_its_number_in_the_card():
    records = review.build_review(result()).as_records()
    signed = [part for f in records for part in (f["text"], f["evidence"]) if fmt.MINUS in part]
    assert signed  # the default-shaped card has losses to show
    assert all(part.count(fmt.MINUS) == part.count(fmt.MINUS + case.WORD_JOINER) for part in signed)


def _boxes(ax) -> tuple[list, object]:
    """Window extents of the value labels and of the legend, after drawing."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    labels = [t.get_window_extent(renderer) for t in ax.texts]
    return labels, ax.get_legend().get_window_extent(renderer)


@pytest.mark.parametrize(
    "roi",
    [
        [1.84, 1.15, 1.47, 1.74, 1.71],  # the default run: two labels just under the 1.80× line
        [0.2, 1.79, 3.1, 1.82, 0.05],  # a short bar, one just under and one just over the line
        [np.nan, 0.4, 1.6, 1.78, 1.9],  # a tier without spend
    ],
)
def test_roi_chart_labels_line_and_legend_do_not_collide(roi):
    plots.setup()
    tiers = pd.DataFrame({"tier": list(case.SOURCES), "roi": roi})
    ax = charts.roi_by_source(tiers, 1.8)
    labels, legend = _boxes(ax)
    line_y = ax.transData.transform((0, 1.8))[1]
    try:
        assert len(labels) == sum(not np.isnan(v) for v in roi)
        for i, box in enumerate(labels):
            assert not box.y0 <= line_y <= box.y1, f"the break-even line runs through label {i}"
            assert not box.overlaps(legend), f"label {i} under the legend"
            assert not any(box.overlaps(other) for other in labels[i + 1 :])
        bars = [p.get_window_extent() for p in ax.patches]
        assert not any(legend.overlaps(bar) for bar in bars), "the legend sits on a bar"
    finally:
        plt.close(ax.figure)


def test_trend_legends_sit_beside_the_plot_not_on_its_lines(tables):
    plots.setup()
    ax = charts.trend(case.content_calendar(tables["posts"]), title="t", xlabel="x", ylabel="y")
    try:
        ax.figure.canvas.draw()
        legend, plot = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert legend.x0 >= plot.x1  # right of the plotting area: no line can run under it
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [case.source_name(t) for t in case.TIERS]
    finally:
        plt.close(ax.figure)
