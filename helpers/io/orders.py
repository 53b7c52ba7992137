"""Load a shop's order export (Taobao/Tmall, JD, Pinduoduo back-ends, or any CSV) and list every problem in it.

The export's headers are mapped to four required columns (order_id, customer_id, order_date, amount) and up to
four optional ones (quantity, channel, sku, city). Encodings UTF-8, UTF-8 with BOM and GBK/GB18030 are detected;
dates may carry times or not (2023-01-05, 2023/1/5 9:05, 2023年1月5日); amounts may carry ¥ signs and thousands
separators. Files are read with pyarrow, only the mapped columns and as text, so exports of millions of rows
fit in memory (5 million rows: see benchmarks/bench_transactions.py). `helpers.workbooks.your_shop.check_export` (behind
`casebook check-data your_shop FILE -p col_… …`), `check_transactions` and `load_transactions` (the workbook)
run the same checks; problems name spreadsheet rows (the header is row 1), first few shown and a count.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from helpers.core.errors import DataError
from helpers.core.messages import message
from helpers.core.schema import rows_text

REQUIRED = ("order_id", "customer_id", "order_date", "amount")
OPTIONAL = ("quantity", "channel", "sku", "city")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030")
SAMPLE_BYTES = 1 << 20
DATE_PATTERN = (
    r"^\s*(?P<year>\d{4})[-/.年](?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})日?"
    r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?)?\s*$"
)
TIME_ZONE = r"^(.*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2})$"
MONEY_NOISE = r"[¥￥,，\s元]|RMB|CNY"
NUMBER_PATTERN = r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"
EXCEL_TEXT = r'^="(.*)"$'  # Taobao exports write long order numbers as ="1234…" so Excel keeps every digit


# ---------------------------------------------------------------- column mapping


def column_map(values: Mapping[str, object]) -> dict[str, str]:
    """Canonical column → export header from workbook parameters (`col_order_id`, …); empty optionals dropped."""
    mapping = {name: str(values.get(f"col_{name}", name) or name) for name in REQUIRED}
    mapping |= {name: str(values[f"col_{name}"]) for name in OPTIONAL if values.get(f"col_{name}")}
    return mapping


def _complete(columns: Mapping[str, str] | None) -> dict[str, str]:
    """The mapping with any required column not given mapped to its own name."""
    given = dict(columns or {})
    unknown = [k for k in given if k not in REQUIRED + OPTIONAL]
    if unknown:
        raise ValueError(f"unknown column role(s) {', '.join(unknown)}: use {', '.join(REQUIRED + OPTIONAL)}")
    return {name: given.get(name, name) for name in REQUIRED} | {
        name: given[name] for name in OPTIONAL if given.get(name)
    }


def _missing_columns(headers: list[str], mapping: Mapping[str, str], source: str) -> list[str]:
    """Mapped headers absent from the file (with the parameter to set and what was found) or mapped twice."""
    problems = []
    absent = [f"{header!r} (col_{role})" for role, header in mapping.items() if header not in headers]
    if absent:
        found = ", ".join(repr(h) for h in headers) or message("data.no_columns")
        problems.append(message("orders.missing_columns", source=source, absent=", ".join(absent), found=found))
    shared = pd.Series(list(mapping)).groupby(pd.Series(list(mapping.values()))).agg(list)
    problems += [
        message("orders.mapped_twice", source=source, header=repr(header), roles=", ".join(f"col_{r}" for r in roles))
        for header, roles in shared.items()
        if len(roles) > 1
    ]
    return problems


# ---------------------------------------------------------------- reading


def detect_encoding(path: str | Path) -> str:
    """'utf-8-sig', 'utf-8' or 'gb18030' (a superset of GBK) from the file's first megabyte; '' if none fits."""
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    return ""


def _header(path: Path, encoding: str) -> tuple[list[str], str]:
    """The header row's cells as written (BOM removed) and the delimiter (comma, or tab for tab-separated exports)."""
    with open(path, encoding=encoding, newline="") as handle:
        line = handle.readline()
    delimiter = "\t" if line.count("\t") > line.count(",") else ","
    cells = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    return [cell.lstrip("\ufeff") for cell in cells], delimiter


def read_export(
    path: str | Path,
    *,
    encoding: str = "auto",
    columns: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame | None, list[str]]:
    """The mapped columns of an export as text, renamed to their roles; or None and the reasons it cannot be read."""
    file, mapping = Path(path), _complete(columns)
    source = file.name
    if not file.is_file():
        return None, [message("orders.no_file", file=str(file))]
    if file.stat().st_size == 0:
        return None, [message("orders.empty_file", source=source)]
    if encoding not in ENCODINGS:
        return None, [
            message("orders.bad_encoding", source=source, encoding=repr(encoding), allowed=", ".join(ENCODINGS))
        ]
    chosen = detect_encoding(file) if encoding == "auto" else encoding
    if not chosen:
        return None, [message("orders.unknown_text", source=source)]
    try:
        raw_headers, delimiter = _header(file, chosen)
    except UnicodeDecodeError:
        return None, [message("orders.bad_header", source=source, encoding=chosen)]
    as_written = {cell.strip(): cell for cell in raw_headers}  # exports sometimes pad headers with spaces
    problems = _missing_columns(list(as_written), mapping, source)
    if problems:
        return None, problems
    try:
        table = pacsv.read_csv(
            file,
            read_options=pacsv.ReadOptions(encoding=_arrow_encoding(chosen), block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(raw_headers, pa.string()),
                include_columns=[as_written[header] for header in mapping.values()],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        return None, [message("orders.unreadable", source=source, encoding=chosen, error=_first_line(error))]
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    frame.columns = list(mapping)
    if frame.empty:
        return None, [message("orders.no_rows", source=source)]
    return frame, []


def _arrow_encoding(encoding: str) -> str:
    """pyarrow's name for an encoding: it skips a UTF-8 BOM itself and decodes others through Python codecs."""
    return "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


# ---------------------------------------------------------------- validation


def _text(values: pd.Series) -> pa.ChunkedArray:
    """The column as trimmed pyarrow text (numbers written out, missing cells as empty text)."""
    if isinstance(values.dtype, pd.ArrowDtype):  # read by pyarrow: no copy through Python objects
        array = values.array.__arrow_array__()
    else:
        array = pa.chunked_array([pa.array(values, from_pandas=True)])
    return pc.utf8_trim_whitespace(pc.fill_null(pc.cast(array, pa.string()), ""))


def parse_dates(text: pa.ChunkedArray) -> pd.Series:
    """Timestamps from 2023-01-05, 2023/1/5 9:05, 2023-01-05 13:45:10 or 2023年1月5日; NaT where not a real date.

    ISO text (most exports) goes through pandas' fast parser, the rest through the pattern. A time-zone suffix
    (Z, +08:00) is dropped: the shop's local clock time is kept.
    """
    if pc.any(pc.match_substring_regex(text, TIME_ZONE)).as_py():
        text = pc.replace_substring_regex(text, TIME_ZONE, r"\1")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # anything pandas is unsure about goes to the pattern instead
            parsed = pd.to_datetime(
                pd.Series(text.to_pandas(types_mapper=pd.ArrowDtype)), format="ISO8601", errors="coerce"
            )
        parsed = parsed.astype("datetime64[ns]")
    except (ValueError, TypeError, Warning):
        parsed = pd.Series(pd.NaT, index=range(len(text)), dtype="datetime64[ns]")
    rest = np.flatnonzero(parsed.isna().to_numpy() & pc.not_equal(text, "").to_numpy(zero_copy_only=False))
    if len(rest):
        parsed.iloc[rest] = _parse_pattern(text.take(pa.array(rest))).to_numpy()
    return parsed


def _parse_pattern(text: pa.ChunkedArray) -> pd.Series:
    """Timestamps from the date pattern (year, month, day and optional time), NaT where none or not a real date."""
    parts = pc.extract_regex(text, DATE_PATTERN)
    fields = {}
    for name in ("year", "month", "day", "hour", "minute", "second"):
        piece = pc.struct_field(parts, name)
        number = pc.cast(pc.if_else(pc.equal(piece, ""), None, piece), pa.float64()).to_numpy(zero_copy_only=False)
        fields[name] = number if name in ("year", "month", "day") else np.nan_to_num(number)
    valid = pc.is_valid(parts).to_numpy(zero_copy_only=False)
    for name in ("year", "month", "day"):
        fields[name] = np.where(valid, fields[name], np.nan)
    return pd.to_datetime(pd.DataFrame(fields), errors="coerce")


def parse_amounts(text: pa.ChunkedArray) -> np.ndarray:
    """Yuan amounts from '1,234.50', '¥99', '￥1 299.00元'; NaN where the text is not a number."""
    try:  # plain numbers throughout: one fast cast
        return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        pass
    clean = pc.replace_substring_regex(text, MONEY_NOISE, "")
    number = pc.match_substring_regex(clean, NUMBER_PATTERN)
    return pc.cast(pc.if_else(number, clean, None), pa.float64()).to_numpy(zero_copy_only=False)


def _excel_text(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Unwrap ="…" cells that Excel-oriented exports use to protect long numbers."""
    if not pc.any(pc.starts_with(text, "=")).as_py():
        return text
    return pc.replace_substring_regex(text, EXCEL_TEXT, r"\1")


def validate(
    raw: pd.DataFrame,
    source: str = "orders",
    headers: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Typed transactions from text columns named by role, and every problem found (empty when clean)."""
    names = dict(headers or {}) or {c: c for c in raw.columns}
    where = {role: message("data.where", source=source, column=repr(names.get(role, role))) for role in raw.columns}
    problems: list[str] = []
    typed_dates = pd.api.types.is_datetime64_any_dtype(raw["order_date"])
    text = {role: _text(raw[role]) for role in raw.columns if not (typed_dates and role == "order_date")}
    blank = {role: pc.equal(values, "").to_numpy(zero_copy_only=False) for role, values in text.items()}

    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    for role in ("order_id", "customer_id"):
        out[role] = pd.Series(pd.arrays.ArrowExtensionArray(_excel_text(text[role])), index=out.index)
        if blank[role].any():
            what = message(f"orders.{role}")
            problems.append(message("orders.empty_id", where=where[role], what=what, rows=rows_text(blank[role])))

    if typed_dates:  # an in-memory table (the demo shop): already timestamps, no round trip through text
        out["order_date"] = _clock_seconds(raw["order_date"])
        blank["order_date"] = out["order_date"].isna().to_numpy()
    else:
        out["order_date"] = parse_dates(text["order_date"]).to_numpy()
    problems += _bad_values(
        out["order_date"].isna().to_numpy(),
        blank["order_date"],
        raw["order_date"],
        where["order_date"],
        message("orders.not_a_date"),
    )
    out["amount"] = parse_amounts(text["amount"])
    problems += _bad_values(
        ~np.isfinite(out["amount"].to_numpy()),
        blank["amount"],
        raw["amount"],
        where["amount"],
        message("data.not_a_number"),
    )
    negative = out["amount"].to_numpy() < 0
    if negative.any():
        example = repr(raw["amount"].iloc[int(np.argmax(negative))])
        problems.append(message("orders.negative", where=where["amount"], rows=rows_text(negative), example=example))

    if "quantity" in raw.columns:
        quantity = parse_amounts(text["quantity"])
        bad = ~blank["quantity"] & (~np.isfinite(quantity) | (quantity < 0) | (quantity != np.round(quantity)))
        problems += _bad_values(
            bad,
            blank["quantity"],
            raw["quantity"],
            where["quantity"],
            message("orders.not_whole"),
            report_blank=False,
        )
        out["quantity"] = pd.array(np.where(blank["quantity"] | bad, np.nan, quantity), dtype="Int64")
    for role in ("channel", "sku", "city"):
        if role in raw.columns:
            out[role] = pd.Series(pd.arrays.ArrowExtensionArray(text[role]), index=out.index)
    problems += _duplicates(out, source)
    return out, problems


def _bad_values(
    bad: np.ndarray,
    blank: np.ndarray,
    raw: pd.Series,
    where: str,
    what: str,
    *,
    report_blank: bool = True,
) -> list[str]:
    """Problems for empty cells and for cells that do not parse (with the first offending text)."""
    problems = []
    if report_blank and blank.any():
        problems.append(message("data.empty_cells", where=where, rows=rows_text(blank)))
    wrong = bad & ~blank
    if wrong.any():
        example = repr(raw.iloc[int(np.argmax(wrong))])
        problems.append(message("data.bad_value", where=where, what=what, rows=rows_text(wrong), example=example))
    return problems


def _duplicates(out: pd.DataFrame, source: str) -> list[str]:
    """Rows that repeat an earlier row's order (order id, and SKU when the export has one row per item)."""
    key = ["order_id", "sku"] if "sku" in out.columns else ["order_id"]
    repeated = repeats_earlier_row([out[column].array.__arrow_array__() for column in key])
    repeated &= (out["order_id"] != "").to_numpy(dtype=bool)
    if not repeated.any():
        return []
    what = message("orders.same_order_sku" if len(key) == 2 else "orders.same_order")
    example = repr(str(out["order_id"].iloc[int(np.argmax(repeated))]))
    return [message("orders.duplicates", source=source, what=what, rows=rows_text(repeated), example=example)]


def repeats_earlier_row(keys: list[pa.ChunkedArray]) -> np.ndarray:
    """True for each row whose key (one or more text columns) already appeared in an earlier row."""
    key = keys[0] if len(keys) == 1 else pc.binary_join_element_wise(*keys, "\x1f")
    codes = pc.dictionary_encode(key).combine_chunks().indices.to_numpy(zero_copy_only=False)
    repeated = np.ones(len(codes), dtype=bool)
    repeated[np.unique(codes, return_index=True)[1]] = False
    return repeated


# ---------------------------------------------------------------- entry points


def check_transactions(
    path: str | Path,
    *,
    encoding: str = "auto",
    columns: Mapping[str, str] | None = None,
) -> list[str]:
    """Every problem in an order export (empty list when it can be used): the check behind `casebook check-data`."""
    return read_transactions(path, encoding, columns)[1]


def load_transactions(
    path: str | Path,
    *,
    encoding: str = "auto",
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The export as typed transactions (order_id, customer_id, order_date, amount, optional columns).

    Raises helpers.io.DataError listing every problem at once.
    """
    frame, problems = read_transactions(path, encoding, columns)
    if problems:
        raise DataError(problems)
    return frame


def from_frame(frame: pd.DataFrame, columns: Mapping[str, str] | None = None, source: str = "orders") -> pd.DataFrame:
    """Typed transactions from an in-memory table (e.g. the demo shop), with the same checks as a file."""
    mapping = _complete(columns)
    headers = [str(c) for c in frame.columns]
    problems = _missing_columns(headers, mapping, source)
    if not problems and frame.empty:
        problems = [message("data.table_no_rows", source=source)]
    if problems:
        raise DataError(problems)
    raw = frame.loc[:, list(mapping.values())].set_axis(list(mapping), axis=1).reset_index(drop=True)
    typed, problems = validate(raw, source, mapping)
    if problems:
        raise DataError(problems)
    return typed


def _clock_seconds(values: pd.Series) -> np.ndarray:
    """Typed timestamps as a parsed export would hold them: local clock time (a time zone dropped), whole seconds."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    return values.dt.floor("s").to_numpy(dtype="datetime64[ns]")


def read_transactions(
    path: str | Path,
    encoding: str,
    columns: Mapping[str, str] | None,
) -> tuple[pd.DataFrame, list[str]]:
    """The export read and checked: typed transactions and every problem found (both, so callers choose)."""
    mapping = _complete(columns)
    raw, problems = read_export(path, encoding=encoding, columns=mapping)
    if raw is None:
        return pd.DataFrame(columns=list(mapping)), problems
    return validate(raw, Path(path).name, mapping)
