"""The Hampel window statistics (rolling median and median absolute deviation) without lists.

Planned as Polars lists (``concat_list`` of 2w+1 shifts, ``list.median``, ``list.eval``), one
window of one column cost ~30 list allocations per row: at 1M rows x 20 sensors the Hampel op was
~90 % of the build's CPU. Here the same numbers come from 2w+1 NumPy vectors (the shifted values)
sorted element-wise by a min/max network, in row chunks (memory: a chunk, not the table), per
entity when the recipe has an id.

The values are the list path's, bit for bit: missing neighbours (the ends of an entity's rows,
null values) are left out of each window; the median of an even count is
``lower + (upper - lower) * 0.5`` as Polars computes it; an empty window gives null. A column
holding NaN or infinite values is not handled here and keeps the list path,
whose NaN ordering is Polars' own (the same expressions, run on the batch).
"""

from __future__ import annotations

import functools

import numpy as np
import polars as pl

#: rows per chunk of the window (chunk x (2w+1) float64 values, a few copies)
CHUNK_ROWS = 65_536
#: windows up to this many values are sorted by a network of element-wise min/max, longer by
#: ``np.sort`` along the rows
NETWORK_MAX = 15
MED, MAD = "med", "mad"


def _sort_columns(cols: list[np.ndarray]) -> None:
    """Sort ``cols`` element-wise across the list, in place (odd-even transposition network)."""
    k = len(cols)
    for r in range(k):
        for i in range(r % 2, k - 1, 2):
            lo = np.minimum(cols[i], cols[i + 1])
            np.maximum(cols[i], cols[i + 1], out=cols[i + 1])
            cols[i] = lo


@functools.cache
def _middle_plan(k: int) -> tuple[tuple[int, bool, bool], ...]:
    """The comparators of :func:`_sort_columns`' network that its middle output depends on, in
    order: (i, whether the min goes on to slot i, whether the max goes on to slot i + 1). For
    seven values 30 element-wise operations instead of 42, with the same result."""
    comparators = [i for r in range(k) for i in range(r % 2, k - 1, 2)]
    need, plan = {k // 2}, []
    for i in reversed(comparators):
        lo, hi = i in need, i + 1 in need
        if lo or hi:
            plan.append((i, lo, hi))
            need |= {i, i + 1}
    return tuple(reversed(plan))


def _middle(cols: list[np.ndarray]) -> np.ndarray:
    """The middle value of each row of ``cols`` (an odd count), as :func:`_sort_columns` would
    leave it; ``cols`` are changed in place."""
    for i, lo, hi in _middle_plan(len(cols)):
        a, b = cols[i], cols[i + 1]
        if lo and hi:
            cols[i] = np.minimum(a, b)
            np.maximum(a, b, out=b)
        elif lo:
            np.minimum(a, b, out=a)
        else:
            np.maximum(a, b, out=b)
    return cols[len(cols) // 2]


def _median(cols: list[np.ndarray], count: np.ndarray) -> np.ndarray:
    """The median of each row's ``count`` smallest values (the present ones; +inf = missing);
    NaN when none. ``cols`` are sorted in place first."""
    k = len(cols)
    if k <= NETWORK_MAX and k % 2 == 1 and bool((count == k).all()):
        return _middle(cols)  # every window full (the common case): the middle value
    lo_at, hi_at = np.maximum(count - 1, 0) // 2, count // 2
    if k <= NETWORK_MAX:  # np.choose takes at most 32 choices
        _sort_columns(cols)
        lo, hi = np.choose(lo_at, cols), np.choose(hi_at, cols)
    else:
        m = np.sort(np.stack(cols, axis=1), axis=1)
        rows = np.arange(m.shape[0])
        lo, hi = m[rows, lo_at], m[rows, hi_at]
    with np.errstate(invalid="ignore"):  # inf - inf where a window is empty (NaN below)
        mid: np.ndarray = np.where(count % 2 == 1, lo, lo + (hi - lo) * 0.5)
    mid[count == 0] = np.nan
    return mid


class Layout:
    """The rows of a table grouped by entity: the order that puts each entity's rows together
    (stable), each row's position in its entity and its entity's length, and the rows whose
    window crosses their entity's ends. Shared by every column of one call."""

    def __init__(self, groups: np.ndarray | None, n: int, w: int) -> None:
        if groups is None:
            self.order = np.arange(n)
            pos = self.order
            glen = np.full(n, n)
            starts, sizes = np.array([0]), np.array([n])
        else:
            small = groups.astype(np.uint16) if groups.max(initial=0) < 2**16 else groups
            self.order = np.argsort(small, kind="stable")  # a radix sort on small integers
            g = groups[self.order]
            starts = np.flatnonzero(np.concatenate(([True], g[1:] != g[:-1])))
            sizes = np.diff(np.append(starts, n))
            pos = np.arange(n) - np.repeat(starts, sizes)
            glen = np.repeat(sizes, sizes)
        self.n, self.w, self.pos, self.glen = n, w, pos, glen
        self.grouped = groups is not None
        self.starts, self.ends = starts, starts + sizes  # each entity's rows in this order
        self.edge = (pos < w) | (pos >= glen - w)


def window_stats(
    x: np.ndarray, groups: np.ndarray | None, w: int, layout: Layout | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(median, MAD) of each row's window x[i-w .. i+w] within its group (NaN = missing);
    ``layout``: the groups' :class:`Layout`, when several columns share it."""
    n = x.size
    lay = layout or Layout(groups, n, w)
    med, mad = sorted_stats(np.where(np.isnan(x), np.inf, x)[lay.order], lay)
    out_med, out_mad = np.empty(n), np.empty(n)
    out_med[lay.order], out_mad[lay.order] = med, mad
    return out_med, out_mad


def sorted_stats(xs: np.ndarray, lay: Layout) -> tuple[np.ndarray, np.ndarray]:
    """(median, MAD) of each row's window, both in the layout's order, of ``xs``: the values in
    that order, +inf where missing."""
    n, w, pos, glen = lay.n, lay.w, lay.pos, lay.glen
    padded = np.concatenate((np.full(w, np.inf), xs, np.full(w, np.inf)))
    med = np.empty(n)
    mad = np.empty(n)
    k = 2 * w + 1
    for a in range(0, n, CHUNK_ROWS):
        b = min(n, a + CHUNK_ROWS)
        p, ln = pos[a:b], glen[a:b]
        shifted = [padded[a + w + j : b + w + j] for j in range(-w, w + 1)]
        # every row as if its window were full (the common case: the middle of k sorted values)
        with np.errstate(invalid="ignore"):  # inf - inf in short windows, redone below
            centre = _median([v.copy() for v in shifted], np.full(b - a, k, dtype=np.int64))
            med[a:b] = centre
            mad[a:b] = _median(
                [np.abs(v - centre) for v in shifted], np.full(b - a, k, dtype=np.int64)
            )
        # rows whose window holds a missing value or crosses an entity's ends: counted windows
        short = lay.edge[a:b].copy()
        for v in shifted:
            short |= v == np.inf
        rows = np.flatnonzero(short)
        if rows.size == 0:
            continue
        pr, lr = p[rows], ln[rows]
        cols = []
        for j, v in zip(range(-w, w + 1), shifted, strict=True):
            inside = (pr + j >= 0) & (pr + j < lr)
            cols.append(np.where(inside, v[rows], np.inf))
        count = np.zeros(rows.size, dtype=np.int64)
        for c in cols:
            count += c != np.inf
        centre = _median([c.copy() for c in cols], count)
        med[a + rows] = centre
        with np.errstate(invalid="ignore"):
            devs = [np.where(c != np.inf, np.abs(c - centre), np.inf) for c in cols]
        mad[a + rows] = _median(devs, count)
    return med, mad


def _lists(df: pl.DataFrame, w: int, name: str) -> pl.Series:
    """The list path (Polars' own NaN and infinity semantics), for a column holding either."""
    x = pl.col("x").cast(pl.Float64)
    win = pl.concat_list([x.shift(k) for k in range(-w, w + 1)])
    if df.width > 1:
        win = win.over("id")
    med = pl.col("win").list.median()
    mad = (pl.col("win") - pl.col(MED)).list.eval(pl.element().abs()).list.median()
    return (
        df.select(win.alias("win"))
        .with_columns(med.alias(MED))
        .select(pl.struct(MED, mad.alias(MAD)).alias(name))
        .to_series()
    )


def _codes(ids: pl.Series) -> np.ndarray:
    """Entity codes: equal ids share a code, null is 0. Text ids by a hash table (a dense rank
    sorts the strings: half the op's time at 1M rows); other types by their dense rank."""
    if ids.dtype in (pl.String, pl.Categorical) or isinstance(ids.dtype, pl.Enum):
        codes = ids.cast(pl.String).cast(pl.Categorical).to_physical().cast(pl.Int64) + 1
    else:
        codes = ids.rank("dense").cast(pl.Int64)
    return codes.fill_null(0).to_numpy()


def _batch(s: pl.Series, w: int, columns: int) -> pl.Series:
    """The window statistics of the first ``columns`` fields of ``s`` (the id field after them,
    if any): one struct with ``med<i>`` and ``mad<i>`` per column, the entity codes and their
    layout computed once for all of them."""
    df = s.struct.unnest()
    ids = df[df.columns[columns]] if df.width > columns else None
    groups: np.ndarray | None = None
    layout: Layout | None = None
    out: dict[str, pl.Series] = {}
    for i in range(columns):
        col = df[df.columns[i]].cast(pl.Float64)
        if (col.is_nan() | col.is_infinite()).any():
            own = col.to_frame("x") if ids is None else pl.DataFrame({"x": col, "id": ids})
            lists = _lists(own, w, "x").struct.unnest()
            out[f"{MED}{i}"], out[f"{MAD}{i}"] = lists[MED], lists[MAD]
            continue
        x = col.to_numpy()  # nulls -> NaN, the only NaN
        if layout is None:
            groups = _codes(ids) if ids is not None else None  # entity codes 1.. (null: 0)
            layout = Layout(groups, x.size, w)
        med, mad = window_stats(x, groups, w, layout)
        out[f"{MED}{i}"] = pl.Series(med).fill_nan(None)
        out[f"{MAD}{i}"] = pl.Series(mad).fill_nan(None)
    return pl.DataFrame(out).to_struct(s.name)


def windows_expr(xs: list[pl.Expr], id_column: str | None, w: int) -> pl.Expr:
    """A struct per row with the Hampel window's median and MAD of each of ``xs`` (per entity):
    fields ``med<i>`` and ``mad<i>`` for ``xs[i]``, all from one pass over the rows."""
    fields = [x.alias(f"x{i}") for i, x in enumerate(xs)]
    fields += [pl.col(id_column).alias("id")] if id_column else []
    dtype = pl.Struct({f"{m}{i}": pl.Float64 for i in range(len(xs)) for m in (MED, MAD)})
    return pl.struct(fields).map_batches(lambda s: _batch(s, w, len(xs)), return_dtype=dtype)


def window_expr(x: pl.Expr, id_column: str | None, w: int) -> pl.Expr:
    """A struct (``med``, ``mad``) per row: the Hampel window's median and MAD (per entity)."""
    both = windows_expr([x], id_column, w).struct
    return pl.struct(both.field(f"{MED}0").alias(MED), both.field(f"{MAD}0").alias(MAD))
