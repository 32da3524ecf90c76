"""The time-series chart's bucket means are the same bits on every run (the demo's report.html
differed between two builds: 230.263 / 230.262), and they are the exact means."""

from __future__ import annotations

import math

import narwhals as nw
import numpy as np
import polars as pl
import pytest

from mfgdata.profiling.charts import downsample, exact_mean
from mfgdata.profiling.timerules import Clock

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


@pytest.mark.parametrize("scale", [1.0, 1e-6, 1e6])
def test_streaming_group_means_have_the_same_bits(scale: float) -> None:
    """What the chart's group-by runs: the plain float mean differs in its last bits from run
    to run on the streaming engine (parts added in any order), the exact mean never does."""
    lf = _frame(scale).with_columns(b=pl.int_range(pl.len()) % 400)
    magnitude = float(lf.select(pl.col("x").abs().max()).collect().item())
    q = nw.from_native(lf).group_by("b").agg(exact_mean(nw.col("x"), magnitude).alias("m"))
    native = q.sort("b").to_native()
    runs = {tuple(native.collect(engine="streaming")["m"].to_list()) for _ in range(6)}
    assert len(runs) == 1


def _mean(values: pl.Series, magnitude: float) -> float | None:
    frame = nw.from_native(pl.DataFrame({"x": values}).lazy())
    return frame.select(exact_mean(nw.col("x"), magnitude)).collect().item()  # type: ignore[no-any-return]


@pytest.mark.parametrize("scale", [1.0, 1e-6, 1e12])
def test_exact_mean_is_the_mean(scale: float) -> None:
    values = np.random.default_rng(3).normal(230.0, 2.0, 10_000) * scale
    got = _mean(pl.Series(values), float(np.abs(values).max()))
    assert got == pytest.approx(math.fsum(values) / len(values), rel=1e-14)


def test_exact_mean_skips_nan_inf_and_empty() -> None:
    s = pl.Series([1.0, float("nan"), 3.0, None, float("inf")])
    assert _mean(s, 3.0) == 2.0
    assert _mean(pl.Series([None], dtype=pl.Float64), 3.0) is None
