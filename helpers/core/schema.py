"""Table schemas: columns with kind, range and meaning, and the check that lists every problem in a frame.

Declared beside each generator (`generators.<case>.SCHEMA`), so what a generator writes and what a user's own
export must look like can never drift apart; also the source of the data dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.core import fmt
from helpers.core.messages import message

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Column:
    """One column of a table: its kind ('int', 'float', 'str', 'date', 'datetime', 'bool') and allowed values."""

    name: str
    kind: str
    description: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None
    nullable: bool = False
    unique: bool = False


@dataclass(frozen=True)
class Table:
    """A table's columns in order, and what it holds (for data/README.md)."""

    name: str
    description: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    may_be_empty: bool = False  # e.g. memberships of a shop that has none

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def check(self, frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[str]]:
        """Convert columns to their kinds; return the frame and every problem found (empty when clean)."""
        problems = []
        missing = [c for c in self.names if c not in frame.columns]
        if missing:
            found = ", ".join(map(str, frame.columns)) or message("data.no_columns")
            problems.append(
                message("data.table_missing_columns", source=source, absent=", ".join(missing), found=found)
            )
        if frame.empty and not self.may_be_empty:
            problems.append(message("data.table_no_rows", source=source))
        out = frame.copy()
        for column in self.columns:
            if column.name in out.columns:
                out[column.name], found = _check_column(out[column.name], column, source)
                problems += found
        return out, problems


def rows_text(mask: np.ndarray | pd.Series) -> str:
    """'3 rows: 2, 5, 9' or '12 rows: 2, 5, 9, 11, 14 (and 7 more)' with spreadsheet row numbers (header = row 1)."""
    index = np.flatnonzero(np.asarray(mask)) + 2
    shown = ", ".join(str(i) for i in index[:MAX_EXAMPLES])
    if len(index) > MAX_EXAMPLES:
        shown = message("data.rows_more", rows=shown, more=fmt.num(len(index) - MAX_EXAMPLES))
    return message("data.rows_one" if len(index) == 1 else "data.rows_many", n=fmt.num(len(index)), rows=shown)


def _check_column(values: pd.Series, column: Column, source: str) -> tuple[pd.Series, list[str]]:
    where = message("data.where", source=source, column=repr(column.name))

    def bad_value(what: str, mask: pd.Series) -> str:
        example = repr(values[mask].iloc[0])
        return message(
            "data.bad_value", where=where, what=message(f"data.{what}"), rows=rows_text(mask), example=example
        )

    problems = []
    blank = values.isna() | (values.astype("string").str.strip() == "")
    if column.kind in ("int", "float"):
        converted = pd.to_numeric(values, errors="coerce")
        bad = converted.isna() & ~blank
        if bad.any():
            problems.append(bad_value("not_a_number", bad))
        if column.kind == "int" and not bad.any():
            fraction = converted.notna() & (converted != converted.round())
            if fraction.any():
                problems.append(bad_value("not_whole", fraction))
    elif column.kind in ("date", "datetime"):
        converted = pd.to_datetime(values, errors="coerce", format="mixed")
        bad = converted.isna() & ~blank
        if bad.any():
            problems.append(bad_value("not_a_date", bad))
    elif column.kind == "bool":
        text = values.astype("string").str.strip().str.lower()
        converted = text.map({"true": True, "false": False, "1": True, "0": False}).astype("boolean")
        bad = converted.isna() & ~blank
        if bad.any():
            problems.append(bad_value("not_bool", bad))
    else:
        converted = values.astype("string")
    if blank.any() and not column.nullable:
        problems.append(message("data.empty_cells", where=where, rows=rows_text(blank)))
    if column.min is not None and column.kind in ("int", "float"):
        low = converted < column.min
        if low.any():
            problems.append(message("data.below_minimum", where=where, minimum=f"{column.min:g}", rows=rows_text(low)))
    if column.max is not None and column.kind in ("int", "float"):
        high = converted > column.max
        if high.any():
            problems.append(message("data.above_maximum", where=where, maximum=f"{column.max:g}", rows=rows_text(high)))
    if column.choices is not None:
        outside = converted.notna() & ~converted.isin(column.choices)
        if outside.any():
            allowed = ", ".join(map(str, column.choices))
            example = repr(values[outside].iloc[0])
            problems.append(
                message(
                    "data.not_allowed_value", where=where, example=example, rows=rows_text(outside), allowed=allowed
                )
            )
    if column.unique:
        repeated = converted.duplicated(keep="first") & converted.notna()
        if repeated.any():
            problems.append(message("data.duplicated", where=where, rows=rows_text(repeated)))
    if column.kind == "int" and not problems and converted.notna().all():
        converted = converted.astype("int64")
    return converted, problems
