"""A recipe applied on Spark (issue 19): the rows, values and operation records of the Polars
engine, computed by the Polars recipe code wherever an operation's rows can be split.

The recipe is cut into stages; each stage's result is written to the build's scratch space
(Parquet) and read back, with its operations' records (counts summed over the pieces):

- **rows** (``mapInArrow``, per Arrow batch): rename, cast, drop, keep, convert_unit, derive,
  filter, missing with constant or drop policies only: each batch gives the whole table's rows;
- **entities** (``groupBy(id).applyInArrow``): missing with forward_fill / interpolate (limits and
  gap lengths), outliers hampel, outliers iqr / zscore when the recipe has an id column,
  resample, with the row operations between them: the Polars code runs on each entity's rows in
  row order (:data:`~mfgdata.engine.ROW`), which is what its ``over(id)`` sees on Polars. Without
  an id column these operations see the whole table: it is ONE group, which must fit in one
  Python worker's memory. Before such a stage Spark counts the largest group; one above
  ``Settings.spark_group_max_rows`` (default 5M rows) is refused with an :class:`InputError`
  naming the group and the way out (an id column, or a larger setting) instead of a worker
  running out of memory half-way;
- **whole table** (Spark): sort (``orderBy`` the keys then the row order: stable, nulls last),
  dedupe (a window over the compared columns keeps the first or last row in row order), outliers
  iqr / zscore without an id column and target_encode: Spark computes the statistics (iqr: the
  exact order statistics, interpolated on the driver with Polars' formula; zscore: mean and
  sample deviation; target_encode: count and sum per category and the mean), then the Polars
  code applies them per batch (``ops.apply`` with the handler given those statistics).

Tolerance: zscore bounds without an id column and target_encode sums are floating sums whose
order differs between the engines (Polars: its own blocks; Spark: per partition); they may
differ in the last bits (relative 1e-15). target_encode rounds to 12 decimals, which hides most
of it; integer-valued targets are exact. Everything else is the same bits.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from mfgdata.engine import ROW, spark_io
from mfgdata.engine.hadoop import hadoop_path
from mfgdata.errors import InputError
from mfgdata.quality.datacolumns import data_columns
from mfgdata.quality.findings import MAX_EVIDENCE
from mfgdata.recipe import clean, compute, model, ops
from mfgdata.recipe.model import Recipe
from mfgdata.recipe.state import SCRATCH, ColumnMeta, State

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: the row-order column while the Polars code runs on a piece (not a scratch name: the recipe
#: code refuses those; a name no recipe can write: it holds a NUL)
CARRY = "\x00row"
#: the column of a stage's output that holds a piece's records (JSON); data rows hold null
OPS = f"{SCRATCH}ops"
_OLD, _KEPT = f"{SCRATCH}old", f"{SCRATCH}kept"
_N, _TOTAL = f"{SCRATCH}te_n", f"{SCRATCH}te_total"

Handlers = Mapping[type[Any], Callable[[State, Any], None]]


@dataclass(frozen=True)
class Point:
    """The table as it is before a step: schema, column metadata, time and id columns."""

    schema: pl.Schema
    metas: dict[str, ColumnMeta]
    time_column: str | None
    id_column: str | None


def points(
    recipe: Recipe, schema: pl.Schema, metas: Mapping[str, ColumnMeta], file: str
) -> list[Point]:
    """The table before each step and after the last (planned on the empty table)."""
    out = []
    for i in range(len(recipe.steps) + 1):
        sub = recipe.model_copy(update={"steps": recipe.steps[:i]})
        done = ops.apply(
            sub,
            pl.LazyFrame(schema=dict(schema)),
            columns=copy.deepcopy(dict(metas)),
            file=file,
            count=False,
        )
        out.append(
            Point(
                done.frame.collect_schema(),
                {c["name"]: ColumnMeta(**c) for c in done.columns},
                done.time_column,
                done.id_column,
            )
        )
    return out


def _kind(step: Any, at: Point) -> str:
    """rows, entity or table (see the module's note)."""
    if isinstance(step, (model.Sort, model.Dedupe, model.TargetEncode)):
        return "table"
    if isinstance(step, model.Outliers) and not isinstance(step.method, model.Hampel):
        return "entity" if at.id_column else "table"
    if isinstance(step, (model.Outliers, model.Resample)):
        return "entity"
    if isinstance(step, model.Missing) and any(
        isinstance(p, (model.ForwardFill, model.Interpolate)) for p in step.columns.values()
    ):
        return "entity"
    return "rows"


@dataclass
class Stage:
    start: int
    kind: str
    steps: list[Any] = field(default_factory=list)


def stages(recipe: Recipe, at: list[Point]) -> list[Stage]:
    """The recipe cut into stages: row and entity steps join while the entity (the id column at
    the stage's start) stays the same column with the same values; a resample ends its stage
    (it reorders the rows); a table step is a stage of its own."""
    from mfgdata.steps.preprocess import _touched

    out: list[Stage] = []
    for i, step in enumerate(recipe.steps):
        kind = _kind(step, at[i])
        last = out[-1] if out else None
        joins = (
            kind != "table"
            and last is not None
            and last.kind != "table"
            and not any(isinstance(s, model.Resample) for s in last.steps)
            and at[i].id_column == at[last.start].id_column
            and not any(_touched(s) & {at[last.start].id_column} for s in last.steps)
        )
        if joins:
            assert last is not None
            last.steps.append(step)
            last.kind = "entity" if "entity" in (kind, last.kind) else "rows"
        else:
            out.append(Stage(i, kind, [step]))
    return out


def _sub(recipe: Recipe, at: Point, steps: list[Any]) -> Recipe:
    return Recipe(version=1, time_column=at.time_column, id_column=at.id_column, steps=steps)


def _carrying(sub: Recipe) -> Recipe:
    """The recipe with :data:`CARRY` kept through ``keep`` steps (it rides along the rows)."""
    steps = [
        s.model_copy(update={"columns": [*s.columns, CARRY]}) if isinstance(s, model.Keep) else s
        for s in sub.steps
    ]
    return sub.model_copy(update={"steps": steps})


def run_piece(
    sub: Recipe,
    metas: Mapping[str, ColumnMeta],
    file: str,
    frame: pl.DataFrame,
    handlers: Handlers | None = None,
) -> tuple[pl.DataFrame, list[Any]]:
    """The Polars recipe code on one piece (a batch, an entity, the table): the result with its
    row-order column, and [rows in, rows out, records]. The records are counted on the data
    columns alone (a row-order column would count in widths); the rows are followed by running
    the recipe again with the row-order column riding along. After a resample the rows are new:
    numbered 0, 1, ... in the resample's order."""
    data = frame.drop(ROW)
    counted = ops.apply(
        sub, data.lazy(), columns=copy.deepcopy(dict(metas)), file=file, handlers=handlers
    )
    rode = ops.apply(
        _carrying(sub),
        frame.rename({ROW: CARRY}).lazy(),
        columns=copy.deepcopy(dict(metas)),
        file=file,
        count=False,
        handlers=handlers,
    ).frame.collect()
    if any(isinstance(s, model.Resample) for s in sub.steps):
        out = (
            rode.drop(CARRY, strict=False)
            .with_row_index(ROW)
            .with_columns(pl.col(ROW).cast(pl.Int64))
        )
    else:
        out = rode.rename({CARRY: ROW})
    return out, [counted.rows_in, counted.rows_out, counted.operations]


def _spark_schema(schema: pl.Schema) -> pa.Schema:
    """A stage's Arrow output: Spark's types (``string``, not Polars' ``large_string``: a
    grouped Arrow UDF's result is checked type for type), the row order and :data:`OPS`."""
    large = {pa.large_string(): pa.string(), pa.large_binary(): pa.binary()}
    fields = [pa.field(f.name, large.get(f.type, f.type)) for f in spark_io.arrow_schema(schema)]
    return pa.schema([*fields, pa.field(OPS, pa.string())])


def _typed(table: pa.Table | pa.RecordBatch, schema: pl.Schema) -> pl.DataFrame:
    batch = pl.DataFrame(pl.from_arrow(table))
    out: pl.DataFrame = spark_io.from_spark(batch, schema)
    return out.with_columns(batch.get_column(ROW))


def _with_ops(out: pl.DataFrame, records: list[Any], schema: pa.Schema) -> pa.Table:
    """The piece's rows (:data:`OPS` null) and one row holding its records."""
    data = spark_io.to_spark_table(out, pa.schema(list(schema)[:-1]))
    data = data.append_column(OPS, pa.nulls(data.num_rows, pa.string()))
    note = pa.Table.from_pylist([{OPS: json.dumps(records, default=str)}], schema=schema)
    return pa.concat_tables([data, note])


def _sum(
    template: list[dict[str, Any]], planned: list[dict[str, Any]], parts: list[Any]
) -> list[dict[str, Any]]:
    """The pieces' records summed: the counts (the fields a counted record has and a planned
    one has not) add up; the rest is the template's."""
    out = [dict(r) for r in template]
    for rec, plan in zip(out, planned, strict=True):
        for k in rec.keys() - plan.keys():
            if isinstance(rec[k], int) and not isinstance(rec[k], bool):
                rec[k] = 0
    for part in parts:
        for rec, plan, more in zip(out, planned, part, strict=True):
            for k in rec.keys() - plan.keys():
                if isinstance(rec[k], int) and not isinstance(rec[k], bool):
                    rec[k] += int(more[k])
    return out


class Runner:
    """Applies a recipe to a Spark frame stage by stage (see the module's note)."""

    def __init__(
        self,
        recipe: Recipe,
        schema: pl.Schema,
        metas: Mapping[str, ColumnMeta],
        file: str,
        work: str | Path,
        group_max_rows: int = 5_000_000,
    ) -> None:
        self.recipe, self.file = recipe, file
        #: the folder of the stages: a Hadoop path (the build's scratch folder), or a local one
        self.work = hadoop_path(work) if isinstance(work, Path) else work
        self.group_max_rows = group_max_rows
        self.at = points(recipe, schema, metas, file)
        self.records: list[dict[str, Any]] = []
        self.rows: list[int] = []
        self._stage = 0

    # -- helpers -------------------------------------------------------------------------
    def _keep(self, df: DataFrame) -> DataFrame:
        """``df`` written to the scratch space and read back (each stage runs once)."""
        path = f"{self.work}/stage-{self._stage:03d}"
        self._stage += 1
        df.write.mode("overwrite").parquet(path)
        return df.sparkSession.read.parquet(path)

    def _check_groups(self, df: DataFrame, id_column: str | None, stage: Stage) -> None:
        """Refuse a stage whose largest entity exceeds ``group_max_rows`` (one worker holds it)."""
        from pyspark.sql import functions as F

        if id_column is None:
            largest, name = int(df.count()), None
        else:
            row = (
                df.groupBy(F.col(f"`{id_column}`").alias("g"))
                .count()
                .orderBy(F.col("count").desc())
                .first()
            )
            largest, name = (int(row["count"]), row["g"]) if row else (0, None)
        if largest <= self.group_max_rows:
            return
        steps = enumerate(stage.steps, stage.start)
        names = (type(s).__name__.lower() for i, s in steps if _kind(s, self.at[i]) == "entity")
        ops_ = ", ".join(dict.fromkeys(names))
        limit = f"{self.group_max_rows:,}"
        if id_column is None:
            raise InputError(
                f"Spark 엔진: 설비 ID 열이 없어 {ops_} 연산이 표 전체({largest:,}행)를 "
                f"한 작업자에서 처리해야 합니다(한도 {limit}행). "
                "--id-column으로 설비 열을 지정하거나 spark_group_max_rows 설정을 늘리세요.",
                f"Spark engine: without an id column the {ops_} operation must hold the whole "
                f"table ({largest:,} rows) on one worker (limit {limit} rows). Name the machine "
                "column with --id-column or raise the spark_group_max_rows setting.",
            )
        raise InputError(
            f"Spark 엔진: 설비 '{name}'의 행이 {largest:,}개로 {ops_} 연산을 한 작업자에서 처리할 "
            f"한도({limit}행)를 넘습니다. spark_group_max_rows 설정을 늘리세요.",
            f"Spark engine: machine '{name}' holds {largest:,} rows, over the limit of {limit} "
            f"rows one worker holds for the {ops_} operation. Raise the spark_group_max_rows "
            "setting.",
            column=id_column,
        )

    def _template(
        self,
        sub: Recipe,
        at: Point,
        handlers: Handlers | None,
        extra: Mapping[str, pl.DataType] | None = None,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The stage's records counted and planned on the empty table (fields and order)."""
        empty = pl.LazyFrame(schema={**dict(at.schema), **(extra or {})})
        kw: dict[str, Any] = {"columns": copy.deepcopy(at.metas), "file": self.file}
        counted = ops.apply(sub, empty, handlers=handlers, **kw).operations
        planned = ops.apply(sub, empty, count=False, handlers=handlers, **kw).operations
        return counted, planned

    def _polars(
        self,
        df: DataFrame,
        stage: Stage,
        *,
        grouped: bool,
        handlers: Handlers | None = None,
        extra: Mapping[str, pl.DataType] | None = None,
    ) -> DataFrame:
        """A stage run by the Polars code per batch or per entity; records summed."""
        from pyspark.sql import functions as F
        from pyspark.sql.pandas.types import from_arrow_schema

        at, after = self.at[stage.start], self.at[stage.start + len(stage.steps)]
        sub = _sub(self.recipe, at, stage.steps)
        schema_in = pl.Schema({**dict(at.schema), **(extra or {})})
        metas, file = at.metas, self.file
        out = _spark_schema(after.schema)

        def piece(table: pa.Table | pa.RecordBatch) -> pa.Table:
            frame = _typed(table, schema_in).sort(ROW)
            done, records = run_piece(sub, metas, file, frame, handlers)
            return _with_ops(done, records, out)

        def batches(it: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for b in it:
                if b.num_rows:
                    yield from piece(b).to_batches()

        def whole(it: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            got = [b for b in it if b.num_rows]
            if got:
                yield from piece(pa.Table.from_batches(got)).to_batches()

        spark_out = from_arrow_schema(out)
        if grouped:
            self._check_groups(df, at.id_column, stage)
        if not grouped:
            result = df.mapInArrow(batches, spark_out)  # type: ignore[arg-type]
        elif at.id_column is None:
            result = df.repartition(1).mapInArrow(whole, spark_out)  # type: ignore[arg-type]
        else:
            result = df.groupBy(F.col(f"`{at.id_column}`")).applyInArrow(piece, spark_out)
        kept = self._keep(result)
        parts = [json.loads(r[OPS]) for r in kept.filter(F.col(OPS).isNotNull()).collect()]
        template, planned = self._template(sub, at, handlers, extra)
        self._record(stage, template, planned, [p[2] for p in parts])
        if parts:
            self.rows += [sum(p[0] for p in parts), sum(p[1] for p in parts)]
        data = kept.filter(F.col(OPS).isNull()).drop(OPS)
        resampled = any(isinstance(s, model.Resample) for s in stage.steps)
        if resampled and after.id_column is not None:  # Polars: the entities in order
            key = F.col(f"`{after.id_column}`").asc_nulls_last()
            data = data.orderBy(key, F.col(ROW)).withColumn(ROW, F.monotonically_increasing_id())
        return data

    def _record(
        self,
        stage: Stage,
        template: list[dict[str, Any]],
        planned: list[dict[str, Any]],
        parts: list[Any],
    ) -> None:
        for rec in _sum(template, planned, parts):
            self.records.append({**rec, "index": stage.start + int(rec["index"])})

    def _positions(self, df: DataFrame) -> DataFrame:
        """``df`` with :data:`ROW` renumbered 0, 1, ... in row order."""
        from pyspark.sql import functions as F

        ordered = df.orderBy(F.col(ROW)).withColumn(ROW, F.monotonically_increasing_id())
        return spark_io.consecutive(ordered)

    # -- the whole-table operations ------------------------------------------------------
    def _sort(self, df: DataFrame, stage: Stage) -> DataFrame:
        from pyspark.sql import functions as F

        step: model.Sort = stage.steps[0]
        at = self.at[stage.start]
        keys = [
            F.col(f"`{c}`").desc_nulls_last()
            if step.descending
            else F.col(f"`{c}`").asc_nulls_last()
            for c in step.columns
        ]
        pos = self._positions(df).withColumnRenamed(ROW, _OLD)
        moved = pos.orderBy(*keys, F.col(_OLD)).withColumn(ROW, F.monotonically_increasing_id())
        kept = self._keep(spark_io.consecutive(moved))
        got = kept.agg(
            F.count(F.lit(1)).alias("n"), F.count_if(F.col(ROW) != F.col(_OLD)).alias("moved")
        ).first()
        n, count = (int(got["n"]), int(got["moved"])) if got else (0, 0)
        template, planned = self._template(_sub(self.recipe, at, stage.steps), at, None)
        self._record(stage, template, planned, [[{"rows_affected": count, "cells_affected": 0}]])
        self.rows += [n, n]
        return kept.drop(_OLD)

    def _dedupe(self, df: DataFrame, stage: Stage) -> DataFrame:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        step: model.Dedupe = stage.steps[0]
        at = self.at[stage.start]
        subset = list(step.columns) if step.columns else data_columns(at.schema.names())
        order = F.col(ROW).asc() if step.keep == "first" else F.col(ROW).desc()
        window = Window.partitionBy(*[F.col(f"`{c}`") for c in subset]).orderBy(order)
        marked = self._positions(df).withColumn(_KEPT, F.row_number().over(window) == 1)
        kept = self._keep(marked)
        got = kept.agg(F.count(F.lit(1)).alias("n"), F.count_if(F.col(_KEPT)).alias("k")).first()
        n, k = (int(got["n"]), int(got["k"])) if got else (0, 0)
        sample = kept.filter(~F.col(_KEPT)).select(ROW).orderBy(ROW).limit(MAX_EVIDENCE).collect()
        width = len(at.schema)
        template, planned = self._template(_sub(self.recipe, at, stage.steps), at, None)
        counts = {
            "rows_before": n,
            "rows_after": k,
            "rows_affected": n - k,
            "cells_affected": (n - k) * width,
        }
        self._record(stage, template, planned, [[counts]])
        self.records[-1]["rows"] = [int(r[ROW]) for r in sample]
        self.rows += [n, k]
        return kept.filter(F.col(_KEPT)).drop(_KEPT)

    def _bounds(self, df: DataFrame, stage: Stage) -> DataFrame:
        """iqr / zscore over the whole table: Spark's statistics, the Polars code per batch."""
        import narwhals as nw
        from pyspark.sql import functions as F

        from mfgdata.profiling import backend

        step: model.Outliers = stage.steps[0]
        method = step.method
        stats: dict[str, tuple[float | None, float | None]] = {}
        if isinstance(method, model.Iqr):
            values = {c: nw.col(c).cast(nw.Float64()) for c in step.columns}
            got = backend.summarize(
                backend.lazy(df),
                values,
                lambda n: {backend.COUNT: nw.col(n).count()},
                {"q1": 0.25, "q3": 0.75},
                lambda row: None,
            )
            stats = {c: (got[c][0]["q1"], got[c][0]["q3"]) for c in step.columns}
        else:
            aggs = []
            for i, c in enumerate(step.columns):
                x = F.col(f"`{c}`").cast("double")
                aggs += [F.avg(x).alias(f"m{i}"), F.stddev_samp(x).alias(f"s{i}")]
            row = df.agg(*aggs).first()
            assert row is not None
            stats = {c: (row[f"m{i}"], row[f"s{i}"]) for i, c in enumerate(step.columns)}

        def given(s: State, c: str) -> pl.LazyFrame:
            a, b = (pl.lit(v, pl.Float64) for v in stats[c])
            if isinstance(method, model.Iqr):
                low, high = clean.iqr_bounds(a, b, method.k)
            else:
                assert isinstance(method, model.Zscore)
                low, high = clean.zscore_bounds(a, b, method.threshold)
            return s.lf.with_columns(low.alias(clean.LOW), high.alias(clean.HIGH))

        def outliers(s: State, op: model.Outliers) -> None:
            clean.outliers(s, op, bounds=given)

        return self._polars(df, stage, grouped=False, handlers={model.Outliers: outliers})

    def _target_encode(self, df: DataFrame, stage: Stage) -> DataFrame:
        """Count and sum of the target per category and its mean over the table (Spark); the
        Polars code per batch given them."""
        from pyspark.sql import functions as F

        step: model.TargetEncode = stage.steps[0]
        y = F.col(f"`{step.target}`").cast("double")
        key = f"{SCRATCH}te_key"
        per = df.groupBy(F.col(f"`{step.column}`").alias(key)).agg(
            F.count(y).alias(_N), F.coalesce(F.sum(y), F.lit(0.0)).alias(_TOTAL)
        )
        got = df.agg(F.avg(y).alias("m")).first()
        mean = got["m"] if got else None
        on = F.col(f"`{step.column}`").eqNullSafe(F.col(key))
        joined = df.join(F.broadcast(per), on=on, how="inner").drop(key)

        def encode(s: State, op: model.TargetEncode) -> None:
            compute.target_encode(s, op, (pl.col(_N), pl.col(_TOTAL), pl.lit(mean, pl.Float64)))
            s.refresh(s.lf.drop(_N, _TOTAL))

        extra = {_N: pl.Int64(), _TOTAL: pl.Float64()}
        return self._polars(
            joined, stage, grouped=False, handlers={model.TargetEncode: encode}, extra=extra
        )

    # -- the whole recipe ----------------------------------------------------------------
    def run(self, df: DataFrame) -> DataFrame:
        for stage in stages(self.recipe, self.at):
            step = stage.steps[0]
            if stage.kind != "table":
                df = self._polars(df, stage, grouped=stage.kind == "entity")
            elif isinstance(step, model.Sort):
                df = self._sort(df, stage)
            elif isinstance(step, model.Dedupe):
                df = self._dedupe(df, stage)
            elif isinstance(step, model.TargetEncode):
                df = self._target_encode(df, stage)
            else:
                df = self._bounds(df, stage)
        return df

    @property
    def out(self) -> Point:
        return self.at[-1]


def duplicate_rows(df: DataFrame, schema: pl.Schema) -> int:
    """Rows equal to an earlier row on the data columns (the Polars engine's
    ``clean.duplicate_rows``: nulls equal, NaNs equal, -0.0 equal to 0.0)."""
    names = data_columns(schema.names())
    cols = [f"`{c}`" for c in names]
    return int(df.count()) - int(df.select(*cols).distinct().count())
