"""The reactivation (win-back) list: sleeping customers of high value, ranked by what they are expected to spend.

Written as CSV and .xlsx (formulas defused, ids as text: helpers.spreadsheet) into the run's output folder,
which the runner names in the environment variable CASEBOOK_OUTPUT_DIR while a workbook executes; outside a run
(e.g. in JupyterLab) a fresh temporary folder is used, so a list with customer ids is never written into the
repository.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.customers import SLEEPING
from helpers.spreadsheet import write_for_excel

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
    """Write the list as CSV (UTF-8 with BOM, money rounded to fen) and an .xlsx beside it; returns the CSV's path.

    Customer ids come from the user's export (free text typed by buyers), so they are written as text and
    never as a formula.
    """
    path = Path(folder) if folder is not None else output_folder()
    rounded = frame.assign(**{c: frame[c].round(2) for c in ("revenue", "expected_value") if c in frame},
                           **{c: frame[c].round(4) for c in ("p_alive", "expected_purchases") if c in frame})
    write_for_excel(rounded, path / name, text_columns=["customer_id"],
                    money_columns=[c for c in ("revenue", "expected_value") if c in rounded])
    return path / name


def winback_payoff(contacts: int, response_rate: float, value_per_return: float, cost_per_contact: float,
                   ) -> dict[str, float]:
    """Expected customers won back, revenue, cost and net of a campaign, and the response rate that breaks even."""
    returned = contacts * response_rate
    revenue, cost = returned * value_per_return, contacts * cost_per_contact
    return {"returned": returned, "revenue": revenue, "cost": cost, "net": revenue - cost,
            "break_even_response": cost_per_contact / value_per_return if value_per_return > 0 else float("nan")}
