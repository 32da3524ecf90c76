"""Pass over the time axis: order, duplicate keys (sorted-key comparison), gaps and buckets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import narwhals as nw
import polars as pl

from mfgdata.quality import backend
from mfgdata.quality.findings import MAX_EVIDENCE

US = 1_000_000
#: the row index a Polars frame gets (Spark frames bring the engine's row column)
ROW = "__mfgq_trow"
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


#: at most this many intervals go into the median of the nominal interval
MEDIAN_SAMPLE = 1_000_000


def _stride(rows: int) -> int:
    return max(1, rows // MEDIAN_SAMPLE)


def is_time(dtype: Any) -> bool:
    """A date or datetime column (a Polars or a narwhals dtype)."""
    if isinstance(dtype, pl.DataType):
        return dtype == pl.Date or isinstance(dtype, pl.Datetime)
    return dtype == nw.Date or isinstance(dtype, nw.Datetime)


def _count(expr: nw.Expr) -> nw.Expr:
    return expr.cast(nw.Int64).sum()


def _rows(frame: nw.LazyFrame[Any], row: str) -> list[int]:
    """The first ``MAX_EVIDENCE`` rows of ``frame`` in row order."""
    got = backend.collect_polars(frame.select(nw.col(row)).sort(row).head(MAX_EVIDENCE))
    return [int(v) for v in got[row]]


def scan_time(
    lf: Any,
    column: str,
    dtype: Any,
    *,
    id_column: str | None,
    interval_s: float | None,
    gap_factor: float,
    buckets: int,
    row: str | None = None,
) -> TimeStats:
    """A few queries on the key columns only; memory is a few int64 columns, never the table.

    ``lf``: a Polars or PySpark frame; ``row``: its row-order column (a Polars frame without one
    gets a row index)."""
    f, row = backend.with_row(backend.lazy(lf), row, ROW)
    ids = [id_column] if id_column else []
    zone = getattr(dtype, "time_zone", None)
    s = backend.epoch_us(
        f.select(nw.col(row), nw.col(column), *(nw.col(k) for k in ids)), column, "t"
    )
    s = s.select(nw.col(row), nw.col("t"), *(nw.col(k) for k in ids))
    s = backend.with_neighbours(s, {"t": ("tp", "tn")}, row=row, over=id_column)
    s = s.with_columns((nw.col("t") - nw.col("tp")).alias("d"))
    d = nw.col("d")
    r = backend.collect_polars(
        s.select(
            nw.len().alias("rows"),
            nw.col("t").null_count().alias("nulls"),
            nw.col("t").min().alias("t_min"),
            nw.col("t").max().alias("t_max"),
            _count(~d.is_null()).alias("pairs"),
            _count((d < 0).fill_null(False)).alias("backward"),
            _count((d == 0).fill_null(False)).alias("repeats"),
        )
    ).row(0, named=True)
    for k in ("t_min", "t_max"):
        r[k] = None if r[k] is None else int(r[k])
    backward_rows = _rows(s.filter(d < 0), row) if r["backward"] else []
    # nominal interval when none is given: median of a strided sample of positive intervals
    med = None if interval_s else backend.positive_median(s, "d", _stride(int(r["rows"])))
    nominal_us = interval_s * US if interval_s else (float(med) if med else None)
    is_sorted = r["backward"] == 0
    if is_sorted:
        dup_keys = int(r["repeats"])
        dup_rows = _rows(s.filter(d == 0), row) if dup_keys else []
        near: list[int] = []
        if dup_keys and not id_column:  # the rows sharing their key with a neighbour
            both = s.filter((d == 0) | (nw.col("tn") == nw.col("t"))).select(nw.col(row))
            near = [int(v) for v in backend.collect_polars(both).sort(row)[row]]
    else:  # the key tuples: rows beyond the first of each (nulls equal to each other)
        keys = f.select(nw.col(column), *(nw.col(k) for k in ids))
        distinct_keys = backend.collect_polars(keys.unique().select(nw.len())).item()
        dup_keys, dup_rows, near = int(r["rows"]) - int(distinct_keys), [], []
    if is_sorted and not id_column:  # sorted: distinct = rows - repeated keys (nulls aside)
        distinct = int(r["rows"]) - int(r["nulls"]) - dup_keys
    else:
        present = f.filter(~nw.col(column).is_null()).select(nw.col(column).n_unique())
        distinct = int(backend.collect_polars(present).item())
    gaps: list[dict[str, Any]] = []
    gap_count, longest = 0, 0.0
    if nominal_us:
        g = s.filter(d > gap_factor * nominal_us)
        gs = backend.collect_polars(g.select(nw.len().alias("n"), d.max().alias("longest")))
        gap_count = int(gs["n"][0])
        longest = float(gs["longest"][0] or 0) / US
        top = g.select(nw.col(row), nw.col("t"), d).sort(["d", row], descending=[True, False])
        for item in backend.collect_polars(top.head(MAX_EVIDENCE)).iter_rows(named=True):
            gaps.append(
                {
                    "start": iso(item["t"] - item["d"], zone),
                    "end": iso(item["t"], zone),
                    "seconds": item["d"] / US,
                    "row": item[row],
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
        backward_rows=backward_rows,
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
    s: nw.LazyFrame[Any], r: dict[str, Any], by_time: bool, buckets: int
) -> tuple[list[int], list[int]]:
    """Row ends of equal time buckets (sorted data) or equal row buckets (otherwise)."""
    n = int(r["rows"])
    if n == 0:
        return [], []
    if by_time and r["t_min"] is not None and r["t_max"] is not None and r["nulls"] == 0:
        lo, hi = int(r["t_min"]), int(r["t_max"])
        k = max(1, min(buckets, n))
        edges = [lo + (hi - lo) * i // k for i in range(1, k)]
        # sorted times: the first row at or after an edge = the rows before it
        found = (
            list(
                backend.collect_polars(
                    s.select(*(_count(nw.col("t") < e).alias(f"e{i}") for i, e in enumerate(edges)))
                ).row(0)
            )
            if edges
            else []
        )
        return [*(int(x) for x in found), n], [lo, *edges]
    k = max(1, min(buckets, n))
    return [n * (i + 1) // k for i in range(k)], []
