"""The reactivation (win-back) list: sleeping customers with above-average spend (RFM M↑, not the 高价值 tier),
ranked by what they are expected to spend, and what a win-back campaign pays. Writing the list out is
`helpers.io.exports.export_winback`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.customers import SLEEPING


def winback_list(summary: pd.DataFrame, tiers: pd.Series, m_high: pd.Series, values: pd.DataFrame) -> pd.DataFrame:
    """Customers in the 沉睡 sleeping tier with revenue above the RFM cut-off (M↑), best expected value first.

    `values` holds `p_alive`, `expected_purchases` and `expected_value` per customer (from helpers.ltv); ties
    are broken by customer id so the order is deterministic.
    """
    chosen = (tiers == SLEEPING).to_numpy() & m_high.reindex(summary.index).fillna(False).to_numpy(dtype=bool)
    frame = summary.loc[chosen, ["last_order", "recency_days", "orders", "revenue"]].join(
        values[["p_alive", "expected_purchases", "expected_value"]]
    )
    frame = frame.rename_axis("customer_id").reset_index()
    frame = frame.sort_values(
        ["expected_value", "customer_id"], ascending=[False, True], kind="stable", na_position="last"
    )
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame["last_order"] = pd.to_datetime(frame["last_order"]).dt.strftime("%Y-%m-%d")
    return frame.reset_index(drop=True)


def winback_payoff(
    contacts: int,
    response_rate: float,
    baseline_rate: float,
    value_per_return: float,
    margin: float,
    cost_per_contact: float,
) -> dict[str, float]:
    """A win-back campaign judged on gross margin and incremental response.

    Only customers who come back because of the contact count: `response_rate` minus `baseline_rate`, the share
    that would have come back anyway (measure it on a held-out part of the list; the BG/NBD expected value is
    that no-contact forecast, not what a response adds). Each brings `value_per_return` of revenue, `margin` of
    it gross profit. Returns the incremental returns, revenue and gross profit, the contact cost, `net` (gross
    profit − cost) and `break_even_response`: the incremental response that pays for the contacts,
    cost ÷ (value × margin).
    """
    returned = contacts * (response_rate - baseline_rate)
    revenue, cost = returned * value_per_return, contacts * cost_per_contact
    profit_per_return = value_per_return * margin
    return {
        "returned": returned,
        "revenue": revenue,
        "gross_profit": revenue * margin,
        "cost": cost,
        "net": revenue * margin - cost,
        "break_even_response": cost_per_contact / profit_per_return if profit_per_return > 0 else float("nan"),
    }
