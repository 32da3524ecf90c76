"""The time-series chart's bucket means are the same bits on every run (the demo's report.html
differed between two builds: 230.263 / 230.262), and they are the exact means: the sums of
Polars' Decimal cast, computed with numpy (backend.bucket_stats)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import narwhals as nw
import numpy as np
import polars as pl
import pytest

from mfgdata.profiling import backend
from mfgdata.profiling.charts import downsample
from mfgdata.profiling.timerules import Clock
from mfgdata.profiling.values import round_sig

N = 1_000_000


def _frame(scale: float) -> pl.LazyFrame:
    """1M one-second readings as a naive time column (microseconds from the epoch)."""
    rng = np.random.default_rng(7)
    t = pl.Series("t", np.arange(N, dtype=np.int64) * 1_000_000).cast(pl.Datetime("us"))
    return pl.DataFrame({"t": t, "x": rng.normal(230.0, 2.0, N) * scale}).lazy()


@pytest.mark.parametrize("scale", [1.0, 1e-6, 1e6])
def test_bucket_means_are_the_same_on_every_run(scale: float) -> None:
    lf = _frame(scale)
    clock = Clock(None, "Asia/Seoul")
    magnitude = float(lf.select(pl.col("x").abs().max()).collect().item())
    runs = {
        tuple(
            p["mean"]
            for p in downsample(
                lf, "t", ["x"], 0, (N - 1) * 1_000_000, clock, magnitudes={"x": magnitude}
            )["x"]
        )
        for _ in range(6)
    }
    assert len(runs) == 1


def _one_bucket_mean(values: pl.Series, magnitude: float | None) -> float | None:
    """The chart's mean of ``values`` in one time bucket (Polars: backend.bucket_stats)."""
    n = len(values)
    t = pl.Series("t", np.arange(n, dtype=np.int64)).cast(pl.Datetime("us"))
    lf = pl.DataFrame({"t": t, "x": values}).lazy()
    got = downsample(lf, "t", ["x"], 0, 10**9, Clock(None, "UTC"), magnitudes={"x": magnitude})
    return got["x"][0]["mean"] if got["x"] else None


@pytest.mark.parametrize("scale", [1.0, 1e-6, 1e12])
def test_exact_mean_is_the_mean(scale: float) -> None:
    values = np.random.default_rng(3).normal(230.0, 2.0, 10_000) * scale
    got = _one_bucket_mean(pl.Series(values), float(np.abs(values).max()))
    assert got == round_sig(math.fsum(values) / len(values))


def test_exact_mean_skips_nan_inf_and_empty() -> None:
    s = pl.Series([1.0, float("nan"), 3.0, None, float("inf")])
    assert _one_bucket_mean(s, 3.0) == 2.0
    assert _one_bucket_mean(pl.Series([None], dtype=pl.Float64), 3.0) is None


def _polars_exact(df: pl.DataFrame, scale: int) -> pl.DataFrame:
    """The reference: each bucket's sum as Polars' own Decimal cast adds it."""
    d = pl.col("x").cast(pl.Decimal(38, scale))
    return df.group_by("b").agg(s=d.sum(), n=d.count()).sort("b")


@pytest.mark.parametrize("sorted_rows", [True, False])
def test_bucket_sums_are_polars_decimal_sums(sorted_rows: bool, monkeypatch: Any) -> None:
    """The numpy sums are the integers of Polars' cast to Decimal(38, scale): ties to even
    included, over chunks that cut a bucket, in file order or not, beyond int64."""
    monkeypatch.setattr(backend, "BUCKET_CHUNK", 1000)  # buckets of 7 rows cut by chunks
    rng = np.random.default_rng(11)
    n = 7_007
    ties = (np.arange(n) % 200 - 100 + 0.5) / 1e3  # x * 10^3 lands on .5
    for scale, x in ((3, ties), (0, rng.normal(0, 5e19, n)), (16, rng.normal(50, 5, n))):
        b = np.arange(n) // 7
        if not sorted_rows:
            b = rng.permutation(b)
        df = pl.DataFrame({"b": b, "x": x})
        limit = float(np.abs(x).max())
        got = backend.bucket_stats(
            nw.from_native(df.lazy()),
            nw.col("b"),
            ["x"],
            {"x": (limit, scale)},
            time_sorted=sorted_rows,
        )
        want = _polars_exact(df, scale)
        assert got["_bucket"].to_list() == want["b"].to_list()
        assert got["0_n"].to_list() == want["n"].to_list()
        sums = [Decimal(int(v)).scaleb(-scale) for v in got["0_sum"].to_list()]
        assert sums == want["s"].to_list()
