"""ISO/IEC 25012 measures for an image dataset, graded by the same rule as tables.

Each image is a "row". Measures (X = 1 - A/B, ``quality.measures.ratio``):

- accuracy.readable_images (syntactic accuracy): readable image files / image files;
- completeness.labels: labelled images / readable images (only when labels were given);
- completeness.label_targets: labels naming an existing image / labels (labels file only);
- consistency.image_size: images of the most common width x height / images;
- consistency.image_mode: images of the most common (bit depth, channels) / images;
- uniqueness.exact_images: 1 - extra byte-identical copies / images;
- uniqueness.near_images: 1 - extra perceptual near-duplicates / images.

Evidence carries counts and the offending paths (bounded). ``score.judge`` gives score, grade
and reasons exactly as for a table (rows = readable images, labelled when labels were given).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from mfgdata.images.duplicates import extra_copies
from mfgdata.images.ingest import ImageSet, class_counts
from mfgdata.images.profile import ImageProfile
from mfgdata.quality.evaluate import QualityReport
from mfgdata.quality.findings import Finding
from mfgdata.quality.measures import Measure, bounded, ratio
from mfgdata.quality.scan import TableStats
from mfgdata.quality.score import Facts, judge, meets_registration_grade, scheme


@dataclass(frozen=True)
class ImageThresholds:
    readable: float = 0.99
    labels: float = 0.99
    label_targets: float = 0.99
    size: float = 0.95
    mode: float = 0.95
    exact: float = 0.99
    near: float = 0.98


def _m(
    id: str, ch: str, ko: str, en: str, formula: str, bad: int, total: int, thr: float,
    severity: str, paths: list[str], **extra: object,
) -> Measure:  # fmt: skip
    return Measure(
        id=id,
        characteristic=ch,  # type: ignore[arg-type]
        name_ko=ko,
        name_en=en,
        formula=formula,
        value=ratio(bad, total),
        threshold=thr,
        severity=severity,  # type: ignore[arg-type]
        source="images",
        evidence={"count": bad, "total": total, "paths": bounded(paths), **extra},
    )


def measures(ds: ImageSet, prof: ImageProfile, t: ImageThresholds | None = None) -> list[Measure]:
    t = t or ImageThresholds()
    recs = ds.records
    n = len(recs)
    out = [
        _m("readable_images", "accuracy", "읽을 수 있는 이미지", "readable images",
           "1 - unreadable files / image files", len(ds.failed), ds.files, t.readable, "error",
           [f.name for f in ds.failed]),
    ]  # fmt: skip
    if ds.label_source is not None:
        missing = [r.name for r in recs if not r.label]
        out.append(
            _m("labels", "completeness", "레이블 완전성", "label completeness",
               "1 - unlabelled images / readable images", len(missing), n, t.labels, "warning",
               missing, source=ds.label_source)
        )  # fmt: skip
    if ds.label_source == "file":
        listed = sum(1 for r in recs if r.label) + len(ds.orphan_labels)
        out.append(
            _m("label_targets", "completeness", "레이블의 이미지 존재", "labels with an image",
               "1 - labels naming no image / labels", len(ds.orphan_labels), listed,
               t.label_targets, "warning", ds.orphan_labels)
        )  # fmt: skip
    if n:
        size, _ = Counter((r.facts.width, r.facts.height) for r in recs).most_common(1)[0]
        odd = [r.name for r in recs if (r.facts.width, r.facts.height) != size]
        out.append(
            _m("image_size", "consistency", "이미지 크기 일관성", "image size consistency",
               "1 - images not of the most common size / images", len(odd), n, t.size,
               "warning", odd, expected=f"{size[0]}x{size[1]}")
        )  # fmt: skip
        mode, _ = Counter((r.facts.bit_depth, r.facts.channels) for r in recs).most_common(1)[0]
        odd = [r.name for r in recs if (r.facts.bit_depth, r.facts.channels) != mode]
        out.append(
            _m("image_mode", "consistency", "비트 깊이·채널 일관성",
               "bit depth/channel consistency",
               "1 - images not of the most common bit depth and channels / images", len(odd), n,
               t.mode, "warning", odd, expected=f"{mode[0]}-bit x {mode[1]}")
        )  # fmt: skip
    ex, near = prof.exact_duplicates, prof.near_duplicates
    out.append(
        _m("exact_images", "uniqueness", "이미지 중복 (동일 파일)", "exact duplicate images",
           "1 - extra byte-identical copies / images", extra_copies(ex), n, t.exact, "warning",
           [" = ".join(g) for g in ex], groups=len(ex))
    )  # fmt: skip
    out.append(
        _m("near_images", "uniqueness", "유사 중복 이미지 (지각 해시)",
           "near-duplicate images (perceptual hash)",
           "1 - extra near-duplicates (dHash within 12 of 256 bits) / images", extra_copies(near),
           n, t.near, "warning", [" ~ ".join(g) for g in near], groups=len(near))
    )  # fmt: skip
    return out


def noise_measure(noise: dict[str, Any], labelled: int, threshold: float = 0.90) -> Measure:
    """Credibility of labels: 1 - label-noise candidates (cross-validated predictions that
    disagree with the label) / labelled images; the candidates are listed for review."""
    cands = noise.get("candidates") or []
    names = [str(c["image"]) for c in cands if isinstance(c, dict)]
    return _m("label_credibility", "credibility", "레이블 신뢰성 (교차 검증 예측)",
              "label credibility (cross-validated predictions)",
              "1 - label-noise candidates / labelled images", len(names), labelled, threshold,
              "warning", names, method=noise.get("method"))  # fmt: skip


def quality_report(
    ds: ImageSet,
    prof: ImageProfile,
    registration_grade: str = "B",
    extra: list[Measure] | None = None,
) -> QualityReport:
    """The QualityReport of an image dataset (graded by ``quality.score.judge``); ``extra``:
    measures from later evidence (label credibility from the model step)."""
    ms = measures(ds, prof) + list(extra or [])
    n = len(ds.records)
    facts = Facts(rows=n, labelled=ds.label_source is not None, columns=0)
    v = judge(ms, None, facts)
    stats = TableStats(rows=n, schema={}, columns={}, classes=class_counts(ds.records) or None)
    return QualityReport(
        measures=ms,
        score=v.score,
        grade=v.grade,
        registrable=meets_registration_grade(v.grade, registration_grade),
        scheme=scheme(None, registration_grade),
        stats=stats,
        base=v.base,
        reasons=v.reasons,
        inputs={"kind": "images", "files": ds.files, "label_source": ds.label_source},
    )


def findings(ds: ImageSet, report: QualityReport) -> list[Finding]:
    """Ingest findings and failed measures, one list (the lineage log's shape)."""
    out = list(ds.findings)
    for m in report.measures:
        f = m.to_finding()
        if f is not None:
            out.append(
                Finding(
                    code=f"images.{m.id}",
                    severity=f.severity,
                    message_ko=f.message_ko,
                    message_en=f.message_en,
                    count=f.count,
                    examples=tuple(str(p) for p in m.evidence.get("paths", [])),
                    step="images",
                )
            )
    return out
