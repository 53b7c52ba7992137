"""A hand-made `ShopResult` of workbook 04 (a healthy base at defaults), for review-card tests to vary."""

from __future__ import annotations

from helpers.workbooks.your_shop import ShopResult


def healthy_shop() -> ShopResult:
    """Figures of a base where every judged finding works and every note takes its positive wording."""
    return ShopResult(
        customers=1_000,
        top20_revenue_share=0.55,
        top1_revenue_share=0.09,
        repeat_rate_270d=0.60,
        repeat_customer_share=0.50,
        sleeping_share=0.20,
        churned_share=0.20,
        sleeping_days=90,
        churned_days=180,
        holdout_predicted=980.0,
        holdout_actual=1_000.0,
        holdout_error=0.02,
        holdout_error_interval=(0.0, 0.06),
        calibration_end="2023-10-02",
        observation_end="2023-12-31",
        holdout_length_days=90,
        one_order_share=0.40,
        repeat_value_ratio=3.5,
        winback_customers=120,
        winback_value=24_000.0,
        winback_file="winback_list.csv",
        ltv_12m_mean=220.0,
        gg_spend_frequency_corr=0.01,
    )
