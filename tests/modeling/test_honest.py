"""Honest evaluation (issue 11): exact twins never straddle the split, a test part that cannot
measure the task is not scored, and a model that does not beat its baseline is not usable."""

from __future__ import annotations

import numpy as np
import polars as pl

from mfgdata.modeling.card import render_card
from mfgdata.modeling.features import build_features
from mfgdata.modeling.fit import fit_model, plan_split
from mfgdata.modeling.tasks import detect_task

from .synthetic import (
    correlated_tags_frame,
    defect_frame,
    fixed_line_frame,
    noise_label_frame,
    twin_export_frame,
)


def _ba(data: dict, who: str = "model") -> float:  # type: ignore[type-arg]
    return float(data["metrics"][who]["balanced_accuracy"]["value"])


def test_duplicated_export_twins_never_straddle_the_split() -> None:
    df = twin_export_frame()
    half = df.height // 2  # row i and row i + half are exact twins
    fm = build_features(df.lazy(), detect_task(df.lazy(), "판정"))
    plan = plan_split(fm, "classification")
    for train, test in plan.folds:
        twin_of_test = np.where(test < half, test + half, test - half)
        assert not np.isin(twin_of_test, train).any()
    assert len(plan.folds[0][1]) >= 0.2 * df.height  # still a real test set


def test_duplicated_export_scores_as_the_distinct_rows() -> None:
    twins = fit_model(twin_export_frame().lazy(), "판정").data
    distinct = fit_model(twin_export_frame().head(600).lazy(), "판정").data
    # a random row split put most test rows' twins in training: 0.885 against 0.631
    assert _ba(twins) < _ba(distinct) + 0.08
    assert twins["duplicate_rows"] == 600 and distinct["duplicate_rows"] == 0
    assert "duplicate" in twins["split"]["reason_en"] and "중복" in twins["split"]["reason_ko"]


def test_time_split_whose_tail_is_one_class_is_not_scored_as_one() -> None:
    d = fit_model(fixed_line_frame().lazy(), "result").data
    assert d["split"]["kind"] != "time_holdout"
    assert d["split"]["instead_of"] == "time_holdout"
    assert "one class" in d["split"]["reason_en"] and "한 가지 클래스" in d["split"]["reason_ko"]
    assert d["measurable"] and _ba(d, "baseline") < 0.6  # measured on rows with both classes
    # the fix changed what temp means for defects: honest blocks score it below the fake 1.0
    assert 0.6 < _ba(d) < 0.99 and d["usable"] is True


def test_too_few_defects_to_measure_reports_not_measurable() -> None:
    d = fit_model(fixed_line_frame(defects=3).lazy(), "result").data
    assert d["measurable"] is False and d["usable"] is False
    m = d["metrics"]
    assert m["measurable"] is False and m["model"] == {} and m["baseline"] == {}
    assert d["uplift"] is None
    assert "측정" in d["usable_reason"]["ko"] and "cannot measure" in d["usable_reason"]["en"]
    card = render_card(d)
    assert "Not measurable" in card and "No usable model" in card and "1 (" not in card


def test_classifier_no_better_than_majority_is_not_usable() -> None:
    d = fit_model(noise_label_frame().lazy(), "result").data
    lo, hi = d["metrics"]["difference"]["balanced_accuracy"]["ci95"]
    assert lo <= 0 <= hi + 1e-9
    assert d["usable"] is False
    assert "baseline" in d["usable_reason"]["en"] and "기준" in d["usable_reason"]["ko"]
    assert "No usable model" in render_card(d) and "사용할 수 있는 모델이 없습니다" in render_card(
        d
    )


def test_learnable_defect_table_is_usable() -> None:
    d = fit_model(defect_frame().lazy(), "result").data
    assert d["usable"] is True and d["measurable"] is True
    assert d["metrics"]["difference"]["balanced_accuracy"]["ci95"][0] > 0
    assert "excludes 0" in d["usable_reason"]["en"]


def test_monitor_worse_than_per_tag_limits_is_not_usable() -> None:
    # independent tags: one-tag shifts are what per-tag limits see best; PCA detects fewer
    d = fit_model(defect_frame().drop("result").lazy(), None).data
    det = d["metrics"]
    assert det["model"]["detection_rate"]["value"] < det["baseline"]["detection_rate"]["value"]
    assert d["usable"] is False and "per-tag" in d["usable_reason"]["en"]


def test_monitor_alarming_on_the_held_out_window_is_not_usable() -> None:
    d = fit_model(correlated_tags_frame(drift=3.0).lazy(), None).data
    assert d["metrics"]["model"]["false_alarm_rate"]["value"] > 0.1
    assert d["usable"] is False and "false-alarm" in d["usable_reason"]["en"]
    assert "오경보율" in d["usable_reason"]["ko"]
    assert "nan" not in render_card(d).lower()


def test_monitor_of_correlated_tags_is_usable_and_arrows_are_right() -> None:
    d = fit_model(correlated_tags_frame().lazy(), None).data
    assert d["usable"] is True, d["usable_reason"]
    card = render_card(d)
    assert "false_alarm_rate_train ↓" in card and "false_alarm_rate ↓" in card
    assert "detection_rate ↑" in card


def test_lower_is_better_metrics_point_down() -> None:
    from mfgdata.modeling.metrics import arrow, higher_is_better

    for name in ("false_alarm_rate_train", "false_alarm_rate", "mae", "rmse", "nasa_score"):
        assert arrow(name) == "↓" and not higher_is_better(name)
    for name in ("balanced_accuracy", "pr_auc", "r2", "detection_rate"):
        assert arrow(name) == "↑"


def test_twins_differing_only_in_outlier_flags_are_still_twins() -> None:
    df = twin_export_frame(n=400)
    flags = np.zeros(df.height, dtype=bool)
    flags[400:] = True  # the build flagged the second copy differently
    df = df.with_columns(pl.Series("센서0__outlier", flags))
    fm = build_features(df.lazy(), detect_task(df.lazy(), "판정"))
    assert "센서0__outlier" not in fm.spec.names  # a flag is never a model input
    assert "flags.parquet" in fm.excluded["센서0__outlier"]
    for train, test in plan_split(fm, "classification").folds:
        twin_of_test = np.where(test < 400, test + 400, test - 400)
        assert not np.isin(twin_of_test, train).any()
