"""Overall score and grade.

Default scheme (published in quality.json and the contract):

- score = sum_c w_c x mean(values of the measures of characteristic c) / sum of w_c over the
  characteristics that have measures (weights configurable, contract ``mfgdata.weights``);
- grade: A >= 0.90, B >= 0.80, C >= 0.70, else F;
- a failed measure of severity ``error`` caps the grade at C;
- registration requires grade B or better by default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mfgdata.quality.measures import Measure

DEFAULT_WEIGHTS: dict[str, float] = {
    "completeness": 0.25,
    "accuracy": 0.25,
    "consistency": 0.20,
    "uniqueness": 0.10,
    "credibility": 0.05,
    "currentness": 0.05,
    "traceability": 0.10,
}
GRADES: tuple[tuple[str, float], ...] = (("A", 0.90), ("B", 0.80), ("C", 0.70), ("F", 0.0))
ERROR_CAP = "C"
ORDER = [g for g, _ in GRADES]


def score(measures: Sequence[Measure], weights: Mapping[str, float] | None = None) -> float:
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    by: dict[str, list[float]] = {}
    for m in measures:
        by.setdefault(m.characteristic, []).append(m.value)
    total = sum(w.get(k, 0.0) for k in by)
    if total <= 0:
        return 0.0
    return round(sum(w.get(k, 0.0) * sum(v) / len(v) for k, v in by.items()) / total, 6)


def grade(value: float, measures: Sequence[Measure] = ()) -> str:
    g = next(name for name, low in GRADES if value >= low)
    if any(m.severity == "error" and not m.passed for m in measures):
        g = max(g, ERROR_CAP, key=ORDER.index)
    return g


def meets_registration_grade(grade: str, required: str = "B") -> bool:
    """True when ``grade`` is ``required`` or better (A > B > C > F)."""
    return ORDER.index(grade) <= ORDER.index(required)


def scheme(weights: Mapping[str, float] | None, required: str) -> dict[str, Any]:
    return {
        "weights": {**DEFAULT_WEIGHTS, **(weights or {})},
        "grades": {g: low for g, low in GRADES},
        "error_cap": ERROR_CAP,
        "registration_grade": required,
        "rule": "score = weighted mean over characteristics of the mean measure value; "
        "a failed error-severity measure caps the grade at C",
    }
