"""Tables on the terminal: columns sized to their content, the last column wrapped to the terminal's width.

Widths count what a terminal draws: a Chinese character (East Asian wide or full-width) takes two columns, so
the Chinese edition's help lines up as the English does. A long cell wraps onto continuation lines indented to
its column, so a long failure message or help text never pushes into the next row's columns.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Sequence

MIN_LAST = 24  # the last column gets at least this many terminal columns, however narrow the terminal
GAP = "  "
_TOKENS = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|\s+")


def terminal_width() -> int:
    """Columns of the terminal; 120 when the output goes to a file or a pipe (or COLUMNS says otherwise)."""
    return shutil.get_terminal_size((120, 24)).columns


def width(text: str) -> int:
    """Columns `text` takes on a terminal (wide and full-width characters count two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """`text` padded with spaces to `columns` terminal columns (on the left when `right`)."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def wrap(text: str, columns: int) -> list[str]:
    """`text` broken into lines of at most `columns` terminal columns: between words, or between Chinese
    characters; a single word longer than a line stays whole on its own line."""
    lines, line = [], ""
    for token in _TOKENS.findall(text):
        if line.strip() and width(line + token.rstrip()) > columns:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() or not lines else lines


def table(rows: Sequence[Sequence[str]], right: Sequence[int] = (), total: int | None = None) -> list[str]:
    """Rows of cells as aligned lines: every column as wide as its widest cell, the last one wrapped.

    `right` lists the columns aligned to the right (numbers); `total` is the line width (default: the
    terminal's, 120 when output goes to a file or pipe).
    """
    if not rows:
        return []
    total = total or terminal_width()
    count = len(rows[0])
    widths = [max(width(row[i]) for row in rows) for i in range(count - 1)]
    indent = sum(widths) + len(GAP) * (count - 1)
    last = max(MIN_LAST, total - indent)
    lines = []
    for row in rows:
        head = GAP.join(pad(cell, w, i in right) for i, (cell, w) in enumerate(zip(row, widths, strict=False)))
        wrapped = wrap(row[-1], last)
        lines.append((head + GAP + wrapped[0]).rstrip())
        lines += [" " * indent + more for more in wrapped[1:]]
    return lines
