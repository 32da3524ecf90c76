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


def draw_crack(a: np.ndarray, seed: int) -> np.ndarray:
    """A thin dark branching crack (a random walk), within the texture's grey range."""
    rng = np.random.default_rng(seed + 2000)
    im = Image.fromarray((a * 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    s = im.width
    x, y = float(rng.integers(s // 5, 4 * s // 5)), 0.0
    pts = [(x, y)]
    while y < s:
        x += float(rng.normal(0, s / 30))
        y += s / 12
        pts.append((x, y))
    level = int(max(0, np.median(a) * 255 - 45))
    d.line(pts, fill=level, width=2)
    return np.asarray(im, dtype=np.float32) / 255.0


def draw_local(a: np.ndarray, kind: str, seed: int) -> np.ndarray:
    """Local defects whose grey levels stay inside the texture's range (a histogram alone does
    not give them away): a thin scratch, a crack, a small spot; 'dark' is a dark cell part."""
    if kind == "crack":
        return draw_crack(a, seed)
    rng = np.random.default_rng(seed + 1000)
    im = Image.fromarray((a * 255).astype(np.uint8))
    d = ImageDraw.Draw(im)
    s = im.width
    med = float(np.median(a) * 255)
    if kind == "scratch":
        x0, y0 = (int(v) for v in rng.integers(0, s // 3, 2))
        x1, y1 = (int(v) for v in rng.integers(2 * s // 3, s, 2))
        d.line([(x0, y0), (x1, y1)], fill=int(min(255, med + 45)), width=2)
    elif kind == "spot":
        x, y = (int(v) for v in rng.integers(s // 4, 3 * s // 4, 2))
        r = max(3, s // 16)
        d.ellipse([x - r, y - r, x + r, y + r], fill=int(max(0, med - 50)))
    elif kind == "dark":
        q = s // 3
        x, y = (int(v) for v in rng.integers(0, s - q, 2))
        d.rectangle([x, y, x + q, y + q], fill=int(max(0, med - 40)))
    return np.asarray(im, dtype=np.float32) / 255.0


DEFECT_KINDS = ("scratch", "crack", "spot", "dark")


def inspection_set(
    root: Path, n_good: int = 120, n_defect: int = 120, noise: float = 0.10, seed: int = 7
) -> dict[str, object]:
    """A generated inspection dataset for a build: ``root/images/`` of PNG (8-bit and 16-bit),
    JPEG, BMP and TIFF at several sizes, a labels file ``root/labels.csv`` (path, label,
    module type) with ``noise`` of the labels flipped, plus two exact copies, one resized
    near-duplicate and two corrupt files. Returns what was seeded."""
    rng = np.random.default_rng(seed)
    img = root / "images"
    img.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str, str]] = []
    truth: dict[str, str] = {}
    fmts = [("png", 8), ("png", 16), ("jpg", 8), ("bmp", 8), ("tif", 8)]
    for i in range(n_good + n_defect):
        size = (96, 112, 128)[i % 3]
        a = texture(seed * 1000 + i, size)
        if i < n_good:
            label = "ok"
        else:
            label = DEFECT_KINDS[i % len(DEFECT_KINDS)]
            a = draw_local(a, label, seed * 1000 + i)
        ext, bits = fmts[i % len(fmts)]
        name = f"cell{i:04d}.{ext}"
        if ext == "jpg":
            Image.fromarray((a * 255).astype(np.uint8)).save(img / name, quality=92)
        else:
            save(a, img / name, bits=bits)
        truth[name] = label
        rows.append((name, label, ("mono", "poly")[i % 2]))
    flipped: list[str] = []
    order = rng.permutation(len(rows))
    for k in order[: round(noise * len(rows))]:
        name, label, mod = rows[k]
        new = "ok" if label != "ok" else DEFECT_KINDS[int(rng.integers(0, len(DEFECT_KINDS)))]
        rows[k] = (name, new, mod)
        flipped.append(name)
    # exact copies, one near-duplicate (resized, re-encoded) and corrupt files
    (img / "copy_a.png").write_bytes((img / "cell0000.png").read_bytes())
    (img / "copy_b.png").write_bytes((img / "cell0005.png").read_bytes())
    rows += [("copy_a.png", "ok", "mono"), ("copy_b.png", "ok", "poly")]
    with Image.open(img / "cell0010.png") as im:
        im.convert("L").resize((100, 100)).save(img / "near_a.jpg", quality=90)
    rows.append(("near_a.jpg", truth["cell0010.png"], "mono"))
    (img / "broken.png").write_bytes((img / "cell0000.png").read_bytes()[:300])
    (img / "fake.jpg").write_bytes(b"not an image at all\n")
    rows += [("broken.png", "ok", "mono"), ("fake.jpg", "ok", "poly")]
    lines = ["path,label,module_type"] + [",".join(r) for r in rows]
    (root / "labels.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        "truth": truth,
        "flipped": flipped,
        "exact": [["cell0000.png", "copy_a.png"], ["cell0005.png", "copy_b.png"]],
        "near": ["cell0010.png", "near_a.jpg"],
        "corrupt": ["broken.png", "fake.jpg"],
    }
