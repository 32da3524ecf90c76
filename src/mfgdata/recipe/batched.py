"""A recipe applied to a wide table in column batches (issue 13 item 2, issue 12 item 4).

Polars' plan of a wide table grows with every column it touches: one ``with_columns`` of 1,000
tags, each with its own windows (Hampel's seven shifts, forward-fill runs), took 96 s and 4.8 GB on
20 rows (measured 2026-12-05; the streaming engine's work per expression grows with the number of
expressions in the node, so the whole is quadratic). A column's cleaning depends only on that
column and on the key columns (time, id), which the column-wise operations never change, so a
wide table is cleaned one batch of columns at a time: each batch is the key columns plus at most
``width`` others, planned, counted and written to a scratch Parquet file on its own, in memory
bounded by the build's memory setting; the result scans the batch files side by side.

The values, the order of rows and columns and the operation records are the ones the whole-table
path gives: row operations (``sort``) read the key columns only, which every batch holds equal, so
every batch puts its rows in the same order (stable sorts); records are merged in the order of the
recipe's steps and of each step's columns; flag columns follow the table in the same order.
A recipe with an operation that reads across columns (``dedupe`` of whole rows, ``filter``,
``derive``, ``resample`` ...) is not batched: :func:`plan` returns ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.errors import RecipeError
from mfgdata.quality.datacolumns import FLAG_SUFFIX
from mfgdata.recipe import model, ops
from mfgdata.recipe.state import ColumnMeta

#: A batch holds at most this many columns besides the keys, however few the rows: the plan's
#: cost grows faster than its width (quadratic in one node), so narrow plans are the cheap ones.
MAX_COLUMNS = 128
#: Bytes of working memory one cell of a batch may take while it is cleaned (the value, Hampel's
#: window of seven values as a list, medians, bounds, masks and the engine's copies).
CELL_BYTES = 512

_STEP = re.compile(r"steps\[(\d+)\]")
_COLUMN_WISE = (model.Missing, model.Outliers, model.Cast, model.ConvertUnit)


@dataclass(frozen=True)
class Plan:
    """How a wide table is split: the key columns every batch holds, and the batches."""

    keys: list[str]
    batches: list[list[str]]


def width(rows: int, memory_bytes: int) -> int:
    """Columns per batch: as many as ``memory_bytes`` allows for ``rows`` rows (half of it, the
    process itself takes the rest), at most :data:`MAX_COLUMNS` and at least one."""
    return max(1, min(MAX_COLUMNS, memory_bytes // (2 * CELL_BYTES * max(rows, 1))))


def _columns(step: Any) -> list[str]:
    if isinstance(step, model.ConvertUnit):
        return [step.column]
    return list(step.columns)


def plan(
    recipe: model.Recipe, schema: Mapping[str, Any], rows: int, memory_bytes: int
) -> Plan | None:
    """The batches of a wide table, or ``None`` when the recipe is applied to the whole table:
    the table is not wider than one batch, or an operation reads across columns."""
    keys = [c for c in (recipe.time_column, recipe.id_column) if c is not None and c in schema]
    for step in recipe.steps:
        if isinstance(step, model.Sort):
            keys += [c for c in step.columns if c not in keys]
        elif not isinstance(step, _COLUMN_WISE):
            return None
        elif isinstance(step, model.Missing) and any(
            isinstance(p, model.DropMissing) for p in step.columns.values()
        ):
            return None  # drops rows by a data column
    for step in recipe.steps:
        if isinstance(step, _COLUMN_WISE) and set(_columns(step)) & set(keys):
            return None  # a key column changes: every batch must see the same keys
        if isinstance(step, _COLUMN_WISE) and any(c not in schema for c in _columns(step)):
            return None  # an unknown column: the whole-table path names it
    if any(c not in schema for c in keys):
        return None  # the whole-table path names the missing column
    others = [c for c in schema if c not in keys]
    if len(others) <= MAX_COLUMNS:
        return None
    n = width(rows, memory_bytes)
    return Plan(keys=keys, batches=[others[i : i + n] for i in range(0, len(others), n)])


def _restricted(recipe: model.Recipe, batch: set[str]) -> tuple[model.Recipe, list[int]]:
    """The recipe on one batch (column-wise steps cut to its columns, empty ones left out) and
    the index in ``recipe`` of each step kept."""
    steps: list[Any] = []
    index: list[int] = []
    for i, step in enumerate(recipe.steps):
        if isinstance(step, model.Sort):
            steps.append(step)
        elif isinstance(step, model.ConvertUnit):
            if step.column not in batch:
                continue
            steps.append(step)
        elif isinstance(step, (model.Missing, model.Cast)):
            mine = {c: v for c, v in step.columns.items() if c in batch}
            if not mine:
                continue
            steps.append(step.model_copy(update={"columns": mine}))
        else:
            assert isinstance(step, model.Outliers)
            cols = [c for c in step.columns if c in batch]
            if not cols:
                continue
            steps.append(step.model_copy(update={"columns": cols}))
        index.append(i)
    return recipe.model_copy(update={"steps": steps}), index


def apply(
    recipe: model.Recipe,
    frame: pl.LazyFrame,
    split: Plan,
    *,
    work_dir: Path,
    finish: Callable[[ops.Applied], pl.LazyFrame],
    columns: Mapping[str, ColumnMeta] | None = None,
    file: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> ops.Applied:
    """Apply ``recipe`` batch by batch; ``finish`` turns a batch's result into its final frame
    (the step's last sort). The returned frame scans the batch files side by side."""
    work_dir.mkdir(parents=True, exist_ok=True)
    order = {i: _columns(s) for i, s in enumerate(recipe.steps) if not isinstance(s, model.Sort)}
    records: list[tuple[tuple[int, int], dict[str, Any]]] = []
    metas: dict[str, dict[str, Any]] = {}
    parts: list[pl.LazyFrame] = []
    first: ops.Applied | None = None
    for b, batch in enumerate(split.batches):
        sub, index = _restricted(recipe, set(batch))
        meta = {k: v for k, v in (columns or {}).items() if k in batch or k in split.keys}
        try:
            applied = ops.apply(
                sub,
                frame.select([*split.keys, *batch]),
                columns={k: ColumnMeta(**v.to_dict()) for k, v in meta.items()},
                file=file,
                engine="in-memory",
            )
        except RecipeError as e:  # name the step as the recipe numbers it, not the batch
            fix = partial(_STEP.sub, lambda m, ix=index: f"steps[{ix[int(m.group(1))]}]")
            e.ko, e.en = fix(e.ko), fix(e.en)
            e.args = (e.message(),)
            raise
        path = work_dir / f"batch-{b:05d}.parquet"
        finish(applied).collect(engine="in-memory").write_parquet(path, statistics=False)
        part = pl.scan_parquet(path)
        parts.append(part if b == 0 else part.drop(split.keys))
        first = first or applied
        for rec in applied.operations:
            i = index[rec["index"]]
            if isinstance(recipe.steps[i], model.Sort) and b > 0:
                continue  # the same rows moved in every batch: counted once
            pos = order[i].index(rec["column"]) if rec.get("column") in order.get(i, []) else 0
            records.append(((i, pos), {**rec, "index": i}))
        for c in applied.columns:
            metas.setdefault(c["name"], c)
        if progress is not None:
            progress((b + 1) / len(split.batches))
    assert first is not None
    flags = [
        f"{c}{FLAG_SUFFIX}"
        for s in recipe.steps
        if isinstance(s, model.Outliers) and s.action == "flag"
        for c in s.columns
    ]
    names = [*frame.collect_schema().names(), *flags]
    records.sort(key=lambda r: r[0])
    return ops.Applied(
        frame=pl.concat(parts, how="horizontal").select(names),
        operations=[r for _, r in records],
        columns=[metas[n] for n in names],
        time_column=first.time_column,
        id_column=first.id_column,
        rows_in=first.rows_in,
        rows_out=first.rows_out,
    )
