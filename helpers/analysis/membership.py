"""Reading a paid membership (JD PLUS) without being fooled by self-selection.

Members spend many times what non-members do, but heavy buyers are the ones who join. Three estimates:
the naive member/non-member spend ratio (what a dashboard shows), the causal uplift from a counterfactual
(same customers, same random draws, membership effect switched off) and the before/after-joining comparison
(each joiner against themselves, the calendar taken out with non-members' orders). Plus the shop owner's
calculator: does a membership with this fee and discount pay for itself?
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def member_ids(memberships: pd.DataFrame) -> pd.Index:
    """Customers who held a membership at any time in the data."""
    return pd.Index(memberships["customer_id"].unique())


def naive_spend_ratio(orders: pd.DataFrame, memberships: pd.DataFrame) -> float:
    """Mean spend per member buyer / per non-member buyer: selection and effect mixed together."""
    spend = orders.groupby("customer_id")["amount"].sum()
    member = spend.index.isin(member_ids(memberships))
    if not member.any() or member.all():
        return float("nan")
    return float(spend[member].mean() / spend[~member].mean())


def causal_uplift(observed: pd.DataFrame, counterfactual: pd.DataFrame, flag: str = "is_plus_member") -> float:
    """Members' spend while members, observed / counterfactual (same seed, no membership effect): the true effect."""
    base = counterfactual.loc[counterfactual[flag], "amount"].sum()
    return float(observed.loc[observed[flag], "amount"].sum() / base) if base > 0 else float("nan")


def causal_uplift_interval(
    observed: pd.DataFrame,
    counterfactual: pd.DataFrame,
    flag: str = "is_plus_member",
    customer: str = "customer_id",
    z: float = 1.959963984540054,
) -> tuple[float, float]:
    """95% interval of `causal_uplift` over customers: the delta-method interval of a ratio of two sums.

    The uplift is Σ observed spend / Σ counterfactual spend over members' orders while members; each customer
    contributes a pair (o_i, c_i). The ratio estimator's standard error is √(Σ(o_i − R·c_i)² · n/(n−1)) / Σc_i
    (the pairs are correlated because both runs share their random draws, and the formula keeps that).
    NaN bounds when there is no counterfactual spend or fewer than two customers.
    """
    spend = {
        name: frame.loc[frame[flag]].groupby(customer)["amount"].sum()
        for name, frame in (("o", observed), ("c", counterfactual))
    }
    pairs = pd.DataFrame(spend).fillna(0.0)
    n, base = len(pairs), float(pairs["c"].sum()) if len(pairs) else 0.0
    if n < 2 or base <= 0:
        return float("nan"), float("nan")
    uplift = pairs["o"].sum() / base
    error = float(np.sqrt(((pairs["o"] - uplift * pairs["c"]) ** 2).sum() * n / (n - 1)) / base)
    return float(uplift - z * error), float(uplift + z * error)


def before_after_uplift(
    orders: pd.DataFrame, memberships: pd.DataFrame, window: int = 90, min_days: int = 30
) -> dict[str, float]:
    """Joiners' order rate after joining / before, each relative to non-members' orders on the same days.

    Uses first-time joins inside the data with at least `min_days` on both sides and a first order before
    the before-window starts (so the customer was around all along); returns the uplift and joiners used.
    """
    day = pd.to_datetime(orders["order_time"]).dt.normalize()
    start, end = day.min(), day.max()
    joins = memberships.loc[~memberships["is_renewal"], ["customer_id", "start_date"]].copy()
    joins["join"] = pd.to_datetime(joins["start_date"])
    first = day.groupby(orders["customer_id"]).min()
    joins["first"] = joins["customer_id"].map(first)
    joins["before"] = (joins["join"] - start).dt.days.clip(upper=window)
    joins["after"] = (end - joins["join"]).dt.days.add(1).clip(upper=window)
    joins = joins[
        (joins["before"] >= min_days)
        & (joins["after"] >= min_days)
        & (joins["first"] <= joins["join"] - pd.to_timedelta(joins["before"], unit="D"))
    ]
    if joins.empty:
        return {"uplift": float("nan"), "joiners": 0}
    members = member_ids(memberships)
    baseline = (
        day[~orders["customer_id"].isin(members)]
        .value_counts()
        .reindex(pd.date_range(start, end, freq="D"), fill_value=0)
        .cumsum()
    )
    offset = (joins["join"] - start).dt.days.to_numpy()

    def exposure(lo: np.ndarray, hi: np.ndarray) -> float:  # non-member orders on days [lo, hi)
        values = np.r_[0, baseline.to_numpy()]
        return float((values[hi] - values[lo]).sum())

    before_exposure = exposure(offset - joins["before"].to_numpy(), offset)
    after_exposure = exposure(offset, offset + joins["after"].to_numpy())
    mine = orders.assign(day=day).merge(joins, on="customer_id")
    gap = (mine["day"] - mine["join"]).dt.days
    before_orders = ((gap < 0) & (gap >= -mine["before"])).sum()
    after_orders = ((gap >= 0) & (gap < mine["after"])).sum()
    if before_orders == 0 or before_exposure == 0 or after_exposure == 0:
        return {"uplift": float("nan"), "joiners": len(joins)}
    uplift = (after_orders / after_exposure) / (before_orders / before_exposure)
    return {"uplift": float(uplift), "joiners": len(joins)}


def membership_break_even(
    fee: float, discount: float, margin: float, annual_spend: float, expected_uplift: float, perk_cost: float = 0.0
) -> dict[str, float]:
    """Is a paid membership worth it for a shop? Profit per member with and without it, and the break-even uplift.

    Without: margin × spend. With: fee − perk cost + (margin − discount) × spend × (1 + uplift), the discount
    given on every member purchase. Break-even uplift is where the two are equal (NaN when the discount eats
    the whole margin; below 0 when the fee alone pays for the discount).
    """
    without = margin * annual_spend
    with_plan = fee - perk_cost + (margin - discount) * annual_spend * (1 + expected_uplift)
    kept = (margin - discount) * annual_spend
    break_even = (without - fee + perk_cost) / kept - 1 if kept > 0 else float("nan")
    return {
        "profit_without": without,
        "profit_with": with_plan,
        "profit_change": with_plan - without,
        "break_even_uplift": break_even,
        "worth_it": bool(with_plan > without),
    }
