"""Execute workbooks with papermill, export HTML, collect metrics — all-or-nothing per workbook.

A run stages everything in a hidden folder inside its output folder and renames the finished files into place,
so a refused, failed, timed-out or interrupted run leaves nothing behind. A workbook that writes files declares
the parameter `output_dir`; the runner sets it to the staging folder, so those files land beside the report
(an empty `output_dir`, as in JupyterLab, means `output/lab/<notebook>/` at the repository root). `metrics.json`
and `index.html` are merged under a file lock (kept in the system's temporary folder, not in the output
folder), so two runs into the same folder at once do not overwrite each other's entries.

Editions: `run(..., langs=("en", "zh"))` runs each chosen workbook of each edition. A Chinese workbook runs in
`notebooks/zh/` (its kernel knows its language from that folder) and writes into the `zh/` sub-folder of the
output folder, with its own `metrics.json`; the one `index.html` at the top links the reports of both editions
and says which parameters each used.

One folder, one set of parameters: a run is refused (exit code 2, before any kernel starts) when the folder
already holds a report of another workbook that was run with other values for a parameter this run sets or
leaves at its default — so an index never silently mixes, say, seed 3 beside seed 4. A report the run replaces
(the same workbook and edition) does not count. Run into another `--out`, or empty the folder, to compare
parameter sets (an instructor's `casebook batch` gives each run its own folder).

`run(..., jobs=N)` executes up to N workbooks at once, each in its own worker process (papermill's kernel is a
further process). The default, `default_jobs`, is the number of usable cores, capped by the available memory at
`MEMORY_PER_WORKBOOK` each and by the number of workbooks. The files, `metrics.json` (keys sorted) and
`index.html` (rows sorted) are the same as a sequential run's; results come back in notebook order.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from filelock import FileLock
from jinja2 import DictLoader

from helpers.app.datasets import check_data
from helpers.app.formulas import draw_formulas
from helpers.app.pages import render
from helpers.core import fmt, language
from helpers.core.errors import DataError, ParameterError, UsageError
from helpers.core.messages import label, message
from helpers.core.paths import EDITIONS, edition, edition_dir, edition_name
from helpers.io.tables import write_json, write_text
from helpers.notebook.exercises import exercise_cells
from helpers.notebook.files import all_notebooks, notebook_path, title
from helpers.notebook.params import Spec, read_spec, unknown_parameter
from helpers.notebook.record import MIME, metrics_from_cells
from helpers.workbooks.registry import cross_check, workbook

DEFAULT_TIMEOUT = 600
OUTPUT_PARAMETER = "output_dir"
PATH_SUFFIXES = ("_dir", "_csv", "_path")
MEMORY_PER_WORKBOOK = 1 << 30  # bytes one workbook may use at once: kernel + HTML export, with head-room
Job = tuple[str, Path, dict[str, Any]]  # a workbook to run: edition, notebook file, its validated parameters


class RunFailed(RuntimeError):
    """A workbook that started but did not finish: the error says which cell failed and why."""


@dataclass
class RunResult:
    """What one workbook run produced."""

    notebook: str
    parameters: dict[str, Any]
    seconds: float
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    lang: str = "en"
    title: str | None = None  # the notebook's own heading, in its language

    @property
    def ok(self) -> bool:
        return not self.error


def plan(names: Sequence[str], values: Mapping[str, Any], lang: str = "en") -> dict[Path, dict[str, Any]]:
    """Validate parameters for the chosen notebooks of edition `lang` before any kernel starts.

    A value applies to every chosen notebook that declares it; a name that none declares is an error
    (with a "did you mean"), as is any value outside its range or a broken cross-parameter rule.
    """
    paths = [notebook_path(n, lang) for n in names] if names else all_notebooks(lang)
    specs: dict[Path, Spec] = {p: read_spec(p, lang) for p in paths}
    known = sorted({name for spec in specs.values() for name in spec.params} - {OUTPUT_PARAMETER})
    for name, value in values.items():
        if name == OUTPUT_PARAMETER:
            raise ParameterError(message("errors.parameter.set_by_runner", name=name, value=repr(value)))
        if name not in known:
            where = paths[0].stem if len(paths) == 1 else message("errors.parameter.chosen_workbooks")
            raise unknown_parameter(name, value, known, where)
    chosen = {}
    for path, spec in specs.items():
        mine = absolute_paths(spec.validate({k: v for k, v in values.items() if k in spec.params}))
        cross_check(spec.notebook, {**spec.defaults(), **mine})
        chosen[path] = mine
    problems = [problem for path, mine in chosen.items() for problem in data_problems(path.stem, mine)]
    if problems:
        raise DataError(problems)
    return chosen


def data_problems(stem: str, values: Mapping[str, Any]) -> list[str]:
    """Every problem in the user's data a workbook would load (`data_dir`, or workbook 04's `transactions_csv`).

    Checked before any kernel starts, so invalid data is refused like a bad parameter, all problems at once.
    """
    entry = workbook(stem)
    if entry is None or entry.case is None:
        return []
    for name in ("data_dir", "transactions_csv"):
        if values.get(name):
            export = {k: v for k, v in values.items() if k.startswith("col_") or k == "encoding"}
            problems, _ = check_data(entry.case, Path(values[name]), export if name == "transactions_csv" else {})
            return [f"{stem}: {problem}" for problem in problems]
    return []


def absolute_paths(values: Mapping[str, Any]) -> dict[str, Any]:
    """File and folder parameters (`*_dir`, `*_csv`, `*_path`) resolved from the caller's working folder.

    The kernel runs inside notebooks/, so a relative path would otherwise point somewhere else.
    """
    return {
        k: str(Path(v).expanduser().resolve()) if k.endswith(PATH_SUFFIXES) and isinstance(v, str) and v else v
        for k, v in values.items()
    }


def _lock(folder: Path) -> FileLock:
    """The output folder's lock: a file named after the folder in the system's temporary folder (any OS)."""
    key = hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:20]
    return FileLock(Path(tempfile.gettempdir()) / f"casebook-{key}.lock")


def error_text(error: BaseException, timeout: int) -> str:
    """One line saying why a run stopped: the cell and its error, a timeout or a dead kernel."""
    name = type(error).__name__
    if name == "CellTimeoutError" or "timed out" in str(error).lower():
        return f"timed out: a cell ran longer than --execution-timeout {timeout} s"
    if name == "PapermillExecutionError":
        cell = getattr(error, "exec_count", "?")
        return f"cell {cell} raised {error.ename}: {error.evalue}"  # type: ignore[attr-defined]
    if name == "DeadKernelError":
        return "the kernel died (out of memory or killed)"
    return f"{name}: {error}"


def run_papermill(path: Path, executed: Path, parameters: Mapping[str, Any], timeout: int, lang: str = "en") -> None:
    """Execute `path` into `executed` with papermill, a kernel process running in the edition's notebooks folder
    (which tells it its language), `timeout` s a cell.

    Raises what papermill raises when a cell fails (after saving `executed` with the outputs so far).
    """
    import papermill  # lazy: ~3 s to import; `casebook list`, `generate` and `--help` should not wait for it

    papermill.execute_notebook(
        str(path),
        str(executed),
        parameters=dict(parameters),
        cwd=str(edition_dir(lang)),
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
        execution_timeout=timeout,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no start-up chatter on the user's terminal
    )


def execute(
    path: Path,
    parameters: Mapping[str, Any],
    out_dir: Path,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    lab: bool = False,
    lang: str = "en",
) -> RunResult:
    """Run one workbook of edition `lang` into its folder of `out_dir` (`<stem>.ipynb`, `<stem>.html`, files it
    writes; `out_dir/zh/` for the Chinese edition); nothing on failure.

    The kernel runs in the edition's notebooks folder, which tells it its language. The finished files are moved
    into place and `metrics.json` / `index.html` updated under one lock, so a concurrent run into the same folder
    never leaves a report from one run beside the metrics of another. `lab=True` runs the workbook as JupyterLab
    does (no `output_dir`: its files go to `output/lab/<notebook>/`), which is how the committed notebooks are
    executed, so strict nbval sees the same outputs.
    """
    out_dir = out_dir.resolve()  # the kernel runs in notebooks/: a relative folder would land there
    target = edition(out_dir, lang)
    created = [folder for folder in dict.fromkeys((out_dir, target)) if not folder.exists()]  # en: one folder
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{path.stem}-", dir=target))
    started = time.perf_counter()
    injected = dict(parameters)
    if not lab and OUTPUT_PARAMETER in read_spec(path, lang).params:
        injected[OUTPUT_PARAMETER] = str(staging)
    try:
        executed = staging / path.name
        try:
            run_papermill(path, executed, injected, timeout, lang)
        except Exception as error:  # papermill wraps every cell failure; report it, keep nothing
            seconds = time.perf_counter() - started
            return RunResult(path.stem, dict(parameters), seconds, error=error_text(error, timeout), lang=lang)
        notebook = json.loads(_relocated(executed.read_text(encoding="utf-8"), staging, target))
        write_text(executed, json.dumps(notebook, ensure_ascii=False, indent=1) + "\n")
        write_reports(staging, path.stem, notebook)
        seconds = time.perf_counter() - started
        metrics = metrics_from_cells(notebook["cells"])
        result = RunResult(path.stem, dict(parameters), seconds, metrics, lang=lang, title=title(notebook))
        with _lock(out_dir):
            for item in sorted(staging.iterdir()):
                os.replace(item, target / item.name)
            _record(out_dir, result)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in reversed(created):
            if not any(folder.iterdir()):
                folder.rmdir()  # a failed first run leaves no empty folder behind


def _relocated(text: str, staging: Path, out_dir: Path) -> str:
    """The executed notebook's JSON with the staging folder named as `out_dir`, where its files end up."""
    return text.replace(json.dumps(str(staging))[1:-1], json.dumps(str(out_dir))[1:-1])


OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


REPORT_SUFFIX = ".report.html"  # the code-free report beside `<stem>.html`


def to_html(notebook: dict, *, code: bool = True) -> str:
    """The executed notebook as a standalone HTML report, recorded-metric outputs left out.

    `code=False` gives the report for business readers and managers: code inputs and prompts hidden, the
    exercise cells left out (their solutions, checks and failures are for trainees); prose, outputs, charts,
    tables and the review card kept. The lab template's scripts from the internet (require.js, MathJax, Mermaid)
    are left out, so a report opens the same offline: formulas are drawn into the page as images instead
    (`helpers.app.formulas`).
    """
    import nbformat  # lazy: nbconvert and nbformat take ~3 s to import; only reports need them
    from nbconvert import HTMLExporter  # lazy: see above

    node = nbformat.reads(json.dumps(notebook), as_version=4)
    if not code:
        skipped = exercise_cells(notebook)
        node.cells = [cell for index, cell in enumerate(node.cells) if index not in skipped]
    for cell in node.cells:
        if cell.cell_type == "markdown":
            cell.source = draw_formulas(cell.source)
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if MIME not in o.get("data", {})]
    exporter = HTMLExporter(
        template_name="lab",
        template_file="casebook_offline.html.j2",
        extra_loaders=[DictLoader({"casebook_offline.html.j2": OFFLINE_TEMPLATE})],
        exclude_input=not code,
        exclude_input_prompt=not code,
        exclude_output_prompt=not code,
    )
    body, _ = exporter.from_notebook_node(node)
    return body


def write_reports(folder: Path, stem: str, notebook: dict) -> None:
    """`<stem>.html` (the full report, with code) and `<stem>.report.html` (code-free) into `folder`."""
    write_text(folder / f"{stem}.html", to_html(notebook))
    write_text(folder / f"{stem}{REPORT_SUFFIX}", to_html(notebook, code=False))


def recorded(out_dir: Path) -> dict[str, dict[str, Any]]:
    """What each edition's `metrics.json` in a run folder holds: {lang: {stem: {title, parameters, metrics}}}."""
    found = {}
    for lang in EDITIONS:
        path = edition(out_dir, lang) / "metrics.json"
        found[lang] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return found


def _record(out_dir: Path, result: RunResult) -> None:
    """Merge a finished run into its edition's `metrics.json` and rewrite `index.html` (the caller holds the lock)."""
    editions = recorded(out_dir)
    entry = {"title": result.title, "parameters": result.parameters, "metrics": result.metrics}
    editions[result.lang][result.notebook] = entry
    write_json(edition(out_dir, result.lang) / "metrics.json", editions[result.lang])
    write_text(out_dir / "index.html", index_html(editions))


def headline(stem: str, metrics: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The registry's headline metrics for a workbook as (label, formatted value) pairs in the current language,
    named as the workbook names them (within its label scope, if it has one)."""
    entry = workbook(stem)
    if entry is None:
        return []
    return [(label(name, entry.labels), fmt.as_kind(kind, metrics.get(name))) for name, kind in entry.headline]


@contextlib.contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Messages and numbers in `lang` inside the block (one index page shows both editions), then as before."""
    before = language.current()
    language.use(lang)
    try:
        yield
    finally:
        language.use(before)


def parameters_text(parameters: Mapping[str, Any]) -> str:
    """The parameters a report was run with, as a reader sees them: 'defaults' or 'scale = 0.05, seed = 3'."""
    pairs = ", ".join(f"{name} = {fmt.text(value)}" for name, value in sorted(parameters.items()))
    return pairs or message("cli.index.defaults")


def index_html(editions: Mapping[str, Mapping[str, Any]]) -> str:
    """A small landing page linking every report of each edition, with its parameters and headline metrics.

    `editions` maps a language to what its `metrics.json` holds ({stem: {"parameters": …, "metrics": …}}); each
    edition's section is written in its language (headings, metric labels, numbers).
    """
    sections = []
    for lang, merged in editions.items():
        if not merged:
            continue
        with speaking(lang):
            rows = [
                {
                    "href": edition_name(lang, f"{stem}.html"),
                    "report": edition_name(lang, f"{stem}{REPORT_SUFFIX}"),
                    "title": merged[stem].get("title") or (entry.title if (entry := workbook(stem)) else stem),
                    "parameters": parameters_text(merged[stem].get("parameters", {})),
                    "figures": headline(stem, merged[stem]["metrics"]),
                }
                for stem in sorted(merged)
            ]
            head = {
                key: message(f"cli.index.{key}")
                for key in ("edition", "workbook", "parameters", "metrics", "report", "with_code", "note")
            }
        sections.append({"lang": lang, "head": head, "rows": rows})
    return render("index.html.j2", sections=sections)


def check_folder(out_dir: Path, chosen: Sequence[Job]) -> None:
    """Refuse a run whose parameters differ from those of the other reports already in `out_dir`.

    A report counts when it is not about to be replaced (same edition and workbook); it differs when a parameter
    that both it and the chosen workbooks declare has another value (a default counts as a value).
    """
    given = {name: value for _, _, parameters in chosen for name, value in parameters.items()}
    declared = {name for lang, path, _ in chosen for name in read_spec(path, lang).params} - {OUTPUT_PARAMETER}
    replaced = {(lang, path.stem) for lang, path, _ in chosen}
    for lang, merged in recorded(out_dir).items():
        for stem, entry in merged.items():
            if (lang, stem) in replaced:
                continue
            executed = edition(out_dir, lang) / f"{stem}.ipynb"
            names = set(read_spec(executed).params if executed.exists() else entry["parameters"]) & declared
            theirs = {k: v for k, v in entry["parameters"].items() if k in names}
            ours = {k: v for k, v in given.items() if k in names}
            if theirs != ours:
                raise UsageError(
                    message(
                        "errors.folder.mixed",
                        folder=out_dir,
                        report=edition_name(lang, stem),
                        theirs=parameters_text(theirs),
                        ours=parameters_text(ours),
                    )
                )


def default_jobs(count: int) -> int:
    """Workbooks to run at once: usable cores, capped by available memory (`MEMORY_PER_WORKBOOK` each) and `count`.

    Never below 1: a machine short of memory still runs the workbooks, one after the other.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    by_memory = psutil.virtual_memory().available // MEMORY_PER_WORKBOOK
    return max(1, min(cores, by_memory, count))


def run(
    names: Sequence[str],
    values: Mapping[str, Any],
    out_dir: Path,
    *,
    timeout: int = DEFAULT_TIMEOUT,
    on_done: Callable[[RunResult], None] | None = None,
    jobs: int | None = 1,
    langs: Sequence[str] = ("en",),
) -> list[RunResult]:
    """Validate everything first, then execute the notebooks of each edition in `langs` into `out_dir`, `jobs` at
    a time (None: the default).

    Returns one result per notebook and edition, editions in the order given and notebooks in order; `on_done`
    hears of each as it finishes. A failed workbook does not stop the others; Ctrl-C stops them all (each removes
    its unfinished files) and re-raises.
    """
    chosen = [(lang, path, parameters) for lang in langs for path, parameters in plan(names, values, lang).items()]
    check_folder(out_dir, chosen)
    jobs = default_jobs(len(chosen)) if jobs is None else min(jobs, len(chosen))
    if jobs <= 1:
        results = []
        for lang, path, parameters in chosen:
            results.append(execute(path, parameters, out_dir, timeout=timeout, lang=lang))
            if on_done:
                on_done(results[-1])
        return results
    return _run_parallel(chosen, out_dir, timeout, jobs, on_done)


def _worker_start() -> None:
    """In a worker: Ctrl-C is the parent's to handle; SIGTERM from the parent interrupts the running workbook.

    The interrupt unwinds `execute`, whose clean-up removes the unfinished files, as a sequential Ctrl-C does.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def _run_parallel(
    chosen: Sequence[Job],
    out_dir: Path,
    timeout: int,
    jobs: int,
    on_done: Callable[[RunResult], None] | None,
) -> list[RunResult]:
    """Execute in `jobs` worker processes (spawned: no state inherited from the parent's threads)."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_start)
    futures: dict[Future[RunResult], Job] = {}
    finished: dict[Path, RunResult] = {}
    try:
        for job in chosen:
            lang, path, parameters = job
            futures[pool.submit(execute, path, parameters, out_dir, timeout=timeout, lang=lang)] = job
        for future in as_completed(futures):
            lang, path, parameters = futures[future]
            try:
                finished[path] = future.result()
            except Exception as error:  # the worker itself died (e.g. killed for memory): report, go on
                died = f"worker process died: {error}"
                finished[path] = RunResult(path.stem, dict(parameters), 0.0, error=died, lang=lang)
            if on_done:
                on_done(finished[path])
    except BaseException:
        for future in futures:
            future.cancel()
        for child in multiprocessing.active_children():
            child.terminate()  # SIGTERM: an interrupt inside the worker (see _worker_start)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [finished[path] for _, path, _ in chosen]


__all__ = ["ParameterError", "RunFailed", "RunResult", "default_jobs", "execute", "plan", "run", "write_reports"]
