"""plots.funnel draws every workbook's funnel with the common catalog's words: counts, the share of the previous
step beside each bar, the leakiest step in red, in both languages."""

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
