"""Workbook 04's 复盘 card, built from a hand-made `ShopResult` only: each judged finding flips on both sides of
its threshold, the holdout verdict follows its interval, and every sentence (notes included) agrees with the
verdicts and figures it rests on — in both languages."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from support.shop_results import healthy_shop

from helpers.core import fmt, language
from helpers.notebook.review import FAILED, UNKNOWN, WORKED
from helpers.workbooks.your_shop import build_review

# (finding, fields on the worked side of the threshold, fields just across it)
FLIPS = [
    ("concentration", {"top20_revenue_share": 0.80}, {"top20_revenue_share": 0.81}),
    ("repeat", {"repeat_rate_270d": 0.39}, {"repeat_rate_270d": 0.38}),
    ("sleeping", {"sleeping_share": 0.30, "churned_share": 0.19}, {"sleeping_share": 0.30, "churned_share": 0.20}),
    (
        "model_holds_up",
        {"holdout_error": 0.10, "holdout_error_interval": (0.05, 0.15)},
        {"holdout_error": 0.20, "holdout_error_interval": (0.16, 0.25)},
    ),
]
# English words that only the worked / only the failed sentence of each finding uses
WORDS = {
    "concentration": ("spread beyond a few buyers", "Concentration risk"),
    "repeat": ("Customers come back", "Retention is the weak spot"),
    "sleeping": ("still active", "have lapsed"),
    "model_holds_up": ("holds up on data it did not see", "misses the holdout"),
}


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")


def finding(card, id):
    return next(f for f in card.findings if f.id == id)


@pytest.mark.parametrize(("id", "worked", "failed"), FLIPS)
def test_each_judged_finding_flips_at_its_threshold_and_says_so(id, worked, failed):
    good, bad = build_review(replace(healthy_shop(), **worked)), build_review(replace(healthy_shop(), **failed))
    assert (finding(good, id).verdict, finding(bad, id).verdict) == (WORKED, FAILED)
    yes, no = WORDS[id]
    assert yes in finding(good, id).text and no not in finding(good, id).text
    assert no in finding(bad, id).text and yes not in finding(bad, id).text


def test_sentences_state_the_figures_they_judge():
    card = build_review(replace(healthy_shop(), top20_revenue_share=0.81, sleeping_share=0.35, churned_share=0.25))
    assert "81.0%" in finding(card, "concentration").text
    lapsed = finding(card, "sleeping").text
    assert "60.0%" in lapsed and "35.0%" in lapsed and "25.0%" in lapsed  # 0.35 + 0.25, both parts named


def test_the_holdout_verdict_needs_its_whole_interval_inside_the_tolerance():
    straddling = build_review(replace(healthy_shop(), holdout_error=0.12, holdout_error_interval=(0.08, 0.18)))
    model = finding(straddling, "model_holds_up")
    assert model.verdict == UNKNOWN
    assert "cannot settle" in model.text and "holds up on data" not in model.text
    assert "95% CI 8.0% to 18.0%" in model.evidence


def test_missing_figures_are_explained_in_words():
    few = build_review(replace(healthy_shop(), customers=12))
    assert {f.verdict for f in few.findings if f.id in WORDS} == {UNKNOWN}
    assert all("only 12 customers" in finding(few, id).text for id in WORDS)
    unfitted = build_review(replace(healthy_shop(), holdout_predicted=float("nan"), holdout_error=float("nan")))
    assert "could not be fitted" in finding(unfitted, "model_holds_up").text
    quiet = build_review(replace(healthy_shop(), holdout_actual=12.0))
    assert "holds 12 repeat purchases, fewer than the 20" in finding(quiet, "model_holds_up").text
    no_cohort = build_review(replace(healthy_shop(), repeat_rate_270d=float("nan")))
    assert "no customer's first order is 270 days" in finding(no_cohort, "repeat").text


def test_the_breakthrough_and_next_step_follow_the_model_verdict_and_the_list():
    assert "Win back the 120 sleeping customers" in finding(build_review(healthy_shop()), "breakthrough").text
    missed = build_review(replace(healthy_shop(), holdout_error=0.3, holdout_error_interval=(0.2, 0.4)))
    assert finding(missed, "model_holds_up").verdict == FAILED
    assert "did not confirm" in finding(missed, "breakthrough").text
    nobody = build_review(replace(healthy_shop(), winback_customers=0, winback_value=0.0))
    assert "no one to win back" in finding(nobody, "breakthrough").text
    assert "winback_list.csv" not in finding(nobody, "next").text and "active base" in finding(nobody, "next").text


def test_the_why_note_follows_where_the_revenue_lives():
    # share of revenue from repeat buyers = k(1−s) ÷ (k(1−s)+s): 3.5·0.6 ÷ (2.1+0.4) = 84%; 1.2·0.1 ÷ (0.12+0.9) = 12%
    repeat = finding(build_review(healthy_shop()), "why")
    assert "lives in repeat purchases" in repeat.text and "84.0%" in repeat.evidence
    first = finding(build_review(replace(healthy_shop(), one_order_share=0.9, repeat_value_ratio=1.2)), "why")
    assert "lives in first orders" in first.text and "11.8%" in first.evidence
    none = finding(build_review(replace(healthy_shop(), one_order_share=1.0, repeat_value_ratio=float("nan"))), "why")
    assert "bought only once" in none.text


VARIANTS = [
    {},
    {"customers": 5},
    {
        "holdout_predicted": float("nan"),
        "holdout_error": float("nan"),
        "holdout_error_interval": (float("nan"),) * 2,
        "ltv_12m_mean": float("nan"),
    },
    {"repeat_rate_270d": float("nan"), "repeat_value_ratio": float("nan"), "gg_spend_frequency_corr": float("nan")},
    {"winback_customers": 0, "winback_value": 0.0, "gg_spend_frequency_corr": 0.6},
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("changes", VARIANTS)
def test_no_card_sentence_prints_a_missing_figure(lang, changes):
    language.use(lang)
    card = build_review(replace(healthy_shop(), **changes))
    for f in card.findings:
        for text in (f.text, f.evidence):
            assert not re.search(r"\bn/a\b|\bnan\b|\bNone\b|—%|—×", text), (f.id, text)
            if lang == "zh":
                assert re.search(r"[\u4e00-\u9fff]", text), (f.id, text)


def test_both_languages_give_the_same_ids_and_verdicts():
    results = [replace(healthy_shop(), **changes) for changes in VARIANTS]
    english = [[(f.id, f.verdict) for f in build_review(r).findings] for r in results]
    language.use("zh")
    assert [[(f.id, f.verdict) for f in build_review(r).findings] for r in results] == english
    assert fmt.pct(0.4) in finding(build_review(results[0]), "sleeping").text  # 40.0% lapsed, stated in Chinese too
