"""The product's table files: ``data/table.parquet`` and ``data/table.csv``.

Both are written by streaming sinks, so a table larger than memory is fine. The bytes depend only
on the table: fixed compression, fixed row-group size, no timestamps. The CSV keeps values exact
(no spreadsheet formula escaping: that belongs to the web export, not to the product file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from mfgdata.frames.zones import detach_fixed, fixed_offset, offset_text
from mfgdata.packaging.csvsafe import escape_formulas

PARQUET = "data/table.parquet"
CSV = "data/table.csv"
#: Fixed so that the Parquet bytes do not depend on the machine's thread count.
ROW_GROUP_ROWS = 262_144
ZSTD_LEVEL = 3
#: Rows per streaming chunk while the files are written: smaller than Polars' default, which
#: halves the sinks' peak memory on wide tables at the same speed (the bytes do not change).
SINK_CHUNK_ROWS = 20_000


@dataclass(frozen=True)
class TableFacts:
    """What one scan of the table tells the package: size, nulls, sub-second times, key."""

    rows: int
    #: nulls, plus empty strings in text columns: the CSV cannot tell the two apart
    null_counts: dict[str, int] = field(default_factory=dict)
    fractional: dict[str, bool] = field(default_factory=dict)  # datetime columns only
    key_unique: bool = False
    #: zoned datetime columns whose zone keeps one offset over their range (formatted by shift)
    offsets: dict[str, timedelta] = field(default_factory=dict)


def table_facts(path: Path, key: Sequence[str]) -> TableFacts:
    """Facts of the written Parquet file at ``path``: rows and null counts from its footer (the
    statistics it was written with), then one narrow pass over the text, datetime and key columns
    only (empty strings, sub-second times, key uniqueness)."""
    frame = pl.scan_parquet(path)
    schema = frame.collect_schema()
    rows, nulls = _footer_counts(path)
    missing = [c for c in schema.names() if c not in nulls]  # written without statistics
    texts = [c for c, t in schema.items() if isinstance(t, pl.String)]
    datetimes = [c for c, t in schema.items() if isinstance(t, pl.Datetime)]
    exprs = [pl.col(c).null_count().alias(f"n:{c}") for c in missing]
    exprs += [(pl.col(c) == "").sum().alias(f"e:{c}") for c in texts]
    exprs += [(pl.col(c).dt.nanosecond() != 0).any().alias(f"f:{c}") for c in datetimes]
    zoned = [c for c in datetimes if schema[c].time_zone]  # type: ignore[attr-defined]
    exprs += [
        e
        for c in zoned
        for e in (pl.col(c).min().alias(f"lo:{c}"), pl.col(c).max().alias(f"hi:{c}"))
    ]
    increasing = bool(key) and (schema[key[0]].is_temporal() or schema[key[0]].is_numeric())
    if increasing:  # a strictly increasing first key column makes the whole key unique
        exprs.append(pl.col(key[0]).to_physical().diff().min().alias("__min_step"))
    row = frame.select(exprs).collect(engine="streaming").row(0, named=True) if exprs else {}
    nulls |= {c: int(row[f"n:{c}"]) for c in missing}
    nulls = {c: nulls[c] + int(row.get(f"e:{c}", 0)) for c in schema.names()}
    unique = bool(key) and all(nulls[c] == 0 for c in key)
    proven = increasing and (rows < 2 or (row["__min_step"] or 0) > 0)
    if unique and not proven:
        most = frame.group_by(list(key)).len().select(pl.col("len").max())
        unique = int(most.collect(engine="streaming").item() or 0) <= 1
    return TableFacts(
        rows=rows,
        null_counts=nulls,
        fractional={c: bool(row[f"f:{c}"]) for c in datetimes},
        key_unique=unique,
        offsets=_fixed_offsets(schema, zoned, row),
    )


def _fixed_offsets(
    schema: pl.Schema, zoned: Sequence[str], row: dict[str, Any]
) -> dict[str, timedelta]:
    out = {}
    for c in zoned:
        lo, hi, tz = row[f"lo:{c}"], row[f"hi:{c}"], schema[c].time_zone  # type: ignore[attr-defined]
        if not isinstance(lo, datetime) or not isinstance(hi, datetime):
            continue
        wall = [t.astimezone(UTC).replace(tzinfo=None) for t in (lo, hi)]  # within the margin
        off = fixed_offset(tz, wall[0], wall[1])
        if off is not None and offset_text(off) is not None:
            out[c] = off
    return out


def _footer_counts(path: Path) -> tuple[int, dict[str, int]]:
    """Rows and per-column null counts from the Parquet footer (flat columns with statistics)."""
    meta = pq.ParquetFile(path).metadata
    nulls: dict[str, int] = {}
    for c in range(meta.num_columns):
        name = meta.schema.column(c).path
        counts = []
        for r in range(meta.num_row_groups):
            stats = meta.row_group(r).column(c).statistics
            counts.append(stats.null_count if stats is not None and stats.has_null_count else None)
        if None not in counts and "." not in name:
            nulls[name] = sum(int(n) for n in counts if n is not None)
    return meta.num_rows, nulls


def csv_datetime_format(dtype: pl.Datetime, fractional: bool) -> str:
    """Polars (chrono) format for one datetime column in the CSV: ISO 8601."""
    fmt = "%Y-%m-%dT%H:%M:%S"
    if fractional:
        fmt += {"ms": "%.3f", "us": "%.6f", "ns": "%.9f"}[dtype.time_unit or "us"]
    if dtype.time_zone:
        fmt += "%:z"
    return fmt


def schema_datetime_format(dtype: pl.Datetime, fractional: bool) -> str:
    """The Table Schema (Python strptime) format matching :func:`csv_datetime_format`."""
    if fractional and dtype.time_unit == "ns":
        return "any"  # strptime's %f stops at microseconds
    fmt = "%Y-%m-%dT%H:%M:%S" + (".%f" if fractional else "")
    return fmt + ("%z" if dtype.time_zone else "")


def csv_frame(frame: pl.LazyFrame, facts: TableFacts) -> pl.LazyFrame:
    """The frame as the CSV shows it: each datetime column formatted as ISO 8601 text."""
    exprs = [
        _csv_datetime(c, t, facts)
        for c, t in frame.collect_schema().items()
        if isinstance(t, pl.Datetime)
    ]
    return frame.with_columns(exprs) if exprs else frame


def _csv_datetime(name: str, dtype: pl.Datetime, facts: TableFacts) -> pl.Expr:
    """``%:z`` looks the zone up for every value; with one fixed offset over the column, the wall
    clock is a shift and the offset a literal (the same text, a fraction of the time)."""
    fmt = csv_datetime_format(dtype, facts.fractional.get(name, False))
    offset = facts.offsets.get(name)
    text = offset_text(offset) if offset is not None else None
    if text is None or not fmt.endswith("%:z"):
        return pl.col(name).dt.to_string(fmt)
    wall = detach_fixed(pl.col(name), offset, dtype.time_unit or "us")  # type: ignore[arg-type]
    return wall.dt.to_string(fmt.removesuffix("%:z") + text)


def parquet_sink(frame: pl.LazyFrame, path: Path) -> pl.LazyFrame:
    """A lazy sink writing ``frame`` as :func:`write_parquet` does, to run inside another query
    (``pl.collect_all``, under ``pl.Config(streaming_chunk_size=SINK_CHUNK_ROWS)``)."""
    sink = frame.sink_parquet(
        path,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        statistics=True,
        row_group_size=ROW_GROUP_ROWS,
        maintain_order=True,
        lazy=True,
    )
    assert sink is not None  # lazy=True
    return sink


def write_parquet(frame: pl.LazyFrame, path: Path) -> None:
    with pl.Config(streaming_chunk_size=SINK_CHUNK_ROWS):
        frame.sink_parquet(
            path,
            compression="zstd",
            compression_level=ZSTD_LEVEL,
            statistics=True,
            row_group_size=ROW_GROUP_ROWS,
            maintain_order=True,
        )


def write_csv(frame: pl.LazyFrame, facts: TableFacts, path: Path, escape: bool = True) -> None:
    """The CSV table; formula-like text cells escaped (``escape``; see csvsafe.py)."""
    shown = csv_frame(frame, facts)
    with pl.Config(streaming_chunk_size=SINK_CHUNK_ROWS):
        (escape_formulas(shown) if escape else shown).sink_csv(
            path, include_header=True, separator=",", line_terminator="\n", maintain_order=True
        )
