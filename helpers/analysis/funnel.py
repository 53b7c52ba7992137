"""Funnels: step-to-step conversion, overall conversion and the leakiest step, found from the data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def funnel_table(steps: Sequence[str], counts: Sequence[float]) -> pd.DataFrame:
    """One row per step: count, conversion from the previous step and from the top, and the leakiest step.

    The leakiest step is the one with the lowest step conversion (where the largest share is lost);
    conversions are NaN where the previous step is zero, so an empty funnel has no leakiest step.
    """
    if len(steps) != len(counts):
        raise ValueError(f"funnel has {len(steps)} step names but {len(counts)} counts")
    values = np.asarray(counts, dtype=float)
    if (values < 0).any():
        raise ValueError("funnel counts must not be negative")
    previous = np.concatenate([[np.nan], values[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(previous > 0, values / previous, np.nan)
        overall = np.where(values[0] > 0, values / values[0], np.nan) if len(values) else values
    frame = pd.DataFrame({"step": list(steps), "count": values, "step_conversion": step, "overall_conversion": overall})
    frame["leakiest"] = False
    if np.isfinite(step).any():
        frame.loc[int(np.nanargmin(step)), "leakiest"] = True
    return frame


def leakiest_step(table: pd.DataFrame) -> str | None:
    """'product_views → add_to_cart' for the leakiest transition, or None when it cannot be found."""
    rows = table.index[table["leakiest"]]
    if len(rows) == 0:
        return None
    i = int(rows[0])
    return f"{table.loc[i - 1, 'step']} → {table.loc[i, 'step']}"
