"""The image records table of a product: one row per readable image (``data/table.parquet``).

Each row names its image file inside the product (``image``, relative to the product folder),
its label and defect probability when given, the extra label columns (module type ...), the
image's facts and a duplicate group shared by byte-identical copies and perceptual
near-duplicates (so a split can keep a group together). The columns carry units where a person
reads a number (px, bit, B).
"""

from __future__ import annotations

import posixpath
from typing import Any

import polars as pl

from mfgdata.images.ingest import ImageSet
from mfgdata.images.profile import ImageProfile

#: the folder of the images inside the product
IMAGES_DIR = "data/images"

#: column -> unit, for the datapackage and the report
UNITS: dict[str, str] = {
    "width": "px",
    "height": "px",
    "bit_depth": "bit",
    "bytes": "B",
}

#: image file formats (Pillow name) -> IANA media type
MEDIA_TYPES: dict[str, str] = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
    "MPO": "image/jpeg",
}


def product_path(name: str) -> str:
    """Where the image called ``name`` (a posix path relative to its root) lives in the product."""
    clean = posixpath.normpath(name.replace("\\", "/")).lstrip("/")
    return f"{IMAGES_DIR}/{clean}"


def duplicate_groups(ds: ImageSet, prof: ImageProfile) -> dict[str, int]:
    """Image name -> group number for images that have an exact or near duplicate.

    Exact copies share a SHA-256; near groups (built on one copy per content) then join the
    content's copies. Single linkage over both, numbered in name order from 0.
    """
    by_sha: dict[str, list[str]] = {}
    for r in ds.records:
        by_sha.setdefault(r.sha256, []).append(r.name)
    sha_of = {r.name: r.sha256 for r in ds.records}
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for names in by_sha.values():
        for n in names[1:]:
            join(names[0], n)
    for group in prof.near_duplicates:
        for n in group[1:]:
            join(group[0], n)
        for n in group:
            for m in by_sha.get(sha_of.get(n, ""), []):
                join(n, m)
    members: dict[str, list[str]] = {}
    for r in ds.records:
        members.setdefault(root(r.name), []).append(r.name)
    out: dict[str, int] = {}
    for i, names in enumerate(sorted(sorted(g) for g in members.values() if len(g) > 1)):
        for n in names:
            out[n] = i
    return out


def records_frame(ds: ImageSet, prof: ImageProfile) -> pl.DataFrame:
    """The records table (rows in image-name order)."""
    groups = duplicate_groups(ds, prof)
    extras = sorted({k for r in ds.records for k in r.extra})
    has_prob = any(r.probability is not None for r in ds.records)
    rows: list[dict[str, Any]] = []
    for r in sorted(ds.records, key=lambda r: r.name):
        f = r.facts
        row: dict[str, Any] = {"image": product_path(r.name), "name": r.name, "label": r.label}
        if has_prob:
            row["probability"] = r.probability
        for k in extras:
            row[k] = r.extra.get(k)
        row.update(
            width=f.width,
            height=f.height,
            bit_depth=f.bit_depth,
            channels=f.channels,
            format=f.format,
            mode=f.mode,
            bytes=r.bytes,
            sha256=r.sha256,
            brightness=f.brightness,
            contrast=f.contrast,
            blur=f.blur,
            duplicate_group=groups.get(r.name),
        )
        rows.append(row)
    schema: dict[str, Any] = {"image": pl.String, "name": pl.String, "label": pl.String}
    if has_prob:
        schema["probability"] = pl.Float64
    schema.update({k: pl.String for k in extras})
    schema.update(
        width=pl.Int64,
        height=pl.Int64,
        bit_depth=pl.Int64,
        channels=pl.Int64,
        format=pl.String,
        mode=pl.String,
        bytes=pl.Int64,
        sha256=pl.String,
        brightness=pl.Float64,
        contrast=pl.Float64,
        blur=pl.Float64,
        duplicate_group=pl.Int64,
    )
    return pl.DataFrame(rows, schema=schema, orient="row")


#: column -> (Korean, English) description for the datapackage
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "image": ("제품 폴더 안의 이미지 파일 경로", "path of the image file in the product folder"),
    "name": ("원본 이미지 이름 (입력 폴더 기준)", "original image name (relative to its input)"),
    "label": ("레이블 (클래스)", "label (class)"),
    "probability": ("레이블 파일의 불량 확률 (0..1)", "defect probability from the labels file"),
    "brightness": ("평균 밝기 (0..1)", "mean grey level (0..1)"),
    "contrast": ("RMS 대비 (0..1)", "RMS contrast (0..1)"),
    "blur": ("라플라시안 분산 (낮을수록 흐림)", "variance of the Laplacian (low = blurred)"),
    "duplicate_group": (
        "동일·유사 중복 이미지 묶음 번호 (없으면 비어 있음)",
        "group of exact or near-duplicate images (empty when unique)",
    ),
}
