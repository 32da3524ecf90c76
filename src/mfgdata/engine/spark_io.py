"""The Spark side of the engine: read, materialise, write the product table, sample.

Reading: the driver sniffs only the head of each file with the frames/ detection (encoding incl.
CP949, header row, delimiter, names, types; ``spark_inputs.py``: local files, URIs, several
files, Excel); Spark reads each whole file as text cells with that settled dialect, the files in
order, and the *same* Polars parse expressions the Polars engine uses turn the cells into typed
columns inside an Arrow UDF (``mapInArrow``), batch by batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from mfgdata.engine import ROW, SparkFrame
from mfgdata.engine.hadoop import hadoop_path
from mfgdata.engine.scratch import Scratch
from mfgdata.engine.spark_inputs import Read, SparkInput, open_inputs
from mfgdata.errors import InputError
from mfgdata.frames.limits import Limits
from mfgdata.frames.readers import (
    EVIDENCE,
    MAX_TOKENS,
    SOURCE_FILE,
    JunkStat,
    Table,
    _check_same_columns,
    _plans,
)
from mfgdata.frames.sources import Source
from mfgdata.packaging.datafiles import write_parquet

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Python codec → Java charset (Spark reads with the JVM's decoders)
_JAVA_CHARSETS = {"cp949": "x-windows-949", "utf-8-sig": "UTF-8", "utf-8": "UTF-8"}


#: a source's row-order ids are shifted by its index << FILE_BITS: ``id >> 33`` (the partition
#: part of ``monotonically_increasing_id``) then orders the partitions of every file, in file
#: order (up to 2^20 partitions a file and 1,024 files)
FILE_BITS = 53
MAX_FILES = 1 << (63 - FILE_BITS)


def plan_table(
    spark: SparkSession,
    inputs: Sequence[SparkInput],
    *,
    scratch: Scratch,
    sheet: str | None,
    timezone: str,
    infer_rows: int,
    encoding: str | None,
    limits: Limits,
) -> tuple[Table, list[Read]]:
    """One logical table from the inputs (same columns; the Polars engine's plans over every
    file's sample) and how Spark reads each source."""
    if not inputs:
        raise InputError("입력 파일이 없습니다", "no input files were given")
    if len(inputs) > MAX_FILES:
        raise InputError(
            f"Spark 엔진은 한 번에 파일 {MAX_FILES:,}개까지 읽습니다",
            f"the Spark engine reads up to {MAX_FILES:,} files at once",
        )
    sources, reads = open_inputs(
        spark,
        inputs,
        scratch=scratch,
        sheet=sheet,
        infer_rows=infer_rows,
        encoding=encoding,
        limits=limits,
    )
    _check_same_columns(sources)
    table = Table(sources, _plans(sources), timezone, limits=limits)
    table.offsets = table._fixed_offsets()
    return table, reads


def _raw_one(spark: SparkSession, src: Source, read: Read, index: int, multi: bool) -> DataFrame:
    """One file's cells as read (CSV: text; Parquet: stored types), the file's name when the
    table has several, and the row-order column (shifted by the file's index)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    names = src.names
    extra = [F.lit(read.name).alias(SOURCE_FILE)] if multi else []
    shifted = (F.col(ROW) + F.lit(index << FILE_BITS)).alias(ROW)
    if read.kind == "parquet":
        cols = [
            F.col(f"`{raw}`").alias(name) for name, raw in zip(names, read.columns, strict=True)
        ]
        df = spark.read.parquet(read.path).withColumn(ROW, F.monotonically_increasing_id())
        return df.select(*cols, *extra, shifted)
    schema = T.StructType([T.StructField(f"_c{i}", T.StringType()) for i in range(len(names))])
    enc = _JAVA_CHARSETS.get((src.encoding or "utf-8").lower(), src.encoding or "UTF-8")
    df = (
        spark.read.option("sep", src.delimiter or ",")
        .option("encoding", enc)
        .option("header", "false")
        .option("mode", "PERMISSIVE")
        .option("nullValue", "")
        .schema(schema)
        .csv(read.path)
        .withColumn(ROW, F.monotonically_increasing_id())
    )
    # the first data line of the file: partition 0 holds the file's first lines (ids 0, 1, ...)
    df = df.filter(F.col(ROW) >= src.data_line)
    return df.select(*[F.col(f"_c{i}").alias(n) for i, n in enumerate(names)], *extra, shifted)


def _raw(spark: SparkSession, table: Table, reads: Sequence[Read]) -> DataFrame:
    """Every file's cells in file order, then line order (see :func:`_raw_one`)."""
    parts = [
        _raw_one(spark, src, read, i, table.multi)
        for i, (src, read) in enumerate(zip(table.sources, reads, strict=True))
    ]
    df = parts[0]
    for more in parts[1:]:
        df = df.unionByName(more)
    return df


def _extra(table: Table) -> list[pl.Expr]:
    """The file each row came from, when the table has several (as on Polars)."""
    return [pl.col(SOURCE_FILE)] if table.multi else []


def _schema(table: Table) -> pl.Schema:
    raw = pl.LazyFrame(schema={p.name: p.read for p in table.plans})
    raw = raw.with_columns(pl.lit("", pl.String).alias(SOURCE_FILE)) if table.multi else raw
    parsed = [table._parse(p).alias(p.name) for p in table.plans]
    return raw.select(*parsed, *_extra(table)).collect_schema()


def _spark_type(dtype: pl.DataType) -> pa.DataType:
    """The Arrow type Spark carries a Polars type as."""
    if isinstance(dtype, pl.Datetime):
        return pa.timestamp("us", tz="UTC" if dtype.time_zone else None)
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return pa.string()
    return pl.DataFrame(schema={"x": dtype}).to_arrow().schema.field("x").type


def arrow_schema(schema: pl.Schema) -> pa.Schema:
    fields = [pa.field(n, _spark_type(t)) for n, t in schema.items()]
    return pa.schema([*fields, pa.field(ROW, pa.int64())])


def from_spark(frame: pl.DataFrame | pl.LazyFrame, schema: pl.Schema) -> Any:
    """Spark's columns back to the Polars schema (zones, categoricals, time units)."""
    exprs = []
    for name, dtype in schema.items():
        if isinstance(dtype, pl.Datetime) and dtype.time_zone:
            exprs.append(pl.col(name).dt.convert_time_zone(dtype.time_zone).cast(dtype))
        else:
            exprs.append(pl.col(name).cast(dtype))
    return frame.select(exprs)


def map_polars(sf_df: DataFrame, fn: Any, out: pa.Schema) -> DataFrame:
    """Run ``fn(pl.DataFrame) -> pl.DataFrame`` on every Arrow batch of ``sf_df`` (executors)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for b in batches:
            if b.num_rows == 0:
                continue
            result = fn(pl.from_arrow(b))
            if result.height:
                table = to_spark_table(result, out)
                yield from table.to_batches()

    return sf_df.mapInArrow(run, from_arrow_schema(out))  # type: ignore[arg-type]


def to_spark_table(df: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    exprs = []
    for name, dtype in df.schema.items():
        if isinstance(dtype, pl.Datetime) and dtype.time_zone:
            exprs.append(pl.col(name).dt.convert_time_zone("UTC").dt.cast_time_unit("us"))
        elif isinstance(dtype, pl.Datetime):
            exprs.append(pl.col(name).dt.cast_time_unit("us"))
        elif isinstance(dtype, pl.Categorical | pl.Enum):
            exprs.append(pl.col(name).cast(pl.String))
    out = df.with_columns(exprs) if exprs else df
    return out.to_arrow().select(schema.names).cast(schema)


def _cast_raw(raw_types: dict[str, pl.DataType]) -> list[pl.Expr]:
    """The text cells cast to the types the head settled; text that is no such value (a
    historian's ``Bad`` below the sniffed head) becomes null, and is counted as junk."""
    return [pl.col(n).cast(t, strict=False) for n, t in raw_types.items()]


def _unread(name: str) -> pl.Expr:
    """A cell that held text (not blank) and is null once cast: junk the head could not see."""
    raw = pl.col(f"__raw_{name}")
    return (
        raw.is_not_null() & (raw.cast(pl.String).str.strip_chars() != "") & pl.col(name).is_null()
    )


def _with_raw(batch: pl.DataFrame, names: Sequence[str]) -> pl.DataFrame:
    return batch.with_columns(pl.col(n).alias(f"__raw_{n}") for n in names)


def read_table(spark: SparkSession, table: Table, reads: Sequence[Read]) -> SparkFrame:
    """The typed table on Spark: the Polars engine's parse of every column, batch by batch."""
    schema = _schema(table)
    parse = [table._parse(p).alias(p.name) for p in table.plans]
    cast = _cast_raw({p.name: p.read for p in table.plans})

    def typed(batch: pl.DataFrame) -> pl.DataFrame:
        return batch.with_columns(cast).select(*parse, *_extra(table), pl.col(ROW))

    df = map_polars(_raw(spark, table, reads), typed, arrow_schema(schema))
    return SparkFrame(df, schema)


def scan_counts(
    spark: SparkSession, table: Table, reads: Sequence[Read]
) -> tuple[dict[str, int], dict[int, int]]:
    """Rows, rows of each source and junk cells per column (``__rows``, ``__rows_<i>``,
    ``__n_<column>``) in one Spark pass with the Polars engine's count expressions, and each
    partition's shift from its row-order ids to 0-based row numbers
    (``row = id + shift[id >> 33]``)."""
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    raw_types = {p.name: p.read for p in table.plans}
    texts = [n for n, t in raw_types.items() if t != pl.String]
    exprs = [pl.len().alias("__rows"), *table._junk_counts()]
    unread = [_unread(n).sum().alias(f"__u_{n}") for n in texts]
    names = [e.meta.output_name() for e in exprs] + [e.meta.output_name() for e in unread]
    fields = [pa.field(f"{i}:{n}", pa.int64()) for i, n in enumerate(names)]
    out = pa.schema([pa.field("__pid", pa.int64()), pa.field("__lo", pa.int64()), *fields])
    cast = _cast_raw(raw_types)

    def counts(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for b in batches:
            if b.num_rows == 0:
                continue
            batch = _with_raw(pl.DataFrame(pl.from_arrow(b)), texts).with_columns(cast)
            row = table._parsed(batch.lazy()).select(exprs).collect()
            if unread:
                row = pl.concat([row, batch.select(unread)], how="horizontal")
            lo = batch.select(pl.col(ROW).min()).item()
            head = pl.DataFrame({"__pid": [lo >> 33], "__lo": [lo]})
            row = pl.concat([head, row.cast(pl.Int64)], how="horizontal")
            yield row.to_arrow().rename_columns(out.names).cast(out).to_batches()[0]

    df = _raw(spark, table, reads).mapInArrow(counts, from_arrow_schema(out))  # type: ignore[arg-type]
    sums = [F.sum(F.col(f"`{n}`")).alias(n) for n in out.names[2:]]
    per = df.groupBy("__pid").agg(F.min("__lo").alias("__lo"), *sums).collect()
    total: dict[str, int] = {}
    shifts: dict[int, int] = {}
    start = 0
    for r in sorted(per, key=lambda r: int(r["__pid"])):
        for n, key in zip(out.names[2:], names, strict=True):
            key = key.replace("__u_", "__n_", 1)  # text in a number column: junk of that column
            total[key] = total.get(key, 0) + int(r[n] or 0)
        shifts[int(r["__pid"])] = start - int(r["__lo"])
        start += int(r["0:__rows"])
        file = f"__rows_{int(r['__pid']) >> (FILE_BITS - 33)}"
        total[file] = total.get(file, 0) + int(r["0:__rows"])
    total.setdefault("__rows", 0)
    for i in range(len(table.sources)):
        total.setdefault(f"__rows_{i}", 0)
    return total, shifts


def junk_evidence(
    spark: SparkSession,
    table: Table,
    reads: Sequence[Read],
    counts: dict[str, int],
    shifts: dict[int, int],
) -> dict[str, JunkStat]:
    """The Polars engine's junk evidence for the columns with junk: the first row numbers, the
    distinct values in order of first appearance and the most frequent values with their
    counts (a second, narrow pass, only when junk was found; bounded by EVIDENCE and
    MAX_TOKENS whatever the number of junk cells)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    raw_types = {p.name: p.read for p in table.plans}
    flagged = [p.name for p in table.plans if counts.get(p.name)]
    if not flagged:
        return {}
    flags = table._junk_flags()
    texts = [n for n in flagged if raw_types[n] != pl.String]
    cast = _cast_raw(raw_types)
    picks = []
    for n in flagged:
        junk, shown = flags.get(n, (pl.lit(False), pl.lit(None, pl.String)))
        flag, value = junk.fill_null(False), shown.cast(pl.String)
        if n in texts:
            text = _unread(n)
            flag = text | flag
            raw = pl.col(f"__raw_{n}").cast(pl.String).str.strip_chars()
            value = pl.when(text).then(raw).otherwise(value)
        picks.append((n, flag, value))
    out = pa.schema([("column", pa.string()), ("row", pa.int64()), ("shown", pa.string())])

    def cells(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for b in batches:
            batch = _with_raw(pl.DataFrame(pl.from_arrow(b)), texts).with_columns(cast)
            parsed = table._parsed(batch.lazy())
            parts = [
                parsed.filter(flag).select(
                    pl.lit(n, pl.String).alias("column"),
                    pl.col(ROW).alias("row"),
                    value.alias("shown"),
                )
                for n, flag, value in picks
            ]
            hits = pl.concat(parts).collect()
            if hits.height:
                yield from hits.to_arrow().cast(out).to_batches()

    found = _raw(spark, table, reads).mapInArrow(cells, from_arrow_schema(out))  # type: ignore[arg-type]
    found = found.persist()
    try:
        first = Window.partitionBy("column").orderBy("row")
        rows = found.withColumn("k", F.row_number().over(first)).filter(F.col("k") <= EVIDENCE)
        values = found.groupBy("column", "shown").agg(
            F.count(F.lit(1)).alias("n"), F.min("row").alias("first")
        )
        often = Window.partitionBy("column").orderBy(F.desc("n"), F.asc("shown"))
        early = Window.partitionBy("column").orderBy("first")
        tokens = values.withColumn("k", F.row_number().over(often)).filter(F.col("k") <= MAX_TOKENS)
        examples = values.withColumn("k", F.row_number().over(early)).filter(F.col("k") <= EVIDENCE)
        got_rows, got_tokens, got_examples = rows.collect(), tokens.collect(), examples.collect()
    finally:
        found.unpersist()

    def number(i: int) -> int:
        return i + shifts[i >> 33]

    result = {}
    for n in flagged:
        mine = [r for r in got_rows if r["column"] == n]
        counted = [(r["shown"], int(r["n"])) for r in got_tokens if r["column"] == n]
        seen = sorted((r for r in got_examples if r["column"] == n), key=lambda r: r["first"])
        result[n] = JunkStat(
            counts[n],
            sorted(number(int(r["row"])) for r in mine),
            [r["shown"] for r in seen],
            dict(sorted(counted, key=lambda p: (-p[1], p[0]))),
        )
    return result


def count(frame: SparkFrame) -> int:
    return int(frame.df.count())


def materialise(frame: SparkFrame, path: str | Path) -> SparkFrame:
    """Write the frame to Parquet in the build's scratch folder (a Hadoop path, or a local
    folder) and read it back, its row-order column renumbered 0, 1, 2, ...
    (:func:`consecutive`): later steps' evidence rows are the rows of the product table, as on
    Polars."""
    spark = frame.df.sparkSession
    uri = hadoop_path(path) if isinstance(path, Path) else path
    frame.df.write.mode("overwrite").parquet(uri)
    return frame.with_df(consecutive(spark.read.parquet(uri)))


def _offsets(df: DataFrame) -> list[tuple[int, int, int]]:
    """(partition of the id, rows, first id) per id partition, in row order: the ids of one
    partition of ``monotonically_increasing_id`` are consecutive from its first."""
    from pyspark.sql import functions as F

    part = F.shiftright(F.col(ROW), 33).alias("__pid")
    per = (
        df.select(part, F.col(ROW))
        .groupBy("__pid")
        .agg(F.count(F.lit(1)).alias("n"), F.min(ROW).alias("lo"))
    )
    return sorted((int(r["__pid"]), int(r["n"]), int(r["lo"])) for r in per.collect())


def consecutive(df: DataFrame) -> DataFrame:
    """``df`` with :data:`ROW` renumbered to the row's place in the table (0-based): one small
    pass over the row column (rows and first id per id partition), then a shift per partition."""
    from pyspark.sql import functions as F

    rows = _offsets(df)
    shifts, start = [], 0
    for pid, n, lo in rows:
        shifts.append((pid, start - lo))
        start += n
    if all(s == 0 for _, s in shifts):
        return df
    spark = df.sparkSession
    shift = spark.createDataFrame(shifts, "__pid long, __shift long")
    numbered = df.withColumn("__pid", F.shiftright(F.col(ROW), 33)).join(
        F.broadcast(shift), on="__pid"
    )
    out = numbered.withColumn(ROW, F.col(ROW) + F.col("__shift"))
    return out.select(*df.columns)


def write_product_parquet(
    frame: SparkFrame, path: Path, scratch: Scratch, name: str = "product-parts"
) -> None:
    """``data/table.parquet`` as ONE file with the product's Parquet settings: Spark writes part
    files in row order into the folder ``name`` of the build's scratch folder, the driver gets
    them through Hadoop's FileSystem (``Scratch.fetch``: copies, streamed, when the folder is on
    shared storage), then a streaming Polars sink (the Polars engine's own writer, bounded
    memory) joins them, cast back to the table's Polars schema: same bytes as on Polars."""
    from pyspark.sql import functions as F

    spark = frame.df.sparkSession
    ordered = frame.df.orderBy(F.col(ROW))
    ordered.write.mode("overwrite").parquet(scratch.uri(name))
    fetched, copies = scratch.fetch(spark, name)
    try:
        parts = [p for p in fetched if pq.ParquetFile(p).metadata.num_rows]
        parts.sort(key=lambda p: _first_row(p))
        if not parts:
            empty = pl.LazyFrame(schema=dict(frame.schema))
            write_parquet(empty, path)
            return
        scan = pl.scan_parquet(parts)
        write_parquet(from_spark(scan, frame.schema), path)
    finally:
        scratch.drop(copies)


def _first_row(part: Path) -> int:
    meta = pq.ParquetFile(part).metadata
    names = [meta.schema.column(i).path for i in range(meta.num_columns)]
    i = names.index(ROW)
    stats = meta.row_group(0).column(i).statistics
    return int(stats.min) if stats is not None and stats.has_min_max else 0


def sample(frame: SparkFrame, rows: int) -> pl.LazyFrame:
    """The first ``rows`` rows in row order, collected to the driver as a Polars frame."""
    from pyspark.sql import functions as F

    head = frame.df.orderBy(F.col(ROW)).limit(rows).drop(ROW).toArrow()
    table = pl.from_arrow(head)
    assert isinstance(table, pl.DataFrame)
    out: pl.DataFrame = from_spark(table, frame.schema)
    return out.lazy()


def every_kth(frame: SparkFrame, cap: int, k: int | None = None) -> tuple[pl.LazyFrame, int, int]:
    """Every k-th row in row order (k = ceil(rows / cap), the Polars engine's model sampling
    rule, or ``k`` when given), collected to the driver: (sample, rows of the table, k). Row
    numbers are made consecutive from the row-order ids (each partition's ids are consecutive
    from its minimum)."""
    from pyspark.sql import functions as F

    part = F.shiftright(F.col(ROW), 33).alias("__pid")
    per = (
        frame.df.select(part, F.col(ROW))
        .groupBy("__pid")
        .agg(F.count(F.lit(1)).alias("n"), F.min(ROW).alias("lo"))
    )
    rows = sorted((int(r["__pid"]), int(r["n"]), int(r["lo"])) for r in per.collect())
    total = sum(n for _, n, _ in rows)
    k = k or max(1, -(-total // max(cap, 1)))
    offsets, start = [], 0
    for pid, n, lo in rows:
        offsets.append((pid, start - lo))
        start += n
    spark = frame.df.sparkSession
    shift = spark.createDataFrame(offsets, "__pid long, __shift long")
    numbered = frame.df.withColumn("__pid", F.shiftright(F.col(ROW), 33)).join(
        F.broadcast(shift), on="__pid"
    )
    kept = numbered.filter(((F.col(ROW) + F.col("__shift")) % k) == 0)
    head = kept.orderBy(ROW).drop("__pid", "__shift", ROW).toArrow()
    table = pl.from_arrow(head)
    assert isinstance(table, pl.DataFrame)
    out: pl.DataFrame = from_spark(table, frame.schema)
    return out.lazy(), total, k
