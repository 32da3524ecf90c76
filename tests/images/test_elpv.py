"""A product from real images: the first 160 cells of ELPV (the ``elpv-dataset`` package of
requirements-datasets.txt, CC BY-NC-SA 4.0): the labels file's layout (whitespace, no header,
defect probability, module type), 300x300 8-bit PNGs, the 128 px model input. The full
dataset's figures are in docs/images.md."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from mfgdata.flow import build, image_steps
from mfgdata.pipeline.context import build_options
from mfgdata.steps.vision_model import ImageModelStep

pytest.importorskip("torch")
SPEC = importlib.util.find_spec("elpv_dataset")
pytestmark = pytest.mark.skipif(SPEC is None, reason="elpv-dataset is not installed")
N = 160


def test_elpv_subset_builds_a_product(tmp_path: Path) -> None:
    assert SPEC is not None and SPEC.origin is not None
    data = Path(SPEC.origin).parent / "data"
    lines = (data / "labels.csv").read_text(encoding="utf-8").splitlines()[:N]
    src = tmp_path / "elpv"
    (src / "images").mkdir(parents=True)
    for ln in lines:
        rel = ln.split()[0]
        shutil.copyfile(data / rel, src / rel)
    (src / "labels.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "product"
    steps = image_steps()
    steps[1] = ImageModelStep(epochs=2, noise_max_images=0)
    build(build_options([src / "images"], out, {"labels": src / "labels.csv"}), steps=steps)
    dp = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    fields = [f["name"] for f in dp["resources"][0]["schema"]["fields"]]
    assert {"probability", "col3"} <= set(fields)
    assert len(list((out / "data" / "images").glob("*.png"))) == N
    m = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert m["input"]["side_px"] == 128 and m["images"] == N
    assert m["rule_en"].startswith("numeric labels")
    assert set(m["subgroups"]["col3"]) == {"mono", "poly"}
    q = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    assert q["grade"] in {"A", "B", "C"}
