"""Formulas in HTML reports, drawn when the report is built, so a report needs no MathJax from the internet.

A markdown cell's `$$…$$` (display) and `$…$` (inline) TeX becomes an SVG image drawn by matplotlib's mathtext,
which knows the common subset of TeX (`\\frac`, `\\geq`, `\\text`, Greek letters, sub- and superscripts). In
JupyterLab the same cells render with the MathJax that JupyterLab ships, so notebooks keep plain TeX.
"""

from __future__ import annotations

import base64
import html
import io
import re

DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
INLINE = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")


def svg(tex: str, fontsize: float = 13.0) -> str:
    """The TeX formula `tex` (without dollars) as an SVG document; ValueError naming it if mathtext cannot draw it."""
    import matplotlib  # lazy: matplotlib takes ~1 s to import; only HTML reports with formulas need it
    from matplotlib.figure import Figure  # lazy: see above

    figure = Figure(figsize=(0.01, 0.01))
    figure.text(0, 0, f"${tex}$", fontsize=fontsize)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "casebook", "svg.fonttype": "path"}):
        try:
            figure.savefig(
                buffer, format="svg", bbox_inches="tight", pad_inches=0.02, transparent=True, metadata={"Date": None}
            )
        except ValueError as error:
            raise ValueError(f"formula ${tex}$ cannot be drawn for the HTML report: {error}") from None
    return buffer.getvalue().decode("utf-8")


def image(tex: str) -> str:
    """An <img> tag holding the drawn formula as a data URI, its TeX as the alternative text."""
    data = base64.b64encode(svg(tex.strip()).encode("utf-8")).decode("ascii")
    return f'<img alt="{html.escape(tex.strip())}" src="data:image/svg+xml;base64,{data}">'


def draw_formulas(markdown: str) -> str:
    """`markdown` with every `$$…$$` (display) and `$…$` (inline) formula replaced by its drawn image."""
    markdown = DISPLAY.sub(lambda m: image(m.group(1)), markdown)
    return INLINE.sub(lambda m: image(m.group(1)), markdown)
