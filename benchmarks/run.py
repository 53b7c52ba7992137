"""`make bench`: every figure beside its anchor measured in the same run, printed as ratios and saved as JSON.

Figures (each a separate process, timed from outside, so start-up is included alike on both sides):
- each generator's marginal order rows/s (`--orders 100000` → `--orders 1000000`, parquet; the median of the
  differences of seven pairs) vs a per-row Faker zh_CN baseline (name, city, date, amount made one row at a
  time), run before each pair (the median of those seven);
- the collection (both editions, as `make run` executes it) sequentially vs as many bare notebooks that only
  import the stack and export HTML (the floor);
- the collection with `--jobs 2` vs sequentially;
- each case workbook at its largest `scale` vs its default (time and peak memory);
- with --big (`make bench BIG=1`): workbook 04 on a 5M-row order export (loading + validation, end to end)
  vs its default run, and `generate --orders 10000000 --format parquet` (peak memory vs the 4 GiB bound);
- `--only SECTION…` measures just those sections.
Nothing is asserted: timings depend on the machine and its load. Writes `output/bench/bench.json` (or --out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from benchmarks.measure import CASEBOOK, Figure, measure
from helpers.io.tables import write_json
from helpers.notebook.params import read_spec
from helpers.workbooks.cases import CASES, generator

FAKER_ROWS = 20_000
SMALL, LARGE = 100_000, 1_000_000
REPEATS = 7  # pairs of generator sizes, each after a run of the Faker anchor: medians (start-up noise is ±0.4 s)
EXPORT_ROWS = 5_000_000
HUGE_ORDERS = 10_000_000
CASE_WORKBOOKS = (
    "01_pinduoduo_group_buying",
    "02_jd_logistics_membership",
    "03_perfect_diary_kol_private_domain",
    "04_your_shop_review",
)
STACK = (
    "import numpy, pandas, matplotlib.pyplot, scipy.stats\nfrom helpers.core import fmt\n"
    "from helpers.notebook import plots, record, review, story"
)


def faker_rows_per_second(rows: int = FAKER_ROWS) -> tuple[float, float]:
    """Rows per wall second and per CPU second of the naive way: Faker zh_CN making name, city, date and amount
    one row at a time."""
    from faker import Faker

    Faker.seed(1)
    fake = Faker("zh_CN")
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(rows):
        (
            fake.name(),
            fake.city(),
            fake.date_between("-2y", "today"),
            fake.pyfloat(min_value=1, max_value=5000, right_digits=2),
        )
    return rows / (time.perf_counter() - started), rows / (time.process_time() - cpu)


def _order_rows(folder: Path) -> int:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["tables"]["orders"]["rows"]


def generator_figures(tmp: Path) -> list[Figure]:
    """Marginal order rows per wall and per CPU second of each generator from SMALL to LARGE orders (parquet),
    against the Faker baseline measured beside it: REPEATS times, the baseline and then the two sizes back to
    back; the figure is the median of the pairs' differences, the anchor the median of the baselines run among
    them (the machine's speed drifts by a third within minutes, so an anchor measured once at the start of the
    run does not stand for the later generator runs)."""
    figures = []
    for case in CASES:
        pairs, baselines = [], []
        for _ in range(REPEATS):
            baselines.append(faker_rows_per_second())
            runs = {}
            for orders in (SMALL, LARGE):
                folder = tmp / f"{case}-{orders}"
                command = [*CASEBOOK, "generate", case, "--orders", str(orders), "--format", "parquet"]
                runs[orders] = measure([*command, "--out", str(folder)])
            pairs.append(runs)
        added = _order_rows(tmp / f"{case}-{LARGE}") - _order_rows(tmp / f"{case}-{SMALL}")
        wall = statistics.median(p[LARGE].seconds - p[SMALL].seconds for p in pairs)
        cpu = statistics.median(p[LARGE].cpu_seconds - p[SMALL].cpu_seconds for p in pairs)
        figures += [
            Figure(
                f"generator {case}: marginal order rows/s",
                added / wall,
                "Faker zh_CN, one row at a time",
                statistics.median(b[0] for b in baselines),
                "rows/s",
            ),
            Figure(
                f"generator {case}: marginal rows/CPU-s",
                added / cpu,
                "Faker zh_CN, rows/CPU-s",
                statistics.median(b[1] for b in baselines),
                "rows/s",
            ),
        ]
    return figures


def bare_notebooks(folder: Path, count: int = 5) -> list[str]:
    """`count` notebooks that only import the stack (the floor of a run: kernel start, imports, HTML export)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        cell = nbformat.v4.new_code_cell("seed: int = 1  # unused, ≥ 0")
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell, nbformat.v4.new_code_cell(STACK)]
        path = folder / f"0{i}_bare.ipynb"
        nbformat.write(nb, path)
        paths.append(str(path))
    return paths


def collection_figures(tmp: Path) -> list[Figure]:
    """The collection (both editions, as `make run` runs it) sequentially vs the bare floor, and with --jobs 2 vs
    sequentially."""
    bare = bare_notebooks(tmp / "bare", count=2 * len(CASE_WORKBOOKS) + 2)
    floor = measure([*CASEBOOK, "run", *bare, "--jobs", "1", "--out", str(tmp / "floor")])
    both = ["--lang", "all"]
    sequential = measure([*CASEBOOK, "run", *both, "--jobs", "1", "--out", str(tmp / "sequential")])
    parallel = measure([*CASEBOOK, "run", *both, "--jobs", "2", "--out", str(tmp / "parallel")])
    anchor = f"{len(bare)} bare notebooks"
    return [
        Figure("collection, sequential (s)", sequential.seconds, f"{anchor}, sequential (s)", floor.seconds, "s"),
        Figure("collection, sequential (CPU s)", sequential.cpu_seconds, f"{anchor} (CPU s)", floor.cpu_seconds, "s"),
        Figure("collection, --jobs 2 (s)", parallel.seconds, "collection, sequential (s)", sequential.seconds, "s"),
    ]


def scale_figures(tmp: Path) -> list[Figure]:
    """Each case workbook at the largest `scale` its parameters cell allows vs its default: time and peak memory."""
    figures = []
    for stem in CASE_WORKBOOKS:
        largest = read_spec(stem).params["scale"].high
        default = measure([*CASEBOOK, "run", stem, "--out", str(tmp / f"{stem}-default")])
        large = measure([*CASEBOOK, "run", stem, "-p", "scale", str(largest), "--out", str(tmp / f"{stem}-large")])
        figures += [
            Figure(f"{stem} scale {largest:g} (s)", large.seconds, "default scale (s)", default.seconds, "s"),
            Figure(
                f"{stem} scale {largest:g} (CPU s)",
                large.cpu_seconds,
                "default scale (CPU s)",
                default.cpu_seconds,
                "s",
            ),
            Figure(
                f"{stem} scale {largest:g} peak (MiB)",
                large.peak_mib,
                "default scale peak (MiB)",
                default.peak_mib,
                "MiB",
            ),
        ]
    return figures


def export_figures(tmp: Path, rows: int = EXPORT_ROWS) -> list[Figure]:
    """Workbook 04 on a `rows`-row order export: loading + validation (check-data) and end to end, vs its default."""
    import subprocess
    import sys

    from benchmarks.measure import ROOT

    export = tmp / "orders_export.csv"
    code = f"from benchmarks.bench_transactions import write_export; write_export({str(export)!r}, {rows})"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    columns = ["-p", "col_quantity", "quantity", "-p", "col_channel", "channel"]
    default = measure([*CASEBOOK, "run", "04_your_shop_review", "--out", str(tmp / "04-default")])
    checked = measure([*CASEBOOK, "check-data", "your_shop", str(export), *columns])
    full = measure(
        [
            *CASEBOOK,
            "run",
            "04_your_shop_review",
            "-p",
            "transactions_csv",
            str(export),
            *columns,
            "--out",
            str(tmp / "04-export"),
        ]
    )
    label = f"04 on a {rows / 1e6:g}M-row export"
    return [
        Figure(f"{label}: load + validate (s)", checked.seconds, "04 default run (s)", default.seconds, "s"),
        Figure(
            f"{label}: load + validate peak (MiB)",
            checked.peak_mib,
            "04 default run peak (MiB)",
            default.peak_mib,
            "MiB",
        ),
        Figure(
            f"{label}: load + validate (CPU s)", checked.cpu_seconds, "04 default run (CPU s)", default.cpu_seconds, "s"
        ),
        Figure(f"{label}: end to end (s)", full.seconds, "04 default run (s)", default.seconds, "s"),
        Figure(f"{label}: end to end (CPU s)", full.cpu_seconds, "04 default run (CPU s)", default.cpu_seconds, "s"),
        Figure(f"{label}: end to end peak (MiB)", full.peak_mib, "04 default run peak (MiB)", default.peak_mib, "MiB"),
    ]


def huge_figures(tmp: Path, orders: int = HUGE_ORDERS) -> list[Figure]:
    """`generate --orders 10000000 --format parquet` for the cases that write month by month: peak memory
    against the 4 GiB bound, and time against the 1M-order run of the same case."""
    figures = []
    for case in CASES:
        if not hasattr(generator(case), "generate_in_chunks"):
            continue
        command = [*CASEBOOK, "generate", case, "--format", "parquet"]
        large = measure([*command, "--orders", str(LARGE), "--out", str(tmp / f"{case}-large")])
        huge = measure([*command, "--orders", str(orders), "--out", str(tmp / f"{case}-huge")])
        label = f"generate {case} {orders / 1e6:g}M orders"
        figures += [
            Figure(f"{label} (s)", huge.seconds, f"{LARGE / 1e6:g}M orders (s)", large.seconds, "s"),
            Figure(f"{label} peak (MiB)", huge.peak_mib, "the 4 GiB bound (MiB)", 4096, "MiB"),
        ]
    return figures


def machine() -> dict[str, object]:
    """What the figures were measured on, with the load (the machine may be shared)."""
    import psutil

    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),
    }


SECTIONS = ("generators", "collection", "scale", "export", "huge")
HEAVY = ("export", "huge")  # minutes and gigabytes: only with --big (make bench BIG=1)


def main(argv: list[str] | None = None) -> None:
    """Measure every section, print each figure beside its anchor, write bench.json."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="output/bench", help="folder for bench.json (default output/bench)")
    parser.add_argument("--big", action="store_true", help="also the heavy sections: " + ", ".join(HEAVY))
    parser.add_argument(
        "--only", nargs="+", choices=SECTIONS, metavar="SECTION", help=f"measure only these ({', '.join(SECTIONS)})"
    )
    args = parser.parse_args(argv)
    chosen = args.only or [s for s in SECTIONS if args.big or s not in HEAVY]
    about = machine()
    print(f"machine: {about}")
    target = Path(args.out) / "bench.json"
    figures = []
    with tempfile.TemporaryDirectory(prefix="casebook_bench_") as folder:
        tmp = Path(folder)
        sections = {
            "generators": lambda: generator_figures(tmp),
            "collection": lambda: collection_figures(tmp),
            "scale": lambda: scale_figures(tmp),
            "export": lambda: export_figures(tmp),
            "huge": lambda: huge_figures(tmp),
        }
        for name in chosen:
            for figure in sections[name]():
                print(figure.line(), flush=True)
                figures.append(figure)
            about["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
            write_json(target, {"machine": about, "figures": [f.as_json() for f in figures]})  # kept if stopped
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
