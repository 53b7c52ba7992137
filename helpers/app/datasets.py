"""Case datasets on disk: generate them reproducibly, document them, and check a user's own files."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from generators.common import ORDERS_PER_SCALE
from helpers.core.errors import DataError
from helpers.core.messages import message
from helpers.io.tables import atomic_path, write_case_data, write_json, write_table, write_text
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
    manifest = {"case": case, "generator": module.__name__, "config": asdict(config), "format": fmt}
    if fmt == "parquet" and hasattr(module, "generate_in_chunks"):
        manifest["tables"] = _write_parquet_chunks(module.generate_in_chunks(config), Path(out), orders)
        write_json(Path(out) / "manifest.json", manifest)
        return
    tables = module.generate(config)
    manifest["tables"] = {name: {"rows": len(frame), "columns": list(frame.columns)} for name, frame in tables.items()}
    write_case_data(tables, out, manifest, fmt)


def _write_parquet_chunks(
    pieces: Iterator[tuple[str, pd.DataFrame]], out: Path, orders: int | None
) -> dict[str, dict[str, Any]]:
    """Write (table, rows) pieces as Parquet, one row group per piece, each file atomically; a progress bar
    on stderr counts order rows. Memory holds one piece at a time (plus what the generator keeps), so a
    dataset of millions of orders is written in bounded memory. Returns the manifest's table entries."""
    written: dict[str, dict[str, Any]] = {}
    empty: dict[str, pd.DataFrame] = {}  # an empty piece has no types to give the file: wait for rows
    with contextlib.ExitStack() as stack:
        bar = stack.enter_context(tqdm(total=orders, unit=" orders", desc="generate", file=sys.stderr))
        writers: dict[str, pq.ParquetWriter] = {}
        for name, frame in pieces:
            written.setdefault(name, {"rows": 0, "columns": list(frame.columns)})
            if frame.empty:
                empty.setdefault(name, frame)
                continue
            batch = _text_for_nulls(pa.Table.from_pandas(frame, preserve_index=False))
            if name not in writers:
                path = stack.enter_context(atomic_path(out / f"{name}.parquet"))
                writers[name] = stack.enter_context(pq.ParquetWriter(path, batch.schema))
            writers[name].write_table(batch.cast(writers[name].schema))
            written[name]["rows"] += len(frame)
            if name == "orders":
                bar.update(len(frame))
    for name, frame in empty.items():
        if name not in writers:
            write_table(frame, out / f"{name}.parquet", "parquet")
    return written


def _text_for_nulls(batch: pa.Table) -> pa.Table:
    """A column with no value in this piece (a link such as `referred_by` that no row of a month has) is typed
    null by Arrow; make it text, the type of every optional column of the case tables, so pieces agree."""
    fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in batch.schema]
    return batch.cast(pa.schema(fields, metadata=batch.schema.metadata))


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
        raise DataError([message("cli.check_data.options_only_for_exports", case=case)])
    frames, problems = check_case(case, path)
    rows = sum(len(f) for f in frames.values())
    return problems, message("cli.check_data.tables", tables=len(frames), rows=rows)
