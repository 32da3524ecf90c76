"""Metric intervals that hold on autocorrelated hold-outs (a row bootstrap of time-ordered test
rows was too narrow: the model card said so and left it). Rows of one machine or one stretch of
time are not independent, so the bootstrap resamples what is: whole entities when the test rows
hold enough of them, blocks of consecutive rows (Politis-White length) when they are a time
series, rows otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from mfgdata.modeling import metrics as M


def _ar1(n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    e = rng.normal(0.0, 1.0, n)
    x = np.empty(n)
    x[0] = e[0] / np.sqrt(1 - phi**2)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    return x * np.sqrt(1 - phi**2)  # unit variance


def _coverage(order: np.ndarray | None, phi: float, reps: int = 60) -> float:
    """Share of 95 % intervals of the model's MAE that hold the true expected MAE (sqrt(2/pi)
    for unit-variance normal errors)."""
    rng = np.random.default_rng(11)
    truth = np.sqrt(2 / np.pi)
    hits = 0
    for r in range(reps):
        err = _ar1(600, phi, rng)
        y = np.zeros(600)
        out = M.evaluate("regression", y, err, np.zeros(600) + 5.0, seed=r, order=order)
        lo, hi = out["model"]["mae"]["ci95"]
        hits += lo <= truth <= hi
    return hits / reps


def test_time_ordered_rows_get_block_intervals_that_cover() -> None:
    order = np.arange(600)  # the test rows in time order
    assert _coverage(order, phi=0.9) >= 0.8
    assert _coverage(None, phi=0.9) < 0.6  # what the row bootstrap gave: far below 95 %


def test_independent_rows_keep_the_row_bootstrap() -> None:
    out = M.evaluate(
        "regression", np.zeros(300), np.random.default_rng(1).normal(size=300), np.ones(300), seed=0
    )
    assert out["interval"] == {"method": "rows", "units": 300}


def test_entities_are_resampled_whole_when_there_are_enough() -> None:
    rng = np.random.default_rng(2)
    groups = np.repeat(np.arange(20), 30)
    level = rng.normal(0, 1, 20)[groups]  # each machine's own offset: rows of one are alike
    pred = level + rng.normal(0, 0.1, 600)
    out = M.evaluate(
        "regression",
        np.zeros(600),
        pred,
        np.zeros(600) + 3,
        seed=0,
        groups=groups,
        order=np.arange(600),
    )
    assert out["interval"]["method"] == "groups" and out["interval"]["units"] == 20
    rows = M.evaluate("regression", np.zeros(600), pred, np.zeros(600) + 3, seed=0)
    width = np.diff(out["model"]["mae"]["ci95"])[0]
    assert width > 3 * np.diff(rows["model"]["mae"]["ci95"])[0]


def test_few_entities_fall_back_to_time_blocks() -> None:
    groups = np.repeat(np.arange(2), 300)  # two machines: too few to resample
    err = _ar1(600, 0.9, np.random.default_rng(4))
    out = M.evaluate(
        "regression", np.zeros(600), err, np.ones(600), seed=0, groups=groups, order=np.arange(600)
    )
    assert out["interval"]["method"] == "blocks"
    assert 5 <= out["interval"]["block_rows"] <= 120


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.95])
def test_block_length_grows_with_autocorrelation(phi: float) -> None:
    x = _ar1(2000, phi, np.random.default_rng(5))
    b = M.block_length(x)
    assert 1 <= b <= 2000 // 3
    if phi == 0.0:
        assert b <= 4
    if phi == 0.95:
        assert b >= 20
