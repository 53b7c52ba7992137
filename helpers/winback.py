"""The reactivation (win-back) list: sleeping customers of high value, ranked by what they are expected to spend.

Written as CSV and .xlsx (formulas defused, ids as text: helpers.spreadsheet) into the folder the workbook's
`output_dir` parameter names: `casebook run` sets it to the run's output folder, so the list lands beside the
report; empty (JupyterLab) means `output/lab/<notebook>/` at the repository root, a folder git ignores, so a list
with customer ids is never committed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.customers import SLEEPING
from helpers.params import NOTEBOOKS_DIR
from helpers.spreadsheet import write_for_excel

LAB_OUTPUT = Path("output") / "lab"  # under the repository root
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


def output_folder(output_dir: str, notebook: str) -> Path:
    """Where a workbook writes its files: `output_dir` when a run set it, else `output/lab/<notebook>/`."""
    return Path(output_dir) if output_dir else NOTEBOOKS_DIR.parent / LAB_OUTPUT / notebook


def location(path: Path, output_dir: str) -> str:
    """How the story names a written file: beside the report in a run, from the repository root in JupyterLab."""
    if output_dir:
        return f"`{path.name}` in the run's output folder, beside this report"
    return f"`{path.relative_to(NOTEBOOKS_DIR.parent).as_posix()}` (from the repository root)"


def export_winback(frame: pd.DataFrame, folder: str | Path, name: str = FILE_NAME) -> Path:
    """Write the list as CSV (UTF-8 with BOM, money rounded to fen) and an .xlsx beside it, atomically, into
    `folder`; returns the CSV's path.

    Customer ids come from the user's export (free text typed by buyers), so they are written as text and
    never as a formula.
    """
    path = Path(folder)
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
