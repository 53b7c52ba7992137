"""The method workbook's charts, every title, axis label, legend entry and tick in the edition's language.

Each function draws one chart through `helpers.notebook.plots` and returns its Axes; the notebook ends the cell
with `plt.show()`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import DateFormatter

from helpers.analysis.promotion import break_even_curve
from helpers.core.messages import message
from helpers.notebook import plots
from helpers.workbooks.method.case import POST_PROMO_DAYS, month_name, profit_steps, step_name, tier_name

LABEL_WIDTH = 14  # characters per line of a bar's label, so that neighbouring labels never run into each other


def monthly_gmv(by_month: pd.DataFrame) -> Axes:
    """GMV per calendar month, months named in the edition's language."""
    return plots.bar(
        [month_name(month) for month in by_month.index],
        by_month["gmv"],
        title=message("method.charts.monthly.title"),
        xlabel=message("method.charts.monthly.xlabel"),
        ylabel=message("method.charts.monthly.ylabel"),
        y="yuan",
    )


def orders_around(daily: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> Axes:
    """Daily orders around the promotion (observed, and without it when that exists), the promotion days shaded
    and named in the legend."""
    ax = plots.lines(
        daily,
        title=message("method.charts.around.title"),
        xlabel=message("method.charts.around.xlabel"),
        ylabel=message("method.charts.around.ylabel"),
        y="num",
    )
    ax.axvspan(first, last, color=plots.PALETTE[1], alpha=0.12, label=message("method.charts.around.band"))
    ax.xaxis.set_major_formatter(DateFormatter(message("method.charts.around.date_format")))
    ax.set_ylim(bottom=0)  # orders per day: the scale starts at none
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)  # below the chart: the lines fill its area
    return ax


def funnel(steps: pd.DataFrame) -> Axes:
    """The year's site funnel, steps named in the edition's language, the leakiest step in red."""
    shown = steps.assign(step=[step_name(step) for step in steps["step"]])
    return plots.funnel(shown, title=message("method.charts.funnel.title"))


def tiers(table: pd.DataFrame) -> Axes:
    """Share of customers per lifecycle tier, with value labels."""
    return plots.bar(
        [tier_name(tier) for tier in table["tier"]],
        table["customer_share"],
        title=message("method.charts.tiers.title"),
        xlabel=message("method.charts.tiers.xlabel"),
        ylabel=message("method.charts.tiers.ylabel"),
        y="pct",
        annotate="pct",
    )


def profit_bridge(effect: Mapping[str, float], values: Mapping[str, Any]) -> Axes:
    """The promotion's profit bridge from the profit the same weeks made without it."""
    steps = [(textwrap.fill(name, LABEL_WIDTH), value) for name, value in profit_steps(effect, values["gross_margin"])]
    return plots.waterfall(
        steps,
        title=message("method.charts.bridge.title", days=POST_PROMO_DAYS),
        ylabel=message("method.charts.bridge.ylabel"),
        against_start=True,
    )


def break_even(margin: float) -> Axes:
    """The volume uplift each depth of discount needs to break even at `margin`."""
    ax = plots.lines(
        break_even_curve(margin),
        title=message("method.charts.break_even.title", margin=margin),
        xlabel=message("method.charts.break_even.xlabel"),
        ylabel=message("method.charts.break_even.ylabel"),
        y="pct",
    )
    ax.xaxis.set_major_formatter(plots.pct_axis)
    return ax
