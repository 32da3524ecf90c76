"""Charts: downsampling is bounded and exact per bucket; specs carry only pre-binned data."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl

from mfgdata.profiling.charts import MAX_POINTS, downsample, histogram_spec, timeseries_spec
from mfgdata.profiling.timerules import Clock


def test_downsample_bounds_points_and_keeps_extremes() -> None:
    n = 20_000
    t0 = datetime(2024, 1, 1)
    x = np.sin(np.arange(n) / 500.0)
    x[1234] = 50.0
    lf = pl.LazyFrame({"t": [t0 + timedelta(seconds=k) for k in range(n)], "x": x})
    start_us = int((t0 - datetime(1970, 1, 1)).total_seconds()) * 1_000_000
    end_us = start_us + (n - 1) * 1_000_000
    clock = Clock(None, "Asia/Seoul")
    points = downsample(lf, "t", ["x"], start_us, end_us, clock, time_sorted=True)["x"]
    assert points == downsample(lf, "t", ["x"], start_us, end_us, clock)["x"]
    assert 0 < len(points) <= MAX_POINTS
    assert max(p["max"] for p in points) == 50.0
    assert min(p["min"] for p in points) == round(float(x.min()), 6)
    assert points[0]["t"] == "2024-01-01T00:00:00+09:00"
    assert all(p["min"] <= p["mean"] <= p["max"] for p in points)


def test_specs_are_vega_lite_with_inline_bins() -> None:
    h = histogram_spec("온도", "°C", {"edges": [0.0, 1.0, 2.0], "counts": [3, 4]})
    assert h["data"]["values"] == [
        {"start": 0.0, "end": 1.0, "count": 3},
        {"start": 1.0, "end": 2.0, "count": 4},
    ]
    assert h["encoding"]["x"]["title"] == "온도 [°C]"
    ts = timeseries_spec("온도", None, [], [])
    assert [layer["mark"]["type"] for layer in ts["layer"]] == ["area", "line"]


def test_time_axis_shows_the_plant_wall_clock_in_any_browser_zone() -> None:
    from mfgdata.profiling.charts import timeseries_spec

    points = [{"t": "2024-03-01T00:00:00+09:00", "min": 1.0, "mean": 2.0, "max": 3.0}]
    gaps = [{"start": "2024-03-01T10:00:00+09:00", "end": "2024-03-01T10:45:00+09:00"}]
    spec = timeseries_spec("금형온도", "°C", points, gaps)
    gap_layer, band, line = spec["layer"]
    assert spec["data"]["values"][0]["t"] == "2024-03-01T00:00:00Z"
    assert gap_layer["data"]["values"] == [
        {"start": "2024-03-01T10:00:00Z", "end": "2024-03-01T10:45:00Z"}
    ]
    for layer in (gap_layer, band, line):
        assert layer["encoding"]["x"]["scale"] == {"type": "utc"}
