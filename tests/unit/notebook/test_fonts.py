"""Chart fonts: Chinese renders from the packaged Noto Sans SC; a glyph no font has fails instead of showing tofu."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from helpers.core import language
from helpers.notebook import plots


@pytest.fixture(autouse=True)
def restore():
    with matplotlib.rc_context(), warnings.catch_warnings():
        yield
    language.use("en")
    plt.close("all")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chinese_chart_text_renders_without_missing_glyphs(lang):
    language.use(lang)
    plots.setup()
    assert "Noto Sans SC" in matplotlib.rcParams["font.family"]
    ax = plots.new_axes()
    ax.set_title("每月 GMV（¥万）— 拼团订单占比 −12%")
    ax.set_xlabel("城市等级 City tier")
    ax.figure.savefig(io.BytesIO(), format="png")


def test_a_glyph_no_font_has_fails_the_chart():
    plots.setup()
    ax = plots.new_axes()
    ax.set_title("\U0001f9ff")  # nazar amulet: in neither DejaVu Sans nor Noto Sans SC
    with pytest.raises(UserWarning, match="missing from font"):
        ax.figure.savefig(io.BytesIO(), format="png")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bold_titles_find_a_weight_without_a_findfont_complaint(lang, caplog):
    language.use(lang)
    plots.setup()
    ax = plots.new_axes()
    size = {"en": 13.01, "zh": 13.02}[lang]  # a size no other text used: matplotlib caches font look-ups
    ax.set_title("Revenue by month 月度销售额 (¥)", fontweight="bold", fontsize=size)
    with caplog.at_level("INFO", logger="matplotlib.font_manager"):
        ax.figure.savefig(io.BytesIO(), format="png")
    assert not [r for r in caplog.records if "Failed to find font weight" in r.getMessage()]


@pytest.mark.parametrize("text", ["Li Lei · d=0.1", "韩梅梅", "\U0001f9ff", "小明🙂"])
def test_drawable_agrees_with_what_a_chart_can_draw(text):
    """`drawable` says in advance what the strict glyph check says when the chart is saved."""
    plots.setup()
    ax = plots.new_axes()
    ax.set_title(text)
    try:
        ax.figure.savefig(io.BytesIO(), format="png")
        drew = True
    except UserWarning:
        drew = False
    assert plots.drawable(text) is drew
