"""The figures workbook 02 must record (DESIGN's metric contract), named once for the unit and the run tests."""

RESULT_METRICS = (
    "on_time_211_share",
    "median_delivery_hours",
    "return_rate_fast",
    "return_rate_slow",
    "repurchase_rate_fast",
    "repurchase_rate_slow",
    "plus_member_share",
    "plus_naive_spend_ratio",
    "plus_causal_uplift",
    "inventory_turnover_days",
    "stockout_rate",
    "reorder_alerts",
    "anomaly_alerts",
    "forecast_mape",
    "gross_margin",
    "fulfillment_cost_ratio",
    "net_margin",
    "cash_conversion_days",
)
"""The contract's figures that the workbook module's typed results carry."""

RECORDED = ("orders", "gmv", *RESULT_METRICS, "review")
"""Everything a run of the notebook records for the contract."""
