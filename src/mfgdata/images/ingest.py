"""Ingest an image dataset: every file's facts, its label, and what could not be read.

Labels come from a labels file when one is given, else from class sub-folders (an image's first
folder under its root). Corrupt, truncated, oversized and non-image files, unreadable label lines,
images without a label and labels without an image are findings with their paths.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from PIL import Image

from mfgdata.images.decode import Decoded, Unreadable, decode, sha256
from mfgdata.images.labels import LabelRow, read_labels
from mfgdata.images.sources import iter_images
from mfgdata.quality.findings import Finding
from mfgdata.settings import Settings, get_settings

#: example thumbnails kept per class
THUMBS_PER_CLASS = 4


@dataclass(frozen=True)
class ImageRecord:
    name: str
    sha256: str
    bytes: int
    facts: Decoded
    label: str | None = None
    probability: float | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    name: str
    sha256: str
    kind: str
    detail: str


@dataclass
class ImageSet:
    records: list[ImageRecord]
    failed: list[Failed]
    findings: list[Finding]
    label_source: Literal["file", "folders"] | None
    #: label paths (from the file) that match no image
    orphan_labels: list[str] = field(default_factory=list)
    #: class -> small grey copies (PIL images) of its first few images
    thumbnails: dict[str, list[Image.Image]] = field(default_factory=dict)

    @property
    def files(self) -> int:
        return len(self.records) + len(self.failed)


def _tails(name: str) -> list[str]:
    parts = PurePosixPath(name).parts
    return ["/".join(parts[i:]) for i in range(len(parts))]


class LabelIndex:
    """Label rows by path: an image takes the row whose path shares the image name's longest
    tail (``images/cell0001.png`` in the file matches ``cell0001.png`` under the images folder
    and ``elpv/images/cell0001.png`` under its parent); tails shared by two rows are ambiguous."""

    def __init__(self, rows: list[LabelRow]) -> None:
        self.rows: dict[str, LabelRow] = {}
        self.conflicts: list[str] = []
        for row in rows:
            old = self.rows.get(row.path)
            if old is not None and old.label != row.label:
                self.conflicts.append(row.path)
            elif old is None:
                self.rows[row.path] = row
        self.index: dict[str, str | None] = {}
        for p in self.rows:
            for t in _tails(p):
                self.index[t] = None if t in self.index and self.index[t] != p else p
        self.used: set[str] = set()

    def find(self, name: str) -> LabelRow | None:
        for t in _tails(name):
            hit = self.index.get(t)
            if hit is not None:
                self.used.add(hit)
                return self.rows[hit]
        return None

    def unused(self) -> list[str]:
        return [p for p in self.rows if p not in self.used]


def _finding(code: str, severity: str, ko: str, en: str, paths: list[str]) -> Finding:
    return Finding(
        code=code,
        severity="error" if severity == "error" else "warning",
        message_ko=ko,
        message_en=en,
        count=len(paths),
        examples=tuple(paths),
        step="images",
    )


_KIND = {
    "corrupt": ("손상되었거나 잘린 이미지", "corrupt or truncated images"),
    "not_image": ("이미지가 아닌 파일", "files that are not images"),
    "too_large": ("너무 큰 이미지 (압축 폭탄 한도)", "images over the pixel limit (bomb guard)"),
}


def ingest(
    paths: list[Path],
    labels: Path | None = None,
    settings: Settings | None = None,
    keep: Callable[[str, bytes], None] | None = None,
) -> ImageSet:
    """Read every image under ``paths`` once (one at a time) with its label; ``keep(name, data)``
    is called with the bytes of every readable image (the build copies them into the product)."""
    s = settings or get_settings()
    findings: list[Finding] = []
    records: list[ImageRecord] = []
    failed: list[Failed] = []
    thumbs: dict[str, list[Image.Image]] = {}
    index: LabelIndex | None = None
    if labels is not None:
        lf = read_labels(labels)
        findings += lf.findings
        index = LabelIndex(lf.rows)
    for f in iter_images(paths, findings, max_entries=s.image_zip_max_entries):
        digest = sha256(f.data)
        try:
            facts, small = decode(f.data, s.image_max_pixels)
        except Unreadable as e:
            failed.append(Failed(f.name, digest, e.kind, e.detail))
            if index is not None:  # a label naming an unreadable file is not an orphan
                index.find(f.name)
            continue
        if keep is not None:
            keep(f.name, f.data)
        if index is None:
            records.append(ImageRecord(f.name, digest, len(f.data), facts, f.class_dir))
        else:
            row = index.find(f.name)
            records.append(
                ImageRecord(f.name, digest, len(f.data), facts)
                if row is None
                else ImageRecord(
                    f.name, digest, len(f.data), facts, row.label, row.probability, row.extra
                )
            )
        label = records[-1].label
        key = label or ""
        if len(thumbs.setdefault(key, [])) < THUMBS_PER_CLASS:
            thumbs[key].append(small)
    for kind, (ko, en) in _KIND.items():
        bad = [x for x in failed if x.kind == kind]
        if bad:
            findings.append(
                _finding(
                    f"images.{kind}",
                    "error",
                    f"{ko} {len(bad)}개",
                    f"{len(bad)} {en}",
                    [f"{x.name}: {x.detail}" for x in bad],
                )
            )
    source: Literal["file", "folders"] | None = None
    orphans: list[str] = []
    if index is not None:
        source = "file"
        orphans = index.unused()
        if index.conflicts:
            findings.append(
                _finding(
                    "images.label_conflict",
                    "warning",
                    f"서로 다른 레이블이 붙은 이미지 {len(index.conflicts)}개 (첫 레이블 사용)",
                    f"{len(index.conflicts)} image(s) listed with different labels "
                    "(first one kept)",
                    index.conflicts,
                )
            )
    elif any(r.label for r in records):
        source = "folders"
    if source is not None:
        _label_findings(records, orphans, findings)
    return ImageSet(records, failed, findings, source, orphans, thumbs)


def _label_findings(
    records: list[ImageRecord], orphans: list[str], findings: list[Finding]
) -> None:
    missing = [r.name for r in records if not r.label]
    if missing:
        findings.append(
            _finding(
                "images.unlabelled",
                "warning",
                f"레이블이 없는 이미지 {len(missing)}개",
                f"{len(missing)} image(s) without a label",
                missing,
            )
        )
    if orphans:
        findings.append(
            _finding(
                "images.label_without_image",
                "warning",
                f"이미지가 없는 레이블 {len(orphans)}개",
                f"{len(orphans)} label(s) naming no image",
                orphans,
            )
        )


def class_counts(records: list[ImageRecord]) -> dict[str, int]:
    c = Counter(r.label for r in records if r.label)
    return dict(sorted(c.items()))
