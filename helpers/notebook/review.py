"""The 复盘 review card: findings built by explicit rules over recorded metrics, never typed in.

Each finding is `{id, verdict, text, evidence}`. Judged findings ("worked" / "did not work" /
"cannot conclude") flip when the numbers cross their rule; the other sections (why, breakthrough 破局点,
transferable logic 底层逻辑 vs surface action, risks, next tries) hold computed text with its evidence.
"""

from __future__ import annotations

import html
import operator
from collections.abc import Callable
from dataclasses import asdict, dataclass

from helpers.core import fmt
from helpers.core.fmt import is_missing
from helpers.core.messages import message

WORKED, FAILED, UNKNOWN = "worked", "did not work", "cannot conclude"
# Section ids (recorded, the same in every edition) → their heading's catalog key under `common.review`.
SECTIONS = {
    WORKED: "worked",
    FAILED: "failed",
    UNKNOWN: "unknown",
    "why": "why",
    "breakthrough": "breakthrough",
    "logic": "logic",
    "risk": "risk",
    "next": "next",
}
COLOURS = {WORKED: "#3a9e6f", FAILED: "#c4453c", UNKNOWN: "#8c8c8c"}
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True)
class Finding:
    """One line of the review card."""

    id: str
    verdict: str
    text: str
    evidence: str


class ReviewCard:
    """Collects findings in the order the reader should see them, grouped by section."""

    def __init__(self, title: str | None = None) -> None:
        self.title = title if title is not None else message("common.review.title")
        self.findings: list[Finding] = []

    def judge(
        self,
        id: str,
        value: float | None,
        rule: str,
        threshold: float,
        *,
        worked: str,
        failed: str,
        evidence: str,
        missing: str | None = None,
        interval: tuple[float | None, float | None] | None = None,
        uncertain: str = "",
        show: Callable[[float | None], str] = fmt.num,
    ) -> str:
        """Add a finding whose verdict is `value <rule> threshold`; returns the verdict.

        A missing value (None/NaN) gives "cannot conclude" with `missing` as the reason (a generic one if None).
        When the value is an estimate, pass its (low, high) `interval`: the verdict is "worked" only when the
        whole interval passes the rule and "did not work" only when the whole interval fails it; while the
        interval straddles the threshold it is "cannot conclude" with `uncertain` as the text (a point estimate
        alone decides nothing). The interval, formatted with `show`, is appended to the evidence.
        """
        if interval is not None and any(is_missing(bound) for bound in interval):
            value = None  # an estimate without its interval decides nothing
        if is_missing(value):
            reason = missing if missing is not None else message("common.review.missing")
            verdict, text = UNKNOWN, message("common.review.cannot_conclude", reason=reason)
        elif interval is None:
            ok = _COMPARE[rule](float(value), threshold)  # type: ignore[arg-type]
            verdict, text = (WORKED, worked) if ok else (FAILED, failed)
        else:
            low, high = (show(bound) for bound in interval)
            evidence = (
                message("common.review.with_interval", evidence=evidence, low=low, high=high)
                if evidence
                else message("common.review.interval", low=low, high=high)
            )
            passes = {_COMPARE[rule](float(bound), threshold) for bound in interval}  # type: ignore[arg-type]
            if passes == {True}:
                verdict, text = WORKED, worked
            elif passes == {False}:
                verdict, text = FAILED, failed
            else:
                verdict, text = (
                    UNKNOWN,
                    uncertain
                    or message(
                        "common.review.straddles", value=show(value), low=low, high=high, threshold=show(threshold)
                    ),
                )
        self.findings.append(Finding(id, verdict, text, evidence))
        return verdict

    def note(self, id: str, section: str, text: str, evidence: str = "") -> None:
        """Add a finding to a non-judged section: why, breakthrough, logic, risk or next."""
        if section not in SECTIONS or section in (WORKED, FAILED, UNKNOWN):
            raise ValueError(f"section must be one of why, breakthrough, logic, risk, next; got {section!r}")
        self.findings.append(Finding(id, section, text, evidence))

    def verdict(self, id: str) -> str:
        """The verdict of finding `id`."""
        return next(f.verdict for f in self.findings if f.id == id)

    def as_records(self) -> list[dict[str, str]]:
        """The findings as JSON-ready dicts, for `record("review", ...)`."""
        return [asdict(f) for f in self.findings]

    def to_html(self) -> str:
        """A readable table grouped by section; every user-visible string is HTML-escaped."""
        rows = []
        for section, key in SECTIONS.items():
            heading = message(f"common.review.{key}")
            items = [f for f in self.findings if f.verdict == section]
            if not items:
                continue
            colour = COLOURS.get(section, "#2f6db5")
            rows.append(
                f'<tr><th colspan="2" style="text-align:left;background:#f0f2f5;'
                f'border-left:4px solid {colour}">{heading}</th></tr>'
            )
            rows += [
                f'<tr><td style="text-align:left">{html.escape(f.text)}</td>'
                f'<td style="text-align:left;color:#555">{html.escape(f.evidence)}</td></tr>'
                for f in items
            ]
        head = (
            f'<tr><th style="text-align:left">{html.escape(message("common.review.finding"))}</th>'
            f'<th style="text-align:left">{html.escape(message("common.review.evidence"))}</th></tr>'
        )
        return f"<h4>{html.escape(self.title)}</h4><table>{head}{''.join(rows)}</table>"

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return "\n".join(f"[{f.verdict}] {f.text} ({f.evidence})" for f in self.findings)
