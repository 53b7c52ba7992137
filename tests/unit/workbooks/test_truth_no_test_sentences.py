"""Item 17 of issue 13 (the 03 example): with the private domain off there is no coupon test, and the prose and
the card say so in words instead of printing "n/a" inside sentences."""

from __future__ import annotations

from pathlib import Path

from helpers.notebook.record import read_metrics
from helpers.workbooks.perfect_diary import case, review

ROOT = Path(__file__).resolve().parents[3]
NO_TEST = {
    "control_n": 0,
    "treatment_n": 0,
    "control_conversions": 0,
    "treatment_conversions": 0,
    **dict.fromkeys(
        (
            "lift",
            "ci_low",
            "ci_high",
            "p_value",
            "control_rate",
            "treatment_rate",
            "power",
            "mde",
            "planned_lift",
            "srm_p_value",
            "treatment_share",
            "users_needed_per_arm",
            "margin_per_1000_users",
            "margin_per_1000_users_ci_low",
            "margin_per_1000_users_ci_high",
            "margin_difference",
            "margin_ci_low",
            "margin_ci_high",
            "margin_control",
            "margin_treatment",
        )
    ),
}


def test_no_coupon_test_is_said_in_words():
    sentence = case.ab_sentence(
        NO_TEST | {"margin_control_mean": None, "margin_treatment_mean": None, "fulfilment_per_order": 6.5}
    )
    assert "n/a" not in sentence and "No coupon test ran" in sentence
    metrics = read_metrics(ROOT / "notebooks" / "03_perfect_diary_kol_private_domain.ipynb")
    metrics |= {f"ab_{name}": value for name, value in NO_TEST.items()} | {"ab_srm_detected": False}
    values = {"coupon_control": 5.0, "coupon_treatment": 15.0, "data_dir": "", "private_domain_enabled": False}
    card = review.build_review(metrics, values).as_records()
    for finding in card:
        if finding["id"].startswith("ab_") or finding["id"] == "next_test":
            assert "n/a" not in finding["text"], finding
