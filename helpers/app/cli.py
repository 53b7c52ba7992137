"""The `casebook` command: list, run, batch, check, generate, student, metrics, check-data, notebooks, html.

Bad input (a parameter, a data file, a scenario) ends with exit code 2 and one clear message on stderr (a line,
or for data a heading and one line per problem), never a traceback; a workbook that fails while running gives
exit code 1 and names the cell and the error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from helpers.app.batch import load_scenario, run_batch
from helpers.app.check import CHECK_TIMEOUT, NOT_A_SANDBOX, Graded, check
from helpers.app.datasets import check_data, generate_case, write_data_dictionary
from helpers.app.inputs import read_yaml_mapping
from helpers.app.refresh import refresh
from helpers.app.runner import DEFAULT_TIMEOUT, RunFailed, RunResult, headline, index_html, run, write_reports
from helpers.app.student import write_student_versions
from helpers.core.errors import DataError, ParameterError, UsageError
from helpers.io.tables import write_text
from helpers.notebook.files import all_notebooks, notebook_path
from helpers.notebook.params import read_spec
from helpers.notebook.record import metrics_from_cells, read_metrics
from helpers.workbooks.cases import CASES
from helpers.workbooks.registry import workbook

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def collect_values(pairs: Sequence[Sequence[str]] | None, files: Sequence[str] | None) -> dict[str, Any]:
    """Parameter values from -f files (in order) then -p pairs (which win)."""
    values: dict[str, Any] = {}
    for path in files or ():
        values.update(read_yaml_mapping(path, "parameter file"))
    for name, value in pairs or ():
        values[name] = value
    return values


# ---------------------------------------------------------------- commands


def cmd_list(args: argparse.Namespace) -> int:
    """Print every workbook with its parameters: name, type, default, allowed values, help."""
    for path in all_notebooks():
        entry = workbook(path.stem)
        print(f"{path.stem}" + (f" — {entry.title}" if entry else ""))
        for p in read_spec(path):
            allowed = p.range_text()
            print(f"    {p.name:<26} {p.type:<6} = {p.default!r:<14} {allowed:<14} {p.help}")
        print()
    return 0


def print_summary(results: Sequence[RunResult]) -> None:
    """Workbook, status, seconds and headline metrics, one line each."""
    print(f"\n{'workbook':<38} {'status':<8} {'seconds':>7}  headline metrics")
    for r in results:
        status = "ok" if r.ok else "FAILED"
        figures = ", ".join(f"{n}={v}" for n, v in headline(r.notebook, r.metrics)) if r.ok else r.error
        print(f"{r.notebook:<38} {status:<8} {r.seconds:>7.1f}  {figures}")


def cmd_run(args: argparse.Namespace) -> int:
    """Execute workbooks with papermill into --out; HTML, metrics.json and index.html beside them."""
    values = collect_values(args.parameter, args.file)
    out = Path(args.out)

    def progress(result: RunResult) -> None:
        state = "ok" if result.ok else f"FAILED — {result.error}"
        print(f"{result.notebook}: {state} ({result.seconds:.1f} s)", file=sys.stderr, flush=True)

    results = run(args.notebooks, values, out, timeout=args.execution_timeout, on_done=progress, jobs=args.jobs)
    print_summary(results)
    if any(r.ok for r in results):  # a run where everything failed wrote no report to point at
        print(f"\nreports: {out / 'index.html'}")
    return 0 if all(r.ok for r in results) else EXIT_FAILED


def cmd_metrics(args: argparse.Namespace) -> int:
    """Print the metrics recorded in an executed notebook as JSON."""
    path = Path(args.notebook)
    if not path.is_file():
        raise UsageError(f"executed notebook '{path}' not found")
    print(json.dumps(read_metrics(path), ensure_ascii=False, indent=2, sort_keys=True))
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    """Write a case's tables and manifest.json into --out (the defaults reproduce data/CASE/)."""
    if args.all:
        root = Path(args.out)
        for case in CASES:
            generate_case(case, root / case, seed=args.seed, orders=args.orders, fmt=args.format)
            print(f"wrote {root / case}")
        write_data_dictionary(root / "README.md")
        print(f"wrote {root / 'README.md'}")
        return 0
    if not args.case:
        raise UsageError("name a CASE (one of " + ", ".join(CASES) + ") or use --all")
    generate_case(args.case, Path(args.out), seed=args.seed, orders=args.orders, fmt=args.format)
    print(f"wrote {args.out}")
    return 0


def cmd_check_data(args: argparse.Namespace) -> int:
    """Validate your own CSV file or folder for a case; list every problem; exit 2 when there is any."""
    values = collect_values(args.parameter, None)
    problems, summary = check_data(args.case, Path(args.path), values)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {args.path}:", file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return EXIT_USAGE
    print(f"OK: {summary}")
    return 0


def cmd_student(args: argparse.Namespace) -> int:
    """Student versions of the workbooks: solutions removed, outputs cleared."""
    for path in write_student_versions(args.notebooks, Path(args.out)):
        print(f"wrote {path}")
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    """Re-execute committed notebooks in place with their defaults (the one command that writes notebooks/)."""
    for stem, seconds in refresh(args.notebooks, timeout=args.execution_timeout):
        print(f"{stem}: executed in place ({seconds:.1f} s)")
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    """HTML reports (full and code-free) of the committed notebooks as they are (no execution), indexed like `run`'s."""
    paths = [notebook_path(n) for n in args.notebooks] if args.notebooks else all_notebooks()
    listed = {}
    for path in paths:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        write_reports(Path(args.out), path.stem, notebook)
        listed[path.stem] = {"metrics": metrics_from_cells(notebook["cells"])}
        print(f"wrote {Path(args.out) / path.stem}.html and .report.html")
    write_text(Path(args.out) / "index.html", index_html(listed))
    print(f"wrote {Path(args.out) / 'index.html'}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Many runs from an instructor's scenario file; a failed run does not stop the others."""
    scenario = load_scenario(args.scenario)
    summary = run_batch(
        scenario, Path(args.out), jobs=args.jobs, timeout=args.execution_timeout, scheduler=args.scheduler
    )
    return 0 if summary["status"].eq("ok").all() else EXIT_FAILED


def cmd_check(args: argparse.Namespace) -> int:
    """Grade trainees' notebooks into --out: gradebook.csv/.xlsx/.html; exit 1 when a notebook broke."""
    out = Path(args.out)

    def progress(graded: Graded) -> None:
        score = f"{sum(m.points for m in graded.marks):g}/{sum(m.max_points for m in graded.marks):g}"
        state = f"BROKEN — {graded.error}" if graded.error else score
        print(f"{graded.submission.trainee} · {graded.submission.workbook}: {state}", file=sys.stderr, flush=True)

    results = check(args.notebooks, out, timeout=args.timeout, on_done=progress)
    print(f"gradebook: {out / 'gradebook.html'} ({len(results)} notebook(s))")
    return 0 if all(not g.error for g in results) else EXIT_FAILED


# ---------------------------------------------------------------- parser


def _timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--execution-timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"longest a single cell may run (default {DEFAULT_TIMEOUT})",
    )


def _positive(text: str) -> int:
    """--jobs: a whole number ≥ 1 (argparse turns the ValueError into exit code 2 naming the option)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: use a whole number ≥ 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="casebook", description="Run and manage the Casebook workbooks.")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="workbooks and their parameters").set_defaults(func=cmd_list)

    p = sub.add_parser("run", help="execute workbooks, export HTML, write metrics.json")
    p.add_argument("notebooks", nargs="*", help="notebook names or stems (default: all)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    p.add_argument("-f", "--file", action="append", metavar="PARAMS.yaml", help="YAML mapping of parameters")
    p.add_argument("--out", default="output/run", help="output folder (default output/run)")
    p.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="workbooks at once, each in its own process (default: the usable cores, capped by "
        "available memory at 1 GiB per workbook)",
    )
    _timeout(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("batch", help="many runs from a scenario YAML (grid, one seed per trainee)")
    p.add_argument("scenario")
    p.add_argument("--out", default="output/batch")
    p.add_argument("--jobs", type=int, default=1, help="runs at once (default 1); with --scheduler local: workers")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS|local",
        help="run on a Dask distributed cluster (tcp://host:8786), or 'local' to start one here",
    )
    _timeout(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser(
        "check",
        help="grade trainees' completed notebooks: gradebook.csv/.xlsx/.html per exercise",
        description="Grade trainees' completed notebooks: hidden tests are restored from the instructor's "
        "version, each notebook runs in its own kernel process, and gradebook.csv, gradebook.xlsx and "
        "gradebook.html list every trainee's exercises with points and the check's message. " + NOT_A_SANDBOX,
    )
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK|FOLDER", help="trainees' notebooks, or a folder of them")
    p.add_argument("--out", default="output/check", help="gradebook folder (default output/check)")
    p.add_argument(
        "--timeout",
        "--execution-timeout",
        dest="timeout",
        type=_positive,
        default=CHECK_TIMEOUT,
        metavar="SECONDS",
        help=f"longest a single cell may run (default {CHECK_TIMEOUT})",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("generate", help="write a case's dataset (defaults reproduce data/CASE/)")
    p.add_argument("case", nargs="?", help="pinduoduo, jd, perfect_diary or your_shop")
    p.add_argument("--all", action="store_true", help="every case into OUT/<case>/ plus OUT/README.md")
    p.add_argument("--seed", type=int)
    p.add_argument("--orders", type=int, help="approximate number of orders (sets the scale)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("student", help="student versions: solutions removed, outputs cleared")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("--out", default="output/student")
    p.set_defaults(func=cmd_student)

    p = sub.add_parser("metrics", help="the recorded metrics of an executed notebook as JSON")
    p.add_argument("notebook")
    p.set_defaults(func=cmd_metrics)

    p = sub.add_parser("check-data", help="validate your own CSV file or folder for a case")
    p.add_argument("case")
    p.add_argument("path")
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="for your_shop: column mapping and encoding, e.g. -p col_order_id 订单编号",
    )
    p.set_defaults(func=cmd_check_data)

    p = sub.add_parser("notebooks", help="re-execute the committed notebooks in place (before committing)")
    p.add_argument("notebooks", nargs="*")
    _timeout(p)
    p.set_defaults(func=cmd_notebooks)

    p = sub.add_parser("html", help="HTML of the committed notebooks, without executing them")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("--out", default="output/html")
    p.set_defaults(func=cmd_html)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `casebook`; returns the exit code."""
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        code = args.func(args)
    except DataError as error:  # every problem on its own line, under one heading
        head = str(error).split(": ", 1)[0]
        print(f"casebook: error: {head}:" + "".join(f"\n- {p}" for p in error.problems), file=sys.stderr)
        return EXIT_USAGE
    except (ParameterError, UsageError) as error:
        print(f"casebook: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except RunFailed as error:
        print(f"casebook: failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("casebook: interrupted; unfinished outputs were removed", file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.command in ("run", "batch", "check", "notebooks"):
        print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
