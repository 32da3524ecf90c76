"""Vega-Lite specs for the profile section: histograms (pre-binned) and downsampled time series.

Chart data is always inline and bounded: a histogram carries its bins, a time series at most
``MAX_POINTS`` buckets (min/mean/max per bucket, by integer bucketing of the epoch),
and at most ``MAX_SERIES`` time-series charts are drawn.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import narwhals as nw
import polars as pl

from mfgdata.profiling import backend
from mfgdata.profiling.timerules import Clock
from mfgdata.profiling.values import json_value, round_sig
from mfgdata.quality.backend import epoch_us

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
MAX_POINTS = 1000
MAX_SERIES = 20
MAX_HISTOGRAMS = 200
_GAP_COLOR = "#d62728"


def _label(name: str, unit: str | None) -> str:
    return f"{name} [{unit}]" if unit else name


def histogram_spec(name: str, unit: str | None, histogram: Mapping[str, Any]) -> dict[str, Any]:
    """A bar chart of pre-computed equal-width bins."""
    edges, counts = histogram["edges"], histogram["counts"]
    values = [{"start": edges[k], "end": edges[k + 1], "count": c} for k, c in enumerate(counts)]
    return {
        "$schema": SCHEMA,
        "title": f"{name} — 분포 / distribution",
        "width": "container",
        "height": 160,
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "start",
                "type": "quantitative",
                "bin": {"binned": True},
                "title": _label(name, unit),
            },
            "x2": {"field": "end"},
            "y": {"field": "count", "type": "quantitative", "title": "행 수 / rows"},
        },
    }


#: above this magnitude an exact sum could overflow 38 digits: the float mean is used
EXACT_MAX = 1e20


def _scale(magnitude: float | None) -> int | None:
    """Decimal places keeping 18 significant digits of ``magnitude`` (``None``: no exact sum)."""
    if not magnitude or not math.isfinite(magnitude) or magnitude > EXACT_MAX:
        return None
    return max(0, min(37, 18 - math.ceil(math.log10(magnitude))))


def exact_sum(x: nw.Expr, magnitude: float | None) -> tuple[nw.Expr, nw.Expr] | None:
    """Spark's exact sum and count of ``x`` per bucket (``None`` without a finite magnitude, or
    above ``EXACT_MAX``): the unscaled sum of round(x * 10^scale) as a 38-digit decimal,
    keeping 18 significant digits of the column's largest magnitude, to be scaled on the driver
    (:func:`scaled`). Polars computes the same integers with numpy
    (:func:`~mfgdata.profiling.backend.bucket_stats`), so both engines add the same decimals.

    Why exact: the streaming engine adds a group's parts in any order, and a float sum then
    differs in its last bits from run to run (230.263 / 230.262 in the demo's report)."""
    scale = _scale(magnitude)
    if scale is None or magnitude is None:
        return None
    # NaN, infinities and anything above the magnitude are no measurement (and no decimal)
    kept = nw.when(x.abs() <= magnitude).then(x)
    d = (kept * float(10**scale)).round(0).cast(nw.Decimal(38, 0))
    return d.sum(), d.count()


def scaled(values: pl.Series, magnitude: float | None) -> pl.Series:
    """An unscaled exact sum (integers) as the decimal it stands for (exact)."""
    scale = _scale(magnitude) or 0
    out = [None if v is None else Decimal(int(v)).scaleb(-scale) for v in values.to_list()]
    return pl.Series(values.name, out, dtype=pl.Decimal(38, scale))


def magnitude(column: Mapping[str, Any]) -> float | None:
    """The largest absolute value of a numeric column's ``min`` and ``max`` as the profile keeps
    them (None when neither is a number)."""
    ends = [v for v in (column.get("min"), column.get("max")) if isinstance(v, int | float)]
    return max((abs(float(v)) for v in ends), default=None)


def _mean_of(total: str, n: str) -> pl.Expr:
    """An exact sum's mean, on the collected buckets: the decimal to the nearest float (Polars'
    cast; Spark's own cast of a small decimal divides a float by 10^scale, a second rounding),
    then divided by the count: the same bits from either engine."""
    return pl.when(pl.col(n) > 0).then(pl.col(total).cast(pl.Float64) / pl.col(n))


def downsample(
    frame: Any,
    time_column: str,
    columns: Sequence[str],
    start_us: int,
    end_us: int,
    clock: Clock,
    *,
    time_sorted: bool = False,
    magnitudes: Mapping[str, float | None] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """``{column: [{t, min, mean, max}]}`` over at most ``MAX_POINTS`` equal time buckets, of a
    Polars lazy frame or a SparkFrame.

    ``time_sorted``: the time column never decreases in file order (checked by the time profile),
    so the rows are already in bucket order (Polars: no sort).
    ``magnitudes``: each column's largest absolute value (the profile's min/max); with it the
    bucket means come from exact sums (:func:`exact_sum` on Spark, ``backend.bucket_stats`` on
    Polars: the same integers), so the report has the same bytes on every run (and on either
    engine). NaN: min/max skip it, and the exact mean too; a Spark table holds none (its ingest
    refuses NaN as a non-parsable value).
    """
    magnitudes = magnitudes or {}
    if not columns:
        return {}
    width, bucket = _bucketing(start_us, end_us)
    lf = epoch_us(backend.lazy(frame), time_column, "_us")
    exact = {
        c: m for c in columns if (m := magnitudes.get(c)) is not None and _scale(m) is not None
    }
    if backend.is_polars(lf):
        limits = {c: (m, _scale(m) or 0) for c, m in exact.items()}
        df = backend.bucket_stats(lf, bucket, columns, limits, time_sorted=time_sorted)
        # the float mean of a column without an exact sum: its sum / count
        df = df.with_columns(
            pl.when(pl.col(f"{i}_n") > 0)
            .then(pl.col(f"{i}_sum") / pl.col(f"{i}_n"))
            .alias(f"{i}_mean")
            for i, c in enumerate(columns)
            if c not in exact
        )
    else:
        aggs = []
        for i, c in enumerate(columns):
            x = nw.col(c)
            parts = exact_sum(x, exact.get(c))
            mean = [x.mean().alias(f"{i}_mean")]
            if parts is not None:
                mean = [parts[0].alias(f"{i}_sum"), parts[1].alias(f"{i}_n")]
            aggs += [x.min().alias(f"{i}_min"), *mean, x.max().alias(f"{i}_max")]
        values = [nw.col(c).cast(nw.Float64) for c in columns]
        q = lf.select(bucket.alias("_bucket"), *values).drop_nulls("_bucket")
        df = backend.collect(q.group_by("_bucket").agg(*aggs).sort("_bucket"))
    return _points(df, columns, exact, start_us, width, clock)


def _bucketing(start_us: int, end_us: int) -> tuple[int, nw.Expr]:
    """The bucket width (microseconds) and each row's bucket (of its ``_us`` column)."""
    width = max(math.ceil((end_us - start_us + 1) / MAX_POINTS), 1)
    return width, (nw.col("_us") - start_us) // width


def _points(
    df: pl.DataFrame,
    columns: Sequence[str],
    exact: Mapping[str, float],
    start_us: int,
    width: int,
    clock: Clock,
) -> dict[str, list[dict[str, Any]]]:
    """The chart points of the bucket statistics ``df`` (``{i}_min``, ``{i}_max`` and, for the
    ``exact`` columns, the unscaled exact ``{i}_sum`` and ``{i}_n``, else ``{i}_mean``)."""
    sums = [(f"{i}_sum", m) for i, c in enumerate(columns) if (m := exact.get(c)) is not None]
    df = df.with_columns([scaled(df[name], m) for name, m in sums])
    df = df.with_columns(
        _mean_of(f"{i}_sum", f"{i}_n").alias(f"{i}_mean")
        for i, c in enumerate(columns)
        if c in exact
    )
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in columns}
    for row in df.iter_rows(named=True):
        stamp = clock.iso(start_us + int(row["_bucket"]) * width)
        for i, c in enumerate(columns):
            if row[f"{i}_mean"] is None:
                continue
            out[c].append(
                {
                    "t": stamp,
                    "min": round_sig(row[f"{i}_min"]),
                    "mean": round_sig(row[f"{i}_mean"]),
                    "max": round_sig(row[f"{i}_max"]),
                }
            )
    return out


class SeriesFeed:
    """The time-series charts' bucket statistics, computed from the column values the profile
    reads for its own statistics (Polars; issue 12: no second read of each column, ~0.3 CPU-s of
    a 1M x 20 build). Fed in column order by :func:`~mfgdata.profiling.columns.column_stats`
    (``take``); :meth:`points` gives what :func:`downsample` gives for the same columns, or None
    when the chosen columns are not all here with an exact sum (then ``downsample`` reads)."""

    def __init__(
        self,
        frame: pl.LazyFrame,
        time_column: str,
        start_us: int,
        end_us: int,
        clock: Clock,
        *,
        time_sorted: bool,
        skip: set[str],
    ) -> None:
        self.width, bucket = _bucketing(start_us, end_us)
        lf = epoch_us(backend.lazy(frame), time_column, "_us")
        self.plan = backend.bucket_plan(lf, bucket, time_sorted=time_sorted)
        self.start_us, self.clock, self.skip = start_us, clock, skip
        #: the columns taken, in order, with their buckets (None: no exact sum)
        self.got: dict[str, dict[str, Any] | None] = {}
        #: the magnitudes of those with an exact sum
        self.magnitudes: dict[str, float] = {}

    def take(self, name: str, values: pl.Series, row: Mapping[str, Any]) -> None:
        """A numeric column's measured values (row order) and its statistics' row: kept when it
        is one of the first ``MAX_SERIES`` columns with values (the charts' choice)."""
        if not row["count"] or name in self.skip or len(self.got) >= MAX_SERIES:
            return
        # the ends as profile.json keeps them (``json_value``; a number has no zone): the
        # magnitude ``downsample`` is given
        m = magnitude({k: json_value(row[k], "UTC") for k in ("min", "max")})
        scale = _scale(m)
        if m is None or scale is None:  # no exact sum: downsample decides
            self.got[name] = None
            return
        self.magnitudes[name] = m
        self.got[name] = backend.column_buckets(self.plan, values.cast(pl.Float64), (m, scale))

    def points(self, columns: Sequence[str]) -> dict[str, list[dict[str, Any]]] | None:
        """:func:`downsample`'s points of ``columns`` (None unless they are exactly the columns
        taken, each with an exact sum)."""
        if not list(columns) == list(self.got) == list(self.magnitudes):
            return None
        df = backend.bucket_frame(self.plan, [self.got[c] for c in columns])
        return _points(df, columns, self.magnitudes, self.start_us, self.width, self.clock)


@functools.lru_cache(maxsize=4 * MAX_POINTS)
def wall_clock(stamp: str | None) -> str | None:
    """``2024-03-01T08:00:00+09:00`` → ``2024-03-01T08:00:00Z``: the local wall time, drawn on a
    UTC scale so that every browser shows the plant's clock (cached: every series of a profile
    has the same stamps)."""
    if stamp is None:
        return None
    return datetime.fromisoformat(stamp).replace(tzinfo=None).isoformat() + "Z"


def timeseries_spec(
    name: str,
    unit: str | None,
    points: Sequence[Mapping[str, Any]],
    gaps: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Min–max band and mean line per bucket; gaps drawn as shaded bands.

    Times are drawn as the plant's wall clock whatever the reader's browser zone: each stamp's
    offset is dropped and the axis uses a UTC scale.
    """
    points = [{**p, "t": wall_clock(p["t"])} for p in points]
    gaps = [{"start": wall_clock(g["start"]), "end": wall_clock(g["end"])} for g in gaps]
    x = {"field": "t", "type": "temporal", "title": "시간 / time", "scale": {"type": "utc"}}
    layers: list[dict[str, Any]] = []
    if gaps:
        layers.append(
            {
                "data": {"values": [{"start": g["start"], "end": g["end"]} for g in gaps]},
                "mark": {"type": "rect", "color": _GAP_COLOR, "opacity": 0.15},
                "encoding": {
                    "x": {"field": "start", "type": "temporal", "scale": {"type": "utc"}},
                    "x2": {"field": "end"},
                },
            }
        )
    layers += [
        {
            "mark": {"type": "area", "opacity": 0.3},
            "encoding": {
                "x": x,
                "y": {"field": "min", "type": "quantitative", "title": _label(name, unit)},
                "y2": {"field": "max"},
            },
        },
        {
            "mark": {"type": "line", "strokeWidth": 1},
            "encoding": {"x": x, "y": {"field": "mean", "type": "quantitative"}},
        },
    ]
    return {
        "$schema": SCHEMA,
        "title": f"{name} — 시계열 / time series",
        "width": "container",
        "height": 180,
        "data": {"values": list(points)},
        "layer": layers,
    }
