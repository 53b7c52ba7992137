"""Case datasets on disk: generate them reproducibly, document them, and check a user's own files."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Collection, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from generators.common import ORDERS_PER_SCALE, PiecesVoid
from helpers.core.errors import DataError, ParameterError
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
            allowed = message("errors.allowed.at_least", kind=message("errors.allowed.int"), low=1)
            raise ParameterError(
                message(
                    "errors.parameter.not_allowed", name="--orders", value=orders, reason="", allowed=allowed, help=""
                )
            )
        config = replace(config, scale=orders / ORDERS_PER_SCALE)
    manifest = {"case": case, "generator": module.__name__, "config": asdict(config), "format": fmt}
    if fmt == "parquet" and hasattr(module, "generate_in_chunks"):
        unique = {t.name: [c.name for c in t.columns if c.unique] for t in case_schema(case).values()}
        write = partial(
            _write_parquet_chunks,
            out=Path(out),
            orders=orders,
            unique=unique,
            in_pieces=getattr(module, "TABLES_IN_PIECES", None),
        )
        try:
            manifest["tables"] = write(module.generate_in_chunks(config))
        except PiecesVoid:  # made as the simulation ran, on a guess that proved wrong: the files were discarded
            manifest["tables"] = write(module.generate_in_chunks(config, as_it_runs=False))
        write_json(Path(out) / "manifest.json", manifest)
        return
    tables = module.generate(config)
    manifest["tables"] = {name: {"rows": len(frame), "columns": list(frame.columns)} for name, frame in tables.items()}
    write_case_data(tables, out, manifest, fmt)


ROW_GROUP_BYTES = 64 * 2**20  # Arrow bytes of a table gathered before they are written as one row group
WRITERS = 2  # threads writing row groups while the generator makes the next pieces


def _write_parquet_chunks(
    pieces: Iterator[tuple[str, pd.DataFrame]],
    out: Path,
    orders: int | None,
    *,
    unique: Mapping[str, Collection[str]] | None = None,
    in_pieces: Collection[str] | None = None,
    row_group_bytes: int = ROW_GROUP_BYTES,
) -> dict[str, dict[str, Any]]:
    """Write (table, rows) pieces as Parquet, each file atomically; a progress bar on stderr counts order rows.

    Pieces of a table are gathered into row groups of about `row_group_bytes`: a month per row group made files
    30% larger and slower to write, as every row group restarts its dictionaries. A full row group is written on
    a second thread while the generator makes the next pieces (Arrow writes without holding the GIL), and the
    tables left at the end are written side by side. Memory holds at most two row groups per table (one being
    written, one gathering) plus what the generator keeps, so millions of orders are written in bounded memory.
    `unique` names each table's columns with a distinct value per row (ids), which are not dictionary-encoded.
    `in_pieces` names the tables that may come in more than one piece (None: any table); every other table
    comes whole and is written at once, while the generator goes on (a generator's `TABLES_IN_PIECES`).
    Returns the manifest's table entries."""
    written: dict[str, dict[str, Any]] = {}
    empty: dict[str, pd.DataFrame] = {}  # an empty piece has no types to give the file: wait for rows
    with contextlib.ExitStack() as stack:
        bar = stack.enter_context(tqdm(total=orders, unit=" orders", desc="generate", file=sys.stderr))
        files = stack.enter_context(_ParquetFiles(out, unique or {}, in_pieces, row_group_bytes))
        for name, frame in pieces:
            written.setdefault(name, {"rows": 0, "columns": list(frame.columns)})
            if frame.empty:
                empty.setdefault(name, frame)
                continue
            bar.set_postfix_str(name, refresh=False)  # the table being written (orders may come last)
            files.add(name, frame)
            written[name]["rows"] += len(frame)
            if name == "orders":
                bar.update(len(frame))
        files.flush()
    for name, frame in empty.items():
        if not written[name]["rows"]:
            write_table(frame, out / f"{name}.parquet", "parquet")
    return written


class _ParquetFiles(contextlib.ExitStack):
    """The Parquet files of one dataset, opened at their first rows and renamed into place when the block
    ends without an error (discarded otherwise). Row groups are converted and written by a small pool of
    threads, at most one write per file at a time, so each file's row groups keep their order.

    A table handed over piece after piece (a month at a time, no other table's piece between them) is taken
    as complete when a new table begins: its last row group is written then, while the next table is built,
    instead of at the end. So are tables whose pieces alternate (a month of orders, teams and shares in turn)
    when a table not seen before begins; without one they wait for the end. A table known to come whole (not
    in `in_pieces`) is written as soon as it comes. Where row groups end depends only on the order of the
    pieces, never on timing."""

    def __init__(
        self, out: Path, unique: Mapping[str, Collection[str]], in_pieces: Collection[str] | None, row_group_bytes: int
    ) -> None:
        super().__init__()
        self.out, self.unique, self.in_pieces, self.row_group_bytes = out, unique, in_pieces, row_group_bytes
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.group_rows: dict[str, int] = {}  # rows of a row group, from the first piece's bytes per row
        self.waiting: dict[str, list[pa.Table | pd.DataFrame]] = {}
        self.writing: dict[str, Future[None]] = {}
        self.pool = self.enter_context(ThreadPoolExecutor(WRITERS, thread_name_prefix="parquet"))
        self.last: str | None = None  # the table of the last piece, and how many of its pieces came in a row
        self.in_a_row = 0
        self.alternating: set[str] = set()  # tables whose pieces came between another table's
        self.complete: dict[str, list[pa.Table | pd.DataFrame]] = {}  # last row groups waiting for their file

    def add(self, name: str, frame: pd.DataFrame) -> None:
        """Gather a piece of `name` and write the gathered pieces once they fill a row group."""
        if name != self.last:
            if name in self.writers:
                self.alternating.add(name)
            else:
                # A table that begins now completes the one given piece after piece before it, and those given
                # in turn: their last row groups are set apart (a piece of one that came later would start a
                # new one) and written once their files are free.
                done = [table for table in sorted(self.alternating) if table not in self.complete]
                if self.last is not None and self.in_a_row > 1 and self.last not in self.alternating:
                    done.append(self.last)
                for table in done:
                    if self.waiting[table]:
                        self.complete[table], self.waiting[table] = self.waiting[table], []
            self.last, self.in_a_row = name, 0
        self.in_a_row += 1
        for free in [t for t in self.complete if self._free(t)]:
            self._submit(free, self.complete.pop(free))
        if name not in self.writers:
            self._open(name, frame)
        else:
            self.waiting[name].append(frame)  # converted by the thread that writes it
        whole = self.in_pieces is not None and name not in self.in_pieces
        if whole or sum(len(piece) for piece in self.waiting[name]) >= self.group_rows[name]:
            self._write(name)

    def _open(self, name: str, frame: pd.DataFrame) -> None:
        """Open the file of `name` with the schema of its first piece."""
        first = _to_arrow(frame)
        schema = _file_schema(first, self.unique.get(name, ()))
        self.writers[name] = self.enter_context(
            pq.ParquetWriter(
                self.enter_context(atomic_path(self.out / f"{name}.parquet")),
                schema,
                # The Arrow schema is not stored: it would make the kept dictionaries categorical columns when
                # read back; the Parquet types read back as the one-shot writer's columns.
                store_schema=False,
                # Ids are all distinct, and times to the second nearly so: a dictionary of them only costs time
                # (and space). Text statistics (min/max per row group) are not used by the readers here and
                # cost a third of the writing time.
                use_dictionary=[
                    f.name
                    for f in schema
                    if f.name not in self.unique.get(name, ()) and not pa.types.is_timestamp(f.type)
                ],
                write_statistics=[f.name for f in schema if not _is_text(f.type)],
            )
        )
        # Registered with each file, so that it runs before this file closes (an exit stack unwinds in reverse).
        self.callback(self._finish_writing)
        first = first.cast(schema)
        self.group_rows[name] = max(1, self.row_group_bytes * len(first) // max(first.nbytes, 1))
        self.waiting[name] = [first]

    def flush(self) -> None:
        """Write what is still gathered, and wait until every row group is written. The files that are free get
        their last row groups first: waiting for a file still writing would hold back the files behind it (a
        table's own row groups keep their order: the sort is stable)."""
        last = [(name, self.complete.pop(name)) for name in list(self.complete)]
        last += [(name, self.waiting[name]) for name in self.waiting]
        self.waiting = {name: [] for name in self.waiting}
        for name, pieces in sorted(last, key=lambda group: not self._free(group[0])):
            self._submit(name, pieces)
        self._finish_writing()

    def _free(self, name: str) -> bool:
        """True when no row group of `name` is being written."""
        return name not in self.writing or self.writing[name].done()

    def _write(self, name: str) -> None:
        pieces, self.waiting[name] = self.waiting[name], []
        self._submit(name, pieces)

    def _submit(self, name: str, pieces: list[pa.Table | pd.DataFrame]) -> None:
        """Write `pieces` as the next row group of `name`'s file, once its previous one is written."""
        if pieces:
            if name in self.writing:
                self.writing.pop(name).result()  # one write per file at a time: bounded memory, ordered groups
            self.writing[name] = self.pool.submit(self._write_group, self.writers[name], pieces)

    @staticmethod
    def _write_group(writer: pq.ParquetWriter, pieces: list[pa.Table | pd.DataFrame]) -> None:
        """Convert the pieces to the file's schema and write them as one row group (on a pool thread)."""
        tables = [p if isinstance(p, pa.Table) else _to_arrow(p) for p in pieces]
        gathered = pa.concat_tables([t if t.schema.equals(writer.schema) else t.cast(writer.schema) for t in tables])
        writer.write_table(gathered, row_group_size=gathered.num_rows)

    def _finish_writing(self) -> None:
        """Wait for every write (all of them, even after one failed, before the files may close)."""
        writes, self.writing = list(self.writing.values()), {}
        wait(writes)
        for write in writes:
            write.result()


def _to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A piece as an Arrow table, its columns converted one after another: pyarrow would otherwise start a pool
    of threads for every piece (most of the conversion's time for a month of rows), and the pieces are already
    converted on the writer's threads."""
    return pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind.value_type if pa.types.is_dictionary(kind) else kind)


def _file_schema(piece: pa.Table, unique: Collection[str]) -> pa.Schema:
    """The schema a table's file is written with, from its first piece; it reads back as the one-shot writer's
    file. A generator's pieces may hold Arrow columns (see `generators.common.arrow_column`), some
    dictionary-encoded: a text column whose dictionary is a vocabulary (no longer than the piece: labels, names)
    stays encoded, so the writer takes its codes as they are, and every other one (ids drawn from a whole
    table, days) is decoded. The pandas metadata names every text and date column a plain object column, since
    pandas reads a column back as the type this metadata names and the tables are read everywhere with Python
    strings and dates. A column with no value in the first piece (a link such as `referred_by` that no row of a
    month has) is typed null by Arrow; it is made text, the type of every optional column of the case tables."""
    fields = {}
    for field in piece.schema:
        kind = field.type
        if pa.types.is_dictionary(kind):
            column = piece.column(field.name)
            vocabulary = column.num_chunks == 1 and len(column.chunk(0).dictionary) <= len(column)
            if field.name in unique or not pa.types.is_string(kind.value_type) or not vocabulary:
                kind = kind.value_type
        fields[field.name] = pa.field(field.name, pa.string() if pa.types.is_null(kind) else kind)
    pandas = json.loads(piece.schema.metadata[b"pandas"])
    for column in pandas["columns"]:
        kind = fields[column["field_name"]].type
        if _is_text(kind) or pa.types.is_date(kind):
            plain = "date" if pa.types.is_date(kind) else "unicode"
            column.update(pandas_type=plain, numpy_type="object", metadata=None)
    return pa.schema(fields.values(), metadata={**piece.schema.metadata, b"pandas": json.dumps(pandas).encode()})


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
