"""The product's table files: ``data/table.parquet`` and ``data/table.csv``.

Both are written by streaming sinks, so a table larger than memory is fine. The bytes depend only
on the table: fixed compression, fixed row-group size, no timestamps. The CSV keeps values exact
(no spreadsheet formula escaping: that belongs to the web export, not to the product file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

PARQUET = "data/table.parquet"
CSV = "data/table.csv"
#: Fixed so that the Parquet bytes do not depend on the machine's thread count.
ROW_GROUP_ROWS = 262_144
ZSTD_LEVEL = 3


@dataclass(frozen=True)
class TableFacts:
    """What one scan of the table tells the package: size, nulls, sub-second times, key."""

    rows: int
    #: nulls, plus empty strings in text columns: the CSV cannot tell the two apart
    null_counts: dict[str, int] = field(default_factory=dict)
    fractional: dict[str, bool] = field(default_factory=dict)  # datetime columns only
    key_unique: bool = False


def table_facts(frame: pl.LazyFrame, key: Sequence[str]) -> TableFacts:
    """One streaming aggregate: row count, null counts, sub-second datetimes, key uniqueness."""
    schema = frame.collect_schema()
    exprs: list[pl.Expr] = [pl.len().alias("__rows")]
    exprs += [_missing(c, t).alias(f"n:{c}") for c, t in schema.items()]
    datetimes = [c for c, t in schema.items() if isinstance(t, pl.Datetime)]
    exprs += [(pl.col(c).dt.nanosecond() != 0).any().alias(f"f:{c}") for c in datetimes]
    if key:
        exprs.append(pl.struct(list(key)).n_unique().alias("__key_unique"))
    row = frame.select(exprs).collect(engine="streaming").row(0, named=True)
    rows = int(row["__rows"])
    nulls = {c: int(row[f"n:{c}"]) for c in schema.names()}
    unique = bool(key) and int(row["__key_unique"]) == rows and all(nulls[c] == 0 for c in key)
    return TableFacts(
        rows=rows,
        null_counts=nulls,
        fractional={c: bool(row[f"f:{c}"]) for c in datetimes},
        key_unique=unique,
    )


def _missing(name: str, dtype: pl.DataType) -> pl.Expr:
    nulls = pl.col(name).null_count()
    if isinstance(dtype, pl.String):
        return nulls + (pl.col(name) == "").sum()
    return nulls


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
        pl.col(c).dt.to_string(csv_datetime_format(t, facts.fractional.get(c, False)))
        for c, t in frame.collect_schema().items()
        if isinstance(t, pl.Datetime)
    ]
    return frame.with_columns(exprs) if exprs else frame


def write_parquet(frame: pl.LazyFrame, path: Path) -> None:
    frame.sink_parquet(
        path,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        statistics=True,
        row_group_size=ROW_GROUP_ROWS,
        maintain_order=True,
    )


def write_csv(frame: pl.LazyFrame, facts: TableFacts, path: Path) -> None:
    csv_frame(frame, facts).sink_csv(
        path, include_header=True, separator=",", line_terminator="\n", maintain_order=True
    )
