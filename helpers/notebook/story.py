"""The narrative layer of a workbook: prose with computed numbers, readable tables, the parameters table.

Everything shown to a reader passes through here so that numbers are formatted for people and any text that
came from data (a customer's name, a city) is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd
from IPython.display import HTML, Markdown, display

from helpers.core import fmt
from helpers.core.messages import label, message
from helpers.notebook.params import read_spec


def esc(text: object) -> str:
    """Text from data, made safe to place inside Markdown or HTML ("n/a" when there is none)."""
    return html.escape(fmt.text(text))


def say(markdown: str) -> None:
    """Show a paragraph of Markdown (already holding formatted numbers) as notebook prose."""
    display(Markdown(markdown))


def tell(key: str, **values: Any) -> None:
    """Show the catalog message `key` (see `helpers.core.messages`) with its placeholders filled from `values`."""
    say(message(key, **values))


def table(
    frame: pd.DataFrame, formats: Mapping[str, str] | None = None, *, caption: str = "", scope: str | None = None
) -> None:
    """Show a frame with columns formatted (`{"gmv": "yuan", "rate": "pct"}`); all cell text escaped.

    Column headers are the columns' reader-facing labels in the current language (`messages.label`, within a
    workbook's label `scope` when given). Formatted (numeric) columns are right-aligned, the others
    left-aligned, so labels read naturally.
    """
    formats = dict(formats or {})
    shown = frame.copy()
    for column in shown.columns[[pd.api.types.is_datetime64_any_dtype(t) for t in shown.dtypes]]:
        stamps = shown[column]
        whole_days = (stamps.dropna() == stamps.dropna().dt.normalize()).all()
        shown[column] = stamps.dt.strftime("%Y-%m-%d" if whole_days else "%Y-%m-%d %H:%M")
    for column, kind in formats.items():
        shown[column] = shown[column].map(lambda v, kind=kind: fmt.as_kind(kind, v))
    shown = shown.astype(object).where(shown.notna(), fmt.na())
    head = "".join(f'<th style="text-align:{_align(c, formats)}">{esc(label(c, scope))}</th>' for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(f'<td style="text-align:{_align(c, formats)}">{esc(v)}</td>' for c, v in row.items()) + "</tr>"
        for _, row in shown.iterrows()
    )
    title = f"<p><b>{esc(caption)}</b></p>" if caption else ""
    display(HTML(f"{title}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"))


def _align(column: object, formats: Mapping[str, str]) -> str:
    """Numbers right-aligned and never broken between a sign and its figure (−¥1.2万); text left-aligned."""
    return "right;white-space:nowrap" if column in formats and formats[column] != "text" else "left"


def parameters_table(notebook: str, values: Mapping[str, Any]) -> None:
    """The run's parameters beside their defaults, allowed values and meaning, in the edition's language (the
    meaning is the help comment of the edition's own parameters cell)."""
    spec = read_spec(notebook)  # the edition of the process language: its help is in the reader's language
    rows = [
        {
            "parameter": p.name,
            "value": repr(values[p.name]),
            "default": repr(p.default),
            "allowed": p.range_text() or message(f"common.parameters.any.{p.type}"),
            "meaning": p.help,
        }
        for p in spec
    ]
    table(pd.DataFrame(rows), caption=message("common.parameters.caption"))
