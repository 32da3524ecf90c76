"""The NumPy Hampel window statistics equal the Polars list path bit for bit (issue 12)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mfgdata.recipe import hampel


def _frame(n: int, ids: int | None, null_every: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    df = pl.DataFrame({"x": rng.normal(50, 5, n).round(1)})  # rounded: ties, equal values
    df = df.with_columns(
        pl.when(pl.int_range(pl.len()) % null_every == 0)
        .then(None)
        .otherwise(pl.col("x"))
        .alias("x")
    )
    if ids:
        names = pl.Series(rng.choice([f"M{i}" for i in range(ids)], n))
        df = df.with_columns(
            id=pl.when(pl.int_range(pl.len()) % 17 == 0).then(None).otherwise(names)
        )
    return df


def _both(df: pl.DataFrame, w: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    s = df.select(pl.struct(df.columns).alias("h")).to_series()
    ours = hampel._batch(s, w, 1).struct.unnest()
    ours = ours.rename({f"{hampel.MED}0": hampel.MED, f"{hampel.MAD}0": hampel.MAD})
    return ours, hampel._lists(df, w, "h").struct.unnest()


@pytest.mark.parametrize(
    ("n", "w", "ids", "null_every"),
    [
        (5000, 3, 4, 13),
        (3000, 2, None, 7),
        (400, 5, 7, 2),  # half the values missing: even counts, empty windows
        (300, 9, 3, 3),  # 19-value windows: the np.sort path
        (200_000, 3, 2, 10**9),  # one null: chunks of full windows (the fast path)
        (300_000, 3, 4, 997),  # sparse nulls in every chunk: full windows, short ones redone
        (1, 3, None, 5),
        (0, 3, 2, 5),
    ],
)
def test_numpy_path_equals_list_path(n: int, w: int, ids: int | None, null_every: int) -> None:
    ours, lists = _both(_frame(n, ids, null_every, seed=n + w), w)
    for c in (hampel.MED, hampel.MAD):
        assert ours[c].equals(lists[c], null_equal=True), c


def test_integer_ids_equal_the_list_path() -> None:
    df = _frame(150_000, None, 211, seed=5).with_columns(
        id=pl.when(pl.int_range(pl.len()) % 19 == 0)
        .then(None)
        .otherwise(pl.int_range(pl.len()) % 3)
    )
    ours, lists = _both(df, 3)
    for c in (hampel.MED, hampel.MAD):
        assert ours[c].equals(lists[c], null_equal=True), c


def test_nan_and_infinity_keep_the_list_path() -> None:
    df = pl.DataFrame({"x": [1.0, float("nan"), 3.0, float("inf"), 2.0, 2.5, None, 4.0]})
    ours, lists = _both(df, 2)
    for c in (hampel.MED, hampel.MAD):
        assert ours[c].equals(lists[c], null_equal=True), c


def test_window_expr_per_entity_in_a_lazy_plan() -> None:
    df = pl.DataFrame(
        {"x": [1.0, 100.0, 2.0, 3.0, 1.0, 2.0, 50.0, 2.0], "id": ["a", "b"] * 4}
    )  # each entity's own rows: a = 1, 2, 1, 50 ; b = 100, 3, 2, 2
    out = df.lazy().select(hampel.window_expr(pl.col("x"), "id", 1).alias("h")).collect()
    med = out.unnest("h")[hampel.MED].to_list()
    assert med == [1.5, 51.5, 1.0, 3.0, 2.0, 2.0, 25.5, 2.0]


def test_several_columns_in_one_call_equal_each_column_alone() -> None:
    """One call for a batch of columns (the entity layout shared): each column's statistics are
    its own list path's, a column holding NaN among them included."""
    base = _frame(120_000, 4, 31, seed=9)
    rng = np.random.default_rng(2)
    df = pl.DataFrame(
        {
            "a": base["x"],
            "b": pl.Series(rng.normal(0, 1, base.height).round(2)),
            "c": base["x"].fill_null(float("nan")),  # NaN: that column keeps the list path
            "id": base["id"],
        }
    )
    expr = hampel.windows_expr([pl.col("a"), pl.col("b"), pl.col("c")], "id", 3)
    ours = df.lazy().select(expr.alias("h")).collect().unnest("h")
    for i, c in enumerate("abc"):
        alone = hampel._lists(df.select(x=pl.col(c), id="id"), 3, "h").struct.unnest()
        for m in (hampel.MED, hampel.MAD):
            assert ours[f"{m}{i}"].equals(alone[m], null_equal=True), (c, m)


@pytest.mark.parametrize("k", [3, 5, 7, 9, 15])
def test_the_middle_of_the_network_is_the_full_sort_s_middle(k: int) -> None:
    """Only the comparators the middle value depends on run; its bits are the full network's
    (ties, +inf for missing values and signed zeros included)."""
    rng = np.random.default_rng(k)
    values = np.array([-0.0, 0.0, 1.0, -1.0, 2.5, np.inf])
    cols = [rng.choice(values, 20_000) for _ in range(k)]
    full = [c.copy() for c in cols]
    hampel._sort_columns(full)
    got, middle = hampel._middle([c.copy() for c in cols]), full[k // 2]
    assert np.array_equal(got, middle) and np.array_equal(np.signbit(got), np.signbit(middle))
