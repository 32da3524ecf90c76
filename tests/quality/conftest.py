from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

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


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local Spark session (two threads, no UI): the second engine of the parity tests.

    Skipped with a reason when pyspark or Java is missing outside CI; in CI (CI=true) it fails."""
    import os
    import shutil

    missing = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing = "pyspark is not installed"
    if missing is None and shutil.which("java") is None:
        missing = "java is not on PATH (Spark needs Java 17)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    # the process's one session, as the engine makes it (tests/engine/conftest.py): its executors
    # run this interpreter. A session of its own (executors on the default ``python3``, then
    # stopped) left the next Spark test of the worker process without polars in its executors.
    from mfgdata.engine.session import get_session

    yield get_session("local[2]")
