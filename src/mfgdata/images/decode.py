"""One image file -> its facts and pixel statistics (or why it could not be read).

Only one image is decoded at a time; statistics are taken on a copy downscaled to at most
``WORK_SIDE`` pixels on its longer side, so memory stays bounded whatever the camera.

- brightness: mean grey level in 0..1 (16-bit images scaled by 65535, 8-bit by 255);
- contrast: RMS contrast, the standard deviation of the grey level in 0..1;
- blur: variance of the 4-neighbour Laplacian on the 0..255 grey scale (low = blurred);
- over/under: share of pixels at >= 250/255 or <= 5/255 (clipped highlights, crushed shadows);
- dhash: a 256-bit difference hash (17x16 grey thumbnail, left > right), computed here with
  numpy (the dHash of Krawetz, as in the ``imagehash`` library, without the dependency). The
  common 64-bit size is too coarse for inspection images: on the ELPV solar cells (2,624 cells
  of one layout) it put 1,273 distinct cells into near-duplicate groups; 256 bits separates them.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

#: statistics are computed on a copy at most this many pixels on its longer side
WORK_SIDE = 512
OVER, UNDER = 250 / 255, 5 / 255

#: the difference hash has HASH_SIDE x HASH_SIDE bits
HASH_SIDE = 16

#: Pillow mode -> (bits per channel, channels)
MODES: dict[str, tuple[int, int]] = {
    "1": (1, 1),
    "L": (8, 1),
    "P": (8, 3),
    "LA": (8, 2),
    "PA": (8, 4),
    "RGB": (8, 3),
    "RGBA": (8, 4),
    "CMYK": (8, 4),
    "YCbCr": (8, 3),
    "I;16": (16, 1),
    "I;16B": (16, 1),
    "I;16L": (16, 1),
    "I;16N": (16, 1),
    "I": (32, 1),
    "F": (32, 1),
}


@dataclass(frozen=True)
class Decoded:
    format: str
    width: int
    height: int
    mode: str
    bit_depth: int
    channels: int
    brightness: float
    contrast: float
    blur: float
    over: float
    under: float
    dhash: int


class Unreadable(Exception):
    """The bytes are not a readable image (``kind``: corrupt, not_image, too_large)."""

    def __init__(self, kind: str, detail: str) -> None:
        self.kind = kind
        self.detail = detail
        super().__init__(f"{kind}: {detail}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _bit_depth(im: Image.Image) -> tuple[int, int]:
    bits, channels = MODES.get(im.mode, (8, len(im.getbands())))
    if im.mode == "I" and im.format == "PNG":  # Pillow opens 16-bit PNG as 32-bit "I"
        bits = 16
    return bits, channels


def grey(im: Image.Image, bits: int) -> np.ndarray:
    """The image as grey levels in 0..1 (float32)."""
    if bits >= 16 or im.mode in ("I", "F"):
        a = np.asarray(im, dtype=np.float32)
        if a.ndim == 3:
            a = a.mean(axis=2)
        scale = 65535.0 if bits == 16 else max(float(a.max()), 1.0)
        out: np.ndarray = np.clip(a / scale, 0.0, 1.0)
        return out
    g = im.convert("L") if im.mode != "L" else im
    return np.asarray(g, dtype=np.float32) / 255.0


def laplacian_var(g: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian of grey levels ``g`` (0..1) on the 0..255 scale."""
    if g.shape[0] < 3 or g.shape[1] < 3:
        return 0.0
    x = g * 255.0
    lap = x[:-2, 1:-1] + x[2:, 1:-1] + x[1:-1, :-2] + x[1:-1, 2:] - 4.0 * x[1:-1, 1:-1]
    return float(lap.var())


def dhash(g: np.ndarray) -> int:
    """Difference hash (HASH_SIDE x HASH_SIDE bits) of grey levels ``g``."""
    small = Image.fromarray((g * 255.0).astype(np.uint8)).resize(
        (HASH_SIDE + 1, HASH_SIDE), Image.Resampling.BOX
    )
    a = np.asarray(small, dtype=np.int16)
    bits = (a[:, 1:] > a[:, :-1]).flatten()
    return int(sum(1 << i for i, b in enumerate(bits) if b))


def decode(data: bytes, max_pixels: int) -> tuple[Decoded, Image.Image]:
    """Facts and statistics of one image, and a small copy for thumbnails."""
    try:
        Image.MAX_IMAGE_PIXELS = max_pixels  # Pillow's own guard at the same limit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            if im.width * im.height > max_pixels:
                raise Unreadable("too_large", f"{im.width}x{im.height} pixels > limit {max_pixels}")
            im.load()
    except Unreadable:
        raise
    except Image.DecompressionBombError as e:
        raise Unreadable("too_large", str(e).splitlines()[0][:200]) from e
    except UnidentifiedImageError as e:
        raise Unreadable("not_image", "not an image Pillow can identify") from e
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise Unreadable("corrupt", str(e).splitlines()[0][:200]) from e
    fmt = im.format or "?"
    bits, channels = _bit_depth(im)
    w, h = im.size
    work: Image.Image = im
    if max(w, h) > WORK_SIDE:
        work = im.copy()
        work.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BOX)
    g = grey(work, bits)
    small = Image.fromarray((g * 255.0).astype(np.uint8))
    small.thumbnail((128, 128), Image.Resampling.BOX)
    out = Decoded(
        format=fmt,
        width=w,
        height=h,
        mode=im.mode,
        bit_depth=bits,
        channels=channels,
        brightness=round(float(g.mean()), 6),
        contrast=round(float(g.std()), 6),
        blur=round(laplacian_var(g), 4),
        over=round(float((g >= OVER).mean()), 6),
        under=round(float((g <= UNDER).mean()), 6),
        dhash=dhash(g),
    )
    return out, small
