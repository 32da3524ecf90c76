"""The Measure record: one ISO/IEC 25024-style ratio for one ISO/IEC 25012 characteristic."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from mfgdata.quality.findings import MAX_EVIDENCE, Finding

Characteristic = Literal[
    "completeness",
    "accuracy",
    "consistency",
    "uniqueness",
    "currentness",
    "traceability",
    "credibility",
]
Severity = Literal["info", "warning", "error"]

#: Korean names of the ISO/IEC 25012 characteristics used here.
CHARACTERISTIC_KO: dict[str, str] = {
    "completeness": "완전성",
    "accuracy": "정확성",
    "consistency": "일관성",
    "uniqueness": "유일성",
    "currentness": "현재성",
    "traceability": "추적성",
    "credibility": "신뢰성",
}


def ratio(bad: int | float, total: int | float) -> float:
    """X = 1 - A/B in 0..1 (B = 0: nothing to check, X = 1)."""
    if total <= 0:
        return 1.0
    return max(0.0, min(1.0, 1.0 - float(bad) / float(total)))


def bounded(items: list[Any], limit: int = MAX_EVIDENCE) -> list[Any]:
    """At most ``limit`` items of evidence."""
    return list(items[:limit])


@dataclass(frozen=True)
class Measure:
    """One measure. ``value`` in 0..1, passes when ``value >= threshold``.

    ``evidence`` holds counts and a bounded sample of rows (0-based) or time ranges.
    ``source`` says what was measured: ``"table"`` (the data as delivered) or ``"ingest"``.
    """

    id: str
    characteristic: Characteristic
    name_ko: str
    name_en: str
    formula: str
    value: float
    threshold: float
    severity: Severity = "warning"
    column: str | None = None
    source: str = "table"
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        v = float(self.value)
        if math.isnan(v):
            v = 0.0
        object.__setattr__(self, "value", round(max(0.0, min(1.0, v)), 6))

    @property
    def passed(self) -> bool:
        return self.value >= self.threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "characteristic": self.characteristic,
            "characteristic_ko": CHARACTERISTIC_KO[self.characteristic],
            "name_ko": self.name_ko,
            "name_en": self.name_en,
            "formula": self.formula,
            "value": self.value,
            "threshold": self.threshold,
            "passed": self.passed,
            "severity": self.severity,
            "column": self.column,
            "source": self.source,
            "evidence": self.evidence,
        }

    def to_finding(self) -> Finding | None:
        """A failed measure as a Finding for the lineage log (None when it passed)."""
        if self.passed:
            return None
        rows = self.evidence.get("rows", [])
        return Finding(
            code=f"quality.{self.id}",
            severity=self.severity,
            message_ko=f"{self.name_ko}: {self.value:.4f} < 기준 {self.threshold}",
            message_en=f"{self.name_en}: {self.value:.4f} < threshold {self.threshold}",
            column=self.column,
            count=int(self.evidence.get("count", 0)),
            rows=tuple(int(r) for r in rows if isinstance(r, int)),
            step="quality",
        )
