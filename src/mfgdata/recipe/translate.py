"""Trees of ``mfgdata.recipe.expr`` → polars expressions, type-checked against a schema."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from mfgdata.errors import RecipeError
from mfgdata.recipe.expr import (
    CMP_OPS,
    Binary,
    Bool,
    Col,
    IsNull,
    Node,
    Null,
    Num,
    Str,
    Unary,
    unparse,
)

Schema = Mapping[str, pl.DataType]


def kind(node: Node, schema: Schema) -> str:
    """numeric | string | temporal | boolean | null | unknown: the type family of a tree."""
    match node:
        case Num():
            return "numeric"
        case Str():
            return "string"
        case Null():
            return "null"
        case Bool() | IsNull():
            return "boolean"
        case Col(name=n):
            dtype = schema.get(n)
            if dtype is None:
                return "unknown"
            if dtype.is_numeric():
                return "numeric"
            if dtype.is_temporal():
                return "temporal"
            return "boolean" if dtype == pl.Boolean else "string"
        case Unary(op="-"):
            return "numeric"
        case Binary(op=op) if op in "+-*/":
            return "numeric"
    return "boolean"


def to_polars(node: Node, schema: Schema | None = None) -> pl.Expr:
    """The polars expression of a tree (division by zero gives null).

    With ``schema``, comparisons are type-checked (a number against a text column is a
    RecipeError) and a 'text' compared with a date/time column is read as a timestamp.
    """
    sch: Schema = schema or {}
    match node:
        case Num(value=v) | Str(value=v) | Bool(value=v):
            return pl.lit(v)
        case Null():
            return pl.lit(None)
        case Col(name=n):
            return pl.col(n)
        case Unary(op="-", operand=x):
            return -to_polars(x, sch)
        case Unary(operand=x):
            return ~to_polars(x, sch)
        case IsNull(operand=x, negated=neg):
            e = to_polars(x, sch)
            return e.is_not_null() if neg else e.is_null()
        case Binary(op=op, left=left, right=right):
            return _binary(op, left, right, sch)
    raise TypeError(node)  # pragma: no cover


def _operand(node: Node, other: Node, schema: Schema) -> pl.Expr:
    if isinstance(node, Str) and isinstance(other, Col) and kind(other, schema) == "temporal":
        dtype = schema[other.name]
        if not isinstance(dtype, pl.Datetime):
            return pl.lit(node.value).str.to_date() if dtype == pl.Date else pl.lit(node.value)
        return pl.lit(node.value).str.to_datetime(
            time_unit=dtype.time_unit or "us", time_zone=dtype.time_zone
        )
    return to_polars(node, schema)


def _check(op: str, left: Node, right: Node, schema: Schema) -> None:
    kinds = {kind(left, schema), kind(right, schema)} - {"unknown", "null"}
    bad = (
        (op in CMP_OPS and len(kinds) > 1 and kinds != {"temporal", "string"})
        or (op in "+-*/" and kinds - {"numeric"})
        or (op in ("and", "or") and kinds - {"boolean"})
    )
    if bad:
        text = f"{unparse(left)} {op} {unparse(right)} ({', '.join(sorted(kinds))})"
        raise RecipeError(f"형식이 맞지 않습니다: {text}", f"type mismatch: {text}")


def _binary(op: str, left: Node, right: Node, schema: Schema) -> pl.Expr:
    if op in ("==", "!=") and isinstance(right, Null):
        return to_polars(IsNull(left, op == "!="), schema)
    if schema:
        _check(op, left, right, schema)
    a, b = _operand(left, right, schema), _operand(right, left, schema)
    ops = {
        "+": lambda: a + b,
        "-": lambda: a - b,
        "*": lambda: a * b,
        "/": lambda: pl.when(b != 0).then(a / b).otherwise(None),
        "==": lambda: a == b,
        "!=": lambda: a != b,
        "<": lambda: a < b,
        "<=": lambda: a <= b,
        ">": lambda: a > b,
        ">=": lambda: a >= b,
        "and": lambda: a & b,
        "or": lambda: a | b,
    }
    return ops[op]()
