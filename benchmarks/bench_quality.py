# ruff: noqa: E501
"""Benchmark the quality measures against a Polars scan, Great Expectations and ydata-profiling.

Generates a seeded table (N rows x 20 sensors at 1 Hz, with nulls, gaps, spikes, stuck runs and
duplicate keys) as Parquet, then times whole processes (imports included) and reads each child's
peak RSS; prints medians of ``--runs`` runs.

    .venv/bin/python benchmarks/bench_quality.py                    # 10M rows, 1M for GX/ydata
    .venv/bin/python benchmarks/bench_quality.py --rows 200000 --small-rows 50000 --runs 1

GX and ydata-profiling run with the interpreter of ``--bench-python`` (default .venv-bench, created
with ``pip install -e '.[bench]'`` or the two packages), so they cannot break the project venv.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SENSORS = 20
CHUNK = 1_000_000

RSS = "import resource,sys; print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"

QUALITY = """
import sys, polars as pl
from mfgdata.quality.defaults import default_contract
from mfgdata.quality.evaluate import evaluate
lf = pl.scan_parquet(sys.argv[1])
ranges = {f"s{i:02d}": (-50.0, 150.0) for i in range(20)}
c = default_contract(product_id="b", name="b", schema=dict(lf.collect_schema()), time_column="ts", ranges=ranges)
q = evaluate(lf, c)
print(q.grade, q.score, {m.id: m.evidence.get("count") for m in q.measures})
"""

POLARS = """
import sys, polars as pl
lf = pl.scan_parquet(sys.argv[1])
cols = lf.collect_schema().names()
s = lf.select(
    *[pl.col(c).null_count().alias(c + "_nulls") for c in cols],
    *[pl.col(c).min().alias(c + "_min") for c in cols],
    *[pl.col(c).max().alias(c + "_max") for c in cols],
    *[pl.col(c).mean().alias(c + "_mean") for c in cols if c != "ts"],
    *[pl.col(c).std().alias(c + "_std") for c in cols if c != "ts"],
).collect(engine="streaming")
print(s.width)
"""

GX = """
import sys, pandas as pd, great_expectations as gx
df = pd.read_parquet(sys.argv[1])
ctx = gx.get_context(mode="ephemeral")
batch = ctx.data_sources.add_pandas("p").add_dataframe_asset("a").add_batch_definition_whole_dataframe("b").get_batch(batch_parameters={"dataframe": df})
suite = ctx.suites.add(gx.ExpectationSuite(name="s"))
E = gx.expectations
for c in df.columns:
    suite.add_expectation(E.ExpectColumnValuesToNotBeNull(column=c))
for c in [c for c in df.columns if c != "ts"]:
    suite.add_expectation(E.ExpectColumnValuesToBeBetween(column=c, min_value=-50, max_value=150))
    suite.add_expectation(E.ExpectColumnValuesToNotBeOutliers(column=c, method="std", multiplier=6))
suite.add_expectation(E.ExpectColumnValuesToBeIncreasing(column="ts", strictly=True))
suite.add_expectation(E.ExpectColumnValuesToBeUnique(column="ts"))
suite.add_expectation(E.ExpectCompoundColumnsToBeUnique(column_list=list(df.columns)))
r = batch.validate(suite)
print(r.success, len(r.results))
"""

YDATA = """
import sys, pandas as pd
from ydata_profiling import ProfileReport
df = pd.read_parquet(sys.argv[1])
print(len(ProfileReport(df, minimal=True, progress_bar=False).to_json()))
"""


def generate(path: Path, rows: int, seed: int = 42) -> None:
    """Seeded 1 Hz table; every chunk gets nulls, a gap, spikes, a stuck run and duplicate keys."""
    rng = np.random.default_rng(seed)
    t0 = np.datetime64("2024-01-01T00:00:00", "us")
    writer: pq.ParquetWriter | None = None
    offset = 0
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        sec = np.arange(offset, offset + n, dtype=np.int64)
        sec[n // 2 :] += 300  # a 5-minute gap per chunk
        sec[100:110] = sec[99]  # 10 duplicate keys per chunk
        offset = int(sec[-1]) + 1
        cols = {"ts": pa.array(t0 + sec.astype("timedelta64[s]"))}
        i = np.arange(start, start + n)
        for s in range(SENSORS):
            x = 50 + 10 * np.sin(i / (500 + 37 * s)) + rng.normal(0, 0.2, n)
            x[rng.integers(0, n, 20)] += 80  # spikes
            a = int(rng.integers(0, n - 200))
            x[a : a + 120] = x[a]  # a stuck run
            mask = rng.random(n) < 0.001  # 0.1 % nulls
            cols[f"s{s:02d}"] = pa.array(x, mask=mask)
        table = pa.table(cols)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def run(python: str, code: str, path: Path) -> tuple[float, float]:
    t = time.perf_counter()
    p = subprocess.run([python, "-c", code + "\n" + RSS, str(path)], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(p.stderr[-2000:])
    rss_kib = next(
        int(line.split()[1]) for line in p.stderr.splitlines() if line.startswith("RSS ")
    )
    return wall, rss_kib / 1024


def median_of(runs: int, python: str, code: str, path: Path) -> tuple[float, float]:
    res = [run(python, code, path) for _ in range(runs)]
    return statistics.median(r[0] for r in res), max(r[1] for r in res)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--small-rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/mfgdata-bench"))
    ap.add_argument(
        "--bench-python", default=str(Path(__file__).parents[1] / ".venv-bench/bin/python")
    )
    ap.add_argument("--skip-tools", action="store_true")
    ap.add_argument(
        "--only",
        default="quality-big,polars-big,quality-small,gx,ydata",
        help="comma list of: quality-big, polars-big, quality-small, gx, ydata",
    )
    a = ap.parse_args()
    a.dir.mkdir(parents=True, exist_ok=True)
    big, small = a.dir / f"big-{a.rows}.parquet", a.dir / f"small-{a.small_rows}.parquet"
    for path, n in ((big, a.rows), (small, a.small_rows)):
        if not path.exists():
            generate(path, n)
    me = sys.executable
    only = set(a.only.split(","))
    if a.skip_tools:
        only -= {"gx", "ydata"}
    plan = [
        ("quality-big", "mfgdata quality", a.rows, me, QUALITY, big),
        ("polars-big", "polars scan stats", a.rows, me, POLARS, big),
        ("quality-small", "mfgdata quality", a.small_rows, me, QUALITY, small),
        ("gx", "great_expectations", a.small_rows, a.bench_python, GX, small),
        ("ydata", "ydata-profiling minimal", a.small_rows, a.bench_python, YDATA, small),
    ]
    res: dict[str, tuple[str, int, float, float]] = {}
    for key, name, n, python, code, path in plan:
        if key in only:
            res[key] = (name, n, *median_of(a.runs, python, code, path))
    print(f"{'tool':<26}{'rows':>12}{'wall s':>10}{'peak RSS MiB':>14}")
    for name, n, wall, rss in res.values():
        print(f"{name:<26}{n:>12,}{wall:>10.2f}{rss:>14.0f}")
    ratios: dict[str, float] = {}
    if {"quality-big", "polars-big"} <= res.keys():
        ratios["quality/polars (target <= 3)"] = res["quality-big"][2] / res["polars-big"][2]
    if "quality-big" in res:
        ratios["quality peak RSS MiB (target <= 1024)"] = res["quality-big"][3]
    for key, label in (
        ("gx", "GX/quality (target >= 10)"),
        ("ydata", "ydata/quality (target >= 20)"),
    ):
        if {key, "quality-small"} <= res.keys():
            ratios[label] = res[key][2] / res["quality-small"][2]
    print(json.dumps({k: round(v, 2) for k, v in ratios.items()}, indent=1))


if __name__ == "__main__":
    main()
