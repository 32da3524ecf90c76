"""Propose a conservative recipe from the profile and the ingest result.

Rules (also in docs/recipe.md); a proposal never deletes information silently:

1. columns with no value at all are dropped (except the time, id and target columns);
2. constant columns are kept, with a note;
3. exact duplicate rows are removed (``dedupe`` without key columns: nothing is lost);
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
        steps.append(model.Dedupe(op="dedupe"))
        notes.append(
            (
                f"완전히 같은 행 {duplicate_rows}개 제거",
                f"removed {duplicate_rows} exact duplicate rows",
            )
        )
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
