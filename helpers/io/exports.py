"""Files a workbook hands to its reader, such as the win-back list with customer ids.

Written as CSV and .xlsx (formulas defused, ids as text: helpers.io.spreadsheet) into the folder the workbook's
`output_dir` parameter names: `casebook run` sets it to the run's output folder, so the list lands beside the
report; empty (JupyterLab) means `output/lab/<notebook>/` at the repository root, a folder git ignores, so a list
with customer ids is never committed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.core.paths import notebooks_dir
from helpers.io.spreadsheet import write_for_excel

LAB_OUTPUT = Path("output") / "lab"  # under the repository root
FILE_NAME = "winback_list.csv"


def output_folder(output_dir: str, notebook: str) -> Path:
    """Where a workbook writes its files: `output_dir` when a run set it, else `output/lab/<notebook>/`."""
    return Path(output_dir) if output_dir else notebooks_dir().parent / LAB_OUTPUT / notebook


def export_winback(frame: pd.DataFrame, folder: str | Path, name: str = FILE_NAME) -> Path:
    """Write the list as CSV (UTF-8 with BOM, money rounded to fen) and an .xlsx beside it, atomically, into
    `folder`; returns the CSV's path.

    Customer ids come from the user's export (free text typed by buyers), so they are written as text and
    never as a formula.
    """
    path = Path(folder)
    rounded = frame.assign(
        **{c: frame[c].round(2) for c in ("revenue", "expected_value") if c in frame},
        **{c: frame[c].round(4) for c in ("p_alive", "expected_purchases") if c in frame},
    )
    write_for_excel(
        rounded,
        path / name,
        text_columns=["customer_id"],
        money_columns=[c for c in ("revenue", "expected_value") if c in rounded],
    )
    return path / name
