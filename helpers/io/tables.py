"""Reading and writing case data: atomic writes, CSV in UTF-8 with BOM, and schema checks that list every problem.

A table's schema (columns, types, ranges) lives beside its generator (`generators.<case>.SCHEMA`), so what a
generator writes and what `load_case_data` accepts from a user's own export can never drift apart.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

CSV_ENCODING = "utf-8-sig"
MAX_EXAMPLES = 5


class DataError(ValueError):
    """Data a workbook cannot use; `problems` lists every one found, each naming table, column and rows."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the data: " + "; ".join(self.problems))

    def _render_traceback_(self) -> list[str]:
        """In Jupyter, one problem per line and no call stack."""
        head = str(self).split(": ", 1)[0]
        return [f"DataError: {head}:", *(f"- {p}" for p in self.problems)]


# ---------------------------------------------------------------- atomic writes

@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it into place only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp's 0600 would make shared reports unreadable to the rest of a team
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    """Write text (UTF-8) atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: str | Path, data: object) -> None:
    """Write JSON atomically, keys sorted and non-ASCII kept readable, so equal data gives equal bytes."""
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def write_table(frame: pd.DataFrame, path: str | Path, fmt: str = "csv") -> None:
    """Write a table atomically: CSV in UTF-8 with BOM (opens correctly in Excel in China) or Parquet."""
    with atomic_path(path) as tmp:
        if fmt == "csv":
            frame.to_csv(tmp, index=False, encoding=CSV_ENCODING, lineterminator="\n")
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            raise ValueError(f"format must be csv or parquet, got {fmt!r}")


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Build a folder under a temporary name and swap it into place whole, or leave nothing behind."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# ---------------------------------------------------------------- schemas

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


# ---------------------------------------------------------------- case data

def case_schema(case: str) -> dict[str, Table]:
    """The tables a case's generator writes and its loader accepts."""
    from helpers.catalog import CASES

    if case not in CASES:
        raise DataError([f"unknown case {case!r}: choose one of {', '.join(CASES)}"])
    return importlib.import_module(f"generators.{case}").SCHEMA


def read_frame(path: Path) -> pd.DataFrame:
    """Read one CSV (UTF-8, with or without BOM) or Parquet file with every column as text or as stored."""
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding=CSV_ENCODING)


def _table_files(case: str, path: Path, schema: Mapping[str, Table]) -> tuple[dict[str, Path], list[str]]:
    if path.is_file():
        files = {path.stem: path}
    elif path.is_dir():
        files = {p.stem: p for p in sorted(path.iterdir()) if p.suffix in (".csv", ".parquet")}
    else:
        return {}, [f"{path}: no such file or folder"]
    problems = [f"{files[stem].name}: not a table of case {case} (expected one of {', '.join(schema)})"
                for stem in files if stem not in schema]
    if path.is_dir():
        problems += [f"{path}: missing table {name}.csv" for name in schema if name not in files]
    return {s: p for s, p in files.items() if s in schema}, problems


def check_case_data(case: str, path: str | Path) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Load every table of `case` found at `path` (a file or folder); return frames and all problems."""
    schema = case_schema(case)
    files, problems = _table_files(case, Path(path), schema)
    frames = {}
    for name, file in files.items():
        try:
            raw = read_frame(file)
        except (ValueError, OSError, UnicodeDecodeError) as error:
            problems.append(f"{file.name}: cannot be read ({error})")
            continue
        frames[name], found = schema[name].check(raw, file.name)
        problems += found
    return frames, problems


def load_case_data(case: str, data_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Every table of `case` from `data_dir`, typed; raise DataError listing every problem at once."""
    frames, problems = check_case_data(case, data_dir)
    if problems:
        raise DataError(problems)
    return frames


def write_case_data(tables: Mapping[str, pd.DataFrame], out_dir: str | Path, manifest: dict, fmt: str = "csv") -> None:
    """Write a case's tables and manifest.json directly into `out_dir`, each file atomically."""
    out = Path(out_dir)
    for name, frame in tables.items():
        write_table(frame, out / f"{name}.{fmt}", fmt)
    write_json(out / "manifest.json", manifest)
