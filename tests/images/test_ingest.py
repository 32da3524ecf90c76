"""Ingest: facts of every image, labels from folders, unreadable files as findings."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mfgdata.images.ingest import ingest
from mfgdata.settings import Settings


def test_every_image_has_its_facts_and_class(dataset: Path) -> None:
    ds = ingest([dataset])
    by = {r.name: r for r in ds.records}
    assert len(by) == 11 and ds.label_source == "folders"
    tif = by["defect/spot16.tif"].facts
    assert (tif.format, tif.bit_depth, tif.channels, tif.width) == ("TIFF", 16, 1, 96)
    png = by["ok/ok1.png"]
    assert (png.facts.format, png.facts.bit_depth, png.label) == ("PNG", 8, "ok")
    assert png.sha256 == hashlib.sha256((dataset / "ok/ok1.png").read_bytes()).hexdigest()
    assert by["ok/ok3_big.jpg"].facts.width == 128
    # 16-bit levels are scaled by 65535: the same texture keeps a mid-grey brightness
    assert 0.3 < tif.brightness < 0.7


def test_unreadable_files_are_findings_with_their_paths(dataset: Path) -> None:
    ds = ingest([dataset])
    assert {(f.name, f.kind) for f in ds.failed} == {
        ("defect/truncated.png", "corrupt"),
        ("defect/notes.png", "not_image"),
    }
    codes = {f.code: f for f in ds.findings}
    assert codes["images.corrupt"].examples[0].startswith("defect/truncated.png")
    assert codes["images.not_image"].examples[0].startswith("defect/notes.png")


def test_the_pixel_limit_is_a_finding_not_a_crash(dataset: Path) -> None:
    ds = ingest([dataset], settings=Settings(image_max_pixels=100 * 100))
    assert [f.name for f in ds.failed if f.kind == "too_large"] == ["ok/ok3_big.jpg"]
    assert "images.too_large" in {f.code for f in ds.findings}


def test_several_folders_keep_names_apart(dataset: Path, tmp_path: Path) -> None:
    other = tmp_path / "line2"
    (other / "ok").mkdir(parents=True)
    (other / "ok" / "ok1.png").write_bytes((dataset / "ok" / "ok1.png").read_bytes())
    ds = ingest([dataset, other])
    names = {r.name for r in ds.records}
    assert {"cells/ok/ok1.png", "line2/ok/ok1.png"} <= names
    assert all(r.label in ("ok", "defect") for r in ds.records)


def test_bmp_rgb_and_16bit_png_facts(tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image
    from tests.images.conftest import save, texture

    a = texture(7, size=64)
    save(a, tmp_path / "g16.png", bits=16)
    rgb = np.stack([a, a, a * 0.5], axis=2)
    Image.fromarray((rgb * 255).astype(np.uint8)).save(tmp_path / "c.bmp")
    by = {r.name: r.facts for r in ingest([tmp_path]).records}
    assert (by["g16.png"].bit_depth, by["g16.png"].channels) == (16, 1)
    assert (by["c.bmp"].format, by["c.bmp"].bit_depth, by["c.bmp"].channels) == ("BMP", 8, 3)
    # the same texture at 8 and 16 bits: the same brightness and near-identical hash
    assert abs(by["g16.png"].brightness - float(a.mean())) < 0.01
