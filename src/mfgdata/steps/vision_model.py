"""Model step of an image product: the CNN baseline (``images.baseline``) -> ``model/``.

Writes ``model/model.onnx`` (input ``input`` [n, 1, side, side] float32, output class
probabilities [good, defect]), ``model/preprocess.json`` (how an image becomes the input),
``model/metrics.json``, ``model/model_card.md`` and Grad-CAM overlays ``model/saliency/*.png``.
Skipped, with a finding, when the ``vision`` extra (PyTorch) is not installed or the labels
cannot carry a model (too few labelled images, one class).
"""

from __future__ import annotations

import base64
import html
import importlib.util
import json
from typing import Any

import numpy as np
import polars as pl

from mfgdata.images.baseline import (
    NOISE_MAX_IMAGES,
    binary_task,
    fit,
    group_ids,
    label_noise,
    load_all,
    side_for,
)
from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import ModelResult
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.report.section import ReportSection

ONNX = "model/model.onnx"
METRICS = "model/metrics.json"
CARD = "model/model_card.md"
PREPROCESS = "model/preprocess.json"
NOISE = "model/label_noise.json"
#: fewer labelled images than this (or fewer than MIN_PER_CLASS of a class) train no model
MIN_IMAGES = 20
MIN_PER_CLASS = 4
#: columns of the records table that are facts, not sub-groups
FACT_COLUMNS = {
    "image", "name", "label", "probability", "width", "height", "bit_depth", "channels",
    "format", "mode", "bytes", "sha256", "brightness", "contrast", "blur", "duplicate_group",
}  # fmt: skip
MAX_SUBGROUP_VALUES = 20


def _skip(step: str, ko: str, en: str) -> StepResult:
    return StepResult(
        step=step,
        data=ModelResult({"skipped": True, "reason_ko": ko, "reason_en": en}),
        findings=(
            Finding(
                code="model.skipped",
                severity="info",
                message_ko=f"모델을 학습하지 않았습니다: {ko}",
                message_en=f"no model was trained: {en}",
                step=step,
            ),
        ),
    )


def _fmt(m: dict[str, Any] | None, pct: bool = True) -> str:
    if not m or m.get("value") is None:
        return "-"
    v, ci = m["value"], m.get("ci95") or [None, None]
    if pct:
        return f"{v:.1%} [{ci[0]:.1%}, {ci[1]:.1%}]"
    return f"{v:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"


def _section(metrics: dict[str, Any], overlays: dict[str, bytes]) -> ReportSection:
    def body(lang: str) -> str:
        ko = lang == "ko"
        rows = []
        for name in ("balanced_accuracy", "f1_macro", "pr_auc"):
            rows.append(
                "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                    html.escape(name),
                    _fmt(metrics["vs_pixel_statistics"]["model"][name], pct=False),
                    _fmt(metrics["vs_majority"]["baseline"][name], pct=False),
                    _fmt(metrics["vs_pixel_statistics"]["baseline"][name], pct=False),
                )
            )
        head = (
            "<tr><th>지표</th><th>CNN</th><th>다수 클래스</th><th>픽셀 통계</th></tr>"
            if ko
            else "<tr><th>metric</th><th>CNN</th><th>majority</th><th>pixel statistics</th></tr>"
        )
        rec = "".join(
            f"<tr><th>{html.escape(c)}</th><td>{_fmt(r)}</td><td>{r.get('n', 0):,}</td></tr>"
            for c, r in metrics["recall_per_class"].items()
        )
        ops = "".join(
            f"<tr><td>{o['target_miss_rate']:.0%}</td><td>{o['threshold']:.4f}</td>"
            f"<td>{o['miss_rate']:.1%}</td><td>{o['false_reject_rate']:.1%}</td></tr>"
            for o in metrics["operating_points"]
        )
        sub = ""
        for col, groups in metrics.get("subgroups", {}).items():
            sub += "".join(
                f"<tr><td>{html.escape(col)}={html.escape(str(v))}</td><td>{g['images']:,}</td>"
                f"<td>{_fmt(g['defect_recall'])}</td><td>{_fmt(g['good_recall'])}</td></tr>"
                for v, g in groups.items()
            )
        pics = "".join(
            f'<figure style="display:inline-block"><img alt="saliency" src="data:image/png;base64,'
            f'{base64.b64encode(b).decode("ascii")}"><figcaption>{html.escape(s["image"])} '
            f"({html.escape(str(s['label']))}, P={s['p_defect']:.2f})</figcaption></figure>"
            for (k, b), s in zip(
                sorted(overlays.items()), metrics.get("saliency", []), strict=False
            )
        )
        t = metrics["training"]
        verdict = metrics["usable_reason"][lang]
        usable = (
            ("사용 가능" if ko else "usable")
            if metrics["usable"]
            else ("사용 불가" if ko else "not usable")
        )
        return (
            f"<p><b>{usable}</b>: {html.escape(verdict)}</p>"
            f"<p>{html.escape(metrics['rule_' + lang])}; "
            + (
                f"학습 {metrics['split']['train_images']:,}장, 시험 "
                f"{metrics['split']['test_images']:,}장, 학습 시간 {t['seconds']:.1f} s "
                f"({t['epochs']}/{t['planned_epochs']} epoch), ONNX 최대 차이 "
                f"{metrics['onnx']['max_abs_difference']:.2e}</p>"
                if ko
                else f"train {metrics['split']['train_images']:,} images, test "
                f"{metrics['split']['test_images']:,}, training {t['seconds']:.1f} s "
                f"({t['epochs']}/{t['planned_epochs']} epochs), ONNX max difference "
                f"{metrics['onnx']['max_abs_difference']:.2e}</p>"
            )
            + f"<table>{head}{''.join(rows)}</table>"
            + f"<h3>{'클래스별 재현율 (95% 구간)' if ko else 'recall per class (95% interval)'}"
            f"</h3><table>{rec}</table>"
            + f"<h3>{'운영 임계값' if ko else 'operating thresholds'}</h3><table><tr><th>"
            + (
                "목표 누락률</th><th>임계값 P(불량)</th><th>누락률</th><th>과검출률</th></tr>"
                if ko
                else "target miss rate</th><th>threshold P(defect)</th><th>miss rate</th>"
                "<th>false-reject rate</th></tr>"
            )
            + ops
            + "</table>"
            + (
                f"<h3>{'하위 집단별 재현율' if ko else 'recall per sub-group'}</h3>"
                f"<table>{sub}</table>"
                if sub
                else ""
            )
            + (
                f"<h3>{'모델이 보는 곳 (Grad-CAM)' if ko else 'where the model looks (Grad-CAM)'}"
                f"</h3>{pics}"
                if pics
                else ""
            )
        )

    return ReportSection(
        key="model",
        title_ko="기준 모델 (CNN)",
        title_en="Baseline model (CNN)",
        html_ko=body("ko"),
        html_en=body("en"),
        order=50,
    )


def _card(metrics: dict[str, Any]) -> str:
    v = metrics["vs_pixel_statistics"]
    m = metrics["vs_majority"]
    t = metrics["training"]
    lines = [
        "# 모델 카드 / Model card: CNN baseline (defect vs good)",
        "",
        f"- 과제 / task: {metrics['rule_ko']} / {metrics['rule_en']}",
        f"- 입력 / input: grey {metrics['input']['side_px']} x {metrics['input']['side_px']} px, "
        f"scale {metrics['input']['scale']}",
        f"- 분할 / split: {metrics['split']['kind']}, train {metrics['split']['train_images']}, "
        f"test {metrics['split']['test_images']} images, seed {metrics['split']['seed']}",
        f"- 학습 / training: {t['seconds']} s, {t['epochs']}/{t['planned_epochs']} epochs, "
        f"{t['threads']} threads",
        f"- ONNX 확인 / ONNX check: max |p_torch - p_onnx| = "
        f"{metrics['onnx']['max_abs_difference']:.2e} on {metrics['onnx']['checked_images']} "
        "test images",
        "",
        "| metric | CNN | majority | pixel statistics |",
        "|---|---|---|---|",
    ]
    for name in ("balanced_accuracy", "f1_macro", "pr_auc"):
        lines.append(
            f"| {name} | {_fmt(v['model'][name], False)} | {_fmt(m['baseline'][name], False)} "
            f"| {_fmt(v['baseline'][name], False)} |"
        )
    lines += [
        "",
        f"- 사용 가능 / usable: {metrics['usable']}",
        f"  - {metrics['usable_reason']['ko']}",
        f"  - {metrics['usable_reason']['en']}",
        "",
        "## 운영 임계값 / operating thresholds",
        "",
        "| target miss rate | threshold P(defect) | miss rate | false-reject rate |",
        "|---|---|---|---|",
    ]
    for o in metrics["operating_points"]:
        lines.append(
            f"| {o['target_miss_rate']:.0%} | {o['threshold']:.4f} | {o['miss_rate']:.1%} "
            f"| {o['false_reject_rate']:.1%} |"
        )
    return "\n".join(lines) + "\n"


class ImageModelStep:
    name = "model"
    title_ko = "기준 모델 (CNN)"
    title_en = "Baseline model (CNN)"

    def __init__(
        self,
        seed: int = 0,
        epochs: int | None = None,
        budget_s: float = 840.0,
        noise_max_images: int = NOISE_MAX_IMAGES,
    ) -> None:
        self.seed, self.epochs, self.budget_s = seed, epochs, budget_s
        self.noise_max_images = noise_max_images

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        if importlib.util.find_spec("torch") is None:
            return _skip(
                self.name,
                "PyTorch가 설치되지 않았습니다 (pip install 'mfgdata[vision]')",
                "PyTorch is not installed (pip install 'mfgdata[vision]')",
            )
        if frame is None:
            return _skip(self.name, "이미지 표가 없습니다", "no image records")
        table = frame.filter(pl.col("label").is_not_null()).collect()
        labels = [str(v) for v in table["label"]]
        if len(labels) < MIN_IMAGES:
            return _skip(
                self.name,
                f"레이블이 있는 이미지가 {len(labels)}장뿐입니다 (최소 {MIN_IMAGES}장)",
                f"only {len(labels)} labelled image(s) (at least {MIN_IMAGES} needed)",
            )
        task = binary_task(labels)
        counts = np.bincount(task.y, minlength=2)
        if counts.min() < MIN_PER_CLASS:
            return _skip(
                self.name,
                f"불량/양품 중 한쪽이 {int(counts.min())}장뿐입니다 (최소 {MIN_PER_CLASS}장)",
                f"only {int(counts.min())} image(s) on one side of defect/good "
                f"(at least {MIN_PER_CLASS} needed)",
            )
        ctx.progress(self.name, 0.05, "load")
        side = side_for(table.select(pl.max_horizontal("width", "height")).to_series().to_list())
        x = load_all([ctx.product.path(p) for p in table["image"]], side)
        groups = group_ids(table["duplicate_group"].to_list())
        subgroups = {
            c: [None if v is None else str(v) for v in table[c]]
            for c in table.columns
            if c not in FACT_COLUMNS and 1 < table[c].n_unique() <= MAX_SUBGROUP_VALUES
        }
        ctx.progress(self.name, 0.1, "train")
        result = fit(
            x,
            task,
            labels,
            groups,
            ctx.product.path(ONNX),
            subgroups=subgroups,
            names=table["name"].to_list(),
            seed=self.seed,
            epochs=self.epochs,
            budget_s=self.budget_s,
        )
        metrics = result.metrics
        ctx.progress(self.name, 0.7, "label noise")
        noise = label_noise(
            x, task, labels, groups, table["name"].to_list(), seed=self.seed,
            max_images=self.noise_max_images,
        )  # fmt: skip
        metrics["label_noise"] = {k: v for k, v in noise.items() if k != "candidates"}
        written = [ONNX]
        if noise.get("run"):
            ctx.product.write_json(NOISE, noise)
            written.append(NOISE)
        for k, png in sorted(result.overlays.items()):
            ctx.product.write_bytes(f"model/saliency/{k}.png", png)
            written.append(f"model/saliency/{k}.png")
        ops = metrics["operating_points"]
        pre = {
            "input": "input",
            "output": "probabilities",
            "classes": ["good", "defect"],
            "side_px": side,
            "grey": "mean of channels; 16-bit / 65535, 8-bit / 255",
            "resize": "bilinear to side x side",
            "scale": "(x - 0.5) / 0.25",
            "threshold": 0.5,
            "operating_points": ops,
        }
        ctx.product.write_json(PREPROCESS, pre)
        ctx.product.write_json(METRICS, metrics)
        ctx.product.write_text(CARD, _card(metrics))
        written += [PREPROCESS, METRICS, CARD]
        findings: list[Finding] = []
        if not result.usable:
            findings.append(
                Finding(
                    code="model.not_usable",
                    severity="warning",
                    message_ko="기준 모델이 기준선을 넘지 못했습니다: "
                    f"{metrics['usable_reason']['ko']}",
                    message_en=f"the baseline model does not beat its baselines: "
                    f"{metrics['usable_reason']['en']}",
                    step=self.name,
                )
            )
        data = {
            "task": "classification",
            "kind": "images",
            "metrics": json.loads(json.dumps(metrics)),
            "usable": result.usable,
            "usable_reason": result.usable_reason,
            "uplift": result.uplift,
            "files": written,
            "label_noise": {
                **metrics["label_noise"],
                "candidates": noise.get("candidates", [])[:200],
            },
        }
        return StepResult(
            step=self.name,
            data=ModelResult(data),
            findings=tuple(findings),
            counts={
                "train_images": len(result.train_rows),
                "test_images": len(result.test_rows),
                "epochs": metrics["training"]["epochs"],
            },
            files=tuple(written),
            report=_section(metrics, result.overlays),
        )
