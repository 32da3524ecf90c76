"""Row uniqueness is measured on the data columns: rows repeated across files (other
``source_file``) or flagged differently are duplicates; the measure says what it compared."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from mfgdata.quality.defaults import default_contract
from mfgdata.quality.evaluate import evaluate
from tests.quality.conftest import T0, clean_table


def two_files(overlap: int) -> pl.DataFrame:
    """300 readings in two files; the second file repeats the first's last ``overlap`` rows."""
    df = clean_table(300)
    jan = df.head(200).with_columns(source_file=pl.lit("1월.csv"))
    feb = df.slice(200 - overlap).with_columns(source_file=pl.lit("2월.csv"))
    both = pl.concat([jan, feb])
    return both.with_columns(temp__outlier=pl.int_range(pl.len()) % 7 == 0)


@pytest.mark.parametrize("time_column", [None, "ts"], ids=["hashed", "time-keyed"])
def test_cross_file_duplicates_are_counted(time_column: str | None) -> None:
    df = two_files(overlap=12)
    if time_column:
        df = df.sort("ts", maintain_order=True)
    c = default_contract(product_id="p", name="p", schema=df.schema, time_column=time_column)
    q = evaluate(df.lazy(), c)
    m = next(m for m in q.measures if m.id == "uniqueness.rows")
    assert m.evidence["count"] == 12 and m.value == pytest.approx(1 - 12 / 312, abs=1e-6)
    assert not m.passed and len(m.evidence["rows"]) == 12
    assert m.evidence["excluded"] == ["source_file", "temp__outlier"]


def test_distinct_readings_from_two_files_are_unique() -> None:
    df = two_files(overlap=0)
    c = default_contract(product_id="p", name="p", schema=df.schema, time_column="ts")
    m = next(m for m in evaluate(df.lazy(), c).measures if m.id == "uniqueness.rows")
    assert m.value == 1.0 and m.passed


def test_same_time_other_value_is_not_a_duplicate_row() -> None:
    df = clean_table(100)
    extra = df.head(1).with_columns(pl.col("temp") + 1.0, ts=pl.lit(T0 + timedelta(0)))
    both = pl.concat([df, extra]).sort("ts", maintain_order=True)
    c = default_contract(product_id="p", name="p", schema=both.schema, time_column="ts")
    m = next(m for m in evaluate(both.lazy(), c).measures if m.id == "uniqueness.rows")
    assert m.value == 1.0
