"""``mfgdata build`` on images: the product folder, the seeded problems found, the CNN baseline
against both baselines, label-noise candidates, pricing by images and labels (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.images.conftest import inspection_set
from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.flow import build
from mfgdata.images.baseline import binary_task, group_holdout, group_ids, operating_points
from mfgdata.pipeline.context import build_options
from mfgdata.pipeline.manifest import check_manifest
from mfgdata.steps.images import is_image_input

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("gen")
    info = inspection_set(root)
    out = root / "product"
    build(build_options([root / "images"], out, {"labels": root / "labels.csv"}))
    return out, info


def _json(p: Path) -> Any:
    return json.loads(p.read_text(encoding="utf-8"))


def test_product_folder_holds_images_labels_and_metadata(
    built: tuple[Path, dict[str, Any]],
) -> None:
    out, info = built
    assert check_manifest(out) == []
    images = sorted(p.name for p in (out / "data" / "images").iterdir())
    assert len(images) == len(info["truth"]) + 3  # two exact copies, one near-duplicate
    assert "broken.png" not in images and "fake.jpg" not in images
    dp = _json(out / "datapackage.json")
    names = [r["name"] for r in dp["resources"]]
    assert names[:2] == ["table", "table-csv"] and "images" in names
    img = next(r for r in dp["resources"] if r["name"] == "images")
    assert img["files"] == len(images) and set(img["mediatypes"]) >= {"image/png", "image/jpeg"}
    fields = {f["name"]: f for f in dp["resources"][0]["schema"]["fields"]}
    assert {"image", "label", "module_type", "width", "duplicate_group"} <= set(fields)
    cr = _json(out / "croissant.json")
    sets = {d["encodingFormat"] for d in cr["distribution"] if d["@type"] == "cr:FileSet"}
    assert {"image/png", "image/jpeg", "image/bmp", "image/tiff"} <= sets
    assert (out / "aas" / "environment.json").is_file()
    for f in ("model.onnx", "metrics.json", "model_card.md", "preprocess.json"):
        assert (out / "model" / f).is_file(), f
    assert list((out / "model" / "saliency").glob("*.png"))
    assert "Grad-CAM" in (out / "report.html").read_text(encoding="utf-8")


def test_seeded_problems_are_found(built: tuple[Path, dict[str, Any]]) -> None:
    out, info = built
    q = _json(out / "quality.json")
    by = {m["id"]: m for m in q["measures"]}
    assert sorted(by["readable_images"]["evidence"]["paths"]) == sorted(info["corrupt"])
    exact = by["exact_images"]["evidence"]["paths"]
    for a, b in info["exact"]:
        assert f"{a} = {b}" in exact
    near = " ".join(by["near_images"]["evidence"]["paths"])
    assert all(n in near for n in info["near"])
    assert q["grade"] in {"A", "B", "C", "D"}


def test_cnn_beats_both_baselines_and_matches_onnx(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    m = _json(out / "model" / "metrics.json")
    assert m["usable"] is True, m["usable_reason"]["en"]
    for key in ("vs_majority", "vs_pixel_statistics"):
        assert m[key]["difference"]["balanced_accuracy"]["ci95"][0] > 0
    assert m["onnx"]["max_abs_difference"] < 1e-4
    assert m["split"]["groups_on_both_sides"] == 0
    assert set(m["recall_per_class"]) == {"ok", "scratch", "crack", "spot", "dark"}
    assert "module_type" in m["subgroups"]
    ops = m["operating_points"]
    assert [o["target_miss_rate"] for o in ops] == [0.01, 0.05, 0.1]
    assert all(o["miss_rate"] <= o["target_miss_rate"] for o in ops)


def test_label_noise_candidates_recall(built: tuple[Path, dict[str, Any]]) -> None:
    out, info = built
    noise = _json(out / "model" / "label_noise.json")
    flagged = {c["image"] for c in noise["candidates"]}
    flipped = set(info["flipped"])
    recall = len(flagged & flipped) / len(flipped)
    assert recall >= 0.5, (recall, len(flagged))
    q = _json(out / "quality.json")
    cred = next(m for m in q["measures"] if m["id"] == "label_credibility")
    assert cred["evidence"]["count"] == len(flagged)


def test_pricing_counts_images_and_labelling(built: tuple[Path, dict[str, Any]]) -> None:
    out, info = built
    p = _json(out / "pricing.json")
    items = {i["field"]: i for i in p["approaches"]["cost"]["details"]["items"]}
    label_lines = items["labelling"]["lines"]
    assert label_lines and label_lines[0]["unit"] == "images"
    assert label_lines[0]["quantity"] == len(info["truth"]) + 3
    assert any(
        ln["unit_cost_key"] == "unit_costs.per_image_krw" for ln in items["collection"]["lines"]
    )


def test_small_folder_builds_without_a_model(dataset: Path, tmp_path: Path) -> None:
    """Class folders, 9 readable images: a product, the model skipped with its reason."""
    out = tmp_path / "small"
    r = CliRunner().invoke(app, ["build", str(dataset), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert not (out / "model").exists()
    lineage = _json(out / "lineage.json")
    assert any(s["step"] == "model" for s in lineage["steps"])
    assert _json(out / "quality.json")["inputs"]["kind"] == "images"


def test_image_inputs_are_told_from_tables(dataset: Path, tmp_path: Path) -> None:
    csv = tmp_path / "t.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    assert is_image_input((dataset,))
    assert is_image_input((dataset / "ok" / "ok0.png",))
    assert not is_image_input((csv,))
    assert not is_image_input((tmp_path / "missing",))


def test_binary_task_rules() -> None:
    t = binary_task(["0.0", "1.0", "0.3333333333333333", "0.6666666666666666"])
    assert t.y.tolist() == [0, 1, 0, 1] and t.good is None
    t = binary_task(["OK", "scratch", "OK", "spot"])
    assert t.good == "OK" and t.y.tolist() == [0, 1, 0, 1]
    t = binary_task(["a", "a", "a", "b"])  # no good name: the largest class
    assert t.good == "a" and t.y.tolist() == [0, 0, 0, 1]


def test_group_holdout_keeps_groups_together() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(200) < 0.4).astype(np.int64)
    raw: list[int | None] = [i // 4 if i < 80 else None for i in range(200)]
    g = group_ids(raw)
    tr, te = group_holdout(y, g, seed=3)
    assert not set(g[tr]) & set(g[te]) and len(te) > 20


def test_operating_points_meet_the_target_miss_rate() -> None:
    y = np.array([1] * 20 + [0] * 80)
    p = np.r_[np.linspace(0.3, 1.0, 20), np.linspace(0.0, 0.6, 80)]
    ops = operating_points(y, p, (0.05, 0.10))
    assert ops[0]["miss_rate"] <= 0.05 and ops[1]["miss_rate"] <= 0.10
    assert ops[0]["false_reject_rate"] >= ops[1]["false_reject_rate"]


def test_aas_describes_the_images(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    env = (out / "aas" / "environment.json").read_text(encoding="utf-8")
    assert "DatasetDescription" in env and "vision-inspection images" in env
    assert "비전 검사 이미지" in env


def test_verify_recomputes_the_image_grade(built: tuple[Path, dict[str, Any]]) -> None:
    from mfgdata.quality.verify import verify_product

    out, _ = built
    rep = verify_product(out)
    q = _json(out / "quality.json")
    assert not rep.tampered and rep.quality is not None
    assert (rep.quality.grade, round(rep.quality.score, 6)) == (q["grade"], round(q["score"], 6))
