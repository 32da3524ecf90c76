"""The guidebook in KAMP's analysis-guide structure, written from the product folder's own files.

Sections, in KAMP's order: 1 분석 배경 (background), 2 데이터 설명 (data description),
3 데이터 전처리 (preprocessing), 4 분석 (analysis), 5 분석 결과 (results), 6 활용 방안
(how to use). Every figure comes from a file of the product (``datapackage.json``,
``profile.json``, ``recipe.yaml``, ``quality.json``, ``model/metrics.json``, ``insights.json``,
``lineage.json``); nothing is invented. Text a person must write (the background of the problem,
the use in the field) comes from the bundle's metadata and is marked when missing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mfgdata.errors import ProductError

#: recipe operations as people say them
OPS = {
    "rename": ("열 이름 변경", "rename columns"),
    "cast": ("형 변환", "type conversion"),
    "drop": ("열 제거", "drop columns"),
    "keep": ("열 선택", "keep columns"),
    "sort": ("정렬", "sort"),
    "convert_unit": ("단위 변환", "unit conversion"),
    "missing": ("결측 처리", "missing values"),
    "dedupe": ("중복 제거", "duplicate removal"),
    "outliers": ("이상값 처리", "outliers"),
    "resample": ("리샘플링", "resampling"),
    "filter": ("행 필터", "row filter"),
    "derive": ("파생 변수", "derived column"),
    "target_encode": ("목표 변수 인코딩", "target encoding"),
}
TODO_KO = "(작성 필요: 제공기관이 채워 주세요)"
TODO_EN = "(to be written by the provider)"


@dataclass(frozen=True)
class GuideText:
    """What people write: the problem behind the data and how the field uses it."""

    background: str = ""
    usage: str = ""
    process: str = ""  # e.g. 사출성형 / injection moulding
    extra: dict[str, str] = field(default_factory=dict)


def _json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise ProductError(
            "제품 파일이 올바른 JSON이 아닙니다", "a product file is not valid JSON", file=path
        ) from e
    return data if isinstance(data, dict) else {}


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _columns(package: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    resources = package.get("resources") or [{}]
    fields = resources[0].get("schema", {}).get("fields", [])
    stats = profile.get("columns", {})
    lines = [
        "| 열 / column | 원래 이름 / raw name | 형식 / type | 단위 / unit | 결측률 / nulls |",
        "|---|---|---|---|---|",
    ]
    for f in fields:
        s = stats.get(f["name"], {})
        nulls = s.get("null_ratio")
        lines.append(
            f"| {f['name']} | {f.get('rawName', f['name'])} | {f.get('type', '')} |"
            f" {f.get('unit', '-') or '-'} | {'-' if nulls is None else f'{nulls:.1%}'} |"
        )
    return lines


def _recipe(recipe: dict[str, Any]) -> list[str]:
    steps = recipe.get("steps") or []
    if not steps:
        return ["전처리 단계 없음 / no preprocessing step."]
    lines = []
    for i, step in enumerate(steps, start=1):
        op = str(step.get("op", "?"))
        ko, en = OPS.get(op, (op, op))
        params = {k: v for k, v in step.items() if k != "op"}
        detail = json.dumps(params, ensure_ascii=False, sort_keys=True)
        lines.append(f"{i}. **{ko} / {en}** (`{op}`): `{detail}`")
    return lines


def _quality(quality: dict[str, Any]) -> list[str]:
    lines = [
        "| 측정 / measure | 값 / value | 기준 / threshold | 통과 / passed |",
        "|---|---|---|---|",
    ]
    for m in quality.get("measures", []):
        column = f" ({m['column']})" if m.get("column") else ""
        lines.append(
            f"| {m.get('name_ko', m['id'])} / {m.get('name_en', m['id'])}{column} |"
            f" {_fmt(m.get('value'))} | {_fmt(m.get('threshold'))} |"
            f" {'예 / yes' if m.get('passed') else '아니오 / no'} |"
        )
    return lines


def _model(metrics: dict[str, Any]) -> list[str]:
    if not metrics:
        return ["이 제품에는 기준 모델이 없습니다 / this product has no baseline model."]
    inner = metrics.get("metrics")
    values = inner if isinstance(inner, dict) else metrics
    lines = ["| 지표 / metric | 값 / value |", "|---|---|"]
    for key, value in sorted(values.items()):
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            lines.append(f"| {key} | {_fmt(value)} |")
    return lines


def _insights(insights: dict[str, Any]) -> list[str]:
    items = insights.get("windows") or insights.get("insights") or []
    out = []
    for item in items[:10]:
        if isinstance(item, dict):
            ko = item.get("ko") or item.get("text_ko") or item.get("message_ko")
            en = item.get("en") or item.get("text_en") or item.get("message_en")
            if ko or en:
                out.append(f"- {ko or ''} / {en or ''}")
    return out


def guidebook(product: Path, *, title: str, text: GuideText) -> str:
    """The guidebook (Markdown, Korean with English) of the product folder ``product``."""
    package = _json(product / "datapackage.json")
    profile = _json(product / "profile.json")
    quality = _json(product / "quality.json")
    lineage = _json(product / "lineage.json")
    metrics = _json(product / "model" / "metrics.json")
    insights = _json(product / "insights.json")
    recipe_file = product / "recipe.yaml"
    recipe = (
        yaml.safe_load(recipe_file.read_text(encoding="utf-8")) if recipe_file.is_file() else {}
    )
    time = profile.get("time") or {}
    entities = profile.get("entities") or {}
    target = profile.get("target")
    options = lineage.get("options", {})
    inputs = lineage.get("inputs", [])

    out = [f"# {title}", "", "KAMP 분석 가이드북 / KAMP analysis guidebook", ""]
    out += ["## 1. 분석 배경 / Background", ""]
    out.append(text.background or f"{TODO_KO} {TODO_EN}")
    if text.process:
        out += ["", f"- 공정 / process: {text.process}"]
    out += ["", "## 2. 데이터 설명 / Data description", ""]
    out.append(f"- 행 수 / rows: {profile.get('rows', '-')} 행 / rows")
    if time:
        interval = time.get("interval_seconds")
        out.append(f"- 시간 열 / time column: {time.get('column')}")
        out.append(f"- 기간 / period: {time.get('start', '-')} ~ {time.get('end', '-')}")
        if interval is not None:
            out.append(f"- 수집 주기 / sampling interval: {_fmt(interval)} s")
        if options.get("timezone"):
            out.append(f"- 시간대 / time zone: {options['timezone']}")
    if entities:
        ids = ", ".join(str(i.get("id")) for i in entities.get("items", [])[:20])
        out.append(f"- 설비·개체 / entities: {entities.get('count')} ({ids})")
    if target:
        out.append(f"- 목표 변수 / target: {target}")
    for src in inputs:
        out.append(
            f"- 원천 파일 / source file: {src.get('name')} ({src.get('rows', '-')} 행 / rows,"
            f" {src.get('bytes', '-')} bytes, SHA-256 {str(src.get('sha256', ''))[:16]}…)"
        )
    out += ["", *_columns(package, profile)]
    out += ["", "## 3. 데이터 전처리 / Preprocessing", ""]
    out.append(
        "`recipe.yaml`의 단계를 순서대로 적용했습니다 / the steps of `recipe.yaml`, in order:"
    )
    out += ["", *_recipe(recipe or {})]
    out += ["", "## 4. 분석 / Analysis", ""]
    rule = (quality.get("scheme") or {}).get("rule_ko")
    out.append("품질 측정 (ISO/IEC 25012 특성) / quality measures (ISO/IEC 25012 characteristics):")
    if rule:
        out += ["", f"> {rule}"]
    out += ["", *_quality(quality)]
    out += ["", "기준 모델 / baseline model:", "", *_model(metrics)]
    out += ["", "## 5. 분석 결과 / Results", ""]
    score = quality.get("score")
    out.append(
        f"- 품질 등급 / quality grade: {quality.get('grade', '-')}"
        + (f" (점수 / score {score:.3f} of 1)" if isinstance(score, int | float) else "")
    )
    for reason in quality.get("grade_reasons", []):
        out.append(f"- {reason.get('ko', '')} / {reason.get('en', '')}")
    out += _insights(insights)
    out += ["", "## 6. 활용 방안 / How to use", ""]
    out.append(text.usage or f"{TODO_KO} {TODO_EN}")
    out += [
        "",
        "```python",
        "import polars as pl",
        'table = pl.read_parquet("data/table.parquet")  # or pl.read_csv("data/table.csv")',
        "```",
        "",
        "열의 단위와 형식은 `datapackage.json`에 있습니다 / units and types are in"
        " `datapackage.json`.",
    ]
    return "\n".join(out) + "\n"


def created_day(product: Path) -> dt.date:
    """The product's creation day in Korea (KST), from its manifest."""
    created = _json(product / "manifest.json").get("created")
    if not created:
        raise ProductError(
            "manifest.json에 생성 시각이 없습니다", "the manifest has no created time"
        )
    stamp = dt.datetime.fromisoformat(created)
    return stamp.astimezone(dt.timezone(dt.timedelta(hours=9))).date()
