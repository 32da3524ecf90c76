"""Insights validated out of sample, with units and local dates, on the right columns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from mfgdata.modeling.insight import operating_window
from mfgdata.modeling.windows import MIN_SUPPORT
from mfgdata.pipeline.results import IngestResult, StandardizeResult
from mfgdata.pipeline.step import StepResult
from mfgdata.steps.insight import InsightStep
from mfgdata.steps.model import ModelStep
from modeling.synthetic import (
    defect_frame,
    model_context,
    mpa_pressure_frame,
    regime_change_frame,
    run_to_failure_frame,
)


def _build(
    tmp: Path, frame: pl.DataFrame, target: str = "result"
) -> tuple[dict[str, Any], dict[str, Any]]:
    ctx = model_context(tmp, target=target, id_column="unit_nr" if target == "RUL" else None)
    if target == "RUL":  # an engine table: no time stamp, the cycle counter orders the rows
        ctx.results["ingest"] = StepResult(
            step="ingest", data=IngestResult(columns=[], time_column=None)
        )
    ctx.results["model"] = ModelStep().run(frame.lazy(), ctx)
    res = InsightStep().run(frame.lazy(), ctx)
    return ctx.results["model"].data, res.data


def test_windows_are_found_on_training_rows_and_measured_on_held_out_rows(tmp_path: Path) -> None:
    frame = defect_frame()
    model, ins = _build(tmp_path, frame)
    n_test = model["split"]["test_rows"][0]
    assert model["split"]["kind"] == "time_holdout"
    assert ins["validation"]["held_out_rows"] == n_test
    assert ins["validation"]["training_rows"] == model["split"]["train_rows"][0]
    assert ins["validation"]["same_rows_as_model"] is True
    assert ins["drivers_basis"]["measured_on"] == "held-out rows"
    assert 0 < ins["drivers_basis"]["rows"] <= n_test
    # the time holdout: the training rows are the earliest, the held-out rows the latest
    temp = frame["temp"].to_numpy()
    bad = (frame["result"] == "NG").to_numpy()
    train = np.arange(model["split"]["train_rows"][0])
    test = np.arange(len(frame) - n_test, len(frame))
    w = ins["operating_windows"]["temp"]
    found = operating_window(temp[train], bad[train])
    assert found is not None and (w["lo"], w["hi"]) == (found["lo"], found["hi"])
    inside = (temp[test] >= w["lo"]) & (temp[test] <= w["hi"])
    h = w["held_out"]
    assert (h["rows"], h["rows_inside"]) == (n_test, int(inside.sum()))
    assert h["bad_inside"] == int(bad[test][inside].sum()) >= 0
    assert h["rate_inside_ci95"][0] <= h["rate_inside"] <= h["rate_inside_ci95"][1]
    assert h["difference_ci95"][0] > 0 and h["confirmed"] is True
    ben = ins["expected_benefit"]
    assert ben["measured_on"] == "held-out rows" and ben["rows"] == n_test
    assert ben["rows_inside"] >= MIN_SUPPORT
    lo, hi = ben["relative_reduction_ci95"]
    assert lo <= ben["relative_reduction"] <= hi and lo < 1.0  # never a bare "100 %"
    assert "held-out" in ben["text_en"].lower() and "시험 행" in ben["text_ko"]
    assert str(n_test) in ben["text_en"]


def test_a_window_without_held_out_support_is_not_shown(tmp_path: Path) -> None:
    """Slow running made defects only before the line moved to a new speed regime: the speed
    window found on the early rows holds no held-out row, so it is not shown."""
    _, ins = _build(tmp_path, regime_change_frame())
    assert "temp" in ins["operating_windows"]
    assert "speed" not in ins["operating_windows"]
    hidden = {h["feature"]: h for h in ins["windows_not_shown"]}
    assert hidden["speed"]["held_out_rows_inside"] < MIN_SUPPORT
    assert "held-out" in hidden["speed"]["reason_en"] and "시험 행" in hidden["speed"]["reason_ko"]
    for w in ins["operating_windows"].values():
        assert w["held_out"]["rows_inside"] >= MIN_SUPPORT


def test_every_window_number_carries_the_products_unit(tmp_path: Path) -> None:
    """The table is standardized (pressure in MPa): windows print °C and MPa, the chart too."""
    frame = mpa_pressure_frame()
    ctx = model_context(tmp_path)
    cols = [{"name": "pressure", "unit": "MPa", "unit_original": "bar"}]
    ctx.results["standardize"] = StepResult(
        step="standardize", data=StandardizeResult(columns=cols)
    )
    ctx.results["model"] = ModelStep().run(frame.lazy(), ctx)
    res = InsightStep().run(frame.lazy(), ctx)
    wins = res.data["operating_windows"]
    assert wins["temp"]["unit"] == "°C" and wins["pressure"]["unit"] == "MPa"
    assert re.search(r"to [\d.]+ MPa", wins["pressure"]["text_en"])
    assert re.search(r"~ [\d.]+ MPa", wins["pressure"]["text_ko"])
    assert re.search(r"to [\d.]+ °C", wins["temp"]["text_en"])
    assert res.report is not None
    chart = res.report.charts["insight-windows"]
    # one axis per feature: a faceted chart whose x scales are independent
    assert chart["facet"]["row"]["field"] == "feature"
    assert chart["resolve"]["scale"]["x"] == "independent"
    labels = {r["feature"] for r in chart["data"]["values"]}
    assert labels == {"temp (°C)", "pressure (MPa)"}


def test_run_to_failure_windows_only_on_settings(tmp_path: Path) -> None:
    model, ins = _build(tmp_path, run_to_failure_frame(), target="RUL")
    assert model["task"] == "rul" and model["usable"] is True
    assert set(ins["operating_windows"]) == {"op_setting_1"}
    assert not [h for h in ins["windows_not_shown"] if not h["feature"].startswith("op_setting")]


def test_run_to_failure_without_settings_says_what_the_model_is_for(tmp_path: Path) -> None:
    model, ins = _build(tmp_path, run_to_failure_frame(settings=False), target="RUL")
    assert model["task"] == "rul" and model["usable"] is True
    assert ins["operating_windows"] == {} and ins["windows_not_shown"] == []
    note = ins["no_windows"]
    assert note["use_instead"] == "maintenance_lead_time"
    assert "maintenance lead time" in note["text_en"] and "symptoms" in note["text_en"]
    assert "정비" in note["text_ko"] and "cycles" in note["text_en"]


def test_split_boundaries_are_local_time_with_offset(tmp_path: Path) -> None:
    model, _ = _build(tmp_path, defect_frame())
    split = model["split"]
    for text in (split["reason_en"], split["reason_ko"], split["cut"], split["embargo_from"]):
        assert "+09:00" in text and not re.search(r"\d{13,}", text)
    assert split["cut"] == "2024-01-01T15:00:00+09:00"
    card = (tmp_path / "staging" / "model" / "model_card.md").read_text(encoding="utf-8")
    assert not re.search(r"\d{13,}", card)
