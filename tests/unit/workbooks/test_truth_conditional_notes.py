"""Item 16 of issue 13 (examples from 01, 02 and 03): notes follow the verdicts and numbers they sit beside."""

from __future__ import annotations

from pathlib import Path

from helpers.notebook.record import read_metrics
from helpers.workbooks import pinduoduo as case
from helpers.workbooks.jd import review as jd_review

ROOT = Path(__file__).resolve().parents[3]


def note(card, id):
    return next(f["text"] for f in card.as_records() if f["id"] == id)


def test_the_211_breakthrough_follows_the_promise():
    metrics = read_metrics(ROOT / "notebooks" / "02_jd_logistics_membership.ipynb")
    values = {
        "regional_stock_coverage": 0.4,
        "lead_time_days": 7,
        "reorder_point_days": 10.0,
        "supplier_payment_days": 45.0,
        "order_up_to_days": 50.0,
        "plus_fee": 99.0,
        "plus_discount": 0.05,
    }
    broken = jd_review.build_review(metrics | {"on_time_211_share": 0.548}, values)
    assert broken.verdict("delivery_211") == "did not work"
    assert "could not match" not in note(broken, "breakthrough") and "broke down" in note(broken, "breakthrough")
    held = jd_review.build_review(metrics, values)
    assert held.verdict("delivery_211") == "worked" and "could not match" in note(held, "breakthrough")


def test_speed_sentence_follows_the_signs():
    base = {
        "return_rate_fast": 0.05,
        "return_rate_slow": 0.09,
        "repurchase_rate_fast": 0.33,
        "repurchase_rate_slow": 0.30,
    }
    assert jd_review.speed_sentence(base).startswith("Speed pays twice")
    assert jd_review.speed_sentence(base | {"repurchase_rate_fast": 0.2}).startswith("Speed pays once")
    assert jd_review.speed_sentence(base | {"return_rate_fast": 0.2, "repurchase_rate_fast": 0.2}).startswith(
        "Speed did not pay"
    )


def test_merchant_losses_and_a_failed_viral_engine_are_said_as_such():
    metrics = read_metrics(ROOT / "notebooks" / "01_pinduoduo_group_buying.ipynb")
    values = {"team_window_hours": 24, "team_size": 2, "group_discount": 0.45, "take_rate": 0.006}
    card = case.build_review(metrics | {"margin_per_order": -9.10, "k_factor": 0.05}, values)
    assert note(card, "risk_margin").startswith("Merchants lose ¥9.10 on every order")
    assert card.verdict("viral_engine") == "did not work"
    assert "did not happen" in note(card, "breakthrough")
