"""Forward fill with limit and max_gap per entity in one NumPy pass (recipe/ffill.py) gives the
bits of the grouped Polars expressions it replaced (kept here as the reference), issue 12."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from mfgdata.recipe import ffill, model, ops

Rule = tuple[int | None, int | None]


def reference(x: pl.Expr, id_column: str | None, limit: int | None, max_gap: int | None) -> pl.Expr:
    """The expressions of ``fused.missing`` before issue 12's change (three windows per column)."""

    def over(e: pl.Expr) -> pl.Expr:
        return e if id_column is None else e.over(id_column)

    filled = over(x.forward_fill(limit=limit))
    if max_gap is None:
        return filled
    run = over(x.is_null().rle_id())
    keys = [run] if id_column is None else [pl.col(id_column), run]
    short = x.is_null() & (pl.len().over(keys) <= max_gap)
    return pl.when(short).then(filled).otherwise(x)


def _bits(df: pl.DataFrame) -> list[Any]:
    """Every cell's bits: nulls, and floats by their IEEE bytes (NaN, -0.0 kept apart)."""
    out: list[Any] = []
    for s in df.iter_columns():
        out.append(s.is_null().to_list())
        if s.dtype.is_float():
            out.append(s.fill_null(0.0).to_numpy().view(np.uint8).tobytes())
        else:
            out.append(s.to_list())
    return out


def _check(df: pl.DataFrame, columns: list[str], rules: list[Rule], id_column: str | None) -> None:
    dtypes = [df.schema[c] for c in columns]
    want = df.select(
        reference(pl.col(c), id_column, lim, gap).alias(c)
        for c, (lim, gap) in zip(columns, rules, strict=True)
    )
    expr = ffill.fills_expr(columns, dtypes, rules, id_column).alias("ff")
    got = (
        df.lazy()
        .select(expr)
        .select(pl.col("ff").struct.field(f"f{i}").alias(c) for i, c in enumerate(columns))
        .collect()
    )
    assert_frame_equal(got, want)
    assert _bits(got) == _bits(want)


CELLS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.sampled_from([0.0, -0.0, float("nan")]),
)
RULES = st.tuples(st.none() | st.integers(1, 4), st.none() | st.integers(1, 4))


@st.composite
def tables(draw: st.DrawFn) -> tuple[pl.DataFrame, list[str], list[Rule], str | None]:
    n = draw(st.integers(0, 40))
    ids = draw(st.sampled_from(["none", "str", "int", "cat"]))
    k = draw(st.integers(1, 3))
    data: dict[str, pl.Series] = {}
    for i in range(k):
        kinds = ["f64", "f32", "i64", "i32", "str", "bool", "datetime", "null_heavy"]
        kind = draw(st.sampled_from(kinds))
        if kind in ("f64", "f32", "null_heavy"):
            cell = st.none() if kind == "null_heavy" else CELLS
            cells = draw(st.lists(cell | st.none(), min_size=n, max_size=n))
            t = pl.Float32 if kind == "f32" else pl.Float64
            data[f"c{i}"] = pl.Series(cells, dtype=pl.Float64).cast(t)
        elif kind in ("i64", "i32"):
            cells = draw(st.lists(st.none() | st.integers(-5, 5), min_size=n, max_size=n))
            data[f"c{i}"] = pl.Series(cells, dtype=pl.Int64 if kind == "i64" else pl.Int32)
        elif kind == "bool":
            cells = draw(st.lists(st.none() | st.booleans(), min_size=n, max_size=n))
            data[f"c{i}"] = pl.Series(cells, dtype=pl.Boolean)
        elif kind == "datetime":
            cells = draw(st.lists(st.none() | st.integers(0, 10**12), min_size=n, max_size=n))
            data[f"c{i}"] = pl.Series(cells, dtype=pl.Int64).cast(pl.Datetime("us"))
        else:
            cells = draw(st.lists(st.none() | st.sampled_from(["a", "b"]), min_size=n, max_size=n))
            data[f"c{i}"] = pl.Series(cells, dtype=pl.String)
    id_column = None if ids == "none" else "m"
    if id_column is not None:
        keys = draw(st.lists(st.none() | st.integers(0, 3), min_size=n, max_size=n))
        sid = pl.Series(keys, dtype=pl.Int64)
        if ids == "str":
            sid = sid.cast(pl.String)
        elif ids == "cat":
            sid = sid.cast(pl.String).cast(pl.Categorical)
        data["m"] = sid
    rules = [draw(RULES) for _ in range(k)]
    return pl.DataFrame(data), [f"c{i}" for i in range(k)], rules, id_column


@settings(max_examples=400, deadline=None)
@given(tables())
def test_the_bits_of_the_grouped_expressions(case: Any) -> None:
    df, columns, rules, id_column = case
    _check(df, columns, rules, id_column)


def test_edge_cases() -> None:
    """All null, null at an entity's start and end, gaps of exactly the limit and one more, NaN
    (a value) next to null, an entity whose rows interleave with another's."""
    v: list[float | None] = [None, 1.0, None, None, None, 2.0, None, None, None, None, float("nan")]
    v += [None, -0.0, None, None]
    n = len(v)
    df = pl.DataFrame(
        {
            "a": pl.Series(v, dtype=pl.Float64),
            "all": pl.Series([None] * n, dtype=pl.Float64),
            "i": pl.Series([None if x is None else i for i, x in enumerate(v)], dtype=pl.Int64),
            "m": ["A", "B"] * (n // 2) + ["A"] * (n % 2),
        }
    )
    for rule in [(None, None), (3, 3), (3, None), (None, 3), (1, 4), (4, 1)]:
        for id_column in (None, "m"):
            _check(df, ["a", "all", "i"], [rule] * 3, id_column)


def test_no_id_fill_stops_at_max_gap() -> None:
    df = pl.DataFrame({"x": [1.0, None, None, None, 2.0, None, None, None, None, 3.0]})
    to, src = ffill.fill_rows(df["x"].is_null().to_numpy(), ffill.Entities(None, 10), 3, 3)
    assert to.tolist() == [1, 2, 3] and src.tolist() == [0, 0, 0]


def test_recipe_records_and_values_unchanged() -> None:
    """Through ``ops.apply`` (the fused path, now NumPy) and the column-by-column path (the
    expressions): the same table and the same records."""
    rng = np.random.default_rng(3)
    n = 300
    vals = {f"s{j}": rng.normal(0, 1, n) for j in range(4)}
    for j, a in enumerate(vals.values()):
        a[rng.random(n) < 0.2 + 0.1 * j] = np.nan
    df = pl.DataFrame({"t": np.arange(n), "m": rng.choice(["x", "y", "z"], n), **vals})
    df = df.with_columns(pl.col("s0", "s1", "s2", "s3").fill_nan(None)).with_columns(
        pl.col("t").cast(pl.Datetime("us"))
    )
    fill = {"policy": "forward_fill", "limit": 2, "max_gap": 3}
    steps: list[dict[str, Any]] = [
        {"op": "missing", "columns": {c: fill for c in vals}},
    ]
    recipe = model.Recipe.model_validate(
        {"version": 1, "time_column": "t", "id_column": "m", "steps": steps}
    )
    fast = ops.apply(recipe, df.lazy())
    one = [
        ops.apply(
            model.Recipe.model_validate(
                {
                    "version": 1,
                    "time_column": "t",
                    "id_column": "m",
                    "steps": [{"op": "missing", "columns": {c: fill, "t": fill}}],
                }
            ),
            df.lazy(),
        )
        for c in vals
    ]
    assert_frame_equal(
        fast.frame.collect(),
        df.with_columns(o.frame.collect()[c] for o, c in zip(one, vals, strict=True)),
    )
    assert [op["cells_affected"] for op in fast.operations] == [
        o.operations[0]["cells_affected"] for o in one
    ]
