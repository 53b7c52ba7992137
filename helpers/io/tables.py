"""Reading and writing case data: atomic writes, CSV in UTF-8 with BOM, and tables checked against their schema.

A table's schema (`helpers.core.schema.Table`) lives beside its generator (`generators.<case>.SCHEMA`); the
workbooks layer passes it in, so this module reads and writes files without knowing any case.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from helpers.core.errors import DataError
from helpers.core.messages import message
from helpers.core.schema import Table

CSV_ENCODING = "utf-8-sig"


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


# ---------------------------------------------------------------- case data


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
        return {}, [message("data.no_path", path=str(path))]
    problems = [
        message("data.not_a_table", file=files[stem].name, case=case, tables=", ".join(schema))
        for stem in files
        if stem not in schema
    ]
    if path.is_dir():
        problems += [
            message("data.missing_table", path=str(path), table=f"{name}.csv") for name in schema if name not in files
        ]
    return {s: p for s, p in files.items() if s in schema}, problems


def check_case_data(
    case: str,
    path: str | Path,
    schema: Mapping[str, Table],
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Load every table of `case` (its `schema`) found at `path` (a file or folder); return frames and all problems."""
    files, problems = _table_files(case, Path(path), schema)
    frames = {}
    for name, file in files.items():
        try:
            raw = read_frame(file)
        except (ValueError, OSError, UnicodeDecodeError) as error:
            problems.append(message("data.unreadable_table", file=file.name, error=str(error)))
            continue
        frames[name], found = schema[name].check(raw, file.name)
        problems += found
    return frames, problems


def load_case_data(case: str, data_dir: str | Path, schema: Mapping[str, Table]) -> dict[str, pd.DataFrame]:
    """Every table of `case` (its `schema`) from `data_dir`, typed; raise DataError listing every problem at once."""
    frames, problems = check_case_data(case, data_dir, schema)
    if problems:
        raise DataError(problems)
    return frames


def write_case_data(tables: Mapping[str, pd.DataFrame], out_dir: str | Path, manifest: dict, fmt: str = "csv") -> None:
    """Write a case's tables and manifest.json directly into `out_dir`, each file atomically."""
    out = Path(out_dir)
    for name, frame in tables.items():
        write_table(frame, out / f"{name}.{fmt}", fmt)
    write_json(out / "manifest.json", manifest)
