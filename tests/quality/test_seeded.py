"""Seeded defects in a clean table are found with exact counts and locations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import polars as pl
import pytest

from mfgdata.quality.contract import Contract, RuleSpec
from mfgdata.quality.defaults import default_contract
from mfgdata.quality.evaluate import QualityReport, evaluate
from tests.quality.conftest import clean_table


def contract_for(df: pl.DataFrame) -> Contract:
    c = default_contract(
        product_id="p",
        name="p",
        schema=df.schema,
        time_column="ts",
        ranges={"temp": (0.0, 100.0)},
    )
    return replace(c, rules=(RuleSpec("sum", "good + defect == total"),))


def run(df: pl.DataFrame) -> QualityReport:
    return evaluate(df.lazy(), contract_for(df))


def measure(q: QualityReport, mid: str) -> dict[str, Any]:
    return next(m.to_dict() for m in q.measures if m.id == mid)


def set_cells(col: str, rows: list[int], value: Any) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def f(df: pl.DataFrame) -> pl.DataFrame:
        idx = pl.int_range(pl.len())
        return df.with_columns(
            pl.when(idx.is_in(rows))
            .then(pl.lit(value, dtype=df.schema[col]))
            .otherwise(pl.col(col))
            .alias(col)
        )

    return f


def add(col: str, row: int, delta: float) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def f(df: pl.DataFrame) -> pl.DataFrame:
        idx = pl.int_range(pl.len())
        return df.with_columns(pl.when(idx == row).then(pl.col(col) + delta).otherwise(pl.col(col)))

    return f


def drop_rows(lo: int, hi: int) -> Callable[[pl.DataFrame], pl.DataFrame]:
    return lambda df: pl.concat([df.slice(0, lo), df.slice(hi)])


def dup_row(row: int) -> Callable[[pl.DataFrame], pl.DataFrame]:
    return lambda df: pl.concat([df.slice(0, row + 1), df.slice(row, 1), df.slice(row + 1)])


def swap_ts(row: int) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def f(df: pl.DataFrame) -> pl.DataFrame:
        ts = df["ts"].to_list()
        ts[row], ts[row + 1] = ts[row + 1], ts[row]
        return df.with_columns(pl.Series("ts", ts, dtype=df.schema["ts"]))

    return f


CASES = [
    # (name, defect, measure, count, location key, locations)
    ("nulls", set_cells("temp", [10, 11, 12, 13, 14], None), "completeness.cells", 5, None, None),
    ("spike", add("temp", 500, 40.0), "accuracy.spikes", 1, ("temp", "rows"), [500]),
    (
        "stuck",
        set_cells("pres", list(range(200, 230)), 5.0),
        "accuracy.stuck",
        30,
        ("pres", "ranges"),
        [{"start_row": 200, "length": 30, "value": 5.0}],
    ),
    (
        "range",
        set_cells("temp", [700, 701], 150.0),
        "accuracy.range",
        2,
        ("temp", "rows"),
        [700, 701],
    ),
    (
        "gap",
        drop_rows(600, 610),
        "completeness.gaps",
        1,
        "ranges",
        [
            {
                "start": "2024-01-01T00:09:59",
                "end": "2024-01-01T00:10:10",
                "seconds": 11.0,
                "row": 600,
            }
        ],
    ),
    ("duplicate key", dup_row(300), "consistency.duplicate_keys", 1, "rows", [301]),
    ("duplicate row", dup_row(300), "uniqueness.rows", 1, "rows", [301]),
    ("rule", add("total", 400, 1), "consistency.rule.sum", 1, "rows", [400]),
    ("backwards", swap_ts(800), "consistency.monotonic", 1, "rows", [801]),
]


def test_clean_table_passes_everything() -> None:
    q = run(clean_table())
    failed = [m.id for m in q.measures if not m.passed and m.id != "credibility.drift"]
    assert failed == []
    assert all(m.evidence.get("count", 0) == 0 for m in q.measures if m.id != "credibility.drift")


@pytest.mark.parametrize(
    ("name", "defect", "mid", "count", "where", "locations"), CASES, ids=[c[0] for c in CASES]
)
def test_seeded_defect(
    name: str, defect: Any, mid: str, count: int, where: Any, locations: Any
) -> None:
    df = defect(clean_table())
    m = measure(run(df), mid)
    assert m["evidence"]["count"] == count
    assert m["passed"] is False or count / df.height <= 1 - m["threshold"]
    if isinstance(where, tuple):
        assert m["evidence"]["columns"][where[0]][where[1]] == locations
    elif where:
        assert m["evidence"][where] == locations


def test_sampling_completeness_counts_missing_samples() -> None:
    m = measure(run(drop_rows(600, 610)(clean_table())), "completeness.sampling")
    assert m["evidence"]["expected"] == 1000
    assert m["evidence"]["observed"] == 990
    assert m["value"] == pytest.approx(0.99)


def test_duplicates_found_without_sorted_key() -> None:
    df = dup_row(300)(clean_table()).drop("ts")
    q = evaluate(df.lazy(), default_contract(product_id="p", name="p", schema=df.schema))
    m = measure(q, "uniqueness.rows")
    assert m["evidence"]["count"] == 1
    assert m["evidence"]["rows"] == [301]


def test_labels_noise_and_balance() -> None:
    df = pl.DataFrame(
        {
            "a": [1, 1, 2, 3, 4, 5],
            "b": [0, 0, 1, 1, 2, 2],
            "y": ["ok", "ng", "ok", "ok", "ok", None],
        }
    )
    c = replace(default_contract(product_id="p", name="p", schema=df.schema), target="y")
    q = evaluate(df.lazy(), c)
    assert measure(q, "labels.completeness")["evidence"]["count"] == 1
    assert measure(q, "labels.noise")["evidence"]["count"] == 2
    assert measure(q, "labels.balance")["evidence"]["classes"] == {"ng": 1, "ok": 4}


def test_ingest_junk_and_freshness() -> None:
    from datetime import datetime

    from mfgdata.quality.evaluate import Extras

    df = clean_table()
    c = replace(contract_for(df), sla_seconds=3600.0)
    ex = Extras(
        junk={"temp": {"count": 3, "examples": ["Bad"], "tokens": {"Intf Shut": 2, "Bad": 1}}},
        ingest_rows=1000,
        ingest_columns=6,
        reference=datetime(2024, 1, 1, 2, 16, 39),
    )
    q = evaluate(df.lazy(), c, ex)
    j = measure(q, "accuracy.ingest_junk")
    assert j["evidence"]["count"] == 3 and j["source"] == "ingest"
    assert j["evidence"]["columns"]["temp"]["tokens"] == {
        "Intf Shut": 2,
        "Bad": 1,
    }  # each junk value with its count
    f = measure(q, "currentness.freshness")
    assert f["evidence"]["age_seconds"] == 7200.0
    assert f["value"] == 0.5 and f["evidence"]["reference_time"] == "2024-01-01T02:16:39"


def test_spike_chart_marks_the_spike() -> None:
    from mfgdata.quality.charts import charts

    q = run(add("temp", 500, 40.0)(clean_table()))
    prof = q.stats.spike_profile
    assert prof is not None and prof["column"] == "temp"
    assert prof["spikes"][0]["row"] == 500
    assert prof["spikes"][0]["time"].startswith("2024-01-01 00:08:20")
    assert len(prof["buckets"]) <= 40
    assert "quality-spike-series" in charts(q.stats)


def test_spike_chart_numbers_are_what_a_person_reads() -> None:
    """The spike chart showed 331.74199999999996 (a converted unit's float noise) and bucket
    means to 17 digits, whose last digits also differed between Polars and Spark (summation
    order): its numbers carry 6 significant digits, as the profile's charts do."""
    from mfgdata.quality.charts import charts

    kelvin = add("temp", 500, 40.0)(clean_table()).with_columns(pl.col("temp") * 1.1 + 273.15)
    chart = charts(run(kelvin).stats)["quality-spike-series"]
    shown = [
        v
        for layer in chart["layer"]
        for point in layer["data"]["values"]
        for k, v in point.items()
        if k in ("min", "mean", "max", "value")
    ]
    assert len(shown) > 40 and all(isinstance(v, float) for v in shown)
    assert [v for v in shown if float(f"{v:.6g}") != v] == []


def test_completeness_heatmap_buckets_count_the_nulls() -> None:
    q = run(set_cells("temp", [10, 11, 12, 13, 14], None)(clean_table()))
    t = q.stats.time
    assert t is not None and len(t.bucket_ends) == 40 and t.bucket_ends[-1] == 1000
    temp, pres = q.stats.columns["temp"].bucket_nonnull, q.stats.columns["pres"].bucket_nonnull
    sizes = [b - a for a, b in zip([0, *t.bucket_ends[:-1]], t.bucket_ends, strict=True)]
    assert pres == sizes
    assert [s - n for s, n in zip(sizes, temp, strict=True)] == [5] + [0] * 39


def test_stuck_run_in_one_machine_is_found_when_machines_interleave() -> None:
    """Rows sorted by time then machine: a machine's stuck sensor sits on every other row."""
    a = clean_table(600).with_columns(pl.lit("M1").alias("machine"))
    b = clean_table(600).with_columns(pl.lit("M2").alias("machine"))
    b = b.with_columns(
        pl.when(pl.int_range(pl.len()).is_between(100, 189))
        .then(pl.lit(7.5))
        .otherwise(pl.col("pres"))
        .alias("pres")
    )
    df = pl.concat([a, b]).sort("ts", "machine")
    contract = replace(contract_for(df), id_column="machine")
    q = evaluate(df.lazy(), contract)
    stuck = measure(q, "accuracy.stuck")
    assert stuck["evidence"]["count"] == 90
    # the run starts at M2's sample 100, which sits at table row 2 * 100 + 1
    assert stuck["evidence"]["columns"]["pres"]["ranges"] == [
        {"start_row": 2 * 100 + 1, "length": 90, "value": 7.5}
    ]
