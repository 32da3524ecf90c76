"""Time axis: naive and Date columns, irregular intervals, bounded gap lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from mfgdata.profiling.timerules import MAX_GAPS
from mfgdata.profiling.timeseries import time_profile


def test_naive_times_are_localised_and_irregularity_measured() -> None:
    t0 = datetime(2024, 1, 1)
    steps = [10] * 8 + [12, 8]  # two of ten intervals deviate by 20 %
    times = [t0]
    for s in steps:
        times.append(times[-1] + timedelta(seconds=s))
    tp = time_profile(pl.LazyFrame({"t": times}), "t", None, "Asia/Seoul")
    d = tp.data
    assert d["start"] == "2024-01-01T00:00:00+09:00"
    assert d["interval_seconds"] == 10.0
    assert d["irregularity"]["irregular_share"] == 0.2
    assert d["gaps"]["count"] == 0 and d["nulls"] == 0


def test_date_column_and_null_times() -> None:
    days = [date(2024, 1, 1) + timedelta(days=k) for k in (0, 1, 2, 5, 6)] + [None]
    tp = time_profile(pl.LazyFrame({"d": days}), "d", None, "Asia/Seoul")
    d = tp.data
    assert d["interval_seconds"] == 86400.0 and d["nulls"] == 1
    assert d["gaps"]["items"][0]["missing_samples"] == 2
    assert d["gaps"]["items"][0]["start"] == "2024-01-03T00:00:00+09:00"


def test_gap_list_is_bounded_to_the_largest() -> None:
    t0 = datetime(2024, 1, 1)
    times, t = [], t0
    for k in range(MAX_GAPS + 30):
        times += [t, t + timedelta(seconds=1)]
        t += timedelta(seconds=10 + k)  # gap k has length 9 + k seconds
    tp = time_profile(pl.LazyFrame({"t": times}), "t", None, "UTC")
    gaps = tp.data["gaps"]
    assert gaps["count"] == MAX_GAPS + 29
    assert len(gaps["items"]) == MAX_GAPS
    assert min(g["seconds"] for g in gaps["items"]) == 9 + 29  # gaps k = 29..78 kept
    starts = [g["start"] for g in gaps["items"]]
    assert starts == sorted(starts)


def test_entities_with_backward_steps_are_sorted_before_gaps() -> None:
    t0 = datetime(2024, 1, 1)
    a = [0, 1, 3, 2, 4, 10, 11]  # one backward step (3 -> 2), one gap (4 -> 10)
    b = [0, 2, 4, 6, 20, 22]  # 2 s interval, one gap (6 -> 20)
    rows = [("A", t0 + timedelta(seconds=s)) for s in a] + [
        ("B", t0 + timedelta(seconds=s)) for s in b
    ]
    lf = pl.LazyFrame(rows, schema=["m", "t"], orient="row")
    tp = time_profile(lf, "t", "m", "UTC")
    d = tp.data
    assert d["backward_steps"]["count"] == 1 and d["backward_steps"]["rows"] == [3]
    assert [(g["entity"], g["seconds"], g["missing_samples"]) for g in d["gaps"]["items"]] == [
        ("A", 6.0, 5),
        ("B", 14.0, 6),
    ]
    assert tp.sorted is False
    assert {e["id"]: e["interval_seconds"] for e in tp.entities["items"]} == {"A": 1.0, "B": 2.0}
