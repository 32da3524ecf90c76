"""The measured work of one build: what the cost approach prices, each figure with its unit and
the step it came from.

Read from the results of the steps that ran before ``price`` (through the run context, never from
their files) and from the seconds the runner measured for each step. A figure a step did not
report is 0 with the source ``not measured``; nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NOT_MEASURED = "not measured"
#: bytes per cell used to estimate the product table's stored size (8-byte numbers, no compression)
BYTES_PER_CELL = 8

#: field → (unit, Korean label, English label)
FIELDS: dict[str, tuple[str, str, str]] = {
    "raw_rows": ("rows", "원본 행", "raw rows read"),
    "raw_columns": ("columns", "원본 열", "raw columns read"),
    "raw_cells": ("cells", "원본 셀 (행 × 열)", "raw cells (rows × columns)"),
    "raw_bytes": ("bytes", "원본 파일 크기", "raw input size"),
    "rows": ("rows", "제품 행", "product rows"),
    "columns": ("columns", "제품 열", "product columns"),
    "cells": ("cells", "제품 셀 (행 × 열)", "product cells (rows × columns)"),
    "rows_removed": ("rows", "정제로 제거된 행", "rows removed by cleaning"),
    "cells_cleaned": ("cells", "정제로 바뀐 셀", "cells changed, filled, flagged or removed"),
    "columns_standardized": ("columns", "표준 속성에 매핑된 열", "columns mapped to a standard"),
    "models": ("models", "학습된 모델", "models trained"),
    "model_seconds": ("s", "모델 학습 시간", "model training time"),
    "processing_seconds": ("s", "처리 시간 (가격 이전 단계 합)", "processing time (steps)"),
    "stored_mb": ("MB", "저장 용량 (원본 + 제품 추정)", "stored size (raw + product estimate)"),
}
#: figures of an image product (issue 15), listed only when the product holds images
IMAGE_FIELDS: dict[str, tuple[str, str, str]] = {
    "images": ("images", "이미지", "images collected"),
    "labelled": ("images", "레이블이 있는 이미지", "images labelled"),
}


@dataclass(frozen=True)
class Work:
    """Measured figures of one build (see :data:`FIELDS` for units)."""

    raw_rows: int
    raw_columns: int
    raw_bytes: int
    rows: int
    columns: int
    rows_removed: int = 0
    cells_cleaned: int = 0
    columns_standardized: int = 0
    models: int = 0
    model_seconds: float = 0.0
    step_seconds: Mapping[str, float] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    images: int = 0
    labelled: int = 0

    @property
    def raw_cells(self) -> int:
        return self.raw_rows * self.raw_columns

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def processing_seconds(self) -> float:
        return round(sum(self.step_seconds.values()), 3)

    @property
    def stored_mb(self) -> float:
        return round((self.raw_bytes + self.cells * BYTES_PER_CELL) / 1_000_000, 6)

    def value(self, name: str) -> float:
        return float(getattr(self, name))

    def source(self, name: str) -> str:
        return self.sources.get(name, NOT_MEASURED)

    def to_dict(self) -> dict[str, Any]:
        """Every figure with its unit, labels and source; step seconds listed per step."""
        out: dict[str, Any] = {}
        fields = {**FIELDS, **IMAGE_FIELDS} if self.images else FIELDS
        for name, (unit, ko, en) in fields.items():
            value = getattr(self, name)
            out[name] = {
                "value": value,
                "unit": unit,
                "label_ko": ko,
                "label_en": en,
                "source": self.source(name),
            }
        out["step_seconds"] = {
            "value": dict(sorted(self.step_seconds.items())),
            "unit": "s",
            "label_ko": "단계별 처리 시간",
            "label_en": "time per step",
            "source": self.source("processing_seconds"),
        }
        return out


def _int(x: Any) -> int:
    return int(x) if isinstance(x, int | float) and not isinstance(x, bool) else 0


def _model_made(model: Mapping[str, Any] | None) -> bool:
    return bool(model) and not (model or {}).get("skipped") and "metrics" in (model or {})


def measure(
    *,
    rows: int,
    columns: int,
    size_source: str,
    ingest: Mapping[str, Any] | None,
    preprocess_counts: Mapping[str, Any] | None,
    standardize_counts: Mapping[str, Any] | None,
    model: Mapping[str, Any] | None,
    seconds: Mapping[str, float],
) -> Work:
    """The work from the earlier steps' results and the runner's ``seconds`` per finished step."""
    src: dict[str, str] = {"rows": size_source, "columns": size_source, "cells": size_source}
    raw_rows, raw_columns, raw_bytes = rows, columns, 0
    if ingest:
        raw_rows = _int(ingest.get("rows")) or rows
        raw_columns = len(ingest.get("columns") or []) or columns
        raw_bytes = sum(_int(i.get("bytes")) for i in ingest.get("inputs") or [])
        src.update(raw_rows="ingest", raw_columns="ingest", raw_cells="ingest")
        src["raw_bytes"] = "ingest" if raw_bytes else NOT_MEASURED
    else:  # no ingest result: the product table is the best measure of what was collected
        src.update(raw_rows=size_source, raw_columns=size_source, raw_cells=size_source)
    rows_removed = cells_cleaned = 0
    if preprocess_counts:
        rows_removed = max(
            0, _int(preprocess_counts.get("rows_in")) - _int(preprocess_counts.get("rows_out"))
        )
        cells_cleaned = _int(preprocess_counts.get("cells_changed"))
        src.update(rows_removed="preprocess", cells_cleaned="preprocess")
    standardized = 0
    if standardize_counts:
        standardized = _int(standardize_counts.get("mapped"))
        src["columns_standardized"] = "standardize"
    made = _model_made(model)
    if model is not None:
        src["models"] = "model"
    steps = {k: float(v) for k, v in seconds.items()}
    if steps:
        src["processing_seconds"] = "runner (step seconds)"
    if "model" in seconds:
        src["model_seconds"] = "runner (model step seconds)"
    src["stored_mb"] = "ingest + product estimate" if raw_bytes else "product estimate"
    images = _int((ingest or {}).get("images"))
    labelled = _int((ingest or {}).get("labelled"))
    if images:
        src.update(images="ingest", labelled="ingest")
    return Work(
        raw_rows=raw_rows,
        raw_columns=raw_columns,
        raw_bytes=raw_bytes,
        rows=rows,
        columns=columns,
        rows_removed=rows_removed,
        cells_cleaned=cells_cleaned,
        columns_standardized=standardized,
        models=1 if made else 0,
        model_seconds=float(seconds.get("model", 0.0)) if made else 0.0,
        step_seconds=steps,
        sources=src,
        images=images,
        labelled=labelled,
    )
