from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from mfgdata.modeling import features
from mfgdata.modeling.features import build_features, transform
from mfgdata.modeling.tasks import detect_task


def _frame(n: int = 400) -> pl.LazyFrame:
    rng = np.random.default_rng(0)
    temp = rng.normal(60, 5, n)
    y = 2 * temp + rng.normal(0, 1, n)
    return pl.LazyFrame(
        {
            "id": np.arange(n),
            "time": pl.datetime_range(
                pl.datetime(2024, 1, 1),
                pl.datetime(2024, 1, 1) + pl.duration(minutes=n - 1),
                "1m",
                eager=True,
            ),
            "lot": [f"L{i // 40}" for i in range(n)],
            "line": ["A" if i % 3 else "B" for i in range(n)],
            "temp": temp,
            "y_scaled": y * 1000.0,
            "const": [1.0] * n,
            "y": y,
        }
    )


def test_excludes_ids_time_target_and_target_derived_columns() -> None:
    lf = _frame()
    fm = build_features(lf, detect_task(lf, "y"))
    assert fm.spec.names == ["line", "temp"]
    assert fm.excluded == {
        "id": "identifier",
        "time": "time",
        "lot": "group id",
        "y": "target",
        "y_scaled": "derived from the target (name)",
        "const": "constant",
    }
    assert fm.groups is not None and fm.time is not None
    assert fm.spec.features[0]["categories"] == ["A", "B"]


def test_correlated_copy_of_the_target_is_left_out() -> None:
    lf = _frame().rename({"y_scaled": "quality_copy"})
    fm = build_features(lf, detect_task(lf, "y"))
    assert fm.excluded["quality_copy"].startswith("derived from the target (|r|")


def test_sampling_is_deterministic_and_recorded() -> None:
    lf = _frame(1000)
    task = detect_task(lf, "y")
    a, b = build_features(lf, task, max_rows=300), build_features(lf, task, max_rows=300)
    assert a.sampling == {
        "rows_total": 1000,
        "rows_used": 250,
        "every_kth_row": 4,
        "method": "systematic: every k-th row in time order",
    }
    assert np.array_equal(a.X, b.X)


def test_transform_of_new_data_matches_and_unknown_category_is_missing() -> None:
    lf = _frame()
    fm = build_features(lf, detect_task(lf, "y"))
    X = transform(lf, fm.spec)
    np.testing.assert_array_equal(X, fm.X)
    new = pl.DataFrame({"line": ["C"], "temp": [61.0]})
    row = transform(new, fm.spec)[0]
    assert np.isnan(row[0]) and row[1] == 61.0


def test_statistics_in_column_batches_choose_the_same_features(monkeypatch: Any) -> None:
    """A wide table's feature statistics run a few columns per query (issue 13): same choice."""
    lf = _frame().with_columns(step=pl.int_range(pl.len()), few=pl.int_range(pl.len()) % 2)
    task = detect_task(lf, "y")
    whole = build_features(lf, task)
    monkeypatch.setattr(features, "STATS_COLUMNS", 2)
    batched = build_features(lf, task)
    assert batched.spec.features == whole.spec.features
    assert batched.excluded == whole.excluded
    assert whole.excluded["const"] == "constant" and "few" in whole.spec.names
    np.testing.assert_array_equal(batched.X, whole.X)
