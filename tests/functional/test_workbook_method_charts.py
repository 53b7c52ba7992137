"""Workbook 00's charts stay legible (issue 17): drawn in both languages at the defaults and two other parameter
sets, no two texts a reader sees (tick labels, value labels, legend) overlap and no legend covers data."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from generators import your_shop
from generators.common import config_from
from helpers.core import language
from helpers.notebook import plots
from helpers.notebook.params import read_spec
from helpers.workbooks.method import case, charts

matplotlib.use("Agg")
STEM = "00_case_review_method"


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")
    matplotlib.pyplot.close("all")


def _middle(box) -> tuple[float, float]:
    return (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2


def text_boxes(ax) -> list[tuple[str, object]]:
    """Window extents of every text a reader sees on the chart: tick labels in view, value labels, legend."""
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    ticks = [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text() and t.get_visible()]
    around = frame.expanded(1.3, 1.3)
    shown = [t for t in ticks if around.contains(*_middle(t.get_window_extent(renderer)))]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in shown + list(ax.texts)]
    legend = ax.get_legend()
    if legend is not None:
        boxes.append(("legend", legend.get_window_extent(renderer)))
    return boxes


def data_points(ax) -> np.ndarray:
    """Display coordinates of the data a legend must not cover: line vertices and bar tops."""
    points = [ax.transData.transform(line.get_xydata()) for line in ax.get_lines() if len(line.get_xydata())]
    for bar in ax.patches:
        x, y = bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height()
        points.append(ax.transData.transform([[x, y]]))
    return np.concatenate(points) if points else np.empty((0, 2))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "changes",
    [{}, {"promo_discount": 0.4, "promo_elasticity": 6.0}, {"promo_days": 3, "marketing_cost": 0.0, "seed": 7}],
)
def test_no_two_texts_collide_and_no_legend_covers_data(lang, changes):
    language.use(lang)
    plots.setup()
    values = {**read_spec(STEM).defaults(), "scale": 0.05, **changes}
    tables = your_shop.generate(config_from(your_shop.Config, values))
    alternative = case.counterfactual(values)
    first, last, _ = case.promo_dates(values)
    effect = case.promotion(tables, alternative, values)
    axes = {
        "monthly": charts.monthly_gmv(case.monthly(tables["orders"])),
        "around": charts.orders_around(case.orders_around(tables, alternative, values), first, last),
        "funnel": charts.funnel(case.funnel(tables["funnel_daily"])),
        "tiers": charts.tiers(case.tiers(tables["orders"], values)),
        "bridge": charts.profit_bridge(effect["true"], values),
        "break_even": charts.break_even(values["gross_margin"]),
    }
    for name, ax in axes.items():
        boxes = text_boxes(ax)
        for i, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[i + 1 :]:
                assert not box_a.overlaps(box_b), f"{lang} {changes} {name}: {a!r} overlaps {b!r}"
        legend = ax.get_legend()
        if legend is not None:
            box = legend.get_window_extent(ax.figure.canvas.get_renderer())
            inside = [p for p in data_points(ax) if box.contains(*p)]
            assert not inside, f"{lang} {changes} {name}: the legend covers data at {inside[:3]}"
