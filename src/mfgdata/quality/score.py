"""Overall score and grade, and the reasons for them.

The rule (published in quality.json ``scheme`` and in docs/quality.md):

1. **base** = sum_c w_c x mean(values of the measures of characteristic c) / sum of w_c over the
   characteristics that have measures (weights configurable, contract ``mfgdata.weights``);
2. **every failed measure costs**: cost = c_sev x (1/2 + 1/2 x shortfall), shortfall =
   (threshold - value) / threshold, c_sev = 0.08 (error), 0.04 (warning), 0.01 (info);
3. facts of the delivery cost too: an assumed time zone 0.02, each identical input file 0.03
   (at most 0.09); mostly-empty columns (more than half null) fail ``completeness.columns``;
4. **score** = base - costs (at least 0); grade from the score: A >= 0.90, B >= 0.80, C >= 0.70,
   else F;
5. **caps** (the grade is at most): C when an error-severity measure failed; B when 3 or more
   error/warning measures failed, C when 5 or more; F below 10 rows, C below 30 rows, B below
   100 rows; C for a labelled table (a model is claimed) below 100 rows; B when the time zone was
   assumed; B when input files were identical; B when a column is mostly empty, C when more than
   a quarter of the columns are;
6. registration requires grade B or better by default.

Each cost and cap that applied is a ``Reason`` (ko/en), listed in quality.json ``grade_reasons``
and on the report. Every rule only ever lowers the score or the grade, so adding a defect never
raises either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
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

#: cost of one failed measure by severity (scaled by 1/2 + 1/2 x shortfall)
FAIL_COST: dict[str, float] = {"error": 0.08, "warning": 0.04, "info": 0.01}
#: failed error/warning measures: at least this many cap the grade (count, cap)
FAIL_CAPS: tuple[tuple[int, str], ...] = ((5, "C"), (3, "B"))
#: fewer rows than this cap the grade (rows, cap); a labelled table below MODEL_ROWS: C
ROW_CAPS: tuple[tuple[int, str], ...] = ((10, "F"), (30, "C"), (100, "B"))
MODEL_ROWS = 100
TIMEZONE_COST = 0.02
DUP_FILE_COST, DUP_FILE_MAX = 0.03, 0.09
#: a column with more than this share of nulls is "mostly empty"
MOSTLY_EMPTY = 0.5


@dataclass(frozen=True)
class Reason:
    """One thing that lowered the score (``cost``) or capped the grade (``cap``)."""

    code: str
    ko: str
    en: str
    cost: float = 0.0
    cap: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "ko": self.ko, "en": self.en, "cost": self.cost, "cap": self.cap}


@dataclass(frozen=True)
class Facts:
    """What the grade looks at besides the measures (from the table and the delivery)."""

    rows: int | None = None
    labelled: bool = False
    timezone_assumed: bool = False
    duplicate_files: tuple[str, ...] = ()
    #: column -> share of null cells, for the mostly-empty columns only
    mostly_empty: Mapping[str, float] = field(default_factory=dict)
    columns: int = 0


@dataclass(frozen=True)
class Verdict:
    base: float
    score: float
    grade: str
    reasons: tuple[Reason, ...]


def base_score(measures: Sequence[Measure], weights: Mapping[str, float] | None = None) -> float:
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    by: dict[str, list[float]] = {}
    for m in measures:
        by.setdefault(m.characteristic, []).append(m.value)
    total = sum(w.get(k, 0.0) for k in by)
    if total <= 0:
        return 0.0
    return sum(w.get(k, 0.0) * sum(v) / len(v) for k, v in by.items()) / total


def failure_cost(m: Measure) -> float:
    """0 when the measure passed; otherwise c_sev x (1/2 + 1/2 x shortfall)."""
    if m.passed:
        return 0.0
    shortfall = min(1.0, (m.threshold - m.value) / m.threshold) if m.threshold > 0 else 1.0
    return FAIL_COST.get(m.severity, FAIL_COST["warning"]) * (0.5 + 0.5 * shortfall)


def _worse(a: str, b: str) -> str:
    return max(a, b, key=ORDER.index)


def _measure_reasons(measures: Sequence[Measure]) -> list[Reason]:
    out: list[Reason] = []
    for m in measures:
        cost = failure_cost(m)
        if cost:
            col = f" ({m.column})" if m.column else ""
            out.append(
                Reason(
                    code=f"measure.{m.id}",
                    ko=f"미달 측정: {m.name_ko}{col} {m.value:.4f} < 기준 {m.threshold:g}",
                    en=f"failed measure: {m.name_en}{col} {m.value:.4f} < {m.threshold:g}",
                    cost=cost,
                )
            )
    errors = [m for m in measures if m.severity == "error" and not m.passed]
    if errors:
        out.append(
            Reason(
                code="cap.error_measure",
                ko=f"오류 등급 측정 {len(errors)}개 미달: 등급은 최대 {ERROR_CAP}",
                en=f"{len(errors)} error-severity measure(s) failed: grade at most {ERROR_CAP}",
                cap=ERROR_CAP,
            )
        )
    failed = sum(1 for m in measures if not m.passed and m.severity in ("error", "warning"))
    for n, cap in FAIL_CAPS:
        if failed >= n:
            out.append(
                Reason(
                    code="cap.failed_measures",
                    ko=f"미달 측정 {failed}개 (오류·경고, {n}개 이상): 등급은 최대 {cap}",
                    en=f"{failed} error/warning measures failed ({n} or more): grade at most {cap}",
                    cap=cap,
                )
            )
            break
    return out


def _fact_reasons(f: Facts) -> list[Reason]:
    out: list[Reason] = []
    if f.rows is not None:
        for n, cap in ROW_CAPS:
            if f.rows < n:
                out.append(
                    Reason(
                        code="cap.rows",
                        ko=f"행이 {f.rows}개뿐입니다 ({n}개 미만): 등급은 최대 {cap}",
                        en=f"only {f.rows} rows (fewer than {n}): grade at most {cap}",
                        cap=cap,
                    )
                )
                break
        if f.labelled and f.rows < MODEL_ROWS:
            out.append(
                Reason(
                    code="cap.model_rows",
                    ko=f"레이블이 있는 표의 행이 {f.rows}개로 모델을 뒷받침하기에 적습니다 "
                    f"({MODEL_ROWS}개 미만): 등급은 최대 C",
                    en=f"a labelled table of {f.rows} rows is too small to back a model "
                    f"(fewer than {MODEL_ROWS}): grade at most C",
                    cap="C",
                )
            )
    if f.timezone_assumed:
        out.append(
            Reason(
                code="timezone_assumed",
                ko="시간대를 알 수 없어 가정했습니다 (옵션에도 데이터에도 없음): 등급은 최대 B",
                en="the time zone was assumed (given neither as an option nor in the data): "
                "grade at most B",
                cost=TIMEZONE_COST,
                cap="B",
            )
        )
    if f.duplicate_files:
        names = ", ".join(f.duplicate_files[:5])
        out.append(
            Reason(
                code="duplicate_files",
                ko=f"내용이 똑같은 입력 파일 {len(f.duplicate_files)}개 ({names}): 등급은 최대 B",
                en=f"{len(f.duplicate_files)} input file(s) identical to another ({names}): "
                "grade at most B",
                cost=min(DUP_FILE_MAX, DUP_FILE_COST * len(f.duplicate_files)),
                cap="B",
            )
        )
    if f.mostly_empty:
        n = len(f.mostly_empty)
        quarter = f.columns > 0 and n * 4 > f.columns
        cap = "C" if quarter else "B"
        names = ", ".join(f"{k} {v:.0%}" for k, v in list(f.mostly_empty.items())[:5])
        out.append(
            Reason(
                code="mostly_empty_columns",
                ko=f"절반 넘게 비어 있는 열 {n}개 ({names}): 등급은 최대 {cap}",
                en=f"{n} column(s) more than half empty ({names}): grade at most {cap}",
                cap=cap,
            )
        )
    return out


def judge(
    measures: Sequence[Measure],
    weights: Mapping[str, float] | None = None,
    facts: Facts | None = None,
) -> Verdict:
    """The score, the grade and every reason that lowered them (see the module's rule)."""
    base = base_score(measures, weights)
    reasons = _measure_reasons(measures) + _fact_reasons(facts or Facts())
    value = round(max(0.0, base - sum(r.cost for r in reasons)), 6)
    g = next(name for name, low in GRADES if value >= low)
    for r in reasons:
        if r.cap is not None:
            g = _worse(g, r.cap)
    rounded = tuple(Reason(r.code, r.ko, r.en, round(r.cost, 6), r.cap) for r in reasons)
    return Verdict(base=round(base, 6), score=value, grade=g, reasons=rounded)


def score(measures: Sequence[Measure], weights: Mapping[str, float] | None = None) -> float:
    """The score from the measures alone (no facts of the delivery)."""
    return judge(measures, weights).score


def grade(value: float, measures: Sequence[Measure] = ()) -> str:
    """The grade of ``value`` with the caps of ``measures`` (no facts of the delivery)."""
    g = next(name for name, low in GRADES if value >= low)
    for r in _measure_reasons(measures):
        if r.cap is not None:
            g = _worse(g, r.cap)
    return g


def meets_registration_grade(grade: str, required: str = "B") -> bool:
    """True when ``grade`` is ``required`` or better (A > B > C > F)."""
    return ORDER.index(grade) <= ORDER.index(required)


DEFAULT_REGISTRATION_GRADE = "B"


def registration_grade(folder: Path) -> str:
    """The grade a product needs to be published (from its quality.json scheme)."""
    try:
        quality = json.loads((folder / "quality.json").read_text(encoding="utf-8"))
        return str(
            quality.get("scheme", {}).get("registration_grade") or DEFAULT_REGISTRATION_GRADE
        )
    except (OSError, ValueError):
        return DEFAULT_REGISTRATION_GRADE


RULE_KO = (
    "점수 = 특성별 측정값 평균의 가중 평균 - 비용. 미달 측정마다 비용 = 심각도 계수"
    "(오류 0.08, 경고 0.04, 정보 0.01) x (1/2 + 1/2 x 기준 대비 부족분); 시간대 가정 0.02; "
    "똑같은 입력 파일 하나에 0.03 (최대 0.09). "
    "등급 상한: 오류 측정 미달 C; 오류·경고 미달 3개 이상 B, 5개 이상 C; 행 10개 미만 F, "
    "30개 미만 C, 100개 미만 B; 레이블 표 100행 미만 C; 시간대 가정 B; 똑같은 입력 파일 B; "
    "절반 넘게 빈 열 B (열의 1/4 초과 C)."
)
RULE_EN = (
    "score = weighted mean over characteristics of the mean measure value, minus costs: each "
    "failed measure costs c_sev (error 0.08, warning 0.04, info 0.01) x (1/2 + 1/2 x shortfall "
    "below its threshold); an assumed time zone 0.02; each identical input file 0.03 (at most "
    "0.09). Grade caps: a failed error "
    "measure C; 3+ failed error/warning measures B, 5+ C; fewer than 10 rows F, 30 C, 100 B; a "
    "labelled table under 100 rows C; assumed time zone B; identical input files B; a mostly "
    "empty column B (more than a quarter of the columns C)."
)


def scheme(weights: Mapping[str, float] | None, required: str) -> dict[str, Any]:
    return {
        "weights": {**DEFAULT_WEIGHTS, **(weights or {})},
        "grades": {g: low for g, low in GRADES},
        "error_cap": ERROR_CAP,
        "fail_cost": dict(FAIL_COST),
        "fail_caps": {str(n): cap for n, cap in FAIL_CAPS},
        "row_caps": {str(n): cap for n, cap in ROW_CAPS},
        "model_rows": MODEL_ROWS,
        "registration_grade": required,
        "rule": RULE_EN,
        "rule_ko": RULE_KO,
    }
