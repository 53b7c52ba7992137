"""The reactivation (win-back) list: sleeping customers with above-average spend (RFM M↑, not the 高价值 tier),
ranked by what they are expected to spend.

Written as CSV into the run's output folder, which the runner names in the environment variable
CASEBOOK_OUTPUT_DIR while a workbook executes; outside a run (e.g. in JupyterLab) a fresh temporary folder is
used, so a list with customer ids is never written into the repository.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.customers import SLEEPING
from helpers.io import write_table

OUTPUT_ENV = "CASEBOOK_OUTPUT_DIR"
FILE_NAME = "winback_list.csv"


def winback_list(summary: pd.DataFrame, tiers: pd.Series, m_high: pd.Series, values: pd.DataFrame) -> pd.DataFrame:
    """Customers in the 沉睡 sleeping tier with revenue above the RFM cut-off (M↑), best expected value first.

    `values` holds `p_alive`, `expected_purchases` and `expected_value` per customer (from helpers.ltv); ties
    are broken by customer id so the order is deterministic.
    """
    chosen = (tiers == SLEEPING).to_numpy() & m_high.reindex(summary.index).fillna(False).to_numpy(dtype=bool)
    frame = summary.loc[chosen, ["last_order", "recency_days", "orders", "revenue"]].join(
        values[["p_alive", "expected_purchases", "expected_value"]])
    frame = frame.rename_axis("customer_id").reset_index()
    frame = frame.sort_values(["expected_value", "customer_id"], ascending=[False, True], kind="stable",
                              na_position="last")
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    frame["last_order"] = pd.to_datetime(frame["last_order"]).dt.strftime("%Y-%m-%d")
    return frame.reset_index(drop=True)


def output_folder() -> Path:
    """The run's output folder (CASEBOOK_OUTPUT_DIR), or a new temporary folder when no run has set it."""
    folder = os.environ.get(OUTPUT_ENV, "").strip()
    return Path(folder) if folder else Path(tempfile.mkdtemp(prefix="casebook_your_shop_"))


def export_winback(frame: pd.DataFrame, folder: str | Path | None = None, name: str = FILE_NAME) -> Path:
    """Write the list as CSV (UTF-8 with BOM, money rounded to fen) atomically; returns the file's path."""
    path = Path(folder) if folder is not None else output_folder()
    rounded = frame.assign(**{c: frame[c].round(2) for c in ("revenue", "expected_value") if c in frame},
                           **{c: frame[c].round(4) for c in ("p_alive", "expected_purchases") if c in frame})
    write_table(rounded, path / name)
    return path / name


def winback_payoff(contacts: int, response_rate: float, baseline_rate: float, value_per_return: float,
                   margin: float, cost_per_contact: float) -> dict[str, float]:
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
    return {"returned": returned, "revenue": revenue, "gross_profit": revenue * margin, "cost": cost,
            "net": revenue * margin - cost,
            "break_even_response": cost_per_contact / profit_per_return if profit_per_return > 0 else float("nan")}
