"""Bounded memory (issue #12): a build of a 3,000-row x 110-column historian export stays under
the memory setting. On main before the engine change the same table peaked at 1.7 GB (8.4 GB in
the issue's measure of a real 108-tag export); the peak is read with ``resource`` in the child."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

import mfgdata
from mfgdata.settings import Settings

SRC = Path(mfgdata.__file__).resolve().parents[1]

CHILD = """
import sys
from pathlib import Path
from mfgdata.flow import build
from mfgdata.pipeline import BuildOptions
from mfgdata.settings import Settings
out = Path(sys.argv[2])
build(BuildOptions(inputs=(Path(sys.argv[1]),), out=out), settings=Settings(home=out.parent / "h"))
# VmHWM, the peak of this process's own memory map, in KiB. Not ru_maxrss: Linux carries the
# parent's high-water mark over fork + exec into it, so a large pytest worker (1.1 GiB after the
# authorization-matrix tests) was reported as this build's peak.
hwm = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM"))
print(int(hwm.split()[1]))
"""


def _historian_csv(path: Path, rows: int = 3000, tags: int = 108) -> Path:
    """A DCS export: a time column, 108 tags (drifting, noisy, some stuck, some blank) and a text
    status column: 110 columns, about 2.4 MB like the refinery export of ``tests/realdata``."""
    rng = np.random.default_rng(110)
    t0 = datetime(2024, 2, 1)
    walk = np.cumsum(rng.normal(0, 0.2, (rows, tags)), axis=0) + rng.uniform(5, 500, tags)
    walk[:, ::9] = np.round(walk[:, ::9], 0)  # quantised tags
    walk[1000:1100, 7] = walk[1000, 7]  # a stuck tag
    blank = rng.random((rows, tags)) < 0.01
    names = ",".join(f"TAG{j:03d}.PV" for j in range(tags))
    lines = [f"Timestamp,{names},Status"]
    for i in range(rows):
        cells = ["" if blank[i, j] else f"{walk[i, j]:.4f}" for j in range(tags)]
        status = "RUN" if i % 500 else "CIP"
        lines.append(f"{t0 + timedelta(minutes=5 * i):%Y-%m-%d %H:%M},{','.join(cells)},{status}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_wide_build_stays_under_the_memory_setting(tmp_path: Path) -> None:
    src = _historian_csv(tmp_path / "historian.csv")
    assert len(src.read_text(encoding="utf-8").splitlines()[0].split(",")) == 110
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), str(tmp_path / "P")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    peak = int(done.stdout.strip().splitlines()[-1]) * 1024
    assert (tmp_path / "P" / "quality.json").is_file()
    assert (tmp_path / "P" / "data" / "table.parquet").is_file()
    limit = Settings().build_memory_bytes
    assert limit == 1024**3  # the default the issue asks for
    assert peak < limit, f"peak RSS {peak / 2**20:.0f} MiB over {limit / 2**20:.0f} MiB"


def _wide_csv(path: Path, rows: int = 50, tags: int = 1499) -> Path:
    """A wide export (issue 13): a time column, 1,499 drifting tags with blanks, a status column."""
    rng = np.random.default_rng(1500)
    walk = np.cumsum(rng.normal(0, 0.2, (rows, tags)), axis=0) + rng.uniform(5, 500, tags)
    walk[rng.random((rows, tags)) < 0.02] = np.nan
    t0 = datetime(2024, 2, 1)
    lines = ["Timestamp," + ",".join(f"TAG{j:04d}.PV" for j in range(tags)) + ",Status"]
    for i in range(rows):
        cells = ",".join("" if np.isnan(v) else f"{v:.4f}" for v in walk[i])
        lines.append(
            f"{t0 + timedelta(minutes=i):%Y-%m-%d %H:%M},{cells},{'RUN' if i % 9 else 'CIP'}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_1500_column_build_stays_under_the_memory_setting(tmp_path: Path) -> None:
    """1,500 columns x 50 rows, within the default column limit: the recipe, the quality pass and
    the model's statistics run in column batches (before them 1,000 x 20 peaked at 4.9 GB)."""
    src = _wide_csv(tmp_path / "wide.csv")
    assert len(src.read_text(encoding="utf-8").splitlines()[0].split(",")) == 1501
    assert Settings().max_columns >= 1501  # the default limit admits this table
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("MFGDATA_MAX_COLUMNS", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), str(tmp_path / "P")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    peak = int(done.stdout.strip().splitlines()[-1]) * 1024
    table = pl.read_parquet(tmp_path / "P" / "data" / "table.parquet")
    assert table.width == 1501 and table.height == 50
    flags = pl.read_parquet(tmp_path / "P" / "data" / "flags.parquet")
    assert flags.width == 1 + 1499  # row + one outlier flag per tag, from every column batch
    limit = Settings().build_memory_bytes
    assert peak < limit, f"peak RSS {peak / 2**20:.0f} MiB over {limit / 2**20:.0f} MiB"
