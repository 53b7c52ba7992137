"""Legibility checks for a drawn chart: text that collides with other text, and legends that cover data.

Matplotlib knows where every artist lands on the canvas (`get_window_extent`), so a collision is a fact that can
be tested after a chart is drawn instead of a judgement made by eye. The checks read a finished Figure and
change nothing; the workbook runs in `make test` call them on every chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

TOLERANCE_PX = 1.0  # boxes that merely touch (anti-aliasing, glyph padding) are not a collision


@dataclass(frozen=True)
class Collision:
    """Two things drawn on top of each other: what they are and where (the figure's title, for the message)."""

    chart: str
    first: str
    second: str

    def __str__(self) -> str:
        return f"{self.chart}: {self.first!r} overlaps {self.second!r}"


def _drawn_texts(figure: Figure) -> list[Text]:
    """The texts the figure actually draws: titles, axis labels, drawn tick labels, annotations, legends."""
    texts: list[Text] = [t for t in figure.texts] + ([figure._suptitle] if figure._suptitle else [])
    for ax in figure.axes:
        texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):
            texts.append(axis.get_offset_text())
            for tick in axis._update_ticks():  # only the ticks inside the view limits are drawn
                texts += [label for label in (tick.label1, tick.label2) if label.get_visible()]
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            texts += legend.get_texts()
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def _overlap(a: Bbox, b: Bbox) -> bool:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > TOLERANCE_PX and height > TOLERANCE_PX


def _data_boxes(ax: Axes, renderer: RendererBase) -> list[tuple[str, Bbox]]:
    """Boxes of the data an Axes draws: bars, line and scatter points (as tiny boxes)."""
    boxes: list[tuple[str, Bbox]] = []
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_visible() and patch.get_width() and patch.get_height():
            if patch.get_alpha() is not None and patch.get_alpha() < 0.5:
                continue  # shaded bands (a promotion period) sit behind the data on purpose
            boxes.append(("bar", patch.get_window_extent(renderer)))
    points = []
    for line in ax.lines:
        if isinstance(line, Line2D) and line.get_visible():
            xy = line.get_xydata()
            if len(xy) and not _is_reference_line(xy):
                points.append(ax.transData.transform(np.asarray(xy, dtype=float)))
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and collection.get_visible():
            offsets = collection.get_offsets()
            if len(offsets):
                points.append(ax.transData.transform(np.asarray(offsets, dtype=float)))
    for xy in points:
        finite = xy[np.isfinite(xy).all(axis=1)]
        boxes += [("data point", Bbox.from_bounds(x - 1.5, y - 1.5, 3, 3)) for x, y in finite]
    return boxes


def _is_reference_line(xy: np.ndarray) -> bool:
    """axhline/axvline (two points, constant x or y) mark a threshold, not data a legend may not cover."""
    return len(xy) == 2 and (xy[0][0] == xy[1][0] or xy[0][1] == xy[1][1])


def collisions(figure: Figure) -> list[Collision]:
    """Pairs of texts drawn over each other, and legends drawn over data, on a finished figure.

    The figure is laid out without painting a pixel (`draw_without_rendering`): positions and extents are those
    of a real draw, at a fraction of its cost, since the checks run on every chart of every swept workbook.
    """
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    chart = titles[0] if titles else (figure._suptitle.get_text() if figure._suptitle else "untitled chart")
    found = []
    texts = _drawn_texts(figure)
    boxes = {id(t): t.get_window_extent(renderer) for t in texts}
    for first, second in combinations(texts, 2):
        if _overlap(boxes[id(first)], boxes[id(second)]):
            found.append(Collision(chart, first.get_text(), second.get_text()))
    for ax in figure.axes:
        legend = ax.get_legend()
        if isinstance(legend, Legend) and legend.get_visible():
            box = legend.get_window_extent(renderer)
            own = {id(t) for t in legend.get_texts()}
            covered = [t.get_text() for t in texts if id(t) not in own and _overlap(box, boxes[id(t)])]
            covered += [name for name, data in _data_boxes(ax, renderer) if _overlap(box, data)]
            if covered:
                found.append(Collision(chart, "legend", f"{covered[0]} (and {len(covered) - 1} more)"))
    return found
