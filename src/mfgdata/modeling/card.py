"""model_card.md: intended use, data, metrics with intervals, limitations, the split (ko + en)."""

from __future__ import annotations

from typing import Any

from mfgdata.modeling.metrics import N_BOOT, arrow

TASK_KO = {
    "classification": "분류",
    "regression": "회귀",
    "rul": "잔존수명(RUL) 예측",
    "anomaly": "공정 이상 감지(모니터링)",
}
USE_KO = {
    "classification": "새 로트/샘플의 불량·결함 유형을 미리 예측해 검사와 조치의 "
    "우선순위를 정합니다.",
    "regression": "품질값(강도, 수율 등)을 측정 전에 추정해 공정 조건을 조정합니다.",
    "rul": "설비별 고장까지 남은 사이클을 추정해 정비 시점을 계획합니다.",
    "anomaly": "정상 운전에서 벗어나는 순간을 T²/SPE 관리한계로 경보합니다.",
}
USE_EN = {
    "classification": "Predict defects / defect types of new lots or samples to prioritise "
    "inspection and action.",
    "regression": "Estimate a quality value (strength, yield, ...) before it is measured, "
    "to adjust process settings.",
    "rul": "Estimate the cycles left to failure per unit, to plan maintenance.",
    "anomaly": "Raise an alarm when the process leaves normal operation (T² / SPE control limits).",
}


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _metric_rows(metrics: dict[str, Any]) -> list[str]:
    if metrics.get("measurable") is False:
        return [
            f"- 측정 불가: {metrics.get('reason_ko', '')} — 지표 값을 보고하지 않습니다.",
            f"- Not measurable: {metrics.get('reason_en', '')} — no metric values are reported.",
        ]
    rows = [
        "| metric / 지표 (↑ higher is better / 클수록 좋음, ↓ lower is better / 작을수록 좋음) "
        "| model / 모델 (95% CI) | baseline / 기준 (95% CI) |",
        "|---|---|---|",
    ]
    for name, m in metrics["model"].items():
        b = metrics["baseline"].get(name, {})
        mci, bci = m.get("ci95") or [None, None], b.get("ci95") or [None, None]
        rows.append(
            f"| {name} {arrow(name)} | {_fmt(m['value'])} ({_fmt(mci[0])} – {_fmt(mci[1])}) "
            f"| {_fmt(b.get('value'))} ({_fmt(bci[0])} – {_fmt(bci[1])}) |"
        )
    return rows


def _usable_lines(info: dict[str, Any]) -> list[str]:
    usable, reason = info.get("usable"), info.get("usable_reason") or {}
    if usable is None:
        return []
    if usable:
        head_ko, head_en = "사용 가능한 모델입니다", "Usable model"
    else:
        head_ko = "사용할 수 있는 모델이 없습니다 (ONNX는 검토용으로만 남겨 둡니다)"
        head_en = "No usable model (the ONNX file is kept for inspection only)"
    return [
        "## Verdict / 판정",
        f"- **{head_ko}**: {reason.get('ko', '')}",
        f"- **{head_en}**: {reason.get('en', '')}",
        "",
    ]


def _uplift_lines(up: dict[str, Any] | None) -> list[str]:
    if not up:
        return []
    return [
        f"- uplift on {up['metric']}: model {_fmt(up['model'])} vs baseline {_fmt(up['baseline'])}"
        f" (relative {up['relative']:+.1%}; significant: {up.get('significant')})",
        f"- 기준 대비 개선 ({up['metric']}): {up['relative']:+.1%}",
    ]


def _leak_lines(leaks: list[dict[str, Any]]) -> list[str]:
    """Features left out as target leaks (modeling.leaks), each with its reason in ko and en."""
    out: list[str] = []
    for excluded, title in (
        (True, "- target leaks left out / 목표 누설로 제외한 열:"),
        (False, "- kept, check for a leak / 남겼으나 누설인지 확인할 열:"),
    ):
        rows = [lk for lk in leaks if lk.get("excluded", True) is excluded]
        out += [title] if rows else []
        for lk in rows:
            out += [f"  - {lk['feature']}: {lk['reason_ko']}", f"    {lk['reason_en']}"]
    return out


def _interval_lines(how: dict[str, Any] | None) -> list[str]:
    """How the 95 % intervals were drawn (``metrics.resamples``)."""
    method = (how or {}).get("method", "rows")
    units = (how or {}).get("units")
    if method == "groups":
        return [
            f"- 신뢰구간: 시험 행의 개체 {units}개를 통째로 다시 뽑은 부트스트랩({N_BOOT}회); "
            "한 설비의 행들은 서로 독립이 아닙니다.",
            f"- Intervals: a bootstrap ({N_BOOT} resamples) of whole entities ({units} in the "
            "test rows); rows of one machine are not independent.",
        ]
    if method == "blocks":
        b = (how or {}).get("block_rows")
        return [
            f"- 신뢰구간: 시간순 시험 행의 원형 블록 부트스트랩({N_BOOT}회, 블록 {b}행, "
            "Politis-White 길이); 시계열 자기상관을 반영합니다.",
            f"- Intervals: a circular block bootstrap ({N_BOOT} resamples, blocks of {b} rows, "
            "Politis-White length) of the time-ordered test rows, so autocorrelation is kept.",
        ]
    return [
        f"- 신뢰구간: 시험 행의 부트스트랩({N_BOOT}회); 행의 오차에 자기상관이 보이지 않았거나 "
        "시간 순서가 없습니다.",
        f"- Intervals: a row bootstrap ({N_BOOT} resamples) of the test rows; their errors show "
        "no autocorrelation, or the rows have no time order.",
    ]


def render_card(info: dict[str, Any]) -> str:
    """``info`` is the model step's data (task, target, metrics, baseline, split, features, ...)."""
    task, split, sampling = info["task"], info["split"], info.get("sampling", {})
    up = info.get("uplift")
    excluded = ", ".join(f"{k} ({v})" for k, v in info.get("excluded", {}).items())
    lines = [
        f"# Model card / 모델 카드: {info.get('product', '')}".rstrip(": "),
        "",
        *_usable_lines(info),
        "## Intended use / 용도",
        f"- 작업: {TASK_KO[task]}; 목표 열: {info.get('target') or '없음'}",
        f"- Task: {task}; target: {info.get('target') or 'none'}",
        f"- {USE_KO[task]}",
        f"- {USE_EN[task]}",
        "- 의사결정 보조용이며, 안전 관련 자동 제어에 단독으로 쓰지 마십시오.",
        "- Decision support only; do not use it alone for safety-related automatic control.",
        "",
        "## Model / 모델",
        f"- family: {info['family']}; parameters: `{info['params']}`; seed: {info.get('seed', 0)}",
        f"- baseline / 기준 모델: {info['baseline']}",
        "- file: model/model.onnx (one input `input`: [rows, features])",
        "",
        "## Data / 데이터",
        f"- rows used / 사용 행: {sampling.get('rows_used')} of {sampling.get('rows_total')}"
        f" (sampling / 표본: {sampling.get('method')})",
        f"- features / 입력 변수 ({len(info['features'])}): {', '.join(info['features'])}",
        f"- left out / 제외: {excluded}",
        *_leak_lines(info.get("leaks") or []),
        "",
        "## Evaluation / 평가",
        f"- split / 분할: {split['kind']}, folds {split['folds']}: {split['reason_en']}",
        f"- 분할 방식: {split['reason_ko']}",
        "",
        *_metric_rows(info["metrics"]),
        "",
        *_uplift_lines(up),
        "",
        "## Limitations / 한계",
        "- 학습 데이터의 운전 범위 밖에서는 예측을 믿기 어렵습니다 (predict가 경고합니다).",
        "- Predictions outside the training operating range are unreliable (predict warns).",
        "- 최종 모델은 모든 행으로 다시 학습했으며, 위 지표는 분할된 시험 데이터에서 "
        "얻은 것입니다.",
        "- The final model is refit on all rows; the metrics above come from the held-out rows.",
        *_interval_lines(info["metrics"].get("interval")),
    ]
    if task == "anomaly":
        lines += [
            "- 학습 구간을 정상 운전으로 가정합니다; 감지율은 모의 계단 변화(3σ)로 측정했습니다.",
            "- The training window is assumed normal; detection rates use simulated 3σ "
            "step shifts.",
        ]
    return "\n".join(lines) + "\n"
