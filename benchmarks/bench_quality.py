# ruff: noqa: E501
"""Benchmark the quality step against its anchors: Great Expectations Core, ydata-profiling and
DuckDB running the same checks, in one paired run (issue #12).

Generates a seeded table (N rows x 20 sensors at 1 Hz, with nulls, gaps, spikes, stuck runs and
duplicate keys) as Parquet, then times whole processes (imports included): wall, CPU seconds
(user + system over all threads, from wait4) and peak RSS, with the machine's load before and
after; prints medians of ``--runs`` runs and each ratio against its target. The machine is shared:
each anchor is paired with the quality step run on the same file right before and right after it
(their mean is the ratio's other side).

    sh benchmarks/setup_anchors.sh                                  # once: benchmarks/.venv-anchors
    .venv/bin/python benchmarks/bench_quality.py --rows 1000000 --runs 1

The anchors run with the interpreter of ``--bench-python`` (default benchmarks/.venv-anchors), so
they cannot break the project venv. Targets: GX/quality >= 10, ydata/quality >= 20,
quality/DuckDB <= 1.5 (on CPU seconds; wall printed too).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SENSORS = 20
#: GX's suite below: not null on every column, between and not-outlier on each sensor, and ts
#: increasing, ts unique, whole rows unique; DuckDB runs the same checks
GX_EXPECTATIONS = (SENSORS + 1) + 2 * SENSORS + 3
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

DUCKDB = """
import sys, duckdb
con = duckdb.connect()
con.execute(f"create view t as select * from read_parquet('{sys.argv[1]}')")
cols = [r[0] for r in con.execute("describe t").fetchall()]
sens = [c for c in cols if c != "ts"]
q = [f'count(*) - count("{c}")' for c in cols]  # not null, as GX
q += [f'count(*) filter (where "{c}" < -50 or "{c}" > 150)' for c in sens]  # between
stats = ", ".join(f'avg("{c}") m_{c}, stddev_samp("{c}") s_{c}' for c in sens)
q += [f'count(*) filter (where abs("{c}" - m_{c}) > 6 * s_{c})' for c in sens]  # outliers
sql = f"with s as (select {stats} from t) select {', '.join(q)} from t, s"
checks = list(con.execute(sql).fetchone())
checks.append(con.execute("select count(*) from (select ts <= lag(ts) over () bad from t) where bad").fetchone()[0])
checks.append(con.execute("select count(*) - count(distinct ts) from t").fetchone()[0])
checks.append(con.execute(f"select count(*) from (select count(*) n from t group by all_cols) where n > 1".replace("all_cols", ", ".join(f'"{c}"' for c in cols))).fetchone()[0])
print(len(checks))
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


def run(python: str, code: str, path: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one process."""
    t = time.perf_counter()
    p = subprocess.Popen([python, "-c", code, str(path)], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"benchmark process failed: {code[:80]!r}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def median_of(runs: int, python: str, code: str, path: Path) -> tuple[float, float, float]:
    res = [run(python, code, path) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in res),
        max(r[1] for r in res),
        statistics.median(r[2] for r in res),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--small-rows", type=int, default=None, help="rows for the anchors (--rows)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/mfgdata-bench"))
    ap.add_argument(
        "--bench-python", default=str(Path(__file__).parent / ".venv-anchors/bin/python")
    )
    ap.add_argument("--skip-tools", action="store_true")
    ap.add_argument(
        "--only",
        default="quality-big,polars-big,gx,ydata,duckdb",
        help="comma list of: quality-big, polars-big, gx, ydata, duckdb",
    )
    a = ap.parse_args()
    a.small_rows = a.small_rows or a.rows
    a.dir.mkdir(parents=True, exist_ok=True)
    big, small = a.dir / f"big-{a.rows}.parquet", a.dir / f"small-{a.small_rows}.parquet"
    for path, n in ((big, a.rows), (small, a.small_rows)):
        if not path.exists():
            generate(path, n)
    me = sys.executable
    only = set(a.only.split(","))
    if a.skip_tools:
        only -= {"gx", "ydata", "duckdb"}
    plan = [
        ("quality-big", "mfgdata quality", a.rows, me, QUALITY, big),
        ("polars-big", "polars scan stats", a.rows, me, POLARS, big),
    ]
    anchors = [
        ("gx", f"great_expectations ({GX_EXPECTATIONS})", GX),
        ("ydata", "ydata-profiling minimal", YDATA),
        ("duckdb", f"duckdb, the same {GX_EXPECTATIONS}", DUCKDB),
    ]
    load = os.getloadavg()
    res: dict[str, tuple[str, int, float, float, float]] = {}
    for key, name, n, python, code, path in plan:
        if key in only:
            res[key] = (name, n, *median_of(a.runs, python, code, path))
    # Paired: the quality step runs right before and right after each anchor, on the same file,
    # so both sides of a ratio see the same load on this shared machine.
    pairs: dict[str, tuple[str, int, float, float, float]] = {}
    for key, name, code in anchors:
        if key in only:
            before = median_of(a.runs, me, QUALITY, small)
            res[key] = (name, a.small_rows, *median_of(a.runs, a.bench_python, code, small))
            after = median_of(a.runs, me, QUALITY, small)
            wall, cpu = (before[0] + after[0]) / 2, (before[2] + after[2]) / 2
            pairs[key] = (
                "  mfgdata quality, paired",
                a.small_rows,
                wall,
                max(before[1], after[1]),
                cpu,
            )
    print(
        f"load average (1, 5, 15 min) before: {load}, after: {os.getloadavg()} on {os.cpu_count()} CPUs"
    )
    print(f"{'tool':<30}{'rows':>12}{'wall s':>10}{'CPU s':>10}{'peak RSS MiB':>14}")
    for key, (name, n, wall, rss, cpu) in res.items():
        print(f"{name:<30}{n:>12,}{wall:>10.2f}{cpu:>10.2f}{rss:>14.0f}")
        if key in pairs:
            name, n, wall, rss, cpu = pairs[key]
            print(f"{name:<30}{n:>12,}{wall:>10.2f}{cpu:>10.2f}{rss:>14.0f}")
    ratios: dict[str, float] = {}
    if {"quality-big", "polars-big"} <= res.keys():
        ratios["quality/polars CPU (no target; the floor)"] = (
            res["quality-big"][4] / res["polars-big"][4]
        )
    if "quality-big" in res:
        ratios["quality peak RSS MiB (target <= 1024)"] = res["quality-big"][3]
    for key, label, flip in (
        ("gx", "GX/quality (target >= 10)", False),
        ("ydata", "ydata/quality (target >= 20)", False),
        ("duckdb", "quality/DuckDB (target <= 1.5)", True),
    ):
        if key in pairs:
            a_, b_ = (pairs[key], res[key]) if flip else (res[key], pairs[key])
            ratios[label + " CPU"] = a_[4] / b_[4]
            ratios[label + " wall"] = a_[2] / b_[2]
    print(json.dumps({k: round(v, 2) for k, v in ratios.items()}, indent=1))


if __name__ == "__main__":
    main()
