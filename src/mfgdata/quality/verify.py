"""Re-verify a product folder: manifest checksums, then the quality measures on data/table.parquet
with the product's contract.yaml (or a user-edited one).

The measures are computed by the same call as the build (``evaluate_record``), with the evaluation
inputs the build stored in quality.json (``inputs``), so an untouched folder gets the build's score
and grade. A folder whose files do not match its manifest is never registrable, whatever its
score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.errors import ProductError
from mfgdata.pipeline.manifest import check_manifest
from mfgdata.quality.contract import Contract, load_contract
from mfgdata.quality.evaluate import Extras, QualityReport, evaluate, evaluate_record

TABLE = "data/table.parquet"
QUALITY = "quality.json"


@dataclass
class VerifyReport:
    product_dir: Path
    contract_file: Path
    problems: list[dict[str, str]] = field(default_factory=list)
    quality: QualityReport | None = None

    @property
    def tampered(self) -> bool:
        return bool(self.problems)

    @property
    def registrable(self) -> bool:
        """Untampered and the quality meets the registration grade: a changed, missing or
        unlisted file makes a folder unregistrable whatever its score."""
        return not self.tampered and self.quality is not None and self.quality.registrable

    @property
    def ok(self) -> bool:
        return self.registrable

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_dir": str(self.product_dir),
            "contract": str(self.contract_file),
            "tampered": self.tampered,
            "problems": self.problems,
            "registrable": self.registrable,
            "ok": self.ok,
            "quality": self.quality.to_dict() if self.quality else None,
        }


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _legacy_extras(root: Path, reference: datetime | None) -> Extras:
    """For a folder built before quality.json stored its ``inputs``: what the folder tells."""
    lineage = _json(root / "lineage.json")
    inputs = lineage.get("inputs", []) if isinstance(lineage.get("inputs"), list) else []
    fields = {
        "sources_listed": bool(inputs),
        "sources_sha256": bool(inputs)
        and all(isinstance(i, dict) and i.get("sha256") for i in inputs),
        "recipe": (root / "recipe.yaml").is_file(),
        "profile": (root / "profile.json").is_file(),
        "datapackage": (root / "datapackage.json").is_file(),
    }
    time = _json(root / "profile.json").get("time") or {}
    return Extras(
        lineage=fields,
        interval_s=time.get("interval_seconds") if isinstance(time, dict) else None,
        reference=reference,
    )


def _verify_images(
    root: Path, problems: list[dict[str, str]], stored: dict[str, Any]
) -> VerifyReport:
    """An image product: the image measures again, from the images in data/images and the
    labels in the records table (label credibility from the stored cross-validated candidates)."""
    import tempfile

    from mfgdata.images.ingest import Failed, ingest
    from mfgdata.images.profile import profile
    from mfgdata.images.quality import noise_measure, quality_report
    from mfgdata.images.records import IMAGES_DIR

    rep = VerifyReport(product_dir=root, contract_file=root / QUALITY, problems=problems)
    table = root / TABLE
    images = root / IMAGES_DIR
    if not table.is_file() or not images.is_dir():
        return rep
    df = pl.read_parquet(table, columns=["image", "label"])
    with tempfile.TemporaryDirectory(prefix="mfgdata-verify-") as tmp:
        labels = None
        if df["label"].drop_nulls().len():
            labels = Path(tmp) / "labels.csv"
            pl.DataFrame(
                {
                    "path": [p.removeprefix(f"{IMAGES_DIR}/") for p in df["image"]],
                    "label": df["label"],
                }
            ).drop_nulls().write_csv(labels)
        ds = ingest([images], labels)
    # unreadable input files never enter the product: the build's count and paths stand
    built: dict[str, Any] = {}
    for m in stored.get("measures", []):
        if isinstance(m, dict) and m.get("id") == "readable_images":
            built = dict(m.get("evidence") or {})
    paths = [str(p) for p in built.get("paths", [])]
    count = int(built.get("count", 0) or 0)
    paths += [f"(unreadable {i + 1})" for i in range(len(paths), count)]
    ds.failed = [Failed(p, "", "unreadable", "at build") for p in paths]
    noise = stored.get("label_noise")
    extra = []
    if isinstance(noise, dict) and noise.get("run"):
        extra.append(noise_measure(noise, sum(1 for r in ds.records if r.label)))
    rep.quality = quality_report(ds, profile(ds), extra=extra)
    if rep.tampered:
        rep.quality.registrable = False
    return rep


def verify_product(
    product_dir: Path, contract: Path | None = None, *, reference: datetime | None = None
) -> VerifyReport:
    """Checksums first (a changed, missing or unlisted file is a problem), then the measures."""
    root = Path(product_dir)
    problems = check_manifest(root)
    stored = _json(root / QUALITY)
    if (stored.get("inputs") or {}).get("kind") == "images":
        return _verify_images(root, problems, stored)
    contract_file = contract or root / "contract.yaml"
    if not contract_file.is_file():
        raise ProductError(
            "제품 폴더에 contract.yaml이 없습니다", "the product has no contract.yaml", file=root
        )
    c: Contract = load_contract(contract_file)
    rep = VerifyReport(product_dir=root, contract_file=contract_file, problems=problems)
    table = root / TABLE
    if not table.is_file():
        return rep
    record = _json(root / QUALITY).get("inputs")
    lf = pl.scan_parquet(table)
    try:
        if isinstance(record, dict) and record:
            rep.quality = evaluate_record(lf, c, record, reference=reference)
        else:
            rep.quality = evaluate(lf, c, _legacy_extras(root, reference))
    except (pl.exceptions.PolarsError, OSError) as e:  # a damaged table: nothing to measure
        rep.problems.append({"file": TABLE, "problem": f"unreadable ({type(e).__name__})"})
        return rep
    if rep.tampered:  # the measured table may not be the one the manifest vouches for
        rep.quality.registrable = False
    return rep
