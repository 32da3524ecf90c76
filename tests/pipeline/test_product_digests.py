"""The engine changes speed, not results (issue #12): the SHA-256 of every file of a small generated
product, except the manifest's run fields (times, run id, step timings), stays what it was.

The expected digests live in ``product_digests.json`` next to this file. A change that is *meant*
to change product files regenerates them deliberately, and says so in its commit:

    MFGDATA_WRITE_DIGESTS=1 PYTHONPATH=src pytest -q tests/pipeline/test_product_digests.py

Each build runs in its own interpreter with a fixed hash seed (as ``mfgdata build`` would).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

import mfgdata

SRC = Path(mfgdata.__file__).resolve().parents[1]
EXPECTED = Path(__file__).with_name("product_digests.json")
RUN_FIELDS = ("created", "finished", "run_id", "step_seconds")


def _plant_csv(path: Path) -> Path:
    """A CP949 extrusion log: two lines, 20 s samples, a gap, a few blanks, a duplicated row, an
    out-of-range spike and a 0/1 defect label, the things every step has something to say about."""
    rng = np.random.default_rng(12)
    lines = ["시각,라인,온도[℃],압력[bar],속도[rpm],진동[mm/s],불량"]
    t0 = datetime(2024, 5, 2, 6, 0, 0)
    for i in range(360):
        t = t0 + timedelta(seconds=20 * (i // 2) + (3600 if i >= 240 else 0))
        temp, pres = rng.normal(185, 2.5), rng.normal(42, 3)
        speed, vib = rng.normal(1200, 25), abs(rng.normal(2.0, 0.4))
        if i == 77:
            temp = 950.0
        bad = int(abs(temp - 185) > 3.5 or rng.random() < 0.04)
        cells = [f"{t:%Y-%m-%d %H:%M:%S}", f"L{i % 2 + 1}", f"{temp:.2f}", f"{pres:.2f}"]
        cells += ["" if i % 53 == 5 else f"{speed:.1f}", f"{vib:.3f}", str(bad)]
        lines.append(",".join(cells))
        if i == 100:
            lines.append(",".join(cells))
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    return path


def _build(*args: str | Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(SRC)}
    code = "from mfgdata.cli.app import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "build", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def digests(root: Path) -> dict[str, str]:
    """SHA-256 of every product file; the manifest without its run fields."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(root).as_posix()
        data = p.read_bytes()
        if rel == "manifest.json":
            doc = json.loads(data)
            for key in RUN_FIELDS:
                doc.pop(key, None)
            data = json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8")
        out[rel] = hashlib.sha256(data).hexdigest()
    return out


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("digests")
    src = _plant_csv(tmp / "압출_2024-05.csv")
    out = tmp / "P"
    _build(src, "--out", out, "--product-id", "ext-line", "--target", "불량", "--id-column", "라인")
    return out


def test_product_files_are_byte_identical_to_the_recorded_digests(product: Path) -> None:
    got = digests(product)
    assert "data/table.parquet" in got and "model/model.onnx" in got and "quality.json" in got
    if os.environ.get("MFGDATA_WRITE_DIGESTS"):
        EXPECTED.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    differ = sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k))
    assert differ == [], f"changed: {differ}"
