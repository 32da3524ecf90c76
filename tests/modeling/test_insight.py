from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mfgdata.modeling.clock import time_clock
from mfgdata.modeling.features import FeatureSpec
from mfgdata.modeling.insight import operating_window, permutation_drivers
from mfgdata.modeling.windows import controllable, eligible, measure, newcombe, wilson
from mfgdata.modeling.wording import no_windows


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


def test_intervals_of_rates_and_their_difference() -> None:
    lo, hi = wilson(0, 146) or [0, 0]
    assert lo == 0.0 and 0.02 < hi < 0.03  # 0 of 146 is not "exactly 0 %"
    lo, hi = wilson(50, 100) or [0, 0]
    assert 0.40 < lo < 0.41 and 0.59 < hi < 0.60
    d = newcombe(60, 100, 40, 100) or [0, 0]
    assert 0.05 < d[0] < 0.07 and 0.32 < d[1] < 0.34
    assert wilson(0, 0) is None and newcombe(1, 2, 0, 0) is None


def test_measure_counts_inside_and_outside() -> None:
    inside = np.array([True] * 40 + [False] * 60)
    bad = np.array([False] * 38 + [True] * 2 + [True] * 30 + [False] * 30)
    m = measure(inside, bad)
    assert (m["rows_inside"], m["bad_inside"], m["rows_outside"], m["bad_outside"]) == (
        40,
        2,
        60,
        30,
    )
    assert m["rate_inside"] == 0.05 and m["rate_outside"] == 0.5 and m["confirmed"] is True
    lo, hi = m["relative_reduction_ci95"]
    assert lo < m["relative_reduction"] == 1 - 0.05 / 0.32 < hi


def test_time_to_event_windows_only_on_settings() -> None:
    for name in ("op_setting_1", "XMV_3", "JacketTemperatureSP", "온도설정", "feed_sp"):
        assert controllable(name), name
    for name in ("s_11", "time_cycles", "XMEAS_1", "DryerTemp", "Tin", "wasp"):
        assert not controllable(name), name
    num = {"name": "s_11", "source": "s_11", "kind": "numeric"}
    rolled = {"name": "op_setting_1__mean10", "source": "op_setting_1", "kind": "rolling_mean"}
    assert eligible(num, "regression") and not eligible(num, "rul")
    assert not eligible(rolled, "rul") and not eligible(rolled, "regression")
    assert eligible({"name": "op_setting_1", "source": "op_setting_1", "kind": "numeric"}, "rul")


def test_clock_prints_local_time_with_offset() -> None:
    us = 1_704_067_200_000_000  # 2024-01-01 00:00
    naive = time_clock(pl.Datetime("us"), "Asia/Seoul")
    assert naive(us) == "2024-01-01T00:00:00+09:00"  # the plant's wall clock, in its zone
    aware = time_clock(pl.Datetime("ns", "UTC"), "Asia/Seoul")
    assert aware(us * 1000) == "2024-01-01T09:00:00+09:00"  # the same instant, shown locally
    assert time_clock(pl.Date(), "Asia/Seoul")(19723) == "2024-01-01"
    assert time_clock(pl.Int64(), "Asia/Seoul")(120) == "120"  # a cycle counter stays a count


def test_rul_note_tells_a_missing_setting_from_an_unsupported_one() -> None:
    model = {
        "task": "rul",
        "basis": {"horizon": 30.0},
        "metrics": {
            "model": {"rmse": {"value": 20.0, "ci95": [18.0, 22.0]}},
            "baseline": {"rmse": {"value": 40.0, "ci95": [38.0, 42.0]}},
        },
    }
    sensor = {"name": "s_1", "source": "s_1", "kind": "numeric"}
    setting = {"name": "op_setting_1", "source": "op_setting_1", "kind": "numeric"}
    without = FeatureSpec([sensor], "RUL", "rul", "unit_nr", "cycle")
    with_setting = FeatureSpec([sensor, setting], "RUL", "rul", "unit_nr", "cycle")
    a = no_windows(model, without, False, {"RUL": "h"})
    b = no_windows(model, with_setting, False, {})
    assert "no controllable process setting" in a["text_en"] and "20 h [18, 22 h]" in a["text_en"]
    assert "조정 가능한 공정 설정값이 없습니다" in a["text_ko"]
    assert "no process setting among the inputs has a window" in b["text_en"].lower()
    assert "20 cycles" in b["text_en"] and "20 사이클" in b["text_ko"]
