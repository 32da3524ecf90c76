"""Robust column scales shared by the cleaning operations (clean.py) and their fused form
(fused.py); a module of its own so that neither imports the other."""

from __future__ import annotations

import polars as pl

from mfgdata.recipe.state import State

#: MAD → standard deviation of a normal distribution.
MAD_SCALE = 1.4826
#: mean absolute deviation → standard deviation of a normal distribution (sqrt(pi/2)).
MEAN_AD_SCALE = 1.2533


def column_scale(s: State, x: pl.Expr) -> pl.Expr:
    """Robust scale of the whole column (per entity): 1.4826·MAD, or 1.2533·mean absolute
    deviation when MAD is 0 (more than half the values equal, as in quantised sensors)."""
    mad = s.over((x - s.over(x.median())).abs().median())
    mean_ad = s.over((x - s.over(x.mean())).abs().mean())
    return pl.when(mad > 0).then(MAD_SCALE * mad).otherwise(MEAN_AD_SCALE * mean_ad)
