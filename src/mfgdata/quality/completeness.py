"""Completeness: cells, mostly-empty columns, required columns, sampling of the time axis, gaps."""

from __future__ import annotations

from collections.abc import Mapping

from mfgdata.quality.contract import Contract
from mfgdata.quality.measures import Measure, bounded, ratio
from mfgdata.quality.scan import TableStats


def measures(s: TableStats, c: Contract) -> list[Measure]:
    th = c.thresholds
    out: list[Measure] = []
    cells = s.rows * len(s.columns)
    nulls = sum(st.nulls for st in s.columns.values())
    by_col = {
        k: v.nulls for k, v in sorted(s.columns.items(), key=lambda kv: -kv[1].nulls) if v.nulls
    }
    out.append(
        Measure(
            id="completeness.cells",
            characteristic="completeness",
            name_ko="셀 완전성",
            name_en="Cell completeness",
            formula="1 - null cells / (rows x columns)",
            value=ratio(nulls, cells),
            threshold=th.get("completeness.cells", 0.95),
            severity="error",
            evidence={"count": nulls, "cells": cells, "columns": dict(list(by_col.items())[:20])},
        )
    )
    required = [col.name for col in c.columns if col.required]
    if required:
        missing = [r for r in required if r not in s.columns]
        rn = sum(s.columns[r].nulls for r in required if r in s.columns) + len(missing) * s.rows
        out.append(
            Measure(
                id="completeness.required",
                characteristic="completeness",
                name_ko="필수 열 완전성",
                name_en="Required-column completeness",
                formula="1 - null or missing cells in required columns / (rows x required columns)",
                value=ratio(rn, s.rows * len(required)),
                threshold=th.get("completeness.required", 1.0),
                severity="error",
                evidence={
                    "count": rn,
                    "required": required,
                    "missing_columns": missing,
                    "columns": {
                        r: s.columns[r].nulls
                        for r in required
                        if r in s.columns and s.columns[r].nulls
                    },
                },
            )
        )
    t = s.time
    if t is None or t.interval_s is None or t.t_min is None or t.t_max is None:
        return out
    span_s = (t.t_max - t.t_min) / 1e6
    expected = int(span_s / t.interval_s) + 1
    out.append(
        Measure(
            id="completeness.sampling",
            characteristic="completeness",
            name_ko="시계열 샘플링 완전성",
            name_en="Sampling completeness of the time series",
            formula="distinct timestamps / ((last - first) / nominal interval + 1)",
            value=min(1.0, t.distinct / expected) if expected else 1.0,
            threshold=th.get("completeness.sampling", 0.95),
            severity="warning",
            column=t.column,
            evidence={
                "count": max(0, expected - t.distinct),
                "observed": t.distinct,
                "expected": expected,
                "interval_seconds": t.interval_s,
            },
        )
    )
    out.append(
        Measure(
            id="completeness.gaps",
            characteristic="completeness",
            name_ko="결측 구간(갭)",
            name_en="Gaps in the time axis",
            formula="1 - intervals longer than gap_factor x nominal / intervals",
            value=ratio(t.gap_count, t.pairs),
            threshold=th.get("completeness.gaps", 0.999),
            severity="warning",
            column=t.column,
            evidence={
                "count": t.gap_count,
                "longest_seconds": t.longest_gap_s,
                "ranges": bounded(t.gaps),
            },
        )
    )
    out.append(
        Measure(
            id="completeness.longest_gap",
            characteristic="completeness",
            name_ko="최장 갭",
            name_en="Longest gap",
            formula="1 - longest gap / time span",
            value=ratio(t.longest_gap_s, span_s) if t.gap_count else 1.0,
            threshold=th.get("completeness.longest_gap", 0.95),
            severity="warning",
            column=t.column,
            evidence={
                "count": 1 if t.gap_count else 0,
                "longest_seconds": t.longest_gap_s,
                "span_seconds": span_s,
                "ranges": t.gaps[:1],
            },
        )
    )
    return out


def columns(s: TableStats, c: Contract, empty: Mapping[str, float]) -> list[Measure]:
    """Columns more than half empty (``empty``: column -> share of nulls)."""
    if not s.columns:
        return []
    return [
        Measure(
            id="completeness.columns",
            characteristic="completeness",
            name_ko="열 완전성 (절반 넘게 빈 열)",
            name_en="Column completeness (columns more than half empty)",
            formula="1 - columns with more than half of their cells null / columns",
            value=ratio(len(empty), len(s.columns)),
            threshold=c.thresholds.get("completeness.columns", 1.0),
            severity="warning",
            evidence={"count": len(empty), "columns": dict(list(empty.items())[:20])},
        )
    ]
