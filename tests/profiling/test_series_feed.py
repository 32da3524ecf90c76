"""The time-series charts fed by the column statistics' reads (issue 12) are the charts
``downsample`` draws reading each column again: the same points, or no feed at all."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
import pytest

from mfgdata.profiling import charts
from mfgdata.profiling.columns import column_metas, column_stats
from mfgdata.profiling.timeseries import time_profile
from mfgdata.steps.profile import _charts, _feed

T0 = datetime(2024, 3, 1, 8)


def _table(n: int, *, shuffled: bool, wide: bool, zero: bool) -> pl.DataFrame:
    rng = np.random.default_rng(3)
    t: list[datetime | None] = [T0 + timedelta(seconds=3 * k) for k in range(n)]
    t[7] = t[100] = None
    cols: dict[str, Any] = {
        "t": t,
        "m": rng.choice(["P1", "P2", "P3"], n),
        "temp": np.round(rng.normal(60, 2, n), 3),
        "count": rng.integers(0, 50, n),
        "empty": [None] * n,
    }
    cols["temp"][[5, 9]] = np.nan
    if zero:
        cols["flat"] = np.zeros(n)  # magnitude 0: no exact sum, downsample decides
    for k in range(25 if wide else 2):
        cols[f"s{k:02d}"] = np.round(rng.normal(k, 1, n), 4)
    df = pl.DataFrame(cols).with_columns(pl.col("empty").cast(pl.Float64))
    return df.sample(fraction=1.0, shuffle=True, seed=1) if shuffled else df


@pytest.mark.parametrize("shuffled", [False, True], ids=["in-order", "shuffled"])
@pytest.mark.parametrize("wide", [False, True], ids=["narrow", "over-20-series"])
@pytest.mark.parametrize("zero", [False, True], ids=["exact", "a-flat-column"])
def test_fed_charts_are_downsamples(shuffled: bool, wide: bool, zero: bool) -> None:
    lf = _table(3_000, shuffled=shuffled, wide=wide, zero=zero).lazy()
    tp = time_profile(lf, "t", "m", "Asia/Seoul")
    skip = {"t", "m"}
    feed = _feed(lf, tp, skip)
    assert feed is not None
    rows, columns = column_stats(
        lf,
        column_metas(lf.collect_schema(), []),
        rows_hint=3_000,
        tz="Asia/Seoul",
        on_values=feed.take,
    )
    profile = {"rows": rows, "columns": columns}
    fed = _charts(lf, profile, tp, skip, feed)
    read = _charts(lf, profile, tp, skip)
    assert fed == read
    series = [cid for cid in fed[0] if cid.startswith("profile-ts-")]
    assert len(series) == min(charts.MAX_SERIES, len(columns) - 3)  # t, m and the empty column
    chosen = [n for n, c in columns.items() if "histogram" in c and c["count"] and n not in skip]
    # used unless the flat column (no exact sum) sends the charts back to downsample
    assert (feed.points(chosen[: charts.MAX_SERIES]) is None) == zero
