"""The JD review card (02) on small hand-made typed results: every judged finding flips on both sides of its
threshold, every sentence agrees with its verdict in both languages, notes follow the verdicts they depend on,
and a figure that does not exist is said in words (never "n/a", "nan" or "None" inside a sentence)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from support.jd_contract import RESULT_METRICS

from helpers.core import language
from helpers.core.messages import message
from helpers.workbooks.jd import case as jd_case
from helpers.workbooks.jd import review as jd_review
from helpers.workbooks.jd.case import Delivery, Levers, Money, Plus, Result, Stock

NAN = float("nan")
GOOD = Result(
    delivery=Delivery(0.87, 15.2, 0.053, 0.089, 0.33, 0.30),
    plus=Plus(0.04, 7.5, 1.26, 1.23, 1.30, 1.28, 141),
    stock=Stock(32.3, 0.0097, 0, 17, 14, 0.15),
    money=Money(0.14, 0.069, 0.016, -10.7),
    levers=Levers(0.8, 50.0, 10.0, 7, 45.0),
)
# fmt's mark for a missing figure: "n/a" in English, a lone "—" in Chinese (whose dash is "——"); and nan, None
MISSING = {
    "en": re.compile(r"\bn/a\b|\bnan\b|\bNone\b", re.IGNORECASE),
    "zh": re.compile(r"(?<!—)—(?!—)|\bnan\b|\bNone\b", re.IGNORECASE),
}


def shows_a_missing_figure(text: str) -> bool:
    return bool(MISSING[language.current()].search(text))


@pytest.fixture(autouse=True, params=["en", "zh"])
def edition(request):
    language.use(request.param)
    yield request.param
    language.use("en")


def with_(result: Result, **parts) -> Result:
    """`result` with some fields of its parts replaced: with_(GOOD, stock={"stockout_rate": 0.03})."""
    return replace(result, **{name: replace(getattr(result, name), **fields) for name, fields in parts.items()})


def finding(card, id):
    return next(f for f in card.findings if f.id == id)


JUDGED = [
    # (finding id, part, field, value that works, value that fails, the texts' placeholders for a value)
    ("delivery_211", "delivery", "on_time_211_share", 0.81, 0.79, lambda v: {"share": v, "target": 0.8}),
    ("inventory_turnover", "stock", "inventory_turnover_days", 39.9, 40.1, lambda v: {"days": v, "cap": 40}),
    ("stockouts", "stock", "stockout_rate", 0.0199, 0.0201, lambda v: {"rate": v, "limit": 0.02}),
    ("net_margin", "money", "net_margin", 0.001, -0.001, lambda v: {"margin": v}),
    ("cash_cycle", "money", "cash_conversion_days", -0.1, 0.1, lambda v: {"days": v}),
]


@pytest.mark.parametrize("id, part, field, good, bad, fill", JUDGED)
def test_each_judged_finding_flips_on_both_sides_of_its_threshold(id, part, field, good, bad, fill):
    worked = jd_review.build_review(with_(GOOD, **{part: {field: good}}))
    failed = jd_review.build_review(with_(GOOD, **{part: {field: bad}}))
    missing = jd_review.build_review(with_(GOOD, **{part: {field: NAN}}))
    assert finding(worked, id).verdict == "worked"
    assert finding(failed, id).verdict == "did not work"
    assert finding(missing, id).verdict == "cannot conclude"
    # the sentence printed is the one of its verdict: the worked text never sits under "did not work"
    assert finding(worked, id).text == message(f"jd.card.{id}.worked", **fill(good))
    assert finding(failed, id).text == message(f"jd.card.{id}.failed", **fill(bad))
    assert message(f"jd.card.{id}.worked", **fill(bad)) != finding(failed, id).text
    assert message(f"jd.card.{id}.missing") in finding(missing, id).text


def test_the_plus_effect_is_judged_on_its_interval():
    above = jd_review.build_review(with_(GOOD, plus={"plus_causal_uplift": 1.2, "plus_causal_uplift_low": 1.11}))
    below = jd_review.build_review(
        with_(GOOD, plus={"plus_causal_uplift": 1.0, "plus_causal_uplift_low": 0.95, "plus_causal_uplift_high": 1.09})
    )
    straddles = jd_review.build_review(
        with_(GOOD, plus={"plus_causal_uplift": 1.15, "plus_causal_uplift_low": 1.05, "plus_causal_uplift_high": 1.25})
    )
    assert finding(above, "plus_effect").verdict == "worked"
    assert finding(below, "plus_effect").verdict == "did not work"
    unsure = finding(straddles, "plus_effect")
    assert unsure.verdict == "cannot conclude"
    assert "1.05×" in unsure.text and "1.25×" in unsure.text and "1.10×" in unsure.text
    assert "1.05×" in unsure.evidence and "1.25×" in unsure.evidence  # the interval is in the evidence
    # a point estimate above the line with its interval reaching below it does not read "worked"
    point_only = with_(GOOD, plus={"plus_causal_uplift": 1.2, "plus_causal_uplift_low": 1.09})
    assert finding(jd_review.build_review(point_only), "plus_effect").verdict == "cannot conclude"


def test_own_data_without_a_counterfactual_says_why_in_words():
    own = with_(GOOD, plus={"plus_causal_uplift": NAN, "plus_causal_uplift_low": NAN, "plus_causal_uplift_high": NAN})
    card = jd_review.build_review(own)
    plus = finding(card, "plus_effect")
    assert plus.verdict == "cannot conclude" and message("jd.card.plus_effect.missing") in plus.text
    assert finding(card, "risk_selection").text == message("jd.card.risk_selection.no_counterfactual", naive=7.5)
    for f in card.findings:
        assert not shows_a_missing_figure(f.text + f.evidence), f


def test_no_members_or_joiners_leave_no_placeholder_in_any_sentence():
    empty = with_(
        GOOD,
        plus={
            "plus_member_share": 0.0,
            "plus_naive_spend_ratio": NAN,
            "plus_causal_uplift": NAN,
            "plus_causal_uplift_low": NAN,
            "plus_causal_uplift_high": NAN,
            "plus_before_after_uplift": NAN,
            "plus_joiners": 0,
        },
        delivery={"repurchase_rate_fast": NAN},
        stock={"forecast_mape": NAN},
    )
    card = jd_review.build_review(empty)
    texts = [jd_review.plus_paragraph(empty.plus), jd_review.speed_paragraph(empty.delivery)]
    texts += [f.text + " " + f.evidence for f in card.findings]
    for text in texts:
        assert not shows_a_missing_figure(text), text
    assert finding(card, "risk_selection").text == message("jd.card.risk_selection.no_groups")
    assert finding(card, "why_speed").text == message("jd.card.why_speed.missing")


def test_the_211_breakthrough_follows_the_promise():
    """#13 item 16: with regional_stock_coverage 0.4 the promise broke down (54.8%): no 'could not match'."""
    broken = jd_review.build_review(
        with_(GOOD, delivery={"on_time_211_share": 0.548}, levers={"regional_stock_coverage": 0.4})
    )
    assert broken.verdict("delivery_211") == "did not work"
    assert finding(broken, "breakthrough").text == message("jd.card.breakthrough.broke")
    held = jd_review.build_review(GOOD)
    assert held.verdict("delivery_211") == "worked"
    assert finding(held, "breakthrough").text == message("jd.card.breakthrough.held")


def test_the_logic_note_claims_speed_drives_repurchase_only_when_it_did():
    assert finding(jd_review.build_review(GOOD), "logic").text == message("jd.card.logic.pays")
    slow_wins = with_(GOOD, delivery={"repurchase_rate_fast": 0.28})
    assert finding(jd_review.build_review(slow_wins), "logic").text == message("jd.card.logic.unproven")


def test_the_selection_risk_follows_the_gap_between_naive_and_causal():
    assert finding(jd_review.build_review(GOOD), "risk_selection").text == message(
        "jd.card.risk_selection.overstates", naive=7.5
    )
    no_gap = with_(GOOD, plus={"plus_naive_spend_ratio": 1.2})
    assert finding(jd_review.build_review(no_gap), "risk_selection").text == message(
        "jd.card.risk_selection.no_gap", naive=1.2
    )


@pytest.mark.parametrize(
    "rates, key",
    [
        ((0.05, 0.09, 0.33, 0.30), "twice"),
        ((0.05, 0.09, 0.20, 0.30), "returns_only"),
        ((0.10, 0.09, 0.33, 0.30), "repurchase_only"),
        ((0.10, 0.09, 0.20, 0.30), "none"),
    ],
)
def test_speed_sentence_follows_the_signs(rates, key):
    delivery = Delivery(0.87, 15.2, *rates)
    assert jd_review.speed_sentence(delivery).startswith(message(f"jd.card.why_speed.{key}", figures="")[:8])


def test_card_findings_keep_their_ids_in_order():
    ids = [f.id for f in jd_review.build_review(GOOD).findings]
    assert ids == [
        "delivery_211",
        "inventory_turnover",
        "stockouts",
        "plus_effect",
        "net_margin",
        "cash_cycle",
        "why_speed",
        "breakthrough",
        "logic",
        "risk_selection",
        "risk_festivals",
        "next",
    ]


def test_calculator_sentence_follows_the_break_even(edition):
    values = {
        "your_fee": 59.0,
        "your_discount": 0.08,
        "your_gross_margin": 0.25,
        "your_annual_spend": 1500.0,
        "your_expected_uplift": 0.15,
    }
    # break-even uplift u solves 59 + (0.25 − 0.08) × 1500 × (1 + u) = 0.25 × 1500 → u = 316 / 255 − 1 = 23.9%
    loses = {"break_even_uplift": 316 / 255 - 1, "worth_it": False, "profit_change": -42.75}
    text = jd_review.calculator_sentence(loses, values)
    assert "23.9%" in text and ("does not pay" in text if edition == "en" else "不划算" in text)
    pays = loses | {"worth_it": True, "profit_change": 10.0}
    assert ("is worth it" if edition == "en" else "值得做") in jd_review.calculator_sentence(pays, values)
    eaten = jd_review.calculator_sentence({"break_even_uplift": NAN}, values | {"your_discount": 0.3})
    assert eaten == message("jd.calculator.discount_eats_margin", discount=0.3, margin=0.25)
    assert not shows_a_missing_figure(jd_review.calculator_sentence({"break_even_uplift": NAN}, values))


def test_metric_names_of_the_results_are_the_recorded_contract():
    names = [name for part in (GOOD.delivery, GOOD.plus, GOOD.stock, GOOD.money) for name in jd_case.metrics(part)]
    assert len(names) == len(set(names))
    assert set(RESULT_METRICS) <= set(names)
