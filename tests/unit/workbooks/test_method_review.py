"""The method workbook's 复盘 card, built from hand-made `MethodResult`s: each judged finding flips on both sides
of its threshold, every sentence agrees with its verdict, notes follow the promotion's verdict, and no figure
that does not exist is printed inside a sentence — in both languages."""

from __future__ import annotations

import itertools
import math
import re

import pytest
from support.method import method_result

from helpers.core import language
from helpers.notebook.review import FAILED, UNKNOWN, WORKED
from helpers.workbooks.method.review import anyway_sentence, build_review, pull_forward_sentence

NAN = float("nan")
NOT_A_FIGURE = {  # how a missing figure would show: "n/a" in English, a lone "—" in Chinese (its prose dash is "——")
    "en": re.compile(r"(?<![\w/])(n/a|nan|NaN|None|inf)(?![\w/])"),
    "zh": re.compile(r"(?<![\w/])(n/a|nan|NaN|None|inf)(?![\w/])|(?<!—)—(?!—)"),
}


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


def finding(card, id):
    return next(f for f in card.findings if f.id == id)


@pytest.mark.parametrize(
    ("id", "changes", "verdict", "words"),
    [
        ("promotion_profit", {"promo_net_profit": 12_345.0}, WORKED, ("paid for itself", "¥12.35k")),
        ("promotion_profit", {"promo_net_profit": -41_250.0}, FAILED, ("promotion trap", "¥41.25k")),
        ("promotion_profit", {"promo_net_profit": 0.0}, FAILED, ("promotion trap", "¥0.00")),
        ("uplift_vs_break_even", {"promo_uplift": 0.81}, WORKED, ("rose enough", "81.0%", "80.0%")),
        ("uplift_vs_break_even", {"promo_uplift": 0.79}, FAILED, ("did not rise enough", "79.0%", "80.0%")),
        ("conversion", {"overall_conversion": 0.0261}, WORKED, ("converts well", "2.61%")),
        ("conversion", {"overall_conversion": 0.0259}, FAILED, ("below the benchmark", "2.59%")),
        ("retention", {"sleeping_share": 0.2, "churned_share": 0.29}, WORKED, ("still active", "49.0%")),
        ("retention", {"sleeping_share": 0.2, "churned_share": 0.31}, FAILED, ("have lapsed", "51.0%")),
    ],
)
def test_each_judged_finding_flips_at_its_threshold_and_says_so(id, changes, verdict, words):
    found = finding(build_review(method_result(**changes)), id)
    assert found.verdict == verdict
    for word in words:
        assert word in found.text, (word, found.text)


def test_a_worked_text_is_never_shown_under_did_not_work_and_back():
    worked = {f.id: f.text for f in build_review(method_result(promo_net_profit=5_000.0, promo_uplift=0.9)).findings}
    failed = {f.id: f.text for f in build_review(method_result(promo_net_profit=-5_000.0, promo_uplift=0.5)).findings}
    for id in ("promotion_profit", "uplift_vs_break_even"):
        assert worked[id] != failed[id]
    assert "trap" not in worked["promotion_profit"] and "paid for itself" not in failed["promotion_profit"]
    assert "not" not in worked["uplift_vs_break_even"] and "did not" in failed["uplift_vs_break_even"]


def test_without_a_counterfactual_the_promotion_findings_cannot_conclude_and_say_why():
    card = build_review(
        method_result(
            has_counterfactual=False,
            promo_net_profit=NAN,
            promo_net_profit_data_end=NAN,
            promo_customers_won=NAN,
            promo_true_roi=NAN,
            promo_uplift=NAN,
            promo_orders_anyway_share=NAN,
            pull_forward_measured=NAN,
        )
    )
    profit, uplift = finding(card, "promotion_profit"), finding(card, "uplift_vs_break_even")
    assert profit.verdict == uplift.verdict == UNKNOWN
    assert "no counterfactual for your own data" in profit.text
    assert profit.evidence == "dashboard ROI 2.60×, with no baseline to set it against"
    assert "no counterfactual to measure the uplift against" in uplift.text
    assert finding(card, "why_subsidy").text.startswith("Without a counterfactual, nobody knows")
    assert "Next time hold out a random 10%" in finding(card, "next").text
    assert "only way to measure" in finding(card, "next").text


def test_a_discount_that_takes_the_whole_margin_cannot_break_even():
    card = build_review(method_result(promo_discount=0.5, gross_margin=0.45, break_even_uplift=NAN))
    uplift = finding(card, "uplift_vs_break_even")
    assert uplift.verdict == UNKNOWN
    assert "no volume can break even" in uplift.text
    assert "has no value once the discount" in uplift.evidence


def test_the_why_note_follows_the_profit():
    assert "for nothing in return" in anyway_sentence(0.6, -100.0)
    assert "more than paid for it" in anyway_sentence(0.6, 100.0)
    assert "for nothing in return" not in anyway_sentence(0.6, 100.0)
    assert anyway_sentence(0.668, NAN).startswith("66.8% of the orders on the promotion days")


@pytest.mark.parametrize(("profit", "worded"), [(5_000.0, WORKED), (-5_000.0, FAILED), (NAN, UNKNOWN)])
def test_breakthrough_logic_and_next_are_worded_after_the_promotion_verdict(profit, worded):
    card = build_review(method_result(promo_net_profit=profit, has_counterfactual=not math.isnan(profit)))
    assert card.verdict("promotion_profit") == worded
    breakthrough, logic, next_ = (finding(card, id).text for id in ("breakthrough", "logic", "next"))
    assert ("The discount paid this time" in breakthrough) == (worded == WORKED)
    assert ("unlike a discount" in breakthrough) == (worded != WORKED)
    assert ("this discount paid because" in logic) == (worded == WORKED)
    assert ("nobody knows which this one was" in logic) == (worded == UNKNOWN)
    assert next_.startswith("Keep the promotion") == (worded == WORKED)
    assert "Product views → Add to cart (12.0%)" in breakthrough
    assert "20% off" in logic


def test_the_pull_forward_risk_follows_the_measured_share():
    assert pull_forward_sentence(0.071).startswith("Pull-forward: 7.1% of the extra orders")
    assert pull_forward_sentence(0.0).startswith("No pull-forward was measured")
    assert pull_forward_sentence(-0.2).startswith("No pull-forward was measured")
    text = pull_forward_sentence(NAN)
    assert "cannot be measured" in text and "%" not in text


def test_sleeping_customers_are_the_audience_only_when_there_are_some():
    assert "the 2,000 沉睡 sleeping customers" in finding(build_review(method_result()), "next").text
    text = finding(build_review(method_result(sleeping_customers=0)), "next").text
    assert "sleeping" not in text and "would not buy without it" in text


MISSING = {  # name → (a value, its "does not exist" form)
    "has_counterfactual": (True, False),
    "promo_net_profit": (-1.0, NAN),
    "promo_naive_roi": (2.0, NAN),
    "promo_true_roi": (-0.5, NAN),
    "naive_uplift": (0.9, NAN),
    "promo_uplift": (0.5, NAN),
    "break_even_uplift": (0.8, NAN),
    "overall_conversion": (0.02, NAN),
    "leakiest_step": (("checkout", "orders"), None),
    "leakiest_step_conversion": (0.1, NAN),
    "sleeping_share": (0.2, NAN),
    "promo_orders_anyway_share": (0.6, NAN),
    "pull_forward_measured": (0.1, NAN),
    "promo_net_profit_data_end": (5.0, NAN),
    "promo_customers_won": (10.0, NAN),
}


def missing_combinations():
    """The default result with every single figure, every pair of figures, and all of them at once missing."""
    names = list(MISSING)
    for chosen in [*itertools.combinations(names, 1), *itertools.combinations(names, 2), tuple(names)]:
        yield {name: MISSING[name][1] for name in chosen}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_sentence_or_evidence_prints_a_figure_that_does_not_exist(lang):
    language.use(lang)
    for changes in missing_combinations():
        for f in build_review(method_result(**changes)).findings:
            for text in (f.text, f.evidence):
                assert not NOT_A_FIGURE[lang].search(text), (lang, changes, text)


def test_both_editions_give_the_same_ids_and_verdicts_and_the_chinese_one_reads_chinese():
    for changes in ({}, {"promo_net_profit": 9.0}, {"has_counterfactual": False, "promo_net_profit": NAN}):
        english = [(f.id, f.verdict) for f in build_review(method_result(**changes)).findings]
        language.use("zh")
        card = build_review(method_result(**changes))
        language.use("en")
        assert [(f.id, f.verdict) for f in card.findings] == english
        han = re.compile(r"[\u4e00-\u9fff]")
        assert han.search(card.title)
        for f in card.findings:
            assert han.search(f.text) and han.search(f.evidence), f
    language.use("zh")
    assert finding(build_review(method_result()), "promotion_profit").text == (
        "掉进了促销陷阱（促销越多亏得越多）：销售额看着漂亮，毛利却比同期不做大促少了 ¥4.1万。"
    )
