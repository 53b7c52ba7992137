"""The private domain (私域): parcel card → WeChat add → active → repurchase, and repurchase public vs private.

A customer counts as repurchased when they order again within `window_days` of their first order; only
cohorts whose whole window lies inside the data are used, so young cohorts do not drag the rate down.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.funnel import funnel_table

REPEAT_WINDOW_DAYS = 270  # ≈ three quarters after the first order, as in Yatsen's cohort repeat rates
PRIVATE, PUBLIC = "private (WeChat contact)", "public (not added)"


def repurchase_flags(
    customers: pd.DataFrame, orders: pd.DataFrame, contacts: pd.DataFrame, window_days: int = REPEAT_WINDOW_DAYS
) -> pd.DataFrame:
    """One row per customer whose window is complete: cohort month, private or not, active, repurchased."""
    stamps = pd.to_datetime(orders["order_date"])
    first = pd.to_datetime(customers.set_index("customer_id")["first_order_date"])
    age = (stamps - first.reindex(orders["customer_id"]).to_numpy()).dt.days.to_numpy()
    repeat = ~orders["is_first"].to_numpy(dtype=bool) & (age <= window_days)
    again = orders["customer_id"].to_numpy()[repeat]
    end = stamps.max().normalize() if len(stamps) else pd.NaT
    complete = first <= end - pd.Timedelta(days=window_days)
    contact = contacts.set_index("customer_id")
    frame = pd.DataFrame(
        {
            "cohort": first.dt.strftime("%Y-%m"),
            "private": first.index.isin(contact.index),
            "active": contact["active"].reindex(first.index, fill_value=False).astype(bool).to_numpy(),
            "repurchased": first.index.isin(again),
        },
        index=first.index,
    )
    return frame[complete.to_numpy()]


def repurchase_rates(flags: pd.DataFrame) -> dict[str, float]:
    """Repurchase rate of all, private and public customers and the private − public gap (NaN when empty)."""

    def rate(mask: np.ndarray) -> float:
        return float(flags.loc[mask, "repurchased"].mean()) if mask.any() else float("nan")

    private, public = rate(flags["private"].to_numpy()), rate(~flags["private"].to_numpy())
    return {
        "all": rate(np.ones(len(flags), dtype=bool)),
        "private": private,
        "public": public,
        "gap": private - public,
        "customers": float(len(flags)),
    }


def repurchase_by_cohort(flags: pd.DataFrame) -> pd.DataFrame:
    """Cohort month (rows) × public / private (columns): the share who repurchased within the window."""
    table = flags.assign(domain=np.where(flags["private"], PRIVATE, PUBLIC)).pivot_table(
        index="cohort", columns="domain", values="repurchased", aggfunc="mean", observed=False
    )
    return table.reindex(columns=[PUBLIC, PRIVATE]).astype(float)


def private_funnel(customers: pd.DataFrame, contacts: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """Parcel card (every first order) → added → active → repurchased, on the cohorts with a complete window."""
    base = customers["customer_id"].isin(flags.index)
    added = flags["private"]
    counts = [
        float(base.sum()),
        float(added.sum()),
        float((added & flags["active"]).sum()),
        float((added & flags["active"] & flags["repurchased"]).sum()),
    ]
    return funnel_table(["parcel card", "WeChat add", "active", "repurchase"], counts)
