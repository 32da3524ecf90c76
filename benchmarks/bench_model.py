"""Model step on generated tables (seeded): for each product kind, the model's metric next to its
naive baseline's, with 95% intervals, and whether the product calls the model usable.

    .venv/bin/python benchmarks/bench_model.py [--rows N] [--task all|KIND]

KIND: classification, regression, rul, anomaly.

Each kind runs twice: on a learnable table, and on a control where the target (or, for the
monitor, the tag structure) carries nothing a model can use: the verdict must say yes, then no.
Also printed: the wall time and peak RSS. ``--rows 1000000 --task classification`` is the old
scale benchmark (a few minutes on 2 cores); the default runs all kinds in a few minutes.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable

import numpy as np
import polars as pl

from mfgdata.modeling.fit import fit_model
from mfgdata.settings import Settings
from mfgdata.steps.model import row_cap

#: issue #12's anchor: the model step on 1M rows in at most this many seconds (wall and CPU)
ANCHOR_S = 60.0

Maker = Callable[[int, bool, int], tuple[pl.DataFrame, str | None]]


def _clock(rows: int) -> pl.Series:
    start = pl.datetime(2024, 1, 1)
    return pl.datetime_range(start, start + pl.duration(seconds=rows - 1), "1s", eager=True)


def _tags(rows: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {f"tag{i:02d}": rng.normal(50 + i, 1 + i / 10, rows) for i in range(20)}


def classification(rows: int, learnable: bool, seed: int) -> tuple[pl.DataFrame, str | None]:
    """20 tags, a line id, a 1-second clock and a defect label driven by 3 tags."""
    rng = np.random.default_rng(seed)
    tags = _tags(rows, rng)
    risk = (
        0.8 * (tags["tag00"] - 50) + 0.25 * (tags["tag03"] - 53) ** 2 - 0.6 * (tags["tag07"] - 57)
    )
    p = 1 / (1 + np.exp(-(risk - 3))) if learnable else np.full(rows, 0.2)
    return pl.DataFrame(tags).with_columns(
        _clock(rows).alias("time"),
        pl.Series("line", rng.choice(["A", "B", "C"], rows)),
        pl.Series("defect", np.where(rng.random(rows) < p, "NG", "OK")),
    ), "defect"


def regression(rows: int, learnable: bool, seed: int) -> tuple[pl.DataFrame, str | None]:
    """The same tags; a quality value driven by 3 tags (control: pure noise)."""
    rng = np.random.default_rng(seed)
    tags = _tags(rows, rng)
    signal = 0.8 * (tags["tag00"] - 50) + 0.25 * (tags["tag03"] - 53) ** 2 - 0.6 * tags["tag07"]
    quality = (signal if learnable else 0) + rng.normal(0, 1, rows)
    return pl.DataFrame(tags).with_columns(
        _clock(rows).alias("time"), pl.Series("quality", quality)
    ), "quality"


def rul(rows: int, learnable: bool, seed: int) -> tuple[pl.DataFrame, str | None]:
    """Run-to-failure units (cycle counter, RUL counting down to 0); 8 sensors, 3 of which drift
    faster as the unit nears failure (control: no sensor drifts)."""
    rng = np.random.default_rng(seed)
    parts, n = [], 0
    unit = 0
    while n < rows:
        life = int(rng.integers(120, 320))
        cycle = np.arange(1, life + 1)
        left = life - cycle
        wear = np.exp(-left / 60.0) if learnable else np.zeros(life)
        sensors = {f"s{i}": rng.normal(0, 1, life) + (3 * wear if i < 3 else 0) for i in range(8)}
        parts.append(
            pl.DataFrame({"unit_nr": np.full(life, unit), "cycle": cycle, **sensors, "RUL": left})
        )
        unit, n = unit + 1, n + life
    return pl.concat(parts).head(rows), "RUL"


def anomaly(rows: int, learnable: bool, seed: int) -> tuple[pl.DataFrame, str | None]:
    """12 tags driven by 3 latent factors (a monitor can use the structure); control: independent
    uniform tags (per-tag limits see one-tag shifts best)."""
    rng = np.random.default_rng(seed)
    if learnable:
        X = rng.normal(size=(rows, 3)) @ rng.normal(size=(3, 12)) + rng.normal(0, 0.15, (rows, 12))
    else:
        X = rng.uniform(0, 1, (rows, 12))
    return pl.DataFrame({f"tag{i:02d}": X[:, i] for i in range(12)}).with_columns(
        _clock(rows).alias("time")
    ), None


KINDS: dict[str, Maker] = {
    "classification": classification,
    "regression": regression,
    "rul": rul,
    "anomaly": anomaly,
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _value(m: dict[str, object]) -> str:
    v, ci = m.get("value"), m.get("ci95")
    if not isinstance(v, float):
        return "–"
    lo, hi = ci if isinstance(ci, list) else (v, v)
    return f"{v:.4f} [{lo:.4f}, {hi:.4f}]"


def run(kind: str, rows: int, learnable: bool, seed: int = 0) -> None:
    frame, target = KINDS[kind](rows, learnable, seed)
    t0, c0 = time.perf_counter(), time.process_time()
    cap = row_cap(Settings(), frame.width)  # the model step's rule (issue #12)
    fitted = fit_model(frame.lazy(), target, max_rows=cap)
    d = fitted.data
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    metric = "detection_rate" if d["task"] == "anomaly" else d["uplift"]["metric"]
    m, b = d["metrics"]["model"].get(metric, {}), d["metrics"]["baseline"].get(metric, {})
    extra = ""
    if d["task"] == "anomaly":
        extra = f"  false alarms (held out) {_value(d['metrics']['model']['false_alarm_rate'])}"
    print(
        f"{kind:<14} {'learnable' if learnable else 'control':<9} rows {len(frame):>7,}  "
        f"task {d['task']:<14} split {d['split']['kind']:<16} {metric}: "
        f"model {_value(m)} vs baseline {_value(b)}{extra}  usable: "
        f"{'yes' if d['usable'] else 'no'}  ({wall:.1f} s wall, {cpu:.1f} CPU s; "
        f"rows used {d['sampling']['rows_used']:,}, every {d['sampling']['every_kth_row']})"
    )
    print(f"{'':<25}{d['usable_reason']['en']}")
    ok = "PASS" if max(wall, cpu) <= ANCHOR_S else "FAIL"
    print(
        f"{'':<25}vs the anchor (issue #12: model step <= {ANCHOR_S:g} s): "
        f"wall {wall / ANCHOR_S:.2f}x, CPU {cpu / ANCHOR_S:.2f}x {ok}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--task", default="all", choices=["all", *KINDS])
    args = ap.parse_args()
    kinds = list(KINDS) if args.task == "all" else [args.task]
    t0 = time.perf_counter()
    print(f"load average at start {os.getloadavg()} on {os.cpu_count()} CPUs; target (issue #12):")
    print("model step on 1M rows <= 60 s (--rows 1000000 --task classification)")
    for kind in kinds:
        for learnable in (True, False):
            run(kind, args.rows, learnable)
    print(
        f"total {time.perf_counter() - t0:.0f} s wall, {time.process_time():.0f} CPU s; "
        f"peak RSS {peak_rss_mib():.0f} MiB; load average {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
