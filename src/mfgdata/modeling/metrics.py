"""Metrics fit for the task, with bootstrap confidence intervals, next to a naive baseline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

Arr = NDArray[Any]
MetricFn = Callable[[Arr, Arr], float]
N_BOOT = 200

#: metric name -> True when higher is better
HIGHER_IS_BETTER = {
    "balanced_accuracy": True,
    "f1_macro": True,
    "pr_auc": True,
    "mae": False,
    "rmse": False,
    "r2": True,
    "nasa_score": False,
    "detection_rate": True,
    "false_alarm_rate": False,
    "false_alarm_rate_train": False,
}
#: Name prefixes of lower-is-better metrics (errors, losses, false alarms).
_LOWER_PREFIXES = ("false_alarm", "mae", "rmse", "mse", "mape", "nasa_score", "log_loss", "brier")
#: An anomaly monitor that alarms on more than this share of the held-out (normal) window is not
#: usable, whatever it detects.
MAX_FALSE_ALARM = 0.10
PRIMARY = {
    "classification": "balanced_accuracy",
    "regression": "mae",
    "rul": "rmse",
    "anomaly": "detection_rate",
}


def higher_is_better(name: str) -> bool:
    """True when a higher value of metric ``name`` is better (unknown lower-is-better names are
    recognised by their prefix: ``false_alarm_rate_train`` is lower-is-better)."""
    if name in HIGHER_IS_BETTER:
        return HIGHER_IS_BETTER[name]
    return not name.lower().startswith(_LOWER_PREFIXES)


def arrow(name: str) -> str:
    """↑ for higher-is-better metrics, ↓ for lower-is-better ones."""
    return "↑" if higher_is_better(name) else "↓"


def rmse(y: Arr, p: Arr) -> float:
    return float(np.sqrt(np.mean((np.asarray(p, float) - np.asarray(y, float)) ** 2)))


def nasa_score(y: Arr, p: Arr) -> float:
    """NASA/PHM08 asymmetric RUL score per prediction: late predictions cost more than early."""
    d = np.asarray(p, float) - np.asarray(y, float)
    s = np.where(d < 0, np.exp(-d / 13.0) - 1.0, np.exp(np.minimum(d, 500) / 10.0) - 1.0)
    return float(np.mean(s))


def average_precision(y: Arr, score: Arr) -> float:
    """Area under the precision-recall curve (step-wise, as scikit-learn), for y in {0, 1}."""
    pos = int(np.sum(y))
    if pos == 0:
        return 0.0
    order = np.argsort(-score, kind="stable")
    s, t = score[order], y[order].astype(np.float64)
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # last index of each distinct score
    tp = np.cumsum(t)[last]
    precision = tp / (last + 1)
    recall = tp / pos
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def pr_auc(y: Arr, proba: Arr, n_classes: int, positive: int = 1) -> float:
    """Average precision of class ``positive`` (the defect class) for two classes; macro over the
    classes present (one-vs-rest) for more than two."""
    if n_classes == 2:
        return average_precision((y == positive).astype(np.int64), proba[:, positive])
    present = [k for k in range(n_classes) if np.any(y == k)]
    return float(
        np.mean([average_precision((y == k).astype(np.int64), proba[:, k]) for k in present])
    )


def balanced_accuracy(y: Arr, label: Arr) -> float:
    recalls = [np.mean(label[y == k] == k) for k in np.unique(y)]
    return float(np.mean(recalls))


def f1_macro(y: Arr, label: Arr, n_classes: int) -> float:
    scores = []
    for k in range(n_classes):
        tp = np.sum((label == k) & (y == k))
        fp, fn = np.sum((label == k) & (y != k)), np.sum((label != k) & (y == k))
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else 0.0


def _classification(n_classes: int, positive: int) -> dict[str, Callable[[Arr, Arr], float]]:
    def label(p: Arr) -> Arr:
        out: Arr = np.argmax(p, axis=1)
        return out

    return {
        "balanced_accuracy": lambda y, p: balanced_accuracy(y, label(p)),
        "f1_macro": lambda y, p: f1_macro(y, label(p), n_classes),
        "pr_auc": lambda y, p: pr_auc(y, p, n_classes, positive),
    }


def r2(y: Arr, p: Arr) -> float:
    y, p = np.asarray(y, float), np.asarray(p, float)
    ss = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - p) ** 2)) / ss if ss > 0 else 0.0


def metric_fns(
    task: str, n_classes: int = 0, positive: int = 1
) -> dict[str, Callable[[Arr, Arr], float]]:
    """The task's metrics; ``positive``: the class code PR-AUC scores for two classes."""
    if task == "classification":
        return _classification(n_classes, positive)
    fns: dict[str, Callable[[Arr, Arr], float]] = {
        "mae": lambda y, p: float(np.mean(np.abs(np.asarray(p, float) - np.asarray(y, float)))),
        "rmse": rmse,
    }
    if task == "rul":
        fns["nasa_score"] = nasa_score
    else:
        fns["r2"] = r2
    return fns


#: Entities in the test rows needed to resample whole entities (fewer: time blocks or rows).
MIN_CLUSTERS = 10


def _ci(values: list[float]) -> list[float]:
    return [float(np.quantile(values, 0.025)), float(np.quantile(values, 0.975))]


def block_length(x: Arr) -> int:
    """Politis & White (2004, with Patton, Politis & White 2009's correction) automatic block
    length of the circular block bootstrap for the series ``x``: about 1 for independent rows,
    longer as the autocorrelation lasts longer; at most min(3 √n, n / 3)."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    if n < 8:
        return 1
    eps = x - x.mean()
    b_max = int(np.ceil(min(3 * np.sqrt(n), n / 3)))
    kn = max(5, int(np.log10(n)))
    m_max = int(np.ceil(np.sqrt(n))) + kn
    m_max = min(m_max, n - 1)
    acv = np.array([eps[k:] @ eps[: n - k] / n for k in range(m_max + 1)])
    if acv[0] <= 0:
        return 1
    rho = np.abs(acv[1:] / acv[0])
    cv = 2 * np.sqrt(np.log10(n) / n)
    mhat, run = None, 0
    for i, r in enumerate(rho):
        run = run + 1 if r < cv else 0
        if run == kn:
            mhat = i + 1 - kn
            break
    if mhat is None:
        big = np.flatnonzero(rho > cv)
        mhat = int(big[-1]) + 1 if len(big) else 1
    m = max(1, min(2 * mhat, m_max))
    k = np.arange(-m, m + 1)
    lam = np.where(np.abs(k / m) <= 0.5, 1.0, 2 * (1 - np.abs(k / m)))
    r = acv[np.abs(k)]
    g = float(np.sum(lam * np.abs(k) * r))
    d = 4 / 3 * float(np.sum(lam * r)) ** 2
    if d <= 0:
        return 1
    b = (2 * g**2 / d) ** (1 / 3) * n ** (1 / 3)
    return int(min(max(1, round(b)), b_max))


def _row_error(task: str, y: Arr, pred: Arr) -> Arr:
    """Each test row's own error (what the block length is read from)."""
    if task == "classification":
        wrong: Arr = (np.argmax(pred, axis=1) != y).astype(np.float64)
        return wrong
    err: Arr = np.abs(np.asarray(pred, float) - np.asarray(y, float))
    return err


def resamples(
    task: str,
    y: Arr,
    pred: Arr,
    rng: np.random.Generator,
    *,
    groups: Arr | None = None,
    order: Arr | None = None,
) -> tuple[list[Arr], dict[str, Any]]:
    """``N_BOOT`` index arrays of the bootstrap and how they were drawn.

    Rows of one machine, or of one stretch of time, are not independent; a row bootstrap of
    them gives intervals that are too narrow. So: whole entities (``groups``) when the test rows
    hold at least ``MIN_CLUSTERS``; else, for time-ordered rows (``order``: the test rows'
    positions in time order), a circular block bootstrap with the Politis-White block length
    of the model's row errors; else rows."""
    n = len(y)
    if groups is not None:
        labels, inverse = np.unique(groups, return_inverse=True)
        if len(labels) >= MIN_CLUSTERS:
            members = [np.flatnonzero(inverse == k) for k in range(len(labels))]
            draws = [
                np.concatenate([members[k] for k in rng.integers(0, len(labels), len(labels))])
                for _ in range(N_BOOT)
            ]
            return draws, {"method": "groups", "units": len(labels)}
    if order is not None and n >= 8:
        seq = np.asarray(order)
        b = block_length(_row_error(task, y, pred)[seq])
        if b > 1:
            blocks = int(np.ceil(n / b))
            offsets = np.arange(b)
            draws = [
                seq[((rng.integers(0, n, blocks)[:, None] + offsets) % n).ravel()[:n]]
                for _ in range(N_BOOT)
            ]
            return draws, {"method": "blocks", "units": blocks, "block_rows": b}
    return [rng.integers(0, n, n) for _ in range(N_BOOT)], {"method": "rows", "units": int(n)}


def evaluate(
    task: str,
    y: Arr,
    pred: Arr,
    base: Arr,
    n_classes: int = 0,
    seed: int = 0,
    positive: int = 1,
    *,
    groups: Arr | None = None,
    order: Arr | None = None,
) -> dict[str, Any]:
    """Model and baseline metrics on the same rows, each with a 95% bootstrap interval, plus the
    paired bootstrap interval of the difference (model − baseline). ``groups`` (the test rows'
    entities) and ``order`` (their time order) choose what is resampled (``resamples``)."""
    fns = metric_fns(task, n_classes, positive)
    rng = np.random.default_rng(seed)
    n = len(y)
    boots, how = resamples(task, y, pred, rng, groups=groups, order=order)
    out: dict[str, Any] = {
        "n": int(n),
        "interval": how,
        "model": {},
        "baseline": {},
        "difference": {},
    }
    for name, fn in fns.items():
        m, b = fn(y, pred), fn(y, base)
        bm = [fn(y[i], pred[i]) for i in boots]
        bb = [fn(y[i], base[i]) for i in boots]
        out["model"][name] = {"value": m, "ci95": _ci(bm)}
        out["baseline"][name] = {"value": b, "ci95": _ci(bb)}
        out["difference"][name] = {
            "value": m - b,
            "ci95": _ci([x - z for x, z in zip(bm, bb, strict=True)]),
        }
    return out


def uplift(metrics: dict[str, Any], metric: str) -> dict[str, Any]:
    """The figure the pricing step reads: positive ``relative`` means the model is better."""
    model = float(metrics["model"][metric]["value"])
    base = float(metrics["baseline"][metric]["value"])
    higher = higher_is_better(metric)
    gain = (model - base) if higher else (base - model)
    rel = gain / abs(base) if base else gain
    diff = metrics.get("difference", {}).get(metric, {}).get("ci95")
    significant = bool(diff and ((diff[0] > 0) if higher else (diff[1] < 0)))
    return {
        "metric": metric,
        "model": model,
        "baseline": base,
        "relative": rel,
        "higher_is_better": higher,
        "significant": significant,
    }


def verdict(task: str, metrics: dict[str, Any], measurable: bool = True) -> dict[str, Any]:
    """Whether the model is usable: it beats its naive baseline by a margin its interval
    supports. ``{"usable": bool, "usable_reason": {"ko", "en"}}`` for metrics.json.

    Supervised: the 95% bootstrap interval of the paired difference (model − baseline) of the
    primary metric excludes 0 in the better direction. Anomaly: the model's detection-rate
    interval lies above the baseline's detection rate, and its false-alarm rate on the held-out
    window is at most ``MAX_FALSE_ALARM``."""

    def out(ok: bool, ko: str, en: str) -> dict[str, Any]:
        return {"usable": ok, "usable_reason": {"ko": ko, "en": en}}

    if not measurable:
        return out(
            False,
            "시험 데이터로 성능을 측정할 수 없어 사용할 수 있는 모델로 보지 않습니다",
            "the held-out rows cannot measure the task, so the model is not presented as usable",
        )
    if task == "anomaly":
        det_m, det_b = metrics["model"]["detection_rate"], metrics["baseline"]["detection_rate"]
        far = float(metrics["model"]["false_alarm_rate"]["value"])
        if far > MAX_FALSE_ALARM:
            return out(
                False,
                f"시험 구간 오경보율 {far:.1%}가 허용 한도 {MAX_FALSE_ALARM:.0%}를 넘습니다",
                f"false-alarm rate {far:.1%} on the held-out window exceeds {MAX_FALSE_ALARM:.0%}",
            )
        if det_m["value"] is None or det_b["value"] is None:
            return out(
                False,
                "경보가 없는 시험 행이 없어 감지율을 측정할 수 없습니다",
                "no held-out row is free of alarms, so the detection rate cannot be measured",
            )
        lo = float(det_m["ci95"][0])
        if lo <= float(det_b["value"]):
            return out(
                False,
                f"감지율 {det_m['value']:.1%} (95% 하한 {lo:.1%})이 태그별 기준의 "
                f"{det_b['value']:.1%}보다 낫다고 할 수 없습니다",
                f"detection rate {det_m['value']:.1%} (95% lower bound {lo:.1%}) does not beat "
                f"the per-tag baseline's {det_b['value']:.1%}",
            )
        return out(
            True,
            f"감지율 {det_m['value']:.1%} (95% 하한 {lo:.1%}) > 기준 {det_b['value']:.1%}, "
            f"오경보율 {far:.1%}",
            f"detection rate {det_m['value']:.1%} (95% lower bound {lo:.1%}) beats the "
            f"baseline's {det_b['value']:.1%}; false-alarm rate {far:.1%}",
        )
    name = PRIMARY[task]
    m, b = metrics["model"][name]["value"], metrics["baseline"][name]["value"]
    lo, hi = metrics["difference"][name]["ci95"]
    better = lo > 0 if higher_is_better(name) else hi < 0
    diff = f"[{lo:+.4g}, {hi:+.4g}]"
    if better:
        return out(
            True,
            f"{name}: 모델 {m:.4g} vs 기준 {b:.4g}, 차이(모델−기준)의 95% 구간 {diff}이 "
            "0을 포함하지 않습니다",
            f"{name}: model {m:.4g} vs baseline {b:.4g}; the 95% interval of the difference "
            f"(model − baseline) {diff} excludes 0",
        )
    return out(
        False,
        f"{name}: 모델 {m:.4g} vs 기준 {b:.4g}, 차이(모델−기준)의 95% 구간 {diff}이 "
        "기준보다 낫다고 보여주지 못합니다 — 쓸 만한 모델이 아닙니다",
        f"{name}: model {m:.4g} vs baseline {b:.4g}; the 95% interval of the difference "
        f"(model − baseline) {diff} does not show it beats the baseline — no usable model",
    )
