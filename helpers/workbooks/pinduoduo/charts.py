"""The Pinduoduo workbook's charts in the house style, every title, axis label and legend from the catalog.

Each function draws one chart on a fresh figure and returns its Axes; the notebook ends the cell with
`plt.show()`. Legends of several lines sit beside the axes, so they never cover a line or its labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from helpers.core.fmt import is_missing
from helpers.core.messages import message
from helpers.notebook import plots


def _chart(key: str) -> str:
    return message(f"pinduoduo.chart.{key}")


def _half_years(ax: Axes, index: pd.Index, quarters: bool = False) -> None:
    """Date axes ticked every January and July, as months (2017-07) or quarters (2017Q3): labels that fit beside
    a legend in both languages."""
    if isinstance(index, pd.DatetimeIndex):
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
        ax.xaxis.set_major_formatter(QUARTER if quarters else mdates.DateFormatter("%Y-%m"))


QUARTER = FuncFormatter(lambda v, _: f"{mdates.num2date(v).year}Q{(mdates.num2date(v).month - 1) // 3 + 1}")
WIDE = (9.5, plots.FIGSIZE[1])  # room for a legend beside the axes, or for seven bars' value labels


def lines(frame: pd.DataFrame, key: str, *, y: str, quarters: bool = False) -> Axes:
    """Lines from `frame` (legend names as columns, dates as index) titled and labelled by `pinduoduo.chart.<key>`;
    `quarters` labels the dates as quarters."""
    several = len(frame.columns) > 1
    ax = plots.new_axes(WIDE if several else plots.FIGSIZE)
    plots.lines(frame, title=_chart(f"{key}.title"), xlabel=_chart(f"{key}.x"), ylabel=_chart(f"{key}.y"), y=y, ax=ax)
    _half_years(ax, frame.index, quarters)
    if several:
        ax.legend(**plots.BESIDE)
    return ax


def subsidy(paths: pd.DataFrame, start: pd.Timestamp) -> Axes:
    """GMV per month with and without the subsidy, the subsidy's first month as a labelled dashed line."""
    ax = plots.lines(
        paths,
        ax=plots.new_axes(WIDE),
        title=_chart("subsidy.title"),
        xlabel=_chart("subsidy.x"),
        ylabel=_chart("subsidy.y"),
        y="yuan",
    )
    _half_years(ax, paths.index)
    ax.axvline(start, color=plots.NEUTRAL, linestyle="--", linewidth=1.2, label=_chart("subsidy.start"))
    ax.legend(**plots.BESIDE)
    return ax


def pnl(steps: Sequence[tuple[str, float]]) -> Axes:
    """The P&L waterfall, wide, with horizontal, wrapped step names so that neighbouring labels never touch."""
    ax = plots.waterfall(
        steps, title=_chart("pnl.title"), ylabel="¥", result=_chart("pnl.result"), ax=plots.new_axes(WIDE)
    )
    ax.tick_params(axis="x", labelrotation=0)
    return ax


def calculator(curve: pd.DataFrame, margin: float, discount: float, need: float) -> Axes:
    """The break-even uplift curve at your margin, your discount marked when it can break even."""
    shown = curve.set_axis([_chart("calculator.y")], axis="columns")
    ax = plots.lines(
        shown,
        title=message("pinduoduo.chart.calculator.title", margin=margin),
        xlabel=_chart("calculator.x"),
        ylabel=_chart("calculator.y"),
        y="pct",
    )
    ax.xaxis.set_major_formatter(plots.pct_axis)
    if not is_missing(need):
        ax.scatter([discount], [need], color=plots.BAD, zorder=3, label=_chart("calculator.yours"))
        ax.legend(loc="upper left")  # the curve rises to the right: its upper left is always empty
    return ax
