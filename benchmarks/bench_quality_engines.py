"""The quality step alone (``evaluate``, the default contract) on Polars and on Spark (issue 19):
wall seconds of each and whether quality.json's content is equal.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_quality_engines.py [--rows 1000000]

Two generated tables: ``bench_quality.py``'s (20 sensors at 1 Hz: gaps, spikes, stuck runs,
duplicate keys) and a labelled one (4 machines, 12 sensors, a label, 200 duplicate rows). The
Spark frame is materialised first, as the runner does before the quality step (local[2]).
``--cpu``: also the Polars evaluation's CPU seconds (median of 3, after a warm-up run).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from benchmarks.bench_quality import generate


def labelled(path: Path, rows: int, seed: int = 5) -> None:
    rng = np.random.default_rng(seed)
    i = np.arange(rows)
    t0 = np.datetime64("2024-01-01T00:00:00", "us")
    cols: dict[str, Any] = {
        "ts": t0 + (i // 4).astype("timedelta64[s]"),
        "machine": np.array([f"M{k}" for k in range(4)])[i % 4],
    }
    for s in range(12):
        x = 50 + 10 * np.sin(i / (500 + 37 * s)) + rng.normal(0, 0.2, rows)
        x[rng.integers(0, rows, 20)] += 80
        cols[f"s{s:02d}"] = x
    cols["label"] = np.where(cols["s00"] > 55, "bad", "good")
    df = pl.DataFrame(cols)
    df = pl.concat([df, df.slice(1000, 200)]).sort("ts", "machine", maintain_order=True)
    df.write_parquet(path)


def cpu_seconds(fn: Any) -> float:
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    fn()
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/mfgdata-bench"))
    ap.add_argument("--cpu", action="store_true")
    a = ap.parse_args()
    from pyspark.sql import functions as F

    from mfgdata.engine import ROW, SparkFrame
    from mfgdata.engine.session import get_session
    from mfgdata.engine.spark_io import materialise
    from mfgdata.quality.defaults import default_contract
    from mfgdata.quality.evaluate import evaluate

    a.dir.mkdir(parents=True, exist_ok=True)
    tables = {"sensors": a.dir / f"big-{a.rows}.parquet", "labelled": a.dir / f"lab-{a.rows}.pq"}
    if not tables["sensors"].exists():
        generate(tables["sensors"], a.rows)
    if not tables["labelled"].exists():
        labelled(tables["labelled"], a.rows)
    spark = get_session("local[2]")
    for name, path in tables.items():
        lf = pl.scan_parquet(path)
        schema = lf.collect_schema()
        keyed = "machine" in schema
        ranges = {c: (-50.0, 150.0) for c in schema if c.startswith("s")}
        c = default_contract(
            product_id="b",
            name="b",
            schema=dict(schema),
            time_column="ts",
            id_column="machine" if keyed else None,
            target="label" if keyed else None,
            ranges=ranges,
        )
        df = spark.read.parquet(str(path)).withColumn(ROW, F.monotonically_increasing_id())
        sf = materialise(SparkFrame(df, schema), a.dir / f"spark-{name}")
        t = time.perf_counter()
        on_spark = evaluate(sf, c).to_dict()
        spark_s = time.perf_counter() - t
        t = time.perf_counter()
        on_polars = evaluate(lf, c).to_dict()
        polars_s = time.perf_counter() - t
        line = f"{name}: {a.rows:,} rows, Spark {spark_s:.1f} s, Polars {polars_s:.2f} s wall"
        if a.cpu:
            cpu = statistics.median(cpu_seconds(partial(evaluate, lf, c)) for _ in range(3))
            line += f" ({cpu:.2f} CPU s)"
        print(f"{line}; quality.json equal: {on_spark == on_polars}")


if __name__ == "__main__":
    main()
