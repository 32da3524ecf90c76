"""Real data: every model beats its naive baseline honestly; shuffled labels score at baseline."""

from __future__ import annotations

import numpy as np
import polars as pl

from mfgdata.modeling.fit import Fitted, fit_model
from mfgdata.modeling.onnx_export import OnnxModel
from mfgdata.modeling.train import predict

from .conftest import CONCRETE_TARGET


def _m(f: Fitted, who: str, metric: str) -> dict[str, float]:
    m: dict[str, float] = f.data["metrics"][who][metric]
    return m


def test_tep_classification_beats_majority_on_a_time_split(tep_fit: Fitted) -> None:
    d = tep_fit.data
    assert d["task"] == "classification" and d["split"]["kind"] == "time_holdout"
    assert d["baseline"] == "majority_class"
    for metric in ("balanced_accuracy", "f1_macro"):
        assert _m(tep_fit, "model", metric)["ci95"][0] > _m(tep_fit, "baseline", metric)["ci95"][1]
    assert d["uplift"]["metric"] == "balanced_accuracy" and d["uplift"]["significant"]
    assert "run" not in d["features"] and "time" not in d["features"]
    assert d["sampling"] == {
        "rows_total": 5760,
        "rows_used": 1920,
        "every_kth_row": 3,
        "method": "systematic: every k-th row in time order",
    }


def test_tep_shuffled_labels_score_at_baseline(tep: pl.LazyFrame) -> None:
    shuffled = tep.with_columns(pl.col("fault").shuffle(seed=7))
    f = fit_model(shuffled, "fault", max_rows=1500)
    model, base = _m(f, "model", "balanced_accuracy"), _m(f, "baseline", "balanced_accuracy")
    assert model["ci95"][0] <= base["value"] + 0.02
    assert abs(model["value"] - base["value"]) < 0.05
    assert not f.data["uplift"]["significant"]


def test_concrete_regression_beats_mean(concrete_fit: Fitted) -> None:
    d = concrete_fit.data
    assert d["task"] == "regression" and d["baseline"] == "mean"
    assert (
        _m(concrete_fit, "model", "mae")["ci95"][1] < _m(concrete_fit, "baseline", "mae")["ci95"][0]
    )
    assert d["uplift"]["relative"] > 0.3


def test_concrete_shuffled_target_scores_at_baseline(concrete: pl.LazyFrame) -> None:
    f = fit_model(concrete.with_columns(pl.col(CONCRETE_TARGET).shuffle(seed=1)), CONCRETE_TARGET)
    lo, _ = f.data["metrics"]["difference"]["mae"]["ci95"]
    assert _m(f, "model", "mae")["value"] >= _m(f, "baseline", "mae")["value"] * 0.95
    assert lo <= 0.5 and not f.data["uplift"]["significant"]


def test_cmapss_rul_beats_mean_rul_per_cycle_on_unseen_units(cmapss_fit: Fitted) -> None:
    d = cmapss_fit.data
    assert d["task"] == "rul" and d["baseline"] == "mean_rul_per_cycle"
    assert d["split"]["kind"] == "group_holdout"
    assert "RUL" not in d["features"] and "unit_nr" not in d["features"]
    test_units = {int(u) for u in d["split"]["test_groups"]}
    groups = cmapss_fit.fm.groups
    assert groups is not None
    assert 0 < len(test_units) < len(set(groups.tolist()))
    assert d["uplift"]["metric"] == "rmse" and d["uplift"]["significant"]
    assert (
        _m(cmapss_fit, "model", "nasa_score")["value"]
        < _m(cmapss_fit, "baseline", "nasa_score")["value"]
    )


def test_refinery_monitor_false_alarms_near_nominal(refinery_fit: Fitted) -> None:
    d = refinery_fit.data
    assert d["task"] == "anomaly" and d["family"] == "pca_t2_spe"
    far = _m(refinery_fit, "model", "false_alarm_rate_train")["value"]
    assert 0.003 <= far <= 0.025  # alpha = 1%, two statistics
    assert d["basis"]["t2_limit"] > 0 and d["basis"]["spe_limit"] > 0
    assert d["metrics"]["isolation_forest"]["false_alarm_rate_train"] <= 0.02


def test_onnx_equals_the_trained_model(
    tep_fit: Fitted, concrete_fit: Fitted, refinery_fit: Fitted
) -> None:
    for f, atol in ((tep_fit, 1e-4), (concrete_fit, 1e-3)):
        X = f.fm.X[:500]
        want = predict(f.model, X, f.data["task"], len(f.fm.spec.classes))
        got = OnnxModel(f.onnx).predict(X, f.data["task"])
        np.testing.assert_allclose(got, want, atol=atol, rtol=1e-4)
    X = refinery_fit.fm.X[:500]
    t2, spe = refinery_fit.model.scores(X)
    got = OnnxModel(refinery_fit.onnx).predict(X, "anomaly")
    np.testing.assert_allclose(got, np.column_stack([t2, spe]), rtol=1e-3, atol=1e-3)


def test_same_data_same_model(concrete: pl.LazyFrame, concrete_fit: Fitted) -> None:
    again = fit_model(concrete, CONCRETE_TARGET)
    assert again.data["metrics"] == concrete_fit.data["metrics"]
    assert again.onnx == concrete_fit.onnx
