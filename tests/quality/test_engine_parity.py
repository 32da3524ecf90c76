"""The checks give the same results on Polars and on Spark (issue 19): one implementation of each
check (narwhals, plus quality/backend.py), run on the same data as a Polars scan and as a Spark
DataFrame read from the same Parquet file.

Integers (counts, evidence rows, run starts and lengths) must be equal; floats (PSI, values)
within 1e-9 relative: both engines hand the same window rows to the same numpy code."""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from mfgdata.quality.columns import ColumnStats, Params, RowDuplicates, scan_columns
from mfgdata.quality.timeaxis import scan_time

ROW = "__row"
FLOAT_TOLERANCE = 1e-9
T0 = datetime(2024, 3, 1)


def messy_table(n: int = 3000, entities: int = 3, seed: int = 11) -> pl.DataFrame:
    """Interleaved machines with spikes, stuck runs, nulls, NaN/inf, range violations, a Korean
    column name and exact duplicate rows at the end."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    temp = 20 + 5 * np.sin(i / 50) + rng.normal(0, 0.05, n)
    temp[[100, 701, 1502, 2203]] += [40, -35, 50, 45]  # spikes
    temp[900:990:3] = temp[900]  # a stuck run of machine 0 (every third row is machine 0)
    temp[1200:1260] = 21.5  # all machines stuck on one value for 20 rows each
    pres = 1 + 0.2 * np.cos(i / 30) + rng.normal(0, 0.01, n)
    pres[[5, 50, 500]] = [9.0, -3.0, 7.5]  # outside 0..5
    temp[[10, 11, 12, 2500]] = np.nan
    temp[[300, 301]] = [np.inf, -np.inf]
    df = pl.DataFrame(
        {
            "machine": [f"M{k % entities}" for k in i],
            "temp": temp,
            "압력": pres,
            "count": rng.integers(0, 5, n),
        }
    ).with_columns(
        pl.when(pl.int_range(pl.len()) % 97 == 0).then(None).otherwise(pl.col("압력")).alias("압력")
    )
    return pl.concat([df, df.slice(400, 7), df.slice(1000, 3)])  # 10 duplicate rows


def _stats(schema: dict[str, pl.DataType], *, entity: str | None) -> list[ColumnStats]:
    out = []
    for name, dtype in schema.items():
        st = ColumnStats(
            name=name,
            dtype=str(dtype),
            numeric=dtype.is_numeric(),
            series=dtype.is_float() and name != entity,
        )
        if name == "압력":
            st.checked_range = (0.0, 5.0)
        out.append(st)
    return out


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _run_both(
    spark: Any, tmp_path: Path, df: pl.DataFrame, *, entity: str | None, params: Params
) -> tuple[list[ColumnStats], list[ColumnStats], int, int, dict[str, Any], dict[str, Any]]:
    path = tmp_path / "t.parquet"
    df.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64)).write_parquet(
        path, row_group_size=700
    )
    data = [c for c in df.columns]
    schema = dict(df.schema)
    ends = [len(df) * (k + 1) // 8 for k in range(8)]
    near = [3, 400, 1000, 2999, 3001]
    got = []
    for frame, row in (
        (pl.scan_parquet(path).drop(ROW), None),  # the Polars path: its own row index
        (spark.read.parquet(str(path)), ROW),  # Spark: the engine's row column
    ):
        stats = _stats(schema, entity=entity)
        dup = RowDuplicates(data)
        gathered = scan_columns(
            frame,
            stats,
            rows=len(df),
            params=params,
            over=entity,
            bucket_ends=ends,
            gather_rows=near,
            duplicates=dup,
            row=row,
        )
        got.append((stats, dup.count, gathered))
    (pst, pdup, pg), (sst, sdup, sg) = got
    return pst, sst, pdup, sdup, pg, sg


@pytest.mark.parametrize("entity", ["machine", None])
def test_column_pass_and_duplicates_are_equal_on_polars_and_spark(
    spark: Any, tmp_path: Path, entity: str | None
) -> None:
    params = Params(batch_columns=2)  # two queries: the batches and the first-batch hash
    pst, sst, pdup, sdup, pg, sg = _run_both(
        spark, tmp_path, messy_table(), entity=entity, params=params
    )
    assert pdup == sdup == 10
    by_name = {s.name: s for s in pst}
    # the data did give something to find (the test would pass on an empty table otherwise)
    assert by_name["temp"].spikes >= 4 and by_name["temp"].stuck_run_count >= 1
    assert by_name["temp"].nonfinite == 6 and by_name["temp"].nulls == 4  # NaN
    assert by_name["압력"].out_of_range == 3 and by_name["압력"].nulls > 0
    for p, s in zip(pst, sst, strict=True):
        a, b = dataclasses.asdict(p), dataclasses.asdict(s)
        for key in a:
            assert _equal(a[key], b[key]), (p.name, key, a[key], b[key])
    assert _equal(pg, sg)


def timed_table(n: int = 3000, entities: int = 3) -> pl.DataFrame:
    """1 s sampling per machine (rows interleaved) with gaps, repeated keys, a step backwards
    and null times."""
    i = np.arange(n)
    sec = (i // entities).astype(np.int64)
    sec[i >= 1500] += 120  # a 2-minute gap on every machine
    sec[i >= 2400] += 7  # a shorter one
    sec[[2100, 2103]] = sec[2097]  # machine 0 repeats a key
    t = pl.Series("ts", [T0 + timedelta(seconds=int(v)) for v in sec]).cast(pl.Datetime("us"))
    df = pl.DataFrame({"ts": t, "machine": [f"M{k % entities}" for k in i], "v": i * 0.5})
    return df.with_columns(
        pl.when(pl.int_range(pl.len()).is_in([50, 51]))
        .then(None)
        .otherwise(pl.col("ts"))
        .alias("ts")
    )


@pytest.mark.parametrize(
    ("entity", "backwards"), [("machine", False), (None, False), ("machine", True), (None, True)]
)
def test_time_axis_is_equal_on_polars_and_spark(
    spark: Any, tmp_path: Path, entity: str | None, backwards: bool
) -> None:
    df = timed_table()
    if entity is None:  # one machine: its rows only, sorted by time
        df = df.filter(pl.col("machine") == "M0")
    if backwards:  # two rows swapped: one step backwards
        idx = list(range(len(df)))
        idx[700], idx[703] = idx[703], idx[700]  # same machine
        df = df[idx]
    path = tmp_path / "t.parquet"
    df.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64)).write_parquet(
        path, row_group_size=500
    )
    got = []
    for frame, row in (
        (pl.scan_parquet(path).drop(ROW), None),
        (spark.read.parquet(str(path)), ROW),
    ):
        got.append(
            scan_time(
                frame,
                "ts",
                pl.Datetime("us"),
                id_column=entity,
                interval_s=None,
                gap_factor=2.0,
                buckets=12,
                row=row,
            )
        )
    p, s = (dataclasses.asdict(x) for x in got)
    assert p["gap_count"] >= 2 and p["nulls"] >= 1 and p["interval_s"] == 1.0
    assert (p["backward"] > 0) == backwards and p["dup_keys"] > 0
    for key in p:
        assert _equal(p[key], s[key]), (key, p[key], s[key])


def evaluated_table(entity: str | None, zone: str | None) -> pl.DataFrame:
    """:func:`messy_table` with a time key (1 s per machine, a 2-minute gap; the duplicate rows
    repeat their key) and a categorical label; one machine sorted by time when ``entity`` is
    None (duplicate keys next to each other: the exact-comparison path)."""
    df = messy_table()
    source = [*range(3000), *range(400, 407), *range(1000, 1003)]  # the rows messy_table copied
    sec = [i // 3 + (120 if i >= 1500 else 0) for i in source]
    ts = pl.Series("ts", [T0 + timedelta(seconds=s) for s in sec]).cast(pl.Datetime("us"))
    if zone:
        ts = ts.dt.replace_time_zone(zone)
    grade = pl.Series("등급", [("A", "B", "C")[c % 3] for c in df["count"]], pl.Categorical)
    df = df.with_columns(ts, grade)
    if entity is None:
        df = df.filter(pl.col("machine") == "M2").sort("ts", maintain_order=True)
    return df


@pytest.mark.parametrize(
    ("entity", "zone"), [("machine", "Asia/Seoul"), (None, "Asia/Seoul"), ("machine", None)]
)
def test_whole_evaluation_is_equal_on_polars_and_spark(
    spark: Any, tmp_path: Path, entity: str | None, zone: str | None
) -> None:
    """evaluate() as the quality step runs it: every measure (rules, labels, duplicate rows,
    time axis, columns) and the spike chart's data, from a Polars scan and a SparkFrame."""
    from dataclasses import replace

    from mfgdata.engine import ROW as ENGINE_ROW
    from mfgdata.engine import SparkFrame
    from mfgdata.quality.contract import RuleSpec
    from mfgdata.quality.defaults import default_contract
    from mfgdata.quality.evaluate import evaluate

    df = evaluated_table(entity, zone)
    path = tmp_path / "t.parquet"
    df.with_row_index(ENGINE_ROW).with_columns(pl.col(ENGINE_ROW).cast(pl.Int64)).write_parquet(
        path, row_group_size=600
    )
    contract = default_contract(
        product_id="p",
        name="p",
        schema=df.schema,
        time_column="ts",
        id_column=entity,
        target="등급",
        ranges={"압력": (0.0, 5.0)},
    )
    rules = (
        RuleSpec("hot", "temp < 60"),
        RuleSpec("pressure", "abs(`압력` - 1) * 2 <= 1 or count >= 4", threshold=0.9),
    )
    contract = replace(contract, rules=rules)
    polars = evaluate(pl.scan_parquet(path).drop(ENGINE_ROW), contract)
    sf = SparkFrame(spark.read.parquet(str(path)), df.schema)
    on_spark = evaluate(sf, contract)
    p, s = polars.to_dict(), on_spark.to_dict()
    got = {m["id"]: m["evidence"]["count"] for m in p["measures"]}
    assert got["consistency.rule.hot"] >= 1 and got["consistency.rule.pressure"] >= 1
    assert got["uniqueness.rows"] == (10 if entity else 3) and got["labels.noise"] == 0
    assert got["accuracy.spikes"] >= 1 and got["completeness.gaps"] >= 1
    assert polars.stats.spike_profile is not None
    assert _equal(p, s)
    assert _equal(polars.stats.spike_profile, on_spark.stats.spike_profile)


def test_a_rule_with_a_remainder_is_refused_on_spark(spark: Any, tmp_path: Path) -> None:
    """``%`` is the one rule operator whose result differs between the engines (Spark:
    ``-7 % 3`` is -1 and ``x % 0`` fails; Polars: 2 and null): a clear ko/en refusal on Spark
    rather than a silently different count; Polars evaluates the rule."""
    from dataclasses import replace

    from mfgdata.engine import ROW as ENGINE_ROW
    from mfgdata.engine import SparkFrame
    from mfgdata.errors import ConfigError
    from mfgdata.quality.contract import RuleSpec
    from mfgdata.quality.defaults import default_contract
    from mfgdata.quality.evaluate import evaluate

    df = pl.DataFrame({"a": [-7, 7, 5, 8], "b": [3, 3, 0, 3]})
    path = tmp_path / "t.parquet"
    df.with_row_index(ENGINE_ROW).with_columns(pl.col(ENGINE_ROW).cast(pl.Int64)).write_parquet(
        path
    )
    contract = default_contract(product_id="p", name="p", schema=df.schema)
    contract = replace(contract, rules=(RuleSpec("rest", "`a` % b == 2"),))
    q = evaluate(pl.scan_parquet(path).drop(ENGINE_ROW), contract)
    rule = next(m for m in q.measures if m.id == "consistency.rule.rest")
    assert rule.evidence["count"] == 1 and rule.evidence["rows"] == [1]  # 7 % 3 is 1
    with pytest.raises(ConfigError) as e:
        evaluate(SparkFrame(spark.read.parquet(str(path)), df.schema), contract)
    assert "'rest'" in e.value.en and "'rest'" in e.value.ko and "%" in e.value.en
