"""Table schemas: columns with kind, range and meaning, and the check that lists every problem in a frame.

Declared beside each generator (`generators.<case>.SCHEMA`), so what a generator writes and what a user's own
export must look like can never drift apart; also the source of the data dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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
            found = ", ".join(map(str, frame.columns)) or "none"
            problems.append(f"{source}: missing column(s) {', '.join(missing)} (found: {found})")
        if frame.empty and not self.may_be_empty:
            problems.append(f"{source}: the table has no rows")
        out = frame.copy()
        for column in self.columns:
            if column.name in out.columns:
                out[column.name], found = _check_column(out[column.name], column, source)
                problems += found
        return out, problems


def _rows(mask: pd.Series) -> str:
    """'rows 2, 5, 9 (and 12 more)' with spreadsheet row numbers (header is row 1)."""
    index = np.flatnonzero(mask.to_numpy()) + 2
    shown = ", ".join(str(i) for i in index[:MAX_EXAMPLES])
    more = f" (and {len(index) - MAX_EXAMPLES} more)" if len(index) > MAX_EXAMPLES else ""
    return f"row{'s' if len(index) > 1 else ''} {shown}{more}"


def _check_column(values: pd.Series, column: Column, source: str) -> tuple[pd.Series, list[str]]:
    where = f"{source}, column '{column.name}'"
    problems = []
    blank = values.isna() | (values.astype("string").str.strip() == "")
    if column.kind in ("int", "float"):
        converted = pd.to_numeric(values, errors="coerce")
        bad = converted.isna() & ~blank
        if bad.any():
            problems.append(f"{where}: not a number in {_rows(bad)} (e.g. {values[bad].iloc[0]!r})")
        if column.kind == "int" and not bad.any():
            fraction = converted.notna() & (converted != converted.round())
            if fraction.any():
                problems.append(f"{where}: not a whole number in {_rows(fraction)}")
    elif column.kind in ("date", "datetime"):
        converted = pd.to_datetime(values, errors="coerce", format="mixed")
        bad = converted.isna() & ~blank
        if bad.any():
            problems.append(f"{where}: not a date in {_rows(bad)} (e.g. {values[bad].iloc[0]!r})")
    elif column.kind == "bool":
        text = values.astype("string").str.strip().str.lower()
        converted = text.map({"true": True, "false": False, "1": True, "0": False}).astype("boolean")
        bad = converted.isna() & ~blank
        if bad.any():
            problems.append(f"{where}: not True/False in {_rows(bad)}")
    else:
        converted = values.astype("string")
    if blank.any() and not column.nullable:
        problems.append(f"{where}: empty in {_rows(blank)}")
    if column.min is not None and column.kind in ("int", "float"):
        low = converted < column.min
        if low.any():
            problems.append(f"{where}: below the minimum {column.min:g} in {_rows(low)}")
    if column.max is not None and column.kind in ("int", "float"):
        high = converted > column.max
        if high.any():
            problems.append(f"{where}: above the maximum {column.max:g} in {_rows(high)}")
    if column.choices is not None:
        outside = converted.notna() & ~converted.isin(column.choices)
        if outside.any():
            allowed = ", ".join(map(str, column.choices))
            problems.append(f"{where}: value {values[outside].iloc[0]!r} in {_rows(outside)} is not one of {allowed}")
    if column.unique:
        repeated = converted.duplicated(keep="first") & converted.notna()
        if repeated.any():
            problems.append(f"{where}: duplicated value in {_rows(repeated)}")
    if column.kind == "int" and not problems and converted.notna().all():
        converted = converted.astype("int64")
    return converted, problems
