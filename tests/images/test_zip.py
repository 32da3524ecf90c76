"""Zips of images: class folders inside, unsafe member paths refused, bombs stopped."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from tests.images.conftest import png_bytes, texture

from mfgdata.errors import InputError
from mfgdata.images.ingest import ingest


def test_unsafe_member_is_refused_and_the_rest_read(tmp_path: Path) -> None:
    z = tmp_path / "cells.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("set/ok/a.png", png_bytes(texture(1)))
        zf.writestr("set/defect/b.png", png_bytes(texture(2)))
        zf.writestr("../evil.png", png_bytes(texture(3)))
        zf.writestr("/abs.png", png_bytes(texture(4)))
    ds = ingest([z])
    assert {(r.name, r.label) for r in ds.records} == {
        ("set/ok/a.png", "ok"),
        ("set/defect/b.png", "defect"),
    }
    (f,) = [f for f in ds.findings if f.code == "images.unsafe_member"]
    assert f.severity == "error" and set(f.examples) == {"../evil.png", "/abs.png"}
    assert not (tmp_path.parent / "evil.png").exists()


def test_a_zip_bomb_stops_the_archive(tmp_path: Path) -> None:
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.png", b"\x00" * (20 * 1024 * 1024))
    with pytest.raises(InputError, match="zip bomb"):
        ingest([z])
