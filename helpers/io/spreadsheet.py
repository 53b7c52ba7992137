"""Files for Excel and WPS: a user's text never becomes a formula, ids stay text, an .xlsx beside the CSV.

Names in real order exports are typed by buyers, so a cell such as `=HYPERLINK(...)` or `@SUM(A1)` would run as a
formula when a CSV is opened in a spreadsheet (CSV injection, OWASP). `defuse_formulas` prefixes such text with an
apostrophe, the OWASP advice; `write_for_excel` writes that CSV (for scripts) and an .xlsx beside it whose cells
are typed: ids as text (an 18–19 digit order number keeps every digit), money as numbers in ¥, header row frozen.
The committed generated data/ does not go through here: it is the project's own and stays byte-identical.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import ARC_CORE
from openpyxl.xml.functions import tostring

from helpers.io.tables import atomic_path, write_table

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
MONEY_FORMAT = '"¥"#,##0.00'
TEXT_FORMAT = "@"
NO_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold: stands for "no time"


def formula_like(value: object) -> bool:
    """True for text a spreadsheet would evaluate: it starts with = + - @ tab or CR and is not a plain number."""
    return isinstance(value, str) and value.startswith(TRIGGERS) and PLAIN_NUMBER.fullmatch(value) is None


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose formula-like text cells start with an apostrophe; numbers and numeric columns are untouched."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            out[name] = column.map(lambda v: f"'{v}" if formula_like(v) else v)
    return out


def _cell_value(value: object) -> object:
    """What openpyxl can store: None for missing, Python scalars instead of numpy ones."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _text_cell(cell: Cell) -> None:
    """Type a cell as text: openpyxl would otherwise store text starting with = as a formula."""
    if cell.value is None:
        return
    cell.value = str(cell.value)
    cell.data_type = "s"
    cell.quotePrefix = formula_like(cell.value)  # Excel's own mark for typed text: editing keeps it text


def write_xlsx(
    frame: pd.DataFrame, path: str | Path, *, text_columns: Iterable[str] = (), money_columns: Iterable[str] = ()
) -> None:
    """Write one sheet atomically: header row frozen, `text_columns` and all text as text, `money_columns` in ¥."""
    text, money = set(text_columns), set(money_columns)
    unknown = (text | money) - set(frame.columns)
    if unknown:
        raise ValueError(
            f"columns {', '.join(sorted(unknown))} are not in the table (columns: {', '.join(map(str, frame.columns))})"
        )
    book = Workbook()
    sheet = book.active
    sheet.append([str(name) for name in frame.columns])
    for cell in sheet[1]:
        _text_cell(cell)
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_cell_value(v) for v in row])
    for position, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(position)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
            if name in text or isinstance(cell.value, str):
                _text_cell(cell)
            if name in text:
                cell.number_format = TEXT_FORMAT
            elif name in money:
                cell.number_format = MONEY_FORMAT
        sheet.column_dimensions[letter].width = max(10, min(60, len(str(name)) + 4))
    sheet.freeze_panes = "A2"
    _save_reproducibly(book, path)


def _save_reproducibly(book: Workbook, path: str | Path) -> None:
    """Save atomically without clock times (document properties, zip entries): the same table, the same bytes."""
    buffer = io.BytesIO()
    book.save(buffer)
    book.properties.created = book.properties.modified = datetime.datetime(*NO_TIME)  # save stamped the clock
    core = tostring(book.properties.to_tree())
    with (
        atomic_path(path) as tmp,
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = core if entry.filename == ARC_CORE else source.read(entry)
            target.writestr(zipfile.ZipInfo(entry.filename, NO_TIME), data, zipfile.ZIP_DEFLATED)


def write_for_excel(
    frame: pd.DataFrame, csv_path: str | Path, *, text_columns: Iterable[str] = (), money_columns: Iterable[str] = ()
) -> tuple[Path, Path]:
    """Write a user-facing table as a defused CSV and a typed .xlsx beside it; returns both paths."""
    csv_path = Path(csv_path)
    xlsx_path = csv_path.with_suffix(".xlsx")
    write_xlsx(frame, xlsx_path, text_columns=text_columns, money_columns=money_columns)  # first: checks columns
    write_table(defuse_formulas(frame), csv_path)
    return csv_path, xlsx_path
