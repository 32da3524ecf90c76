from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import realdata
from mfgdata.modeling.onnx_export import OnnxModel
from mfgdata.pipeline.results import IngestResult, ModelResult
from mfgdata.pipeline.step import StepResult
from mfgdata.steps.model import FILES, ModelStep
from modeling.synthetic import (
    correlated_tags_frame,
    defect_frame,
    model_context,
    noise_label_frame,
)


def test_writes_model_files_and_data(tmp_path: Path) -> None:
    ctx = model_context(tmp_path)
    res = ModelStep().run(defect_frame().lazy(), ctx)
    assert res.files == FILES
    for rel in FILES:
        assert (ctx.product.root / rel).is_file()
    d = res.data
    assert d["task"] == "classification" and d["target"] == "result"
    assert d["split"]["kind"] == "time_holdout"
    assert set(d["uplift"]) >= {"metric", "model", "baseline", "relative"}
    assert d["uplift"]["model"] > d["uplift"]["baseline"]
    assert d["features"] == ["temp", "pressure", "line"]
    spec = json.loads((ctx.product.root / "model/features.json").read_text(encoding="utf-8"))
    assert spec["columns"]["temp"]["unit_raw"] == "°C"
    metrics = json.loads((ctx.product.root / "model/metrics.json").read_text(encoding="utf-8"))
    assert metrics["uplift"] == d["uplift"] and metrics["baseline"] == "majority_class"
    card = (ctx.product.root / "model/model_card.md").read_text(encoding="utf-8")
    assert "## Limitations / 한계" in card and "balanced_accuracy" in card
    onnx = OnnxModel((ctx.product.root / "model/model.onnx").read_bytes())
    assert onnx.outputs == ["label", "probabilities"]
    assert res.report is not None and (res.report.key, res.report.order) == ("model", 50)
    assert (
        "model-metrics" in res.report.charts and 'data-chart="model-metrics"' in res.report.html_en
    )
    assert metrics["usable"] is True and set(metrics["usable_reason"]) == {"ko", "en"}
    assert "Usable model" in res.report.html_en and "사용 가능한 모델" in res.report.html_ko
    assert "Usable model" in card and res.findings == ()


def test_unusable_model_is_said_so_and_kept_for_inspection(tmp_path: Path) -> None:
    ctx = model_context(tmp_path)
    res = ModelStep().run(noise_label_frame().lazy(), ctx)
    metrics = json.loads((ctx.product.root / "model/metrics.json").read_text(encoding="utf-8"))
    assert metrics["usable"] is False
    assert "baseline" in metrics["usable_reason"]["en"] and metrics["usable_reason"]["ko"]
    assert (ctx.product.root / "model/model.onnx").is_file()  # kept for inspection
    card = (ctx.product.root / "model/model_card.md").read_text(encoding="utf-8")
    assert "No usable model" in card and "사용할 수 있는 모델이 없습니다" in card
    assert res.report is not None
    assert "No usable model" in res.report.html_en and "사용할 수 있는" in res.report.html_ko
    assert [f.code for f in res.findings] == ["model_not_usable"]


def test_anomaly_metrics_carry_the_right_arrows(tmp_path: Path) -> None:
    ctx = model_context(tmp_path, target=None)
    res = ModelStep().run(correlated_tags_frame().lazy(), ctx)
    assert res.report is not None
    html = res.report.html_en
    assert "false_alarm_rate_train ↓" in html and "false_alarm_rate ↓" in html
    assert "detection_rate ↑" in html and "false_alarm_rate_train ↑" not in html


def test_rul_product_on_cmapss(tmp_path: Path) -> None:
    ctx = model_context(tmp_path, target="RUL")
    ctx.results["ingest"] = StepResult(
        step="ingest", data=IngestResult(columns=[], time_column=None)
    )
    frame = pl.read_csv(realdata.cmapss_csv(), separator=";").lazy()
    res = ModelStep().run(frame, ctx)
    card = res.of(ModelResult).card
    assert card["task"] == "rul" and card["split"]["kind"] == "group_holdout"
    assert card["uplift"]["relative"] > 0
    assert res.report is not None and "group: unit_nr" in res.report.html_en


def test_needs_a_frame(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ModelStep().run(None, model_context(tmp_path))


def test_too_small_a_table_is_skipped_with_a_finding(tmp_path: Path) -> None:
    from mfgdata.steps.insight import InsightStep

    ctx = model_context(tmp_path)
    res = ModelStep().run(defect_frame(20).lazy(), ctx)
    assert res.of(ModelResult).skipped and res.files == ()
    assert res.findings[0].code == "model_skipped" and "20 rows" in res.findings[0].message_en
    assert not (ctx.product.root / "model").exists()
    ctx.results["model"] = res
    assert InsightStep().run(defect_frame(20).lazy(), ctx).data == {"skipped": True}
