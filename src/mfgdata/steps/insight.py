"""Insight step: drivers, operating windows, alarm thresholds, expected benefit (insights.json)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import ModelResult
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.report.insight_view import section
from mfgdata.report.section import ReportSection
from mfgdata.steps.model import column_facts

if TYPE_CHECKING:
    from mfgdata.modeling.features import FeatureSpec

TOP_WINDOWS = 3
BAD_KO = {"classification": "불량", "regression": "하위 품질", "rul": "고장 임박"}
BAD_EN = {"classification": "defect", "regression": "low quality", "rul": "near-failure"}


def bad_outcome(
    model: Mapping[str, Any], y: NDArray[Any], classes: list[str], train: NDArray[Any]
) -> tuple[NDArray[np.bool_], dict[str, Any]]:
    """The rows counted as a bad outcome and its definition (stated in insights.json). A quality
    threshold (regression: the worst quarter) is set on the training rows only."""
    task, basis = model["task"], dict(model["basis"])
    if task == "classification":
        codes = [i for i, c in enumerate(classes) if c in basis["bad_classes"]]
        return np.isin(y, codes), basis
    v = np.asarray(y, dtype=np.float64)
    if task == "rul":
        return np.asarray(v <= basis["horizon"]), basis
    goal = basis.get("goal", "max")
    q = float(np.nanquantile(v[train], 0.25 if goal == "max" else 0.75))
    basis["threshold"] = q
    basis["threshold_set_on"] = "training rows"
    return (np.asarray(v < q) if goal == "max" else np.asarray(v > q)), basis


def _anomaly(model: Mapping[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    b = model["basis"]
    out["alarm_thresholds"] = {
        "t2_limit": b["t2_limit"],
        "spe_limit": b["spe_limit"],
        "alpha": b["alpha"],
        "tag_limits": b["tag_limits"],
        "note_ko": "T² 또는 SPE가 한계를 넘으면 경보; 태그별 한계는 기여도가 큰 태그의 정상 범위",
        "note_en": "alarm when T² or SPE exceeds its limit; tag limits are the normal range of "
        "the tags that contribute most",
    }
    out["expected_benefit"] = {
        "false_alarm_rate_train": b["false_alarm_rate_train"],
        "detection_rate": model["metrics"]["model"]["detection_rate"]["value"],
        "assumptions_en": "the training window is normal operation; detection measured on "
        "simulated 3-sigma step shifts of single tags",
        "assumptions_ko": "학습 구간은 정상 운전; 감지율은 단일 태그의 3σ 계단 변화 모의로 측정",
    }
    return out


def _candidates(
    X: NDArray[np.float64], spec: FeatureSpec, bad: NDArray[np.bool_], train: NDArray[Any]
) -> list[str]:
    """Features that may carry a window, strongest first by their window's effect on the
    training rows, kept only when that effect's 95 % interval lies above zero there (held-out
    rows play no part in choosing)."""
    from mfgdata.modeling.insight import operating_window
    from mfgdata.modeling.windows import eligible, newcombe

    scored = []
    for f in spec.features:
        if not eligible(f, spec.task):
            continue
        w = operating_window(X[train, spec.names.index(f["name"])], bad[train])
        if w is None:
            continue
        n_out = len(train) - w["support"]
        diff = newcombe(w["bad_outside"], n_out, w["bad_in_window"], w["support"])
        if diff is not None and diff[0] > 0:
            scored.append((diff[0], f["name"]))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [name for _, name in scored]


def derive(
    frame: pl.LazyFrame, model: Mapping[str, Any], units: Mapping[str, str | None] | None = None
) -> dict[str, Any]:
    """insights.json from the table and the model step's data. ``units``: column → the unit of
    its values in the product (after standardize)."""
    # the modelling libraries load with the step that needs them (see steps/model.py)
    from mfgdata.modeling import wording as W
    from mfgdata.modeling.features import FeatureSpec, rebuild
    from mfgdata.modeling.fit import plan_split
    from mfgdata.modeling.windows import validate

    spec = FeatureSpec.from_dict(dict(model["spec"]))
    out: dict[str, Any] = {
        "task": model["task"],
        "target": model.get("target"),
        "drivers": list(model["drivers"]),
    }
    if model.get("drivers_basis"):
        out["drivers_basis"] = dict(model["drivers_basis"])
    if model["task"] == "anomaly":
        return _anomaly(model, out)
    fm = rebuild(frame, spec, int(model["sampling"].get("every_kth_row", 1)))
    assert fm.y is not None
    plan = plan_split(fm, str(model["task"]), int(model.get("seed", 0)))
    train, test = plan.folds[-1]
    bad, definition = bad_outcome(model, fm.y, spec.classes, train)
    cands = _candidates(fm.X, spec, bad, train)
    shown, hidden, joint = validate(fm.X, spec.names, bad, train, test, cands, TOP_WINDOWS)
    units = units or {}
    unit_of = {f["name"]: units.get(str(f["source"])) for f in spec.features}
    for c in (spec.target, spec.time):
        unit_of.setdefault(str(c), units.get(str(c)))
    what = BAD_KO[model["task"]], BAD_EN[model["task"]]
    for name, w in shown.items():
        col = fm.X[train, spec.names.index(name)]
        col = col[np.isfinite(col)]
        w["unit"] = unit_of.get(name)
        w["observed_range"] = [float(col.min()), float(col.max())]
        w["text_ko"], w["text_en"] = W.window_text(name, w, *what)
    out["validation"] = W.validation_record(plan, len(train), len(test))
    split = model.get("split") or {}
    recorded = (split.get("train_rows") or [None])[-1], (split.get("test_rows") or [None])[-1]
    out["validation"]["same_rows_as_model"] = recorded == (len(train), len(test))
    out["bad_outcome"] = {
        "definition": definition,
        "held_out_rows": len(test),
        "held_out_bad_rows": int(bad[test].sum()),
    }
    out["operating_windows"] = shown
    out["windows_not_shown"] = hidden
    out["expected_benefit"] = W.benefit(joint, *what)
    if not shown:
        out["no_windows"] = W.no_windows(model, spec, bool(cands or hidden), unit_of)
    return out


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

    def derive(
        self, frame: pl.LazyFrame, model: Mapping[str, Any], units: Mapping[str, str | None]
    ) -> dict[str, Any]:
        """:func:`derive` on the table (the Spark side: on the model's own sample)."""
        return derive(frame, model, units)

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        model = ctx.maybe(ModelResult)
        if frame is None or model is None:
            raise ValueError("the insight step needs the table and the model step's result")
        if model.skipped:
            return StepResult(step=self.name, data={"skipped": True})
        if model.usable is False:
            return _not_usable(model.card, self.name)
        units = {k: v.get("unit") for k, v in column_facts(ctx).items()}
        ins = self.derive(frame, model.card, units)
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
