"""RFM: recency, frequency and monetary scores, the eight classic segments, and revenue concentration (Pareto).

Cut-offs (documented, chosen by the `method` argument):
- "mean" (default, the common practice in Chinese e-commerce teams): a customer is R↑ when their days since the
  last order are *below* the base average, F↑ when their order count is *above* the average, M↑ when their
  revenue is *above* the average. With a long tail of one-order customers the average order count is above 1,
  so F↑ means "buys more often than the typical customer", not merely "bought twice".
- "median": the same comparisons against the median; F↑ then usually means "ordered at least twice".
The eight segments combine the three ↑/↓ flags: M decides 重要 important vs 一般 general, R and F decide
value (R↑F↑), development (R↑F↓), keep (R↓F↑) and win-back (R↓F↓).
Scores 1–5 are quintiles of each measure's percentile rank (5 = best; ties share a score).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (name, English gloss for charts, R high?, F high?, M high?)
SEGMENTS = (
    ("重要价值客户", "important value", True, True, True),
    ("重要发展客户", "important to develop", True, False, True),
    ("重要保持客户", "important to keep", False, True, True),
    ("重要挽留客户", "important to win back", False, False, True),
    ("一般价值客户", "general value", True, True, False),
    ("一般发展客户", "general to develop", True, False, False),
    ("一般保持客户", "general to keep", False, True, False),
    ("一般挽留客户", "general to win back", False, False, False),
)
SEGMENT_NAMES = tuple(s[0] for s in SEGMENTS)
ENGLISH = {s[0]: s[1] for s in SEGMENTS}
HIGH_VALUE_SEGMENTS = tuple(s[0] for s in SEGMENTS if s[4])
CUTOFF_METHODS = ("mean", "median")


def rfm_cutoffs(summary: pd.DataFrame, method: str = "mean") -> dict[str, float]:
    """The R, F and M cut-offs of the base: mean (default) or median of days since last order, orders, revenue."""
    if method not in CUTOFF_METHODS:
        raise ValueError(f"method must be one of {', '.join(CUTOFF_METHODS)}, got {method!r}")
    columns = summary[["recency_days", "orders", "revenue"]].astype(float)
    values = columns.mean() if method == "mean" else columns.median()
    return {name: float(values[name]) for name in columns.columns}


def rfm_flags(summary: pd.DataFrame, cutoffs: dict[str, float]) -> pd.DataFrame:
    """Booleans R↑ (more recent than the cut-off), F↑ and M↑ (above their cut-offs) per customer."""
    return pd.DataFrame(
        {
            "r_high": summary["recency_days"].to_numpy(dtype=float) < cutoffs["recency_days"],
            "f_high": summary["orders"].to_numpy(dtype=float) > cutoffs["orders"],
            "m_high": summary["revenue"].to_numpy(dtype=float) > cutoffs["revenue"],
        },
        index=summary.index,
    )


def rfm_segments(summary: pd.DataFrame, cutoffs: dict[str, float]) -> pd.Series:
    """The classic segment of each customer (one of the eight, every customer gets exactly one)."""
    flags = rfm_flags(summary, cutoffs)
    code = flags["r_high"].to_numpy() * 4 + flags["f_high"].to_numpy() * 2 + flags["m_high"].to_numpy()
    by_code = {r * 4 + f * 2 + m: name for name, _, r, f, m in SEGMENTS}
    names = np.array([by_code[c] for c in range(8)], dtype=object)[code]
    return pd.Series(pd.Categorical(names, categories=SEGMENT_NAMES), index=summary.index, name="segment")


def rfm_scores(summary: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """R, F and M scores 1–`bins` from percentile ranks (5 = most recent / most orders / most revenue)."""

    def score(values: pd.Series, ascending: bool) -> np.ndarray:
        """Quintile of the percentile rank, 1 (worst) to `bins` (best)."""
        rank = values.astype(float).rank(method="average", pct=True, ascending=ascending)
        return np.clip(np.ceil(rank.to_numpy() * bins), 1, bins).astype(int)

    return pd.DataFrame(
        {
            "r_score": score(summary["recency_days"], ascending=False),
            "f_score": score(summary["orders"], ascending=True),
            "m_score": score(summary["revenue"], ascending=True),
        },
        index=summary.index,
    )


def segment_table(summary: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    """Per segment: customers, share, revenue, revenue share, mean days since last order, mean orders (all eight)."""
    frame = (
        summary.assign(segment=segments)
        .groupby("segment", observed=False)
        .agg(
            customers=("orders", "size"),
            revenue=("revenue", "sum"),
            recency_days=("recency_days", "mean"),
            orders=("orders", "mean"),
        )
    )
    customers, revenue = frame["customers"].sum(), frame["revenue"].sum()
    frame["customer_share"] = frame["customers"] / customers if customers else np.nan
    frame["revenue_share"] = frame["revenue"] / revenue if revenue else np.nan
    frame.insert(0, "english", [ENGLISH[name] for name in frame.index])
    return frame.reset_index()


def segment_counts(segments: pd.Series) -> dict[str, int]:
    """Customers per segment, all eight segments in their classic order (zero when empty)."""
    counts = segments.value_counts().reindex(SEGMENT_NAMES, fill_value=0)
    return {name: int(count) for name, count in counts.items()}


def pareto_curve(revenue: pd.Series | np.ndarray, points: int = 1001) -> pd.DataFrame:
    """Cumulative share of revenue against the share of customers, best customers first (the Lorenz/Pareto curve).

    At most `points` evenly spaced points (both ends kept), so a chart of millions of customers stays light.
    """
    values = np.sort(np.asarray(revenue, dtype=float))[::-1]
    total = values.sum()
    customers = np.arange(len(values) + 1) / max(len(values), 1)
    share = np.concatenate([[0.0], np.cumsum(values) / total if total else np.full(len(values), np.nan)])
    keep = np.unique(np.linspace(0, len(values), min(points, len(values) + 1)).round().astype(int))
    return pd.DataFrame({"customer_share": customers[keep], "revenue_share": share[keep]})


def top_share(revenue: pd.Series | np.ndarray, share: float = 0.2) -> float:
    """Share of revenue from the best `share` of customers (0.2 → the '80/20' figure); NaN with no revenue."""
    values = np.sort(np.asarray(revenue, dtype=float))[::-1]
    total = values.sum()
    if len(values) == 0 or total <= 0:
        return float("nan")
    count = max(1, int(np.ceil(share * len(values))))
    return float(values[:count].sum() / total)
