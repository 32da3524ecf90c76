"""Task detection: classification, regression, remaining useful life (RUL) or anomaly monitoring."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from mfgdata.errors import ConfigError
from mfgdata.frames.labels import defect_class

TaskKind = Literal["classification", "regression", "rul", "anomaly"]
TASKS: tuple[TaskKind, ...] = ("classification", "regression", "rul", "anomaly")

_RUL_NAME = re.compile(r"(^|[^a-z])rul([^a-z]|$)|remaining.?useful|잔존\s*수명|잔여\s*수명", re.I)
_GROUP_NAME = re.compile(
    r"^(unit|unit_?(nr|no|id)|engine|machine|machine_?id|equipment|asset|lot|lot_?(no|id)|batch"
    r"|batch_?(no|id)|run|run_?id|wafer|serial|설비|호기|로트|배치|기계)$",
    re.I,
)
_CYCLE_NAME = re.compile(r"cycle|사이클|운전\s*시간", re.I)
#: A numeric target with at most this many distinct integer values is a class label.
MAX_CLASSES = 20


@dataclass(frozen=True)
class Task:
    """The detected task, with the columns it depends on and why it was chosen."""

    kind: TaskKind
    target: str | None
    group: str | None
    time: str | None
    reason_ko: str
    reason_en: str
    classes: tuple[str, ...] = ()


def guess_group(schema: pl.Schema, exclude: set[str]) -> str | None:
    """A column that names a unit, lot, batch, run or machine (by name)."""
    for name in schema.names():
        if name not in exclude and _GROUP_NAME.match(name.strip()):
            return name
    return None


def guess_time(schema: pl.Schema, exclude: set[str]) -> str | None:
    """The first datetime column, else a cycle counter / clock column by name."""
    for name, dtype in schema.items():
        if name not in exclude and dtype.is_temporal():
            return name
    for name, dtype in schema.items():
        if name in exclude or not dtype.is_integer():
            continue
        if _CYCLE_NAME.search(name) or name.lower() in {"time", "clocktime", "timestamp", "시간"}:
            return name
    return None


def _is_rul_history(frame: pl.LazyFrame, target: str, group: str, time: str) -> bool:
    """Every unit ends at (about) zero and counts down one per time step: a run-to-failure RUL."""
    per_unit = (
        frame.sort(group, time)
        .group_by(group)
        .agg(
            pl.col(target).last().alias("last"),
            (pl.col(target).diff() + pl.col(time).diff()).abs().max().alias("drift"),
        )
        .collect()
    )
    if per_unit.height < 2:
        return False
    return bool(
        (per_unit["last"].abs() <= 1).all() and (per_unit["drift"].fill_null(0) <= 1e-6).all()
    )


def detect_task(
    frame: pl.LazyFrame,
    target: str | None,
    *,
    group: str | None = None,
    time: str | None = None,
    override: str | None = None,
) -> Task:
    """Detect the task from the target and the data; ``override`` forces a kind."""
    schema = frame.collect_schema()
    if override is not None and override not in TASKS:
        raise ConfigError(
            f"알 수 없는 작업 종류 '{override}' (가능: {', '.join(TASKS)})",
            f"unknown task '{override}' (one of: {', '.join(TASKS)})",
        )
    if target is not None and target not in schema:
        raise ConfigError(
            f"목표 열 '{target}'이(가) 데이터에 없습니다",
            f"target column '{target}' is not in the data",
            column=target,
        )
    used = {c for c in (target, group, time) if c}
    group = group or guess_group(schema, used)
    time = time or guess_time(schema, used | ({group} if group else set()))
    if target is None or override == "anomaly":
        return Task(
            "anomaly",
            None,
            group,
            time,
            "목표 열이 없어 공정 모니터링(이상 탐지)으로 학습합니다",
            "no target: process monitoring (anomaly detection)",
        )
    dtype = schema[target]
    if override in ("regression", "rul") or (override is None and dtype.is_numeric()):
        kind: TaskKind = "regression"
        if (
            override == "rul"
            or _RUL_NAME.search(target)
            or (
                group
                and time
                and schema[time].is_numeric()
                and _is_rul_history(frame, target, group, time)
            )
        ):
            kind = "rul"
        if (
            override is None
            and kind == "regression"
            and (dtype.is_integer() or dtype == pl.Boolean)
        ):
            distinct = frame.select(pl.col(target).n_unique()).collect().item()
            if distinct <= MAX_CLASSES:
                kind = "classification"
        if kind == "rul":
            return Task(
                "rul",
                target,
                group,
                time,
                "잔존수명(RUL): 설비별 고장까지 남은 시간",
                "remaining useful life: time to failure per unit",
            )
        if kind == "regression":
            return Task(
                "regression",
                target,
                group,
                time,
                "연속 품질값 예측(회귀)",
                "continuous quality value (regression)",
            )
    classes = (
        frame.select(pl.col(target).drop_nulls().cast(pl.String).unique().sort())
        .collect()
        .to_series()
        .to_list()
    )
    return Task(
        "classification",
        target,
        group,
        time,
        "불량/유형 분류",
        "pass/fail or defect type classification",
        tuple(str(c) for c in classes),
    )


NORMAL_LABELS = {"0", "ok", "pass", "good", "normal", "정상", "양품", "합격"}


def bad_classes(classes: list[str], y: NDArray[Any], target: str | None = None) -> list[int]:
    """Codes of the 'bad' classes.

    A two-valued label's defect class comes from :func:`mfgdata.frames.labels.defect_class`, the
    meaning ingest stored it by (``불량여부`` true = NG, ``합격여부`` true = good, OK/NG by their
    values). Otherwise all but the normal class: by name, else (a yes/no label whose header says
    nothing) the majority class.
    """
    if len(classes) == 2:
        defect = defect_class(target, classes)
        if defect is not None:
            return [classes.index(defect)]
    boolean = {c.strip().lower() for c in classes} == {"true", "false"}
    normal = [
        i for i, c in enumerate(classes) if not boolean and c.strip().lower() in NORMAL_LABELS
    ]
    keep = normal[0] if normal else int(np.bincount(y, minlength=len(classes)).argmax())
    return [i for i in range(len(classes)) if i != keep]
