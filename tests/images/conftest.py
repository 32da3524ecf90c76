"""Generated inspection images: textures with drawn scratches, spots and dark cells."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw


def texture(seed: int, size: int = 96) -> np.ndarray:
    """A cell-like grey texture (0..1): smooth low-frequency shading plus grain."""
    rng = np.random.default_rng(seed)
    coarse = rng.random((6, 6))
    base = np.asarray(
        Image.fromarray((coarse * 255).astype(np.uint8)).resize((size, size), Image.BICUBIC),
        dtype=np.float32,
    )
    grain = rng.normal(0, 6, (size, size))
    return np.clip((base * 0.5 + 64 + grain) / 255.0, 0, 1)


def draw_defect(a: np.ndarray, kind: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 1000)
    im = Image.fromarray((a * 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    s = im.width
    if kind == "scratch":
        x0, y0 = rng.integers(0, s // 3, 2)
        d.line([(int(x0), int(y0)), (s - int(x0), s - int(y0) // 2)], fill=250, width=2)
    elif kind == "spot":
        x, y = rng.integers(s // 4, 3 * s // 4, 2)
        d.ellipse([int(x) - 6, int(y) - 6, int(x) + 6, int(y) + 6], fill=20)
    elif kind == "dark":
        d.rectangle([0, 0, s // 2, s // 2], fill=0)
    return np.asarray(im, dtype=np.float32) / 255.0


def save(a: np.ndarray, path: Path, bits: int = 8, fmt: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if bits == 16:
        Image.fromarray((a * 65535).astype(np.uint16)).save(path, format=fmt)
    else:
        Image.fromarray((a * 255).astype(np.uint8)).save(path, format=fmt)
    return path


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """root/ok/*.png (8-bit, 96 px), root/defect/*: scratch PNG, spot 16-bit TIFF, dark JPEG,
    one exact copy, one resized re-encoded copy, one truncated PNG, one text file named .png."""
    root = tmp_path / "cells"
    for i in range(6):
        save(texture(i), root / "ok" / f"ok{i}.png")
    save(draw_defect(texture(10), "scratch", 10), root / "defect" / "scratch.png")
    save(draw_defect(texture(11), "spot", 11), root / "defect" / "spot16.tif", bits=16)
    save(draw_defect(texture(12), "dark", 12), root / "defect" / "dark.jpg")
    (root / "ok" / "ok0_copy.png").write_bytes((root / "ok" / "ok0.png").read_bytes())
    big = Image.fromarray((texture(3) * 255).astype(np.uint8)).resize((128, 128))
    big.save(root / "ok" / "ok3_big.jpg", quality=90)
    whole = (root / "ok" / "ok4.png").read_bytes()
    (root / "defect" / "truncated.png").write_bytes(whole[: len(whole) // 2])
    (root / "defect" / "notes.png").write_text("this is not an image\n")
    return root


def png_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray((a * 255).astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()
