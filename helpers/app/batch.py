"""Instructor batches: a scenario file expands into many runs (parameter grid × trainees), run in parallel.

Scenario YAML (read with the safe loader):

    title: What if the subsidy stops?
    notebooks: [01_pinduoduo_group_buying]
    parameters: {scale: 0.2}            # shared by every run
    grid: {subsidy_rate: [0.0, 0.1]}    # every combination
    trainees: [Li Lei, Han Meimei]      # optional: one seed per trainee, derived from the name alone
    # seeds: [7, 8]                     # or: one run per seed, without names
    lang: zh                            # optional: en (default), zh or all; `casebook batch --lang` overrides

A run of the Chinese edition writes its reports into `<run>/zh/`; its summary rows name the workbook `zh/<stem>`.

A trainee's seed depends on the trainee's name only, so the same trainee gets the same data in every batch,
whatever the order of the list or who else is in it: the name is normalised to Unicode NFC (so "é" typed either
way is one name), encoded as UTF-8 and hashed with BLAKE2b (8-byte digest); the digest as a big-endian integer
modulo 2**31 is the seed (0 ≤ seed < 2 147 483 648). Two names that give the same seed (or the same name twice)
are refused before any run starts (see `trainee_seed`).

Every run of the scenario is validated before the first one starts; an invalid value anywhere is refused with
the run, the parameter, the value and what is allowed, and nothing is written. Each run is a separate
`casebook run` process in a temporary folder (here, or on a Dask worker: helpers.batch_dask) whose files come
back as bytes, so a failed run does not stop the others; it is marked failed with its reason. The batch is
built in a hidden staging folder beside the output folder and swapped in at the end, replacing the runs the
previous batch recorded in `batch.json`, so old and new results never mix.
`summary.csv` (with `summary.xlsx` beside it) has one row per run and workbook: run id, workbook, trainee, seed,
the scenario's parameters, status, seconds, the reason when failed and every scalar metric, numbers as numbers;
run ids and trainee names come from the scenario, so formula-like text is defused (helpers.spreadsheet).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from helpers.app import batch_report, console
from helpers.app.batch_dask import outputs_on_dask
from helpers.app.batch_report import ClassRun
from helpers.app.inputs import read_yaml_mapping
from helpers.app.runner import absolute_paths, headline, plan
from helpers.core.errors import ParameterError, UsageError
from helpers.core.messages import message
from helpers.core.paths import edition, edition_name, languages
from helpers.io.spreadsheet import write_for_excel
from helpers.io.tables import write_json, write_text
from helpers.notebook.files import PATTERN, all_notebooks, notebook_path
from helpers.notebook.params import read_spec
from helpers.notebook.record import read_metrics

KEYS = {"title", "notebooks", "parameters", "grid", "trainees", "seeds", "lang"}
SEED_RANGE = 2**31  # seeds are 0 … 2**31 - 1: valid for every workbook's `seed: int ≥ 0` and for numpy
MANIFEST = "batch.json"
SUMMARY_FILES = ("summary.csv", "summary.xlsx", "summary.html")
TEXT_COLUMNS = ("run", "workbook", "trainee", "status", "reason")
TIMING = re.compile(r" \(\d+(\.\d+)? s\)$")  # "(8.7 s)" at the end of a `casebook run` failure line


@dataclass(frozen=True)
class Run:
    """One run of a batch: its id (also its folder), who it is for, the grid setting and the full parameters."""

    run_id: str
    notebooks: tuple[str, ...]
    parameters: dict[str, Any]
    setting: dict[str, Any] = field(default_factory=dict)
    trainee: str | None = None
    seed: int | None = None
    lang: str = "en"  # the edition(s): en, zh or all


def trainee_seed(name: str) -> int:
    """The seed of a trainee: BLAKE2b (8 bytes) of the NFC-normalised UTF-8 name, modulo 2**31."""
    digest = hashlib.blake2b(unicodedata.normalize("NFC", name).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % SEED_RANGE


def load_scenario(path: str) -> dict[str, Any]:
    """Read and check a scenario file; unknown keys and wrong shapes are refused with the key named."""
    scenario = read_yaml_mapping(path, "scenario")
    unknown = set(scenario) - KEYS
    if unknown:
        keys, allowed = ", ".join(sorted(unknown)), ", ".join(sorted(KEYS))
        raise UsageError(message("errors.scenario.unknown_keys", path=path, keys=keys, allowed=allowed))
    for key in ("parameters", "grid"):
        if not isinstance(scenario.get(key, {}), dict):
            raise UsageError(message("errors.scenario.not_mapping", path=path, field=key))
    for name, values in scenario.get("grid", {}).items():
        if not isinstance(values, list) or not values:
            raise UsageError(message("errors.scenario.empty_grid", path=path, name=name))
    for key in ("notebooks", "trainees", "seeds"):
        if not isinstance(scenario.get(key, []), list):
            raise UsageError(message("errors.scenario.not_list", path=path, field=key))
    _check_people(path, scenario)
    try:
        languages(scenario.get("lang", "en"))
    except UsageError as error:
        raise UsageError(message("errors.scenario.lang", path=path, why=error)) from None
    return scenario


def _check_people(path: str, scenario: dict[str, Any]) -> None:
    """Trainees are distinct non-empty names with distinct seeds; `seeds` are distinct integers ≥ 0."""
    seed_given = "seed" in scenario.get("parameters", {}) or "seed" in scenario.get("grid", {})
    if seed_given and (scenario.get("trainees") or scenario.get("seeds")):
        raise UsageError(message("errors.scenario.seed_set_twice", path=path))
    if scenario.get("trainees") and scenario.get("seeds"):
        raise UsageError(message("errors.scenario.trainees_and_seeds", path=path))
    seen: dict[int, str] = {}
    for name in scenario.get("trainees", []):
        if not isinstance(name, str) or not name.strip():
            raise UsageError(message("errors.scenario.trainee_empty", path=path, name=repr(name)))
        seed = trainee_seed(name)
        if seed in seen:
            if unicodedata.normalize("NFC", seen[seed]) == unicodedata.normalize("NFC", name):
                raise UsageError(message("errors.scenario.trainee_twice", path=path, name=name))
            other = seen[seed]
            raise UsageError(message("errors.scenario.trainee_collision", path=path, name=name, seed=seed, other=other))
        seen[seed] = name
    seeds = scenario.get("seeds", [])
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_RANGE:
            raise UsageError(message("errors.scenario.seed_range", path=path, seed=repr(seed), last=SEED_RANGE - 1))
    if len(set(seeds)) != len(seeds):
        raise UsageError(message("errors.scenario.seeds_repeated", path=path, seeds=seeds))


def _slug(text: str) -> str:
    """A folder name: letters (any script), digits and . _ = - kept, everything else one underscore."""
    return re.sub(r"[^\w.=-]+", "_", text).strip("_.") or "run"


def _people(scenario: dict[str, Any]) -> list[tuple[str | None, int | None]]:
    """(trainee, seed) per person: from names, from `seeds`, or one run without either."""
    if scenario.get("trainees"):
        return [(name, trainee_seed(name)) for name in scenario["trainees"]]
    if scenario.get("seeds"):
        return [(None, seed) for seed in scenario["seeds"]]
    return [(None, None)]


def expand(scenario: dict[str, Any]) -> list[Run]:
    """Every run of the scenario: the grid's combinations, each once per trainee or seed (or once if none).

    Run ids are the trainee (or seed) and the grid setting, slugged; two runs with one id are refused.
    """
    grid = scenario.get("grid", {})
    base = scenario.get("parameters", {})
    notebooks = tuple(scenario.get("notebooks", []))
    runs: dict[str, Run] = {}
    for combo in itertools.product(*grid.values()):
        setting = dict(zip(grid, combo, strict=True))
        for trainee, seed in _people(scenario):
            parameters = {**base, **setting}
            label = [f"{k}={v}" for k, v in setting.items()]
            if seed is not None:
                parameters["seed"] = seed
                label.insert(0, trainee if trainee is not None else f"seed={seed}")
            run_id = _slug("__".join(label) or "default")
            run = Run(run_id, notebooks, parameters, setting, trainee, seed, scenario.get("lang", "en"))
            if run.run_id in runs:
                first = runs[run.run_id].trainee
                raise UsageError(message("errors.scenario.same_folder", first=first, second=trainee, folder=run.run_id))
            runs[run.run_id] = run
    return list(runs.values())


def validate(runs: list[Run]) -> None:
    """Check every run's parameters before any starts; the error names the run."""
    for run in runs:
        try:
            for lang in languages(run.lang):
                plan(run.notebooks, run.parameters, lang)
        except ParameterError as error:
            raise ParameterError(message("errors.scenario.run", run=run.run_id, why=error)) from None


@dataclass(frozen=True)
class RunOutput:
    """What a run sends back to the machine that started the batch: outcome and every file, as bytes."""

    run_id: str
    code: int
    reason: str
    seconds: float
    files: dict[str, bytes]


def execute_run(run: Run, parameters: dict[str, Any], timeout: int) -> RunOutput:
    """Run one batch run as a `casebook run` process in a temporary folder and return its files as bytes.

    It runs wherever it is called — here or on a Dask worker — and needs no disk shared with the caller;
    `parameters` are the run's with file paths already made absolute by the caller. Hidden files (locks,
    staging leftovers) are not returned.
    """
    with tempfile.TemporaryDirectory(prefix="casebook-run-") as tmp:
        folder = Path(tmp) / "run"
        command = [
            sys.executable,
            "-m",
            "helpers",
            "run",
            *run.notebooks,
            "--out",
            str(folder),
            "--execution-timeout",
            str(timeout),
            "--jobs",
            "1",
            "--lang",
            run.lang,
        ]  # the batch's --jobs already fills the cores
        for name, value in parameters.items():
            command += ["-p", name, str(value)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        files = {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(folder).parts)
        }
    problems = [line for line in done.stderr.splitlines() if "FAILED" in line or line.startswith("casebook:")]
    reason = problems[-1] if problems else (f"exit code {done.returncode}" if done.returncode else "")
    reason = TIMING.sub("", reason)  # the time is in its own column; the reason stays the same on a re-run
    return RunOutput(run.run_id, done.returncode, reason, seconds, files)


def _store(output: RunOutput, stage: Path) -> None:
    """Write a run's returned files into its folder of the staging area (a run that wrote nothing: empty)."""
    (stage / output.run_id).mkdir()
    for name, data in output.files.items():
        target = stage / output.run_id / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _outputs_locally(runs: list[Run], timeout: int, jobs: int) -> Iterator[RunOutput]:
    """Execute the runs in `jobs` parallel processes on this machine, yielding each as it finishes."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(execute_run, run, absolute_paths(run.parameters), timeout) for run in runs]
        for future in as_completed(futures):
            yield future.result()


def run_batch(
    scenario: dict[str, Any], out: Path, *, jobs: int = 1, timeout: int = 600, scheduler: str | None = None
) -> pd.DataFrame:
    """Validate every run first, then execute them (`jobs` at a time, or on a Dask cluster); write the summary.

    `scheduler` is a Dask scheduler address, or "local" for a local cluster of `jobs` worker processes.
    """
    runs = expand(scenario)
    validate(runs)
    if scheduler:
        outputs = outputs_on_dask(execute_run, runs, timeout, scheduler, jobs)
    else:
        outputs = _outputs_locally(runs, timeout, jobs)
    with _staging(out) as stage:
        outcomes = {}
        for output in tqdm(outputs, total=len(runs), desc="runs", unit="run"):
            _store(output, stage)
            outcomes[output.run_id] = (output.code, output.reason, output.seconds)
        rows = [row for run in runs for row in _summary_rows(run, *outcomes[run.run_id], stage / run.run_id)]
        summary = summary_table(rows, runs)
        reviews = {(row["run"], row["workbook"]): row["review"] for row in rows}
        write_summary(scenario, summary, runs, reviews, stage)
        write_json(stage / MANIFEST, {"runs": [run.run_id for run in runs], "files": list(SUMMARY_FILES)})
    print("\n".join(console_lines(summary)))
    return summary


def console_lines(summary: pd.DataFrame) -> list[str]:
    """The summary on the terminal: run, workbook, status, then the headline metrics by their labels (current
    language) or why the run failed, wrapped to the terminal's width. Every metric is in summary.csv."""
    rows = [[message(f"cli.summary.{key}") for key in ("run", "workbook", "status", "metrics")]]
    for record in summary.to_dict("records"):
        ok = record["status"] == "ok"
        stem = record["workbook"].rpartition("/")[2]
        figures = "; ".join(f"{n}: {v}" for n, v in headline(stem, record)) if ok else record["reason"]
        rows.append([record["run"], record["workbook"], message(f"cli.summary.{'ok' if ok else 'failed'}"), figures])
    return console.table(rows)


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A fresh hidden folder beside `out` for the whole batch, swapped into `out` when the block ends well.

    The swap removes what the previous batch recorded in `out/batch.json` (and any entry the new batch is
    about to write), then moves the new entries in; other files in `out` are left alone. On an error or an
    interrupt the staging folder is removed and `out` is untouched.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        yield stage
        out.mkdir(exist_ok=True)
        old = out / MANIFEST
        previous = json.loads(old.read_text(encoding="utf-8")) if old.exists() else {}
        stale = {*previous.get("runs", []), *previous.get("files", []), *(p.name for p in stage.iterdir())}
        for name in sorted(stale):
            target = out / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
        for item in sorted(stage.iterdir(), key=lambda p: p.name == MANIFEST):  # the manifest last
            os.replace(item, out / item.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


def _summary_rows(run: Run, code: int, reason: str, seconds: float, folder: Path) -> list[dict[str, Any]]:
    """One row per workbook the run executed, plus a failed row when the run did not finish."""
    head = {"run": run.run_id, "trainee": run.trainee or "", "seed": run.seed}
    executed = [(lang, path) for lang in languages(run.lang) for path in sorted(edition(folder, lang).glob(PATTERN))]
    rows = []
    for lang, path in executed:
        recorded = read_metrics(path)
        metrics = {k: v for k, v in recorded.items() if _scalar(v)}
        rows.append(
            {
                **head,
                "workbook": edition_name(lang, path.stem),
                "status": "ok",
                "seconds": round(seconds, 1),
                "reason": "",
                "metrics": metrics,
                "review": recorded.get("review", []),
            }
        )
    if code != 0:
        done = {(lang, path.stem) for lang, path in executed}
        wanted = [
            (lang, path.stem)
            for lang in languages(run.lang)
            for path in ([notebook_path(n, lang) for n in run.notebooks] if run.notebooks else all_notebooks(lang))
        ]
        missing = ",".join(edition_name(*key) for key in wanted if key not in done) or "(others)"
        rows.append(
            {
                **head,
                "workbook": missing,
                "status": "failed",
                "seconds": round(seconds, 1),
                "reason": reason,
                "metrics": {},
                "review": [],
            }
        )
    return rows


def _default_seed(stem: str) -> int | None:
    """The seed a workbook uses when the scenario sets none (its parameters cell's default)."""
    try:
        return read_spec(notebook_path(stem)).defaults().get("seed")
    except (ParameterError, OSError):
        return None


def summary_table(rows: list[dict[str, Any]], runs: list[Run]) -> pd.DataFrame:
    """The summary as a table: identity, every scenario parameter, status, seconds, reason, scalar metrics.

    Parameters and metrics keep their types, so numbers sort as numbers; a metric named like one of the
    other columns gets the suffix " (metric)".
    """
    parameters = list(dict.fromkeys(name for run in runs for name in run.parameters if name != "seed"))
    fixed = ["run", "workbook", "trainee", "seed", *parameters, "status", "seconds", "reason"]
    by_id = {run.run_id: run for run in runs}
    records = []
    for row in rows:
        record = {name: row[name] for name in ("run", "workbook", "trainee", "seed")}
        if record["seed"] is None:
            record["seed"] = by_id[row["run"]].parameters.get("seed", _default_seed(row["workbook"]))
        record.update({name: by_id[row["run"]].parameters.get(name) for name in parameters})
        record.update({name: row[name] for name in ("status", "seconds", "reason")})
        record.update({(f"{k} (metric)" if k in fixed else k): v for k, v in row["metrics"].items()})
        records.append(record)
    table = pd.DataFrame(records)
    return table[fixed + [c for c in table.columns if c not in fixed]]


def write_summary(
    scenario: dict[str, Any],
    summary: pd.DataFrame,
    runs: list[Run],
    reviews: dict[tuple[str, str], list[dict[str, Any]]],
    folder: Path,
) -> None:
    """summary.csv (UTF-8 with BOM, defused), summary.xlsx and the class page summary.html into `folder`."""
    write_for_excel(summary, folder / "summary.csv", text_columns=TEXT_COLUMNS)
    people = [
        ClassRun(run.run_id, run.trainee or (f"seed={run.seed}" if run.seed is not None else ""), run.setting)
        for run in runs
    ]
    title = str(scenario.get("title", "Casebook batch"))
    write_text(folder / "summary.html", batch_report.render(title, summary, people, reviews))
