"""The table flow's steps on Spark (issue 19): each keeps its Polars step's name, outputs and
records, and changes only how rows are read, cleaned and written.

- ingest: the driver sniffs the file's head; Spark reads the file; the Polars parse runs per
  Arrow batch (spark_io.read_table); rows and junk cells are counted in one Spark pass;
- preprocess: every recipe operation, by the Polars recipe code per batch or per entity, or
  with statistics Spark computes over the whole table (``spark_recipe.py``); the proposal
  without ``--recipe`` is the Polars engine's; the final sort (time, id, file order) is Spark's;
- package: Spark's part files are joined into one ``data/table.parquet`` by the Polars engine's
  own streaming writer (same bytes), and the rest of the package step runs unchanged on it.

A step that cannot run on Spark yet is refused with a ko/en error naming it: never a silently
different product.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.engine import (
    ROW,
    SparkFrame,
    is_spark,
    scratch,
    spark_inputs,
    spark_io,
    spark_recipe,
)
from mfgdata.engine.session import get_session
from mfgdata.errors import ConfigError
from mfgdata.frames.limits import Limits
from mfgdata.frames.readers import TableStats
from mfgdata.packaging.flags import FLAGS, flag_columns
from mfgdata.packaging.flags import ROW as FLAG_ROW
from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import IngestResult, PreprocessResult
from mfgdata.pipeline.step import Step, StepResult
from mfgdata.recipe import model, render
from mfgdata.steps import ingest as ingest_step
from mfgdata.steps import insight as insight_step
from mfgdata.steps import model as model_step
from mfgdata.steps import package as package_step
from mfgdata.steps import preprocess as preprocess_step
from mfgdata.steps import standardize as standardize_step

#: recipe operations that look at one row at a time and keep every row in its place
ROW_WISE = (model.Rename, model.Cast, model.Drop, model.Keep, model.ConvertUnit, model.Derive)
#: steps that never read the table's rows (quality, price and aas run on either engine: their
#: classes say so with ``engines``)
NO_ROWS = ("register",)


def _master(ctx: RunContext) -> str | None:
    return ctx.options.spark_master or ctx.settings.spark_master


class SparkIngestStep(ingest_step.IngestStep):
    """The Polars ingest's records from Spark's reading of the inputs (``spark_inputs.py``):
    local files or URIs, one or several files of one table, CSV, Parquet or Excel."""

    def run(self, frame: Any, ctx: RunContext) -> StepResult:
        opts = ctx.options
        spark = get_session(_master(ctx))
        folder = scratch.for_build(ctx, spark)  # proved writable before anything is read
        given = spark_inputs.resolve(opts.inputs)
        for inp in given:
            spark_inputs.check_input(spark, inp)
        hashes = [spark_inputs.fingerprint(spark, i, ctx.settings.blobs_dir) for i in given]
        repeats = spark_inputs.repeats_of(hashes)  # read once: a copy adds no rows
        kept = [i for n, i in enumerate(given) if n not in repeats]
        table, reads = spark_io.plan_table(
            spark,
            kept,
            scratch=folder,
            sheet=opts.sheet,
            timezone=ctx.timezone,
            infer_rows=ctx.settings.infer_rows,
            encoding=opts.encoding,
            limits=Limits.from_settings(ctx.settings),
        )
        tcol = ingest_step.time_column(table, opts.time_column)
        zone = ingest_step.zone_source(table, opts.timezone)
        counted, shifts = spark_io.scan_counts(spark, table, reads)
        junk = {p.name: counted.get(f"__n_{p.name}", 0) for p in table.plans}
        per_source = [counted[f"__rows_{i}"] for i in range(len(table.sources))]
        rows = counted["__rows"]
        stats = TableStats(
            rows, per_source, spark_io.junk_evidence(spark, table, reads, junk, shifts)
        )
        read = iter(zip(table.sources, per_source, strict=True))
        inputs = []
        for n, inp in enumerate(given):
            sha, size = hashes[n]
            if n in repeats:
                first = given[repeats[n][0]]
                inputs.append(spark_inputs.duplicate_entry(inp, first, sha, size))
            else:
                src, src_rows = next(read)
                inputs.append(spark_inputs.input_entry(inp, src, sha, size, src_rows))
        typed = spark_io.read_table(spark, table, reads)
        names = [Path(i.name) for i in given]
        return StepResult(
            step=self.name,
            frame=typed,  # type: ignore[arg-type]
            data=IngestResult(
                inputs=inputs,
                columns=ingest_step.describe_columns(table),
                time_column=tcol,
                rows=rows,
                junk=ingest_step.junk_record(stats),
                timezone={"zone": ctx.timezone, "source": zone},
            ),
            findings=(
                ingest_step.duplicate_findings(names, repeats, self.name)
                + ingest_step.junk_findings(stats, self.name)
                + ingest_step.label_findings(table, self.name)
                + ingest_step.exact_int_findings(table, self.name)
                + ingest_step.zone_findings(table, ctx.timezone, zone, self.name)
            ),
            counts={
                "rows": rows,
                "inputs": len(inputs),
                "duplicate_inputs": len(repeats),
                "junk_values": sum(j.count for j in stats.junk.values()),
            },
        )


class SparkPreprocessStep(preprocess_step.PreprocessStep):
    """The recipe on Spark (``engine/spark_recipe.py``: every operation, the Polars engine's
    rows, values and records); with no ``--recipe``, the Polars engine's proposal from the
    profile and the duplicate rows Spark counts. The flags go to ``data/flags.parquet`` as on
    Polars."""

    def run(self, frame: Any, ctx: RunContext) -> StepResult:
        if not isinstance(frame, SparkFrame):
            raise ConfigError("전처리할 표가 없습니다", "there is no table to preprocess")
        from pyspark.sql import functions as F

        schema = frame.schema
        source = ctx.options.recipe
        recipe, notes = preprocess_step.settle_recipe(
            ctx, schema, lambda: spark_recipe.duplicate_rows(frame.df, schema)
        )
        metas = preprocess_step._column_meta(ctx.maybe(IngestResult))
        file = str(source) if source else preprocess_step.RECIPE_FILE
        ctx.progress(self.name, 0.2, "apply")
        folder = scratch.for_build(ctx, frame.df.sparkSession)
        runner = spark_recipe.Runner(
            recipe,
            schema,
            metas,
            file,
            folder.uri("spark-recipe"),
            group_max_rows=ctx.settings.spark_group_max_rows,
        )
        cleaned = runner.run(frame.df)
        if runner.rows:
            rows_in, rows_out = runner.rows[0], runner.rows[-1]
        else:
            rows_in = rows_out = int(cleaned.count())
        operations = runner.records
        final = runner.out
        out_schema = final.schema
        tc, ic = final.time_column, final.id_column
        if tc is not None:  # the Polars engine's final sort: time, id, nulls last, stable
            keys = [F.col(f"`{c}`").asc_nulls_last() for c in (tc, ic) if c]
            cleaned = cleaned.orderBy(*keys, F.col(ROW)).withColumn(
                ROW, F.monotonically_increasing_id()
            )
        elif any(not isinstance(s, ROW_WISE) for s in recipe.steps):  # rows dropped or moved
            cleaned = cleaned.orderBy(F.col(ROW)).withColumn(ROW, F.monotonically_increasing_id())
        ctx.product.write_yaml(preprocess_step.RECIPE_FILE, recipe.to_dict())
        ctx.progress(self.name, 0.6, "flags")
        flagged = flag_columns(list(out_schema.names()))
        files: tuple[str, ...] = (preprocess_step.RECIPE_FILE,)
        if flagged:
            numbered = spark_io.consecutive(cleaned)
            keyed = numbered.select(
                F.col(ROW).alias(FLAG_ROW), *[F.col(f"`{c}`") for c in flagged], ROW
            )
            flag_schema = pl.Schema({FLAG_ROW: pl.Int64(), **{c: out_schema[c] for c in flagged}})
            spark_io.write_product_parquet(
                SparkFrame(keyed, flag_schema), ctx.product.path(FLAGS), folder, "flag-parts"
            )
            files += (FLAGS,)
            cleaned = cleaned.drop(*flagged)
            out_schema = pl.Schema({n: t for n, t in out_schema.items() if n not in flagged})
        columns = [m.to_dict() for m in final.metas.values()]
        findings = tuple(preprocess_step._finding(op) for op in operations if op.get("outliers"))
        cells = sum(int(op.get("cells_affected", 0)) for op in operations)
        return StepResult(
            step=self.name,
            frame=SparkFrame(cleaned, out_schema),  # type: ignore[arg-type]
            data=PreprocessResult(
                recipe=recipe.to_dict(),
                operations=operations,
                columns=[c for c in columns if c["name"] not in flagged],
                flags=[c for c in columns if c["name"] in flagged],
                proposed=source is None,
                notes=[{"ko": ko, "en": en} for ko, en in notes],
            ),
            findings=findings,
            counts={
                "rows_in": rows_in,
                "rows_out": rows_out,
                "cells_changed": cells,
                "operations": len(recipe.steps),
            },
            files=files,
            report=render.section(
                operations,
                notes=notes,
                source=Path(source).name if source else None,
                rows=(rows_in, rows_out),
            ),
        )


class SparkPackageStep(package_step.PackageStep):
    def run(self, frame: Any, ctx: RunContext) -> StepResult:
        if not isinstance(frame, SparkFrame):
            return super().run(frame, ctx)
        final = ctx.work_dir / "product-table.parquet"
        folder = scratch.for_build(ctx, frame.df.sparkSession)
        spark_io.write_product_parquet(frame, final, folder)
        ctx.table = final  # the package step copies it: same bytes as the Polars engine's
        return super().run(pl.scan_parquet(final), ctx)


class SparkModelStep(model_step.ModelStep):
    """The model trains on a bounded sample collected to the driver: every k-th row in row
    (time) order, k = ceil(rows / cap), the Polars engine's rule. With k = 1 (a table within the
    cap) the sample is the whole table and the model is the Polars engine's; with k > 1 the
    rolling features are computed on the sampled rows (on Polars: before sampling), and the card
    says so."""

    def _fit(self, frame: Any, ctx: RunContext, time: str | None) -> Any:
        if not isinstance(frame, SparkFrame):
            return super()._fit(frame, ctx, time)
        from mfgdata.modeling.card import render_card

        cap = self.max_rows or model_step.row_cap(ctx.settings, len(frame.schema))
        sample, total, k = spark_io.every_kth(frame, cap)
        fitted = super()._fit(sample, ctx, time)
        if k == 1:
            return fitted
        sampling = {
            "rows_total": total,
            "rows_used": fitted.data["sampling"]["rows_used"],
            "every_kth_row": k,
            "method": "systematic: every k-th row in time order, collected to the Spark "
            "driver; rolling features computed on the sampled rows / 시간순 k번째 행마다, "
            "Spark 드라이버로 모음; 이동 통계는 표본 행으로 계산",
        }
        data = {**fitted.data, "sampling": sampling}
        return dataclasses.replace(fitted, data=data, card=render_card(data))


class SparkStandardizeStep(standardize_step.StandardizeStep):
    """The unit conversions run as the Polars step's own expressions, per Arrow batch."""

    def convert(self, frame: Any, exprs: list[pl.Expr]) -> Any:
        if not isinstance(frame, SparkFrame):
            return super().convert(frame, exprs)
        if not exprs:
            return frame  # nothing to convert (no mapped column carries a unit to change)
        schema = frame.schema
        out = pl.LazyFrame(schema=dict(schema)).with_columns(exprs).collect_schema()

        def convert(batch: pl.DataFrame) -> pl.DataFrame:
            typed: pl.LazyFrame = spark_io.from_spark(batch.lazy(), schema).with_columns(exprs)
            return typed.collect().with_columns(batch.get_column(ROW))

        return SparkFrame(spark_io.map_polars(frame.df, convert, spark_io.arrow_schema(out)), out)


class SparkInsightStep(insight_step.InsightStep):
    """The features are rebuilt on the model step's own Spark sample (every k-th row in row
    order, collected to the driver): the rows and the split the model was fitted on."""

    def derive(self, frame: Any, model: Any, units: Any) -> dict[str, Any]:
        if not isinstance(frame, SparkFrame) or model["task"] == "anomaly":
            return super().derive(frame, model, units)
        k = int(model["sampling"].get("every_kth_row", 1))
        sample, _, _ = spark_io.every_kth(frame, 1, k)
        on_sample = {**model, "sampling": {**model["sampling"], "every_kth_row": 1}}
        return super().derive(sample, on_sample, units)


class Refused:
    """A step that does not run on Spark yet: refused by name, before it reads anything."""

    reads_rows = False

    def __init__(self, step: Step) -> None:
        self.step = step
        self.name, self.title_ko, self.title_en = step.name, step.title_ko, step.title_en

    def run(self, frame: Any, ctx: RunContext) -> StepResult:
        if frame is not None and is_spark(frame):
            raise ConfigError(
                f"'{self.name}' 단계는 아직 Spark 엔진에서 실행되지 않습니다 (--engine polars)",
                f"the '{self.name}' step does not run on the Spark engine yet "
                "(use --engine polars)",
            )
        return self.step.run(frame, ctx)


_SPARK: dict[str, type[Step]] = {
    "ingest": SparkIngestStep,
    "preprocess": SparkPreprocessStep,
    "package": SparkPackageStep,
    "model": SparkModelStep,
    "standardize": SparkStandardizeStep,
    "insight": SparkInsightStep,
}


def for_spark(steps: Sequence[Step]) -> list[Step]:
    """The steps as they run on Spark: the Spark side where there is one, the step itself where
    it reads no rows, else a clear refusal."""
    out: list[Step] = []
    for s in steps:
        if s.name in _SPARK and type(s).__name__ == f"{s.name.title()}Step":
            spark_side = _SPARK[s.name].__new__(_SPARK[s.name])
            spark_side.__dict__.update(vars(s))  # the step's own options (model: task, cap)
            out.append(spark_side)
        elif s.name in NO_ROWS or "spark" in getattr(s, "engines", ()):
            out.append(s)
        else:
            out.append(Refused(s))  # type: ignore[arg-type]
    return out
