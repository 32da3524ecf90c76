"""The batched robust scale (scale.column_scales) gives the bits of the expression it replaces."""

from __future__ import annotations

import numpy as np
import polars as pl

from mfgdata.recipe.scale import MAD_SCALE, MEAN_AD_SCALE, SIGMA, column_scales


def _expected(df: pl.DataFrame, cols: list[str], id_column: str | None) -> pl.DataFrame:
    def over(e: pl.Expr) -> pl.Expr:
        return e if id_column is None else e.over(id_column)

    out = []
    for i, c in enumerate(cols):
        x = pl.col(c).cast(pl.Float64)
        mad = over((x - over(x.median())).abs().median())
        mean_ad = over((x - over(x.mean())).abs().mean())
        out.append(
            pl.when(mad > 0)
            .then(MAD_SCALE * mad)
            .otherwise(MEAN_AD_SCALE * mean_ad)
            .alias(f"{SIGMA}{i}")
        )
    return df.with_columns(out).select(f"{SIGMA}{i}" for i in range(len(cols)))  # broadcast


def _table() -> pl.DataFrame:
    rng = np.random.default_rng(5)
    n = 4_001  # ~600 entities of odd and even sizes: the even ones interpolate two middle values
    ids = [f"m{k % 600}" for k in rng.permutation(n)]  # 6 or 7 rows each
    ids[:3] = [None, None, None]
    noisy = rng.normal(0, 1, n) * 10.0 ** rng.integers(-3, 5, n)
    noisy[[10, 20, 30]] = np.nan  # missing values, but every MAD > 0: the NumPy path
    stuck = np.round(rng.random(n) * 0.6)  # most values 0: a MAD of 0 -> mean absolute deviation
    with_nan = rng.normal(50, 5, n)
    with_nan[7] = np.nan
    empty_b = rng.normal(50, 5, n)
    empty_b[np.array(ids) == ids[3]] = np.nan  # one entity without any value
    return pl.DataFrame(
        {"id": ids, "noisy": noisy, "stuck": stuck, "nan": with_nan, "empty_b": empty_b}
    ).with_columns(
        pl.col("noisy", "empty_b").fill_nan(None),
        pl.col("stuck").cast(pl.Int32),
    )


def test_the_same_bits_as_the_expression_per_entity_and_without() -> None:
    df = _table()
    cols = ["noisy", "stuck", "nan", "empty_b"]
    xs = [pl.col(c).cast(pl.Float64) for c in cols]
    for id_column in ("id", None):
        got = df.lazy().select(column_scales(xs, id_column).alias("s")).unnest("s").collect()
        want = _expected(df, cols, id_column)
        assert got.equals(want), id_column
        assert got["sigma0"].n_unique() > (500 if id_column else 0)
