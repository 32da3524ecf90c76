"""The time profile on Spark, computed where the rows are (issue 19): the driver receives only
aggregates and bounded lists (20 rows, 50 gaps, 50 entities), never the time column.

It gives ``timeseries.time_profile``'s record, field for field, by the same rules (RULES there):

- the rows' position is their place in the table (``spark_io.consecutive``);
- backward steps: a row earlier than the previous non-null time of its entity in row order; the
  previous value comes from a window within buckets of 2^18 rows, and across buckets from each
  bucket's last value (a small table): every task sees a bounded slice, whatever the entities;
- the sorted differences: when no entity steps backward (the usual case) the row order is the
  time order and they are the differences to the previous row above (as Polars skips its sort);
  else the distinct (entity, time) pairs (their count and first row), each pair's difference to
  the previous distinct time of its entity (the same bucketed window, the buckets being ranges
  of time); a repeated pair's other rows are the duplicates (difference 0), so the positive
  differences are exactly the pairs' differences, as on Polars;
- medians (per entity and overall): exact, from the histogram of the positive differences
  (distinct values and counts: small for sampled data) and Polars' linear-interpolation rule;
- mean and standard deviation of the differences from exact integer sums (the differences are
  integer microseconds; Polars adds floats: equal after the profile's 6-digit rounding);
- the jobs: one pass over the rows gives the row-order differences and the per (entity,
  bucket) rows, times and first/last values; one aggregate of it, the histogram of the
  differences per entity (``n``, and ``rep``: rows repeating a time), carries the backward
  steps, duplicates, medians, sums and gaps; one small table per entity (persisted) gives the
  totals in one aggregate; the bounded lists are read only when their count is not zero;
- ``TimeProfile.sorted`` (only selects Polars' sorted fast path in the charts, no effect on
  Spark) is True only when proven without another pass: no entity column and no backward step.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import polars as pl

from mfgdata.engine import ROW, SparkFrame
from mfgdata.profiling.timerules import (
    GAP_FACTOR,
    IRREGULAR_TOLERANCE,
    MAX_ENTITIES,
    MAX_GAPS,
    MAX_ROWS,
    RULES,
    Clock,
    TimeProfile,
    gap_items,
    seconds,
)
from mfgdata.profiling.values import round_sig

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

#: rows of one bucket of the row-order window
ROWS_PER_BUCKET = 1 << 18
KEY = "__k"


def _lag(
    df: DataFrame, value: str, order: str, bucket: Column, out: str, *per_bucket: Column
) -> tuple[DataFrame, DataFrame]:
    """``df`` with ``out`` = the previous non-null ``value`` of the same :data:`KEY` in ``order``
    (null for the key's first one), and the table of buckets (:data:`KEY`, ``__b``, the
    ``per_bucket`` aggregates). ``bucket`` must grow with ``order``: the window runs within
    (key, bucket), and a bucket's first row takes the last value of the key's earlier buckets."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    before = Window.unboundedPreceding, -1
    df = df.withColumn("__b", bucket)
    within = Window.partitionBy(KEY, "__b").orderBy(order).rowsBetween(*before)
    inner = F.last(value, ignorenulls=True).over(within)
    valued = F.when(F.col(value).isNotNull(), F.col(order))
    buckets = df.groupBy(KEY, "__b").agg(F.max_by(value, valued).alias("__last"), *per_bucket)
    buckets = buckets.persist()
    earlier = Window.partitionBy(KEY).orderBy("__b").rowsBetween(*before)
    prev = buckets.select(
        F.col(KEY).alias("__pk"),
        F.col("__b").alias("__pb"),
        F.last("__last", ignorenulls=True).over(earlier).alias("__prev"),
    )
    match = F.col(KEY).eqNullSafe(F.col("__pk")) & (F.col("__b") == F.col("__pb"))
    joined = df.withColumn(out, inner).join(F.broadcast(prev), match)
    keep = [c for c in df.columns if c != "__b"]
    return joined.select(*keep, F.coalesce(F.col(out), F.col("__prev")).alias(out)), buckets


def _join(a: DataFrame, b: DataFrame, how: str = "inner") -> DataFrame:
    """``a`` joined with ``b`` on :data:`KEY` (null equals null: one entity), ``b``'s key
    dropped."""
    from pyspark.sql import functions as F

    b = b.withColumnRenamed(KEY, "__bk")
    return a.join(b, F.col(KEY).eqNullSafe(F.col("__bk")), how).drop("__bk")


def _median_rule(n: int) -> tuple[int, int, float]:
    pos = (n - 1) * 0.5
    lo = math.floor(pos)
    return lo, min(lo + 1, n - 1), pos - lo


def _medians(hist: DataFrame, by_key: bool) -> DataFrame:
    """Per key (or overall): the median of the positive differences from their histogram
    (``d``, ``n``), Polars' linear rule between the two middle ranks."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keys = [KEY] if by_key else []
    w = Window.partitionBy(*keys).orderBy("d")
    total = Window.partitionBy(*keys)
    cum = hist.withColumn("__cum", F.sum("n").over(w)).withColumn("__all", F.sum("n").over(total))
    pos = (F.col("__all") - 1) * F.lit(0.5)
    lo = F.floor(pos)
    hi = F.least(lo + 1, F.col("__all") - 1)
    a = F.min(F.when(F.col("__cum") > lo, F.col("d")))
    b = F.min(F.when(F.col("__cum") > hi, F.col("d")))
    frac = F.first(pos - lo)
    med = a.cast("double") + (b - a).cast("double") * frac
    return cum.groupBy(*keys).agg(med.alias("med"))


def _histogram(steps: DataFrame) -> DataFrame:
    """Per key and difference ``d``: ``n`` steps and ``rep`` repeated rows of their times."""
    from pyspark.sql import functions as F

    return steps.groupBy(KEY, "d").agg(
        F.count(F.lit(1)).alias("n"), F.sum(F.col("c") - 1).alias("rep")
    )


def time_profile(
    frame: SparkFrame, time_column: str, id_column: str | None, clock: Clock
) -> TimeProfile:
    """``timeseries.time_profile`` of a Spark table (see the module note)."""
    import narwhals as nw
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from mfgdata.engine.spark_io import consecutive
    from mfgdata.profiling.backend import lazy
    from mfgdata.quality.backend import epoch_us

    numbered = frame.with_df(consecutive(frame.df))
    ent = [nw.col(id_column).cast(nw.String).alias(KEY)] if id_column else [nw.lit(0).alias(KEY)]
    timed = epoch_us(lazy(numbered), time_column, "us").select(nw.col(ROW), nw.col("us"), *ent)
    disk = StorageLevel.MEMORY_AND_DISK
    base = timed.to_native().withColumnRenamed(ROW, "row").withColumn("c", F.lit(1))
    base = base.persist(disk)
    kept: list[DataFrame] = [base]
    try:
        nn = base.filter(F.col("us").isNotNull())
        # pass 1: the differences in row order, and per (entity, bucket) rows, count, first, last
        by_row = F.floor(F.col("row") / ROWS_PER_BUCKET)
        stepped, buckets = _lag(
            base,
            "us",
            "row",
            by_row,
            "prev",
            F.count(F.lit(1)).alias("rows"),
            F.count("us").alias("count"),
            F.min("us").alias("start"),
            F.max("us").alias("end"),
        )
        stepped = stepped.filter(F.col("us").isNotNull()).withColumn(
            "d", F.col("us") - F.col("prev")
        )
        stepped = stepped.persist(disk)
        hist = _histogram(stepped).persist(disk)
        kept += [buckets, stepped, hist]
        back = hist.agg(F.sum(F.when(F.col("d") < 0, F.col("n")))).first()
        back_count = int(back[0] or 0) if back is not None else 0
        back_rows = _rows(stepped.filter(F.col("d") < 0), back_count)
        if back_count == 0:  # each entity in time order: the row order is the sorted order
            steps = stepped
        else:  # the distinct (entity, time) pairs, each with its difference in time order
            grouped = nn.groupBy(KEY, "us").agg(
                F.count(F.lit(1)).alias("c"), F.min("row").alias("row")
            )
            span = buckets.agg(F.min("start"), F.max("end"), F.sum("count")).first()
            assert span is not None
            start, end, count = span[0] or 0, span[1] or 0, span[2] or 0
            width = max(1, -(-(end - start + 1) // max(1, count // ROWS_PER_BUCKET)))
            by_time = F.floor((F.col("us") - F.lit(start)) / F.lit(width))
            steps, by_time_buckets = _lag(grouped, "us", "us", by_time, "prev")
            steps = steps.withColumn("d", F.col("us") - F.col("prev")).persist(disk)
            hist = _histogram(steps).persist(disk)
            kept += [by_time_buckets, steps, hist]
        # pass 2 (on the histogram, small for sampled data): every statistic per entity
        positive = hist.filter(F.col("d") > 0)
        meds = F.broadcast(_medians(positive, by_key=True))
        gap = F.col("d") > F.lit(GAP_FACTOR) * F.col("med")
        off = F.abs(F.col("d") - F.col("med")) > F.lit(IRREGULAR_TOLERANCE) * F.col("med")
        missing = F.greatest(F.bround(F.col("d") / F.col("med"), 0) - 1, F.lit(0.0))
        dec = "decimal(38,0)"
        d, times = F.col("d").cast(dec), F.col("n")
        # a row repeating its entity's time: d == 0 (row order) or a pair's other rows
        repeats = F.coalesce(F.sum(F.when(F.col("d") == 0, times)), F.lit(0)) + F.sum("rep")
        per_key = (
            _join(positive, meds)
            .groupBy(KEY)
            .agg(
                F.sum(times).alias("n"),
                F.sum(d * times).alias("s1"),
                F.sum(d * d * times).alias("s2"),
                F.sum(F.when(off, times)).alias("off"),
                F.sum(F.when(gap, times)).alias("gaps"),
                F.sum(F.when(gap, d * times)).alias("gap_us"),
                F.sum(F.when(gap, missing * times)).alias("missing"),
                F.first("med").alias("interval"),
            )
        )
        dups = hist.groupBy(KEY).agg(repeats.alias("duplicates"))
        per_entity = buckets.groupBy(KEY).agg(
            F.sum("rows").alias("rows"),
            F.sum("count").alias("count"),
            F.min("start").alias("start"),
            F.max("end").alias("end"),
        )
        table = _join(_join(per_entity, dups, "left"), per_key, "left").persist(disk)
        kept.append(table)
        agg = table.agg(
            *(F.sum(c).alias(c) for c in ("rows", "count", "n", "s1", "s2", "off", "gaps")),
            *(F.sum(c).alias(c) for c in ("gap_us", "missing", "duplicates")),
            F.min("start").alias("start"),
            F.max("end").alias("end"),
            F.count(F.lit(1)).alias("entities"),
            F.count(F.when(F.col("gaps") > 0, 1)).alias("with_gaps"),
        ).first()
        assert agg is not None
        overall = _medians(positive.groupBy("d").agg(F.sum("n").alias("n")), by_key=False).first()
        # the bounded lists: the 50 largest gaps, the first 20 duplicated rows
        cols = ["us", "d", "med", "row", "e"]
        e = F.col(KEY) if id_column else F.lit(None).cast("string")
        top = []
        if agg["gaps"]:
            top = (
                _join(steps.filter(F.col("d") > 0), meds)
                .filter(gap)
                .withColumn("e", e)
                .orderBy(F.desc("d"), "us", "e")
                .limit(MAX_GAPS)
                .select(*cols)
                .collect()
            )
        dup_count = int(agg["duplicates"] or 0)
        if back_count == 0:
            dup_rows = _rows(steps.filter(F.col("d") == 0), dup_count)
        else:
            firsts = steps.filter(F.col("c") > 1).select(
                F.col(KEY).alias("__fk"), F.col("us").alias("__fu"), F.col("row").alias("r0")
            )
            match = F.col(KEY).eqNullSafe(F.col("__fk")) & (F.col("us") == F.col("__fu"))
            extra = nn.join(firsts, match).filter(F.col("row") != F.col("r0"))
            dup_rows = _rows(extra, dup_count)
        entities = None
        if id_column is not None:
            entities = _entities(table, agg, clock)
    finally:
        for df in kept:
            df.unpersist()
    rows, count = int(agg["rows"] or 0), int(agg["count"] or 0)
    start, end = agg["start"], agg["end"]
    # ``sorted`` only selects Polars' sorted fast path in the charts (no effect on Spark): it is
    # claimed when proven by the pass above (no entity, no backward step), else False
    in_order = id_column is None and back_count == 0
    n, gap_count = int(agg["n"] or 0), int(agg["gaps"] or 0)
    gaps_frame = pl.DataFrame(
        [tuple(r[c] for c in cols) for r in top],
        schema={"us": pl.Int64, "d": pl.Int64, "med": pl.Float64, "row": pl.Int64, "e": pl.String},
        orient="row",
    ).with_columns(gap=pl.lit(True))
    mean = std = None
    if n:
        s1, s2 = int(agg["s1"]), int(agg["s2"])
        mean = s1 / n
        if n > 1:
            std = math.sqrt(Fraction(n * s2 - s1 * s1, n * (n - 1)))
    share = int(agg["off"] or 0) / n if n else None
    data: dict[str, Any] = {
        "column": time_column,
        "entity_column": id_column,
        "rows": rows,
        "nulls": rows - count,
        "start": clock.iso(start),
        "end": clock.iso(end),
        "interval_seconds": seconds(overall["med"] if overall is not None else None),
        "irregularity": {
            "cv": round_sig(std / mean) if std is not None and mean else None,
            "irregular_share": round_sig(share) if share is not None else None,
        },
        "gaps": {
            "count": gap_count,
            "total_seconds": seconds(float(agg["gap_us"])) if gap_count else 0.0,
            "missing_samples": int(agg["missing"] or 0),
            "items": gap_items(gaps_frame, clock, id_column is not None),
        },
        "duplicates": {"count": dup_count, "rows": dup_rows},
        "backward_steps": {"count": back_count, "rows": back_rows},
        "rules": RULES,
    }
    return TimeProfile(
        data=data,
        start_us=start,
        end_us=end,
        gap_rows=tuple(r["row"] for r in data["gaps"]["items"]),
        duplicate_rows=tuple(dup_rows),
        backward_rows=tuple(back_rows),
        entities=entities,
        clock=clock,
        sorted=in_order,
    )


def _rows(df: DataFrame, count: int) -> list[int]:
    """The first :data:`MAX_ROWS` rows of ``df`` (none when ``count`` says it is empty)."""
    if not count:
        return []
    return [int(r["row"]) for r in df.select("row").orderBy("row").limit(MAX_ROWS).collect()]


def _entities(table: DataFrame, totals: Any, clock: Any) -> dict[str, Any]:
    """Per entity: rows, first and last time, interval, gaps, duplicates; the 50 largest."""
    from pyspark.sql import functions as F

    top = table.orderBy(F.desc("rows"), F.asc(KEY)).limit(MAX_ENTITIES).collect()
    items = [
        {
            "id": r[KEY],
            "rows": int(r["rows"]),
            "start": clock.iso(r["start"]),
            "end": clock.iso(r["end"]),
            "interval_seconds": seconds(r["interval"]),
            "gaps": int(r["gaps"] or 0),
            "duplicates": int(r["duplicates"] or 0),
        }
        for r in top
    ]
    count, with_gaps = int(totals["entities"]), int(totals["with_gaps"])
    return {"count": count, "shown": len(items), "with_gaps": with_gaps, "items": items}
