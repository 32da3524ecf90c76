"""Profile figures and ISO/IEC 25012 measures on the seeded dataset."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.images.duplicates import near_groups
from mfgdata.images.ingest import ingest
from mfgdata.images.inspect import inspect
from mfgdata.images.profile import profile
from mfgdata.quality.score import judge


def test_profile_finds_what_was_seeded(dataset: Path) -> None:
    p = profile(ingest([dataset]))
    assert (p.images, p.unreadable) == (11, 2)
    assert p.classes == {"defect": 3, "ok": 8}
    assert p.formats == {"PNG": 8, "JPEG": 2, "TIFF": 1}
    assert p.sizes == {"96x96": 10, "128x128": 1}
    assert p.bit_depths == {"8": 10, "16": 1} and p.channels == {"1": 11}
    assert p.exact_duplicates == [["ok/ok0.png", "ok/ok0_copy.png"]]
    # the resized, re-encoded copy; the exact copy is not counted again
    assert p.near_duplicates == [["ok/ok3.png", "ok/ok3_big.jpg"]]
    # the dark cell (a quarter of the image at 0) is the one under-exposed image
    assert p.underexposed_share == round(1 / 11, 6) and p.overexposed_share == 0.0
    assert p.brightness is not None and p.brightness["p0"] < 0.45 < p.brightness["p50"]
    assert set(p.thumbnails) == {"ok", "defect"}
    assert p.thumbnails["ok"][0].startswith("data:image/png;base64,")


def test_blur_is_lower_for_a_blurred_copy(dataset: Path) -> None:
    from PIL import Image, ImageFilter

    src = Image.open(dataset / "ok" / "ok1.png")
    src.filter(ImageFilter.GaussianBlur(3)).save(dataset / "ok" / "ok1_blur.png")
    by = {r.name: r.facts for r in ingest([dataset]).records}
    assert by["ok/ok1_blur.png"].blur < by["ok/ok1.png"].blur / 10


def test_distinct_textures_are_not_near_duplicates(dataset: Path) -> None:
    recs = [r for r in ingest([dataset]).records if r.name != "ok/ok3_big.jpg"]
    assert near_groups(recs) == []


def test_measures_carry_the_paths_and_grade_like_tables(dataset: Path) -> None:
    ins = inspect([dataset])
    m = {x.id: x for x in ins.quality.measures}
    assert m["readable_images"].value == round(1 - 2 / 13, 6)
    assert m["readable_images"].evidence["paths"] == ["defect/notes.png", "defect/truncated.png"]
    assert m["labels"].passed and m["labels"].evidence["source"] == "folders"
    assert m["image_size"].evidence["paths"] == ["ok/ok3_big.jpg"]
    assert m["image_mode"].evidence["paths"] == ["defect/spot16.tif"]
    assert m["exact_images"].evidence["count"] == 1
    assert m["near_images"].evidence["paths"] == ["ok/ok3.png ~ ok/ok3_big.jpg"]
    failed = {x.id for x in ins.quality.measures if not x.passed}
    assert failed == {"readable_images", "image_size", "image_mode", "exact_images", "near_images"}
    # the same rule as tables: a failed error measure, 5 failed measures, 11 "rows" -> C
    caps = {r.code for r in ins.quality.reasons if r.cap == "C"}
    assert caps == {"cap.error_measure", "cap.failed_measures", "cap.rows", "cap.model_rows"}
    assert ins.quality.grade == "C" and not ins.quality.registrable
    assert ins.quality.score == judge(ins.quality.measures).score - 0.0  # no delivery costs
    codes = {f.code for f in ins.findings}
    assert {"images.corrupt", "images.not_image", "images.exact_images"} <= codes
    exact = next(f for f in ins.findings if f.code == "images.exact_images")
    assert exact.examples == ("ok/ok0.png = ok/ok0_copy.png",)


def test_a_clean_set_passes_every_measure(dataset: Path) -> None:
    for name in ("ok/ok0_copy.png", "ok/ok3_big.jpg", "defect/truncated.png", "defect/notes.png"):
        (dataset / name).unlink()
    (dataset / "defect" / "spot16.tif").unlink()
    ins = inspect([dataset])
    assert all(x.passed for x in ins.quality.measures)
    assert ins.findings == []


def test_cli_json_and_table(dataset: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["images", "inspect", str(dataset), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["profile"]["classes"] == {"defect": 3, "ok": 8}
    assert {f["code"] for f in data["findings"]} >= {"images.corrupt", "images.near_images"}
    assert len(data["records"]) == 11 and data["records"][0]["sha256"]
    table = runner.invoke(app, ["images", "inspect", str(dataset)])
    assert table.exit_code == 0 and "images.corrupt" in table.stdout
    missing = runner.invoke(app, ["images", "inspect", str(dataset / "nope.txt")])
    assert missing.exit_code == 2


def test_cli_missing_labels_file_and_empty_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "empty").mkdir()
    out = runner.invoke(app, ["images", "inspect", str(tmp_path / "empty"), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["profile"]["images"] == 0
    bad = runner.invoke(
        app, ["images", "inspect", str(tmp_path / "empty"), "--labels", str(tmp_path / "no.csv")]
    )
    assert bad.exit_code == 2 and "labels file" in bad.output
