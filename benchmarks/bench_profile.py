"""CPU seconds of the profile step alone (issue 19: the Spark port must not slow the Polars engine).

The table is bench_build's seeded one (time, machine, ``--sensors`` float columns with 0.1 % nulls)
as Parquet; a build runs ingest then the profile step, and the profile step's CPU time (user +
system, all threads, ``getrusage``) and wall time are printed, median of ``--repeat`` runs.

Usage: python benchmarks/bench_profile.py [--rows 1000000] [--sensors 20] [--repeat 3] [--dir D]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_build import generate

from mfgdata.flow import build
from mfgdata.pipeline import BuildOptions
from mfgdata.settings import Settings
from mfgdata.steps.ingest import IngestStep
from mfgdata.steps.profile import ProfileStep

TIMES: list[tuple[float, float]] = []


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class TimedProfile(ProfileStep):
    def run(self, frame: Any, ctx: Any) -> Any:
        c0, t0 = _cpu(), time.perf_counter()
        out = super().run(frame, ctx)
        TIMES.append((_cpu() - c0, time.perf_counter() - t0))
        return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sensors", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "mfgdata-bench")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    _, parquet = generate(args.rows, args.sensors, args.dir)
    for k in range(args.repeat):
        tmp = Path(tempfile.mkdtemp(dir=args.dir))
        options = BuildOptions(
            inputs=(parquet,), out=tmp / "out", time_column="time", id_column="machine"
        )
        build(options, steps=[IngestStep(), TimedProfile()], settings=Settings(home=tmp / "h"))
        print(f"run {k + 1}: profile CPU {TIMES[-1][0]:.2f} s, wall {TIMES[-1][1]:.2f} s")
    cpu = statistics.median(c for c, _ in TIMES)
    wall = statistics.median(w for _, w in TIMES)
    print(
        f"profile step, {args.rows:,} rows x {args.sensors} sensors: median CPU {cpu:.2f} s, "
        f"wall {wall:.2f} s"
    )


if __name__ == "__main__":
    main()
