"""Per-column statistics: one read and one sort per numeric column, one pass for the rest.

Each statistic is one narwhals expression, evaluated by the engine (``backend.py``; issue 19). On
Polars a numeric column is read alone (Parquet reads just that column) and sorted once; the
statistics' expressions then run on the sorted values: min/max, exact quantiles (linear
interpolation), exact distinct count, mean and std, and a 30-bin equal-width histogram between
min and max (binary search of the edges). Memory is one column at a time, not the table. On Spark
the same expressions run over the table in one aggregate pass, the histogram in a second. The
other columns get one ``select`` with count, nulls,
distinct (exact up to ``EXACT_DISTINCT_ROWS`` rows, a HyperLogLog estimate above, flagged
``distinct_exact: false``) and min/max, plus one small group-by each for their top values.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import polars as pl

from mfgdata.profiling import backend
from mfgdata.profiling.backend import OnValues
from mfgdata.profiling.values import json_value, round_sig

QUANTILES: dict[str, float] = {
    "p01": 0.01,
    "p05": 0.05,
    "p25": 0.25,
    "p50": 0.50,
    "p75": 0.75,
    "p95": 0.95,
    "p99": 0.99,
}
HISTOGRAM_BINS = 30
TOP_VALUES = 10
EXACT_DISTINCT_ROWS = 1_000_000
KINDS = ("numeric", "datetime", "boolean", "categorical", "text")


@dataclass(frozen=True)
class ColumnMeta:
    """A column as the profile sees it: name, kind (from ingest), unit and Polars dtype."""

    name: str
    kind: str
    unit: str | None
    dtype: pl.DataType

    @property
    def is_numeric(self) -> bool:
        return self.dtype.is_numeric() and self.kind != "boolean"

    @property
    def is_temporal(self) -> bool:
        return self.dtype.is_temporal()

    @property
    def has_top_values(self) -> bool:
        return not (self.is_numeric or self.is_temporal) and self.kind in (
            "boolean",
            "categorical",
            "text",
        )


def infer_kind(dtype: pl.DataType) -> str:
    """The kind of a column that ingest did not describe (e.g. ``source_file``)."""
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_numeric():
        return "numeric"
    if dtype.is_temporal():
        return "datetime"
    return "categorical"


def column_metas(
    schema: pl.Schema, ingest_columns: Sequence[Mapping[str, Any]]
) -> list[ColumnMeta]:
    """Join the frame's schema with ingest's column descriptions (unit, kind)."""
    described = {str(c["name"]): c for c in ingest_columns}
    metas = []
    for name, dtype in schema.items():
        info = described.get(name, {})
        kind = str(info.get("kind") or infer_kind(dtype))
        unit = info.get("unit")
        metas.append(ColumnMeta(name, kind, str(unit) if unit else None, dtype))
    return metas


def _exprs(i: int, meta: ColumnMeta, exact_distinct: bool) -> list[nw.Expr]:
    """The aggregates of a non-numeric column for the shared pass."""
    x = nw.col(meta.name)
    exprs = [x.count().alias(f"{i}.count"), x.null_count().alias(f"{i}.nulls")]
    if exact_distinct:
        exprs.append(_distinct(x).alias(f"{i}.distinct"))
    if meta.is_temporal:
        exprs += [x.min().alias(f"{i}.min"), x.max().alias(f"{i}.max")]
    return exprs


def _distinct(x: nw.Expr) -> nw.Expr:
    """Exact count of the distinct non-null values."""
    return (x.n_unique() - (x.null_count() > 0).cast(nw.Int64)).cast(nw.Int64)


def measured(meta: ColumnMeta) -> nw.Expr:
    """A numeric column's values as the profile measures them: integers as they are, any other
    number as Float64 with NaN as null (NaN is no measurement)."""
    x = nw.col(meta.name)
    if meta.dtype.is_integer():
        return x
    x = x.cast(nw.Float64)
    return nw.when(~x.is_nan()).then(x)


def numeric_exprs(name: str) -> dict[str, nw.Expr]:
    """The statistics of a numeric column's measured values (nulls ignored): count, exact
    distinct count, min/max, mean and std (ddof 1); the quantiles (``QUANTILES``, linear
    interpolation: numpy's default) are the engine's (backend.summarize)."""
    x = nw.col(name)
    exprs = {
        "count": x.count(),
        "distinct": _distinct(x),
        "min": x.min(),
        "max": x.max(),
        "mean": x.mean(),
        "std": x.std(ddof=1),
    }
    return exprs


def _edges(row: Mapping[str, Any]) -> np.ndarray | None:
    """The inner edges of the histogram of a column with ``row``'s min and max."""
    if not row["count"] or row["min"] == row["max"]:
        return None
    return np.linspace(float(row["min"]), float(row["max"]), HISTOGRAM_BINS + 1)[1:-1]


def _histogram(row: Mapping[str, Any], below: Sequence[int]) -> dict[str, list[Any]]:
    """Equal-width bins between min and max: ``edges`` and ``counts`` (each bin holds
    [left, right), the last one also its right edge, as numpy.histogram); ``below``: how many
    values lie below each inner edge."""
    n = int(row["count"])
    if n == 0:
        return {"edges": [], "counts": []}
    lo, hi = float(row["min"]), float(row["max"])
    if lo == hi:
        return {"edges": [round_sig(lo), round_sig(hi)], "counts": [n]}
    edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)
    counts = np.diff(np.concatenate(([0], np.asarray(below, dtype=np.int64), [n])))
    return {"edges": [round_sig(float(e)) for e in edges], "counts": [int(c) for c in counts]}


def _mean(row: Mapping[str, Any], n: int) -> float | None:
    """The mean, or 0.0 when it is no larger than the float error bound of its sum
    (n x eps x max|x|): there its digits are summation-order noise (a standardized column's
    mean was 0.0 on Polars and 1.4e-16 on Spark), not a measurement."""
    if row["mean"] is None:
        return None
    mean = float(row["mean"])
    bound = n * sys.float_info.epsilon * max(abs(float(row["min"])), abs(float(row["max"])))
    return 0.0 if abs(mean) <= bound else mean


def numeric_stats(
    frame: Any, metas: Sequence[ColumnMeta], tz: str, on_values: OnValues | None = None
) -> dict[str, dict[str, Any]]:
    """Count, nulls, distinct, min/max, mean/std, quantiles and histogram of numeric columns
    (Polars: one read and one sort per column; Spark: two aggregate passes over the table).
    ``on_values``: see :func:`~mfgdata.profiling.backend.summarize` (Polars only)."""
    lf = backend.lazy(frame)
    values = {m.name: measured(m) for m in metas}
    found = backend.summarize(lf, values, numeric_exprs, QUANTILES, _edges, on_values)
    out: dict[str, dict[str, Any]] = {}
    for m in metas:
        row, below = found[m.name]
        n = int(row["count"])
        std = row["std"] if n > 1 else None
        out[m.name] = {
            "count": n,
            "nulls": int(row[backend.ROWS]) - n,
            "distinct": int(row["distinct"]) if n else 0,
            "min": json_value(row["min"], tz),
            "max": json_value(row["max"], tz),
            "mean": json_value(_mean(row, n), tz),
            "std": json_value(None if std is None else float(std), tz),
            "quantiles": {
                k: json_value(None if row[k] is None else float(row[k]), tz) for k in QUANTILES
            },
            "histogram": _histogram(row, below),
        }
    return out


def _top_values(
    lf: nw.LazyFrame[Any], metas: Sequence[ColumnMeta]
) -> dict[str, list[dict[str, Any]]]:
    """The ``TOP_VALUES`` most frequent values of each non-numeric column (ties by value)."""
    wanted = [m for m in metas if m.has_top_values]
    queries = [
        lf.select(nw.col(m.name).cast(nw.String).alias("value"))
        .drop_nulls()
        .group_by("value")
        .agg(nw.len().alias("count"))
        .sort(["count", "value"], descending=[True, False])
        .head(TOP_VALUES)
        for m in wanted
    ]
    frames = backend.collect_all(queries)
    return {
        m.name: [{"value": r["value"], "count": int(r["count"])} for r in df.iter_rows(named=True)]
        for m, df in zip(wanted, frames, strict=True)
    }


def _restore(row: pl.DataFrame, dtypes: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Temporal aggregates back to their column's type (Spark has no zoned timestamps: its
    instants come back in UTC)."""
    fix = []
    for name, dtype in dtypes.items():
        if isinstance(dtype, pl.Datetime) and dtype.time_zone and name in row.columns:
            got = row.schema[name]
            if isinstance(got, pl.Datetime) and got.time_zone != dtype.time_zone:
                x = pl.col(name)
                if got.time_zone is None:
                    x = x.dt.replace_time_zone("UTC")
                fix.append(x.dt.convert_time_zone(dtype.time_zone))
    return row.with_columns(fix) if fix else row


def column_stats(
    frame: Any,
    metas: Sequence[ColumnMeta],
    *,
    rows_hint: int,
    tz: str,
    on_values: OnValues | None = None,
) -> tuple[int, dict[str, dict[str, Any]]]:
    """Row count and ``{column: stats}`` for every column in ``metas`` (in their order), of a
    Polars lazy frame or a SparkFrame; ``on_values`` gets each numeric column's values as they
    are read (Polars: the time-series charts, :class:`~mfgdata.profiling.charts.SeriesFeed`)."""
    lf = backend.lazy(frame)
    exact = rows_hint <= EXACT_DISTINCT_ROWS
    exprs = [nw.len().alias("rows")]
    for i, meta in enumerate(metas):
        if not meta.is_numeric:
            exprs += _exprs(i, meta, exact)
    dtypes = {f"{i}.{k}": m.dtype for i, m in enumerate(metas) for k in ("min", "max")}
    row = _restore(backend.collect(lf.select(exprs)), dtypes).row(0, named=True)
    rows = int(row["rows"])
    others = [m.name for m in metas if not m.is_numeric]
    estimates = {} if exact else backend.estimate_distinct(lf, others)
    tops = _top_values(lf, metas)
    numeric = numeric_stats(frame, [m for m in metas if m.is_numeric], tz, on_values)
    out: dict[str, dict[str, Any]] = {}
    for i, meta in enumerate(metas):
        stats: dict[str, Any] = {"kind": meta.kind, "dtype": str(meta.dtype), "unit": meta.unit}
        if meta.is_numeric:
            found = dict(numeric[meta.name])
            stats.update(count=found.pop("count"), nulls=found.pop("nulls"))
            distinct, exact_here = found.pop("distinct"), True
        else:
            stats.update(count=int(row[f"{i}.count"]), nulls=int(row[f"{i}.nulls"]))
            got = row[f"{i}.distinct"] if exact else estimates[meta.name]
            distinct, exact_here, found = int(got), exact, {}
        nulls = stats["nulls"]
        stats["null_ratio"] = round_sig(nulls / rows) if rows else None
        stats["distinct"], stats["distinct_exact"] = distinct, exact_here
        if meta.is_temporal:
            stats["min"] = json_value(row[f"{i}.min"], tz)
            stats["max"] = json_value(row[f"{i}.max"], tz)
        stats.update(found)
        if meta.name in tops:
            stats["top_values"] = tops[meta.name]
        out[meta.name] = stats
    return rows, out
