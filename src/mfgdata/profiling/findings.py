"""The profile's observations as findings: constant and all-null columns, time-axis problems."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mfgdata.profiling.timerules import TimeProfile
from mfgdata.quality.findings import MAX_EVIDENCE, Finding
from mfgdata.report.humanize import fmt_duration

STEP = "profile"


def column_findings(columns: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
    """``all_null_column`` and ``constant_column`` (one distinct non-null value)."""
    out = []
    for name, c in columns.items():
        if c["count"] == 0:
            out.append(
                Finding(
                    code="all_null_column",
                    severity="warning",
                    message_ko=f"열 '{name}'의 값이 모두 비어 있습니다",
                    message_en=f"column '{name}' has no values (all null)",
                    column=name,
                    count=c["nulls"],
                    step=STEP,
                )
            )
        elif c["distinct"] == 1:
            value = c.get("min", (c.get("top_values") or [{"value": None}])[0]["value"])
            out.append(
                Finding(
                    code="constant_column",
                    severity="warning",
                    message_ko=f"열 '{name}'의 값이 모두 같습니다 ({value})",
                    message_en=f"column '{name}' is constant ({value})",
                    column=name,
                    count=c["count"],
                    examples=(str(value),),
                    step=STEP,
                )
            )
    return out


def time_findings(tp: TimeProfile) -> list[Finding]:
    """``time_gaps`` (largest gaps as evidence), ``duplicate_timestamps``, ``non_monotonic``."""
    t = tp.data
    col = t["column"]
    out = []
    gaps = t["gaps"]
    if gaps["count"]:
        largest = sorted(gaps["items"], key=lambda g: (-g["seconds"], g["start"]))[:MAX_EVIDENCE]
        out.append(
            Finding(
                code="time_gaps",
                severity="warning",
                message_ko=f"시간 열 '{col}'에 공백이 {gaps['count']}건 있습니다 "
                f"(총 {fmt_duration(gaps['total_seconds'], 'ko')}, "
                f"샘플링 간격 {t['interval_seconds']:g} 초)",
                message_en=f"time column '{col}' has {gaps['count']} gaps "
                f"({fmt_duration(gaps['total_seconds'])} in total, sampling interval "
                f"{t['interval_seconds']:g} s)",
                column=col,
                count=gaps["count"],
                rows=tuple(g["row"] for g in largest),
                examples=tuple(
                    f"{g['start']} → {g['end']} ({fmt_duration(g['seconds'])})" for g in largest
                ),
                step=STEP,
            )
        )
    dups = t["duplicates"]["count"]
    if dups:
        out.append(
            Finding(
                code="duplicate_timestamps",
                severity="warning",
                message_ko=f"시간 열 '{col}'에 중복된 시각이 {dups}건 있습니다",
                message_en=f"time column '{col}' has {dups} duplicated timestamps",
                column=col,
                count=dups,
                rows=tp.duplicate_rows,
                step=STEP,
            )
        )
    back = t["backward_steps"]["count"]
    if back:
        out.append(
            Finding(
                code="non_monotonic_timestamps",
                severity="warning",
                message_ko=f"시간 열 '{col}'이 파일 순서에서 {back}번 거꾸로 갑니다",
                message_en=f"time column '{col}' steps backward {back} times in file order",
                column=col,
                count=back,
                rows=tp.backward_rows,
                step=STEP,
            )
        )
    return out
