"""The baseline model of an image product: defect vs good, a small CNN against two baselines.

- **Task**: two classes. With numeric labels (a defect probability, as ELPV's 0, 1/3, 2/3, 1) an
  image is a defect when the probability is >= 0.5. With class names the good class is the one
  named ok/good/normal/pass/양품/정상 (else the largest class) and every other class is a defect
  kind; per-class recall is reported for every original class too.
- **Split**: a seeded stratified group holdout (a quarter of the groups): byte-identical copies
  and perceptual near-duplicates share a group, so no image has its twin on the other side.
- **Baselines**: the majority class (the training prior as the probability) and a pixel-statistics
  model (logistic regression on a 32-bin grey-level histogram + mean, spread, gradient energy).
- **Metrics**: balanced accuracy, macro-F1, PR-AUC of the defect class, per-class recall, each with
  a 95 % bootstrap interval (``modeling.metrics.evaluate``); the model is usable only if the tables'
  rule (``modeling.metrics.verdict``) holds against both baselines.
- **Usage**: the operating threshold for a target miss rate and the false-reject rate it costs,
  recall per sub-group of an extra label column, Grad-CAM overlays of a few test images.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from mfgdata.images.decode import MODES, grey
from mfgdata.modeling.metrics import evaluate, uplift, verdict

GOOD_NAMES = re.compile(
    r"^(ok|good|normal|pass|passed|non[-_ ]?defect(ive)?|negative|none|양품|정상|functional)$",
    re.IGNORECASE,
)
#: the side of the square grey copy every image is scaled to for the network: SIDE, or
#: LARGE_SIDE when the images' median longer side is above LARGE_FROM px (thin cracks in 300 px
#: solar cells need the finer grid)
SIDE = 96
LARGE_SIDE, LARGE_FROM = 128, 200


def side_for(longer_sides: Sequence[int]) -> int:
    """The network's input side for images of these longer sides (px)."""
    return LARGE_SIDE if longer_sides and float(np.median(longer_sides)) > LARGE_FROM else SIDE


HIST_BINS = 32
TEST_SHARE = 0.25
#: training passes (images x epochs) aimed at; epochs = PASSES / training images, within bounds:
#: 181 training images get 25 epochs, 2,250 (3,000 images) get 13
PASSES = 30_000
MIN_EPOCHS, MAX_EPOCHS = 8, 25
#: target miss rates (defects let through) the operating table lists
MISS_TARGETS = (0.01, 0.05, 0.10)


@dataclass(frozen=True)
class Task:
    """Which images are defects (1) and which good (0), and the rule that said so."""

    y: NDArray[np.int64]
    classes: list[str]
    good: str | None
    rule_ko: str
    rule_en: str


def _number(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return None


def binary_task(labels: Sequence[str]) -> Task:
    classes = sorted(set(labels))
    nums = [_number(c) for c in classes]
    if classes and all(n is not None for n in nums):
        y = np.array([1 if float(v) >= 0.5 else 0 for v in labels], dtype=np.int64)
        return Task(
            y,
            classes,
            None,
            "숫자 레이블(불량 확률) 0.5 이상을 불량으로 봅니다",
            "numeric labels (defect probability): >= 0.5 is a defect",
        )
    named = [c for c in classes if GOOD_NAMES.match(c.strip())]
    if named:
        good = named[0]
        how_ko, how_en = "이름", "by its name"
    else:
        good = max(classes, key=lambda c: (sum(1 for v in labels if v == c), c))
        how_ko, how_en = "가장 많은 클래스", "the largest class"
    y = np.array([0 if v == good else 1 for v in labels], dtype=np.int64)
    return Task(
        y,
        classes,
        good,
        f"양품 클래스 '{good}'({how_ko}), 나머지 클래스는 불량",
        f"good class '{good}' ({how_en}); every other class is a defect",
    )


def load_grey(path: Path | bytes, side: int = SIDE) -> NDArray[np.uint8]:
    """One image (a file or its bytes) as a ``side`` x ``side`` grey uint8 array (16-bit
    scaled by 65535)."""
    with Image.open(io.BytesIO(path) if isinstance(path, bytes) else path) as im:
        im.load()
        bits = MODES.get(im.mode, (8, 1))[0]
        if im.mode == "I" and im.format == "PNG":
            bits = 16
        g = grey(im, bits)
    small = Image.fromarray((g * 255.0).astype(np.uint8)).resize(
        (side, side), Image.Resampling.BILINEAR
    )
    return np.asarray(small, dtype=np.uint8)


def load_all(paths: Sequence[Path], side: int = SIDE) -> NDArray[np.uint8]:
    return (
        np.stack([load_grey(p, side) for p in paths])
        if paths
        else np.zeros((0, side, side), np.uint8)
    )


def pixel_features(x: NDArray[np.uint8], chunk: int = 256) -> NDArray[np.float64]:
    """Per image: a 32-bin grey histogram (shares), mean, standard deviation, gradient energy
    (computed ``chunk`` images at a time: float copies of all images would take ~1 GB)."""
    if len(x) > chunk:
        return np.concatenate([pixel_features(x[i : i + chunk]) for i in range(0, len(x), chunk)])
    n = len(x)
    f = x.reshape(n, -1).astype(np.float64) / 255.0
    hist = np.stack([np.histogram(r, bins=HIST_BINS, range=(0.0, 1.0))[0] for r in f]) / f.shape[1]
    xf = x.astype(np.float64) / 255.0
    gx = np.abs(np.diff(xf, axis=2)).mean(axis=(1, 2))
    gy = np.abs(np.diff(xf, axis=1)).mean(axis=(1, 2))
    return np.column_stack([hist, f.mean(axis=1), f.std(axis=1), gx + gy])


def group_ids(groups: Sequence[int | None]) -> NDArray[np.int64]:
    """Duplicate groups as ids; an image without a group is its own group."""
    big = max((g for g in groups if g is not None), default=-1) + 1
    return np.array([g if g is not None else big + i for i, g in enumerate(groups)], np.int64)


def group_holdout(
    y: NDArray[np.int64], groups: NDArray[np.int64], seed: int, test_share: float = TEST_SHARE
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Train and test rows: one fold of a seeded StratifiedGroupKFold (round(1/test_share)
    folds); a group is never on both sides."""
    from sklearn.model_selection import StratifiedGroupKFold  # type: ignore[import-untyped]

    k = max(2, round(1 / test_share))
    k = min(k, int(np.bincount(y).min()) if len(np.unique(y)) > 1 else k)
    k = max(k, 2)
    skf = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    tr, te = next(iter(skf.split(np.zeros(len(y)), y, groups)))
    return np.asarray(tr, np.int64), np.asarray(te, np.int64)


def fit_pixel_baseline(x_train: NDArray[np.uint8], y_train: NDArray[np.int64], seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.pipeline import make_pipeline  # type: ignore[import-untyped]
    from sklearn.preprocessing import StandardScaler  # type: ignore[import-untyped]

    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(max_iter=2000, class_weight="balanced", random_state=seed),
    )
    model.fit(pixel_features(x_train), y_train)
    return model


def recall_ci(hit: NDArray[np.bool_], seed: int, n_boot: int = 200) -> dict[str, Any]:
    """Share of ``hit`` with a 95 % bootstrap interval (None when empty)."""
    n = len(hit)
    if n == 0:
        return {"value": None, "ci95": None, "n": 0}
    rng = np.random.default_rng(seed)
    boots = [float(hit[rng.integers(0, n, n)].mean()) for _ in range(n_boot)]
    return {
        "value": float(hit.mean()),
        "ci95": [float(np.quantile(boots, 0.025)), float(np.quantile(boots, 0.975))],
        "n": int(n),
    }


def operating_points(
    y: NDArray[np.int64], p: NDArray[np.float64], targets: Sequence[float] = MISS_TARGETS
) -> list[dict[str, Any]]:
    """For each target miss rate (defects called good): the highest threshold on P(defect)
    whose miss rate on the test images is at most the target, with the false-reject rate (good
    images called defects) it costs."""
    out = []
    pos, neg = p[y == 1], p[y == 0]
    for t in targets:
        if len(pos) == 0:
            break
        # miss rate at threshold th = share of defects with p < th; the largest th keeping it
        # <= t is the k-th smallest defect score, k = floor(t * n_pos)
        srt = np.sort(pos)
        k = int(np.floor(t * len(srt)))
        th = float(srt[k]) if k < len(srt) else 1.0
        miss = float((pos < th).mean())
        fr = float((neg >= th).mean()) if len(neg) else 0.0
        out.append(
            {
                "target_miss_rate": t,
                "threshold": round(th, 6),
                "miss_rate": round(miss, 6),
                "false_reject_rate": round(fr, 6),
                "defects": len(pos),
                "good": len(neg),
            }
        )
    return out


def overlay_png(image: NDArray[np.uint8], cam: NDArray[np.float32]) -> bytes:
    """The grey image with the Grad-CAM map in red on top (PNG bytes)."""
    g = image.astype(np.float32)
    rgb = np.stack([g, g, g], axis=2)
    rgb[..., 0] = np.clip(g * (1 - 0.6 * cam) + 255 * 0.6 * cam, 0, 255)
    rgb[..., 1] = g * (1 - 0.5 * cam)
    rgb[..., 2] = g * (1 - 0.5 * cam)
    im = Image.fromarray(rgb.astype(np.uint8)).resize((192, 192), Image.Resampling.NEAREST)
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


@dataclass
class VisionResult:
    metrics: dict[str, Any]
    usable: bool
    usable_reason: dict[str, str]
    uplift: dict[str, Any]
    train_rows: NDArray[np.int64]
    test_rows: NDArray[np.int64]
    p_test: NDArray[np.float64]
    onnx_max_diff: float
    overlays: dict[str, bytes] = field(default_factory=dict)


def _proba2(p1: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.column_stack([1 - p1, p1])


def fit(
    x: NDArray[np.uint8],
    task: Task,
    labels: Sequence[str],
    groups: NDArray[np.int64],
    onnx_path: Path,
    *,
    subgroups: Mapping[str, Sequence[str | None]] | None = None,
    names: Sequence[str] | None = None,
    seed: int = 0,
    epochs: int | None = None,
    budget_s: float = 840.0,
    overlays: int = 4,
) -> VisionResult:
    """Train, export, check and evaluate (see the module docstring)."""
    from mfgdata.images import cnn

    y = task.y
    tr, te = group_holdout(y, groups, seed)
    planned = epochs or int(np.clip(round(PASSES / max(len(tr), 1)), MIN_EPOCHS, MAX_EPOCHS))
    trained = cnn.train(x[tr], y[tr], seed=seed, epochs=planned, budget_s=budget_s)
    p_model = cnn.predict(trained.net, x[te])
    side = x.shape[1]
    cnn.export(trained.net, onnx_path, side)
    p_onnx = cnn.onnx_predict(onnx_path, x[te])
    diff = float(np.abs(p_model - p_onnx).max()) if len(te) else 0.0
    prior = float(y[tr].mean())
    p_major = np.tile([1 - prior, prior], (len(te), 1))
    pix = fit_pixel_baseline(x[tr], y[tr], seed)
    p_pix = pix.predict_proba(pixel_features(x[te]))
    yt = y[te]
    vs_major = evaluate("classification", yt, p_model, p_major, n_classes=2, seed=seed)
    vs_pixel = evaluate("classification", yt, p_model, p_pix, n_classes=2, seed=seed)
    v_major = verdict("classification", vs_major)
    v_pixel = verdict("classification", vs_pixel)
    usable = bool(v_major["usable"] and v_pixel["usable"])
    reason = {
        lang: f"{'다수 클래스 기준' if lang == 'ko' else 'majority baseline'}: "
        f"{v_major['usable_reason'][lang]}; "
        f"{'픽셀 통계 기준' if lang == 'ko' else 'pixel-statistics baseline'}: "
        f"{v_pixel['usable_reason'][lang]}"
        for lang in ("ko", "en")
    }
    pred = (p_model[:, 1] >= 0.5).astype(np.int64)
    lab_te = [labels[i] for i in te]
    per_class = {}
    for c in task.classes:
        rows = np.array([j for j, v in enumerate(lab_te) if v == c], dtype=np.int64)
        per_class[c] = recall_ci(pred[rows] == yt[rows], seed)
    per_binary = {
        "good": recall_ci(pred[yt == 0] == 0, seed),
        "defect": recall_ci(pred[yt == 1] == 1, seed),
    }
    sub: dict[str, dict[str, Any]] = {}
    for col, values in (subgroups or {}).items():
        vt = [values[i] for i in te]
        out: dict[str, Any] = {}
        for v in sorted({v for v in vt if v is not None}):
            rows = np.array([j for j, w in enumerate(vt) if w == v], dtype=np.int64)
            d = rows[yt[rows] == 1]
            out[v] = {
                "images": len(rows),
                "defect_recall": recall_ci(pred[d] == 1, seed),
                "good_recall": recall_ci(pred[rows[yt[rows] == 0]] == 0, seed),
            }
        if len(out) > 1:
            sub[col] = out
    pix_pred = (p_pix[:, 1] >= 0.5).astype(np.int64)
    metrics: dict[str, Any] = {
        "task": "image classification (defect vs good)",
        "rule_ko": task.rule_ko,
        "rule_en": task.rule_en,
        "classes": task.classes,
        "good_class": task.good,
        "images": len(y),
        "defects": int(y.sum()),
        "input": {"side_px": side, "channels": 1, "scale": "(x/255 - 0.5) / 0.25"},
        "split": {
            "kind": "stratified group holdout (duplicate and near-duplicate groups together)",
            "seed": seed,
            "train_images": len(tr),
            "test_images": len(te),
            "groups": len(np.unique(groups)),
            "groups_on_both_sides": len(set(groups[tr]) & set(groups[te])),
        },
        "training": {
            "seconds": trained.seconds,
            "cpu_seconds": trained.cpu_seconds,
            "cpu_budget_seconds": budget_s,
            "epochs": trained.epochs,
            "planned_epochs": trained.planned,
            "loss_per_epoch": trained.losses,
            "threads": trained.threads,
            "seed": seed,
        },
        "vs_majority": vs_major,
        "vs_pixel_statistics": vs_pixel,
        "recall": per_binary,
        "recall_per_class": per_class,
        "pixel_baseline_recall": {
            "good": recall_ci(pix_pred[yt == 0] == 0, seed),
            "defect": recall_ci(pix_pred[yt == 1] == 1, seed),
        },
        "operating_points": operating_points(yt, p_model[:, 1]),
        "subgroups": sub,
        "onnx": {"max_abs_difference": diff, "checked_images": len(te)},
        "usable": usable,
        "usable_reason": reason,
    }
    ov: dict[str, bytes] = {}
    if overlays and len(te):
        order = np.argsort(-p_model[:, 1])
        pick = [int(i) for i in order[:overlays]]
        cams = cnn.gradcam(trained.net, x[te][pick])
        for k, i in enumerate(pick):
            name = names[te[i]] if names is not None else str(te[i])
            ov[f"{k:02d}"] = overlay_png(x[te][i], cams[k])
            metrics.setdefault("saliency", []).append(
                {
                    "file": f"model/saliency/{k:02d}.png",
                    "image": name,
                    "label": labels[te[i]],
                    "p_defect": round(float(p_model[i, 1]), 4),
                }
            )
    return VisionResult(
        metrics=metrics,
        usable=usable,
        usable_reason=reason,
        uplift=uplift(vs_pixel, "balanced_accuracy"),
        train_rows=tr,
        test_rows=te,
        p_test=p_model[:, 1],
        onnx_max_diff=diff,
        overlays=ov,
    )


#: label-noise candidates are looked for by K-fold CNN predictions up to this many images
#: (beyond it the K extra trainings do not fit the CPU budget: recorded as not run)
NOISE_MAX_IMAGES = 10_000
NOISE_FOLDS = 3
NOISE_PASSES = 12_000


def label_noise(
    x: NDArray[np.uint8],
    task: Task,
    labels: Sequence[str],
    groups: NDArray[np.int64],
    names: Sequence[str],
    *,
    seed: int = 0,
    max_images: int = NOISE_MAX_IMAGES,
    budget_s: float = 840.0,
) -> dict[str, Any]:
    """Label-noise candidates from cross-validated predictions: each image is predicted by a
    CNN trained on the other folds (groups kept together); an image whose own label gets a
    cross-validated probability below 0.5 is a candidate, listed most doubtful first."""
    from sklearn.model_selection import StratifiedGroupKFold

    from mfgdata.images import cnn

    n = len(task.y)
    if n > max_images:
        return {
            "run": False,
            "reason_ko": f"이미지 {n:,}장은 교차 검증 학습 한도 {max_images:,}장을 넘습니다",
            "reason_en": f"{n:,} images exceed the cross-validation limit of {max_images:,}",
        }
    y = task.y
    epochs = int(np.clip(round(NOISE_PASSES / max(1, n)), 4, 20))
    p = np.zeros(n, dtype=np.float64)
    skf = StratifiedGroupKFold(n_splits=NOISE_FOLDS, shuffle=True, random_state=seed + 1)
    seconds = 0.0
    for k, (tr, te) in enumerate(skf.split(np.zeros(n), y, groups)):
        t = cnn.train(
            x[tr], y[tr], seed=seed + 10 + k, epochs=epochs, budget_s=budget_s / NOISE_FOLDS
        )
        seconds += t.seconds
        p[te] = cnn.predict(t.net, x[te])[:, 1]
    given = np.where(y == 1, p, 1 - p)
    order = np.argsort(given, kind="stable")
    cands = [
        {
            "image": names[i],
            "label": labels[i],
            "p_label": round(float(given[i]), 4),
            "suggested": "defect" if y[i] == 0 else "good",
        }
        for i in order
        if given[i] < 0.5
    ]
    return {
        "run": True,
        "method": f"{NOISE_FOLDS}-fold group cross-validated CNN predictions, {epochs} epochs",
        "folds": NOISE_FOLDS,
        "epochs": epochs,
        "seconds": round(seconds, 3),
        "images": n,
        "candidates": cands,
        "count": len(cands),
    }
