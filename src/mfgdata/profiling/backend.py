"""The few engine-specific operations of the profile, behind one small interface (issue 19).

Every statistic of the profile is written once, as narwhals expressions (``columns.py``,
``charts.py``); the table is a Polars lazy frame or a :class:`~mfgdata.engine.SparkFrame`. What
differs between the engines is only *where* those expressions are evaluated, or an operation
narwhals cannot express on both:

- :func:`summarize` (numeric columns): Polars reads one column at a time, sorts it once and
  evaluates the statistics' expressions on the sorted column (Polars then takes its sorted fast
  paths: min/max/quantiles by index) — memory is one column, as before the port; Spark evaluates
  the same expressions over the whole table in one aggregate pass. Quantiles: Polars'
  ``quantile`` on the sorted column; Spark: the two order statistics of each quantile, all of a
  column in one exact ``percentile_disc``, interpolated on the driver with Polars' formula (the
  same bits: Spark's own ``percentile`` interpolates as (1-f)a + fb and differed in the 6th
  digit of a value on a rounding boundary). The distinct count of a
  sorted column is the number of places where neighbours differ (Polars; Spark: ``n_unique``).
  The histogram's counts of values below each edge: a binary search of the sorted column
  (Polars), one ``count_if`` per edge (Spark, in the quantiles' pass).
- :func:`estimate_distinct`: HyperLogLog estimates (Polars ``approx_n_unique``, Spark
  ``approx_count_distinct``, 1 % relative standard deviation): different estimators.
- :func:`time_rows`: the time axis (epoch microseconds), the entity and the row position in
  table order, as a Polars frame (two columns and a row number: the time profile's own frame);
  on Spark ordered by the row-order column, so the row numbers are consecutive positions.
- :func:`collect_all`: several small queries (Polars: one ``collect_all``).
- :func:`bucket_stats` (Polars; the time-series charts): min, max and the exact sum of each
  column per time bucket, with numpy on one column at a time (the rows in bucket order, each
  bucket a run: ``reduceat``) instead of a group-by over a Decimal cast (0.7 -> 0.4 CPU-s for 20
  columns x 1M rows); Spark aggregates the same in a group-by (``charts.downsample``).

Epoch microseconds of a time column: ``quality.backend.epoch_us`` (the checks' own).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import polars as pl

from mfgdata.engine import ROW, SparkFrame, is_spark
from mfgdata.quality.backend import epoch_us

#: a numeric column's name, its measured values in row order and its statistics' row
OnValues = Callable[[str, pl.Series, dict[str, Any]], None]
#: the stat of a column that tells its rows (null included)
ROWS = "rows"
#: the stat counting distinct values: on a sorted column (Polars) the places where neighbours
#: differ, one hash-free pass instead of ``n_unique`` (measured 7 ms against <1 ms a 1M column)
DISTINCT = "distinct"
#: the stat counting a column's non-null values (every ``stats`` has it)
COUNT = "count"


def lazy(frame: Any) -> nw.LazyFrame[Any]:
    """A narwhals lazy frame of a Polars frame or of a SparkFrame (its data columns and the
    row-order column)."""
    if isinstance(frame, nw.LazyFrame):
        return frame
    if is_spark(frame):
        frame = frame.df
    elif isinstance(frame, pl.DataFrame):
        frame = frame.lazy()
    out: nw.LazyFrame[Any] = nw.from_native(frame).lazy()
    return out


def is_polars(frame: nw.LazyFrame[Any]) -> bool:
    return bool(frame.implementation.is_polars())


def collect(frame: nw.LazyFrame[Any]) -> pl.DataFrame:
    """Any lazy frame as a Polars DataFrame (Polars: the streaming engine)."""
    if is_polars(frame):
        return frame.to_native().collect(engine="streaming")  # type: ignore[no-any-return]
    return pl.DataFrame(pl.from_arrow(frame.collect(backend="pyarrow").to_native()))


def collect_all(frames: Sequence[nw.LazyFrame[Any]]) -> list[pl.DataFrame]:
    if frames and is_polars(frames[0]):
        return pl.collect_all([f.to_native() for f in frames], engine="streaming")
    return [collect(f) for f in frames]


def count_rows(frame: Any) -> int:
    return int(collect(lazy(frame).select(nw.len())).item())


def _ranks(n: int, q: float) -> tuple[float, int, int]:
    """Linear interpolation's rule (Polars ``quantile(q, "linear")``, numpy's default): the
    value at position (n - 1) q of the sorted values, between ranks ``lo`` and ``hi``."""
    pos = (n - 1) * q
    lo = math.floor(pos)
    return pos - lo, lo, min(lo + 1, n - 1)


def summarize(
    frame: nw.LazyFrame[Any],
    values: Mapping[str, nw.Expr],
    stats: Callable[[str], dict[str, nw.Expr]],
    quantiles: Mapping[str, float],
    edges: Callable[[dict[str, Any]], np.ndarray | None],
    on_values: OnValues | None = None,
) -> dict[str, tuple[dict[str, Any], list[int]]]:
    """For each column of ``values`` (name → the column's measured value): the row of its
    ``stats(name)`` (aggregates over the non-null values, plus :data:`ROWS`) and of its
    ``quantiles`` (key → probability; linear interpolation between the closest ranks, exact on
    both engines), and, for the edges ``edges(row)`` gives, how many values lie strictly below
    each edge. ``on_values(name, values, row)`` (Polars only) gets each column's measured values
    in row order as they are read, with their row: what else needs them reads nothing again."""
    if not values:
        return {}
    out: dict[str, tuple[dict[str, Any], list[int]]] = {}
    if is_polars(frame):
        native = frame.to_native()
        for name, value in values.items():
            column = nw.from_native(native).select(value.alias(name)).to_native()
            raw = column.collect(engine="streaming").to_series()
            rows = raw.len()
            s = raw.drop_nulls().sort()
            exprs = [e.alias(k) for k, e in stats(name).items() if k != DISTINCT]
            x = nw.col(name)
            exprs += [x.quantile(q, interpolation="linear").alias(k) for k, q in quantiles.items()]
            got = nw.from_native(s.to_frame().lazy()).select(exprs).collect().to_native()
            row = {ROWS: rows, **got.row(0, named=True)}
            arr = s.to_numpy()
            if DISTINCT in stats(name) and len(arr):  # sorted: neighbours differ
                row[DISTINCT] = int(np.count_nonzero(arr[1:] != arr[:-1])) + 1
            elif DISTINCT in stats(name):
                row[DISTINCT] = 0
            cut = edges(row)
            cuts = np.searchsorted(arr, cut, side="left") if cut is not None else ()
            out[name] = (row, [int(c) for c in cuts])
            if on_values is not None:
                on_values(name, raw, row)
        return out
    from pyspark.sql import functions as F

    names = list(values)
    table = frame.select(*(v.alias(f"c{k}") for k, v in enumerate(values.values())))
    aggs: list[nw.Expr] = [nw.len().alias(ROWS)]
    for k in range(len(names)):
        aggs += [e.alias(f"c{k}|{key}") for key, e in stats(f"c{k}").items()]
    got = collect(table.select(aggs)).row(0, named=True)
    found: dict[str, dict[str, Any]] = {}
    for k, name in enumerate(names):
        prefix = f"c{k}|"
        found[name] = {ROWS: got[ROWS]}
        found[name].update({c[len(prefix) :]: v for c, v in got.items() if c.startswith(prefix)})
    inner: dict[str, list[float]] = {}
    for name in names:
        cut = edges(found[name])
        inner[name] = [] if cut is None else [float(e) for e in cut]
    # the second pass: the order statistics each quantile interpolates between, all of a column
    # in one exact ``percentile_disc`` (value of 0-based rank r: probability (r + 0.5) / n), and
    # the counts below the histogram's edges
    second = []
    plans: dict[str, list[tuple[str, float, int, int]]] = {}
    for k, name in enumerate(names):
        n = int(found[name][COUNT] or 0)
        plans[name] = [(key, *_ranks(n, q)) for key, q in quantiles.items()] if n else []
        ranks = sorted({r for _, _, lo, hi in plans[name] for r in (lo, hi)})
        if ranks:
            probs = ", ".join(repr((r + 0.5) / n) for r in ranks)
            disc = f"percentile_disc(array({probs})) WITHIN GROUP (ORDER BY c{k})"
            second.append(F.expr(disc).alias(f"c{k}|q"))
    second += [
        F.count_if(F.col(f"c{k}") < F.lit(e)).alias(f"c{k}|{j}")
        for k, name in enumerate(names)
        for j, e in enumerate(inner[name])
    ]
    more = table.to_native().agg(*second).first() if second else None
    for k, name in enumerate(names):
        plan = plans[name]
        ranks = sorted({r for _, _, lo, hi in plan for r in (lo, hi)})
        got_q = dict(zip(ranks, more[f"c{k}|q"], strict=True)) if plan and more else {}
        for key in quantiles:
            found[name][key] = None
        for key, frac, lo, hi in plan:
            a, b = float(got_q[lo]), float(got_q[hi])
            found[name][key] = a + (b - a) * frac  # Polars' linear interpolation, bit for bit
        counts = [int(more[f"c{k}|{j}"] or 0) if more else 0 for j in range(len(inner[name]))]
        out[name] = (found[name], counts)
    return out


def estimate_distinct(frame: nw.LazyFrame[Any], names: Sequence[str]) -> dict[str, int]:
    """HyperLogLog estimates of the distinct non-null values of ``names`` (see the module note)."""
    if not names:
        return {}
    if is_polars(frame):
        exprs = [pl.col(c).drop_nulls().approx_n_unique().alias(c) for c in names]
        row = frame.to_native().select(exprs).collect(engine="streaming").row(0, named=True)
        return {c: int(row[c]) for c in names}
    from pyspark.sql import functions as F

    aggs = [
        F.approx_count_distinct(F.col(f"`{c}`"), 0.01).alias(f"c{k}") for k, c in enumerate(names)
    ]
    got = frame.to_native().agg(*aggs).first()
    return {c: int(got[f"c{k}"]) if got is not None else 0 for k, c in enumerate(names)}


def time_rows(frame: Any, time_column: str, id_column: str | None) -> pl.DataFrame:
    """``row`` (position in the table, from 0), ``us`` (the time column as epoch microseconds:
    a naive column counts its wall clock, a zoned one UTC) and ``e`` (the entity as a
    categorical), in table order: the time profile's frame."""
    dtype = frame.collect_schema()[time_column]
    if isinstance(frame, SparkFrame):
        ent = [nw.col(id_column).cast(nw.String).alias("e")] if id_column else []
        timed = epoch_us(lazy(frame), time_column, "us").select(nw.col(ROW), nw.col("us"), *ent)
        df = collect(timed).sort(ROW).drop(ROW).with_columns(pl.col("us").cast(pl.Int64))
        if id_column:
            df = df.with_columns(pl.col("e").cast(pl.Categorical))
        return df.with_row_index("row")
    t = pl.col(time_column)
    if dtype == pl.Date:
        t = t.cast(pl.Datetime("us"))
    # categorical: four bytes a row, and the windows group on small integer codes
    ent_pl = (
        [pl.col(id_column).cast(pl.String).cast(pl.Categorical).alias("e")] if id_column else []
    )
    out: pl.DataFrame = frame.select(t.dt.epoch("us").alias("us"), *ent_pl).collect(
        engine="streaming"
    )
    return out.with_row_index("row")


#: rows of a column converted at a time in :func:`bucket_stats` (bounds its temporaries)
BUCKET_CHUNK = 1 << 20


def _bucket_runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first position of each run of equal ``keys`` (sorted) and the run's key."""
    if not len(keys):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return starts, keys[starts]


@dataclass(frozen=True)
class Buckets:
    """Where the rows go in :func:`bucket_stats`, read once from the bucket expression and shared
    by every column: ``idx`` the rows in bucket order (None: as they are), the ``chunks`` of
    ``BUCKET_CHUNK`` rows and each chunk's runs of one bucket, ``starts`` of the chunks' runs
    that begin a bucket, and the ``buckets`` (non-null, ascending)."""

    idx: np.ndarray | None
    chunks: list[tuple[int, int]]
    runs: list[tuple[np.ndarray, np.ndarray]]
    starts: np.ndarray
    buckets: np.ndarray


def bucket_plan(frame: nw.LazyFrame[Any], bucket: nw.Expr, *, time_sorted: bool) -> Buckets:
    """The :class:`Buckets` of a Polars frame (one read of the bucket expression)."""
    native = frame.to_native()
    b = collect(nw.from_native(native).select(bucket.alias("_b"))).to_series()
    idx: np.ndarray | None = None
    if b.null_count():
        idx = np.flatnonzero(b.is_not_null().to_numpy())
    keys = b.drop_nulls().cast(pl.Int64).to_numpy()
    if not time_sorted:
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        idx = order if idx is None else idx[order]
    chunks = [(lo, min(lo + BUCKET_CHUNK, len(keys))) for lo in range(0, len(keys), BUCKET_CHUNK)]
    runs = [_bucket_runs(keys[lo:hi]) for lo, hi in chunks]
    # a bucket cut by a chunk's end is a run of both chunks: the runs of the chunks' runs
    starts, buckets = _bucket_runs(np.concatenate([k for _, k in runs] or [keys]))
    return Buckets(idx, chunks, runs, starts, buckets)


def column_buckets(
    plan: Buckets, s: pl.Series, exact: tuple[float, int] | None
) -> dict[str, Any] | None:
    """One column's ``min``, ``max``, ``n`` and ``sum`` per bucket of ``plan`` (see
    :func:`bucket_stats`); ``s``: its values in row order, as Float64. None without rows."""
    if not plan.chunks:
        return None
    values = s.fill_null(np.nan).to_numpy()  # no copy (to_numpy of nulls: 3x slower)
    nulls = s.is_null().to_numpy() if exact is None else None
    idx = plan.idx
    got: dict[str, list[np.ndarray]] = {k: [] for k in ("min", "max", "n", "sum", "high")}
    for (lo, hi), (at, _) in zip(plan.chunks, plan.runs, strict=True):
        a = values[lo:hi] if idx is None else values[idx[lo:hi]]
        got["min"].append(np.fmin.reduceat(a, at))
        got["max"].append(np.fmax.reduceat(a, at))
        if exact is not None:
            limit, scale = exact
            with np.errstate(invalid="ignore"):
                keep = np.abs(a) <= limit
            v = np.rint(np.where(keep, a, 0.0) * float(10**scale))
            high = np.floor(v * 2.0**-32)  # exact: v is an integer below 2^67
            got["sum"].append(np.add.reduceat((v - high * 2.0**32).astype(np.int64), at))
            got["high"].append(np.add.reduceat(high.astype(np.int64), at))
        else:
            assert nulls is not None
            keep = ~(nulls[lo:hi] if idx is None else nulls[idx[lo:hi]])
            got["sum"].append(np.add.reduceat(np.where(keep, a, 0.0), at))
        got["n"].append(np.add.reduceat(keep, at, dtype=np.int64))
    per = {k: np.concatenate(v) for k, v in got.items() if v}
    starts = plan.starts
    out: dict[str, Any] = {
        "min": np.fmin.reduceat(per["min"], starts),
        "max": np.fmax.reduceat(per["max"], starts),
        "n": np.add.reduceat(per["n"], starts),
    }
    total = np.add.reduceat(per["sum"], starts)
    if exact is not None:
        high = np.add.reduceat(per["high"], starts)
        exact_sum = [int(h) * 2**32 + int(t) for h, t in zip(high, total, strict=True)]
        out["sum"] = pl.Series(exact_sum, dtype=pl.Int128)
    else:
        out["sum"] = total
    return out


def bucket_frame(plan: Buckets, columns: Sequence[dict[str, Any] | None]) -> pl.DataFrame:
    """``_bucket`` and the ``{i}_min``, ``{i}_max``, ``{i}_n``, ``{i}_sum`` of the ``i``-th
    of ``columns`` (:func:`column_buckets`' results)."""
    out: dict[str, Any] = {"_bucket": pl.Series(plan.buckets, dtype=pl.Int64)}
    for i, got in enumerate(columns):
        if got is None:
            out.update({f"{i}_{k}": pl.Series([], dtype=pl.Float64) for k in ("min", "max", "sum")})
            out[f"{i}_n"] = pl.Series([], dtype=pl.Int64)
            continue
        out.update({f"{i}_{k}": got[k] for k in ("min", "max", "n", "sum")})
    return pl.DataFrame(out)


def bucket_stats(
    frame: nw.LazyFrame[Any],
    bucket: nw.Expr,
    columns: Sequence[str],
    exact: Mapping[str, tuple[float, int]],
    *,
    time_sorted: bool = False,
) -> pl.DataFrame:
    """Per non-null ``bucket`` (an integer expression; ascending in row order with
    ``time_sorted``): ``_bucket`` and, for the ``i``-th column of ``columns`` (as Float64),
    ``{i}_min`` and ``{i}_max`` (NaN and null skipped, as Polars' min/max), ``{i}_n`` and
    ``{i}_sum``:

    - with ``exact[column] = (limit, scale)``: the exact sum, unscaled (Int128), of
      round(x * 10^scale) over the values ``|x| <= limit`` (ties to even: Polars' cast of a float
      to ``Decimal(38, scale)``, bit for bit), and their count;
    - without: the Float64 sum of the non-null values (NaN propagating) and their count.

    Polars only: one read of the bucket (:func:`bucket_plan`), then one read of each column, the
    rows in bucket order (each bucket a run: numpy ``reduceat``, :func:`column_buckets`); memory
    is one column and ``BUCKET_CHUNK`` rows of temporaries. An exact sum is two int64 sums per
    bucket (the low 32 bits of each integer, and the rest), joined as Python integers. The
    profile step feeds :func:`column_buckets` the columns it reads anyway (no second read)."""
    plan = bucket_plan(frame, bucket, time_sorted=time_sorted)
    native = frame.to_native()
    got = []
    for c in columns:
        s = collect(nw.from_native(native).select(nw.col(c).cast(nw.Float64))).to_series()
        got.append(column_buckets(plan, s, exact.get(c)))
    return bucket_frame(plan, got)
