"""Case datasets on disk: generate them reproducibly, document them, and check a user's own files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from generators.common import ORDERS_PER_SCALE
from helpers.core.errors import DataError
from helpers.io.tables import write_case_data, write_text
from helpers.workbooks.cases import CASES, case_schema, check_case, generator
from helpers.workbooks.your_shop import check_export


def generate_case(
    case: str,
    out: Path,
    *,
    seed: int | None = None,
    orders: int | None = None,
    fmt: str = "csv",
) -> None:
    """Generate `case` with its defaults (or the given seed / size) and write tables + manifest.json into `out`."""
    module = generator(case)
    config = module.Config()
    if seed is not None:
        config = replace(config, seed=seed)
    if orders is not None:
        if orders < 1:
            raise DataError([f"--orders must be a positive number of orders, got {orders}"])
        config = replace(config, scale=orders / ORDERS_PER_SCALE)
    tables = module.generate(config)
    manifest = {
        "case": case,
        "generator": module.__name__,
        "config": asdict(config),
        "format": fmt,
        "tables": {name: {"rows": len(frame), "columns": list(frame.columns)} for name, frame in tables.items()},
    }
    write_case_data(tables, out, manifest, fmt)


def data_dictionary() -> str:
    """data/README.md: every case's tables and columns, from the schemas the loaders enforce."""
    lines = [
        "# Data dictionary",
        "",
        "Default datasets of each case, written by `make data` (`casebook generate --all --out data`) and equal",
        "byte for byte to what the generators produce with their defaults. CSV files are UTF-8 with BOM, dates",
        "ISO, money in yuan with two decimals. To use your own data, give a workbook `data_dir` a folder with the",
        "same file names and columns; `casebook check-data CASE PATH` lists every problem first.",
        "",
        "This file is generated from the schemas in `generators/<case>.py`; do not edit it by hand.",
    ]
    for case in CASES:
        lines += ["", f"## {case}"]
        for table in case_schema(case).values():
            lines += [
                "",
                f"### `{table.name}.csv`",
                "",
                table.description,
                "",
                "| column | type | allowed | meaning |",
                "|---|---|---|---|",
            ]
            for c in table.columns:
                allowed = _allowed(c)
                lines.append(f"| `{c.name}` | {c.kind} | {allowed} | {c.description} |")
    return "\n".join(lines) + "\n"


def _allowed(column: Any) -> str:
    parts = []
    if column.choices is not None:
        parts.append(", ".join(map(str, column.choices)))
    if column.min is not None:
        parts.append(f"≥ {column.min:g}")
    if column.max is not None:
        parts.append(f"≤ {column.max:g}")
    if column.unique:
        parts.append("unique")
    if column.nullable:
        parts.append("may be empty")
    return "; ".join(parts)


def write_data_dictionary(path: Path) -> None:
    """Write the data dictionary atomically."""
    write_text(path, data_dictionary())


def check_data(case: str, path: Path, values: Mapping[str, Any]) -> tuple[list[str], str]:
    """Every problem in a user's file or folder for `case`, and a one-line summary when there is none.

    For `your_shop`, a single file is an order export read with the workbook's column mapping (`values`).
    """
    if case == "your_shop" and path.is_file():
        return check_export(path, values)
    if values:
        raise DataError([f"-p options apply only to your_shop order exports, not to {case}"])
    frames, problems = check_case(case, path)
    rows = sum(len(f) for f in frames.values())
    return problems, f"{len(frames)} table(s), {rows:,} rows"
