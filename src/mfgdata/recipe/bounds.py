"""The Hampel bounds of a batch of columns from one eager pass (issue 12).

The bounds were planned as two passes (the window statistics, ``hampel.windows_expr``; the robust
scales, ``scale.column_scales``) and three levels of Polars expressions on their struct fields
(the median, ``max(1.4826 MAD, scale)``, ``median -/+ n sigma``). Here one pass computes, per
column, the window medians and MADs and the entities' MADs from the same values put in entity
order once, and the bounds from them by the same floating-point operations in NumPy:

    sigma = max_horizontal(MAD_SCALE * mad, scale)     (a null side left out)
    low, high = median - n * sigma, median + n * sigma

The nulls are the expressions' nulls (tracked apart from NaN: a window statistic that is NaN
was null there, an overflow's NaN in the bounds stays NaN). A column holding NaN or infinity,
or whose scale the expression path decides (a MAD of 0, an entity without values), keeps the
previous functions and the expressions themselves, run on the batch.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from mfgdata.recipe import hampel, scale
from mfgdata.recipe.scale import MAD_SCALE

LOW, HIGH = "low", "high"


def _chain(med: pl.Series, mad: pl.Series, sigma: pl.Series, n: float) -> list[pl.Series]:
    """The bounds by the expressions themselves (what ``fused._bounds`` planned)."""
    df = pl.DataFrame({"med": med, "mad": mad, "sig": sigma})
    sig = pl.max_horizontal(MAD_SCALE * pl.col("mad"), pl.col("sig"))
    out = df.select((pl.col("med") - n * sig).alias(LOW), (pl.col("med") + n * sig).alias(HIGH))
    return [out[LOW], out[HIGH]]


def _slow(col: pl.Series, ids: pl.Series | None, w: int, n: float) -> list[pl.Series]:
    """One column by the previous functions: windows and scale, then :func:`_chain`."""
    one = pl.DataFrame({"x0": col} | ({"id": ids} if ids is not None else {})).to_struct("s")
    stats = hampel._batch(one, w, 1).struct.unnest()
    sigma = scale._scales(one, 1).struct.unnest()[f"{scale.SIGMA}0"]
    return _chain(stats[f"{hampel.MED}0"], stats[f"{hampel.MAD}0"], sigma, n)


def _series(values: np.ndarray, null: np.ndarray | None, order: np.ndarray | None) -> pl.Series:
    """``values`` (in entity order) back in the table's order, null where ``null``."""
    if order is not None:
        out = np.empty_like(values)
        out[order] = values
        values = out
        if null is not None:
            back = np.empty_like(null)
            back[order] = null
            null = back
    s = pl.Series(values)
    if null is not None and null.any():
        s = s.scatter(np.flatnonzero(null), None)
    return s


def _column(
    x: np.ndarray, lay: hampel.Layout, n: float, sigma: np.ndarray | None
) -> list[pl.Series] | None:
    """The bounds of one column without NaN or infinity (``x``: nulls as NaN), or None when its
    scale is the expression's to decide. ``sigma``: the scale when it is known (in the table's
    order, NaN = null)."""
    order = lay.order if lay.grouped else None
    xs = x if order is None else x[order]
    med, mad = hampel.sorted_stats(np.where(np.isnan(xs), np.inf, xs), lay)
    if sigma is None:
        mads = scale.entity_mads(xs, lay.starts, lay.ends)
        if np.isnan(mads).any() or not bool((mads > 0).all()):
            return None
        sig = np.repeat(MAD_SCALE * mads, lay.ends - lay.starts)
    else:
        sig = sigma if order is None else sigma[order]
    with np.errstate(invalid="ignore", over="ignore"):
        spread = np.fmax(MAD_SCALE * mad, sig)  # NaN only where both sides are null
        null = np.isnan(med) | np.isnan(spread)
        low, high = med - n * spread, med + n * spread
    return [_series(low, null, order), _series(high, null, order)]


def _batch(s: pl.Series, w: int, n: float, columns: int) -> pl.Series:
    df = s.struct.unnest()
    ids = df[df.columns[columns]] if df.width > columns else None
    lay: hampel.Layout | None = None
    out: dict[str, pl.Series] = {}
    for i in range(columns):
        col = df[df.columns[i]].cast(pl.Float64)
        bounds = None
        if not (col.is_nan() | col.is_infinite()).any():
            if lay is None:
                codes = hampel._codes(ids) if ids is not None else None
                lay = hampel.Layout(codes, col.len(), w)
            x = col.to_numpy()  # nulls -> NaN, the only NaN
            bounds = _column(x, lay, n, None)
            if bounds is None:  # the scale by the expressions; NaN in it only where null
                one = pl.DataFrame({"x0": col} | ({"id": ids} if ids is not None else {}))
                sigma = scale._scales(one.to_struct("s"), 1).struct.unnest()[f"{scale.SIGMA}0"]
                if not sigma.is_nan().any():
                    bounds = _column(x, lay, n, sigma.to_numpy())
        if bounds is None:
            bounds = _slow(col, ids, w, n)
        out[f"{LOW}{i}"], out[f"{HIGH}{i}"] = bounds
    return pl.DataFrame(out).to_struct(s.name)


def hampel_bounds(xs: list[pl.Expr], id_column: str | None, w: int, n: float) -> pl.Expr:
    """A struct per row with the Hampel bounds (window ``w``, ``n`` sigmas, per entity) of each
    of ``xs``: fields ``low<i>`` and ``high<i>``, from one pass over the rows."""
    fields = [x.alias(f"x{i}") for i, x in enumerate(xs)]
    fields += [pl.col(id_column).alias("id")] if id_column else []
    dtype = pl.Struct({f"{b}{i}": pl.Float64 for i in range(len(xs)) for b in (LOW, HIGH)})
    return pl.struct(fields).map_batches(lambda s: _batch(s, w, n, len(xs)), return_dtype=dtype)
