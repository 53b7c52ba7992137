import math

import pytest

from helpers.notebook.review import FAILED, UNKNOWN, WORKED, ReviewCard


def card_for(value):
    card = ReviewCard()
    card.judge("profit", value, ">", 0, worked="paid", failed="lost", evidence="net change")
    return card


@pytest.mark.parametrize(
    ("value", "verdict"), [(5.0, WORKED), (-1.0, FAILED), (0.0, FAILED), (None, UNKNOWN), (math.nan, UNKNOWN)]
)
def test_judged_verdicts_follow_the_rule(value, verdict):
    assert card_for(value).verdict("profit") == verdict


def test_findings_are_records_with_the_contract_fields():
    card = card_for(1.0)
    card.note("lever", "breakthrough", "the team price", "k-factor 1.2")
    assert card.as_records() == [
        {"id": "profit", "verdict": WORKED, "text": "paid", "evidence": "net change"},
        {"id": "lever", "verdict": "breakthrough", "text": "the team price", "evidence": "k-factor 1.2"},
    ]
    with pytest.raises(ValueError, match="section must be one of"):
        card.note("x", WORKED, "not a note section")


def test_html_groups_by_section_and_escapes_text():
    card = ReviewCard()
    card.judge("a", 1, ">=", 0, worked="<script>alert(1)</script>", failed="no", evidence="e & f")
    card.note("n", "next", "try again")
    page = card.to_html()
    assert "<script>" not in page and "&lt;script&gt;" in page and "e &amp; f" in page
    assert page.index("What worked") < page.index("What to try next")
    assert "What did not work" not in page
