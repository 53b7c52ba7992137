"""Timing helpers for `make bench`: a command's wall seconds and peak memory, figures set beside their anchors.

The machine may be shared, so absolute seconds are noisy: every figure is measured in the same run as its
anchor and reported as a ratio, which survives a steady load far better than the seconds themselves.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASEBOOK = [sys.executable, "-m", "helpers"]

# Runs the command, then prints the peak resident memory (kB) of the largest process it waited for and the
# CPU seconds (user + system) of all of them.
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(used.ru_maxrss, used.ru_utime + used.ru_stime)\n"
    "sys.exit(code)"
)


@dataclass(frozen=True)
class Measured:
    """One command's wall time, peak memory (the largest single process: the command or a child it waited
    for) and CPU time (all of them). On a shared machine CPU seconds vary far less with the load than wall
    seconds, so figures are given both ways."""

    seconds: float
    peak_mib: float
    cpu_seconds: float


def measure(command: list[str]) -> Measured:
    """Run `command` from the repository root in a fresh wrapper process; fail loudly if it fails."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"benchmark command failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-3000:]}")
    peak_kib, cpu = done.stdout.split()[-2:]
    return Measured(seconds, int(peak_kib) / 1024, float(cpu))


@dataclass(frozen=True)
class Figure:
    """A measured figure beside its anchor from the same run; `ratio` = value / anchor."""

    name: str
    value: float
    anchor_name: str
    anchor: float
    unit: str

    @property
    def ratio(self) -> float:
        return self.value / self.anchor if self.anchor else float("nan")

    def line(self) -> str:
        return (
            f"{self.name:<54} {self.value:>12,.1f} {self.unit:<4} vs {self.anchor_name:<34} "
            f"{self.anchor:>12,.1f}  = {self.ratio:6.2f}×"
        )

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": round(self.ratio, 4)}
