"""Instructor batches: a scenario file expands into many runs (parameter grid × trainees), run in parallel.

Scenario YAML (read with the safe loader):

    title: What if the subsidy stops?
    notebooks: [01_pinduoduo_group_buying]
    parameters: {scale: 0.2}            # shared by every run
    grid: {subsidy_rate: [0.0, 0.1]}    # every combination
    trainees: [Li Lei, Han Meimei]      # optional: one seed per trainee (seed_base + position)
    seed_base: 100

Each run is a separate `casebook run` process into its own folder, so a failed run does not stop the others;
`summary.csv` (with `summary.xlsx` beside it) and `summary.html` compare the headline metrics of every run; run
names carry trainee names, so the CSV's formula-like text is defused (helpers.spreadsheet).
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from helpers.io import write_text
from helpers.record import read_metrics
from helpers.runner import headline, plan
from helpers.spreadsheet import write_for_excel

KEYS = {"title", "notebooks", "parameters", "grid", "trainees", "seed_base"}


@dataclass(frozen=True)
class Run:
    """One run of a batch: a name, the notebooks and the full parameter set."""

    name: str
    notebooks: tuple[str, ...]
    parameters: dict[str, Any]


def load_scenario(path: str) -> dict[str, Any]:
    """Read and check a scenario file; unknown keys and wrong shapes are refused with the key named."""
    from helpers.cli import UsageError, read_yaml_mapping

    scenario = read_yaml_mapping(path, "scenario file")
    unknown = set(scenario) - KEYS
    if unknown:
        raise UsageError(
            f"scenario '{path}': unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(KEYS))}"
        )
    for key in ("parameters", "grid"):
        if not isinstance(scenario.get(key, {}), dict):
            raise UsageError(f"scenario '{path}': '{key}' must be a mapping of name: value")
    for name, values in scenario.get("grid", {}).items():
        if not isinstance(values, list) or not values:
            raise UsageError(f"scenario '{path}': grid '{name}' must be a non-empty list of values")
    for key in ("notebooks", "trainees"):
        if not isinstance(scenario.get(key, []), list):
            raise UsageError(f"scenario '{path}': '{key}' must be a list")
    return scenario


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._=-]+", "_", text).strip("_") or "run"


def expand(scenario: dict[str, Any]) -> list[Run]:
    """Every run of the scenario: the grid's combinations, each once per trainee (or once if none)."""
    grid = scenario.get("grid", {})
    trainees = scenario.get("trainees") or [None]
    base = scenario.get("parameters", {})
    notebooks = tuple(scenario.get("notebooks", []))
    runs = []
    for combo in itertools.product(*grid.values()):
        setting = dict(zip(grid, combo, strict=True))
        for position, trainee in enumerate(trainees):
            parameters = {**base, **setting}
            label = [f"{k}={v}" for k, v in setting.items()]
            if trainee is not None:
                parameters["seed"] = int(scenario.get("seed_base", 1)) + position
                label.insert(0, str(trainee))
            runs.append(Run(_slug("__".join(label) or "default"), notebooks, parameters))
    return runs


def _execute(run: Run, out: Path, timeout: int) -> tuple[Run, int, str]:
    command = [sys.executable, "-m", "helpers.cli", "run", *run.notebooks, "--out", str(out / run.name),
               "--execution-timeout", str(timeout), "--jobs", "1"]  # the batch's --jobs already fills the cores
    for name, value in run.parameters.items():
        command += ["-p", name, str(value)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    problems = [line for line in done.stderr.splitlines() if "FAILED" in line or line.startswith("casebook:")]
    return run, done.returncode, problems[-1] if problems else ""


def run_batch(scenario: dict[str, Any], out: Path, *, jobs: int = 1, timeout: int = 600) -> pd.DataFrame:
    """Validate every run first, then execute them `jobs` at a time; returns and writes the summary table."""
    runs = expand(scenario)
    for run in runs:
        plan(run.notebooks, run.parameters)
    rows = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_execute, run, out, timeout) for run in runs]
        for future in tqdm(as_completed(futures), total=len(futures), desc="runs", unit="run"):
            run, code, message = future.result()
            rows += _summary_rows(run, code, message, out / run.name)
    summary = pd.DataFrame(rows).sort_values(["run", "workbook"]).reset_index(drop=True)
    write_for_excel(summary, out / "summary.csv", text_columns=["run", "workbook", "status", "detail"])
    write_text(out / "summary.html", _summary_html(scenario, summary))
    print(summary.to_string(index=False))
    return summary


def _summary_rows(run: Run, code: int, message: str, folder: Path) -> list[dict[str, Any]]:
    executed = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if code != 0 and not executed:
        return [{"run": run.name, "workbook": ",".join(run.notebooks) or "all", "status": "failed", "detail": message}]
    rows = []
    for path in executed:
        row = {"run": run.name, "workbook": path.stem, "status": "ok", "detail": ""}
        row.update(dict(headline(path.stem, read_metrics(path))))
        rows.append(row)
    if code != 0:
        rows.append({"run": run.name, "workbook": "(others)", "status": "failed", "detail": message})
    return rows


def _summary_html(scenario: dict[str, Any], summary: pd.DataFrame) -> str:
    title = html.escape(str(scenario.get("title", "Casebook batch")))
    table = summary.fillna("").to_html(index=False, escape=True, border=0)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1>{table}</body></html>\n")
