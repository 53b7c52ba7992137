"""A/B tests read properly (Kohavi, Tang & Xu 2020): lift with a confidence interval, p-value, power, minimum
detectable effect, the sample-ratio-mismatch (SRM) check and a guardrail metric.

Conversion tests use the Wald normal approximation for two independent proportions (interval and p-value from
one standard error); power and the minimum detectable effect use Cohen's arcsine effect size h. Distributions
come from scipy; the unit tests compare every figure with statsmodels/scipy on the same counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from helpers.core.numbers import ratio

SRM_ALPHA = 0.001  # Kohavi et al.: a sample-ratio p-value this small means the assignment is broken


def lift_test(
    control_n: int, control_conversions: int, treatment_n: int, treatment_conversions: int, alpha: float = 0.05
) -> dict[str, float]:
    """Treatment minus control conversion with its (1 − alpha) Wald interval and the Wald z-test p-value.

    Both come from the same unpooled standard error, so p < alpha exactly when the interval excludes zero: a
    verdict read from the interval and a sentence quoting the p-value never disagree. Returns rates, `lift`
    (absolute difference), `relative_lift`, `ci_low`/`ci_high` and `p_value`; NaN where a group is empty or
    nothing varies.
    """
    p_c, p_t = ratio(control_conversions, control_n), ratio(treatment_conversions, treatment_n)
    lift = p_t - p_c
    z_crit = float(stats.norm.ppf(1 - alpha / 2))
    nan = float("nan")
    both = min(control_n, treatment_n) > 0
    se = float(np.sqrt(p_c * (1 - p_c) / control_n + p_t * (1 - p_t) / treatment_n)) if both else nan
    z = lift / se if se > 0 else nan
    return {
        "control_rate": p_c,
        "treatment_rate": p_t,
        "lift": lift,
        "relative_lift": lift / p_c if p_c > 0 else nan,
        "ci_low": lift - z_crit * se,
        "ci_high": lift + z_crit * se,
        "p_value": float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else float("nan"),
    }


def cohen_h(p1: float, p2: float) -> float:
    """Cohen's effect size for two proportions: 2·asin√p2 − 2·asin√p1."""
    return float(2 * np.arcsin(np.sqrt(p2)) - 2 * np.arcsin(np.sqrt(p1)))


def power(control_rate: float, effect: float, control_n: int, treatment_n: int, alpha: float = 0.05) -> float:
    """Chance that a two-sided test at `alpha` detects a true absolute lift `effect` with these group sizes."""
    target = control_rate + effect
    if not (0 < control_rate < 1 and 0 <= target <= 1 and control_n > 0 and treatment_n > 0):
        return float("nan")
    shift = abs(cohen_h(control_rate, target)) / np.sqrt(1 / control_n + 1 / treatment_n)
    z_crit = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.sf(z_crit - shift) + stats.norm.cdf(-z_crit - shift))


def minimum_detectable_effect(
    control_rate: float, control_n: int, treatment_n: int, alpha: float = 0.05, target_power: float = 0.8
) -> float:
    """Smallest absolute lift above `control_rate` that the test detects with `target_power` (NaN if none)."""
    if not (0 < control_rate < 1 and control_n > 0 and treatment_n > 0):
        return float("nan")
    h = (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(target_power)) * np.sqrt(1 / control_n + 1 / treatment_n)
    angle = np.arcsin(np.sqrt(control_rate)) + h / 2
    return float(np.sin(angle) ** 2 - control_rate) if angle <= np.pi / 2 else float("nan")


def sample_ratio_mismatch(counts: Sequence[int], expected_shares: Sequence[float] | None = None) -> dict[str, float]:
    """Chi-square goodness of fit of the group sizes to the planned split: a tiny p-value means broken assignment.

    Returns `chi2`, `p_value`, the first group's observed and expected share, and `mismatch` (p < SRM_ALPHA).
    """
    observed = np.asarray(counts, dtype=float)
    shares = np.full(len(observed), 1 / len(observed)) if expected_shares is None else np.asarray(expected_shares)
    total = observed.sum()
    if total == 0 or len(observed) < 2:
        nan = float("nan")
        return {"chi2": nan, "p_value": nan, "observed_share": nan, "expected_share": nan, "mismatch": False}
    expected = total * shares / shares.sum()
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    p_value = float(stats.chi2.sf(chi2, len(observed) - 1))
    return {
        "chi2": chi2,
        "p_value": p_value,
        "observed_share": float(observed[0] / total),
        "expected_share": float(expected[0] / total),
        "mismatch": p_value < SRM_ALPHA,
    }


def guardrail(control: Sequence[float], treatment: Sequence[float], alpha: float = 0.05) -> dict[str, float]:
    """Welch comparison of a guardrail metric's means (e.g. margin per user): difference, interval, p-value.

    `harmed` is True when the treatment is significantly worse (the whole interval below zero).
    """
    c, t = np.asarray(control, dtype=float), np.asarray(treatment, dtype=float)
    nan = float("nan")
    if len(c) < 2 or len(t) < 2:
        return {
            "control_mean": c.mean() if len(c) else nan,
            "treatment_mean": t.mean() if len(t) else nan,
            "difference": nan,
            "ci_low": nan,
            "ci_high": nan,
            "p_value": nan,
            "harmed": False,
        }
    var_c, var_t = c.var(ddof=1) / len(c), t.var(ddof=1) / len(t)
    se = np.sqrt(var_c + var_t)
    dof = (var_c + var_t) ** 2 / (var_c**2 / (len(c) - 1) + var_t**2 / (len(t) - 1)) if se > 0 else np.inf
    difference = float(t.mean() - c.mean())
    t_crit = stats.t.ppf(1 - alpha / 2, dof)
    p_value = float(2 * stats.t.sf(abs(difference / se), dof)) if se > 0 else nan
    high = difference + t_crit * se
    return {
        "control_mean": float(c.mean()),
        "treatment_mean": float(t.mean()),
        "difference": difference,
        "ci_low": float(difference - t_crit * se),
        "ci_high": float(high),
        "p_value": p_value,
        "harmed": bool(high < 0),
    }


def group_counts(assignments: pd.DataFrame, group: str = "group", converted: str = "converted") -> pd.DataFrame:
    """Users and conversions per arm (control first), from one row per assigned user."""
    table = assignments.groupby(group)[converted].agg(n="size", conversions="sum")
    return table.reindex(["control", "treatment"], fill_value=0).astype("int64")


def user_margins(
    assignments: pd.DataFrame, orders: pd.DataFrame, fulfilment_per_order: float = 0.0
) -> dict[str, np.ndarray]:
    """Margin per assigned user by arm (¥): amount − COGS − fulfilment of the user's order, 0 without one.

    The guardrail of a coupon test is judged per assigned user, not per converting order: conditioning on the
    order (a post-treatment outcome) compares different buyers whenever the coupons differ.
    """
    ids = assignments["order_id"].astype(object)  # all-missing ids (nobody converted) must not read as floats
    joined = assignments.assign(order_id=ids).merge(
        orders[["order_id", "amount", "cogs"]].astype({"order_id": object}), on="order_id", how="left"
    )
    margin = (joined["amount"] - joined["cogs"] - fulfilment_per_order).where(joined["order_id"].notna(), 0.0)
    return {name: margin[joined["group"] == name].to_numpy(dtype=float) for name in ("control", "treatment")}


def read_test(
    assignments: pd.DataFrame,
    orders: pd.DataFrame,
    alpha: float = 0.05,
    planned_relative_lift: float = 0.2,
    fulfilment_per_order: float = 0.0,
) -> dict[str, float]:
    """The whole reading of a two-arm conversion test: counts, lift test, SRM, power, MDE and the guardrail
    (margin per assigned user after fulfilment, Welch interval)."""
    counts = group_counts(assignments)
    n_c, x_c = (int(v) for v in counts.loc["control"])
    n_t, x_t = (int(v) for v in counts.loc["treatment"])
    result = {"control_n": n_c, "control_conversions": x_c, "treatment_n": n_t, "treatment_conversions": x_t}
    result |= lift_test(n_c, x_c, n_t, x_t, alpha)
    srm = sample_ratio_mismatch([n_c, n_t])
    result |= {
        "srm_p_value": srm["p_value"],
        "srm_detected": srm["mismatch"],
        "treatment_share": 1 - srm["observed_share"],
    }
    base = result["control_rate"]
    result["planned_lift"] = base * planned_relative_lift
    result["power"] = power(base, result["planned_lift"], n_c, n_t, alpha)
    result["mde"] = minimum_detectable_effect(base, n_c, n_t, alpha)
    result["users_needed_per_arm"] = sample_size_per_arm(base, result["planned_lift"], alpha)
    margins = user_margins(assignments, orders, fulfilment_per_order)
    result |= {f"margin_{k}": v for k, v in guardrail(margins["control"], margins["treatment"], alpha).items()}
    return result


def sample_size_per_arm(control_rate: float, effect: float, alpha: float = 0.05, target_power: float = 0.8) -> float:
    """Users per arm (equal arms) to detect an absolute lift `effect` with `target_power` (NaN if impossible)."""
    target = control_rate + effect
    if not (0 < control_rate < 1 and 0 < target < 1) or effect == 0:
        return float("nan")
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(target_power)
    return float(np.ceil(2 * (z / cohen_h(control_rate, target)) ** 2))
