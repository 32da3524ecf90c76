"""Accuracy: range validity, spikes (Hampel), stuck sensors, junk values found at ingest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mfgdata.quality.contract import Contract
from mfgdata.quality.findings import MAX_EVIDENCE
from mfgdata.quality.measures import Measure, ratio
from mfgdata.quality.scan import TableStats


def _nonnull(s: TableStats, name: str) -> int:
    st = s.columns[name]
    return s.rows - st.nulls - st.nonfinite


def _per_column(items: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ranked = sorted(items.items(), key=lambda kv: (-int(kv[1]["count"]), kv[0]))
    return dict(ranked[:MAX_EVIDENCE])


def measures(
    s: TableStats,
    c: Contract,
    junk: Mapping[str, Any] | None = None,
    ingest_rows: int = 0,
    ingest_columns: int = 0,
) -> list[Measure]:
    th, p = c.thresholds, c.parameters
    out: list[Measure] = []
    ranged = [st for st in s.columns.values() if st.checked_range]
    if ranged:
        bad = sum(st.out_of_range for st in ranged)
        total = sum(_nonnull(s, st.name) for st in ranged)
        out.append(
            Measure(
                id="accuracy.range",
                characteristic="accuracy",
                name_ko="범위 유효성",
                name_en="Range validity",
                formula="1 - values outside [minimum, maximum] / non-null values of ranged columns",
                value=ratio(bad, total),
                threshold=th.get("accuracy.range", 0.999),
                severity="error",
                evidence={
                    "count": bad,
                    "checked": total,
                    "columns": _per_column(
                        {
                            st.name: {
                                "count": st.out_of_range,
                                "range": list(st.checked_range or ()),
                                "rows": st.range_rows,
                                "values": st.range_values,
                            }
                            for st in ranged
                            if st.out_of_range
                        }
                    ),
                },
            )
        )
    series = [st for st in s.columns.values() if st.series]
    if series:
        total = sum(_nonnull(s, st.name) for st in series)
        spikes = sum(st.spikes for st in series)
        out.append(
            Measure(
                id="accuracy.spikes",
                characteristic="accuracy",
                name_ko="스파이크 비율",
                name_en="Spike ratio",
                formula=(
                    "1 - samples with |x - median(x[i-1..i+1])| > k x sigma / non-null samples"
                    " (Hampel identifier; sigma = 1.4826 x median |x[i] - x[i-1]| / sqrt 2)"
                ),
                value=ratio(spikes, total),
                threshold=th.get("accuracy.spikes", 0.999),
                severity="warning",
                evidence={
                    "count": spikes,
                    "k": p.get("spikeK", 6.0),
                    "columns": _per_column(
                        {
                            st.name: {"count": st.spikes, "rows": st.spike_rows}
                            for st in series
                            if st.spikes
                        }
                    ),
                },
            )
        )
        stuck = sum(st.stuck_samples for st in series)
        out.append(
            Measure(
                id="accuracy.stuck",
                characteristic="accuracy",
                name_ko="고착 센서 비율",
                name_en="Stuck-sensor ratio",
                formula="1 - samples in runs of one value of at least W samples / non-null samples",
                value=ratio(stuck, total),
                threshold=th.get("accuracy.stuck", 0.99),
                severity="warning",
                evidence={
                    "count": stuck,
                    "window": int(p.get("stuckWindow", 20)),
                    "columns": _per_column(
                        {
                            st.name: {
                                "count": st.stuck_samples,
                                "runs": st.stuck_run_count,
                                "ranges": st.stuck_runs,
                            }
                            for st in series
                            if st.stuck_samples
                        }
                    ),
                },
            )
        )
    if junk is not None and ingest_rows and ingest_columns:
        n = sum(int(v.get("count", 0)) for v in junk.values())
        out.append(
            Measure(
                id="accuracy.ingest_junk",
                characteristic="accuracy",
                name_ko="수집 시 비정상 값",
                name_en="Junk values found at ingest",
                formula="1 - junk cells at ingest / (ingested rows x ingested columns)",
                value=ratio(n, ingest_rows * ingest_columns),
                threshold=th.get("accuracy.ingest_junk", 0.99),
                severity="warning",
                source="ingest",
                evidence={
                    "count": n,
                    "columns": _per_column(
                        {
                            k: {
                                "count": int(v.get("count", 0)),
                                "examples": list(v.get("examples", []))[:MAX_EVIDENCE],
                                # each junk value with its count (any vendor's wording)
                                "tokens": dict(list(dict(v.get("tokens") or {}).items())[:20]),
                            }
                            for k, v in junk.items()
                            if int(v.get("count", 0))
                        }
                    ),
                },
            )
        )
    return out
