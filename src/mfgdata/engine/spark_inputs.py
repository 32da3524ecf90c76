"""The Spark engine's inputs (issue 19): local files and URIs, one or several files of one table,
CSV, Parquet and Excel, each opened on the driver from its head only (Excel: see below).

- a local path is read by Spark as ``file://`` + its path (``hadoop.hadoop_path``); a URI as given;
- CSV: the driver sniffs the head (encoding, delimiter, header row, sample) with the Polars
  engine's own detection, reading it through Hadoop for a URI; Spark reads the rows;
- Parquet: names and types from the footer (local: Polars; URI: the footer's bytes through
  Hadoop, parsed by pyarrow), a sample of the text columns read by Spark;
- Excel: Spark has no Excel reader. The driver reads the sheet with the Polars engine's reader
  (``frames.sources.open_excel``: same sheet choice, header, units row and checks) and writes it
  to Parquet in the work folder, which Spark reads. This is bounded by the workbook limits
  (``MFGDATA_MAX_DECOMPRESSED_BYTES``: a workbook inflating beyond it is refused before it is
  read; the driver holds one sheet's cells as text). A workbook at a URI is first copied to the
  work folder through Hadoop (refused beyond the same limit).
- byte-identical inputs are read once, as on Polars: every input's SHA-256 is computed (local:
  the blob copy, as on Polars; URI: streamed through Hadoop, see ``hadoop.sha256``; a URI's bytes
  are not copied into the local blob store: they stay on the cluster's filesystem).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from mfgdata.engine import hadoop
from mfgdata.errors import InputError
from mfgdata.frames.blobs import store_blob
from mfgdata.frames.detect import sniff_csv
from mfgdata.frames.headers import split_headers
from mfgdata.frames.limits import Limits, check_header
from mfgdata.frames.sources import (
    FORMATS,
    Source,
    _clean_typed,
    _sample_frame,
    check_path,
    open_excel,
    open_source,
)
from mfgdata.frames.uris import Input, is_uri, uri_name

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from mfgdata.engine.scratch import Scratch


@dataclass(frozen=True)
class SparkInput:
    """One input as given: ``shown`` names it in errors, ``name`` is its file name (the product
    records it), ``path`` is what Hadoop/Spark reads, ``local`` the local file if it is one."""

    shown: str
    name: str
    path: str
    local: Path | None

    @property
    def format(self) -> str | None:
        return FORMATS.get(Path(self.name).suffix.lower())


@dataclass(frozen=True)
class Read:
    """How Spark reads one source: ``kind`` csv or parquet at ``path``; ``columns`` the stored
    names of the source's columns, in order; ``name`` the input's file name."""

    kind: str
    path: str
    columns: list[str]
    name: str


def resolve(given: Sequence[Input]) -> list[SparkInput]:
    out = []
    for g in given:
        if is_uri(g):
            out.append(SparkInput(str(g), uri_name(str(g)), str(g), None))
        else:
            p = Path(g)
            out.append(SparkInput(str(p), p.name, hadoop.hadoop_path(p), p))
    return out


def check_input(spark: SparkSession, inp: SparkInput) -> str:
    """The input's format, or the Polars engine's error for a missing/empty/unknown file."""
    if inp.local is not None:
        return check_path(inp.local)
    st = hadoop.status(spark, inp.path)
    fmt = inp.format
    if fmt is None:
        known = ", ".join(FORMATS)
        suffix = Path(inp.name).suffix
        raise InputError(
            f"지원하지 않는 파일 형식입니다 ({suffix or '확장자 없음'}); 지원: {known}",
            f"unsupported file type ({suffix or 'no extension'}); supported: {known}",
            file=inp.shown,
        )
    if st.size == 0:
        raise InputError("빈 파일입니다 (0 바이트)", "the file is empty (0 bytes)", file=inp.shown)
    return fmt


def fingerprint(spark: SparkSession, inp: SparkInput, blobs_dir: Path) -> tuple[str, int]:
    """(SHA-256, bytes): a local file is kept in the blob store as on Polars; a URI is hashed
    where it lives."""
    if inp.local is not None:
        return store_blob(inp.local, blobs_dir)
    return hadoop.sha256(spark, inp.path)


def repeats_of(hashes: Sequence[tuple[str, int]]) -> dict[int, tuple[int, str]]:
    """Inputs repeating an earlier one byte for byte: {index: (index of the first, sha256)}
    (``frames.blobs.identical_files``' answer, from the hashes every input needs anyway)."""
    first: dict[str, int] = {}
    out: dict[int, tuple[int, str]] = {}
    for i, (sha, _) in enumerate(hashes):
        if sha in first:
            out[i] = (first[sha], sha)
        else:
            first[sha] = i
    return out


def _csv(
    spark: SparkSession, inp: SparkInput, infer_rows: int, encoding: str | None, limits: Limits
) -> Source:
    """A CSV's dialect, names and sample from its head only (no transcoding of the file)."""
    where: Path | str = inp.local if inp.local is not None else inp.shown
    head = None if inp.local is not None else (lambda n: hadoop.read_range(spark, inp.path, 0, n))
    d = sniff_csv(where, infer_rows, encoding, limits.max_cell_bytes, head)  # type: ignore[arg-type]
    check_header(where, d.header, limits, line=d.header_line + 1)
    columns = split_headers(d.header, d.units)
    names = [c[0] for c in columns]
    return Source(
        inp.local or Path(inp.name),
        "csv",
        columns,
        _sample_frame(names, d.sample),
        {},
        lambda schema: pl.LazyFrame(schema=schema),  # Spark reads the rows
        d.encoding,
        d.delimiter,
        d.decimal,
        d.header_line + 1,
        None,
        inp.local,
        d.data_line,
    )


def _footer_schema(spark: SparkSession, inp: SparkInput, size: int) -> tuple[pl.Schema, int]:
    """The Polars schema and row count of a Parquet file at a URI, from its footer's bytes."""
    import pyarrow.parquet as pq

    tail = hadoop.read_range(spark, inp.path, max(size - 8, 0), 8)
    if len(tail) != 8 or tail[4:] != b"PAR1":
        raise InputError(
            "parquet 파일을 읽을 수 없습니다", "cannot read the parquet file", file=inp.shown
        )
    length = int.from_bytes(tail[:4], "little")
    footer = hadoop.read_range(spark, inp.path, size - 8 - length, length)
    meta = pq.ParquetFile(BytesIO(b"PAR1" + footer + tail))
    empty = pl.from_arrow(meta.schema_arrow.empty_table())
    assert isinstance(empty, pl.DataFrame)
    return empty.schema, int(meta.metadata.num_rows)


def _parquet(
    spark: SparkSession, inp: SparkInput, work_dir: Path, infer_rows: int, limits: Limits
) -> Source:
    if inp.local is not None:
        return open_source(
            inp.local, work_dir=work_dir, sheet=None, infer_rows=infer_rows, limits=limits
        )
    schema, rows = _footer_schema(spark, inp, hadoop.status(spark, inp.path).size)
    check_header(inp.shown, list(schema.names()), limits)
    src = _clean_typed(Path(inp.name), "parquet", pl.LazyFrame(schema=schema), infer_rows)
    if rows == 0:
        raise InputError("데이터 행이 없습니다", "the file has no data rows", file=inp.shown)
    raw = {name: r for name, r, _ in src.columns}
    strings = [n for n in src.names if n not in src.native]
    if not strings:
        return src
    picked = [f"`{raw[n]}`" for n in strings]
    head = spark.read.parquet(inp.path).selectExpr(*picked).limit(infer_rows).toArrow()
    sample = pl.DataFrame(pl.from_arrow(head))
    sample.columns = strings
    return replace(src, sample=sample.cast(pl.String))


def _excel(
    spark: SparkSession,
    inp: SparkInput,
    index: int,
    scratch: Scratch,
    sheet: str | None,
    infer_rows: int,
    limits: Limits,
) -> tuple[Source, Read]:
    """The sheet read by the Polars engine's reader and written to Parquet for Spark (in the
    build's scratch folder, where the workers read it)."""
    work_dir = scratch.work
    local = inp.local
    if local is None:
        size = hadoop.status(spark, inp.path).size
        if size > limits.max_decompressed_bytes:
            raise InputError(
                f"엑셀 파일이 너무 큽니다 ({size:,} 바이트; MFGDATA_MAX_DECOMPRESSED_BYTES)",
                f"the workbook is too large ({size:,} bytes; MFGDATA_MAX_DECOMPRESSED_BYTES)",
                file=inp.shown,
            )
        folder = work_dir / f"input-{index}"
        folder.mkdir(parents=True, exist_ok=True)
        local = hadoop.copy_to_local(spark, inp.path, folder / inp.name)
    src = open_excel(local, sheet, infer_rows, limits)
    target = work_dir / f"input-{index}.sheet.parquet"
    src.scan({}).sink_parquet(target)
    source = replace(src, path=inp.local or Path(inp.name))
    return source, Read("parquet", scratch.put(spark, target), src.names, inp.name)


def open_inputs(
    spark: SparkSession,
    inputs: Sequence[SparkInput],
    *,
    scratch: Scratch,
    sheet: str | None,
    infer_rows: int,
    encoding: str | None,
    limits: Limits,
) -> tuple[list[Source], list[Read]]:
    """Each input opened on the driver (its head; Excel: its sheet) and how Spark reads it."""
    sources: list[Source] = []
    reads: list[Read] = []
    for i, inp in enumerate(inputs):
        fmt = check_input(spark, inp)
        if fmt == "csv":
            src = _csv(spark, inp, infer_rows, encoding, limits)
            read = Read("csv", inp.path, src.names, inp.name)
        elif fmt == "parquet":
            src = _parquet(spark, inp, scratch.work, infer_rows, limits)
            read = Read("parquet", inp.path, [raw for _, raw, _ in src.columns], inp.name)
        elif fmt == "xlsx":
            src, read = _excel(spark, inp, i, scratch, sheet, infer_rows, limits)
        else:
            raise InputError(
                f"Spark 엔진은 CSV, Parquet, 엑셀만 읽습니다 ({fmt}: --engine polars)",
                f"the Spark engine reads CSV, Parquet and Excel only ({fmt}: use --engine polars)",
                file=inp.shown,
            )
        sources.append(src)
        reads.append(read)
    return sources, reads


def input_entry(inp: SparkInput, src: Any, sha: str, size: int, rows: int) -> dict[str, Any]:
    """The ingest record of one input read (the Polars engine's record)."""
    from mfgdata.steps.ingest import input_record

    return input_record(inp.name, src, sha, size, rows)


def duplicate_entry(inp: SparkInput, first: SparkInput, sha: str, size: int) -> dict[str, Any]:
    """The record of an input repeating ``first`` byte for byte (its rows not read)."""
    from mfgdata.steps.ingest import duplicate_record

    return duplicate_record(inp.name, inp.format, sha, size, first.name)
