"""The `casebook` command: list, run, batch, check, generate, student, metrics, check-data, notebooks, html.

`--lang zh` chooses the Chinese edition and the language of the command's refusals and summary (`--lang all`:
both editions, English messages).

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

from helpers.app import console
from helpers.app.batch import load_scenario, run_batch
from helpers.app.check import CHECK_TIMEOUT, NOT_A_SANDBOX, Graded, check
from helpers.app.datasets import check_data, generate_case, write_data_dictionary
from helpers.app.inputs import read_yaml_mapping
from helpers.app.refresh import refresh
from helpers.app.runner import DEFAULT_TIMEOUT, RunFailed, RunResult, headline, index_html, run, write_reports
from helpers.app.student import write_student_versions
from helpers.core import language
from helpers.core.errors import DataError, ParameterError, UsageError
from helpers.core.messages import message
from helpers.core.paths import ALL, EDITIONS, edition, edition_name, languages
from helpers.io.tables import write_text
from helpers.notebook.files import all_notebooks, notebook_path, read_notebook, title
from helpers.notebook.params import Spec, read_spec
from helpers.notebook.record import metrics_from_cells, read_metrics
from helpers.workbooks.cases import CASES
from helpers.workbooks.registry import workbook

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def chosen(names: Sequence[str], lang: str) -> list[Path]:
    """The workbooks of edition `lang` that `names` resolve to (every one when no name is given)."""
    return [notebook_path(n, lang) for n in names] if names else all_notebooks(lang)


def collect_values(pairs: Sequence[Sequence[str]] | None, files: Sequence[str] | None) -> dict[str, Any]:
    """Parameter values from -f files (in order) then -p pairs (which win)."""
    values: dict[str, Any] = {}
    for path in files or ():
        values.update(read_yaml_mapping(path, "parameters"))
    for name, value in pairs or ():
        values[name] = value
    return values


# ---------------------------------------------------------------- commands


def parameter_lines(spec: Spec) -> list[str]:
    """A workbook's parameters as aligned columns (name, type, default, allowed values) and wrapped help."""
    rows = [[p.name, p.type, f"= {p.default!r}", p.range_text(), p.help] for p in spec]
    return ["    " + line for line in console.table(rows, total=console.terminal_width() - 4)]


def cmd_list(args: argparse.Namespace) -> int:
    """Print the chosen workbooks (default: all) with their parameters: name, type, default, allowed values, help."""
    for lang in languages(args.lang):
        for path in chosen(args.notebooks, lang):
            entry = workbook(path.stem)
            name = title(read_notebook(path)) or (entry.title if entry else None)
            print(edition_name(lang, path.stem) + (f" — {name}" if name else ""))
            print("\n".join(parameter_lines(read_spec(path, lang))), end="\n\n")
    return 0


def summary_lines(results: Sequence[RunResult]) -> list[str]:
    """Workbook, status, seconds and headline metrics (or why it failed), in aligned, wrapped columns."""
    rows = [[message(f"cli.summary.{key}") for key in ("workbook", "status", "seconds", "metrics")]]
    for r in results:
        name = edition_name(r.lang, r.notebook)
        figures = "; ".join(f"{n}: {v}" for n, v in headline(r.notebook, r.metrics)) if r.ok else r.error
        rows.append([name, message("cli.summary.ok" if r.ok else "cli.summary.failed"), f"{r.seconds:.1f}", figures])
    return console.table(rows, right=(2,))


def cmd_run(args: argparse.Namespace) -> int:
    """Execute workbooks with papermill into --out; HTML, metrics.json and index.html beside them."""
    values = collect_values(args.parameter, args.file)
    out = Path(args.out)

    def progress(result: RunResult) -> None:
        state = "ok" if result.ok else f"FAILED — {result.error}"
        name = edition_name(result.lang, result.notebook)
        print(f"{name}: {state} ({result.seconds:.1f} s)", file=sys.stderr, flush=True)  # batch reads FAILED

    results = run(
        args.notebooks,
        values,
        out,
        timeout=args.execution_timeout,
        on_done=progress,
        jobs=args.jobs,
        langs=languages(args.lang),
    )
    print("", *summary_lines(results), sep="\n")
    if any(r.ok for r in results):  # a run where everything failed wrote no report to point at
        print(f"\nreports: {out / 'index.html'}")
    return 0 if all(r.ok for r in results) else EXIT_FAILED


def cmd_metrics(args: argparse.Namespace) -> int:
    """Print the metrics recorded in an executed notebook as JSON."""
    path = Path(args.notebook)
    if not path.is_file():
        raise UsageError(message("errors.command.no_executed_notebook", path=path))
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
        raise UsageError(message("errors.command.no_case", cases=", ".join(CASES)))
    generate_case(args.case, Path(args.out), seed=args.seed, orders=args.orders, fmt=args.format)
    print(f"wrote {args.out}")
    return 0


def cmd_check_data(args: argparse.Namespace) -> int:
    """Validate your own CSV file or folder for a case; list every problem; exit 2 when there is any."""
    values = collect_values(args.parameter, None)
    problems, summary = check_data(args.case, Path(args.path), values)
    if problems:
        key = "cli.check_data.problems_one" if len(problems) == 1 else "cli.check_data.problems_many"
        print(message(key, count=len(problems), path=args.path), file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return EXIT_USAGE
    print(message("cli.check_data.ok", summary=summary))
    return 0


def cmd_student(args: argparse.Namespace) -> int:
    """Student versions of the workbooks: solutions removed, outputs cleared."""
    for lang in languages(args.lang):
        for path in write_student_versions(chosen(args.notebooks, lang), edition(Path(args.out), lang)):
            print(f"wrote {path}")
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    """Re-execute committed notebooks in place with their defaults (the one command that writes notebooks/)."""
    for lang in languages(args.lang):
        for path, seconds in refresh(chosen(args.notebooks, lang), timeout=args.execution_timeout, lang=lang):
            print(f"{path}: executed in place ({seconds:.1f} s)")
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    """HTML reports (full and code-free) of the committed notebooks as they are (no execution), indexed like `run`'s."""
    out = Path(args.out)
    listed: dict[str, dict[str, Any]] = {lang: {} for lang in languages(args.lang)}
    for lang in listed:
        for path in chosen(args.notebooks, lang):
            notebook = json.loads(path.read_text(encoding="utf-8"))
            target = edition(out, lang) / f"{path.stem}.html"
            write_reports(target.parent, path.stem, notebook)
            metrics = metrics_from_cells(notebook["cells"])
            listed[lang][path.stem] = {"title": title(notebook), "parameters": {}, "metrics": metrics}
            print(f"wrote {target} and {target.with_suffix('').name}.report.html")
    write_text(out / "index.html", index_html(listed))
    print(f"wrote {out / 'index.html'}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Many runs from an instructor's scenario file; a failed run does not stop the others."""
    scenario = load_scenario(args.scenario)
    if args.lang:
        scenario["lang"] = args.lang
    if scenario.get("lang") in language.LANGUAGES:  # one edition: the summary speaks its language
        language.use(scenario["lang"])
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


def _lang(parser: argparse.ArgumentParser, default: str | None = "en") -> None:
    parser.add_argument(
        "--lang",
        choices=(*EDITIONS, ALL),
        default=default,
        help="edition: en (notebooks/), zh (notebooks/zh/, written into OUT/zh/) or all"
        + (f" (default {default})" if default else ""),
    )


def _messages_lang(parser: argparse.ArgumentParser, what: str = "refusals") -> None:
    """--lang of a command that runs no workbook: only the language of what it prints."""
    parser.add_argument("--lang", choices=EDITIONS, default="en", help=f"language of {what} (default en)")


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

    p = sub.add_parser("list", help="workbooks and their parameters")
    p.add_argument("notebooks", nargs="*", help="stems, unique prefixes (01) or case names (pinduoduo); default: all")
    _lang(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("run", help="execute workbooks, export HTML, write metrics.json")
    p.add_argument(
        "notebooks", nargs="*", help="files, stems, unique prefixes (01) or case names (pinduoduo); default: all"
    )
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
    _lang(p)
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
    _lang(p, default=None)  # the scenario's `lang` (default en) unless given
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
    _messages_lang(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("generate", help="write a case's dataset (defaults reproduce data/CASE/)")
    p.add_argument("case", nargs="?", help="pinduoduo, jd, perfect_diary or your_shop")
    p.add_argument("--all", action="store_true", help="every case into OUT/<case>/ plus OUT/README.md")
    p.add_argument("--seed", type=int)
    p.add_argument("--orders", type=int, help="approximate number of orders (sets the scale)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv")
    p.add_argument("--out", required=True)
    _messages_lang(p)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("student", help="student versions: solutions removed, outputs cleared")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("--out", default="output/student")
    _lang(p)
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
    _messages_lang(p, "the problems listed")
    p.set_defaults(func=cmd_check_data)

    p = sub.add_parser("notebooks", help="re-execute the committed notebooks in place (before committing)")
    p.add_argument("notebooks", nargs="*")
    _lang(p)
    _timeout(p)
    p.set_defaults(func=cmd_notebooks)

    p = sub.add_parser("html", help="HTML of the committed notebooks, without executing them")
    p.add_argument("notebooks", nargs="*")
    p.add_argument("--out", default="output/html")
    _lang(p)
    p.set_defaults(func=cmd_html)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `casebook`; returns the exit code."""
    args = build_parser().parse_args(argv)
    if getattr(args, "lang", None) in language.LANGUAGES:
        language.use(args.lang)
    started = time.perf_counter()
    try:
        code = args.func(args)
    except DataError as error:  # every problem on its own line, under one heading
        print(f"casebook: error: {error.heading}" + "".join(f"\n- {p}" for p in error.problems), file=sys.stderr)
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
