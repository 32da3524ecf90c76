"""The profile's time axis on Spark: the driver's (Python process's) peak memory and wall time
when the two columns are collected to the driver (``--mode collect``: ``backend.time_rows``,
the code before issue 19's fix) or computed on Spark (``--mode spark``: ``spark_time.py``).
Also the SHA-256 of an input through Hadoop's FileSystem (``engine/hadoop.py``), in MB/s.

Each mode runs in a fresh process (peak RSS = ru_maxrss of that process; in local mode the JVM
is a child process and is not counted: the figure is the Python driver's).

Usage: python benchmarks/bench_spark_time_axis.py [--rows 2000000] [--dir D]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import resource, sys, time
from pathlib import Path
from mfgdata.engine.session import get_session
from mfgdata.engine import SparkFrame
from mfgdata.profiling import backend, spark_time
from mfgdata.profiling.timerules import Clock
import polars as pl
mode, src = sys.argv[1], sys.argv[2]
spark = get_session("local[2]")
df = spark.read.parquet("file://" + src)
from pyspark.sql import functions as F
df = df.withColumn("__mfg_row", F.monotonically_increasing_id())
frame = SparkFrame(df, pl.read_parquet_schema(src))
frame.df.count()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
spark.sparkContext.setJobGroup("time-axis", "the measured call")
t = time.perf_counter()
if mode == "collect":
    backend.time_rows(frame, "time", "machine")
elif mode == "spark":
    spark_time.time_profile(frame, "time", "machine", Clock(None, "UTC"))
else:
    from mfgdata.engine import hadoop
    size = Path(src).stat().st_size
    hadoop.sha256(spark, "file://" + src)
    print(f"sha256 through Hadoop: {size / (time.perf_counter() - t) / 1e6:.0f} MB/s")
    raise SystemExit
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
jobs = len(spark.sparkContext.statusTracker().getJobIdsForGroup("time-axis"))
print(f"{mode}: {time.perf_counter() - t:.1f} s, {jobs} Spark jobs, driver peak RSS "
      f"{peak / 1024:.0f} MB (+{(peak - base) / 1024:.0f} MB over the session's)")
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    import datetime as dt

    import polars as pl

    folder = args.dir or Path(tempfile.mkdtemp(prefix="time-axis-"))
    src = folder / "table.parquet"
    n = args.rows
    pl.DataFrame(
        {
            "time": pl.datetime_range(
                dt.datetime(2024, 1, 1),
                dt.datetime(2024, 1, 1) + dt.timedelta(seconds=n - 1),
                "1s",
                eager=True,
            ),
            "machine": [f"M-{i % 3}" for i in range(n)],
        }
    ).write_parquet(src)
    for mode in ("collect", "spark", "hash"):
        subprocess.run([sys.executable, "-c", CHILD, mode, str(src)], check=True)


if __name__ == "__main__":
    main()
