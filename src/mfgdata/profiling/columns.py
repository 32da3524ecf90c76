"""Per-column statistics in one lazy pass, plus one small group-by per non-numeric column.

The main pass is a single ``select`` with every aggregate of every column (count, nulls, distinct,
min/max/mean/std, quantiles and a 30-bin equal-width histogram between min and max). Distinct counts
are exact up to ``EXACT_DISTINCT_ROWS`` rows and a HyperLogLog estimate above (flagged
``distinct_exact: false``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
    x = pl.col(meta.name)
    present = x.drop_nulls()
    distinct = present.n_unique() if exact_distinct else present.approx_n_unique()
    exprs = [
        x.count().alias(f"{i}.count"),
        x.null_count().alias(f"{i}.nulls"),
        distinct.cast(pl.Int64).alias(f"{i}.distinct"),
    ]
    if meta.is_numeric or meta.is_temporal:
        exprs += [x.min().alias(f"{i}.min"), x.max().alias(f"{i}.max")]
    if meta.is_numeric:
        xf = x.cast(pl.Float64)
        exprs += [
            xf.mean().alias(f"{i}.mean"),
            xf.std().alias(f"{i}.std"),
            xf.quantile(list(QUANTILES.values()), interpolation="linear").alias(f"{i}.q"),
            xf.hist(bin_count=HISTOGRAM_BINS, include_breakpoint=True).implode().alias(f"{i}.hist"),
        ]
    return exprs


def _histogram(row: Mapping[str, Any], i: int, count: int) -> dict[str, list[Any]]:
    """Equal-width bins between min and max: ``edges`` (bins + 1) and ``counts``."""
    lo, hi = row[f"{i}.min"], row[f"{i}.max"]
    if count == 0 or lo is None or hi is None:
        return {"edges": [], "counts": []}
    if lo == hi:
        return {"edges": [round_sig(float(lo)), round_sig(float(hi))], "counts": [count]}
    bins = row[f"{i}.hist"]
    edges = [float(lo)] + [float(b["breakpoint"]) for b in bins]
    return {"edges": [round_sig(e) for e in edges], "counts": [int(b["count"]) for b in bins]}


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
    """Row count and ``{column: stats}`` for every column in ``metas``."""
    exact = rows_hint <= EXACT_DISTINCT_ROWS
    exprs = [pl.len().alias("rows")]
    for i, meta in enumerate(metas):
        exprs += _exprs(i, meta, exact)
    row = lf.select(exprs).collect(engine="streaming").row(0, named=True)
    rows = int(row["rows"])
    tops = _top_values(lf, metas)
    out: dict[str, dict[str, Any]] = {}
    for i, meta in enumerate(metas):
        count, nulls = int(row[f"{i}.count"]), int(row[f"{i}.nulls"])
        stats: dict[str, Any] = {
            "kind": meta.kind,
            "dtype": str(meta.dtype),
            "unit": meta.unit,
            "count": count,
            "nulls": nulls,
            "null_ratio": round_sig(nulls / rows) if rows else None,
            "distinct": int(row[f"{i}.distinct"]),
            "distinct_exact": exact,
        }
        if meta.is_numeric or meta.is_temporal:
            stats["min"] = json_value(row[f"{i}.min"], tz)
            stats["max"] = json_value(row[f"{i}.max"], tz)
        if meta.is_numeric:
            stats["mean"] = json_value(row[f"{i}.mean"], tz)
            stats["std"] = json_value(row[f"{i}.std"], tz)
            qs = row[f"{i}.q"] or [None] * len(QUANTILES)
            stats["quantiles"] = {k: json_value(v, tz) for k, v in zip(QUANTILES, qs, strict=True)}
            stats["histogram"] = _histogram(row, i, count)
        if meta.name in tops:
            stats["top_values"] = tops[meta.name]
        out[meta.name] = stats
    return rows, out
