"""The Pinduoduo 复盘 card from small hand-made outcomes: each judged finding flips on both sides of its threshold,
every sentence agrees with its verdict, notes follow the verdicts, and no sentence holds n/a, nan or None."""

from __future__ import annotations

import dataclasses
import re

import pytest

from helpers.core import language
from helpers.core.messages import message
from helpers.workbooks.pinduoduo.case import Outcome, Spread
from helpers.workbooks.pinduoduo.review import build_review

NAN = float("nan")
BASE = Outcome(
    k_factor=0.5,
    k_window_days=180,
    viral_share_of_new_buyers=0.62,
    team_success_rate=0.88,
    team_order_share=0.93,
    team_size=2,
    team_window_hours=24,
    group_discount=0.25,
    margin_per_order=4.85,
    ltv_cac=1.2,
    cac_blended=12.95,
    cac_paid=80.75,
    cac_viral=10.13,
    subsidy_cost=33_383.41,
    subsidy_incremental_gmv=75_776.3,
    subsidy_roi=0.1,
    subsidy_gmv_per_yuan=2.27,
    naive_gmv_per_yuan=14.33,
    spread=None,
    own_data=False,
    net_margin=0.05,
    marketing_expense_ratio=1.25,
    revenue=58_423.74,
    take_rate=0.006,
    lower_tier_buyer_share=0.577,
    bargain_campaigns=802.0,
    bargain_cost_per_new_buyer=27.1,
)
EDGES = {  # finding: (field, just below its threshold, just above it); "above" works for every finding
    "viral_engine": ("k_factor", 0.29, 0.31),
    "teams_fill": ("team_success_rate", 0.79, 0.81),
    "merchant_margin": ("margin_per_order", -0.01, 0.01),
    "payback": ("ltv_cac", 0.99, 1.01),
    "subsidy_pays": ("subsidy_roi", -0.01, 0.01),
    "profitability": ("net_margin", -0.01, 0.01),
}


def card(**changes):
    return build_review(dataclasses.replace(BASE, **changes))


def finding(built, id):
    return next(f for f in built.as_records() if f["id"] == id)


def ids(built, section):
    return [f["id"] for f in built.as_records() if f["verdict"] == section]


@pytest.fixture(params=language.LANGUAGES)
def lang(request):
    language.use(request.param)
    yield request.param
    language.use("en")


@pytest.mark.parametrize("id", EDGES)
def test_each_finding_flips_at_its_threshold_and_says_so(id, lang):
    field, below, above = EDGES[id]
    low, high = card(**{field: below}), card(**{field: above})
    assert low.verdict(id) == "did not work" and high.verdict(id) == "worked"
    # the sentence printed is the catalog's sentence for that verdict, with the value it was judged on
    assert finding(low, id)["text"] == message(f"pinduoduo.card.{id}.failed", **_values(below))
    assert finding(low, id)["text"] != message(f"pinduoduo.card.{id}.worked", **_values(below))
    assert finding(high, id)["text"] == message(f"pinduoduo.card.{id}.worked", **_values(above))


def _values(value: float) -> dict[str, float]:
    """Every placeholder of the judged sentences, as BASE and the judged `value` fill them."""
    return {
        **dict.fromkeys(("k", "rate", "margin", "ltv_cac", "roi"), value),
        "loss": -value,
        "window": 180,
        "hours": 24,
        "discount": 0.25,
        "gmv": BASE.subsidy_incremental_gmv,
        "cost": BASE.subsidy_cost,
        "marketing": BASE.marketing_expense_ratio,
    }


def test_missing_figures_cannot_conclude_and_say_why(lang):
    built = card(k_factor=NAN, team_success_rate=NAN, ltv_cac=NAN, subsidy_roi=NAN, margin_per_order=NAN)
    for id in ("viral_engine", "teams_fill", "payback", "subsidy_pays", "merchant_margin"):
        assert built.verdict(id) == "cannot conclude"
    assert "180" in finding(built, "viral_engine")["text"]
    assert "risk_margin" not in [f["id"] for f in built.as_records()]  # no margin, no risk sentence about it


def test_merchants_losing_money_is_judged_and_every_note_follows(lang):
    """Issue 13 item 16: at a 45% team discount merchants lose ¥9.10 an order; the card must not read 'worked'."""
    built = card(group_discount=0.45, margin_per_order=-9.10)
    assert built.verdict("merchant_margin") == "did not work"
    assert "9.10" in finding(built, "merchant_margin")["text"]
    assert finding(built, "risk_margin")["text"] == message("pinduoduo.card.risk_margin.loses", loss=9.10)
    assert finding(built, "logic")["text"] == message("pinduoduo.card.logic.merchants_lose")
    assert "next_merchants" in ids(built, "next")
    kept = card(group_discount=0.25, margin_per_order=4.85)
    assert finding(kept, "risk_margin")["text"] == message("pinduoduo.card.risk_margin.keeps", margin=4.85)
    assert "next_merchants" not in ids(kept, "next")


def test_a_small_discount_that_stops_sharing_changes_the_notes(lang):
    """Issue 13 item 16: at group_discount 0.05 the viral verdict flips; why, breakthrough, logic and next follow."""
    built = card(group_discount=0.05, k_factor=0.12)
    assert built.verdict("viral_engine") == "did not work"
    assert finding(built, "why")["text"] == message("pinduoduo.card.why.failed", discount=0.05, lower=0.577)
    assert finding(built, "breakthrough")["text"] == message("pinduoduo.card.breakthrough.failed")
    assert finding(built, "logic")["text"] == message("pinduoduo.card.logic.no_viral")
    assert "next_viral" in ids(built, "next")
    working = card()
    assert finding(working, "breakthrough")["text"] == message("pinduoduo.card.breakthrough.worked")
    assert finding(working, "why")["text"] == message("pinduoduo.card.why.worked", discount=0.25, lower=0.577)
    assert ids(working, "next") == ["next"]  # nothing failed: the default next step only


def test_a_subsidy_spread_on_both_sides_of_break_even_cannot_conclude(lang):
    straddles = Spread(seeds=4, roi_low=-0.2, roi_high=0.3, gmv_per_yuan_low=1.5, gmv_per_yuan_high=4.0)
    built = card(subsidy_roi=0.1, spread=straddles)
    assert built.verdict("subsidy_pays") == "cannot conclude"
    text = finding(built, "subsidy_pays")["text"]
    assert "10.0%" in text and "−20.0%" in text and "30.0%" in text
    below = Spread(seeds=4, roi_low=-0.95, roi_high=-0.85, gmv_per_yuan_low=2.0, gmv_per_yuan_high=4.6)
    losing = card(subsidy_roi=-0.94, spread=below)
    assert losing.verdict("subsidy_pays") == "did not work"
    assert "−85.0%" in finding(losing, "subsidy_pays")["evidence"]  # the range is in the evidence
    above = Spread(seeds=4, roi_low=0.0, roi_high=0.4, gmv_per_yuan_low=5.0, gmv_per_yuan_high=9.0)
    assert card(subsidy_roi=0.2, spread=above).verdict("subsidy_pays") == "worked"


def test_no_subsidy_and_own_data_say_why_in_words(lang):
    none = card(subsidy_cost=0.0, subsidy_roi=NAN, subsidy_incremental_gmv=NAN, subsidy_gmv_per_yuan=NAN)
    assert finding(none, "subsidy_pays")["text"] == message(
        "common.review.cannot_conclude", reason=message("pinduoduo.card.subsidy_pays.missing_none")
    )
    own = card(own_data=True, subsidy_roi=NAN, subsidy_incremental_gmv=NAN, subsidy_gmv_per_yuan=NAN)
    assert finding(own, "subsidy_pays")["text"] == message(
        "common.review.cannot_conclude", reason=message("pinduoduo.card.subsidy_pays.missing_own")
    )


MISSING = {"en": re.compile(r"\bn/a\b"), "zh": re.compile(r"(?<!—)—(?!—)")}  # fmt's mark for a missing figure
EMPTY = re.compile(r"\b(nan|NaN|None)\b")  # Python's words for a missing value


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"k_factor": NAN, "cac_paid": NAN, "cac_viral": NAN, "bargain_cost_per_new_buyer": NAN},
        {"team_success_rate": NAN, "team_order_share": 0.0, "naive_gmv_per_yuan": NAN},
        {"subsidy_cost": 0.0, "subsidy_roi": NAN, "subsidy_gmv_per_yuan": NAN, "subsidy_incremental_gmv": NAN},
        {"own_data": True, "subsidy_roi": NAN, "subsidy_gmv_per_yuan": NAN, "ltv_cac": NAN},
        {"margin_per_order": NAN, "net_margin": NAN, "marketing_expense_ratio": NAN},
    ],
)
def test_no_sentence_or_evidence_prints_a_missing_figure(changes, lang):
    for f in card(**changes).as_records():
        for part in ("text", "evidence"):
            assert not EMPTY.search(f[part]) and not MISSING[lang].search(f[part]), f"{f['id']} {part}: {f[part]}"


def test_the_marketing_risk_mentions_bargains_only_when_they_ran(lang):
    ran, off = card(), card(bargain_campaigns=0.0, bargain_cost_per_new_buyer=NAN)
    assert finding(ran, "risk_subsidy")["text"] == message("pinduoduo.card.risk_subsidy.text", marketing=1.25)
    assert finding(off, "risk_subsidy")["text"] == message("pinduoduo.card.risk_subsidy.no_bargain", marketing=1.25)
    assert finding(off, "logic")["evidence"].endswith(message("pinduoduo.card.logic.no_bargain"))
