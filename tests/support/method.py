"""A hand-made `MethodResult` for the method workbook's card tests: the default run's figures, any of them
replaced by keyword."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from helpers.workbooks.method.case import MethodResult

DEFAULT = MethodResult(
    promo_discount=0.2,
    gross_margin=0.45,
    sleeping_days=90,
    churned_days=180,
    break_even_uplift=0.8,
    has_counterfactual=True,
    promo_uplift=0.497,
    naive_uplift=0.9,
    promo_net_profit=-41_250.0,
    promo_net_profit_data_end=-6_500.0,
    promo_customers_won=573.0,
    promo_naive_roi=2.6,
    promo_true_roi=-0.5,
    promo_orders_anyway_share=0.668,
    pull_forward_measured=0.071,
    overall_conversion=0.02,
    leakiest_step=("product_views", "add_to_cart"),
    leakiest_step_conversion=0.12,
    sleeping_share=0.2,
    churned_share=0.3,
    sleeping_customers=2_000,
)


def method_result(**changes: Any) -> MethodResult:
    """The default run's result with `changes` applied."""
    return replace(DEFAULT, **changes)
