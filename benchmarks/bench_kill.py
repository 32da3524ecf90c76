"""kill -9 and SIGTERM at several points of a build: never a partial product at --out, and no
staging folder left once the next build into the same folder has run (issue 13).

    python benchmarks/bench_kill.py [--rows 2000000] [--points 10]

One clean build is timed first; then at each point k = 1..N a new build is killed at k/(N+1) of
that time, once with SIGKILL and once with SIGTERM (2N kills), and the run checks --out (absent,
or a complete product whose manifest verifies) and the staging folders left (SIGTERM: none;
SIGKILL: swept by the next build into the same parent folder). Exit status 1 if any kill left a
partial product or a staging folder. The output of one run is in ``benchmarks/results/kill.txt``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mfgdata.pipeline.manifest import check_manifest  # noqa: E402
from mfgdata.pipeline.staging import find_leftovers  # noqa: E402

CLI = [sys.executable, "-c", "from mfgdata.cli.app import main; main()"]


def make_csv(path: Path, rows: int) -> None:
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(7)
    start = np.datetime64("2024-01-01T00:00:00")
    pl.DataFrame(
        {
            "time": (start + np.arange(rows).astype("timedelta64[s]")).astype(str),
            "machine": rng.choice(["M1", "M2", "M3", "M4"], rows),
            "temp": rng.normal(200, 5, rows).round(2),
            "pressure": rng.normal(80, 3, rows).round(2),
            "speed": rng.integers(900, 1100, rows),
            "defect": rng.choice(["OK", "NG"], rows, p=[0.95, 0.05]),
        }
    ).write_csv(path)


def build(
    data: Path, out: Path, env: dict[str, str], log: Path | None = None
) -> subprocess.Popen[bytes]:
    cmd = [*CLI, "build", str(data), "--out", str(out), "--time-column", "time"]
    err = log.open("wb") if log is not None else subprocess.DEVNULL
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)


def run(data: Path, out: Path, env: dict[str, str]) -> None:
    """A build that must succeed (its error output shown when it does not)."""
    log = out.parent / f"{out.name}.log"
    out.parent.mkdir(parents=True, exist_ok=True)
    if build(data, out, env, log).wait() != 0:
        sys.exit(f"the build of {data.name} failed:\n{log.read_text(errors='replace')[-3000:]}")


def state(out: Path) -> str:
    if not out.exists():
        return "none"
    try:
        problems = check_manifest(out)
    except Exception as e:  # a folder without a readable manifest is partial
        return f"PARTIAL ({type(e).__name__})"
    return "complete" if not problems else f"PARTIAL ({len(problems)} problems)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--points", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kill-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MFGDATA_HOME": str(root / "home")}
        data = root / "line.csv"
        make_csv(data, args.rows)
        small = root / "small.csv"
        make_csv(small, 200)
        print(f"input: {args.rows:,} rows, {data.stat().st_size / 1024**2:.0f} MB")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        out = root / "products" / "line"
        t0 = time.perf_counter()
        run(data, out, env)
        total = time.perf_counter() - t0
        print(f"clean build: {total:.1f} s (process, imports included)")
        shutil.rmtree(out)
        print("point   at s signal    exit --out      left after next")
        bad = 0
        for k, sig in (
            (k, sig) for k in range(1, args.points + 1) for sig in (signal.SIGKILL, signal.SIGTERM)
        ):
            at = total * k / (args.points + 1)
            proc = build(data, out, env)
            time.sleep(at)
            proc.send_signal(sig)
            code = proc.wait()
            got = state(out)
            left = len(find_leftovers(out.parent))
            shutil.rmtree(out, ignore_errors=True)
            again = root / "products" / f"next-{k}-{sig.name}"  # any build there sweeps
            run(small, again, env)
            after = len(find_leftovers(out.parent))
            shutil.rmtree(again)
            bad += got.startswith("PARTIAL") or after > 0 or (sig == signal.SIGTERM and left > 0)
            print(f"{k:5} {at:6.1f} {sig.name:8} {code:5} {got:10} {left:4} {after:10}")
        kills = 2 * args.points
        print(f"\n{kills} kills: {bad} with a partial product or a staging folder left")
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
