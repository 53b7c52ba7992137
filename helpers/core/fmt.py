"""Numbers formatted for business readers, in the process language (`helpers.core.language`).

English: ¥1.23M, 37.5%, 1,234, 31.2 days. Chinese: large amounts in 万 and 亿 (¥253.4万, ¥1.02亿), 31.2 天,
+2.1 个百分点. One minus sign everywhere (U+2212 "−", as matplotlib's axes use), never the hyphen. A figure that
does not exist shows as "n/a" (English) or "—" (Chinese).
"""

from __future__ import annotations

import math
from numbers import Real

from helpers.core.language import current

MINUS = "−"
_MISSING = {"en": "n/a", "zh": "—"}
_DAYS = {"en": " days", "zh": " 天"}
_POINTS = {"en": " pp", "zh": " 个百分点"}


def na() -> str:
    """The mark for a figure that does not exist, in the current language."""
    return _MISSING[current()]


def _minus(text: str) -> str:
    """Python's hyphen-minus replaced by the typographic minus sign."""
    return text.replace("-", MINUS)


def is_missing(value: object) -> bool:
    """True for None and NaN/inf: figures that cannot be shown as a number."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


_UNITS = {
    "en": ((1e9, "B", 0), (1e6, "M", 0), (1e3, "k", 0)),
    "zh": ((1e8, "亿", 0), (1e4, "万", 1)),  # 万 with one decimal fewer: ¥253.4万, ¥1.02亿
}


def _compact(value: float, digits: int) -> str:
    """1234567 → 1.23M (English) or 123.5万 (Chinese); values under the first unit keep their digits."""
    for limit, suffix, fewer in _UNITS[current()]:
        if abs(value) >= limit:
            return _minus(f"{value / limit:,.{max(digits - fewer, 0)}f}{suffix}")
    return _minus(f"{value:,.{digits}f}")


def yuan(value: Real | None, digits: int = 2) -> str:
    """Money in yuan, compact: ¥1.23M, ¥45.6k, ¥89.50, −¥1.20M (Chinese: ¥123.5万, ¥1.02亿)."""
    if is_missing(value):
        return na()
    v = float(value)  # type: ignore[arg-type]
    sign = MINUS if v < 0 else ""
    return f"{sign}¥{_compact(abs(v), digits)}"


def pct(value: Real | None, digits: int = 1) -> str:
    """A share or rate as a percentage: 0.375 → 37.5%."""
    if is_missing(value) or is_missing(float(value) * 100):  # type: ignore[arg-type]
        return na()
    return _minus(f"{float(value) * 100:.{digits}f}%")  # type: ignore[arg-type]


def pp(value: Real | None, digits: int = 1) -> str:
    """A difference of two rates in percentage points: 0.021 → +2.1 pp (Chinese: +2.1 个百分点)."""
    if is_missing(value) or is_missing(float(value) * 100):  # type: ignore[arg-type]
        return na()
    return _minus(f"{float(value) * 100:+.{digits}f}") + _POINTS[current()]  # type: ignore[arg-type]


def num(value: Real | None, digits: int = 0) -> str:
    """A count or plain number with thousands separators; large values compact (1.2M, 120.0万)."""
    if is_missing(value):
        return na()
    v = float(value)  # type: ignore[arg-type]
    if abs(v) >= 1e6:
        return _compact(v, 2)
    return _minus(f"{v:,.{digits}f}")


def ratio(value: Real | None, digits: int = 2) -> str:
    """A multiple such as ROI or LTV/CAC: 2.5 → 2.50×."""
    if is_missing(value):
        return na()
    return _minus(f"{float(value):,.{digits}f}×")  # type: ignore[arg-type]


def days(value: Real | None, digits: int = 1) -> str:
    """A duration in days: 31.2 days (Chinese: 31.2 天)."""
    if is_missing(value):
        return na()
    return _minus(f"{float(value):,.{digits}f}") + _DAYS[current()]  # type: ignore[arg-type]


def text(value: object) -> str:
    """Any recorded value as text: n/a (—) for missing, the string itself otherwise."""
    return na() if is_missing(value) else str(value)


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


def as_kind(kind: str, value: object, digits: int | None = None) -> str:
    """Format `value` as one of KINDS ('yuan', 'pct', 'num', 'ratio', 'days', 'pp', 'text', 'float').

    `digits` overrides the kind's default number of decimals (ignored by 'text').
    """
    if isinstance(value, str):
        return value
    if digits is None or kind == "text":
        return KINDS[kind](value)  # type: ignore[operator]
    return KINDS["num" if kind == "float" else kind](value, digits)  # type: ignore[operator]
