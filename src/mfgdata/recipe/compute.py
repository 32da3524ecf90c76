"""Computing operations: filter, derive, resample, target_encode."""

from __future__ import annotations

import polars as pl

from mfgdata.errors import RecipeError
from mfgdata.recipe import expr, model, translate
from mfgdata.recipe.state import ColumnMeta, State

_AGGS = {
    "mean": pl.Expr.mean,
    "min": pl.Expr.min,
    "max": pl.Expr.max,
    "last": pl.Expr.last,
    "first": pl.Expr.first,
    "sum": pl.Expr.sum,
}


def _condition(s: State, cond: model.Condition) -> pl.Expr:
    s.need(cond.column)
    x, v = pl.col(cond.column), cond.value
    if cond.op == "is_null":
        return x.is_null()
    if cond.op == "not_null":
        return x.is_not_null()
    if cond.op in ("in", "not_in"):
        values = v if isinstance(v, list) else [v]
        inside = x.is_in(values)
        return inside if cond.op == "in" else ~inside
    if v is None or isinstance(v, list):
        raise s.error(cond.column, "비교할 값이 하나 필요합니다", "one value to compare is needed")
    node = expr.Binary(cond.op, expr.Col(cond.column), _literal(v))
    return translate.to_polars(node, s.schema)


def _literal(v: bool | int | float | str) -> expr.Node:
    if isinstance(v, bool):
        return expr.Bool(v)
    return expr.Str(v) if isinstance(v, str) else expr.Num(v)


def filter_rows(s: State, op: model.Filter) -> None:
    """Keep rows where the condition is true (null counts as false)."""
    try:
        if isinstance(op.where, str):
            node = expr.parse(op.where, "filter")
            s.need(*expr.columns(node))
            if translate.kind(node, s.schema) != "boolean":
                raise RecipeError("조건식이 참/거짓이 아닙니다", "the condition is not a boolean")
            predicate = translate.to_polars(node, s.schema)
        else:
            predicate = _condition(s, op.where)
    except RecipeError as e:
        if e.where.column is not None:
            raise
        raise s.error(None, e.ko, e.en) from e
    after = s.lf.filter(predicate)
    where = op.where if isinstance(op.where, str) else op.where.model_dump(exclude_none=True)
    s.record_rows(after, None, where=where)
    s.refresh(after)


def derive(s: State, op: model.Derive) -> None:
    """A new numeric column from ``name = arithmetic``."""
    try:
        tokens = expr.tokenize(op.expr)
        assignment = len(tokens) > 2 and tokens[1][:2] == ("op", "=")
        if assignment:
            name, node = expr.parse_assignment(op.expr)
            if op.column is not None and op.column != name:
                raise RecipeError(
                    f"column '{op.column}'과 식의 '{name}'이(가) 다릅니다",
                    f"column '{op.column}' differs from '{name}' in the expression",
                )
        elif op.column is not None:
            name, node = op.column, expr.parse(op.expr, "arith")
        else:
            raise RecipeError(
                "새 열 이름이 필요합니다 ('이름 = 식' 또는 column)",
                "a new column name is needed ('name = expression' or column)",
            )
    except RecipeError as e:
        raise s.error(None, e.ko, e.en) from e
    s.numeric(*expr.columns(node))
    s.fresh(name)
    value = translate.to_polars(node, s.schema).cast(pl.Float64)
    s.record_cells(name, value.is_not_null())
    s.records[-1]["expr"] = expr.unparse(node)
    s.meta[name] = ColumnMeta(
        name=name,
        source=None,
        unit=op.unit,
        description=op.description or (op.expr if assignment else f"{name} = {op.expr}"),
    )
    s.refresh(s.lf.with_columns(value.alias(name)))


def resample(s: State, op: model.Resample) -> None:
    """``group_by_dynamic`` on the time column (per entity when an id column is set)."""
    t, idc = s.time(), s.id_column
    keys = [t] if idc is None else [idc, t]
    s.need(*keys, *op.aggregations)
    aggs: dict[str, str] = {}
    for c in s.schema:
        how = op.aggregations.get(c, op.default)
        if c in keys or how is None:
            if c in op.aggregations:
                raise s.error(c, "시간/ID 열은 집계할 수 없습니다", "cannot aggregate a key")
            continue
        if how in ("mean", "sum") and not s.schema[c].is_numeric():
            if c in op.aggregations:
                s.numeric(c)
            how = "last"  # the default for a text column
        aggs[c] = how
    ordered = s.lf.sort(keys, maintain_order=True)
    after = (
        ordered.group_by_dynamic(t, every=op.every, group_by=idc, closed="left", label="left")
        .agg([_AGGS[how](pl.col(c)).alias(c) for c, how in aggs.items()])
        .select([t, *([idc] if idc else []), *aggs])
    )
    s.record_rows(after, None, every=op.every, aggregations=aggs)
    s.refresh(after)


def target_encode(
    s: State, op: model.TargetEncode, given: tuple[pl.Expr, pl.Expr, pl.Expr] | None = None
) -> None:
    """(n·mean + m·global) / (n + m) of the target per category; rows with null target ignored.

    ``given``: (n, total, global mean) when they are computed elsewhere (the Spark engine's
    aggregates over the whole table), else the target's count and sum per category and mean."""
    s.need(op.column)
    s.numeric(op.target)
    out = op.output or f"{op.column}__te"
    if out != op.column:
        s.fresh(out)
    y = pl.col(op.target).cast(pl.Float64)
    n, total, mean = given or (y.count().over(op.column), y.sum().over(op.column), y.mean())
    m = op.smoothing
    enc = pl.when(n + m > 0).then((total + m * mean) / (n + m)).otherwise(None).round(12)
    s.record_cells(out, enc.is_not_null())
    s.records[-1].update({"target": op.target, "smoothing": m})
    s.meta[out] = ColumnMeta(
        name=out,
        source=s.meta[op.column].source,
        description=f"{op.column}별 {op.target} 평균 / mean {op.target} per {op.column} (m={m})",
    )
    s.refresh(s.lf.with_columns(enc.alias(out)))
