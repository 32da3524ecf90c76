"""Pass over the time axis: order, duplicate keys (sorted-key comparison), gaps and buckets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from mfgdata.quality.findings import MAX_EVIDENCE

US = 1_000_000
_EPOCH = datetime(1970, 1, 1)


def iso(us: int | None, zone: str | None = None) -> str | None:
    """Microseconds since the epoch of a time column as ISO 8601, the way the product shows time.

    ``zone``: the column's zone (its epoch counts UTC): the time in that zone with its offset,
    ``2024-03-01T22:57:00+09:00``, as the profile writes it. Without (a naive column: its epoch
    counts the wall clock): the wall-clock time, unshifted and without an offset."""
    if us is None:
        return None
    wall = _EPOCH + timedelta(microseconds=int(us))
    if zone is None:
        return wall.isoformat()
    return wall.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).isoformat()


@dataclass
class TimeStats:
    column: str
    rows: int
    nulls: int
    t_min: int | None  # epoch microseconds
    t_max: int | None
    interval_s: float | None
    pairs: int  # consecutive pairs compared (within an entity)
    backward: int
    backward_rows: list[int]
    sorted: bool
    dup_keys: int
    dup_key_rows: list[int]
    gap_count: int
    longest_gap_s: float
    gaps: list[dict[str, Any]]  # the longest gaps: start, end, seconds, row
    distinct: int
    bucket_ends: list[int] = field(default_factory=list)  # exclusive row ends per bucket
    bucket_starts_us: list[int] = field(default_factory=list)
    #: rows sharing their key with a neighbour (sorted data only): all members of duplicate keys
    near_rows: list[int] = field(default_factory=list)
    zone: str | None = None  # the column's time zone (None: naive wall-clock times)

    def iso(self, us: int | None) -> str | None:
        """A time of this column as ISO 8601 in its zone, with the offset (see :func:`iso`)."""
        return iso(us, self.zone)


def _epoch(col: str, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Date:
        return pl.col(col).cast(pl.Datetime("us")).dt.epoch("us")
    return pl.col(col).dt.epoch("us")


#: at most this many intervals go into the median of the nominal interval
MEDIAN_SAMPLE = 1_000_000


def lf_rows(lf: pl.LazyFrame) -> int:
    return int(lf.select(pl.len()).collect().item())


def _stride(rows: int) -> int:
    return max(1, rows // MEDIAN_SAMPLE)


def is_time(dtype: pl.DataType) -> bool:
    return dtype == pl.Date or isinstance(dtype, pl.Datetime)


def scan_time(
    lf: pl.LazyFrame,
    column: str,
    dtype: pl.DataType,
    *,
    id_column: str | None,
    interval_s: float | None,
    gap_factor: float,
    buckets: int,
) -> TimeStats:
    """One query on the key columns only; memory is a few int64 columns, never the table."""
    keys = [column] + ([id_column] if id_column else [])
    zone = dtype.time_zone if isinstance(dtype, pl.Datetime) else None
    t = _epoch(column, dtype)
    s = lf.select(t.alias("t"), *(pl.col(k) for k in keys[1:])).with_row_index("row")
    diff = pl.col("t").diff()
    if id_column:
        diff = diff.over(id_column)
    s = s.with_columns(d=diff)
    base = s.select(
        rows=pl.len(),
        nulls=pl.col("t").null_count(),
        t_min=pl.col("t").min(),
        t_max=pl.col("t").max(),
        pairs=pl.col("d").is_not_null().sum(),
        backward=(pl.col("d") < 0).sum(),
        backward_rows=pl.col("row").filter(pl.col("d") < 0).head(MAX_EVIDENCE).implode(),
        # nominal interval when none is given: median of a strided sample of positive intervals
        med=pl.col("d").filter(pl.col("d") > 0).gather_every(_stride(lf_rows(lf))).median(),
    ).collect()
    r = base.row(0, named=True)
    nominal_us = interval_s * US if interval_s else (float(r["med"]) if r["med"] else None)
    is_sorted = r["backward"] == 0
    if is_sorted:
        dup = s.select(
            n=(pl.col("d") == 0).sum(),
            rows=pl.col("row").filter(pl.col("d") == 0).head(MAX_EVIDENCE).implode(),
            near=pl.arg_where((pl.col("d") == 0) | (pl.col("d").shift(-1) == 0)).implode(),
        ).collect()
        dup_keys, dup_rows = int(dup["n"][0]), list(dup["rows"][0])
        near = list(dup["near"][0]) if dup_keys else []
    else:  # sort the key only, then compare neighbours
        srt = lf.select(*(pl.col(k) for k in keys)).sort(keys)
        same = pl.all_horizontal(pl.col(k).eq_missing(pl.col(k).shift(1)) for k in keys)
        dup = srt.select(n=same.sum()).collect()
        dup_keys, dup_rows, near = int(dup["n"][0]), [], []
    if is_sorted and not id_column:  # sorted: distinct = rows - repeated keys (nulls aside)
        distinct = int(r["rows"]) - int(r["nulls"]) - dup_keys
    else:
        distinct = int(lf.select(pl.col(column).drop_nulls().n_unique()).collect().item())
    gaps: list[dict[str, Any]] = []
    gap_count, longest = 0, 0.0
    if nominal_us:
        g = s.filter(pl.col("d") > gap_factor * nominal_us)
        gs = g.select(n=pl.len(), longest=pl.col("d").max()).collect()
        gap_count = int(gs["n"][0])
        longest = float(gs["longest"][0] or 0) / US
        top = g.sort(["d", "row"], descending=[True, False]).head(MAX_EVIDENCE).collect()
        for row in top.iter_rows(named=True):
            gaps.append(
                {
                    "start": iso(row["t"] - row["d"], zone),
                    "end": iso(row["t"], zone),
                    "seconds": row["d"] / US,
                    "row": row["row"],
                }
            )
    ends, starts = _buckets(s, r, is_sorted and not id_column, buckets)
    return TimeStats(
        column=column,
        rows=int(r["rows"]),
        nulls=int(r["nulls"]),
        t_min=r["t_min"],
        t_max=r["t_max"],
        interval_s=nominal_us / US if nominal_us else None,
        pairs=int(r["pairs"]),
        backward=int(r["backward"]),
        backward_rows=list(r["backward_rows"]),
        sorted=is_sorted,
        dup_keys=dup_keys,
        dup_key_rows=dup_rows,
        near_rows=near,
        gap_count=gap_count,
        longest_gap_s=longest,
        gaps=gaps,
        distinct=distinct,
        bucket_ends=ends,
        bucket_starts_us=starts,
        zone=zone,
    )


def _buckets(
    s: pl.LazyFrame, r: dict[str, Any], by_time: bool, buckets: int
) -> tuple[list[int], list[int]]:
    """Row ends of equal time buckets (sorted data) or equal row buckets (otherwise)."""
    n = int(r["rows"])
    if n == 0:
        return [], []
    if by_time and r["t_min"] is not None and r["t_max"] is not None and r["nulls"] == 0:
        lo, hi = int(r["t_min"]), int(r["t_max"])
        k = max(1, min(buckets, n))
        edges = [lo + (hi - lo) * i // k for i in range(1, k)]
        found = (
            s.select(pl.col("t").search_sorted(pl.Series(edges, dtype=pl.Int64), side="left"))
            .collect()
            .to_series()
            .to_list()
            if edges
            else []
        )
        return [*(int(x) for x in found), n], [lo, *edges]
    k = max(1, min(buckets, n))
    return [n * (i + 1) // k for i in range(k)], []
