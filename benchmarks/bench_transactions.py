"""Benchmark: load and validate a 5-million-row order export; prints rows, seconds and peak memory.

The export (UTF-8 with BOM, times on every order, a tenth of the amounts with ¥ and thousands separators) is
written to a temporary folder by a child process, so this process's peak memory is the loading alone (plus
the interpreter and imports, measured before loading and printed too). Run by `make bench`, or directly:
`.venv/bin/python benchmarks/bench_transactions.py [ROWS]`.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = 5_000_000


def write_export(path: Path, rows: int, seed: int = 7) -> None:
    """A synthetic order export of `rows` rows: ids, buyers, payment times and amounts as an exporter writes them."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    customers = rng.integers(1, rows // 3 + 2, rows)
    seconds = np.sort(rng.integers(0, 730 * 86400, rows))
    stamps = (np.datetime64("2023-01-01T00:00:00") + seconds.astype("timedelta64[s]")).astype("datetime64[s]")
    amounts = np.round(rng.gamma(2.0, 80.0, rows) + 9.9, 2)
    text = pc.cast(pa.array(amounts), pa.string())
    fancy = rng.random(rows) < 0.1
    big = pc.if_else(
        pa.array(fancy & (amounts >= 1000)),
        pc.binary_join_element_wise(
            pc.cast(pa.array((amounts // 1000).astype(np.int64)), pa.string()),
            pc.utf8_slice_codeunits(pc.cast(pa.array(np.round(amounts % 1000 + 1000, 2)), pa.string()), 1),
            ",",
        ),
        text,
    )
    shown = pc.if_else(pa.array(fancy), pc.binary_join_element_wise("¥", big, ""), text)
    table = pa.table(
        {
            "order_id": pc.binary_join_element_wise(
                "O", pc.cast(pa.array(np.arange(rows) + 10_000_000), pa.string()), ""
            ),
            "customer_id": pc.binary_join_element_wise("C", pc.cast(pa.array(customers), pa.string()), ""),
            "order_date": pc.strftime(pa.array(stamps), format="%Y-%m-%d %H:%M:%S"),
            "amount": shown,
            "quantity": pc.cast(pa.array(1 + rng.poisson(0.4, rows)), pa.string()),
            "channel": pa.array(rng.choice(np.array(["Tmall", "JD", "Douyin"], dtype=object), rows)),
        }
    )
    with open(path, "wb") as handle:
        handle.write(b"\xef\xbb\xbf")
        pacsv.write_csv(table, handle)


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(rows: int = ROWS) -> None:
    """Write the export in a child process, then time `load_transactions` on it here."""
    with tempfile.TemporaryDirectory(prefix="casebook_bench_") as folder:
        path = Path(folder) / "orders_export.csv"
        code = f"from benchmarks.bench_transactions import write_export; write_export({str(path)!r}, {rows})"
        subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)
        from helpers.io.orders import load_transactions

        before = peak_mb()
        start = time.perf_counter()
        frame = load_transactions(path, columns={"quantity": "quantity", "channel": "channel"})
        seconds = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
    print(
        f"transactions: {len(frame):,} rows ({size_mb:,.0f} MB CSV) loaded and validated in {seconds:.1f} s; "
        f"peak memory {peak_mb():,.0f} MB (after imports {before:,.0f} MB)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS)
