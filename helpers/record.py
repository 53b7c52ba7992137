"""Record headline numbers inside an executed notebook and read them back (after recommenders' notebook_utils).

`record(name, value)` displays a custom-MIME JSON output that readers never see (empty text, dropped from
HTML); `read_metrics(path)` collects them from the executed notebook. Tests and batch summaries read only these.

Floats are stored rounded to SIGNIFICANT_DIGITS significant digits, here and nowhere else: the last digits of a
fitted figure depend on which BLAS kernel the CPU picks, and strict nbval compares the stored payload as text.
Eight, not ten: a forecast MAPE came out 0.13615963921 on Haswell and 0.13615963926 on Prescott, which ten
digits still tell apart.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

MIME = "application/vnd.casebook.metric+json"
SIGNIFICANT_DIGITS = 8


def significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """`value` rounded to `digits` significant digits (0.0 stays 0.0)."""
    return float(f"{value:.{digits - 1}e}")


def jsonable(value: Any) -> Any:
    """Plain JSON types for numpy/pandas scalars and containers; floats to 8 significant digits, NaN/inf None."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return significant(float(value)) if math.isfinite(value) else None
    if value is None or isinstance(value, int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot record a {type(value).__name__}: use numbers, text, lists or dicts")


def record(name: str, value: Any) -> Any:
    """Store `value` under `name` in the notebook's outputs; returns the stored JSON value."""
    from IPython.display import display

    stored = jsonable(value)
    display({MIME: {"name": name, "value": stored}, "text/plain": ""}, raw=True)
    return stored


def metrics_from_cells(cells: list[dict]) -> dict[str, Any]:
    """All recorded metrics in notebook cells; a later record of the same name wins."""
    found: dict[str, Any] = {}
    for cell in cells:
        for output in cell.get("outputs", []):
            item = output.get("data", {}).get(MIME)
            if item is not None:
                found[item["name"]] = item["value"]
    return found


def read_metrics(path: str | Path) -> dict[str, Any]:
    """The metrics recorded in an executed notebook file."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    return metrics_from_cells(notebook["cells"])


class Metrics(dict):
    """A notebook's headline numbers: `m("gmv", value)` records the value and keeps it for the review card."""

    def __call__(self, name: str, value: Any) -> Any:
        self[name] = value
        record(name, value)
        return value
