"""Byte-reproducible products (issue #10, item 7): same inputs + same recipe + same product id give
the same bytes in every file (AAS, AASX, ONNX model, report...), whatever ``PYTHONHASHSEED``; only
the manifest's times, run id and step timings differ.

Each build runs in its own interpreter, since a hash seed is fixed when Python starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mfgdata

SRC = Path(mfgdata.__file__).resolve().parents[1]
#: manifest fields that describe the run, not the product
RUN_FIELDS = ("created", "finished", "run_id", "step_seconds")


def _plant_csv(path: Path) -> Path:
    """A CP949 injection-moulding log the way a plant exports it: Korean headers with units, two
    machines, 30 s cycles, a 2 h 15 min stop, a 0/1 defect label."""
    rng = np.random.default_rng(10)
    lines = ["일시,설비ID,금형온도[℃],사출압력[bar],사이클타임[s],불량여부"]
    t0 = datetime(2024, 3, 1, 8, 0, 0)
    for i in range(400):
        t = t0 + timedelta(seconds=30 * i + (8100 if i >= 200 else 0))
        temp, pressure, cycle = rng.normal(210, 3), rng.normal(80, 5), rng.normal(30, 1)
        bad = int(abs(temp - 210) > 4 or rng.random() < 0.03)  # outside the window
        lines.append(
            f"{t:%Y-%m-%d %H:%M:%S},M{i % 2 + 1},{temp:.2f},{pressure:.2f},{cycle:.2f},{bad}"
        )
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    return path


def _build(hash_seed: int, *args: str | Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "PYTHONPATH": str(SRC)}
    code = "from mfgdata.cli.app import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "build", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _manifest(root: Path, *, without: tuple[str, ...] = ()) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    for key in RUN_FIELDS:
        doc.pop(key, None)
    for rel in without:
        doc["files"].pop(rel, None)
    return doc


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A: first build (recipe proposed); B and C: rebuilds with A's recipe under other seeds."""
    tmp = tmp_path_factory.mktemp("repro")
    src = _plant_csv(tmp / "사출_2024-03.csv")
    common = ("--product-id", "line2", "--target", "불량여부", "--id-column", "설비ID")
    a, b, c = tmp / "A", tmp / "B", tmp / "C"
    _build(12345, src, "--out", a, *common)
    _build(0, src, "--out", b, *common, "--recipe", a / "recipe.yaml")
    # 20: under CPython 3.11, onnxmltools 1.16 lists the ONNX opsets in the other order
    _build(20, src, "--out", c, *common, "--recipe", a / "recipe.yaml")
    return a, b, c


def test_rebuild_under_another_hash_seed_is_byte_identical(builds: tuple[Path, Path, Path]) -> None:
    _, b, c = builds
    files = _files(b)
    assert files == _files(c)
    for must in ("aas/environment.json", "aas/product.aasx", "model/model.onnx", "report.html"):
        assert must in files
    differ = [
        rel
        for rel in files
        if rel != "manifest.json" and (b / rel).read_bytes() != (c / rel).read_bytes()
    ]
    assert differ == []
    assert _manifest(b) == _manifest(c)


def test_rebuild_with_written_recipe_matches_first_build(builds: tuple[Path, Path, Path]) -> None:
    """Only the report may say how the recipe came about (proposed vs given)."""
    a, b, _ = builds
    files = _files(a)
    assert files == _files(b)
    skip = {"manifest.json", "report.html"}
    differ = [
        rel for rel in files if rel not in skip and (a / rel).read_bytes() != (b / rel).read_bytes()
    ]
    assert differ == []
    assert _manifest(a, without=("report.html",)) == _manifest(b, without=("report.html",))
