"""The KAMP-ready bundle of a product folder.

```
OUT/
  data/table.csv, data/table.parquet, datapackage.json   the data as the product has it
  guidebook.md        KAMP's analysis-guide structure (``kamp.guide``)
  citation.txt        the citation in KAMP's format (``kamp.citation``)
  kamp.json           dataset, provider, participants, day, licence, product id and version
  SHA256SUMS          every file above with its SHA-256
```
The product must pass its manifest first (a changed file is refused, never shared); the bundle
folder must not exist (nothing is overwritten).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mfgdata.errors import OutputExistsError, ProductError
from mfgdata.kamp.citation import kamp_citation
from mfgdata.kamp.guide import GuideText, created_day, guidebook
from mfgdata.pipeline.manifest import check_manifest, read_manifest

DATA_FILES = ("data/table.csv", "data/table.parquet", "datapackage.json")


@dataclass(frozen=True)
class BundleInfo:
    provider: str
    participants: tuple[str, ...] = ()
    dataset: str | None = None  # default: the Korean part of the product's title
    day: dt.date | None = None  # default: the product's creation day (KST)
    text: GuideText = field(default_factory=GuideText)


@dataclass(frozen=True)
class Bundle:
    out: Path
    citation: str
    files: tuple[str, ...]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _title(product: Path) -> tuple[str, str]:
    pkg_file = product / "datapackage.json"
    if not pkg_file.is_file():
        raise ProductError(
            "제품 폴더에 datapackage.json이 없습니다",
            "the product has no datapackage.json",
            file=product,
        )
    pkg = json.loads(pkg_file.read_text(encoding="utf-8"))
    title = str(pkg.get("title") or pkg.get("name") or product.name)
    return title, title.split(" / ")[0].strip()


def make_bundle(product: Path, out: Path, info: BundleInfo) -> Bundle:
    if not (product / "manifest.json").is_file():
        raise ProductError(
            "제품 폴더가 아닙니다 (manifest.json 없음)",
            "not a product folder (no manifest.json)",
            file=product,
        )
    problems = check_manifest(product)
    if problems:
        first = problems[0]
        raise ProductError(
            f"제품 파일이 매니페스트와 다릅니다: {first['file']} ({first['problem']})",
            f"a product file does not match the manifest: {first['file']} ({first['problem']})",
            file=product,
        )
    if out.exists():
        raise OutputExistsError(
            "출력 폴더가 이미 있습니다 (덮어쓰지 않습니다)",
            "the output folder exists (nothing is overwritten)",
            file=out,
        )
    title, title_ko = _title(product)
    day = info.day or created_day(product)
    citation = kamp_citation(
        dataset=info.dataset or title_ko,
        provider=info.provider,
        participants=info.participants,
        day=day,
    )
    manifest = read_manifest(product)
    pkg = json.loads((product / "datapackage.json").read_text(encoding="utf-8"))
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for rel in DATA_FILES:
            if (product / rel).is_file():
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(product / rel, staging / rel)
        guide = guidebook(product, title=title, text=info.text)
        guide += f"\n## 인용 / Citation\n\n{citation}\n"
        (staging / "guidebook.md").write_text(guide, encoding="utf-8")
        (staging / "citation.txt").write_text(citation + "\n", encoding="utf-8")
        meta = {
            "dataset": info.dataset or title_ko,
            "title": title,
            "provider": info.provider,
            "participants": list(info.participants),
            "date": day.isoformat(),
            "citation": citation,
            "licenses": pkg.get("licenses", []),
            "product_id": pkg.get("id") or manifest.get("product_id"),
            "version": pkg.get("version"),
            "product_manifest_created": manifest.get("created"),
        }
        (staging / "kamp.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        files = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
        sums = "".join(f"{_sha256(staging / f)}  {f}\n" for f in files)
        (staging / "SHA256SUMS").write_text(sums, encoding="utf-8")
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Bundle(out, citation, (*files, "SHA256SUMS"))


def parse_participants(values: Sequence[str]) -> tuple[str, ...]:
    """``--participant A --participant B`` or ``--participant "A, B"``."""
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return tuple(out)
