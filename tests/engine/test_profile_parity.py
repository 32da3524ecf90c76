"""The profile step gives the same profile on Polars and on Spark (issue 19).

One implementation of each statistic (narwhals expressions, plus the engine functions of
``profiling/backend.py``) runs on the same generated table ingested by each engine: several
machines, a 10-minute gap each, a stuck run, spikes, nulls, duplicate rows, rows out of time
order, constant and empty columns, Korean column names. profile.json, the report section's charts
and its HTML are compared:

- everything is equal (integers, texts and floats, rounded to 6 significant digits) but a
  column's mean and std: within ``FLOAT_TOLERANCE`` relative, as the engines add floats in a
  different order, so a value lying on a rounding boundary may differ in its 6th digit (on this
  table they are equal too). Quantiles are the same bits (Spark: the order statistics from
  ``percentile_disc``, interpolated with Polars' formula), min/max, histograms, the time axis
  (the same Polars code on the same collected frame) and the chart buckets' means (exact
  decimal sums of the same decimals) too.

The Spark table is read in several partitions (small ``maxPartitionBytes``), so that the row
numbers (gap, duplicate and backward-step rows) are the consecutive row positions on both engines,
not Spark's partition-wise row ids.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from mfgdata.flow import build
from mfgdata.pipeline.context import build_options
from mfgdata.steps.ingest import IngestStep
from mfgdata.steps.profile import ProfileStep
from tests.engine.conftest import needs_spark
from tests.engine.test_parity import sensor_table

pytestmark = needs_spark

#: relative tolerance of a column's mean and std (one unit in the 6th digit, see above)
FLOAT_TOLERANCE = 2e-5


def messy_table() -> pl.DataFrame:
    """test_parity's 3-machine table (gap, stuck run, spikes, nulls, duplicate rows) with a noisy
    column, a constant and an all-null column, a 0/1 label and two rows swapped (a step
    backwards)."""
    table = sensor_table()
    n = table.height
    rng = np.random.default_rng(3)
    noisy = rng.normal(5, 1, n).round(4)
    noisy[[7, 70, 700]] = np.nan  # as nulls: ingest counts NaN as junk (Spark refuses junk)
    idx = list(range(n))
    idx[1000], idx[1001] = idx[1001], idx[1000]  # machine 1 steps back once
    return table.with_columns(
        pl.Series("진동", noisy).fill_nan(None),
        pl.lit(1.5).alias("상수"),
        pl.lit(None, pl.Float64).alias("빈열"),
        pl.Series("불량", (rng.random(n) < 0.1).astype(np.int64)),
    )[idx]


def _close(a: Any, b: Any, where: str = "") -> None:
    loose = where.startswith("profile.json.columns.") and where.endswith((".mean", ".std"))
    if loose and isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=FLOAT_TOLERANCE), (where, a, b)
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), (where, a.keys(), b.keys())
        for k in a:
            _close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), (where, len(a), len(b))
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{k}]")
    else:
        assert a == b, (where, a, b)


def _profile(
    src: Path, out: Path, engine: str, id_column: str | None = "설비"
) -> tuple[dict[str, Any], Any, float]:
    values = {"engine": engine, "id_column": id_column, "product_id": "sensors"}
    t0 = time.perf_counter()
    result = build(build_options([src], out, values), steps=[IngestStep(), ProfileStep()])
    seconds = result.seconds["profile"]
    assert seconds <= time.perf_counter() - t0
    return json.loads((out / "profile.json").read_text()), result.results["profile"], seconds


@pytest.fixture
def no_time_rows_on_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    """The time axis on Spark is computed there: collecting its columns to the driver (~160 MB
    at 10M rows) fails the test. Its windows run in buckets of 700 rows (2^18 in use), so that
    the values carried across buckets are exercised on a small table."""
    from mfgdata.engine import is_spark
    from mfgdata.profiling import spark_time, timeseries

    monkeypatch.setattr(spark_time, "ROWS_PER_BUCKET", 700)

    polars_side = timeseries.time_rows

    def refuse(frame: Any, *args: Any) -> Any:
        assert not is_spark(frame), "the time axis was collected to the Spark driver"
        return polars_side(frame, *args)

    monkeypatch.setattr(timeseries, "time_rows", refuse)


@pytest.mark.usefixtures("no_time_rows_on_spark")
@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_profile_is_the_same_on_polars_and_spark(tmp_path: Path, spark: Any, form: str) -> None:
    table = messy_table()
    src = tmp_path / f"sensors.{form}"
    if form == "csv":
        table.write_csv(src)
    else:
        table.with_columns(pl.col("시간").str.to_datetime("%Y-%m-%d %H:%M:%S%.3f")).write_parquet(
            src, row_group_size=1000
        )
    before = spark.conf.get("spark.sql.files.maxPartitionBytes")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "64k")  # several partitions
    try:
        s_doc, s_res, s_seconds = _profile(src, tmp_path / "spark", "spark")
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", before)
    p_doc, p_res, _ = _profile(src, tmp_path / "polars", "polars")

    # the table did give the profile something to find (else equality would prove nothing)
    cols, tp = p_doc["columns"], p_doc["time"]
    assert p_doc["rows"] == table.height == 9_060
    assert cols["진동"]["nulls"] == 3 and cols["온도"]["nulls"] > 100
    assert cols["빈열"]["count"] == 0 and cols["상수"]["distinct"] == 1
    assert cols["설비"]["top_values"][0]["count"] == 3_020
    assert len(cols["온도"]["histogram"]["counts"]) == 30
    assert tp["gaps"]["count"] == 3
    assert tp["backward_steps"]["count"] == 4  # the swap and each machine's duplicate rows
    assert tp["duplicates"]["count"] == 60 and p_doc["entities"]["count"] == 3
    assert p_res.report.charts  # histograms and time series

    _close(p_doc, s_doc, "profile.json")
    _close(p_res.report.charts, s_res.report.charts, "charts")
    assert [f.to_dict() for f in p_res.findings] == [f.to_dict() for f in s_res.findings]
    assert p_res.counts == s_res.counts
    assert p_res.report.html_en == s_res.report.html_en
    assert p_res.report.html_ko == s_res.report.html_ko
    print(f"spark profile step ({form}, {table.height} rows): {s_seconds:.2f} s")


@pytest.mark.usefixtures("no_time_rows_on_spark")
def test_time_axis_without_an_entity_column(tmp_path: Path, spark: Any) -> None:
    """No id column: the machines' rows interleave in time, so the whole table steps back at
    each machine's start (backward steps), the gaps are the whole table's; a few times are
    blank. profile.json is the same on both engines, computed on Spark in several partitions."""
    table = messy_table().with_columns(
        pl.when(pl.int_range(pl.len()).is_in([11, 4_000]))
        .then(None)
        .otherwise(pl.col("시간"))
        .alias("시간")
    )
    src = tmp_path / "sensors.csv"
    table.write_csv(src)
    spark.conf.set("spark.sql.files.maxPartitionBytes", "64k")
    try:
        s_doc, s_res, _ = _profile(src, tmp_path / "spark", "spark", None)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    p_doc, p_res, _ = _profile(src, tmp_path / "polars", "polars", None)
    tp = p_doc["time"]
    assert tp["nulls"] == 2 and tp["backward_steps"]["count"] >= 3 and tp["gaps"]["count"] >= 1
    assert tp["duplicates"]["count"] > 0 and not p_doc.get("entities")
    _close(p_doc, s_doc, "profile.json")
    assert [f.to_dict() for f in p_res.findings] == [f.to_dict() for f in s_res.findings]


@pytest.mark.usefixtures("no_time_rows_on_spark")
def test_time_axis_of_a_table_in_time_order(tmp_path: Path, spark: Any) -> None:
    """Each machine's rows in time order (no backward step): the differences are taken in row
    order (the other path: the distinct times), duplicates are neighbours."""
    table = sensor_table().sort("설비", "시간", maintain_order=True)
    src = tmp_path / "sensors.csv"
    table.write_csv(src)
    spark.conf.set("spark.sql.files.maxPartitionBytes", "64k")
    try:
        s_doc, s_res, _ = _profile(src, tmp_path / "spark", "spark")
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    p_doc, p_res, _ = _profile(src, tmp_path / "polars", "polars")
    tp = p_doc["time"]
    assert tp["backward_steps"]["count"] == 0 and tp["duplicates"]["count"] == 60
    assert tp["gaps"]["count"] == 3 and p_doc["entities"]["count"] == 3
    _close(p_doc, s_doc, "profile.json")
    assert [f.to_dict() for f in p_res.findings] == [f.to_dict() for f in s_res.findings]
