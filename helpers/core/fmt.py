"""Numbers formatted for business readers: ¥1.23M, 37.5%, 1,234 — and "n/a" where a figure does not exist."""

from __future__ import annotations

import math
from numbers import Real

NA = "n/a"


def is_missing(value: object) -> bool:
    """True for None and NaN/inf: figures that cannot be shown as a number."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _compact(value: float, digits: int) -> str:
    """1234567 → 1.23M; values under a thousand keep their digits."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:,.{digits}f}{suffix}"
    return f"{value:,.{digits}f}"


def yuan(value: Real | None, digits: int = 2) -> str:
    """Money in yuan, compact: ¥1.23M, ¥45.6k, ¥89.50, −¥1.20M."""
    if is_missing(value):
        return NA
    v = float(value)  # type: ignore[arg-type]
    sign = "−" if v < 0 else ""
    return f"{sign}¥{_compact(abs(v), digits)}"


def pct(value: Real | None, digits: int = 1) -> str:
    """A share or rate as a percentage: 0.375 → 37.5%."""
    if is_missing(value) or is_missing(float(value) * 100):  # type: ignore[arg-type]
        return NA
    return f"{float(value) * 100:.{digits}f}%"  # type: ignore[arg-type]


def pp(value: Real | None, digits: int = 1) -> str:
    """A difference of two rates in percentage points: 0.021 → +2.1 pp."""
    if is_missing(value) or is_missing(float(value) * 100):  # type: ignore[arg-type]
        return NA
    return f"{float(value) * 100:+.{digits}f} pp"  # type: ignore[arg-type]


def num(value: Real | None, digits: int = 0) -> str:
    """A count or plain number with thousands separators; large values compact (1.2M)."""
    if is_missing(value):
        return NA
    v = float(value)  # type: ignore[arg-type]
    if abs(v) >= 1e6:
        return _compact(v, 2)
    return f"{v:,.{digits}f}"


def ratio(value: Real | None, digits: int = 2) -> str:
    """A multiple such as ROI or LTV/CAC: 2.5 → 2.50×."""
    if is_missing(value):
        return NA
    return f"{float(value):,.{digits}f}×"  # type: ignore[arg-type]


def days(value: Real | None, digits: int = 1) -> str:
    """A duration in days: 31.2 days."""
    if is_missing(value):
        return NA
    return f"{float(value):,.{digits}f} days"  # type: ignore[arg-type]


def text(value: object) -> str:
    """Any recorded value as text: n/a for missing, the string itself otherwise."""
    return NA if is_missing(value) else str(value)


KINDS = {
    "yuan": yuan,
    "pct": pct,
    "pp": pp,
    "num": num,
    "ratio": ratio,
    "days": days,
    "text": text,
    "float": lambda v: num(v, 2),
}


def as_kind(kind: str, value: object) -> str:
    """Format `value` as one of KINDS ('yuan', 'pct', 'num', 'ratio', 'days', 'pp', 'text', 'float')."""
    if isinstance(value, str):
        return value
    return KINDS[kind](value)  # type: ignore[operator]
