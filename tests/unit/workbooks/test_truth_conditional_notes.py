"""Item 16 of issue 13 for 03 (01's are in test_pinduoduo_review.py, 02's in test_jd.py): notes follow
the verdicts and numbers they sit beside."""

from __future__ import annotations

from pathlib import Path

from helpers.notebook.record import read_metrics
from helpers.workbooks.perfect_diary import review as perfect_diary_review

ROOT = Path(__file__).resolve().parents[3]


def note(card, id):
    return next(f["text"] for f in card.as_records() if f["id"] == id)


def test_the_private_domain_half_of_the_breakthrough_follows_its_verdict():
    metrics = read_metrics(ROOT / "notebooks" / "03_perfect_diary_kol_private_domain.ipynb")
    values = {"coupon_control": 5.0, "coupon_treatment": 15.0, "data_dir": ""}
    on = perfect_diary_review.build_review(metrics, values)
    off = perfect_diary_review.build_review(
        metrics | {"private_domain_true_uplift": 0.0, "wechat_add_share": 0.0}, values
    )
    assert on.verdict("private_domain") == "worked" and "WeChat contacts" in note(on, "breakthrough")
    assert off.verdict("private_domain") == "did not work" and "did not pay off" in note(off, "breakthrough")
