"""Preprocess step: apply a recipe (given with ``--recipe``, or proposed from the profile).

The recipe actually applied is written as ``recipe.yaml``; a second build with
``--recipe <product>/recipe.yaml`` on the same inputs gives the same data. The frame stays lazy;
rows are sorted by the time column (and the id column) when there is one. The recipe's quality
flags (``<column>__outlier``) are written to ``data/flags.parquet`` keyed by row and leave the
frame: the product table keeps the data's width and no later step (model, quality) sees them.
The cleaned table (the product's Parquet settings) and the flags are written once, in the query
that counts what every operation changed; the step hands back the table's scan (issue #12).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.errors import ConfigError
from mfgdata.packaging.datafiles import SINK_CHUNK_ROWS, parquet_sink
from mfgdata.packaging.flags import FLAGS, split_flags, write_flags
from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import IngestResult, PreprocessResult, ProfileResult
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.datacolumns import data_columns
from mfgdata.quality.findings import Finding
from mfgdata.recipe import batched, clean, load, model, ops, propose, render
from mfgdata.recipe.model import Recipe
from mfgdata.recipe.state import ColumnMeta

RECIPE_FILE = "recipe.yaml"


def _column_meta(ingest: IngestResult | None) -> dict[str, ColumnMeta]:
    metas: dict[str, ColumnMeta] = {}
    for c in ingest.columns if ingest is not None else []:
        if isinstance(c, Mapping) and c.get("name"):
            name = str(c["name"])
            metas[name] = ColumnMeta(
                name=name, source=str(c.get("raw_name") or name), unit=c.get("unit") or None
            )
    return metas


def _keys(ctx: RunContext, schema: pl.Schema) -> tuple[str | None, str | None]:
    """The time and id columns: options first, then ingest and profile."""
    profile = ctx.maybe(ProfileResult)
    time = (profile.time or {}) if profile is not None else {}
    facts = ctx.facts
    time_column = facts.time_column or time.get("column")
    id_column = facts.id_column or time.get("entity_column")
    for option, name in (("time_column", time_column), ("id_column", id_column)):
        if name is not None and name not in schema:
            raise ConfigError(
                f"{option} 옵션의 열 '{name}'이 표에 없습니다",
                f"the {option} column '{name}' is not in the table",
                column=name,
            )
    return time_column, id_column


def settle_recipe(
    ctx: RunContext, schema: pl.Schema, duplicate_rows: Callable[[], int]
) -> tuple[Recipe, list[tuple[str, str]]]:
    """The recipe this build applies, and the proposal's notes (both engines): ``--recipe``
    with the settled time and id columns where it names none, else the proposal from the
    profile and the count of duplicate rows (``duplicate_rows``: the engine's own count)."""
    time_column, id_column = _keys(ctx, schema)
    notes: list[tuple[str, str]] = []
    source = ctx.options.recipe
    if source is not None:
        recipe = load.load(source)
        recipe = recipe.model_copy(
            update={
                "time_column": recipe.time_column or time_column,
                "id_column": recipe.id_column or id_column,
            }
        )
    else:
        profile = ctx.maybe(ProfileResult)
        unique = _keys_unique(profile, schema, time_column, id_column)
        proposal = propose.propose(
            dict(schema),
            profile.as_dict() if profile else None,
            time_column=time_column,
            id_column=id_column,
            target=ctx.facts.target,
            duplicate_rows=0 if unique else duplicate_rows(),
        )
        recipe, notes = proposal.recipe, proposal.notes
    return Recipe.model_validate(recipe.to_dict()), notes  # re-checked as it will be written


def _keys_unique(
    profile: ProfileResult | None, schema: pl.Schema, time_column: str | None, id_column: str | None
) -> bool:
    """No two rows can be equal, so no duplicate rows need counting: the profile of this table
    found every (entity, time) key once and no time null, and the key columns are data columns
    (those rows are compared on). A null time has no neighbour difference: such rows are counted.
    """
    t = profile.time if profile is not None else None
    if not t or time_column is None or t.get("column") != time_column:
        return False
    if t.get("entity_column") != id_column:
        return False
    dups = t.get("duplicates") or {}
    keys = {c for c in (time_column, id_column) if c}
    return t.get("nulls") == 0 and dups.get("count") == 0 and keys <= set(data_columns(schema))


def _duplicates(frame: pl.LazyFrame) -> int:
    """Exact duplicate rows on the data columns (one lazy aggregate; ``source_file`` left out)."""
    return clean.duplicate_rows(frame)


#: operations that keep the order of the rows (when they change no key column)
_KEEP_ORDER = (
    model.Missing,
    model.Outliers,
    model.Cast,
    model.ConvertUnit,
    model.Drop,
    model.Keep,
    model.Dedupe,
    model.Filter,
    model.Derive,
    model.TargetEncode,
)


def _touched(step: Any) -> set[str]:
    """Columns whose values ``step`` may change (a new column's name included)."""
    if isinstance(step, model.ConvertUnit):
        return {step.column}
    if isinstance(step, model.TargetEncode):
        return {step.output or f"{step.column}__te"}
    if isinstance(step, model.Derive):
        return {step.column} if step.column else set()  # ``name = ...``: a new column
    if isinstance(step, (model.Missing, model.Cast)):
        return set(step.columns)
    if isinstance(step, model.Outliers):
        return set(step.columns)
    return set()


def _ordered(recipe: Recipe, keys: list[str]) -> bool:
    """The recipe leaves its rows sorted by ``keys`` (ascending, nulls last, stable): its last
    sort starts with the keys and every later operation keeps the order and the key values."""
    if not keys or any(isinstance(s, model.Rename) for s in recipe.steps):
        return False
    ordered = False
    for step in recipe.steps:
        if isinstance(step, model.Sort):
            ordered = step.columns[: len(keys)] == keys and not step.descending
        elif not isinstance(step, _KEEP_ORDER) or _touched(step) & set(keys):
            ordered = False
    return ordered


def _final_sort(
    frame: pl.LazyFrame, time_column: str | None, id: str | None, recipe: Recipe | None = None
) -> pl.LazyFrame:
    keys = [c for c in (time_column, id) if c]
    if time_column is None or (recipe is not None and _ordered(recipe, keys)):
        return frame  # already in this order: a stable sort would move no row
    return frame.sort(keys, nulls_last=True, maintain_order=True)


def _finding(op: Mapping[str, Any]) -> Finding:
    how = f"{op['method']}, {op['action']}"
    return Finding(
        code="outliers_flagged" if op["action"] == "flag" else "outliers_changed",
        severity="info",
        message_ko=f"{op['column']}: 이상치 {op['outliers']}개 ({how})",
        message_en=f"{op['column']}: {op['outliers']} outliers ({how})",
        column=op["column"],
        count=op["outliers"],
        step="preprocess",
    )


class PreprocessStep:
    """Applies a recipe lazily and records what every operation changed."""

    name = "preprocess"
    title_ko = "전처리"
    title_en = "Preprocess"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        if frame is None:
            raise ConfigError("전처리할 표가 없습니다", "there is no table to preprocess")
        schema = frame.collect_schema()
        recipe, notes = settle_recipe(ctx, schema, lambda: _duplicates(frame))
        source = ctx.options.recipe
        ctx.progress(self.name, 0.2, "apply")
        metas = _column_meta(ctx.maybe(IngestResult))
        file = str(source) if source else RECIPE_FILE
        split = (  # a narrow table (most) is not counted here: ops.apply counts it
            batched.plan(
                recipe,
                schema,
                int(frame.select(pl.len()).collect().item()),
                ctx.settings.build_memory_bytes,
            )
            if len(schema) > batched.MAX_COLUMNS
            else None
        )
        written: Path | None = None  # the cleaned table, with the product's Parquet settings
        flags_file = ctx.work_dir / "flags.parquet"
        if split is None:
            # The cleaned table and its flags are written in the same query that counts what
            # every operation changed: the plan runs once, the table is written once (issue #12).
            written = ctx.new_table()

            def sinks(lf: pl.LazyFrame, t: str | None, i: str | None) -> list[pl.LazyFrame]:
                table, flags = split_flags(_final_sort(lf, t, i, recipe))
                out = [parquet_sink(table, written)]
                return out if flags is None else [*out, parquet_sink(flags, flags_file)]

            with pl.Config(streaming_chunk_size=SINK_CHUNK_ROWS):
                applied = ops.apply(recipe, frame, columns=metas, file=file, then=sinks)
            final = applied.frame
        else:  # a wide table: one batch of columns at a time (recipe/batched.py)
            applied = batched.apply(
                recipe,
                frame,
                split,
                work_dir=ctx.work_dir / "preprocess",
                finish=lambda a: _final_sort(a.frame, a.time_column, a.id_column, recipe),
                columns=metas,
                file=file,
                progress=lambda f: ctx.progress(self.name, 0.2 + 0.4 * f, "apply"),
            )
            final = applied.frame
        ctx.product.write_yaml(RECIPE_FILE, recipe.to_dict())
        ctx.progress(self.name, 0.6, "flags")
        table, flags = split_flags(final)
        files: tuple[str, ...] = (RECIPE_FILE,)
        if flags is not None:
            if written is None:
                write_flags(flags, ctx.product.path(FLAGS))
            else:  # written by the query above
                flags_file.replace(ctx.product.path(FLAGS))
            files += (FLAGS,)
        flagged = set(flags.collect_schema().names()) if flags is not None else set()
        if written is not None:
            table = pl.scan_parquet(written)
        findings = tuple(_finding(op) for op in applied.operations if op.get("outliers"))
        cells = sum(int(op.get("cells_affected", 0)) for op in applied.operations)
        return StepResult(
            step=self.name,
            frame=table,
            table=written,
            data=PreprocessResult(
                recipe=recipe.to_dict(),
                operations=applied.operations,
                columns=[c for c in applied.columns if c["name"] not in flagged],
                flags=[c for c in applied.columns if c["name"] in flagged],
                proposed=source is None,
                notes=[{"ko": ko, "en": en} for ko, en in notes],
            ),
            findings=findings,
            counts={
                "rows_in": applied.rows_in or 0,
                "rows_out": applied.rows_out or 0,
                "cells_changed": cells,
                "operations": len(recipe.steps),
            },
            files=files,
            report=render.section(
                applied.operations,
                notes=notes,
                source=Path(source).name if source else None,
                rows=(applied.rows_in, applied.rows_out),
            ),
        )
