"""Apply a recipe to a ``pl.LazyFrame``: every operation lazily, with its change counts.

``apply`` plans all operations first (column references checked against the schema as each
operation changes it, so a bad recipe fails before any data is read), then collects the counts of
all operations in one ``pl.collect_all``. The returned frame stays lazy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from polars._typing import EngineType

from mfgdata.errors import RecipeError
from mfgdata.recipe import clean, compute, model, units
from mfgdata.recipe.state import SCRATCH, ColumnMeta, State

CAST_TYPES: dict[str, pl.DataType] = {
    "float": pl.Float64(),
    "int": pl.Int64(),
    "string": pl.String(),
    "bool": pl.Boolean(),
    "datetime": pl.Datetime("us"),
    "category": pl.Categorical(),
}
_TRUE = ["true", "t", "yes", "y", "1", "on", "참", "예"]
_FALSE = ["false", "f", "no", "n", "0", "off", "거짓", "아니오"]


@dataclass(frozen=True)
class Applied:
    """The lazy result, the counted operations and the final column metadata."""

    frame: pl.LazyFrame
    operations: list[dict[str, Any]]
    columns: list[dict[str, Any]]
    time_column: str | None = None
    id_column: str | None = None
    rows_in: int | None = None
    rows_out: int | None = None


def apply(
    recipe: model.Recipe,
    frame: pl.LazyFrame,
    *,
    columns: Mapping[str, ColumnMeta] | None = None,
    file: str | None = None,
    count: bool = True,
    engine: EngineType = "auto",
    then: Callable[[pl.LazyFrame, str | None, str | None], list[pl.LazyFrame]] | None = None,
    handlers: Mapping[type[Any], Callable[[State, Any], None]] | None = None,
) -> Applied:
    """Apply ``recipe`` to ``frame``; ``columns`` are known metadata (units) by column name;
    ``engine`` counts the changes (``in-memory`` for a batch of a wide table: ``batched``).

    ``then`` (with ``count``): given the result (and its time and id columns), lazy sinks that
    run in the same query as the counts, so the cleaning plan is executed once for all.

    ``handlers``: an operation type's handler in place of its own (the Spark engine applies an
    operation with statistics it computed over the whole table: ``engine/spark_recipe.py``)."""
    state = State(
        lf=frame,
        meta=dict(columns or {}),
        time_column=recipe.time_column,
        id_column=recipe.id_column,
        file=file,
        op="recipe",
        rows=int(frame.select(pl.len()).collect().item()) if count else None,
        engine=engine,
    )
    for n in frame.collect_schema():
        state.meta.setdefault(n, ColumnMeta(name=n, source=n))
    state.refresh()
    for c in (recipe.time_column, recipe.id_column):
        if c is not None:
            state.need(c)
    for i, step in enumerate(recipe.steps):
        state.index, state.op = i, step.op
        ((handlers or {}).get(type(step)) or _HANDLERS[type(step)])(state, step)
        for name in state.schema:
            if name.startswith(SCRATCH):
                raise state.error(name, "예약된 열 이름입니다", "reserved column name")
    rows: list[int | None] = [None, None]
    if count:
        state.stats += [frame.select(pl.len()), state.lf.select(pl.len())]
        state.records += [{}, {}]
        extra = then(state.lf, state.time_column, state.id_column) if then else []
        counted = state.counted(extra)
        rows = [next(iter(r.values())) for r in counted[-2:]]
        ops = counted[:-2]
    else:
        ops = state.planned()
    cols = [state.meta[n].to_dict() for n in state.schema]
    return Applied(
        frame=state.lf,
        operations=ops,
        columns=cols,
        time_column=state.time_column,
        id_column=state.id_column,
        rows_in=rows[0],
        rows_out=rows[1],
    )


def _rename(s: State, op: model.Rename) -> None:
    s.need(*op.mapping)
    after = [op.mapping.get(n, n) for n in s.schema]
    for new in op.mapping.values():
        if after.count(new) > 1:
            raise s.error(new, f"열 이름 '{new}'이(가) 겹칩니다", f"duplicate column name '{new}'")
    meta = {op.mapping.get(n, n): m for n, m in s.meta.items()}
    for n, m in meta.items():
        m.name = n
    s.meta = meta
    if s.time_column is not None:
        s.time_column = op.mapping.get(s.time_column, s.time_column)
    if s.id_column is not None:
        s.id_column = op.mapping.get(s.id_column, s.id_column)
    s.record(None, pl.LazyFrame({"rows_affected": [0], "cells_affected": [0]}))
    s.refresh(s.lf.rename(dict(op.mapping)))


def cast_expr(s: State, column: str, to: str) -> pl.Expr:
    """The expression that casts ``column`` to the recipe type ``to`` (failures → null)."""
    src, x = s.schema[column], pl.col(column)
    if to == "float":
        return (x.str.strip_chars() if src == pl.String else x).cast(pl.Float64, strict=False)
    if to == "int":
        if src.is_integer():
            return x.cast(pl.Int64)
        f = cast_expr(s, column, "float")
        return pl.when(f == f.round()).then(f).otherwise(None).cast(pl.Int64, strict=False)
    if to == "bool":
        if src == pl.String:
            low = x.str.strip_chars().str.to_lowercase()
            return pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
        return x.cast(pl.Boolean, strict=False) if src.is_numeric() else x.cast(pl.Boolean)
    if to == "datetime":
        if src == pl.String:
            return x.str.strip_chars().str.to_datetime(strict=False, time_unit="us")
        if isinstance(src, pl.Datetime):
            return x
        if src == pl.Date:
            return x.cast(pl.Datetime("us"))
        raise s.error(column, f"{src} → datetime 변환은 지원하지 않습니다", f"cannot cast {src}")
    if to == "category":
        return x.cast(pl.String).cast(pl.Categorical)
    return x.cast(pl.String)


def _cast(s: State, op: model.Cast) -> None:
    s.need(*op.columns)
    exprs = []
    for c, to in op.columns.items():
        new = cast_expr(s, c, to)
        same = s.schema[c] == CAST_TYPES[to] or (to == "datetime" and s.schema[c].is_temporal())
        changed = pl.lit(False) if same else pl.col(c).is_not_null()
        s.record_cells(c, changed, nulled=pl.col(c).is_not_null() & new.is_null())
        s.records[-1]["to"] = to
        exprs.append(new.alias(c))
    s.refresh(s.lf.with_columns(exprs))


def _drop(s: State, op: model.Drop) -> None:
    s.need(*op.columns)
    _record_width(s, len(op.columns), op.columns)
    s.refresh(s.lf.drop(op.columns))


def _keep(s: State, op: model.Keep) -> None:
    s.need(*op.columns)
    gone = [c for c in s.schema if c not in op.columns]
    _record_width(s, len(gone), gone)
    s.refresh(s.lf.select(op.columns))


def _record_width(s: State, n: int, columns: list[str]) -> None:
    stats = s.lf.select(
        pl.lit(0, pl.Int64).alias("rows_affected"),
        (pl.len().cast(pl.Int64) * n).alias("cells_affected"),
    )
    s.record(None, stats, columns=list(columns))


#: key types whose order a comparison of neighbours tells exactly as the sort orders them
_ORDERED_KEYS = (pl.String, pl.Date, pl.Datetime, pl.Time, pl.Duration)


def _presorted(s: State, op: model.Sort) -> bool:
    """The input frame is already in the order an ascending stable sort by ``op.columns`` gives
    (no key null; ties keep their order either way): one narrow pass over the key columns.
    Only for the first operation, whose frame is the table as read (a cheap scan)."""
    if s.index != 0 or op.descending:
        return False
    for c in op.columns:
        t = s.schema[c]
        if not (t.is_integer() or isinstance(t, _ORDERED_KEYS)):
            return False
    ordered: pl.Expr = pl.lit(True)  # equal keys: in order
    for c in reversed(op.columns):
        x, prev = pl.col(c), pl.col(c).shift(1)
        ordered = (prev < x) | ((prev == x) & ordered)
    row = (
        s.lf.select(
            *[pl.col(c).null_count().alias(f"n{i}") for i, c in enumerate(op.columns)],
            ordered.slice(1).all().alias("ordered"),
        )
        .collect(engine="streaming")
        .row(0, named=True)
    )
    return bool(row["ordered"]) and not any(row[f"n{i}"] for i in range(len(op.columns)))


def _sort(s: State, op: model.Sort) -> None:
    s.need(*op.columns)
    if _presorted(s, op):  # the stable sort would move no row: the same record, no sort
        stats = pl.LazyFrame(
            {"rows_affected": [0], "cells_affected": [0]},
            schema={"rows_affected": pl.Int64, "cells_affected": pl.Int64},
        )
        s.record(None, stats, columns=list(op.columns))
        return
    row = f"{SCRATCH}row"
    after = s.lf.with_row_index(row).sort(
        op.columns, descending=op.descending, nulls_last=True, maintain_order=True
    )
    moved = (pl.col(row) != pl.int_range(pl.len(), dtype=pl.get_index_type())).sum()
    stats = after.select(
        moved.cast(pl.Int64).alias("rows_affected"), pl.lit(0, pl.Int64).alias("cells_affected")
    )
    s.record(None, stats, columns=list(op.columns))
    s.refresh(after.drop(row))


def _convert_unit(s: State, op: model.ConvertUnit) -> None:
    c = op.column
    s.numeric(c)
    known = s.meta[c].unit
    src = op.from_ or known
    if src is None:
        raise s.error(
            c,
            f"열 '{c}'의 단위를 모릅니다; from 을 적으세요",
            f"the unit of column '{c}' is unknown; give 'from'",
        )
    if op.from_ and known and not units.same_unit(op.from_, known, c):
        raise s.error(
            c,
            f"열 '{c}'의 단위는 '{known}'인데 from 은 '{op.from_}'입니다",
            f"column '{c}' is in '{known}' but 'from' says '{op.from_}'",
        )
    try:
        scale, offset = units.linear(src, op.to, c)
    except RecipeError as e:
        raise s.error(c, e.ko, e.en) from e
    identity = (scale, offset) == (1.0, 0.0)
    s.record_cells(c, pl.lit(False) if identity else pl.col(c).is_not_null())
    s.records[-1].update({"from": src, "to": op.to, "scale": scale, "offset": offset})
    s.meta[c].unit = op.to
    s.refresh(s.lf.with_columns((pl.col(c).cast(pl.Float64) * scale + offset).alias(c)))


_HANDLERS: dict[type[Any], Callable[[State, Any], None]] = {
    model.Rename: _rename,
    model.Cast: _cast,
    model.Drop: _drop,
    model.Keep: _keep,
    model.Sort: _sort,
    model.ConvertUnit: _convert_unit,
    model.Missing: clean.missing,
    model.Dedupe: clean.dedupe,
    model.Outliers: clean.outliers,
    model.Resample: compute.resample,
    model.Filter: compute.filter_rows,
    model.Derive: compute.derive,
    model.TargetEncode: compute.target_encode,
}
