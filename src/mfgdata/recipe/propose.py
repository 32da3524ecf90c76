"""Propose a conservative recipe from the profile and the ingest result.

Rules (also in docs/recipe.md); a proposal never deletes information silently:

1. columns with no value at all are dropped (except the time, id and target columns);
2. constant columns are kept, with a note;
3. exact duplicate rows are removed (``dedupe`` without key columns: nothing is lost); rows are
   compared on the data columns only, never on what the build added (``source_file``, outlier
   flags), so a row exported in two monthly files is removed once; the step's ``note`` and the
   notes say how many rows, on which columns and why;
   duplicate timestamps with different values are kept, with a note;
4. with a time column: rows are sorted by time (and id), short gaps of numeric sensors
   (at most ``FILL_LIMIT`` consecutive nulls) are forward-filled, longer gaps stay null;
5. numeric sensors with at least ``MIN_DISTINCT`` distinct values get ``outliers`` with
   ``action: flag`` — hampel (rolling, per entity) with a time column, iqr (k=3) without.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from mfgdata.quality.datacolumns import data_columns, excluded_columns
from mfgdata.recipe import model

FILL_LIMIT = 3
MIN_DISTINCT = 10
HAMPEL = model.Hampel(name="hampel", window=3, n_sigmas=3.0)
IQR = model.Iqr(name="iqr", k=3.0)


@dataclass(frozen=True)
class Proposal:
    recipe: model.Recipe
    notes: list[tuple[str, str]] = field(default_factory=list)  # (ko, en)


def _stats(profile: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    columns = (profile or {}).get("columns") or {}
    return {str(k): v for k, v in columns.items() if isinstance(v, Mapping)}


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _names(columns: list[str], at_most: int = 12) -> str:
    more = len(columns) - at_most
    return ", ".join(columns[:at_most]) + (f" … (+{more})" if more > 0 else "")


def _dedupe_note(count: int, names: list[str]) -> tuple[str, str]:
    """Why ``dedupe`` is proposed: how many rows, compared on which columns, what was left out."""
    data, left = data_columns(names), excluded_columns(names)
    ko = (
        f"완전히 같은 행 {count}개 제거: 데이터 열 {len(data)}개({_names(data)})의 값이 "
        "앞의 행과 모두 같습니다 (같은 기록이 여러 번 들어 있음, 첫 행을 유지)"
    )
    en = (
        f"removed {count} exact duplicate rows: all {len(data)} data columns ({_names(data)}) "
        "equal an earlier row (the same record delivered more than once; the first is kept)"
    )
    if left:
        ko += f"; 빌드가 추가한 열은 비교하지 않음: {', '.join(left)}"
        en += f"; columns the build added are not compared: {', '.join(left)}"
    return ko, en


def propose(
    schema: Mapping[str, pl.DataType],
    profile: Mapping[str, Any] | None,
    *,
    time_column: str | None = None,
    id_column: str | None = None,
    target: str | None = None,
    duplicate_rows: int = 0,
) -> Proposal:
    """A recipe for a table with ``schema``, from its profile (``profile.json`` form)."""
    stats = _stats(profile)
    rows = _int((profile or {}).get("rows"))
    time = (profile or {}).get("time") or {}
    if time_column is None or time_column not in schema or not schema[time_column].is_temporal():
        time_column = None
    if id_column not in schema:
        id_column = None
    keys = {c for c in (time_column, id_column, target) if c}
    steps: list[Any] = []
    notes: list[tuple[str, str]] = []

    empty = [
        c for c in schema if c not in keys and rows and _int(stats.get(c, {}).get("count")) == 0
    ]
    if empty:
        steps.append(model.Drop(op="drop", columns=empty))
        notes.append(
            (
                f"값이 하나도 없는 열 삭제: {', '.join(empty)}",
                f"dropped empty columns: {', '.join(empty)}",
            )
        )
    for c in schema:
        s = stats.get(c, {})
        if c not in keys and c not in empty and s.get("distinct") == 1 and s.get("nulls") == 0:
            notes.append((f"상수 열 '{c}' (유지)", f"constant column '{c}' (kept)"))
    if duplicate_rows > 0:
        ko, en = _dedupe_note(duplicate_rows, [c for c in schema if c not in empty])
        steps.append(model.Dedupe(op="dedupe", note=f"{ko} / {en}"))
        notes.append((ko, en))
    dup_times = (_int((time.get("duplicates") or {}).get("count")) or 0) - duplicate_rows
    if dup_times > 0:
        notes.append(
            (
                f"같은 시각의 행 {dup_times}개는 값이 달라 유지합니다",
                f"{dup_times} rows share a timestamp with different values; kept",
            )
        )

    sensors = [
        c
        for c in schema
        if c not in keys
        and c not in empty
        and schema[c].is_numeric()
        and (_int(stats.get(c, {}).get("distinct")) or 0) >= MIN_DISTINCT
    ]
    if time_column is not None:
        steps.append(
            model.Sort(op="sort", columns=[time_column, *([id_column] if id_column else [])])
        )
        gappy = [
            c
            for c in schema
            if c not in keys
            and c not in empty
            and schema[c].is_numeric()
            and (_int(stats.get(c, {}).get("nulls")) or 0) > 0
        ]
        if gappy:
            fill = model.ForwardFill(policy="forward_fill", limit=FILL_LIMIT, max_gap=FILL_LIMIT)
            steps.append(model.Missing(op="missing", columns={c: fill for c in gappy}))
            notes.append(
                (
                    f"{FILL_LIMIT}개 이하 짧은 결측은 앞 값으로 채움, 긴 결측은 그대로: "
                    f"{', '.join(gappy)}",
                    f"short gaps (≤ {FILL_LIMIT} rows) forward-filled, long gaps left null: "
                    f"{', '.join(gappy)}",
                )
            )
    if sensors:
        method: model.Hampel | model.Iqr = HAMPEL if time_column else IQR
        steps.append(model.Outliers(op="outliers", columns=sensors, method=method, action="flag"))
        notes.append(
            (
                f"이상치는 삭제하지 않고 표시만 합니다 ({method.name}): {', '.join(sensors)}",
                f"outliers are flagged, not removed ({method.name}): {', '.join(sensors)}",
            )
        )
    recipe = model.Recipe(version=1, time_column=time_column, id_column=id_column, steps=steps)
    return Proposal(recipe=recipe, notes=notes)
