"""A column-wise operation over many columns (planned a batch of columns at a time) gives the same
table and the same records as the column-by-column path, and as the operation written once per
column (issue #12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mfgdata.recipe import fused, model, ops

COLS = [f"tag{i}" for i in range(7)]


def _table() -> pl.DataFrame:
    """Two machines interleaved, 1 s samples, short and long null runs, a few spikes."""
    rng = np.random.default_rng(5)
    n = 240
    data: dict[str, Any] = {
        "t": [dt.datetime(2024, 1, 1) + dt.timedelta(seconds=i // 2) for i in range(n)],
        "m": [f"M{i % 2}" for i in range(n)],
    }
    for j, c in enumerate(COLS):
        v = rng.normal(10 * j, 1 + j, n)
        v[rng.random(n) < 0.03] += 40
        v[rng.random(n) < 0.08] = np.nan
        v[50 + j : 58 + j] = np.nan  # a long gap
        data[c] = v
    return pl.DataFrame(data).with_columns(pl.col(COLS).fill_nan(None))


def _apply(steps: list[dict[str, Any]]) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    recipe = model.Recipe.model_validate(
        {"version": 1, "time_column": "t", "id_column": "m", "steps": steps}
    )
    applied = ops.apply(recipe, _table().lazy())
    return applied.frame.collect(), applied.operations


FILL = {"policy": "forward_fill", "limit": 3, "max_gap": 3}
POLICIES: list[dict[str, Any]] = [
    FILL,
    {"policy": "interpolate", "max_gap": 4},
    {"policy": "constant", "value": 0.0},
]
METHODS: list[dict[str, Any]] = [
    {"name": "hampel", "window": 3, "n_sigmas": 3.0},
    {"name": "iqr", "k": 1.5},
    {"name": "zscore", "threshold": 2.5},
]


@pytest.mark.parametrize("batch_cells", [fused.BATCH_CELLS, 500])  # one batch / several
@pytest.mark.parametrize("action", ["flag", "clip", "null"])
@pytest.mark.parametrize("method", METHODS, ids=lambda m: m["name"])
def test_many_columns_at_once_equal_one_column_at_a_time(
    monkeypatch: pytest.MonkeyPatch, batch_cells: int, action: str, method: dict[str, Any]
) -> None:
    monkeypatch.setattr(fused, "BATCH_CELLS", batch_cells)
    pol = {c: POLICIES[i % 3] for i, c in enumerate(COLS)}
    together = [
        {"op": "missing", "columns": pol},
        {"op": "outliers", "columns": COLS, "method": method, "action": action},
    ]
    apart = [{"op": "missing", "columns": {c: pol[c]}} for c in COLS] + [
        {"op": "outliers", "columns": [c], "method": method, "action": action} for c in COLS
    ]
    got, got_ops = _apply(together)
    with monkeypatch.context() as m:  # the column-by-column path of ``clean``
        m.setattr(fused, "safe", lambda s, columns: False)
        want, want_ops = _apply(apart)
        old, old_ops = _apply(together)
    assert_frame_equal(old, want)
    assert old_ops == got_ops
    assert_frame_equal(got, want)
    assert got.columns[:2] == ["t", "m"] and got.height == 240
    strip = [{k: v for k, v in r.items() if k != "index"} for r in want_ops]
    assert [{k: v for k, v in r.items() if k != "index"} for r in got_ops] == strip
    assert sum(r["cells_affected"] for r in got_ops if r["op"] == "missing") > 0
    assert sum(r.get("outliers", 0) for r in got_ops) > 0
    assert [list(r) for r in got_ops] == [list(r) for r in want_ops]  # field order too
