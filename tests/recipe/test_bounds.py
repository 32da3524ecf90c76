"""The Hampel bounds from one pass (recipe/bounds.py) are the bits of the expressions they
replaced in ``fused._bounds`` (kept here as the reference): window statistics and robust scale
as two struct passes, then ``max_horizontal`` and ``median -/+ n sigma`` (issue 12)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.recipe import bounds, hampel
from mfgdata.recipe.scale import MAD_SCALE, SIGMA, column_scales


def reference(xs: list[pl.Expr], id_column: str | None, w: int, n: float) -> list[pl.Expr]:
    """``fused._bounds``' Hampel plan before issue 12's change, as expressions on a frame."""
    hw = hampel.windows_expr(xs, id_column, w)
    sc = column_scales(xs, id_column)
    out = []
    for i in range(len(xs)):
        med = hw.struct.field(f"{hampel.MED}{i}")
        sig = pl.max_horizontal(
            MAD_SCALE * hw.struct.field(f"{hampel.MAD}{i}"), sc.struct.field(f"{SIGMA}{i}")
        )
        out += [(med - n * sig).alias(f"low{i}"), (med + n * sig).alias(f"high{i}")]
    return out


def _bits(df: pl.DataFrame) -> list[Any]:
    return [
        (s.is_null().to_list(), s.fill_null(0.0).to_numpy().view(np.uint64).tolist())
        for s in df.iter_columns()
    ]


def _check(df: pl.DataFrame, cols: list[str], id_column: str | None, w: int, n: float) -> None:
    xs = [pl.col(c).cast(pl.Float64) for c in cols]
    want = df.lazy().select(reference(xs, id_column, w, n)).collect()
    got = df.lazy().select(bounds.hampel_bounds(xs, id_column, w, n).alias("b")).unnest("b")
    got_df = got.collect()
    assert got_df.columns == want.columns
    assert _bits(got_df) == _bits(want)


VALUES = st.one_of(
    st.none(),
    st.floats(-100, 100, allow_nan=False, width=64),
    st.sampled_from([0.0, -0.0, 1.0, 1.0, 1.0, 1e308, -1e308]),
)
SPECIAL = st.sampled_from([float("nan"), float("inf"), float("-inf")])


@st.composite
def tables(draw: st.DrawFn) -> tuple[pl.DataFrame, list[str], str | None, int, float]:
    size = draw(st.integers(0, 50))
    k = draw(st.integers(1, 3))
    data: dict[str, pl.Series] = {}
    for i in range(k):
        kind = draw(st.sampled_from(["float", "special", "int", "stuck", "null"]))
        if kind == "int":
            cells = draw(st.lists(st.none() | st.integers(-3, 3), min_size=size, max_size=size))
            data[f"c{i}"] = pl.Series(cells, dtype=pl.Int64)
            continue
        value = {"float": VALUES, "special": VALUES | SPECIAL, "null": st.none()}.get(
            kind, st.none() | st.sampled_from([2.0, 2.0, 2.0, 3.0])
        )
        cells = draw(st.lists(value, min_size=size, max_size=size))
        data[f"c{i}"] = pl.Series(cells, dtype=pl.Float64)
    id_kind = draw(st.sampled_from(["none", "str", "int"]))
    id_column = None if id_kind == "none" else "m"
    if id_column is not None:
        keys = draw(st.lists(st.none() | st.integers(0, 3), min_size=size, max_size=size))
        ids = pl.Series(keys, dtype=pl.Int64)
        data["m"] = ids.cast(pl.String) if id_kind == "str" else ids
    w = draw(st.integers(1, 4))
    n = draw(st.sampled_from([3.0, 2.5, 0.0]))
    return pl.DataFrame(data), [f"c{i}" for i in range(k)], id_column, w, n


@settings(max_examples=300, deadline=None)
@given(tables())
def test_the_bits_of_the_expressions(case: Any) -> None:
    _check(*case)


def test_a_larger_table_every_path() -> None:
    """Entities of odd and even sizes, null runs longer than a window, an entity without values,
    a quantised column (MAD 0), NaN and infinity, an integer column."""
    rng = np.random.default_rng(11)
    size = 3_000
    ids = rng.choice(["a", "b", "c", "d"], size).tolist()
    ids[:5] = [None] * 5
    normal = rng.normal(50, 5, size)
    normal[rng.random(size) < 0.05] = np.nan
    normal[100:120] = np.nan
    empty = rng.normal(0, 1, size)
    empty[np.array(ids) == "c"] = np.nan
    stuck = np.round(rng.random(size) * 0.6)
    special = rng.normal(0, 1, size)
    special[[3, 50]] = [np.inf, np.nan]
    df = pl.DataFrame(
        {
            "m": ids,
            "normal": normal,
            "empty": empty,
            "stuck": stuck,
            "special": special,
            "int": rng.integers(0, 100, size),
        }
    ).with_columns(pl.col("normal", "empty").fill_nan(None))
    cols = ["normal", "empty", "stuck", "special", "int"]
    for id_column in ("m", None):
        for w in (1, 3, 8):
            _check(df, cols, id_column, w, 3.0)
