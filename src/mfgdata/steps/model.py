"""Model step: a baseline model evaluated honestly against a naive baseline, exported to ONNX."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

import polars as pl

from mfgdata.modeling.metrics import arrow
from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import (
    IngestResult,
    ModelResult,
    PreprocessResult,
    StandardizeResult,
)
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.report.section import ReportSection
from mfgdata.settings import Settings

if TYPE_CHECKING:
    from mfgdata.modeling.fit import Fitted

FILES = ("model/model.onnx", "model/model_card.md", "model/metrics.json", "model/features.json")


#: Bytes of memory per cell the model step plans for (the float matrix, its fold copies, LightGBM's
#: binned dataset): the row cap keeps ``rows x columns x CELL_BYTES`` under the memory setting.
CELL_BYTES = 32


def row_cap(settings: Settings, columns: int) -> int:
    """Rows the model trains on at most: ``model_max_rows``, lower on a table too wide for the
    memory setting. Above it, every k-th row in time order (the card states rows used of all)."""
    return max(
        1_000,
        min(settings.model_max_rows, settings.build_memory_bytes // (CELL_BYTES * max(columns, 1))),
    )


def column_facts(ctx: RunContext) -> dict[str, dict[str, Any]]:
    """Per column: raw name, unit in the raw file and unit in the product (for predict)."""
    out: dict[str, dict[str, Any]] = {}
    found: dict[str, IngestResult | PreprocessResult | StandardizeResult | None] = {
        "ingest": ctx.maybe(IngestResult),
        "preprocess": ctx.maybe(PreprocessResult),
        "standardize": ctx.maybe(StandardizeResult),
    }
    for step, res in found.items():
        for c in res.columns if res else []:
            d = out.setdefault(str(c["name"]), {"raw_name": c.get("raw_name"), "unit_raw": None})
            if step == "ingest":
                d["unit_raw"] = c.get("unit")
            d["unit"] = c.get("unit")
            if step == "preprocess" and c.get("source"):
                d["source"] = c["source"]
            if step == "standardize" and c.get("unit_original") is not None:
                d["unit_before_standardize"] = c.get("unit_original")
    return out


def _raw_bad_values(data: dict[str, Any], ctx: RunContext) -> None:
    """A boolean label's defect class in the raw file's words: 불량여부 true → ``NG``."""
    basis, target = data.get("basis") or {}, data.get("target")
    ingest = ctx.maybe(IngestResult)
    if "bad_classes" not in basis or ingest is None:
        return
    col = next((c for c in ingest.columns if c.get("name") == target), None)
    if col is None or "true_values" not in col:
        return
    raw = {"true": col["true_values"], "false": col["false_values"]}
    basis["bad_raw_values"] = [v for b in basis["bad_classes"] for v in raw.get(str(b), [])]


def metric_chart(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Model vs baseline per metric, with the 95% interval as a rule."""
    rows = []
    for who in ("model", "baseline"):
        for name, m in metrics[who].items():
            if m["value"] is None:
                continue
            ci = m.get("ci95") or [m["value"], m["value"]]
            rows.append({"metric": name, "who": who, "value": m["value"], "lo": ci[0], "hi": ci[1]})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": rows},
        "facet": {"column": {"field": "metric", "type": "nominal", "title": None}},
        "resolve": {"scale": {"x": "independent"}},
        "spec": {
            "width": 140,
            "height": 60,
            "layer": [
                {
                    "mark": "bar",
                    "encoding": {
                        "y": {"field": "who", "type": "nominal", "title": None},
                        "x": {"field": "value", "type": "quantitative", "title": None},
                        "color": {"field": "who", "type": "nominal", "legend": None},
                    },
                },
                {
                    "mark": "rule",
                    "encoding": {
                        "y": {"field": "who", "type": "nominal"},
                        "x": {"field": "lo", "type": "quantitative"},
                        "x2": {"field": "hi"},
                    },
                },
            ],
        },
    }


def _cell(m: Mapping[str, Any]) -> str:
    """value [95% interval], or – when there is nothing to measure it on."""
    if m.get("value") is None:
        return "–"
    ci = m.get("ci95") or [m["value"], m["value"]]
    return f"{m['value']:.4g} [{ci[0]:.4g}, {ci[1]:.4g}]"


def _table(metrics: Mapping[str, Any]) -> str:
    if metrics.get("measurable") is False:
        return ""
    rows = []
    for name, m in metrics["model"].items():
        b = metrics["baseline"][name]
        rows.append(
            f"<tr><td>{escape(name)} {arrow(name)}</td><td>{_cell(m)}</td><td>{_cell(b)}</td></tr>"
        )
    return "<table><tr><th></th><th>model</th><th>baseline</th></tr>" + "".join(rows) + "</table>"


def verdict_html(data: Mapping[str, Any]) -> tuple[str, str]:
    """The usable / no-usable-model sentence (ko, en) shown first wherever the model is shown."""
    reason = data.get("usable_reason") or {}
    if data.get("usable"):
        return (
            f"<p><strong>사용 가능한 모델</strong>: {escape(str(reason.get('ko', '')))}</p>",
            f"<p><strong>Usable model</strong>: {escape(str(reason.get('en', '')))}</p>",
        )
    return (
        "<p><strong>사용할 수 있는 모델이 없습니다</strong> (ONNX는 검토용으로만 남겨 두며, "
        f"활용 인사이트를 만들지 않습니다): {escape(str(reason.get('ko', '')))}</p>",
        "<p><strong>No usable model</strong> (the ONNX file is kept for inspection only; no "
        f"usage insights are derived): {escape(str(reason.get('en', '')))}</p>",
    )


def section(data: Mapping[str, Any]) -> ReportSection:
    up, split, metrics = data.get("uplift"), data["split"], data["metrics"]
    task, target = escape(str(data["task"])), escape(str(data.get("target") or "-"))
    table = _table(metrics)
    keys = {"group": data.get("group"), "time": data.get("time")}
    keys_txt = ", ".join(f"{k}: {escape(str(v))}" for k, v in keys.items() if v)
    measured = metrics.get("measurable") is not False
    chart = '<div class="chart" data-chart="model-metrics"></div>' if measured else ""
    if not measured:
        up_ko = (
            f"측정 불가: {escape(str(metrics.get('reason_ko', '')))} — 지표를 보고하지 않습니다."
        )
        up_en = (
            f"Not measurable: {escape(str(metrics.get('reason_en', '')))} — no metric is reported."
        )
    elif up:
        up_ko = f"{escape(up['metric'])} 개선: {up['relative']:+.1%}."
        up_en = f"Uplift on {escape(up['metric'])}: {up['relative']:+.1%}."
    else:
        up_ko = up_en = ""
    v_ko, v_en = verdict_html(data)
    ko = (
        f"{v_ko}<p>작업: {task}, 목표: {target}. 모델 {escape(str(data['family']))}을(를) 단순 기준"
        f" ({escape(str(data['baseline']))})과 같은 시험 데이터에서 비교했습니다. {up_ko}</p>"
        f"<p>분할: {escape(split['reason_ko'])} ({keys_txt or '순서 없음'})</p>{table}{chart}"
    )
    en = (
        f"{v_en}<p>Task: {task}, target: {target}. The {escape(str(data['family']))} model is "
        f"compared with the naive baseline ({escape(str(data['baseline']))}) on the same held-out"
        f" rows. {up_en}</p>"
        f"<p>Split: {escape(split['reason_en'])} ({keys_txt or 'no order'})</p>{table}{chart}"
    )
    return ReportSection(
        "model",
        "학습 모델",
        "Baseline model",
        ko,
        en,
        {"model-metrics": metric_chart(metrics)} if measured else {},
        order=50,
    )


def _verdict_finding(data: Mapping[str, Any], step: str) -> tuple[Finding, ...]:
    if data.get("usable", True):
        return ()
    reason = data.get("usable_reason") or {}
    return (
        Finding(
            "model_not_usable",
            "warning",
            "사용할 수 있는 모델이 없습니다: " + str(reason.get("ko", "")),
            "no usable model: " + str(reason.get("en", "")),
            step=step,
        ),
    )


class ModelStep:
    """Writes model/model.onnx, model/model_card.md, model/metrics.json, model/features.json."""

    name = "model"
    title_ko = "학습 모델"
    title_en = "Baseline model"

    def __init__(
        self,
        task: str | None = None,
        exclude: tuple[str, ...] = (),
        goal: str = "max",
        max_rows: int | None = None,
        seed: int = 0,
    ) -> None:
        self.task, self.exclude, self.goal = task, set(exclude), goal
        self.max_rows, self.seed = max_rows, seed

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        if frame is None:
            raise ValueError("the model step needs the table from the earlier steps")
        # scikit-learn, LightGBM and ONNX load here, not when the step list is made: a build's
        # data steps run without them (about 165 MB of RSS and 1.7 s of imports)
        from mfgdata.modeling.fit import NotLearnable

        time = ctx.column("time_column")
        ctx.progress(self.name, 0.1, "training")
        try:
            fitted = self._fit(frame, ctx, time)
        except NotLearnable as e:
            finding = Finding(
                "model_skipped", "info", e.ko, e.en, column=e.where.column, step=self.name
            )
            skipped = {"skipped": True, "reason_ko": e.ko, "reason_en": e.en}
            return StepResult(step=self.name, data=ModelResult(skipped), findings=(finding,))
        data = fitted.data
        _raw_bad_values(data, ctx)
        columns = column_facts(ctx)
        spec = dict(data["spec"])
        spec["columns"] = {c: columns.get(c, {}) for c in fitted.fm.spec.sources}
        ctx.product.write_bytes(FILES[0], fitted.onnx)
        ctx.product.write_text(FILES[1], fitted.card)
        ctx.product.write_json(FILES[2], {k: v for k, v in data.items() if k != "spec"})
        ctx.product.write_json(FILES[3], spec)
        ctx.progress(self.name, 1.0, "done")
        return StepResult(
            step=self.name,
            data=ModelResult(data),
            files=FILES,
            counts={"rows_used": data["sampling"]["rows_used"], "features": len(data["features"])},
            report=section(data),
            findings=_verdict_finding(data, self.name),
        )

    def _fit(self, frame: pl.LazyFrame, ctx: RunContext, time: str | None) -> Fitted:
        from mfgdata.modeling.fit import fit_model
        from mfgdata.modeling.leaks import outcome_columns

        opts, std = ctx.options, ctx.maybe(StandardizeResult)
        return fit_model(
            frame,
            ctx.column("target"),
            group=ctx.column("id_column"),
            time=time,
            task=self.task or getattr(opts, "task", None),
            exclude=self.exclude,
            goal=self.goal,
            max_rows=self.max_rows or row_cap(ctx.settings, len(frame.collect_schema())),
            seed=self.seed,
            product=ctx.product_id,
            zone=ctx.timezone,
            outcomes=outcome_columns(std or {}, [getattr(opts, "dictionary", None)]),
        )
