"""Forward fill with ``limit`` and ``max_gap`` per entity, for a batch of columns in one pass.

Planned as Polars expressions, each column took three windows over the id column (the fill, the
null runs' ids, the runs' lengths over id and run): ~1.5 CPU-s of a 1M-row x 20-sensor build
(issue 12). Here only the null rows are looked at, by NumPy, in the order that puts each entity's
rows together (stable): consecutive null positions form a run (a run ends at an entity's end); a
null is filled when its run does not start the entity (a value precedes it), when it is at most
``limit`` rows into its run and when its run is at most ``max_gap`` rows long. The filled column is
the original column gathered by row (a filled null takes the row of the value before its run), so
every type and every bit (NaN is a value, not a missing one) is kept as it was.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from mfgdata.recipe.hampel import _codes

#: the field of :func:`fills_expr`'s struct that holds column ``i`` filled: ``f<i>``
FIELD = "f"


class Entities:
    """Each row's position in the order that groups the rows by entity (stable) and which of
    those positions start an entity; shared by the columns of one call."""

    def __init__(self, groups: np.ndarray | None, n: int) -> None:
        self.n = n
        self.start = np.zeros(n, dtype=bool)
        if n:
            self.start[0] = True
        if groups is None:
            self.order: np.ndarray | None = None
            self.rank: np.ndarray | None = None
            return
        small = groups.astype(np.uint16) if groups.max(initial=0) < 2**16 else groups
        self.order = np.argsort(small, kind="stable")
        g = groups[self.order]
        self.start[1:] = g[1:] != g[:-1]
        self.rank = np.empty(n, dtype=np.int64)
        self.rank[self.order] = np.arange(n)


def fill_rows(
    null: np.ndarray, ent: Entities, limit: int | None, max_gap: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(rows filled, the row each takes its value from), in the table's numbering, for a column
    whose missing rows are ``null`` (booleans)."""
    rows = np.flatnonzero(null)
    q = rows if ent.rank is None else np.sort(ent.rank[rows])  # positions in entity order
    if q.size == 0:
        return q, q
    starts = ent.start[q]
    brk = starts.copy()  # a run begins at an entity's start or after a value
    brk[0] = True
    brk[1:] |= q[1:] != q[:-1] + 1
    first = np.flatnonzero(brk)
    run = np.cumsum(brk) - 1
    begin = q[first]
    ok = ~starts[first][run]  # a value of the same entity precedes the run
    if limit is not None:
        ok &= q - begin[run] < limit
    if max_gap is not None:
        ok &= (np.diff(np.append(first, q.size)) <= max_gap)[run]
    to, src = q[ok], begin[run[ok]] - 1
    if ent.order is not None:
        to, src = ent.order[to], ent.order[src]
    return to, src


def _filled(col: pl.Series, ent: Entities, limit: int | None, max_gap: int | None) -> pl.Series:
    if col.null_count() == 0:
        return col
    to, src = fill_rows(col.is_null().to_numpy(), ent, limit, max_gap)
    if to.size == 0:
        return col
    if col.dtype.is_numeric() or col.dtype in (pl.String, pl.Boolean):
        return col.clone().scatter(to, col.gather(src))  # copies the filled rows only
    index = np.arange(col.len(), dtype=np.int64)
    index[to] = src
    return col.gather(index)


def _batch(s: pl.Series, rules: list[tuple[int | None, int | None]]) -> pl.Series:
    df = s.struct.unnest()
    k = len(rules)
    ids = df[df.columns[k]] if df.width > k else None
    ent = Entities(_codes(ids) if ids is not None else None, df.height)
    out = {
        f"{FIELD}{i}": _filled(df[df.columns[i]], ent, limit, gap)
        for i, (limit, gap) in enumerate(rules)
    }
    return pl.DataFrame(out).to_struct(s.name)


def fills_expr(
    columns: list[str],
    dtypes: list[pl.DataType],
    rules: list[tuple[int | None, int | None]],
    id_column: str | None,
) -> pl.Expr:
    """A struct per row with each of ``columns`` forward-filled by its (limit, max_gap) rule,
    per entity of ``id_column``: field ``f<i>`` for ``columns[i]`` (of type ``dtypes[i]``)."""
    fields = [pl.col(c).alias(f"x{i}") for i, c in enumerate(columns)]
    fields += [pl.col(id_column).alias("id")] if id_column else []
    dtype = pl.Struct({f"{FIELD}{i}": t for i, t in enumerate(dtypes)})
    return pl.struct(fields).map_batches(lambda s: _batch(s, rules), return_dtype=dtype)
