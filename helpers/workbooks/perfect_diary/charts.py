"""The Perfect Diary workbook's charts that need more than one `plots` call: ROI by source against its
break-even line and the marginal-ROI curves. Text comes from the catalog; nothing collides (labels, line,
legend), whatever the figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from helpers.core import fmt
from helpers.core.messages import message
from helpers.notebook import plots
from helpers.workbooks.perfect_diary.case import CouponTest, source_name

HEADROOM = 1.35  # the y-axis reaches 35% above the tallest bar or line: room for value labels and the legend
LABEL_HEIGHT = 0.08  # a value label's height (with its offset) as a share of the y-axis span


def text(key: str, **values: object) -> str:
    """Chart text from the workbook's catalog (`perfect_diary.<key>`)."""
    return message(f"perfect_diary.{key}", **values)


def label_position(value: float, line: float, span: float) -> str:
    """Where a bar's value label goes so that the break-even line does not run through it: "above" the bar, or
    "inside" its top when the line would cross a label above it (a bar too short to hold it gets its label
    "over_line", just above the line)."""
    height = LABEL_HEIGHT * span
    if fmt.is_missing(line) or not value < line < value + height * 1.25:
        return "above"  # the line is below the bar's top (or far above it): a label above the bar stays clear
    return "inside" if value > 1.5 * height else "over_line"


def roi_by_source(tiers: pd.DataFrame, break_even: float) -> Axes:
    """Average ROI (revenue per ¥ of spend) of each source, the break-even ROI as a dashed line in the legend."""
    values = tiers["roi"].to_numpy(dtype=float)
    ax = plots.bar(
        [source_name(t) for t in tiers["tier"]],
        np.nan_to_num(values),
        title=text("chart.roi_title"),
        xlabel=text("chart.source_axis"),
        ylabel=text("chart.roi_axis"),
    )
    top = np.nanmax([*values, break_even, 0.1])
    ax.set_ylim(0, top * HEADROOM)
    for pos, value in enumerate(values):
        if fmt.is_missing(value):
            continue
        where = label_position(value, break_even, top * HEADROOM)
        anchor = break_even if where == "over_line" else value
        ax.annotate(
            fmt.ratio(value),
            (pos, anchor),
            ha="center",
            va="top" if where == "inside" else "bottom",
            fontsize=9,
            color="white" if where == "inside" else "black",
            xytext=(0, -3 if where == "inside" else 2),
            textcoords="offset points",
        )
    if not fmt.is_missing(break_even):
        ax.axhline(break_even, color=plots.BAD, linestyle="--", label=text("chart.break_even", roi=break_even))
        ax.legend(loc="upper right")
    return ax


def marginal_curves(marginal: Mapping[str, Any], break_even: float) -> Axes:
    """Marginal ROI of each source against monthly spend, today's spend as dots, break-even dashed; the legend
    outside the plot so that it never covers a curve."""
    ax = plots.lines(
        marginal["curves"],
        title=text("chart.marginal_title"),
        xlabel=text("chart.spend_axis"),
        ylabel=text("chart.marginal_axis"),
    )
    ax.xaxis.set_major_formatter(plots.yuan_axis)
    if not fmt.is_missing(break_even):
        ax.axhline(break_even, color=plots.BAD, linestyle="--", label=text("chart.break_even", roi=break_even))
    now = marginal["table"].dropna(subset=["marginal_roi"])
    ax.scatter(now["monthly_spend"], now["marginal_roi"], color="black", zorder=3, label=text("chart.today"))
    ax.legend(**plots.BESIDE)
    return ax


def ab_conversion(test: CouponTest) -> Axes:
    """Conversion of the two arms, with room above the taller bar for its value label."""
    rates = [test.control_rate, test.treatment_rate]
    ax = plots.bar(
        [text("arm.control"), text("arm.treatment")],
        rates,
        title=text("chart.ab_title"),
        xlabel=text("chart.arm_axis"),
        ylabel=text("chart.conversion_axis"),
        y="pct",
        annotate="pct",
    )
    ax.set_ylim(0, max(max(rates), 0.01) * HEADROOM)
    return ax


def trend(frame: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, y: str | None = None) -> Axes:
    """One line per column (`plots.lines`), the legend right of the plot so that no line runs under it, and the
    period labels (months, quarters) thinned to fit."""
    ax = plots.lines(frame, title=title, xlabel=xlabel, ylabel=ylabel, y=y)
    if ax.get_legend() is not None:
        ax.legend(**plots.BESIDE)
    plots.fit_category_labels(ax)
    return ax
