"""The sentences of insights.json (ko + en): every number with its unit, row count and interval."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mfgdata.modeling.features import FeatureSpec
from mfgdata.modeling.splits import SplitPlan
from mfgdata.modeling.windows import MIN_SUPPORT, eligible


def num(v: float | None, unit: str | None = None) -> str:
    """``63.2 °C``; ``–`` for a missing value; a unit of ``1`` is not written."""
    if v is None:
        return "–"
    text = f"{v:,.4g}"
    return f"{text} {unit}" if unit and unit != "1" else text


def pct(v: float | None, signed: bool = False) -> str:
    return "–" if v is None else (f"{v:+.1%}" if signed else f"{v:.1%}")


def ci(v: list[float] | None, signed: bool = False) -> str:
    if v is None:
        return "[–]"
    f = "{:+.1%}" if signed else "{:.1%}"
    return "[" + f.format(v[0]) + ", " + f.format(v[1]) + "]"


def window_text(name: str, w: Mapping[str, Any], what_ko: str, what_en: str) -> tuple[str, str]:
    """One sentence each for a plant engineer: the range (with its unit), where it was found
    and what it did on held-out rows."""
    h, f, unit = w["held_out"], w["found_on_training_rows"], w.get("unit")
    rng = f"{num(w['lo'])} ~ {num(w['hi'], unit)}"
    ok_ko = "시험 행에서 확인됨" if h["confirmed"] else "시험 행에서 확인되지 않음"
    ok_en = "confirmed on held-out rows" if h["confirmed"] else "not confirmed on held-out rows"
    ko = (
        f"{name} {rng} (학습 행 {f['rows']:,}개에서 찾은 범위): 범위 안 시험 행 "
        f"{h['rows_inside']:,}개의 {what_ko} 비율 {pct(h['rate_inside'])} "
        f"{ci(h['rate_inside_ci95'])}, 범위 밖 {h['rows_outside']:,}개 {pct(h['rate_outside'])} "
        f"{ci(h['rate_outside_ci95'])}; 차이 {pct(h['difference'], True)} "
        f"{ci(h['difference_ci95'], True)}, {ok_ko}"
    )
    en = (
        f"{name} {num(w['lo'])} to {num(w['hi'], unit)} (found on {f['rows']:,} training rows): "
        f"on the {h['rows_inside']:,} held-out rows inside, the {what_en} rate is "
        f"{pct(h['rate_inside'])} {ci(h['rate_inside_ci95'])}; outside ({h['rows_outside']:,} "
        f"rows) {pct(h['rate_outside'])} {ci(h['rate_outside_ci95'])}; difference "
        f"{pct(h['difference'], True)} {ci(h['difference_ci95'], True)}, {ok_en}"
    )
    return ko, en


def validation_record(plan: SplitPlan, n_train: int, n_test: int) -> dict[str, Any]:
    """How the insights were validated: the model's own split, which part was used."""
    part_en = "its held-out part" if len(plan.folds) == 1 else f"the last of its {len(plan.folds)}"
    part_ko = "시험 구간" if len(plan.folds) == 1 else f"{len(plan.folds)}개 중 마지막 시험 구간"
    return {
        "split": plan.kind,
        "training_rows": n_train,
        "held_out_rows": n_test,
        "min_support": MIN_SUPPORT,
        "text_en": (
            f"Windows are found on {n_train:,} training rows and measured on {n_test:,} held-out "
            f"rows ({part_en} folds of the model's {plan.kind} split); a window needs "
            f"{MIN_SUPPORT} held-out rows inside to be shown. Intervals are 95 %."
            if len(plan.folds) > 1
            else f"Windows are found on {n_train:,} training rows and measured on {n_test:,} "
            f"held-out rows ({part_en} of the model's {plan.kind} split); a window needs "
            f"{MIN_SUPPORT} held-out rows inside to be shown. Intervals are 95 %."
        ),
        "text_ko": (
            f"운전 범위는 학습 행 {n_train:,}개에서 찾고 시험 행 {n_test:,}개에서 효과를 "
            f"측정했습니다 (모델과 같은 {plan.kind} 분할의 {part_ko}). 범위 안 시험 행이 "
            f"{MIN_SUPPORT}개 이상인 범위만 보여 줍니다. 구간은 95 %입니다."
        ),
    }


def benefit(joint: Mapping[str, Any] | None, what_ko: str, what_en: str) -> dict[str, Any]:
    """The held-out effect of keeping all shown windows at once."""
    assumptions = {
        "assumptions_en": (
            "observed association, not proven cause; the windows can be held at the same time; "
            "the future resembles the data; the other conditions stay as they were"
        ),
        "assumptions_ko": (
            "관측된 연관이며 인과는 검증되지 않음; 여러 운전 범위를 동시에 지킬 수 있음; "
            "앞으로의 공정이 이 데이터와 비슷함; 다른 조건은 그대로 유지됨"
        ),
    }
    if joint is None:
        return {"measured_on": "held-out rows", **assumptions}
    j = joint
    names = ", ".join(j["windows"])
    which_en = f"the {names} window" if len(j["windows"]) == 1 else f"all of the {names} windows"
    which_ko = f"{names} 범위를" if len(j["windows"]) == 1 else f"{names} 범위를 모두"
    ko = (
        f"{which_ko} 지킨 시험 행 {j['rows_inside']:,}개 (전체 {j['rows']:,}개 중): "
        f"{what_ko} 비율 {pct(j['rate_inside'])} {ci(j['rate_inside_ci95'])}, 전체 "
        f"{pct(j['rate_overall'])}; 상대 감소 {pct(j['relative_reduction'], True)} "
        f"{ci(j['relative_reduction_ci95'], True)}"
    )
    en = (
        f"Held-out rows inside {which_en}: {j['rows_inside']:,} of {j['rows']:,}; "
        f"{what_en} rate {pct(j['rate_inside'])} {ci(j['rate_inside_ci95'])} against "
        f"{pct(j['rate_overall'])} overall; relative reduction "
        f"{pct(j['relative_reduction'], True)} {ci(j['relative_reduction_ci95'], True)}"
    )
    return {"measured_on": "held-out rows", **j, "text_ko": ko, "text_en": en, **assumptions}


def no_windows(
    model: Mapping[str, Any], spec: FeatureSpec, tried: bool, units: Mapping[str, str | None]
) -> dict[str, Any]:
    """Why no window is shown and, on time-to-event data, what the model is for instead."""
    if model["task"] != "rul":
        return {
            "text_ko": "시험 행에서 판단할 만큼 지지되는 운전 범위가 없어 범위를 제시하지 "
            "않습니다" + ("" if tried else " (학습 행에서 효과가 있는 범위가 없음)"),
            "text_en": "no operating window has enough held-out support to be judged, so none "
            "is shown" + ("" if tried else " (no window has an effect on the training rows)"),
        }
    rmse = (model.get("metrics") or {}).get("model", {}).get("rmse") or {}
    base = (model.get("metrics") or {}).get("baseline", {}).get("rmse") or {}
    u = units.get(str(spec.target)) or (units.get(str(spec.time)) if spec.time else None)
    unit = u if u and u != "1" else "cycles"
    unit_ko = u if u and u != "1" else "사이클"
    horizon = float(model["basis"]["horizon"])
    settings = any(eligible(f, "rul") for f in spec.features)
    lead_en = (
        f"use the model for maintenance lead time: it estimates the remaining useful life with "
        f"an RMSE of {num(rmse.get('value'), unit)} {ci_num(rmse.get('ci95'), unit)} on held-out "
        f"units (naive baseline {num(base.get('value'), unit)}); plan maintenance when the "
        f"predicted RUL falls below {num(horizon, unit)} plus that error"
    )
    lead_ko = (
        f"정비 선행 시간 확보에 쓰십시오: 시험 설비에서 잔존수명 추정 RMSE "
        f"{num(rmse.get('value'), unit_ko)} {ci_num(rmse.get('ci95'), unit_ko)} (단순 기준 "
        f"{num(base.get('value'), unit_ko)}); 예측 RUL이 {num(horizon, unit_ko)}에 "
        "이 오차를 더한 값 아래로 내려가면 정비를 계획합니다"
    )
    why_en = (
        "no process setting among the inputs has a window supported on held-out rows"
        if settings
        else "the inputs hold no controllable process setting (only sensor readings and their "
        "rolling means, which are symptoms of wear, not its causes), so no operating window is "
        "placed on them"
    )
    why_ko = (
        "입력 중 공정 설정값에서 시험 행으로 지지되는 운전 범위가 없습니다"
        if settings
        else "입력에 조정 가능한 공정 설정값이 없습니다 (센서 값과 그 이동평균은 마모의 "
        "원인이 아니라 증상이므로 운전 범위를 두지 않습니다)"
    )
    return {
        "use_instead": "maintenance_lead_time",
        "text_ko": f"{why_ko}. {lead_ko}.",
        "text_en": f"{why_en[0].upper()}{why_en[1:]}. Instead, {lead_en}.",
    }


def ci_num(v: list[float] | None, unit: str | None) -> str:
    return "[–]" if v is None else f"[{num(v[0])}, {num(v[1], unit)}]"


def drivers_basis(rows: int, repeats: int = 3) -> dict[str, Any]:
    """Where the drivers (permutation importance) were measured, in a sentence (ko/en)."""
    return {
        "measured_on": "held-out rows",
        "rows": rows,
        "repeats": repeats,
        "text_en": f"Drivers: permutation importance of the model trained on the training rows, "
        f"measured on {rows:,} held-out rows ({repeats} shuffles each; importance_sd is their "
        "spread). Association, not cause.",
        "text_ko": f"주요 인자: 학습 행으로 학습한 모델의 순열 중요도를 시험 행 {rows:,}개에서 "
        f"측정 (각 {repeats}회 섞음; importance_sd는 그 편차). 연관이며 인과가 아님.",
    }
