"""`make bench`: how long generation and workbook runs take on this machine (figures printed, nothing asserted)."""

from __future__ import annotations

import importlib
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from helpers.app.runner import all_notebooks, execute
from helpers.workbooks.registry import CASES


def time_generators() -> None:
    """Seconds and rows for each case's generator at scale 1 and 5."""
    print(f"{'case':<16}{'scale':>6}{'orders':>10}{'seconds':>9}")
    for case in CASES:
        module = importlib.import_module(f"generators.{case}")
        for scale in (1.0, 5.0):
            started = time.perf_counter()
            tables = module.generate(replace(module.Config(), scale=scale))
            print(f"{case:<16}{scale:>6}{len(tables['orders']):>10,}{time.perf_counter() - started:>9.2f}")


def time_workbooks() -> None:
    """Seconds for one default run of each workbook (kernel start included)."""
    print(f"\n{'workbook':<40}{'seconds':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for path in all_notebooks():
            result = execute(path, {}, Path(tmp))
            status = f"{result.seconds:>9.1f}" if result.ok else f"  FAILED {result.error}"
            print(f"{path.stem:<40}{status}")


if __name__ == "__main__":
    time_generators()
    time_workbooks()
    for extra in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"\n{extra.stem}:")
        importlib.import_module(f"benchmarks.{extra.stem}").main()
