"""Items 2 and 3 of issue 13: the 618 promotion's 'orders anyway' share on the discounted days and the measured
pull-forward, recomputed independently from the committed orders and the same-seed run without the promotion."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from generators import your_shop
from helpers.notebook.record import read_metrics
from helpers.workbooks.method import case, review

ROOT = Path(__file__).resolve().parents[3]
FIRST, LAST, AFTER_END = pd.Timestamp("2023-06-01"), pd.Timestamp("2023-06-18"), pd.Timestamp("2023-07-18")


def orders_between(orders: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> int:
    day = pd.to_datetime(orders["order_date"]).dt.normalize()
    return int(day.between(first, last).sum())


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    observed = pd.read_csv(ROOT / "data" / "your_shop" / "orders.csv")
    without = your_shop.generate(replace(your_shop.Config(), promo_discount=0.0))["orders"]
    after = LAST + pd.Timedelta(days=1)
    return {
        "promo": orders_between(observed, FIRST, LAST),
        "promo_baseline": orders_between(without, FIRST, LAST),
        "after": orders_between(observed, after, AFTER_END),
        "after_baseline": orders_between(without, after, AFTER_END),
    }


@pytest.fixture(scope="module")
def metrics() -> dict:
    return read_metrics(ROOT / "notebooks" / "00_case_review_method.ipynb")


def test_orders_anyway_share_is_measured_on_the_discounted_days(counts, metrics):
    # Issue 13 filed 2,689 of 4,026 (66.8%); the data regenerated for issue 16 give 65.5%.
    share = counts["promo_baseline"] / counts["promo"]
    assert 0.3 < share < 0.9  # most promotion-day orders would have happened anyway, not all
    assert metrics["promo_orders_anyway_share"] == pytest.approx(share, abs=1e-6)
    why = next(f for f in metrics["review"] if f["id"] == "why_subsidy")
    assert why["text"].startswith(f"{100 * share:.1f}% of the orders on the promotion days")


def test_orders_anyway_sentence_follows_the_profit():
    assert "for nothing in return" in review.anyway_sentence(0.6, -100.0)
    assert "for nothing in return" not in review.anyway_sentence(0.6, 100.0)
    assert "n/a" not in review.anyway_sentence(None, None)


def test_pull_forward_is_measured_against_the_no_promotion_baseline(counts, metrics):
    missing_after = counts["after_baseline"] - counts["after"]
    extra = counts["promo"] - counts["promo_baseline"]
    # Issue 13 filed 95 of 1,337 (7.1%); the data regenerated for issue 16 give 6.7%: far below the 30% parameter.
    assert missing_after > 0 and extra > 0
    assert metrics["pull_forward_measured"] == pytest.approx(missing_after / extra, abs=1e-6)
    risk = next(f for f in metrics["review"] if f["id"] == "risk_pull_forward")
    assert f"{100 * missing_after / extra:.1f}%" in risk["text"] and "30%" not in risk["text"]


def test_pull_forward_parameter_cannot_move_the_figure_without_a_counterfactual():
    effect = {"promo_days": {"incremental_orders": float("nan")}, "true": {"incremental_orders": float("nan")}}
    assert pd.isna(case.pull_forward(effect))
    text = review.pull_forward_sentence(None)
    assert "cannot be measured" in text and "%" not in text


def net_profit(observed: pd.DataFrame, without: pd.DataFrame, last: pd.Timestamp) -> float:
    """Gross profit after discount and marketing (¥20,000) against the run without the promotion, 45% margin."""
    mine = observed[pd.to_datetime(observed["order_date"]).dt.normalize().between(FIRST, last)]
    base = without[pd.to_datetime(without["order_date"]).dt.normalize().between(FIRST, last)]
    profit = mine["amount"].sum() - mine["list_amount"].sum() * (1 - 0.45)
    return profit - base["list_amount"].sum() * 0.45 - 20_000.0


def test_both_profit_windows_are_shown_and_the_verdict_names_its_own(metrics):
    observed = pd.read_csv(ROOT / "data" / "your_shop" / "orders.csv")
    without = your_shop.generate(replace(your_shop.Config(), promo_discount=0.0))["orders"]
    # Issue 13 filed −¥41.2k and −¥6.50k with 573 customers won; the data regenerated for issue 16 give −¥42.6k
    # and −¥6.44k with the same 573 (the customers do not depend on the purchase draws).
    weeks = net_profit(observed, without, AFTER_END)
    year_end = net_profit(observed, without, pd.Timestamp("2023-12-31"))
    assert weeks < year_end < 0  # a loss either way, smaller once the customers it won have bought again
    assert metrics["promo_net_profit"] == pytest.approx(weeks)
    assert metrics["promo_net_profit_data_end"] == pytest.approx(year_end)
    won = observed["customer_id"].nunique() - without["customer_id"].nunique()
    assert metrics["promo_customers_won"] == won > 0
    verdict = next(f for f in metrics["review"] if f["id"] == "promotion_profit")
    assert "verdict on the promotion weeks + 30 days after" in verdict["evidence"]
    assert f"{won:,} customers it won, −¥{-year_end / 1000:.2f}k" in verdict["evidence"]
