"""Collisions on a drawn matplotlib figure: text elements that overlap, a legend that covers data.

Reads every artist's window extent after drawing, as the reader's eye would meet them: tick labels, value
labels and annotations, titles, axis labels and legends must not touch each other, and a legend inside the
axes must not cover a line's points or a bar.
"""

from __future__ import annotations

from itertools import combinations

from matplotlib.figure import Figure
from matplotlib.transforms import Bbox


def _texts(fig: Figure) -> list[tuple[str, Bbox]]:
    renderer = fig.canvas.get_renderer()
    boxes = []
    for ax in fig.axes:
        texts = [*ax.get_xticklabels(), *ax.get_yticklabels(), *ax.texts, ax.title, ax.xaxis.label, ax.yaxis.label]
        for text in texts:
            if text.get_visible() and text.get_text().strip():
                boxes.append((text.get_text(), text.get_window_extent(renderer)))
        legend = ax.get_legend()
        if legend is not None:
            boxes.append(("legend", legend.get_window_extent(renderer)))
    return boxes


def overlapping_texts(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of text elements (by their text; 'legend' for a legend) whose boxes overlap."""
    fig.canvas.draw()
    return [(a, b) for (a, box_a), (b, box_b) in combinations(_texts(fig), 2) if box_a.overlaps(box_b)]


def legend_covers_data(fig: Figure) -> bool:
    """True when a legend drawn inside its axes covers a point of a line or part of a bar."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        if not ax.get_window_extent(renderer).overlaps(box):
            continue  # beside the axes
        for line in ax.get_lines():
            points = line.get_transform().transform(line.get_xydata())
            if box.count_contains(points) > 0:
                return True
        if any(box.overlaps(patch.get_window_extent(renderer)) for patch in ax.patches):
            return True
    return False
