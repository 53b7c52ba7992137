"""Every chart of the JD workbook (02) is legible (#17): after each chart is drawn, no two text elements (tick
labels, value labels, titles, axis labels, legend entries) overlap, and no legend covers data — at the defaults
and with levers that move the bars and lines a lot. Both editions: Chinese labels are wider."""

from __future__ import annotations

import itertools
import os
from unittest import mock

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from support import ROOT
from support.inprocess import run_in_process

STEM = "02_jd_logistics_membership"
RUNS = [
    {"scale": 0.2},
    {"scale": 0.2, "regional_stock_coverage": 0.2, "lead_time_days": 20, "supplier_payment_days": 10.0},
    {"scale": 0.2, "order_up_to_days": 120.0, "plus_true_uplift": 0.0, "supplier_payment_days": 150.0},
]


def shrink(box: Bbox, pixels: float = 1.0) -> Bbox:
    """A box a pixel smaller on each side: text boxes that merely touch do not collide."""
    return Bbox.from_extents(box.x0 + pixels, box.y0 + pixels, box.x1 - pixels, box.y1 - pixels)


def drawn_tick_labels(axis) -> list:
    """The tick labels matplotlib draws: ticks inside the view interval (it lists a few beyond it too)."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    return [tick.label1 for tick in axis.get_major_ticks() if low - slack <= tick.get_loc() <= high + slack]


def texts_of(fig: Figure) -> list[tuple[str, Bbox]]:
    """Every visible, non-empty text of a figure with its box on the canvas."""
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        artists = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        artists += [*drawn_tick_labels(ax.xaxis), *drawn_tick_labels(ax.yaxis)]
        legend = ax.get_legend()
        if legend is not None:
            artists += legend.get_texts()
        for artist in artists:
            if artist.get_visible() and artist.get_text().strip():
                found.append((artist.get_text(), shrink(artist.get_window_extent(renderer))))
    return found


def data_points(ax) -> np.ndarray:
    """Display coordinates of the data an axes draws: line vertices, scatter points and bar corners/tops."""
    points = [line.get_transform().transform(line.get_xydata()) for line in ax.get_lines() if len(line.get_xydata())]
    points += [c.get_offset_transform().transform(c.get_offsets()) for c in ax.collections if len(c.get_offsets())]
    for patch in ax.patches:
        box = patch.get_window_extent()
        points.append(np.array([[box.x0, box.y1], [box.x1, box.y1], [(box.x0 + box.x1) / 2, box.y1]]))
    return np.concatenate(points) if points else np.empty((0, 2))


def collisions(fig: Figure) -> list[str]:
    fig.canvas.draw()
    problems = [
        f"{a!r} overlaps {b!r}"
        for (a, box_a), (b, box_b) in itertools.combinations(texts_of(fig), 2)
        if box_a.overlaps(box_b)
    ]
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = shrink(legend.get_window_extent(fig.canvas.get_renderer()))
        covered = [p for p in data_points(ax) if box.contains(*p)]
        if covered:
            problems.append(f"the legend of {ax.get_title()!r} covers {len(covered)} data points")
    return problems


def charts_of_a_run(lang: str, values: dict) -> list[str]:
    """Run the workbook in-process (the edition's folder sets the language) and check each chart as it is shown."""
    problems: list[str] = []

    def check_open_figures(*_, **__):
        for number in plt.get_fignums():
            fig = plt.figure(number)
            problems.extend(f"{fig.axes[0].get_title() if fig.axes else '?'}: {p}" for p in collisions(fig))

    folder = ROOT / "notebooks" / ("zh" if lang == "zh" else "")
    with (
        mock.patch.dict(os.environ, {"CASEBOOK_NOTEBOOKS": str(folder)}),
        mock.patch.object(plt, "show", check_open_figures),
    ):
        run_in_process(STEM, values)
    return problems


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("values", RUNS, ids=["defaults", "bad-levers", "slow-stock-long-terms"])
def test_no_chart_text_collides_and_no_legend_covers_data(lang, values):
    assert charts_of_a_run(lang, values) == []
