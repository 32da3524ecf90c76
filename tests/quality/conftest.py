from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

N = 1000
T0 = datetime(2024, 1, 1)


def clean_table(n: int = N) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    i = np.arange(n)
    good = rng.integers(50, 60, n)
    defect = rng.integers(0, 3, n)
    return pl.DataFrame(
        {
            "ts": [T0 + timedelta(seconds=int(k)) for k in i],
            "temp": 20 + 5 * np.sin(i / 40) + rng.normal(0, 0.05, n),
            "pres": 1 + 0.2 * np.cos(i / 30) + rng.normal(0, 0.01, n),
            "good": good,
            "defect": defect,
            "total": good + defect,
        }
    ).with_columns(pl.col("ts").cast(pl.Datetime("us")))


@pytest.fixture
def clean() -> pl.DataFrame:
    return clean_table()
