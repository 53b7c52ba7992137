"""Execute workbooks with papermill, export HTML, collect metrics — all-or-nothing per workbook.

A run stages everything in a hidden folder inside its output folder and renames the finished files into place,
so a refused, failed, timed-out or interrupted run leaves nothing behind. A workbook that writes files declares
the parameter `output_dir`; the runner sets it to the staging folder, so those files land beside the report
(an empty `output_dir`, as in JupyterLab, means `output/lab/<notebook>/` at the repository root). `metrics.json`
and `index.html` are merged under a file lock (kept in the system's temporary folder, not in the output
folder), so two runs into the same folder at once do not overwrite each other's entries.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock

from helpers import fmt
from helpers.catalog import workbook
from helpers.io import DataError, write_json, write_text
from helpers.params import NOTEBOOKS_DIR, ParameterError, Spec, cross_check, notebook_path, read_spec, unknown_parameter
from helpers.record import MIME, metrics_from_cells

DEFAULT_TIMEOUT = 600
OUTPUT_PARAMETER = "output_dir"
PATH_SUFFIXES = ("_dir", "_csv", "_path")


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

    @property
    def ok(self) -> bool:
        return not self.error


def all_notebooks() -> list[Path]:
    """Every workbook in notebooks/, in order."""
    return sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def plan(names: Sequence[str], values: Mapping[str, Any]) -> dict[Path, dict[str, Any]]:
    """Validate parameters for the chosen notebooks before any kernel starts.

    A value applies to every chosen notebook that declares it; a name that none declares is an error
    (with a "did you mean"), as is any value outside its range or a broken cross-parameter rule.
    """
    paths = [notebook_path(n) for n in names] if names else all_notebooks()
    specs: dict[Path, Spec] = {p: read_spec(p) for p in paths}
    known = sorted({name for spec in specs.values() for name in spec.params} - {OUTPUT_PARAMETER})
    for name, value in values.items():
        if name == OUTPUT_PARAMETER:
            raise ParameterError(f"parameter '{name}' = {value!r} is not allowed: it is set by the runner to the run's "
                                 "output folder; choose that folder with --out")
        if name not in known:
            where = paths[0].stem if len(paths) == 1 else "the chosen workbooks"
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
    from helpers.datasets import check_data

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
    return {k: str(Path(v).expanduser().resolve()) if k.endswith(PATH_SUFFIXES) and isinstance(v, str) and v else v
            for k, v in values.items()}


def _lock(folder: Path) -> FileLock:
    """The output folder's lock: a file named after the folder in the system's temporary folder (any OS)."""
    key = hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:20]
    return FileLock(Path(tempfile.gettempdir()) / f"casebook-{key}.lock")


def _error_text(error: BaseException, timeout: int) -> str:
    name = type(error).__name__
    if name == "CellTimeoutError" or "timed out" in str(error).lower():
        return f"timed out: a cell ran longer than --execution-timeout {timeout} s"
    if name == "PapermillExecutionError":
        cell = getattr(error, "exec_count", "?")
        return f"cell {cell} raised {error.ename}: {error.evalue}"  # type: ignore[attr-defined]
    if name == "DeadKernelError":
        return "the kernel died (out of memory or killed)"
    return f"{name}: {error}"


def execute(path: Path, parameters: Mapping[str, Any], out_dir: Path, *, timeout: int = DEFAULT_TIMEOUT,
            lab: bool = False) -> RunResult:
    """Run one workbook into `out_dir` (`<stem>.ipynb`, `<stem>.html`, files it writes); nothing on failure.

    The finished files are moved into place and `metrics.json` / `index.html` updated under one lock, so a
    concurrent run into the same folder never leaves a report from one run beside the metrics of another.
    `lab=True` runs the workbook as JupyterLab does (no `output_dir`: its files go to `output/lab/<notebook>/`),
    which is how the committed notebooks are executed, so strict nbval sees the same outputs.
    """
    import papermill

    out_dir = out_dir.resolve()  # the kernel runs in notebooks/: a relative folder would land there
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{path.stem}-", dir=out_dir))
    started = time.perf_counter()
    injected = dict(parameters)
    if not lab and OUTPUT_PARAMETER in read_spec(path).params:
        injected[OUTPUT_PARAMETER] = str(staging)
    try:
        executed = staging / path.name
        try:
            papermill.execute_notebook(
                str(path), str(executed), parameters=injected, cwd=str(NOTEBOOKS_DIR),
                kernel_name="python3", progress_bar=False, log_output=False, execution_timeout=timeout,
                extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no start-up chatter on the user's terminal
            )
        except Exception as error:  # papermill wraps every cell failure; report it, keep nothing
            seconds = time.perf_counter() - started
            return RunResult(path.stem, dict(parameters), seconds, error=_error_text(error, timeout))
        notebook = json.loads(_relocated(executed.read_text(encoding="utf-8"), staging, out_dir))
        write_text(executed, json.dumps(notebook, ensure_ascii=False, indent=1) + "\n")
        write_text(staging / f"{path.stem}.html", to_html(notebook))
        result = RunResult(path.stem, dict(parameters), time.perf_counter() - started,
                           metrics_from_cells(notebook["cells"]))
        with _lock(out_dir):
            for item in sorted(staging.iterdir()):
                os.replace(item, out_dir / item.name)
            _record(out_dir, result)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not any(out_dir.iterdir()):
            out_dir.rmdir()  # a failed first run leaves no empty folder behind


def _relocated(text: str, staging: Path, out_dir: Path) -> str:
    """The executed notebook's JSON with the staging folder named as `out_dir`, where its files end up."""
    return text.replace(json.dumps(str(staging))[1:-1], json.dumps(str(out_dir))[1:-1])


OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def to_html(notebook: dict) -> str:
    """The executed notebook as a standalone HTML report, recorded-metric outputs left out.

    The lab template's scripts from the internet (require.js, MathJax, Mermaid) are left out, so a report opens
    the same offline: formulas are drawn into the page as images instead (`helpers.formulas`).
    """
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    from helpers.formulas import draw_formulas

    node = nbformat.reads(json.dumps(notebook), as_version=4)
    for cell in node.cells:
        if cell.cell_type == "markdown":
            cell.source = draw_formulas(cell.source)
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if MIME not in o.get("data", {})]
    exporter = HTMLExporter(template_name="lab", template_file="casebook_offline.html.j2",
                            extra_loaders=[DictLoader({"casebook_offline.html.j2": OFFLINE_TEMPLATE})])
    body, _ = exporter.from_notebook_node(node)
    return body


def _record(out_dir: Path, result: RunResult) -> None:
    """Merge a finished run into `metrics.json` and rewrite `index.html` (the caller holds the lock)."""
    path = out_dir / "metrics.json"
    merged = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    merged[result.notebook] = {"parameters": result.parameters, "metrics": result.metrics}
    write_json(path, merged)
    write_text(out_dir / "index.html", index_html(merged))


def headline(stem: str, metrics: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The catalog's headline metrics for a workbook as (name, formatted value) pairs."""
    entry = workbook(stem)
    pairs = entry.headline if entry else ()
    return [(name, fmt.as_kind(kind, metrics.get(name))) for name, kind in pairs]


def index_html(merged: Mapping[str, Any]) -> str:
    """A small landing page linking every report, with its headline metrics."""
    rows = []
    for stem in sorted(merged):
        entry = workbook(stem)
        title = entry.title if entry else stem
        pairs = headline(stem, merged[stem]["metrics"])
        figures = "<br>".join(f"{html.escape(n)}: <b>{html.escape(v)}</b>" for n, v in pairs)
        rows.append(f'<tr><td><a href="{html.escape(stem)}.html">{html.escape(title)}</a></td><td>{figures}</td></tr>')
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Casebook reports</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.4em 1em;border-bottom:1px solid #ddd;"
        "vertical-align:top;text-align:left}</style></head><body><h1>Casebook reports</h1>"
        f"<table><tr><th>Workbook</th><th>Headline metrics</th></tr>{''.join(rows)}</table></body></html>\n"
    )


def run(
    names: Sequence[str], values: Mapping[str, Any], out_dir: Path, *, timeout: int = DEFAULT_TIMEOUT,
    on_done: Any = None,
) -> list[RunResult]:
    """Validate everything first, then execute each notebook into `out_dir`; returns one result each."""
    chosen = plan(names, values)
    results = []
    for path, parameters in chosen.items():
        result = execute(path, parameters, out_dir, timeout=timeout)
        results.append(result)
        if on_done:
            on_done(result)
    return results


__all__ = ["ParameterError", "RunFailed", "RunResult", "execute", "plan", "run"]
