"""plots draws every workbook's charts the same way: a funnel with the common catalog's words (counts, the share
of the previous step beside each bar, the leakiest step in red, in both languages); bar and waterfall values
written just above each bar's top."""

from __future__ import annotations

import matplotlib
import pytest
from matplotlib.colors import to_hex

from helpers.analysis.funnel import funnel_table
from helpers.core import language
from helpers.notebook import plots

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def english_after():
    yield
    language.use("en")
    matplotlib.pyplot.close("all")


def drawn(steps, counts):
    ax = plots.funnel(funnel_table(steps, counts), title="Parcel card to repurchase (customers)")
    captions = [text.get_text() for text in ax.texts]
    colors = [to_hex(bar.get_facecolor()) for bar in ax.patches]
    return ax, captions, colors


def test_each_bar_shows_its_count_and_the_share_of_the_previous_step():
    # 2,000 → 500 is 25.0% of previous, 500 → 400 is 80.0%: the first transition leaks most
    ax, captions, colors = drawn(["card", "added", "repurchased"], [2000, 500, 400])
    assert captions == ["400  (80.0% of previous)", "500  (25.0% of previous)", "2,000"]  # drawn bottom-up
    assert colors == [plots.PALETTE[0], plots.BAD, plots.PALETTE[0]]
    assert ax.get_xlabel() == "Count" and ax.get_title() == "Parcel card to repurchase (customers)"


def test_the_chinese_edition_uses_the_common_chinese_words():
    language.use("zh")
    ax, captions, _ = drawn(["card", "added", "repurchased"], [2000, 500, 400])
    assert captions == ["400（占上一步 80.0%）", "500（占上一步 25.0%）", "2,000"]
    assert ax.get_xlabel() == "数量"


def test_a_step_after_an_empty_one_shows_only_its_count():
    _, captions, colors = drawn(["card", "added"], [0, 0])
    assert captions == ["0", "0"]
    assert plots.BAD not in colors  # no conversion, so no leakiest step


def value_labels(ax):
    return [(t.get_text(), tuple(float(v) for v in t.xy), t.get_va(), t.get_fontsize()) for t in ax.texts]


def test_bar_values_stand_above_each_bar():
    ax = plots.bar(["a", "b"], [1500.0, 250.0], title="t", xlabel="x", ylabel="y", y="yuan", annotate="yuan")
    assert value_labels(ax) == [("¥1.50k", (0.0, 1500.0), "bottom", 9), ("¥250.00", (1.0, 250.0), "bottom", 9)]


def test_waterfall_values_stand_above_the_top_of_each_step():
    # revenue 1000, costs −600 (a bar from 400 up to 1000), result 400
    ax = plots.waterfall([("Revenue", 1000.0), ("Costs", -600.0)], title="t")
    assert value_labels(ax) == [
        ("¥1.0k", (0.0, 1000.0), "bottom", 9),
        ("−¥600.0", (1.0, 1000.0), "bottom", 9),
        ("¥400.0", (2.0, 400.0), "bottom", 9),
    ]
