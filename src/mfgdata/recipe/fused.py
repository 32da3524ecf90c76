"""Column-wise cleaning planned for a batch of columns at once (``missing`` and ``outliers``).

Applied one column after another, an operation over 108 tags nests ~500 ``with_columns`` levels,
each with its own window, and counts every column on its own prefix of that plan: the plan alone
took longer than the data. A column's fill or bounds depend only on that column (and the id and
time columns, which these paths never change), so a batch of columns shares each level and one
count query. The values and the records are the ones the column-by-column path gives.

A batch holds at most ``BATCH_CELLS`` cells (rows x columns), so the window scratch columns of a
tall table stay bounded in memory: wide tables are planned in column batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl

from mfgdata.quality.datacolumns import FLAG_SUFFIX
from mfgdata.recipe import bounds, ffill, model
from mfgdata.recipe.state import SCRATCH, ColumnMeta, State

#: Cells (rows x columns) planned in one batch; with ``rows`` unknown, ``DEFAULT_COLUMNS``. At 1M
#: rows, 8M cells (8 columns of Hampel scratch) peaked 150 MiB above 4M for 5 % less CPU (issue 12).
BATCH_CELLS = 4_000_000
DEFAULT_COLUMNS = 16


def safe(s: State, columns: list[str]) -> bool:
    """The batch path applies: no column of the operation is the id or the time column."""
    return not {s.id_column, s.time_column} & set(columns)


def batches(s: State, columns: list[str]) -> Iterator[list[str]]:
    per = max(1, BATCH_CELLS // s.rows) if s.rows else DEFAULT_COLUMNS
    for i in range(0, len(columns), per):
        yield columns[i : i + per]


def gap_limited(s: State, column: str, filled: pl.Expr, max_gap: int, run: str) -> pl.Expr:
    """``filled`` only in null runs of at most ``max_gap`` rows (``run``: the null-run ids)."""
    keys = [run] if s.id_column is None else [s.id_column, run]
    short = pl.col(column).is_null() & (pl.len().over(keys) <= max_gap)
    return pl.when(short).then(filled).otherwise(pl.col(column))


def missing(s: State, op: model.Missing) -> None:
    """Constant, forward fill (limit, max_gap) or time interpolation of every listed column; the
    forward fills of a batch from one NumPy pass over its null rows (``ffill.py``)."""
    ff = f"{SCRATCH}ff"
    for batch in batches(s, list(op.columns)):
        scratch: list[pl.Expr] = []
        fills: list[pl.Expr] = []
        entries: list[tuple[str, dict[str, pl.Expr], dict[str, Any]]] = []
        forward = {c: p for c in batch if isinstance(p := op.columns[c], model.ForwardFill)}
        if forward:
            rules = [(p.limit, p.max_gap) for p in forward.values()]
            types = [s.schema[c] for c in forward]
            scratch.append(ffill.fills_expr(list(forward), types, rules, s.entity()).alias(ff))
        for i, c in enumerate(batch):
            pol, x = op.columns[c], pl.col(c)
            extra: dict[str, Any] = {"policy": pol.policy}
            if isinstance(pol, model.Constant):
                filled = x.fill_null(pl.lit(pol.value))
            elif isinstance(pol, model.ForwardFill):
                filled = pl.col(ff).struct.field(f"{ffill.FIELD}{list(forward).index(c)}")
                extra.update(limit=pol.limit, max_gap=pol.max_gap)
            else:
                assert isinstance(pol, model.Interpolate)  # ``clean`` keeps the drop policy
                s.numeric(c)
                filled = s.over(x.interpolate_by(s.time()))
                extra.update(max_gap=pol.max_gap)
                if pol.max_gap is not None:
                    run = f"{SCRATCH}run{i}"
                    scratch.append(s.over(x.is_null().rle_id()).alias(run))
                    filled = gap_limited(s, c, filled, pol.max_gap, run)
            was = f"{SCRATCH}was{i}"
            scratch.append(x.is_null().alias(was))
            changed = pl.col(was) & pl.col(c).is_not_null()  # on the filled frame
            counts = {"rows_affected": changed, "cells_affected": changed}
            entries.append((c, counts, {k: v for k, v in extra.items() if v is not None}))
            fills.append(filled.alias(c))
        # the fills are computed once: the counts read the filled frame and the null marks
        filled_lf = s.lf.with_columns(scratch).with_columns(fills).cache()
        s.record_columns(entries, filled_lf)
        s.refresh(filled_lf.drop(e.meta.output_name() for e in scratch))


def _bounds(
    s: State, cols: list[str], method: model.Iqr | model.Zscore | model.Hampel
) -> pl.LazyFrame:
    """The frame with scratch bounds ``low<i>``/``high<i>`` of each column (as ``clean``)."""
    low = [f"{SCRATCH}low{i}" for i in range(len(cols))]
    high = [f"{SCRATCH}high{i}" for i in range(len(cols))]
    xs = [pl.col(c).cast(pl.Float64) for c in cols]
    if isinstance(method, model.Iqr):
        k = method.k
        q = [(s.over(x.quantile(0.25, "linear")), s.over(x.quantile(0.75, "linear"))) for x in xs]
        return s.lf.with_columns(
            e
            for i, (q1, q3) in enumerate(q)
            for e in ((q1 - k * (q3 - q1)).alias(low[i]), (q3 + k * (q3 - q1)).alias(high[i]))
        )
    if isinstance(method, model.Zscore):
        t = method.threshold
        ms = [(s.over(x.mean()), s.over(x.std())) for x in xs]
        return s.lf.with_columns(
            e
            for i, (mean, sd) in enumerate(ms)
            for e in ((mean - t * sd).alias(low[i]), (mean + t * sd).alias(high[i]))
        )
    hb = f"{SCRATCH}hb"  # every column's bounds, from one pass (bounds.py)
    return (
        s.lf.with_columns(
            bounds.hampel_bounds(xs, s.entity(), method.window, method.n_sigmas).alias(hb)
        )
        .with_columns(
            e
            for i in range(len(cols))
            for e in (
                pl.col(hb).struct.field(f"{bounds.LOW}{i}").alias(low[i]),
                pl.col(hb).struct.field(f"{bounds.HIGH}{i}").alias(high[i]),
            )
        )
        .drop(hb)
    )


def outlier_action(
    s: State, op: model.Outliers, c: str, low: pl.Expr, high: pl.Expr
) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(new column, cells changed, is outlier) of one column's outlier op: flag (a new
    ``<col>__outlier`` column), clip to the bounds, or null. Shared by the batched and the
    column-by-column paths (``clean.outliers``), so both give the same values."""
    x = pl.col(c)
    is_out = ((x < low) | (x > high)).fill_null(False)
    if op.action == "flag":
        name = f"{c}{FLAG_SUFFIX}"
        s.fresh(name)
        s.meta[name] = ColumnMeta(
            name=name,
            source=s.meta[c].source,
            description=f"{c} 이상치 표시 / outlier flag of {c} ({op.method.name})",
        )
        return is_out.alias(name), pl.lit(False), is_out
    if op.action == "clip":
        clipped = pl.min_horizontal(pl.max_horizontal(x.cast(pl.Float64), low), high)
        new = pl.when(is_out).then(clipped).otherwise(x.cast(pl.Float64)).alias(c)
        return new, is_out & (clipped != x.cast(pl.Float64)), is_out
    return pl.when(is_out).then(None).otherwise(x).alias(c), is_out, is_out


def outliers(s: State, op: model.Outliers) -> None:
    """iqr / zscore / hampel of every listed column; flag, clip or null (as ``clean``)."""
    for batch in batches(s, list(op.columns)):
        lf = _bounds(s, batch, op.method).cache()
        news: list[pl.Expr] = []
        entries: list[tuple[str, dict[str, pl.Expr], dict[str, Any]]] = []
        for i, c in enumerate(batch):
            low, high = pl.col(f"{SCRATCH}low{i}"), pl.col(f"{SCRATCH}high{i}")
            new, changed, is_out = outlier_action(s, op, c, low, high)
            counts = {"rows_affected": is_out, "cells_affected": changed, "outliers": is_out}
            entries.append((c, counts, {"method": op.method.name, "action": op.action}))
            news.append(new)
        s.record_columns(entries, lf)
        scratch = [f"{SCRATCH}{b}{i}" for i in range(len(batch)) for b in ("low", "high")]
        s.refresh(lf.with_columns(news).drop(scratch))
