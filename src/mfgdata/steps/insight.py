"""Insight step: drivers, operating windows, alarm thresholds, expected benefit (insights.json)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from mfgdata.modeling.features import FeatureSpec, transform
from mfgdata.modeling.insight import describe_window, joint_benefit, operating_window
from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.report.section import ReportSection

TOP_WINDOWS = 3
BAD_KO = {"classification": "불량", "regression": "하위 품질", "rul": "고장 임박"}
BAD_EN = {"classification": "defect", "regression": "low quality", "rul": "near-failure"}


def bad_outcome(model: Mapping[str, Any], y: pl.Series) -> NDArray[np.bool_]:
    """The rows counted as a bad outcome (the definition is stated in insights.json)."""
    task, basis = model["task"], model["basis"]
    if task == "classification":
        out: NDArray[np.bool_] = y.cast(pl.String).is_in(basis["bad_classes"]).to_numpy()
        return out
    v = y.cast(pl.Float64).to_numpy()
    if task == "rul":
        return np.asarray(v <= basis["horizon"])
    q = np.nanquantile(v, 0.25 if basis.get("goal", "max") == "max" else 0.75)
    return np.asarray(v < q) if basis.get("goal", "max") == "max" else np.asarray(v > q)


def derive(frame: pl.LazyFrame, model: Mapping[str, Any]) -> dict[str, Any]:
    """insights.json from the table and the model step's data."""
    spec = FeatureSpec.from_dict(dict(model["spec"]))
    drivers = list(model["drivers"])
    out: dict[str, Any] = {"task": model["task"], "target": model.get("target"), "drivers": drivers}
    if model["task"] == "anomaly":
        b = model["basis"]
        out["alarm_thresholds"] = {
            "t2_limit": b["t2_limit"],
            "spe_limit": b["spe_limit"],
            "alpha": b["alpha"],
            "tag_limits": b["tag_limits"],
            "note_ko": "T² 또는 SPE가 한계를 넘으면 경보; 태그별 한계는 기여도가 큰 태그의 "
            "정상 범위",
            "note_en": "alarm when T² or SPE exceeds its limit; tag limits are the normal range of "
            "the tags that contribute most",
        }
        out["expected_benefit"] = {
            "false_alarm_rate_train": b["false_alarm_rate_train"],
            "detection_rate": model["metrics"]["model"]["detection_rate"]["value"],
            "assumptions_en": "the training window is normal operation; detection measured on "
            "simulated 3-sigma step shifts of single tags",
            "assumptions_ko": "학습 구간은 정상 운전; 감지율은 단일 태그의 3σ 계단 변화 "
            "모의로 측정",
        }
        return out
    cols = [*spec.sources, str(model["target"])]
    lf = frame.select(list(dict.fromkeys(cols))).drop_nulls(str(model["target"]))
    df = lf.collect(engine="streaming")
    X = transform(df, spec)
    bad = bad_outcome(model, df[str(model["target"])])
    numeric = {f["name"] for f in spec.features if f["kind"] != "categorical"}
    windows: dict[str, dict[str, Any]] = {}
    for d in drivers:
        if d["feature"] in numeric and d["importance"] > 0 and len(windows) < TOP_WINDOWS:
            w = operating_window(X[:, spec.names.index(d["feature"])], bad)
            if w is not None:
                ko, en = describe_window(
                    d["feature"], w, BAD_KO[model["task"]], BAD_EN[model["task"]]
                )
                windows[d["feature"]] = {**w, "text_ko": ko, "text_en": en}
    out["bad_outcome"] = {
        "definition": dict(model["basis"]),
        "rows": len(bad),
        "bad_rows": int(bad.sum()),
    }
    out["operating_windows"] = windows
    out["expected_benefit"] = joint_benefit(X, spec.names, bad, windows)
    return out


def _charts(ins: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    schema = "https://vega.github.io/schema/vega-lite/v5.json"
    charts = {
        "insight-drivers": {
            "$schema": schema,
            "width": 360,
            "data": {
                "values": [
                    {
                        "feature": d["feature"],
                        "importance": d["importance"],
                        "direction": {1: "higher → worse", -1: "higher → better", 0: "mixed"}[
                            d["direction"]
                        ],
                    }
                    for d in ins["drivers"]
                ]
            },
            "mark": "bar",
            "encoding": {
                "y": {"field": "feature", "type": "nominal", "sort": "-x"},
                "x": {"field": "importance", "type": "quantitative"},
                "color": {"field": "direction", "type": "nominal"},
            },
        }
    }
    wins = ins.get("operating_windows") or {}
    if wins:
        charts["insight-windows"] = {
            "$schema": schema,
            "width": 360,
            "data": {
                "values": [
                    {"feature": k, "lo": w["lo"], "hi": w["hi"], "rate_in": w["rate_in_window"]}
                    for k, w in wins.items()
                ]
            },
            "mark": "rule",
            "encoding": {
                "y": {"field": "feature", "type": "nominal"},
                "x": {"field": "lo", "type": "quantitative", "title": "window"},
                "x2": {"field": "hi"},
                "size": {"value": 8},
            },
        }
    return charts


def section(ins: Mapping[str, Any]) -> ReportSection:
    wins = ins.get("operating_windows") or {}
    items_ko = "".join(f"<li>{escape(w['text_ko'])}</li>" for w in wins.values())
    items_en = "".join(f"<li>{escape(w['text_en'])}</li>" for w in wins.values())
    ben = ins.get("expected_benefit", {})
    if ins["task"] == "anomaly":
        a = ins["alarm_thresholds"]
        ko = (
            f"<p>경보 한계: T² &gt; {a['t2_limit']:.4g} 또는 SPE &gt; {a['spe_limit']:.4g}."
            f" 학습 구간 오경보율 {ben['false_alarm_rate_train']:.1%}.</p>"
        )
        en = (
            f"<p>Alarm limits: T² &gt; {a['t2_limit']:.4g} or SPE &gt; {a['spe_limit']:.4g}."
            f" False-alarm rate on the training window {ben['false_alarm_rate_train']:.1%}.</p>"
        )
    else:
        r_in, r_all = ben.get("bad_rate_inside"), ben.get("bad_rate_overall", 0.0)
        tail_ko = f"{r_in:.1%}" if r_in is not None else "-"
        ko = (
            f"<ul>{items_ko}</ul><p>모든 범위를 지킨 {ben.get('rows_inside_all_windows', 0)}행의 "
            f"비율: {tail_ko} (전체 {r_all:.1%}). 가정: {escape(ben.get('assumptions_ko', ''))}</p>"
        )
        en = (
            f"<ul>{items_en}</ul><p>Rows inside all windows "
            f"({ben.get('rows_inside_all_windows', 0)}): {tail_ko} (overall {r_all:.1%}). "
            f"Assumptions: {escape(ben.get('assumptions_en', ''))}</p>"
        )
    charts = _charts(ins)
    divs = "".join(f'<div class="chart" data-chart="{k}"></div>' for k in charts)
    return ReportSection(
        "insight", "활용 인사이트", "Usage insights", ko + divs, en + divs, charts, order=55
    )


def _not_usable(model: Mapping[str, Any], step: str) -> StepResult:
    """No usage insight is derived from a model that does not beat its baseline: the step says so
    (a note in the report and a finding) and writes no insights.json."""
    reason = model.get("usable_reason") or {}
    ko = (
        "모델이 단순 기준보다 낫다고 확인되지 않아 활용 인사이트(주요 인자, 운전 범위, 경보 한계, "
        f"기대 효과)를 만들지 않았습니다. 사유: {reason.get('ko', '')}"
    )
    en = (
        "The model is not shown to beat its naive baseline, so no usage insights (drivers, "
        f"operating windows, alarm limits, expected benefit) are derived. Reason: "
        f"{reason.get('en', '')}"
    )
    data = {"skipped": True, "reason_ko": ko, "reason_en": en}
    finding = Finding("insight_skipped_no_usable_model", "info", ko, en, step=step)
    report = ReportSection(
        "insight",
        "활용 인사이트",
        "Usage insights",
        f"<p>{escape(ko)}</p>",
        f"<p>{escape(en)}</p>",
        {},
        order=55,
    )
    return StepResult(step=step, data=data, findings=(finding,), report=report)


class InsightStep:
    """Reads the model step's data and the table; writes insights.json."""

    name = "insight"
    title_ko = "활용 인사이트"
    title_en = "Usage insights"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        model = ctx.result("model")
        if frame is None or model is None:
            raise ValueError("the insight step needs the table and the model step's result")
        if model.data.get("skipped"):
            return StepResult(step=self.name, data={"skipped": True})
        if model.data.get("usable") is False:
            return _not_usable(model.data, self.name)
        ins = derive(frame, model.data)
        ctx.product.write_json("insights.json", ins)
        return StepResult(
            step=self.name,
            data=ins,
            files=("insights.json",),
            counts={
                "drivers": len(ins["drivers"]),
                "windows": len(ins.get("operating_windows") or {}),
            },
            report=section(ins),
        )
