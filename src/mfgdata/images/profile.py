"""The profile of an image dataset: classes, formats and sizes, pixel statistics, duplicates.

Every figure comes from the per-image facts gathered at ingest (one image decoded at a time), so
profiling costs no second pass over the pixels. Example thumbnails per class are small grey
PNGs (at most 128 px), base64-encoded for HTML reports.
"""

from __future__ import annotations

import base64
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from mfgdata.images.duplicates import exact_groups, near_groups
from mfgdata.images.ingest import ImageSet, class_counts

QUANTILES = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
#: an image with more than this share of clipped pixels is over- (or under-) exposed
CLIPPED_SHARE = 0.10
#: an image whose Laplacian variance is below this is called blurred (0..255 grey scale)
BLUR_THRESHOLD = 10.0


def distribution(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    a = np.asarray(values, dtype=np.float64)
    q = np.quantile(a, QUANTILES)
    out = {f"p{int(p * 100)}": round(float(v), 6) for p, v in zip(QUANTILES, q, strict=True)}
    out["mean"] = round(float(a.mean()), 6)
    return out


def _mix(values: list[Any]) -> dict[str, int]:
    return {str(k): v for k, v in sorted(Counter(values).items(), key=lambda kv: -kv[1])}


@dataclass(frozen=True)
class ImageProfile:
    images: int
    unreadable: int
    classes: dict[str, int]
    formats: dict[str, int]
    sizes: dict[str, int]
    bit_depths: dict[str, int]
    channels: dict[str, int]
    brightness: dict[str, float] | None
    contrast: dict[str, float] | None
    blur: dict[str, float] | None
    overexposed_share: float
    underexposed_share: float
    blurred_share: float
    exact_duplicates: list[list[str]]
    near_duplicates: list[list[str]]
    thumbnails: dict[str, list[str]]

    def to_dict(self, thumbnails: bool = False) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "thumbnails"}
        if thumbnails:
            d["thumbnails"] = self.thumbnails
        return d


def _png_b64(im: Any) -> str:
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def profile(ds: ImageSet, near_bits: int | None = None) -> ImageProfile:
    recs = ds.records
    n = len(recs)

    def share(flags: list[bool]) -> float:
        return round(sum(flags) / n, 6) if n else 0.0

    near = near_groups(recs) if near_bits is None else near_groups(recs, near_bits)
    return ImageProfile(
        images=n,
        unreadable=len(ds.failed),
        classes=class_counts(recs),
        formats=_mix([r.facts.format for r in recs]),
        sizes=_mix([f"{r.facts.width}x{r.facts.height}" for r in recs]),
        bit_depths=_mix([r.facts.bit_depth for r in recs]),
        channels=_mix([r.facts.channels for r in recs]),
        brightness=distribution([r.facts.brightness for r in recs]),
        contrast=distribution([r.facts.contrast for r in recs]),
        blur=distribution([r.facts.blur for r in recs]),
        overexposed_share=share([r.facts.over > CLIPPED_SHARE for r in recs]),
        underexposed_share=share([r.facts.under > CLIPPED_SHARE for r in recs]),
        blurred_share=share([r.facts.blur < BLUR_THRESHOLD for r in recs]),
        exact_duplicates=exact_groups(recs),
        near_duplicates=near,
        thumbnails={k: [_png_b64(im) for im in v] for k, v in sorted(ds.thumbnails.items())},
    )
