"""The chart legibility check finds text drawn over text and legends drawn over data, and passes clean charts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from helpers.notebook import layout, plots


@pytest.fixture(autouse=True)
def closed():
    with matplotlib.rc_context():
        plots.setup()
        yield
    plt.close("all")


def test_a_clean_bar_chart_has_no_collision():
    ax = plots.bar(["Tier 1", "Tier 2", "Tier 3"], [3.0, 2.0, 1.0], title="GMV by tier (¥)", xlabel="Tier", ylabel="¥")
    assert layout.collisions(ax.figure) == []


def test_long_category_names_on_a_narrow_axis_collide():
    fig, ax = plt.subplots(figsize=(3, 3))
    names = ["Bargain giveaways", "Coupons and subsidies", "Platform advertising", "Logistics"]
    ax.bar(names, [1, 2, 3, 4])
    found = layout.collisions(fig)
    assert any({c.first, c.second} & set(names) for c in found)


def test_two_annotations_at_the_same_place_collide():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="line")
    ax.text(0.5, 0.5, "1.74×")
    ax.text(0.5, 0.5, "1.71×")
    assert [(c.first, c.second) for c in layout.collisions(fig)] == [("1.74×", "1.71×")]


def test_a_legend_over_the_bars_is_reported():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(range(5), [10, 10, 10, 10, 10], label="orders")
    ax.set_ylim(0, 10.5)
    ax.legend(loc="upper left")
    found = layout.collisions(fig)
    assert [c.first for c in found] == ["legend"]


def test_a_legend_beside_the_data_is_fine():
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(range(3), [1, 2, 3], label="orders")
    ax.set_ylim(0, 8)
    ax.legend(loc="upper left")
    assert layout.collisions(fig) == []


def test_waterfall_labels_wrap_whole_words_and_never_collide():
    steps = [
        ("Revenue", 5e6),
        ("Cost of goods sold", -4e6),
        ("Fulfilment", -4e5),
        ("Other operating expenses", -3e5),
        ("Membership fees", 1e5),
        ("Paid ads", -1e5),
        ("Bargain giveaways", -1e5),
        ("Coupons", -5e4),
    ]
    ax = plots.waterfall(steps, title="P&L (¥)")
    shown = [t.get_text() for t in ax.get_xticklabels()]
    assert [label.replace("\n", " ") for label in shown[:-1]] == [name for name, _ in steps]
    assert layout.collisions(ax.figure) == []


def test_a_year_of_month_labels_is_thinned_until_it_fits():
    months = [f"2023-{m:02d}" for m in range(1, 13)] * 2
    ax = plots.bar(months, [1.0] * 24, title="Revenue by month (¥)", xlabel="Month", ylabel="¥")
    shown = [t.get_text() for t in ax.get_xticklabels()]
    assert shown[0] == "2023-01" and "" in shown
    assert layout.collisions(ax.figure) == []


def _tiers_with_legend_beside() -> plt.Figure:
    names = [f"Tier {i} city" for i in range(1, 7)]
    ax = plots.bar(names, [6.0, 5, 4, 3, 2, 1], title="GMV", xlabel="Tier", ylabel="¥")
    ax.plot(range(6), [5.0, 4, 3, 2, 1, 0], label="last year")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax.figure


def test_the_check_measures_the_layout_that_a_real_draw_gives():
    painted, checked = _tiers_with_legend_beside(), _tiers_with_legend_beside()
    painted.canvas.draw()
    layout.collisions(checked)  # lays the figure out without painting it
    for a, b in zip(painted.axes, checked.axes, strict=True):
        assert a.get_position().bounds == b.get_position().bounds  # the tight layout ran, the legend narrowed it
        extents = [[t.get_window_extent().bounds for t in ax.get_xticklabels()] for ax in (a, b)]
        assert extents[0] == extents[1]
