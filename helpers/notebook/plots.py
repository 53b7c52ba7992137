"""One house style for every chart: seaborn theme, palette, sizes and ¥ / % / thousands axis formatters.

Chart text is in the edition's language. Latin text uses DejaVu Sans (ships with matplotlib); Chinese text uses
Noto Sans SC (SIL Open Font Licence), which the pinned `pylopdf-fonts-zh-cn` package installs as a file and
`setup()` registers explicitly, so nothing depends on the fonts of the machine. A character no registered font
has would print as an empty box: `setup()` turns matplotlib's "Glyph … missing" warning into an error, so such
a run fails instead of showing tofu. Call `setup()` once per notebook; each chart function returns its Axes.
"""

from __future__ import annotations

import dataclasses
import math
import textwrap
import warnings
from collections.abc import Sequence
from functools import cache

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pylopdf_fonts_zh_cn
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import FuncFormatter, PercentFormatter

from helpers.core import fmt
from helpers.core.language import current
from helpers.core.messages import message

PALETTE = ["#2f6db5", "#e07b39", "#3a9e6f", "#c4453c", "#8a63b8", "#8c8c8c", "#d4a72c", "#4bb3c4"]
GOOD, BAD, NEUTRAL = "#3a9e6f", "#c4453c", "#8c8c8c"
FIGSIZE = (8, 4.2)
BESIDE = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}  # `ax.legend(**BESIDE)`: beside the axes, off the data


LATIN_FONT = "DejaVu Sans"


def chinese_font() -> str:
    """Register the packaged Noto Sans SC with matplotlib (idempotent) and return its family name.

    The package ships one weight, so the file is also registered as the family's bold: bold text (titles) then
    uses it as matplotlib would anyway, without the "findfont: Failed to find font weight bold" line that would
    otherwise reach every notebook's stderr.
    """
    path = str(pylopdf_fonts_zh_cn.sans_path())
    if path not in {entry.fname for entry in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
        regular = next(entry for entry in font_manager.fontManager.ttflist if entry.fname == path)
        font_manager.fontManager.ttflist.append(dataclasses.replace(regular, weight=700))
    return font_manager.FontProperties(fname=path).get_name()


@cache
def _house_charmaps() -> tuple[dict[int, int], ...]:
    """The characters DejaVu Sans and Noto Sans SC have glyphs for, read from the font files once."""
    fonts = (font_manager.findfont(LATIN_FONT), str(pylopdf_fonts_zh_cn.sans_path()))
    return tuple(FT2Font(path).get_charmap() for path in fonts)


def drawable(text: str) -> bool:
    """True when the house fonts (DejaVu Sans, then Noto Sans SC) have a glyph for every character of `text`:
    names typed by people (a trainee's) may hold characters neither font draws, such as emoji."""
    return all(any(ord(char) in charmap for charmap in _house_charmaps()) for char in text)


def setup() -> None:
    """Apply the house style (idempotent) in the edition's fonts; a missing glyph becomes an error."""
    chinese = chinese_font()
    families = [chinese, LATIN_FONT] if current() == "zh" else [LATIN_FONT, chinese]
    import seaborn as sns  # lazy: seaborn brings scipy.stats (≈0.8 s) to every `casebook` command otherwise

    sns.set_theme(style="whitegrid", palette=PALETTE, font=families[0])
    warnings.filterwarnings("error", message=r"Glyph \d+ .*missing from font", category=UserWarning)
    matplotlib.rcParams.update(
        {
            "font.family": families,
            "figure.figsize": FIGSIZE,
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.titlesize": 14,
            "axes.titleweight": "normal",  # Noto Sans SC ships one weight: the same title weight in both editions
            "axes.labelsize": 11,
            "legend.frameon": False,
            "figure.autolayout": True,
            "svg.hashsalt": "casebook",
        }
    )


def _yuan_tick(value: float, _: object) -> str:
    """A ¥ tick: compact with one decimal from the first unit on (¥25.0k, ¥2.5万), whole yuan below it."""
    if current() == "zh":
        return fmt.yuan(value, 2) if abs(value) >= 1e4 else fmt.yuan(value, 0)  # 万 shows one decimal fewer
    return fmt.yuan(value, 1) if abs(value) >= 1000 else fmt.yuan(value, 0)


yuan_axis = FuncFormatter(_yuan_tick)
pct_axis = PercentFormatter(xmax=1, decimals=0)  # shares as percent ticks: 0.25 → 25%
thousands_axis = FuncFormatter(lambda v, _: fmt.num(v))
FORMATTERS = {"yuan": yuan_axis, "pct": pct_axis, "num": thousands_axis, None: None}


def label(ax: Axes, title: str, xlabel: str, ylabel: str, y: str | None = None, x: str | None = None) -> Axes:
    """Title, axis labels (say the unit: ¥, %, days) and the ¥ / % / thousands formatter for each axis."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if FORMATTERS[y] is not None:
        ax.yaxis.set_major_formatter(FORMATTERS[y])
    if FORMATTERS[x] is not None:
        ax.xaxis.set_major_formatter(FORMATTERS[x])
    return ax


def fit_category_labels(ax: Axes, *, thin: bool = True, room: float = 0.75) -> None:
    """Keep x tick labels of a category axis from running into each other.

    Long labels are wrapped at word breaks (never inside a word); with `thin`, labels that still do not fit
    their slot (dates such as 2023-01 on a year of months) are thinned to every k-th one. Measured with the
    figure's renderer, so it holds for either edition's font.
    """
    ax.figure.draw_without_rendering()  # lay the figure out first (a legend beside the axes narrows them), unpainted
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    positions = list(ax.get_xticks())
    texts = [t.get_text() for t in ax.get_xticklabels()]
    if len(positions) < 2:
        return
    slot = room * ax.get_window_extent(renderer).width / len(positions)

    def width(text: str) -> float:
        probe = ax.text(0, 0, text, fontsize=matplotlib.rcParams["xtick.labelsize"])
        size = probe.get_window_extent(renderer).width
        probe.remove()
        return size

    widths = [width(t) for t in texts]
    if max(widths) <= slot:
        return
    texts = [
        textwrap.fill(t, max(4, math.floor(len(t) * slot / w)), break_long_words=False, break_on_hyphens=False)
        if w > slot and " " in t
        else t
        for t, w in zip(texts, widths, strict=True)
    ]
    widest = max(width(t) for t in texts)
    if thin and widest > slot:
        step = math.ceil(widest / slot)
        texts = [t if i % step == 0 else "" for i, t in enumerate(texts)]
    ax.set_xticks(positions, texts)


def new_axes(figsize: tuple[float, float] = FIGSIZE) -> Axes:
    """A fresh figure in the house size."""
    _, ax = plt.subplots(figsize=figsize)
    return ax


def _above(ax: Axes, text: str, x: float, y: float) -> None:
    """A bar's value written just above its top, the same size and gap on every bar chart."""
    ax.annotate(text, (x, y), ha="center", va="bottom", fontsize=9, xytext=(0, 2), textcoords="offset points")


def bar(
    labels: Sequence,
    values: Sequence[float],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    y: str | None = None,
    colors: Sequence[str] | None = None,
    annotate: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Vertical bars with optional value labels formatted as `annotate` ('yuan', 'pct', 'num')."""
    ax = ax or new_axes()
    positions = np.arange(len(values))
    ax.bar(positions, values, color=colors or PALETTE[0])
    ax.set_xticks(positions, [str(label) for label in labels])
    if annotate:
        for pos, value in zip(positions, values, strict=True):
            _above(ax, fmt.as_kind(annotate, value), pos, value)
    label(ax, title, xlabel, ylabel, y)
    fit_category_labels(ax)
    return ax


def lines(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    y: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One line per column of `frame` against its index."""
    ax = ax or new_axes()
    for i, column in enumerate(frame.columns):
        ax.plot(frame.index, frame[column], label=str(column), color=PALETTE[i % len(PALETTE)], linewidth=2)
    if len(frame.columns) > 1:
        ax.legend()
    return label(ax, title, xlabel, ylabel, y)


def funnel(steps: pd.DataFrame, *, title: str, ax: Axes | None = None) -> Axes:
    """Horizontal funnel from a `helpers.funnel.funnel_table` frame; the leakiest step in red.

    The x label and the step-conversion caption beside each bar are the common catalog's (`common.chart`), the
    same words in every workbook; the title names what is counted.
    """
    ax = ax or new_axes()
    order = steps.iloc[::-1]
    colors = [BAD if leak else PALETTE[0] for leak in order["leakiest"]]
    ax.barh(order["step"], order["count"], color=colors)
    for pos, (count, rate) in enumerate(zip(order["count"], order["step_conversion"], strict=True)):
        caption = fmt.num(count)
        if not fmt.is_missing(rate):
            caption += message("common.chart.of_previous", share=rate)
        ax.annotate(caption, (count, pos), va="center", xytext=(4, 0), textcoords="offset points", fontsize=9)
    top = order["count"].max() if len(order) else 0
    ax.set_xlim(0, top * 1.45 if top > 0 else 1)  # room for the captions; an empty funnel still has a scale
    return label(ax, title, message("common.chart.count"), "", None, "num")


def heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    value: str = "pct",
    ax: Axes | None = None,
) -> Axes:
    """An annotated heatmap (e.g. cohort retention), values formatted as `value`."""
    ax = ax or new_axes((9, max(3.0, 0.35 * len(matrix) + 1.5)))
    text = {"pct": lambda v: f"{v * 100:.0f}", "num": lambda v: fmt.num(v)}[value]
    labels = matrix.map(lambda v: "" if pd.isna(v) else text(v))
    import seaborn as sns  # lazy: see setup()

    sns.heatmap(matrix.astype(float), annot=labels, fmt="", cmap="Blues", cbar=False, ax=ax, annot_kws={"fontsize": 8})
    return label(ax, title + (" (%)" if value == "pct" else ""), xlabel, ylabel, None)


def waterfall(
    steps: Sequence[tuple[str, float]],
    *,
    title: str,
    ylabel: str = "¥",
    against_start: bool = False,
    result: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """P&L waterfall: the first item is the starting total, the rest are signed changes, the end is the result.

    The result is green when positive; with `against_start` (a bridge from a baseline) it is green only when it
    beats the starting total, which is drawn as a dashed line. `result` names the last bar (default: the
    catalog's generic "Result").
    """
    ax = ax or new_axes((max(FIGSIZE[0], 1.1 * (len(steps) + 1)), FIGSIZE[1] + 0.4))  # a slot per step
    labels = [s[0] for s in steps] + [result if result is not None else message("common.chart.result")]
    deltas = np.array([s[1] for s in steps], dtype=float)
    ends = np.cumsum(deltas)
    starts = np.concatenate([[0.0], ends[:-1]])
    colors = [PALETTE[0]] + [GOOD if d >= 0 else BAD for d in deltas[1:]]
    ax.bar(range(len(deltas)), ends - starts, bottom=starts, color=colors)
    reference = deltas[0] if against_start else 0.0
    ax.bar(len(deltas), ends[-1], color=GOOD if ends[-1] >= reference else BAD)
    if against_start:
        ax.axhline(reference, color=NEUTRAL, linestyle="--", linewidth=1)
    for pos, value in enumerate([*deltas, ends[-1]]):
        top = max(starts[pos], ends[pos]) if pos < len(deltas) else max(ends[-1], 0)
        _above(ax, fmt.yuan(value, 1), pos, top)
    ax.axhline(0, color="black", linewidth=0.8)
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.1 * (high - low))  # room for the value labels under the title
    ax.set_xticks(range(len(labels)), labels)
    label(ax, title, "", ylabel, "yuan")
    fit_category_labels(ax, thin=False)
    return ax
