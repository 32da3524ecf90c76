"""The steps of an image product (vision inspection): ingest, quality, package.

``ImageIngestStep`` reads the images once (``images.ingest``), copies every readable image into
``data/images/`` of the product, profiles them and hands the runner the records table (one row
per image: path in the product, label, facts, duplicate group) as the product's table. Price,
AAS and register are the table steps themselves (they read the records table and the results);
``ImageQualityStep`` grades with the image measures (``images.quality``) and ``ImagePackageStep``
runs the table package step, then adds the images to datapackage.json and writes croissant.json
(a ``FileSet`` per image format).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.errors import InputError
from mfgdata.frames.uris import local_inputs
from mfgdata.images.ingest import ImageSet, ingest
from mfgdata.images.profile import ImageProfile, profile
from mfgdata.images.quality import findings as image_findings
from mfgdata.images.quality import noise_measure, quality_report
from mfgdata.images.records import (
    DESCRIPTIONS,
    IMAGES_DIR,
    MEDIA_TYPES,
    UNITS,
    product_path,
    records_frame,
)
from mfgdata.images.sources import IMAGE_SUFFIXES
from mfgdata.packaging.croissant_context import CONFORMS_TO, CONTEXT, data_type
from mfgdata.packaging.datafiles import CSV, PARQUET
from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.manifest import sha256_file
from mfgdata.pipeline.results import ImageIngestResult, ModelResult, QualityResult
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.report import section as quality_section
from mfgdata.report.section import ReportSection
from mfgdata.steps.package import DATAPACKAGE, PackageStep

PROFILE = "profile.json"
QUALITY = "quality.json"
CROISSANT = "croissant.json"


def is_image_input(paths: tuple[Path, ...] | list[Path]) -> bool:
    """True when the inputs are images: image files, folders holding images, or zips whose
    entries are images (a folder or zip of tables is not)."""
    import zipfile

    if not paths:
        return False
    for p in paths:
        if p.is_dir():
            if not any(f.suffix.lower() in IMAGE_SUFFIXES for f in p.rglob("*") if f.is_file()):
                return False
        elif p.suffix.lower() in IMAGE_SUFFIXES:
            continue
        elif p.suffix.lower() == ".zip" and p.is_file():
            try:
                with zipfile.ZipFile(p) as zf:
                    names = [i.filename for i in zf.infolist() if not i.is_dir()]
            except (zipfile.BadZipFile, OSError):
                return False
            if not any(Path(n).suffix.lower() in IMAGE_SUFFIXES for n in names):
                return False
        else:
            return False
    return True


def _inputs(
    paths: tuple[Path, ...], ds: ImageSet, sizes: dict[str, int], labels: Path | None
) -> list[dict[str, Any]]:
    """One input per root (a folder's digest is the SHA-256 of its sorted name/SHA-256 list)
    and the labels file."""
    out: list[dict[str, Any]] = []
    several = len(paths) > 1
    digests = {r.name: r.sha256 for r in ds.records} | {f.name: f.sha256 for f in ds.failed}
    for p in paths:
        if p.is_file():
            out.append(
                {
                    "name": p.name,
                    "bytes": p.stat().st_size,
                    "sha256": sha256_file(p),
                    "format": "zip" if p.suffix.lower() == ".zip" else "image",
                }
            )
            continue
        prefix = f"{p.name}/" if several else ""
        mine = sorted((n, d) for n, d in digests.items() if n.startswith(prefix))
        listing = "".join(f"{n}\t{d}\n" for n, d in mine).encode("utf-8")
        out.append(
            {
                "name": p.name,
                "bytes": sum(sizes.get(n, 0) for n, _ in mine),
                "sha256": hashlib.sha256(listing).hexdigest(),
                "format": "image folder",
                "files": len(mine),
            }
        )
    if labels is not None:
        out.append(
            {
                "name": labels.name,
                "bytes": labels.stat().st_size,
                "sha256": sha256_file(labels),
                "format": "labels",
            }
        )
    return out


def _thumbs_html(prof: ImageProfile, lang: str) -> str:
    parts = []
    for cls, pics in prof.thumbnails.items():
        name = html.escape(cls or ("(레이블 없음)" if lang == "ko" else "(no label)"))
        count = prof.classes.get(cls, 0)
        imgs = "".join(
            f'<img src="{src}" alt="{name}" style="width:96px;height:96px;margin:2px">'
            for src in pics
        )
        unit = "장" if lang == "ko" else " images"
        parts.append(
            f"<figure><figcaption><b>{name}</b> ({count:,}{unit})</figcaption>{imgs}</figure>"
        )
    return "".join(parts)


def _profile_section(prof: ImageProfile) -> ReportSection:
    def rows(items: list[tuple[str, Any]]) -> str:
        return "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in items
        )

    def table(lang: str) -> str:
        ko = lang == "ko"
        b = prof.brightness or {}
        blur = prof.blur or {}
        items = [
            ("이미지" if ko else "images", f"{prof.images:,}"),
            ("읽지 못한 파일" if ko else "unreadable files", f"{prof.unreadable:,}"),
            ("클래스" if ko else "classes", json.dumps(prof.classes, ensure_ascii=False)),
            ("크기 (px)" if ko else "sizes (px)", json.dumps(prof.sizes)),
            ("비트 깊이 (bit)" if ko else "bit depths (bit)", json.dumps(prof.bit_depths)),
            ("형식" if ko else "formats", json.dumps(prof.formats)),
            (
                "밝기 중앙값 (0..1)" if ko else "median brightness (0..1)",
                b.get("p50", "-"),
            ),
            (
                "라플라시안 분산 중앙값" if ko else "median Laplacian variance",
                blur.get("p50", "-"),
            ),
            ("흐린 이미지 비율" if ko else "blurred share", f"{prof.blurred_share:.2%}"),
            ("과노출 비율" if ko else "over-exposed share", f"{prof.overexposed_share:.2%}"),
            ("저노출 비율" if ko else "under-exposed share", f"{prof.underexposed_share:.2%}"),
            (
                "동일 중복 묶음" if ko else "exact duplicate groups",
                f"{len(prof.exact_duplicates):,}",
            ),
            (
                "유사 중복 묶음" if ko else "near-duplicate groups",
                f"{len(prof.near_duplicates):,}",
            ),
        ]
        head = "클래스별 예시" if ko else "examples per class"
        return f"<table>{rows(items)}</table><h3>{head}</h3>{_thumbs_html(prof, lang)}"

    return ReportSection(
        key="images",
        title_ko="이미지 프로파일",
        title_en="Image profile",
        html_ko=table("ko"),
        html_en=table("en"),
        order=15,
    )


class ImageIngestStep:
    """Images + labels -> the images in the product, the records table and the profile."""

    name = "ingest"
    title_ko = "이미지 수집"
    title_en = "Image ingest"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        labels: Path | None = getattr(ctx.options, "labels", None)
        paths = tuple(local_inputs(ctx.options.inputs))
        sizes: dict[str, int] = {}

        def keep(name: str, data: bytes) -> None:
            sizes[name] = len(data)
            ctx.product.write_bytes(product_path(name), data)

        ctx.progress(self.name, 0.05, "images")
        ds = ingest(list(paths), labels, ctx.settings, keep=keep)
        if not ds.records:
            raise InputError(
                f"읽을 수 있는 이미지가 없습니다 (파일 {ds.files}개 중)",
                f"no readable image (of {ds.files} file(s))",
                file=str(paths[0]) if paths else None,
            )
        ctx.progress(self.name, 0.8, "profile")
        prof = profile(ds)
        ctx.product.write_json(PROFILE, {"kind": "images", **prof.to_dict()})
        table = records_frame(ds, prof)
        labelled = sum(1 for r in ds.records if r.label)
        columns = [
            {"name": c, "raw_name": c, "unit": UNITS.get(c), "dtype": str(t), "kind": "image"}
            for c, t in table.schema.items()
        ]
        inputs = _inputs(paths, ds, sizes, labels)
        classes = ", ".join(f"{k} {v:,}" for k, v in prof.classes.items()) or "-"
        sizes_txt = ", ".join(f"{k} px ({v:,})" for k, v in list(prof.sizes.items())[:3])
        formats = ", ".join(prof.formats)
        description = (
            f"비전 검사 이미지 {len(ds.records):,}장 (클래스: {classes}; 크기: {sizes_txt}; "
            f"형식: {formats}; 레이블 {labelled:,}장)",
            f"{len(ds.records):,} vision-inspection images (classes: {classes}; sizes: "
            f"{sizes_txt}; formats: {formats}; {labelled:,} labelled)",
        )
        data = ImageIngestResult(
            kind="images",
            description=description,
            inputs=inputs,
            rows=table.height,
            columns=columns,
            images=len(ds.records),
            unreadable=len(ds.failed),
            labelled=labelled,
            label_source=ds.label_source,
            classes=prof.classes,
            formats=prof.formats,
            image_set=ds,
            image_profile=prof,
        )
        images = sorted(product_path(r.name) for r in ds.records)
        return StepResult(
            step=self.name,
            frame=table.lazy(),
            data=data,
            findings=tuple(ds.findings),
            counts={
                "files": ds.files,
                "images": len(ds.records),
                "unreadable": len(ds.failed),
                "labelled": labelled,
                "image_bytes": sum(sizes.values()),
            },
            files=(PROFILE, *images),
            report=_profile_section(prof),
        )


class ImageQualityStep:
    """ISO/IEC 25012 measures of the images (``images.quality``) -> quality.json."""

    name = "quality"
    title_ko = "품질 검증"
    title_en = "Quality verification"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        ing = ctx.result(ImageIngestResult)
        ds: ImageSet = ing.image_set
        prof: ImageProfile = ing.image_profile
        model = ctx.maybe(ModelResult)
        noise = model.card.get("label_noise") if model else None
        extra = []
        if noise and noise.get("run"):
            extra.append(noise_measure(dict(noise), sum(1 for r in ds.records if r.label)))
        report = quality_report(ds, prof, extra=extra)
        doc = report.to_dict()
        if noise:
            doc["label_noise"] = noise
        ctx.product.write_json(QUALITY, doc)
        found = [
            f for f in image_findings(ds, report) if f.code not in {x.code for x in ds.findings}
        ]
        return StepResult(
            step=self.name,
            data=QualityResult(
                score=report.score,
                grade=report.grade,
                passed=report.passed,
                registrable=report.registrable,
                grade_reasons=[r.to_dict() for r in report.reasons],
                measures=[m.to_dict() for m in report.measures],
            ),
            findings=tuple(found),
            counts={
                "measures": len(report.measures),
                "failed": sum(not m.passed for m in report.measures),
                "score": report.score,
            },
            files=(QUALITY,),
            report=quality_section(report),
        )


def _media_types(table: pl.DataFrame) -> dict[str, int]:
    return dict(Counter(MEDIA_TYPES.get(f, "application/octet-stream") for f in table["format"]))


def croissant_document(
    ctx: RunContext, table: pl.DataFrame, files: Mapping[str, tuple[str, int]]
) -> dict[str, Any]:
    """Croissant 1.0: the records table (FileObject) and the images (one FileSet per format)."""
    pid = ctx.product_id
    title = ctx.options.title or pid
    csv_sha, _ = files[CSV]
    distribution: list[dict[str, Any]] = [
        {
            "@type": "cr:FileObject",
            "@id": "table.csv",
            "name": "table.csv",
            "contentUrl": CSV,
            "encodingFormat": "text/csv",
            "sha256": csv_sha,
        }
    ]
    suffixes: dict[str, set[str]] = {}
    for path, fmt in zip(table["image"], table["format"], strict=True):
        media = MEDIA_TYPES.get(fmt, "application/octet-stream")
        suffixes.setdefault(media, set()).add(Path(path).suffix)
    for media, sfx in sorted(suffixes.items()):
        kind = media.split("/")[-1]
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": f"images-{kind}",
                "name": f"images-{kind}",
                "encodingFormat": media,
                "includes": [f"{IMAGES_DIR}/**/*{s}" for s in sorted(sfx)],
            }
        )
    fields: list[dict[str, Any]] = [
        {
            "@type": "cr:Field",
            "@id": f"records/{name}",
            "name": name,
            "dataType": data_type(dtype),
            "source": {"fileObject": {"@id": "table.csv"}, "extract": {"column": name}},
        }
        for name, dtype in table.schema.items()
    ]
    n = table.height
    classes = ", ".join(
        f"{k}: {v}" for k, v in sorted(Counter(table["label"].drop_nulls()).items())
    )
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": pid,
        "description": f"{title}: {n:,} inspection images ({classes or 'unlabelled'})",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "url": f"products/{pid}",
        "version": "1.0.0",
        "inLanguage": ["ko", "en"],
        "keywords": ["manufacturing", "제조", "vision inspection", "비전 검사", pid],
        "distribution": distribution,
        "recordSet": [
            {"@type": "cr:RecordSet", "@id": "records", "name": "records", "field": fields}
        ],
    }


class ImagePackageStep:
    """The table package step for the records table, then the images in datapackage.json and
    croissant.json."""

    name = "package"
    title_ko = "패키징"
    title_en = "Package"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        own = PackageStep().run(frame, ctx)
        product = ctx.product
        table = pl.read_parquet(product.path(PARQUET))
        files = {r: (sha256_file(product.path(r), remember=True), product.path(r).stat().st_size)
                 for r in (PARQUET, CSV)}  # fmt: skip
        dp = json.loads(product.path(DATAPACKAGE).read_text(encoding="utf-8"))
        for res in dp.get("resources", []):
            for f in (res.get("schema") or {}).get("fields", []):
                if f.get("name") in DESCRIPTIONS and not f.get("description"):
                    ko, en = DESCRIPTIONS[f["name"]]
                    f["description"] = f"{ko} / {en}"
        media = _media_types(table)
        dp["resources"].append(
            {
                "name": "images",
                "type": "file",
                "path": IMAGES_DIR,
                "description": (
                    f"검사 이미지 {table.height:,}장; 표의 'image' 열이 각 파일을 가리킵니다 / "
                    f"{table.height:,} inspection images; the table's 'image' column names "
                    "each file"
                ),
                "mediatypes": media,
                "bytes": int(table["bytes"].sum()),
                "files": table.height,
            }
        )
        classes = dict(sorted(Counter(table["label"].drop_nulls()).items()))
        dp["description"] = (
            f"비전 검사 이미지 {table.height:,}장, 클래스 {classes} / "
            f"vision inspection images: {table.height:,}, classes {classes}"
        )
        product.write_json(DATAPACKAGE, dp)
        product.write_json(CROISSANT, croissant_document(ctx, table, files))
        return StepResult(
            step=self.name,
            data={**own.data, "files": [*own.data.get("files", []), CROISSANT]},
            counts={**own.counts, "images": table.height},
            files=(*own.files, CROISSANT),
            report=own.report,
        )
