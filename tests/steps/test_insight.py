from __future__ import annotations

import json
from pathlib import Path

import pytest

from mfgdata.pipeline.results import ModelResult
from mfgdata.steps.insight import InsightStep
from mfgdata.steps.model import ModelStep
from modeling.synthetic import (
    correlated_tags_frame,
    defect_frame,
    model_context,
    noise_label_frame,
)


def test_insights_find_the_safe_temperature_window(tmp_path: Path) -> None:
    ctx = model_context(tmp_path)
    frame = defect_frame().lazy()
    ctx.results["model"] = ModelStep().run(frame, ctx)
    res = InsightStep().run(frame, ctx)
    ins = json.loads((ctx.product.root / "insights.json").read_text(encoding="utf-8"))
    assert ins == json.loads(json.dumps(res.data))
    assert ins["drivers"][0]["feature"] == "temp" and ins["drivers"][0]["direction"] == 1
    w = ins["operating_windows"]["temp"]
    temp = defect_frame()["temp"][-300:]  # the held-out rows of the time holdout
    assert w["hi"] <= 70 and w["held_out"]["bad_inside"] == 0
    assert w["held_out"]["rows_inside"] == int(((temp >= w["lo"]) & (temp <= w["hi"])).sum())
    assert "temp" in w["text_ko"] and "범위" in w["text_ko"] and "rows" in w["text_en"]
    ben = ins["expected_benefit"]
    assert ben["rate_inside"] == 0.0 and ben["rate_overall"] > 0.4
    assert ins["bad_outcome"]["definition"]["bad_classes"] == ["NG"]
    assert res.report is not None and (res.report.key, res.report.order) == ("insight", 55)
    assert set(res.report.charts) == {"insight-drivers", "insight-windows"}


def test_monitoring_product_gets_alarm_thresholds(tmp_path: Path) -> None:
    ctx = model_context(tmp_path, target=None)
    frame = correlated_tags_frame().lazy()
    ctx.results["model"] = ModelStep().run(frame, ctx)
    assert ctx.results["model"].of(ModelResult).usable is True
    ins = InsightStep().run(frame, ctx).data
    a = ins["alarm_thresholds"]
    assert a["t2_limit"] > 0 and a["spe_limit"] > 0 and a["alpha"] == 0.01
    assert set(a["tag_limits"]) <= {f"태그{i:02d}" for i in range(12)}
    assert ins["expected_benefit"]["false_alarm_rate_train"] < 0.05


@pytest.mark.parametrize("target", ["result", None])
def test_no_insight_from_a_model_that_does_not_beat_its_baseline(
    tmp_path: Path, target: str | None
) -> None:
    # a label unrelated to the sensors; a monitor of independent tags that per-tag limits beat
    frame = noise_label_frame() if target else defect_frame().drop("result")
    ctx = model_context(tmp_path, target=target)
    ctx.results["model"] = ModelStep().run(frame.lazy(), ctx)
    assert ctx.results["model"].of(ModelResult).usable is False
    res = InsightStep().run(frame.lazy(), ctx)
    assert res.data["skipped"] is True and res.files == ()
    assert not (ctx.product.root / "insights.json").exists()
    assert "no usage insights" in res.data["reason_en"] and "인사이트" in res.data["reason_ko"]
    assert [f.code for f in res.findings] == ["insight_skipped_no_usable_model"]
    assert res.report is not None and "no usage insights" in res.report.html_en
    assert not {"drivers", "operating_windows", "alarm_thresholds"} & set(res.data)


def test_needs_the_model_result(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        InsightStep().run(defect_frame().lazy(), model_context(tmp_path))
