"""``inspect``: ingest, profile and check an image dataset in one call (what the CLI shows)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mfgdata.images.ingest import ImageSet, ingest
from mfgdata.images.profile import ImageProfile, profile
from mfgdata.images.quality import findings, quality_report
from mfgdata.quality.evaluate import QualityReport
from mfgdata.quality.findings import Finding
from mfgdata.settings import Settings


@dataclass(frozen=True)
class Inspection:
    images: ImageSet
    profile: ImageProfile
    quality: QualityReport
    findings: list[Finding]

    def to_dict(self, thumbnails: bool = False) -> dict[str, Any]:
        return {
            "files": self.images.files,
            "label_source": self.images.label_source,
            "records": [
                {
                    "name": r.name,
                    "sha256": r.sha256,
                    "bytes": r.bytes,
                    "label": r.label,
                    "probability": r.probability,
                    "extra": r.extra,
                    **r.facts.__dict__,
                }
                for r in self.images.records
            ],
            "unreadable": [f.__dict__ for f in self.images.failed],
            "profile": self.profile.to_dict(thumbnails),
            "quality": self.quality.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
        }


def inspect(
    paths: list[Path], labels: Path | None = None, settings: Settings | None = None
) -> Inspection:
    ds = ingest(paths, labels, settings)
    prof = profile(ds)
    q = quality_report(ds, prof)
    return Inspection(ds, prof, q, findings(ds, q))
