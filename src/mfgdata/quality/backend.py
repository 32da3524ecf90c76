"""The few engine-specific operations of the checks, behind one small interface (issue 19).

Every check is written once, as narwhals expressions over a lazy frame (Polars or PySpark); what
narwhals cannot express well on both engines is here, one function each with a Polars side and a
Spark side:

- :func:`with_neighbours`: each value's previous and next sample (within an entity, in row
  order), and for entity tables the position within the entity and the previous sample's row.
  narwhals can say it (``shift(1).over(entity, order_by=row)``), and does on Spark; on Polars its
  translation is a window over a constant partition, ten times slower than a plain ``shift`` on a
  frame already in row order (measured: 20 columns x 1M rows, 0.21 s against 0.018 s).
- :func:`row_window`: rows ``start .. start+length`` (Polars slices, reading only those row
  groups; Spark filters the row column).
- :func:`row_hash`: a 64-bit hash of a row's values. Polars: each column's ``hash`` folded in
  order (:func:`_polars_hash`); Spark:
  ``xxhash64`` of the values and their null flags (``xxhash64`` skips nulls, so ``(null, 1)`` and
  ``(1, null)`` would collide without them). The hashes differ between engines; only their
  counts are compared (a collision is ~2^-64 per pair on either engine).

Row numbers: order-dependent checks take the name of a row-order column (0-based, the row's place
in the table). A Polars frame without one gets ``with_row_index``; on Spark the engine adds it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import narwhals as nw
import polars as pl


def is_polars(frame: nw.LazyFrame[Any]) -> bool:
    return bool(frame.implementation.is_polars())


def lazy(frame: Any) -> nw.LazyFrame[Any]:
    """A narwhals lazy frame of a Polars (lazy or eager) or PySpark frame."""
    if isinstance(frame, nw.LazyFrame):
        return frame
    if isinstance(frame, pl.DataFrame):
        frame = frame.lazy()
    out: nw.LazyFrame[Any] = nw.from_native(frame).lazy()
    return out


def with_row(frame: nw.LazyFrame[Any], row: str | None, name: str) -> tuple[nw.LazyFrame[Any], str]:
    """The frame with a row-order column: ``row`` when given, else (Polars only) a row index
    called ``name``."""
    if row is not None:
        return frame, row
    if not is_polars(frame):
        raise ValueError("a Spark frame needs its row-order column (row=...)")
    native = frame.to_native().with_row_index(name).with_columns(pl.col(name).cast(pl.Int64))
    return nw.from_native(native), name


def collect_polars(frame: nw.LazyFrame[Any], *, streaming: bool = True) -> pl.DataFrame:
    """Collect any lazy frame to a Polars DataFrame (Polars: streaming engine)."""
    if is_polars(frame):
        out = frame.to_native().collect(engine="streaming" if streaming else "in-memory")
        return out  # type: ignore[no-any-return]
    return pl.from_arrow(frame.collect(backend="pyarrow").to_native())  # type: ignore[return-value]


def with_neighbours(
    frame: nw.LazyFrame[Any],
    names: dict[str, tuple[str, str]],
    *,
    row: str,
    over: str | None,
    pos: str | None = None,
    prow: str | None = None,
) -> nw.LazyFrame[Any]:
    """Add, for each column ``c`` of ``names``, its previous and next sample as the columns
    ``names[c]`` (within the entity ``over``, in row order); with ``over``, also the position
    within the entity (``pos``, from 0) and the row of the entity's previous sample (``prow``).

    Polars: the frame must be in row order (a scan with its row index is)."""
    if is_polars(frame):
        out: list[pl.Expr] = []
        for c, (prev, nxt) in names.items():
            a, b = pl.col(c).shift(1), pl.col(c).shift(-1)
            if over:
                a, b = a.over(over), b.over(over)
            out += [a.alias(prev), b.alias(nxt)]
        if over and pos:
            out.append(pl.int_range(pl.len(), dtype=pl.Int64).over(over).alias(pos))
        if over and prow:
            out.append(pl.col(row).shift(1).over(over).alias(prow))
        return nw.from_native(frame.to_native().with_columns(out)) if out else frame
    exprs: list[nw.Expr] = []
    part = [over] if over else []
    for c, (prev, nxt) in names.items():
        exprs += [
            nw.col(c).shift(1).over(*part, order_by=row).alias(prev),
            nw.col(c).shift(-1).over(*part, order_by=row).alias(nxt),
        ]
    if over and pos:
        exprs.append((nw.col(row).cum_count().over(over, order_by=row) - 1).alias(pos))
    if over and prow:
        exprs.append(nw.col(row).shift(1).over(over, order_by=row).alias(prow))
    return frame.with_columns(*exprs) if exprs else frame


def row_window(
    frame: nw.LazyFrame[Any], cols: list[str], *, row: str, start: int, length: int
) -> pl.DataFrame:
    """Columns ``cols`` of rows ``start .. start + length`` in row order, as Polars."""
    if is_polars(frame):
        native = frame.to_native()
        return native.slice(start, length).select(cols).collect(engine="in-memory")  # type: ignore[no-any-return]
    sub = (
        frame.filter((nw.col(row) >= start) & (nw.col(row) < start + length)).sort(row).select(cols)
    )
    return collect_polars(sub)


def row_hash(frame: nw.LazyFrame[Any], cols: list[str], name: str) -> nw.LazyFrame[Any]:
    """The frame with a 64-bit hash of ``cols`` as column ``name`` (see the module note)."""
    if is_polars(frame):
        native = frame.to_native()
        out: nw.LazyFrame[Any] = nw.from_native(native.with_columns(_polars_hash(cols).alias(name)))
        return out
    from pyspark.sql import functions as F

    native = frame.to_native()
    flags = [F.isnull(F.col(f"`{c}`")) for c in cols]
    h = F.xxhash64(*(F.col(f"`{c}`") for c in cols), *flags)
    spark: nw.LazyFrame[Any] = nw.from_native(native.withColumn(name, h)).lazy()
    return spark


#: the FNV-1a 64-bit prime: each column's hash is folded in as h * prime xor hash(column)
_FOLD = 0x100000001B3


def _polars_hash(cols: list[str]) -> pl.Expr:
    """A 64-bit hash of the values of ``cols``: each column's own hash (seeded by its place,
    Polars' ``hash``: -0.0 as 0.0, one NaN, null its own value) folded in order with a wrapping
    multiply. A third cheaper than ``struct(cols).hash()`` (20 float columns x 1M rows: 0.40 against
    0.62 CPU-s), which builds the struct first."""
    if not cols:
        return pl.struct(cols).hash(seed=0)
    h = pl.col(cols[0]).hash(seed=0)
    for i, c in enumerate(cols[1:], start=1):
        h = (h * pl.lit(_FOLD, dtype=pl.UInt64)) ^ pl.col(c).hash(seed=i)
    return h


def epoch_us(frame: nw.LazyFrame[Any], column: str, name: str) -> nw.LazyFrame[Any]:
    """The frame with ``column`` (a date or datetime) as microseconds since the epoch, ``name``.

    Polars: a naive column counts its wall clock, a zoned one UTC. Spark: ``unix_micros`` of the
    value as a timestamp; the session must run in UTC (``spark.sql.session.timeZone``) for a
    naive (``TIMESTAMP_NTZ``) or date column to count its wall clock as Polars does."""
    if is_polars(frame):
        native = frame.to_native()
        dtype = native.collect_schema()[column]
        x = pl.col(column).cast(pl.Datetime("us")) if dtype == pl.Date else pl.col(column)
        out: nw.LazyFrame[Any] = nw.from_native(native.with_columns(x.dt.epoch("us").alias(name)))
        return out
    from pyspark.sql import functions as F

    col = F.unix_micros(F.col(f"`{column}`").cast("timestamp"))
    spark: nw.LazyFrame[Any] = nw.from_native(frame.to_native().withColumn(name, col)).lazy()
    return spark


def positive_median(frame: nw.LazyFrame[Any], column: str, stride: int) -> float | None:
    """Median of the positive values of ``column`` (the nominal sampling interval).

    Polars: exact, over every ``stride``-th positive value in row order (the frame is in row
    order). Spark: exact median (``median``) of all the positive values when ``stride`` is 1;
    above (tables over 2M rows), Spark's ``percentile_approx`` with accuracy 10,000 (rank error
    at most 1/10,000 of the values: on regular sampling the same interval)."""
    pos = frame.filter(nw.col(column) > 0)
    if is_polars(frame):
        native = pos.to_native()
        got = native.select(pl.col(column).gather_every(stride).median()).collect().item()
        return None if got is None else float(got)
    if stride == 1:
        r = collect_polars(pos.select(nw.col(column).median())).item()
        return None if r is None else float(r)
    from pyspark.sql import functions as F

    row = pos.to_native().agg(F.percentile_approx(F.col(f"`{column}`"), 0.5, 10_000)).first()
    return None if row is None or row[0] is None else float(row[0])


def collect_pass(
    counts: nw.LazyFrame[Any],
    evidence: Callable[[dict[str, Any] | None], dict[str, nw.LazyFrame[Any]]],
) -> tuple[dict[str, Any], dict[str, pl.DataFrame]]:
    """One pass of counts (a one-row aggregate) and the queries of its evidence rows.

    ``evidence(counts)`` gives the evidence queries once the counts are known (only for what was
    flagged); ``evidence(None)`` gives them all, before. Polars runs the counts and all the
    evidence queries together (``collect_all``: one scan of the table, the masks computed once);
    Spark collects the counts first, then only the evidence queries they call for."""
    if is_polars(counts):
        frames = evidence(None)
        natives = [counts.to_native(), *(f.to_native() for f in frames.values())]
        done = pl.collect_all(natives, engine="streaming")
        return done[0].row(0, named=True), dict(zip(frames, done[1:], strict=True))
    res = collect_polars(counts).row(0, named=True)
    return res, {k: collect_polars(f) for k, f in evidence(res).items()}


def table(frame: Any) -> tuple[nw.LazyFrame[Any], str | None, pl.Schema]:
    """A step's frame as narwhals: (frame, its row-order column, its Polars schema).

    A Polars frame is in row order and has no row column (None: the checks add a row index
    where they need one); a Spark frame (:class:`mfgdata.engine.SparkFrame`) brings the engine's
    row column (consecutive from 0 once the runner has materialised it) and the table's Polars
    schema (Spark has no zoned timestamps nor categoricals)."""
    from mfgdata.engine import ROW, SparkFrame

    if isinstance(frame, SparkFrame):
        spark: nw.LazyFrame[Any] = nw.from_native(frame.df).lazy()
        return spark, ROW, frame.schema
    lf = frame.lazy() if isinstance(frame, pl.DataFrame) else frame
    out: nw.LazyFrame[Any] = nw.from_native(lf)
    return out, None, lf.collect_schema()


def as_types(df: pl.DataFrame, dtypes: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Values collected from Spark back in the table's Polars types (zones, categoricals): the
    columns of ``df`` named in ``dtypes``. A no-op on values collected from Polars."""
    exprs: list[pl.Expr] = []
    for name, have in df.schema.items():
        want = dtypes.get(name)
        if want is None or have == want:
            continue
        x = pl.col(name)
        if isinstance(want, pl.Datetime) and isinstance(have, pl.Datetime):
            if want.time_zone and have.time_zone:
                x = x.dt.convert_time_zone(want.time_zone)
            elif want.time_zone:  # Spark's session zone is UTC
                x = x.dt.replace_time_zone("UTC").dt.convert_time_zone(want.time_zone)
            elif have.time_zone:
                x = x.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        exprs.append(x.cast(want).alias(name))
    return df.with_columns(exprs) if exprs else df


def bucket_profile(
    frame: nw.LazyFrame[Any],
    column: str,
    time: str,
    *,
    row: str | None,
    float_values: bool,
    ends: list[int],
    rows: list[int],
    dtypes: Mapping[str, pl.DataType],
) -> dict[str, Any]:
    """min, mean and max of ``column`` per row bucket (``ends``: exclusive row ends) with the
    time of its first row (``min{i}``, ``mean{i}``, ``max{i}``, ``t{i}``), and the time and
    value at ``rows`` (``spike_t``, ``spike_v``).

    Polars: one query of slices (the frame is in row order). Spark: one grouped aggregate by
    bucket, the bucket's first rows and the rows asked for. The means are floating sums in a
    different order on each engine (equal to ~1e-15 relative); min, max and times are exact."""
    starts = [0, *ends[:-1]]
    if row is None:
        native = frame.to_native()
        x = pl.col(column).fill_nan(None) if float_values else pl.col(column)
        exprs = []
        for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
            part = x.slice(a, b - a)
            exprs += [
                part.min().cast(pl.Float64).alias(f"min{i}"),
                part.mean().cast(pl.Float64).alias(f"mean{i}"),
                part.max().cast(pl.Float64).alias(f"max{i}"),
                pl.col(time).slice(a, b - a).first().alias(f"t{i}"),
            ]
        gather = pl.Series(rows, dtype=pl.Int64)
        exprs += [
            pl.col(time).gather(gather).implode().alias("spike_t"),
            x.gather(gather).cast(pl.Float64).implode().alias("spike_v"),
        ]
        got: dict[str, Any] = native.select(exprs).collect(engine="in-memory").row(0, named=True)
        return got
    v = nw.col(column).fill_nan(None) if float_values else nw.col(column)
    v = v.cast(nw.Float64)
    bucket = nw.lit(0, nw.Int64)
    for e in ends[:-1]:
        bucket = bucket + (nw.col(row) >= e).cast(nw.Int64)
    per = collect_polars(
        frame.select(bucket.alias("b"), v.alias("v"))
        .group_by("b")
        .agg(
            nw.col("v").min().alias("min"),
            nw.col("v").mean().alias("mean"),
            nw.col("v").max().alias("max"),
        )
    )
    stats = {int(r["b"]): r for r in per.iter_rows(named=True)}
    firsts = [a for a, b in zip(starts, ends, strict=True) if b > a]
    at = as_types(
        collect_polars(
            frame.filter(nw.col(row).is_in([*firsts, *rows])).select(
                nw.col(row), nw.col(time), v.alias("v")
            )
        ),
        dtypes,
    )
    t_at = dict(zip(at[row].to_list(), at[time].to_list(), strict=True))
    v_at = dict(zip(at[row].to_list(), at["v"].to_list(), strict=True))
    out: dict[str, Any] = {}
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        s = stats.get(i, {}) if b > a else {}
        out |= {f"min{i}": s.get("min"), f"mean{i}": s.get("mean"), f"max{i}": s.get("max")}
        out[f"t{i}"] = t_at.get(a) if b > a else None
    out["spike_t"] = [t_at.get(r) for r in rows]
    out["spike_v"] = [v_at.get(r) for r in rows]
    return out
