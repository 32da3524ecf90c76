"""Re-verify a product folder: manifest checksums, then the quality measures on data/table.parquet
with the product's contract.yaml (or a user-edited one)."""

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
from mfgdata.quality.evaluate import Extras, QualityReport, evaluate
from mfgdata.quality.measures import Measure

TABLE = "data/table.parquet"


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
    def ok(self) -> bool:
        return not self.tampered and self.quality is not None and self.quality.registrable

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_dir": str(self.product_dir),
            "contract": str(self.contract_file),
            "tampered": self.tampered,
            "problems": self.problems,
            "ok": self.ok,
            "quality": self.quality.to_dict() if self.quality else None,
        }


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _extras(root: Path, reference: datetime | None) -> Extras:
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


def _ingest_measure(root: Path) -> Measure | None:
    """The ingest-time junk measure from the product's quality.json (raw files are not shipped)."""
    for m in _json(root / "quality.json").get("measures", []):
        if m.get("id") == "accuracy.ingest_junk":
            return Measure(
                id=m["id"],
                characteristic=m["characteristic"],
                name_ko=m["name_ko"],
                name_en=m["name_en"],
                formula=m["formula"],
                value=m["value"],
                threshold=m["threshold"],
                severity=m["severity"],
                source="ingest",
                evidence=m.get("evidence", {}),
            )
    return None


def verify_product(
    product_dir: Path, contract: Path | None = None, *, reference: datetime | None = None
) -> VerifyReport:
    """Checksums first (a changed, missing or unlisted file is a problem), then the measures."""
    root = Path(product_dir)
    problems = check_manifest(root)
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
    q = evaluate(pl.scan_parquet(table), c, _extras(root, reference))
    junk = _ingest_measure(root)
    if junk is not None:
        from mfgdata.quality.score import grade, meets_registration_grade, score

        q.measures.append(junk)
        q.score = score(q.measures, c.weights)
        q.grade = grade(q.score, q.measures)
        q.registrable = meets_registration_grade(q.grade, c.registration_grade)
    rep.quality = q
    return rep
