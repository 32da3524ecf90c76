"""The data plane's engines: Polars (one machine, the default) and Apache Spark (issue 19).

The engine interface is small: a step gets either a ``pl.LazyFrame`` (Polars) or a
:class:`SparkFrame` (Spark), and the few places that touch rows dispatch on :func:`is_spark`:

- read a table (ingest): :func:`mfgdata.engine.spark_io.read_table`;
- materialise it once (runner): :func:`mfgdata.engine.spark_io.materialise`;
- write ``data/table.parquet`` (package): :func:`mfgdata.engine.spark_io.write_product_parquet`;
- a bounded sample on the driver (model): :func:`mfgdata.engine.spark_io.sample`.

Everything that *computes on* the values runs one implementation on both engines: on Spark the
Polars code of ingest's parsing and of the recipe's row-wise operations runs inside Arrow UDFs
(``mapInArrow``) on each batch, so there is no second copy to drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

Engine = Literal["polars", "spark"]
ENGINES: tuple[Engine, ...] = ("polars", "spark")
#: the stable row-order column of a Spark frame (file order, then the build's sorts): a 64-bit
#: increasing id; order-dependent checks (spikes, stuck runs, gaps) order by it
ROW = "__mfg_row"


@dataclass(frozen=True)
class SparkFrame:
    """A Spark DataFrame (data columns + :data:`ROW`) and the Polars schema of its data
    columns (Spark has no zoned timestamps nor categoricals: the table is cast back to it on the
    way out)."""

    df: DataFrame
    schema: pl.Schema

    def collect_schema(self) -> pl.Schema:
        return self.schema

    def native(self) -> DataFrame:
        """The data columns in row order, for checks written against narwhals/Spark."""
        return self.df

    def with_df(self, df: DataFrame, schema: pl.Schema | None = None) -> SparkFrame:
        return SparkFrame(df, schema if schema is not None else self.schema)


def is_spark(frame: Any) -> bool:
    return isinstance(frame, SparkFrame)
