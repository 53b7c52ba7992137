"""Record headline numbers inside an executed notebook and read them back (after recommenders' notebook_utils).

`record(name, value)` displays a custom-MIME JSON output that readers never see (empty text, dropped from
HTML); `read_metrics(path)` collects them from the executed notebook. Tests and batch summaries read only these.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from IPython.display import display

MIME = "application/vnd.casebook.metric+json"


def jsonable(value: Any) -> Any:
    """Plain JSON types for numpy/pandas scalars and containers; NaN and inf become None (n/a)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if value is None or isinstance(value, int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot record a {type(value).__name__}: use numbers, text, lists or dicts")


def record(name: str, value: Any) -> Any:
    """Store `value` under `name` in the notebook's outputs; returns the stored JSON value."""
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
