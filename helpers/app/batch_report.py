"""summary.html for a class: the runs table with links, headline metrics against the grid, a verdict matrix.

An instructor reads it to see where the conclusions move: each headline metric gets one panel with the grid's
first parameter on the x axis and a line per trainee (or per seed, or per value of the other grid parameters);
the verdict matrix shows every judged review-card finding × every run, so a flip stands out in its row.
Charts use the reports' house style (helpers.notebook.plots) and are embedded as PNG (base64), so the page is one file.
The page is rendered with Jinja2 with autoescaping on: trainee names and titles come from the scenario.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from helpers.app import pages
from helpers.core import fmt, language
from helpers.core.messages import label, message
from helpers.notebook import plots
from helpers.notebook.review import COLOURS, FAILED, UNKNOWN, WORKED
from helpers.workbooks.registry import Workbook, workbook

JUDGED = (WORKED, FAILED, UNKNOWN)
CHARTED_KINDS = {"yuan", "pct", "float", "num", "ratio", "days"}
AXIS_KIND = {"yuan": "yuan", "pct": "pct", "num": "num"}


@dataclass(frozen=True)
class ClassRun:
    """What the page needs of one run: its id, trainee or seed label and grid setting."""

    run_id: str
    label: str
    setting: Mapping[str, Any]


def render(
    title: str, summary: pd.DataFrame, runs: Sequence[ClassRun], reviews: Mapping[tuple[str, str], list[dict[str, Any]]]
) -> str:
    """The whole page; `reviews[(run_id, workbook)]` is the recorded "review" findings list of that run."""
    grid = list(dict.fromkeys(name for run in runs for name in run.setting))
    stems = [s for s in dict.fromkeys(summary["workbook"]) if _entry(s) is not None]
    counts = {"runs": len(runs), "ok": int(summary["status"].eq("ok").sum())}
    grid_text = "; ".join(f"{name} ∈ " + ", ".join(map(fmt.text, _values(runs, name))) for name in grid)
    return pages.render(
        "summary.html.j2",
        lang=language.current(),
        title=title,
        t={
            "runs": _text("runs", **counts, failed=int(summary["status"].ne("ok").sum())),
            "grid": _text("grid", grid=grid_text),
            **{key: _text(key) for key in ("runs_heading", "verdicts", "verdicts_note", "finding")},
        },
        grid=grid_text,
        header=_header(summary, stems, grid),
        rows=_rows(summary, stems, grid),
        workbooks=[_section(stem, summary, runs, grid, reviews) for stem in stems],
    )


def _text(key: str, **values: Any) -> str:
    """A fixed word or sentence of the page, in the current language."""
    return message(f"cli.page.{key}", **values)


def _entry(name: str) -> Workbook | None:
    """The registry entry of a summary's workbook column, with or without its edition ('zh/01_…')."""
    return workbook(name.rpartition("/")[2])


def _values(runs: Sequence[ClassRun], name: str) -> list[Any]:
    """The grid values of one parameter, in the scenario's order."""
    return list(dict.fromkeys(run.setting[name] for run in runs if name in run.setting))


def _headline(stems: Sequence[str]) -> list[tuple[str, str]]:
    pairs: dict[str, str] = {}
    for stem in stems:
        entry = _entry(stem)
        pairs.update(entry.headline if entry else ())
    return list(pairs.items())


def _header(summary: pd.DataFrame, stems: Sequence[str], grid: Sequence[str]) -> list[str]:
    fixed = [_text(key) for key in ("run", "workbook", "trainee", "seed")]
    return [*fixed, *grid, _text("status"), *(label(n) for n, _ in _headline(stems))]


def _rows(summary: pd.DataFrame, stems: Sequence[str], grid: Sequence[str]) -> list[dict[str, Any]]:
    """One table row per summary row: link to the report, identity, grid values, status and headline figures."""
    rows = []
    for record in summary.to_dict("records"):
        ok = record["status"] == "ok"
        cells = [
            {"text": record["workbook"], "css": ""},
            {"text": record["trainee"], "css": ""},
            {"text": fmt.text(record["seed"]), "css": "num"},
        ]
        cells += [{"text": fmt.text(record.get(name)), "css": ""} for name in grid]
        status = _text("ok") if ok else _text("failed", reason=record["reason"])
        cells.append({"text": status, "css": "ok" if ok else "failed"})
        for name, kind in _headline(stems):
            value = record.get(name)
            cells.append({"text": fmt.as_kind(kind, value) if ok and not fmt.is_missing(value) else "", "css": "num"})
        link = f"{quote(record['run'])}/{quote(record['workbook'])}.html" if ok else ""
        rows.append({"run": record["run"], "link": link, "cells": cells})
    return rows


def _section(
    stem: str,
    summary: pd.DataFrame,
    runs: Sequence[ClassRun],
    grid: Sequence[str],
    reviews: Mapping[tuple[str, str], list[dict[str, Any]]],
) -> dict[str, Any]:
    entry = _entry(stem)
    done = summary[(summary["workbook"] == stem) & summary["status"].eq("ok")]
    finished = [run for run in runs if run.run_id in set(done["run"])]
    metrics = [(n, k) for n, k in (entry.headline if entry else ()) if k in CHARTED_KINDS and n in done.columns]
    chart, why, legend = "", "", []
    if not grid:
        why = _text("no_chart", why=_text("no_grid"))
    elif not finished or not metrics:
        why = _text("no_chart", why=_text("none_finished"))
    else:
        chart = _chart(done, finished, grid, metrics)
        keys = list(dict.fromkeys(line_key(run, grid[1:]) for run in finished))
        legend = [
            _text("line_key", number=n, name=key) for n, key in enumerate(keys, start=1) if not plots.drawable(key)
        ]
    matrix_runs, matrix = _matrix(stem, finished, reviews)
    title = entry.title if entry else stem
    return {
        "title": title,
        "alt": _text("chart_alt", workbook=title, parameter=grid[0] if grid else ""),
        "chart": chart,
        "no_chart": why,
        "legend": legend,
        "matrix_runs": matrix_runs,
        "matrix": matrix,
    }


def line_key(run: ClassRun, others: Sequence[str]) -> str:
    """The legend text of a run's line: its trainee (or seed) and the grid values not on the x axis."""
    return " · ".join(filter(None, [run.label, *(f"{n}={fmt.text(run.setting.get(n))}" for n in others)])) or "run"


def _chart(
    done: pd.DataFrame, runs: Sequence[ClassRun], grid: Sequence[str], metrics: Sequence[tuple[str, str]]
) -> str:
    """One panel per metric: the first grid parameter on x (its values in order), a line per trainee/setting."""
    matplotlib.use("Agg")  # a batch may run where no display exists
    plots.setup()
    x_name, others = grid[0], grid[1:]
    x_values = _values(runs, x_name)
    columns = min(3, len(metrics))
    rows = -(-len(metrics) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 3.4 * rows), squeeze=False)
    values = done.set_index("run")
    lines: dict[str, list[tuple[int, str]]] = {}
    for run in runs:
        lines.setdefault(line_key(run, others), []).append((x_values.index(run.setting[x_name]), run.run_id))
    for ax, (name, kind) in zip(axes.flat, metrics, strict=False):
        for number, (key, points) in enumerate(lines.items(), start=1):
            xs = [x for x, _ in points]
            ys = [pd.to_numeric(values.at[run_id, name], errors="coerce") for _, run_id in points]
            ax.plot(xs, ys, marker="o", label=key if plots.drawable(key) else _text("line", number=number))
        ax.set_xticks(range(len(x_values)), [fmt.text(v) for v in x_values])
        plots.label(ax, label(name), x_name, "", y=AXIS_KIND.get(kind))
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if len(labels) > 1:
        fig.legend(handles, labels, loc="upper center", ncol=min(4, len(labels)), bbox_to_anchor=(0.5, 0.0))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _matrix(
    stem: str, runs: Sequence[ClassRun], reviews: Mapping[tuple[str, str], list[dict[str, Any]]]
) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """Judged findings × finished runs (headed by trainee and grid values); a finding missing from a run's card
    shows as a grey dash."""
    cards = {
        run.run_id: {f["id"]: f for f in reviews.get((run.run_id, stem), []) if f.get("verdict") in JUDGED}
        for run in runs
    }
    ids = list(dict.fromkeys(fid for card in cards.values() for fid in card))
    matrix = []
    for fid in ids:
        cells = []
        for run in runs:
            finding = cards[run.run_id].get(fid)
            verdict = finding["verdict"] if finding else ""
            title = f"{finding['text']} ({finding.get('evidence', '')})" if finding else _text("not_on_card")
            cells.append({"verdict": verdict or "—", "colour": COLOURS.get(verdict, "#cfcfcf"), "title": title})
        matrix.append({"id": fid, "flips": len({c["verdict"] for c in cells}) > 1, "cells": cells})
    heads = [
        [part for part in (run.label, *(f"{n}={fmt.text(v)}" for n, v in run.setting.items())) if part] or [run.run_id]
        for run in runs
    ]
    return heads, matrix
