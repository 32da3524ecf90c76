from __future__ import annotations

import numpy as np
import pytest

from mfgdata.modeling.insight import joint_benefit, operating_window, permutation_drivers


@pytest.mark.parametrize("p_defect", [1.0, 0.4])
def test_window_stays_below_70_when_defects_happen_only_above(p_defect: float) -> None:
    rng = np.random.default_rng(5)
    temp = rng.uniform(40, 100, 3000)
    bad = (temp > 70) & (rng.random(3000) < p_defect)
    w = operating_window(temp, bad)
    assert w is not None
    assert w["hi"] <= 70 and w["lo"] == temp.min()
    inside = (temp >= w["lo"]) & (temp <= w["hi"])
    assert w["support"] == int(inside.sum()) and w["support"] > 0.9 * (temp <= 70).sum()
    assert w["bad_in_window"] == 0 and w["rate_in_window"] == 0.0
    assert w["bad_outside"] == int(bad.sum())
    assert w["support"] + w["support_outside"] == 3000


def test_no_window_without_enough_rows() -> None:
    assert operating_window(np.arange(10.0), np.zeros(10, dtype=bool)) is None


def test_drivers_rank_and_direction() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(800, 3))
    y = (X[:, 1] > 0.5).astype(np.int64)  # only column 1 matters; higher → defect

    def predict(Z: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-6 * (Z[:, 1] - 0.5)))
        return np.column_stack([1 - p, p])

    def accuracy(t: np.ndarray, p: np.ndarray) -> float:
        return float(np.mean(p.argmax(axis=1) == t))

    rows = permutation_drivers(predict, accuracy, lambda p: p[:, 1], X, y, ["a", "temp", "c"])
    assert rows[0]["feature"] == "temp" and rows[0]["direction"] == 1
    assert rows[0]["importance"] > 0.2 and abs(rows[1]["importance"]) < 0.02


def test_joint_benefit_counts_rows_inside_all_windows() -> None:
    X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    bad = np.array([False, False, True, True])
    b = joint_benefit(X, ["a", "b"], bad, {"a": {"lo": 1, "hi": 3}, "b": {"lo": 0, "hi": 20}})
    assert b["rows_inside_all_windows"] == 2 and b["bad_rate_inside"] == 0.0
    assert b["bad_rate_overall"] == 0.5 and b["relative_reduction"] == 1.0
