"""Benchmark the build against bare Polars.

Generates a seeded table (default 10M rows x 20 sensors, a time column and a machine id) as CSV and
Parquet, then measures whole processes (imports included, median of --repeat runs; peak RSS and
CPU time, user + system over all threads, from wait4 — on a shared machine CPU time is steadier
than wall time, so both ratios are printed):

  (a) CSV ingest by mfgdata (IngestStep)       vs  polars.read_csv of the same file
  (b) profile + package by mfgdata from Parquet vs  one Polars lazy scan computing the same
      column statistics (count, nulls, min, max, mean, std, quantiles)

and, for (b), a floor that is not a target: bare Polars computing those statistics and writing the
two data files every product holds (the same Parquet settings, a CSV). No implementation that
writes the files can be faster than that floor.

Targets (issue #2): (a) ratio <= 1.5; (b) ratio <= 3 and peak RSS <= 2x the Parquet size.

``--whole`` (issue #12) measures instead, in one paired run on the table plus a 0/1 ``defect``
label (23 columns): a bare Polars read of the Parquet and write of Parquet + CSV, the data steps
of ``mfgdata build`` (all but model and insight) and the whole build, with CPU seconds, wall,
peak RSS and the machine's load. Targets: data steps <= 5x CPU, whole build <= 20x CPU, peak RSS
<= 1 GiB.

Usage: python benchmarks/bench_build.py [--rows 10000000] [--sensors 20] [--repeat 3] [--dir D]
       python benchmarks/bench_build.py --whole --rows 1000000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import polars as pl

BASELINE_READ_CSV = """
import sys, polars as pl
df = pl.read_csv(sys.argv[1], try_parse_dates=True)
print(df.height)
"""

MFGDATA_INGEST = """
import sys, tempfile
from pathlib import Path
from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import IngestResult
from mfgdata.settings import Settings
from mfgdata.steps.ingest import IngestStep
tmp = Path(tempfile.mkdtemp(dir=sys.argv[2]))
ctx = RunContext(run_id="bench", options=BuildOptions(inputs=(Path(sys.argv[1]),), out=tmp / "out",
                 time_column="time"), settings=Settings(home=tmp / "home"),
                 product=ProductWriter(tmp / "p"), work_dir=tmp)
result = IngestStep().run(None, ctx)
print(result.of(IngestResult).rows)
"""

BASELINE_STATS = """
import sys, polars as pl
lf = pl.scan_parquet(sys.argv[1])
num = [c for c, t in lf.collect_schema().items() if t.is_numeric()]
exprs = []
for c in lf.collect_schema().names():
    exprs += [pl.col(c).count().alias(c + ":count"), pl.col(c).null_count().alias(c + ":nulls")]
for c in num:
    exprs += [pl.col(c).min().alias(c + ":min"), pl.col(c).max().alias(c + ":max"),
              pl.col(c).mean().alias(c + ":mean"), pl.col(c).std().alias(c + ":std")]
    qs = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
    exprs.append(pl.col(c).quantile(qs).alias(c + ":quantiles"))  # the fastest form
print(lf.select(exprs).collect(engine="streaming").width)
"""

# Not a target of the issue: the floor under (b). Whatever profiles and packages must at least
# compute the statistics and write the same two data files (Parquet, zstd level 3, and CSV).
FLOOR_STATS_AND_FILES = (
    BASELINE_STATS.replace("print(lf.select", "width = (lf.select")
    + """
import os
out = sys.argv[2]
lf.sink_parquet(out + "/floor.parquet", compression="zstd", compression_level=3,
                row_group_size=262_144)
lf.sink_csv(out + "/floor.csv")
os.unlink(out + "/floor.parquet"); os.unlink(out + "/floor.csv")
print(width)
"""
)

MFGDATA_PROFILE_PACKAGE = """
import sys, tempfile
from pathlib import Path
from mfgdata.flow import build
from mfgdata.pipeline import BuildOptions
from mfgdata.settings import Settings
from mfgdata.steps.ingest import IngestStep
from mfgdata.steps.package import PackageStep
from mfgdata.steps.profile import ProfileStep
tmp = Path(tempfile.mkdtemp(dir=sys.argv[2]))
options = BuildOptions(inputs=(Path(sys.argv[1]),), out=tmp / "out", time_column="time",
                       id_column="machine")
build(options, steps=[IngestStep(), ProfileStep(), PackageStep()],
      settings=Settings(home=tmp / "home"))
print("ok")
"""


BASELINE_READ_WRITE = """
import sys, polars as pl
df = pl.read_parquet(sys.argv[1])
df.write_parquet(sys.argv[2] + "/rw.parquet", compression="zstd", compression_level=3)
df.write_csv(sys.argv[2] + "/rw.csv")
print(df.height)
"""

MFGDATA_BUILD = """
import sys, tempfile
from pathlib import Path
from mfgdata.flow import build
from mfgdata.pipeline.context import build_options
from mfgdata.flow import default_steps
from mfgdata.settings import Settings
tmp = Path(tempfile.mkdtemp(dir=sys.argv[2]))
options = build_options([sys.argv[1]], tmp / "out",
                        {"time_column": "time", "id_column": "machine", "target": "defect"})
steps = default_steps()
if sys.argv[3] == "data":
    steps = [s for s in steps if s.name not in ("model", "insight")]
r = build(options, steps=steps, settings=Settings(home=tmp / "home"))
print({k: round(v, 1) for k, v in r.seconds.items()}, file=sys.stderr)
"""


def labelled(pq_path: Path) -> Path:
    """The table plus a 0/1 defect label that depends on two sensors (something to learn)."""
    out = pq_path.with_name(pq_path.stem + "_labelled.parquet")
    if not out.exists():
        lf = pl.scan_parquet(pq_path)
        noise = (pl.int_range(pl.len()) * 2654435761 % 1000) / 1000
        label = ((pl.col("sensor_00") - 50) / 5 + (pl.col("sensor_01") - 51) / 5 + noise) > 1.6
        lf.with_columns(defect=label.fill_null(False).cast(pl.Int8)).sink_parquet(out)
    return out


def compiled() -> str:
    """Compile mfgdata's modules to bytecode, as a pip install does for an installed package
    (Polars, the anchor, is read from its bytecode): with ``PYTHONDONTWRITEBYTECODE`` set, as on
    the CI machines, an editable checkout recompiles ~300 modules in every process (about
    0.3 CPU-s of each build measured). Returns what was done, for the printout."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("mfgdata")
    if spec is None or not spec.submodule_search_locations:
        return "mfgdata not found"
    folder = next(iter(spec.submodule_search_locations))
    ok = compileall.compile_dir(folder, quiet=1)
    return f"mfgdata bytecode compiled ({folder}): {'ok' if ok else 'FAILED'}"


def whole(pq_path: Path, scratch: Path, repeat: int) -> None:
    """Issue #12: the build, its data steps and bare Polars read + write, in one paired run."""
    src = labelled(pq_path)
    print(compiled())
    mb = 1024 * 1024
    load = os.getloadavg()
    base = measure(BASELINE_READ_WRITE, repeat, str(src), str(scratch))
    data = measure(MFGDATA_BUILD, repeat, str(src), str(scratch), "data")
    full = measure(MFGDATA_BUILD, repeat, str(src), str(scratch), "all")
    load_end = os.getloadavg()
    print(f"input: {src.name}, {src.stat().st_size / mb:,.0f} MiB Parquet")
    print(f"{'measure':48} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13}")
    for label, (wall, rss, cpu) in (
        ("polars read Parquet + write Parquet, CSV", base),
        ("mfgdata build, data steps (no model, insight)", data),
        ("mfgdata build, whole", full),
    ):
        print(f"{label:48} {wall:8.2f} {cpu:8.2f} {rss / mb:13,.0f}")
    for name, target, ours in (("data steps", 5.0, data), ("whole build", 20.0, full)):
        cpu_r, wall_r = ours[2] / base[2], ours[0] / base[0]
        print(
            f"{name}: CPU {cpu_r:.1f}x {verdict(cpu_r <= target)} (target <= {target:g}x), "
            f"wall {wall_r:.1f}x"
        )
    ok = verdict(full[1] <= 1024 * mb)
    print(f"whole build peak RSS {full[1] / mb:,.0f} MiB {ok} (<= 1 GiB)")
    print(
        f"load average (1/5/15 min) at start {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, "
        f"at end {load_end[0]:.1f}/{load_end[1]:.1f}/{load_end[2]:.1f}; {os.cpu_count()} CPUs"
    )


def generate(rows: int, sensors: int, folder: Path) -> tuple[Path, Path]:
    csv_path, pq_path = folder / f"bench_{rows}.csv", folder / f"bench_{rows}.parquet"
    if csv_path.exists() and pq_path.exists():
        return csv_path, pq_path
    rng = np.random.default_rng(7)
    chunk = 1_000_000
    writers = []
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        cols: dict[str, object] = {
            "time": pl.datetime_range(
                pl.datetime(2024, 1, 1) + pl.duration(seconds=start),
                pl.datetime(2024, 1, 1) + pl.duration(seconds=start + n - 1),
                "1s",
                eager=True,
            ),
            "machine": rng.choice(["M1", "M2", "M3", "M4"], n),
        }
        for s in range(sensors):
            values = rng.normal(50 + s, 5, n).round(3)
            values[rng.random(n) < 0.001] = np.nan
            cols[f"sensor_{s:02d}"] = values
        part = pl.DataFrame(cols).with_columns(pl.selectors.float().fill_nan(None))
        part_path = folder / f"part_{start // chunk:04d}.parquet"
        part.write_parquet(part_path)
        writers.append(part_path)
    lf = pl.scan_parquet(writers)
    lf.sink_parquet(pq_path)
    lf.with_columns(pl.col("time").dt.strftime("%Y-%m-%d %H:%M:%S")).sink_csv(csv_path)
    for p in writers:
        p.unlink()
    return csv_path, pq_path


def run(code: str, *args: str) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (bytes) and CPU seconds (user + system) of one Python process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args], stdout=subprocess.DEVNULL
    )  # stderr shown: the build prints its step seconds there
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark process failed: {code[:60]!r}")
    return wall, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def measure(code: str, repeat: int, *args: str) -> tuple[float, int, float]:
    runs = [run(code, *args) for _ in range(repeat)]
    return (
        statistics.median(r[0] for r in runs),
        max(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--sensors", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--whole", action="store_true", help="issue #12: the whole build vs Polars")
    a = ap.parse_args()
    folder = a.dir or Path(tempfile.gettempdir()) / "mfgdata-bench"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, pq_path = generate(a.rows, a.sensors, folder)
    scratch = Path(tempfile.mkdtemp(dir=folder))
    if a.whole:
        whole(pq_path, scratch, a.repeat)
        return
    mb = 1024 * 1024
    print(
        f"table: {a.rows:,} rows x {a.sensors} sensors; "
        f"CSV {csv_path.stat().st_size / mb:,.0f} MiB,"
        f" Parquet {pq_path.stat().st_size / mb:,.0f} MiB; median of {a.repeat} runs"
    )
    load = os.getloadavg()
    base_a = measure(BASELINE_READ_CSV, a.repeat, str(csv_path))
    ours_a = measure(MFGDATA_INGEST, a.repeat, str(csv_path), str(scratch))
    base_b = measure(BASELINE_STATS, a.repeat, str(pq_path))
    floor_b = measure(FLOOR_STATS_AND_FILES, a.repeat, str(pq_path), str(scratch))
    ours_b = measure(MFGDATA_PROFILE_PACKAGE, a.repeat, str(pq_path), str(scratch))
    load_end = os.getloadavg()
    pq_size = pq_path.stat().st_size
    print(f"{'measure':48} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13}")
    for label, (wall, rss, cpu) in (
        ("(a) polars.read_csv", base_a),
        ("(a) mfgdata ingest", ours_a),
        ("(b) polars lazy scan, column statistics", base_b),
        ("(b) floor: the statistics + write Parquet, CSV", floor_b),
        ("(b) mfgdata profile + package", ours_b),
    ):
        print(f"{label:48} {wall:8.2f} {cpu:8.2f} {rss / mb:13,.0f}")
    for name, target, ours, base in (("(a)", 1.5, ours_a, base_a), ("(b)", 3.0, ours_b, base_b)):
        wall_r, cpu_r = ours[0] / base[0], ours[2] / base[2]
        print(
            f"{name} ratio wall {wall_r:.2f} {verdict(wall_r <= target)}, "
            f"CPU {cpu_r:.2f} {verdict(cpu_r <= target)} (target <= {target:g})"
        )
    print(
        f"(b) vs the floor (not a target): wall {ours_b[0] / floor_b[0]:.2f}, "
        f"CPU {ours_b[2] / floor_b[2]:.2f}; the floor itself is "
        f"{floor_b[0] / base_b[0]:.2f}x the statistics scan (wall)"
    )
    rss_ratio = ours_b[1] / pq_size
    print(f"(b) peak RSS / Parquet size {rss_ratio:.2f} (target <= 2) {verdict(rss_ratio <= 2)}")
    print(
        f"load average (1/5/15 min) at start {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, "
        f"at end {load_end[0]:.1f}/{load_end[1]:.1f}/{load_end[2]:.1f}; {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
