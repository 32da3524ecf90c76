"""Model step on 1M generated rows (seeded): training time and peak memory.

    .venv/bin/python benchmarks/bench_model.py [--rows N] [--task classification|regression|anomaly]

Prints the wall time of each phase, the peak RSS of the process and the held-out metrics. Target:
a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from mfgdata.modeling.fit import fit_model


def make_table(path: Path, rows: int, seed: int = 0) -> None:
    """20 sensor tags, a line id, a 1-second clock and a defect label driven by 3 tags."""
    rng = np.random.default_rng(seed)
    tags = {f"tag{i:02d}": rng.normal(50 + i, 1 + i / 10, rows) for i in range(20)}
    risk = (
        0.8 * (tags["tag00"] - 50)
        + 0.5 * (tags["tag03"] - 53) ** 2 / 2
        - 0.6 * (tags["tag07"] - 57)
    )
    p = 1 / (1 + np.exp(-(risk - 3)))
    frame = pl.DataFrame(tags).with_columns(
        pl.datetime_range(
            pl.datetime(2024, 1, 1),
            pl.datetime(2024, 1, 1) + pl.duration(seconds=rows - 1),
            "1s",
            eager=True,
        ).alias("time"),
        pl.Series("line", rng.choice(["A", "B", "C"], rows)),
        pl.Series("quality", risk + rng.normal(0, 1, rows)),
        pl.Series("defect", np.where(rng.random(rows) < p, "NG", "OK")),
    )
    frame.write_parquet(path)


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument(
        "--task", default="classification", choices=["classification", "regression", "anomaly"]
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.parquet"
        t0 = time.perf_counter()
        make_table(path, args.rows)
        t1 = time.perf_counter()
        rss_before, cpu_before = peak_rss_mib(), cpu_seconds()
        lf = pl.scan_parquet(path)
        target = {"classification": "defect", "regression": "quality", "anomaly": None}[args.task]
        if args.task == "anomaly":
            lf = lf.drop("defect", "quality")
        else:
            lf = lf.drop("quality" if target == "defect" else "defect")
        fitted = fit_model(lf, target)
        t2 = time.perf_counter()
        cpu = cpu_seconds() - cpu_before
    d = fitted.data
    up = d["uplift"]
    print(
        f"rows: {args.rows:,}  task: {d['task']}  features: {len(d['features'])}  "
        f"split: {d['split']['kind']}  model: {d['family']} {d['params'].get('num_leaves', '')}"
    )
    print(f"generate table: {t1 - t0:.1f} s")
    print(
        f"fit (features + search + evaluation + refit + ONNX): {t2 - t1:.1f} s wall, "
        f"{cpu:.1f} s CPU; machine load average now {os.getloadavg()[0]:.1f}"
    )
    print(f"peak RSS: {peak_rss_mib():.0f} MiB (after generating the table: {rss_before:.0f} MiB)")
    print(f"ONNX size: {len(fitted.onnx) / 1024:.0f} KiB")
    print(
        f"{up['metric']}: model {up['model']:.4f} vs baseline {up['baseline']:.4f} "
        f"(relative {up['relative']:+.1%})"
    )


if __name__ == "__main__":
    main()
