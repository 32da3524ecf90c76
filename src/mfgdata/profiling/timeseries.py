"""Time-series profile: range, sampling interval, irregularity, gaps, duplicates, backward steps.

One pass reads only the time column (and the entity column) into memory; everything else is computed
on that small frame. On Spark the same rules are computed where the rows are (``spark_time.py``:
the driver gets aggregates and bounded lists, never the two columns). Rules (documented in
profile.json under ``time.rules``):

- sampling interval = median of the positive differences between consecutive *sorted* timestamps
  (within each entity when an id column is given);
- a gap is a difference greater than ``GAP_FACTOR`` × the median interval of its entity;
  ``missing_samples`` = round(difference / interval) − 1; ``seconds`` = end − start;
- duplicated timestamps = rows whose timestamp (within the entity) appeared on an earlier row;
- backward steps = rows whose timestamp is earlier than the previous row's of the same entity, in
  file order.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from mfgdata.engine import is_spark
from mfgdata.profiling.backend import time_rows
from mfgdata.profiling.timerules import (
    GAP_FACTOR,
    IRREGULAR_TOLERANCE,
    MAX_ENTITIES,
    MAX_ROWS,
    RULES,
    Clock,
    TimeProfile,
    gap_items,
    seconds,
)
from mfgdata.profiling.values import round_sig


def _num(value: Any) -> float | None:
    """A Series aggregate as a float (``None`` when empty or null)."""
    return None if value is None else float(value)


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _diffs(df: pl.DataFrame, entity: bool, in_order: bool) -> pl.DataFrame:
    """``d`` = difference to the previous sample of the entity, ``med`` its median interval.

    The frame is sorted (by entity, time, row) only when some entity steps backward in file order.
    """
    s = df.drop_nulls("us")
    if not in_order:
        s = s.sort(["e", "us", "row"] if entity else ["us", "row"])
    d = pl.col("us").diff()
    s = s.with_columns(d=d.over("e") if entity else d)
    if entity:
        s = s.with_columns(med=pl.col("d").filter(pl.col("d") > 0).median().over("e"))
    else:
        s = s.with_columns(med=pl.lit(s.filter(pl.col("d") > 0)["d"].median(), pl.Float64))
    return s.with_columns(gap=(pl.col("d") > GAP_FACTOR * pl.col("med")).fill_null(False))


def _entities(s: pl.DataFrame, df: pl.DataFrame, clock: Clock) -> dict[str, Any]:
    per = (
        df.group_by("e")
        .agg(rows=pl.len())
        .join(
            s.group_by("e").agg(
                start=pl.col("us").min(),
                end=pl.col("us").max(),
                interval=pl.col("med").first(),
                gaps=pl.col("gap").sum(),
                duplicates=(pl.col("d") == 0).sum(),
            ),
            on="e",
            how="left",
        )
        .sort(["rows", "e"], descending=[True, False])
    )
    items = [
        {
            "id": r["e"],
            "rows": r["rows"],
            "start": clock.iso(r["start"]),
            "end": clock.iso(r["end"]),
            "interval_seconds": seconds(r["interval"]),
            "gaps": int(r["gaps"] or 0),
            "duplicates": int(r["duplicates"] or 0),
        }
        for r in per.head(MAX_ENTITIES).iter_rows(named=True)
    ]
    return {
        "count": per.height,
        "shown": len(items),
        "with_gaps": int((per["gaps"].fill_null(0) > 0).sum()),
        "items": items,
    }


def time_profile(frame: Any, time_column: str, id_column: str | None, tz: str) -> TimeProfile:
    """Profile the time axis of ``frame`` (a Polars lazy frame or a SparkFrame; gaps are never
    computed across entity boundaries)."""
    dtype = frame.collect_schema()[time_column]
    column_tz = dtype.time_zone if isinstance(dtype, pl.Datetime) else None
    clock = Clock(column_tz, tz)
    if is_spark(frame):  # computed on Spark: the driver gets aggregates and bounded lists
        from mfgdata.profiling.spark_time import time_profile as on_spark

        return on_spark(frame, time_column, id_column, clock)
    df = time_rows(frame, time_column, id_column)
    entity = id_column is not None
    step = pl.col("us").diff()
    back = df.drop_nulls("us").filter((step.over("e") if entity else step) < 0)["row"]
    s = _diffs(df, entity, in_order=back.len() == 0)
    in_file_order = not bool((df["us"].drop_nulls().diff() < 0).any())
    dup = s.filter(pl.col("d") == 0).sort("row")["row"]
    pos = s.filter(pl.col("d") > 0)
    gaps = s.filter("gap")
    d, med = pos["d"], pos["med"]
    median = _num(d.median())
    mean, std = _num(d.mean()), _num(d.std())
    off = _num(((d - med).abs() > IRREGULAR_TOLERANCE * med).mean())
    start, end = _num(s["us"].min()), _num(s["us"].max())
    data: dict[str, Any] = {
        "column": time_column,
        "entity_column": id_column,
        "rows": df.height,
        "nulls": df["us"].null_count(),
        "start": clock.iso(_int(start)),
        "end": clock.iso(_int(end)),
        "interval_seconds": seconds(median),
        "irregularity": {
            "cv": round_sig(std / mean) if std is not None and mean else None,
            "irregular_share": round_sig(off) if off is not None else None,
        },
        "gaps": {
            "count": gaps.height,
            "total_seconds": seconds(float(gaps["d"].sum())) if gaps.height else 0.0,
            "missing_samples": int(
                ((gaps["d"] / gaps["med"]).round() - 1).clip(lower_bound=0).sum()
            )
            if gaps.height
            else 0,
            "items": gap_items(s, clock, id_column is not None),
        },
        "duplicates": {"count": dup.len(), "rows": dup.head(MAX_ROWS).to_list()},
        "backward_steps": {"count": back.len(), "rows": back.head(MAX_ROWS).to_list()},
        "rules": RULES,
    }
    entities = _entities(s, df, clock) if id_column else None
    return TimeProfile(
        data=data,
        start_us=_int(start),
        end_us=_int(end),
        gap_rows=tuple(r["row"] for r in data["gaps"]["items"]),
        duplicate_rows=tuple(dup.head(MAX_ROWS).to_list()),
        backward_rows=tuple(back.head(MAX_ROWS).to_list()),
        entities=entities,
        clock=clock,
        sorted=in_file_order,
    )
