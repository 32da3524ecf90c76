"""Row uniqueness is measured on the data columns: rows repeated across files (other
``source_file``) or flagged differently are duplicates; the measure says what it compared."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 6)), st.sampled_from(["A", "B"]), st.integers(0, 2)
        ),
        min_size=1,
        max_size=30,
    ),
    st.booleans(),
    st.booleans(),
)
def test_duplicate_rows_equal_the_exact_count(
    rows: list[tuple[int | None, str, int]], keyed: bool, in_order: bool
) -> None:
    """Whatever the order, null times or entities: rows beyond the first of their values.

    Found by this test: with sorted times and no repeated time, two identical rows whose time
    is null were not counted (their time difference is null, never 0)."""
    df = pl.DataFrame(rows, schema={"sec": pl.Int64, "m": pl.String, "x": pl.Int64}, orient="row")
    df = df.with_columns(ts=pl.lit(T0) + pl.duration(seconds=pl.col("sec"))).drop("sec")
    if in_order:
        df = df.sort(["m", "ts"] if keyed else ["ts"], nulls_last=True, maintain_order=True)
    c = default_contract(
        product_id="p",
        name="p",
        schema=df.schema,
        time_column="ts",
        id_column="m" if keyed else None,
    )
    q = evaluate(df.lazy(), c)
    m = next(m for m in q.measures if m.id == "uniqueness.rows")
    assert q.stats.dup_rows == df.height - df.unique().height
    assert m.evidence["count"] == q.stats.dup_rows
