"""Files a workbook hands to its reader, such as the win-back list with customer ids.

Written as CSV and .xlsx (formulas defused, ids as text: helpers.io.spreadsheet) into the run's output folder,
which the runner names in the environment variable CASEBOOK_OUTPUT_DIR while a workbook executes; outside a run
(e.g. in JupyterLab) a fresh temporary folder is used, so a list with customer ids is never written into the
repository.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from helpers.io.spreadsheet import write_for_excel

OUTPUT_ENV = "CASEBOOK_OUTPUT_DIR"
FILE_NAME = "winback_list.csv"


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
