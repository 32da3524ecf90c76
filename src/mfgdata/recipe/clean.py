"""Cleaning operations: missing values, duplicates, outliers."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from mfgdata.quality.datacolumns import data_columns, excluded_columns
from mfgdata.quality.findings import MAX_EVIDENCE
from mfgdata.recipe import fused, hampel, model
from mfgdata.recipe.scale import MAD_SCALE, column_scale
from mfgdata.recipe.state import SCRATCH, State


def _gap_limited(s: State, column: str, filled: pl.Expr, max_gap: int) -> pl.Expr:
    """``filled`` only in null runs of at most ``max_gap`` rows (uses the run scratch column)."""
    run = f"{SCRATCH}run"
    keys = [run] if s.id_column is None else [s.id_column, run]
    short = pl.col(column).is_null() & (pl.len().over(keys) <= max_gap)
    return pl.when(short).then(filled).otherwise(pl.col(column))


def missing(s: State, op: model.Missing) -> None:
    """Per column: drop rows, constant, forward fill (limit, max_gap) or time interpolation."""
    s.need(*op.columns)
    drops = any(isinstance(p, model.DropMissing) for p in op.columns.values())
    if not drops and fused.safe(s, list(op.columns)):
        fused.missing(s, op)  # the same values and records, a batch of columns at a time
        return
    for c, pol in op.columns.items():
        x = pl.col(c)
        if isinstance(pol, model.DropMissing):
            after = s.lf.filter(x.is_not_null())
            s.record_rows(after, c, policy="drop")
            s.refresh(after)
            continue
        extra: dict[str, object] = {"policy": pol.policy}
        if isinstance(pol, model.Constant):
            filled = x.fill_null(pl.lit(pol.value))
        elif isinstance(pol, model.ForwardFill):
            filled = s.over(x.forward_fill(limit=pol.limit))
            extra.update(limit=pol.limit, max_gap=pol.max_gap)
        else:
            s.numeric(c)
            filled = s.over(x.interpolate_by(s.time()))
            extra.update(max_gap=pol.max_gap)
        max_gap = getattr(pol, "max_gap", None)
        run = f"{SCRATCH}run"
        if max_gap is not None:
            s.lf = s.lf.with_columns(s.over(x.is_null().rle_id()).alias(run))
            filled = _gap_limited(s, c, filled, max_gap)
        s.record_cells(c, x.is_null() & filled.is_not_null())
        s.records[-1].update({k: v for k, v in extra.items() if v is not None})
        after = s.lf.with_columns(filled.alias(c))
        s.refresh(after.drop(run) if max_gap is not None else after)


def duplicate_rows(lf: pl.LazyFrame) -> int:
    """Rows equal to an earlier row on the data columns (``source_file`` and flags left out).

    Equal rows hash equal (-0.0 and 0.0, NaNs, nulls as ``n_unique`` takes them), so a row whose
    hash no other row shares is unique: one narrow pass finds the rows that share a hash, and
    only those are compared whole. Counting distinct rows of the whole table held every row in a
    hash table: +700 MiB and 1.1 CPU s at 1M x 23, the preprocess step's peak (issue 12)."""
    names = data_columns(lf.collect_schema().names())
    if not names:
        row = lf.select(pl.len() - pl.struct(names).n_unique()).collect(engine="streaming")
        return int(row.item())
    key = f"{SCRATCH}hash"
    hashed = pl.struct(names).hash(seed=0)
    shared = (
        lf.select(hashed.alias(key))
        .group_by(key)
        .len()
        .filter(pl.col("len") > 1)
        .select(key)
        .collect(engine="streaming")
        .to_series()
    )
    if shared.is_empty():
        return 0
    alike = lf.filter(hashed.is_in(shared.implode()))
    row = alike.select(pl.len() - pl.struct(names).n_unique()).collect(engine="streaming")
    return int(row.item())


def dedupe(s: State, op: model.Dedupe) -> None:
    """Duplicate rows, keeping the first (or last) of each, order kept.

    Without ``columns``: exact duplicates on the *data* columns, so a row exported in two files
    (differing only in the added ``source_file``) or flagged differently is still a duplicate.
    The record names the columns compared, those left out and a sample of the removed rows
    (0-based, in the table as the operation saw it).
    """
    if op.columns:
        s.need(*op.columns)
        subset, left_out, compared = list(op.columns), [], "key columns"
    else:
        subset, left_out = data_columns(s.schema), excluded_columns(s.schema)
        compared = "data columns"
    after = s.lf.unique(subset=subset, keep=op.keep, maintain_order=True)
    row = f"{SCRATCH}row"
    kept = pl.struct(subset).is_first_distinct()
    if op.keep == "last":
        kept = pl.struct(subset).is_last_distinct()
    removed = (
        s.lf.select(pl.int_range(pl.len(), dtype=pl.Int64).alias(row), kept.alias("kept"))
        .filter(~pl.col("kept"))
        .select(pl.col(row).head(MAX_EVIDENCE).implode().alias("rows"))
    )
    s.record_rows(after, None, columns=subset, excluded=left_out, compared=compared, keep=op.keep)
    s.stats[-1] = s.stats[-1].join(removed, how="cross")
    s.refresh(after)


LOW, HIGH = f"{SCRATCH}low", f"{SCRATCH}high"


def iqr_bounds(q1: pl.Expr, q3: pl.Expr, k: float) -> tuple[pl.Expr, pl.Expr]:
    """The IQR fences: values outside (q1 - k·IQR, q3 + k·IQR) are outliers."""
    return q1 - k * (q3 - q1), q3 + k * (q3 - q1)


def zscore_bounds(mean: pl.Expr, sd: pl.Expr, t: float) -> tuple[pl.Expr, pl.Expr]:
    """The z-score fences: values outside mean ± t·sd are outliers."""
    return mean - t * sd, mean + t * sd


def _with_bounds(s: State, c: str, method: model.Iqr | model.Zscore | model.Hampel) -> pl.LazyFrame:
    """The frame with the scratch columns LOW and HIGH: values outside are outliers.

    Intermediate results are materialised as scratch columns, one ``with_columns`` each, so no
    window is computed twice.
    """
    x = pl.col(c).cast(pl.Float64)
    if isinstance(method, model.Iqr):
        q1 = s.over(x.quantile(0.25, "linear"))
        q3 = s.over(x.quantile(0.75, "linear"))
        low, high = iqr_bounds(q1, q3, method.k)
        return s.lf.with_columns(low.alias(LOW), high.alias(HIGH))
    if isinstance(method, model.Zscore):
        low, high = zscore_bounds(s.over(x.mean()), s.over(x.std()), method.threshold)
        return s.lf.with_columns(low.alias(LOW), high.alias(HIGH))
    w, n = method.window, method.n_sigmas
    hw, med, sigma = f"{SCRATCH}hw", f"{SCRATCH}med", f"{SCRATCH}sigma"
    mad = pl.col(hw).struct.field(hampel.MAD)
    return (
        s.lf.with_columns(hampel.window_expr(x, s.entity(), w).alias(hw))
        .with_columns(
            pl.col(hw).struct.field(hampel.MED).alias(med), column_scale(s, x).alias(sigma)
        )
        .with_columns(pl.max_horizontal(MAD_SCALE * mad, pl.col(sigma)).alias(sigma))
        .with_columns(
            (pl.col(med) - n * pl.col(sigma)).alias(LOW),
            (pl.col(med) + n * pl.col(sigma)).alias(HIGH),
        )
        .drop(hw, med, sigma)
    )


def outliers(
    s: State, op: model.Outliers, bounds: Callable[[State, str], pl.LazyFrame] | None = None
) -> None:
    """iqr / zscore / hampel; flag (``<col>__outlier``), clip to the bounds, or null.

    ``bounds(s, c)``: the frame with the scratch bounds LOW and HIGH of column ``c`` when they
    are given (the Spark engine's, from statistics over the whole table)."""
    s.numeric(*op.columns)
    if bounds is None and fused.safe(s, list(op.columns)):
        fused.outliers(s, op)  # the same values and records, a batch of columns at a time
        return
    for c in op.columns:
        s.lf = bounds(s, c) if bounds is not None else _with_bounds(s, c, op.method)
        new, changed, is_out = fused.outlier_action(s, op, c, pl.col(LOW), pl.col(HIGH))
        stats = s.lf.select(
            is_out.sum().cast(pl.Int64).alias("rows_affected"),
            changed.sum().cast(pl.Int64).alias("cells_affected"),
            is_out.sum().cast(pl.Int64).alias("outliers"),
        )
        s.record(c, stats, method=op.method.name, action=op.action)
        s.refresh(s.lf.with_columns(new).drop(LOW, HIGH))
