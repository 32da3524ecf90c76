from __future__ import annotations

import json
from pathlib import Path

import pytest

from mfgdata.steps.insight import InsightStep
from mfgdata.steps.model import ModelStep
from modeling.synthetic import defect_frame, model_context


def test_insights_find_the_safe_temperature_window(tmp_path: Path) -> None:
    ctx = model_context(tmp_path)
    frame = defect_frame().lazy()
    ctx.results["model"] = ModelStep().run(frame, ctx)
    res = InsightStep().run(frame, ctx)
    ins = json.loads((ctx.product.root / "insights.json").read_text(encoding="utf-8"))
    assert ins == json.loads(json.dumps(res.data))
    assert ins["drivers"][0]["feature"] == "temp" and ins["drivers"][0]["direction"] == 1
    w = ins["operating_windows"]["temp"]
    temp = defect_frame()["temp"]
    assert w["hi"] <= 70 and w["bad_in_window"] == 0
    assert w["support"] == int(((temp >= w["lo"]) & (temp <= w["hi"])).sum())
    assert "temp" in w["text_ko"] and "범위" in w["text_ko"] and "rows" in w["text_en"]
    ben = ins["expected_benefit"]
    assert ben["bad_rate_inside"] == 0.0 and ben["bad_rate_overall"] > 0.4
    assert ins["bad_outcome"]["definition"]["bad_classes"] == ["NG"]
    assert res.report is not None and (res.report.key, res.report.order) == ("insight", 55)
    assert set(res.report.charts) == {"insight-drivers", "insight-windows"}


def test_monitoring_product_gets_alarm_thresholds(tmp_path: Path) -> None:
    ctx = model_context(tmp_path, target=None)
    frame = defect_frame().drop("result").lazy()
    ctx.results["model"] = ModelStep().run(frame, ctx)
    ins = InsightStep().run(frame, ctx).data
    a = ins["alarm_thresholds"]
    assert a["t2_limit"] > 0 and a["spe_limit"] > 0 and a["alpha"] == 0.01
    assert set(a["tag_limits"]) <= {"temp", "pressure", "line"}
    assert ins["expected_benefit"]["false_alarm_rate_train"] < 0.05


def test_needs_the_model_result(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        InsightStep().run(defect_frame().lazy(), model_context(tmp_path))
