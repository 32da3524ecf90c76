"""Per-column statistics: one read and one sort per numeric column, one pass for the rest.

A numeric column is read alone (Parquet reads just that column) and sorted once; everything follows
from the sorted values: min/max, exact quantiles (linear interpolation), exact distinct count, a
30-bin equal-width histogram between min and max (binary search of the edges), mean and std. Memory
is one column at a time, not the table. The other columns get one ``select`` with count, nulls,
distinct (exact up to ``EXACT_DISTINCT_ROWS`` rows, a HyperLogLog estimate above, flagged
``distinct_exact: false``) and min/max, plus one small group-by each for their top values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

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


def _exprs(i: int, meta: ColumnMeta, exact_distinct: bool) -> list[pl.Expr]:
    """The aggregates of a non-numeric column for the shared pass."""
    x = pl.col(meta.name)
    present = x.drop_nulls()
    distinct = present.n_unique() if exact_distinct else present.approx_n_unique()
    exprs = [
        x.count().alias(f"{i}.count"),
        x.null_count().alias(f"{i}.nulls"),
        distinct.cast(pl.Int64).alias(f"{i}.distinct"),
    ]
    if meta.is_temporal:
        exprs += [x.min().alias(f"{i}.min"), x.max().alias(f"{i}.max")]
    return exprs


def _histogram(values: np.ndarray, lo: float, hi: float) -> dict[str, list[Any]]:
    """Equal-width bins between min and max of sorted ``values``: ``edges`` and ``counts``
    (each bin holds [left, right), the last one also its right edge, as numpy.histogram)."""
    n = len(values)
    if n == 0:
        return {"edges": [], "counts": []}
    if lo == hi:
        return {"edges": [round_sig(lo), round_sig(hi)], "counts": [n]}
    edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)
    cuts = np.searchsorted(values, edges[1:-1], side="left")
    counts = np.diff(np.concatenate(([0], cuts, [n])))
    return {"edges": [round_sig(float(e)) for e in edges], "counts": [int(c) for c in counts]}


def _quantiles(values: np.ndarray) -> list[float | None]:
    """Linear-interpolation quantiles (numpy's default, Polars' ``linear``) of sorted values."""
    n = len(values)
    if n == 0:
        return [None] * len(QUANTILES)
    pos = np.array(list(QUANTILES.values())) * (n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    a, b = values[lo].astype(np.float64), values[hi].astype(np.float64)
    return [float(v) for v in a + (b - a) * (pos - lo)]


def numeric_stats(lf: pl.LazyFrame, meta: ColumnMeta, tz: str) -> dict[str, Any]:
    """Count, nulls, distinct, min/max, mean/std, quantiles and histogram of one numeric column,
    from one read of that column and one sort."""
    s = lf.select(pl.col(meta.name)).collect(engine="streaming").to_series()
    rows = s.len()
    if not s.dtype.is_integer():
        s = s.cast(pl.Float64).fill_nan(None)  # NaN is no measurement: counted as null
    s = s.drop_nulls().sort()
    values = s.to_numpy()
    n = len(values)
    lo, hi = (s[0], s[-1]) if n else (None, None)
    as_float = values.astype(np.float64, copy=False)
    return {
        "count": n,
        "nulls": rows - n,
        "distinct": int(np.count_nonzero(values[1:] != values[:-1])) + 1 if n else 0,
        "min": json_value(lo, tz),
        "max": json_value(hi, tz),
        "mean": json_value(float(as_float.mean()) if n else None, tz),
        "std": json_value(float(as_float.std(ddof=1)) if n > 1 else None, tz),
        "quantiles": {
            k: json_value(v, tz) for k, v in zip(QUANTILES, _quantiles(values), strict=True)
        },
        "histogram": _histogram(as_float, float(as_float[0]), float(as_float[-1]))
        if n
        else _histogram(as_float, 0.0, 0.0),
    }


def _top_values(lf: pl.LazyFrame, metas: Sequence[ColumnMeta]) -> dict[str, list[dict[str, Any]]]:
    """The ``TOP_VALUES`` most frequent values of each non-numeric column (ties by value)."""
    wanted = [m for m in metas if m.has_top_values]
    queries = [
        lf.select(pl.col(m.name).cast(pl.String).alias("value"))
        .drop_nulls()
        .group_by("value")
        .len(name="count")
        .sort(["count", "value"], descending=[True, False])
        .head(TOP_VALUES)
        for m in wanted
    ]
    frames = pl.collect_all(queries, engine="streaming") if queries else []
    return {
        m.name: [{"value": r["value"], "count": int(r["count"])} for r in df.iter_rows(named=True)]
        for m, df in zip(wanted, frames, strict=True)
    }


def column_stats(
    lf: pl.LazyFrame, metas: Sequence[ColumnMeta], *, rows_hint: int, tz: str
) -> tuple[int, dict[str, dict[str, Any]]]:
    """Row count and ``{column: stats}`` for every column in ``metas`` (in their order)."""
    exact = rows_hint <= EXACT_DISTINCT_ROWS
    exprs = [pl.len().alias("rows")]
    for i, meta in enumerate(metas):
        if not meta.is_numeric:
            exprs += _exprs(i, meta, exact)
    row = lf.select(exprs).collect(engine="streaming").row(0, named=True)
    rows = int(row["rows"])
    tops = _top_values(lf, metas)
    out: dict[str, dict[str, Any]] = {}
    for i, meta in enumerate(metas):
        stats: dict[str, Any] = {"kind": meta.kind, "dtype": str(meta.dtype), "unit": meta.unit}
        if meta.is_numeric:
            found = numeric_stats(lf, meta, tz)
            stats.update(count=found.pop("count"), nulls=found.pop("nulls"))
            distinct, exact_here = found.pop("distinct"), True
        else:
            stats.update(count=int(row[f"{i}.count"]), nulls=int(row[f"{i}.nulls"]))
            distinct, exact_here, found = int(row[f"{i}.distinct"]), exact, {}
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
