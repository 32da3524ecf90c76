"""One call that turns a table into a baseline model product: task, features, split, training,
evaluation against the naive baseline, ONNX, model card and drivers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from mfgdata.errors import ConfigError
from mfgdata.modeling import metrics as M
from mfgdata.modeling import monitor as Mon
from mfgdata.modeling import train as T
from mfgdata.modeling.card import render_card
from mfgdata.modeling.clock import Clock, plain, time_clock
from mfgdata.modeling.features import FeatureMatrix, build_features
from mfgdata.modeling.insight import permutation_drivers
from mfgdata.modeling.leaks import Leak, find_leaks
from mfgdata.modeling.onnx_export import export
from mfgdata.modeling.splits import SplitPlan, make_split, twin_key
from mfgdata.modeling.tasks import Task, bad_classes, detect_task
from mfgdata.modeling.wording import drivers_basis

#: Fewer rows than this: no model is trained (the step records why).
MIN_ROWS = 30


class NotLearnable(ConfigError):
    """The table cannot carry a model: no usable inputs, too few rows or a single class."""

    code = "not_learnable"


@dataclass(frozen=True)
class Fitted:
    data: dict[str, Any]  # JSON: the model step's data and metrics.json
    onnx: bytes
    card: str
    model: Any
    fm: FeatureMatrix


def plan_split(
    fm: FeatureMatrix,
    kind: str,
    seed: int = 0,
    dups: NDArray[np.int64] | None = None,
    clock: Clock = plain,
) -> SplitPlan:
    """The evaluation split of a supervised task: groups and time kept, exact twins together,
    a split that can measure the task (see :mod:`mfgdata.modeling.splits`)."""
    assert fm.y is not None
    return make_split(
        len(fm.y),
        groups=fm.groups,
        time=fm.time,
        y=fm.y,
        classify=kind == "classification",
        seed=seed,
        dups=twin_key(fm) if dups is None else dups,
        clock=clock,
    )


def without_leaks(
    fm: FeatureMatrix, kind: str, train: NDArray[np.int64], outcomes: set[str], seed: int
) -> tuple[FeatureMatrix, list[Leak]]:
    """``fm`` without the features that leak the target (judged on the rows ``train``)."""
    assert fm.y is not None
    leaks = find_leaks(
        fm.X,
        fm.y,
        fm.spec.names,
        classification=kind == "classification",
        train=train,
        outcomes=outcomes,
        seed=seed,
    )
    gone = {lk.feature for lk in leaks if lk.excluded}
    if not gone:
        return fm, leaks
    keep = [j for j, n in enumerate(fm.spec.names) if n not in gone]
    s = fm.spec
    spec = replace(s, features=[s.features[j] for j in keep])
    excluded = {
        **fm.excluded,
        **{lk.feature: f"target leak: {lk.reason_en}" for lk in leaks if lk.excluded},
    }
    return replace(fm, X=fm.X[:, keep], spec=spec, excluded=excluded), leaks


def _supervised(
    fm: FeatureMatrix, task: Task, goal: str, seed: int, clock: Clock, outcomes: set[str]
) -> tuple[dict[str, Any], Any, FeatureMatrix]:
    assert fm.y is not None
    dups = twin_key(fm)
    plan = plan_split(fm, task.kind, seed, dups, clock)
    fm, leaks = without_leaks(fm, task.kind, plan.folds[0][0], outcomes, seed)
    if any(lk.excluded for lk in leaks):  # split again on the honest features (twins too)
        if not fm.spec.names:
            raise NotLearnable(
                "목표를 새어 나르는 열을 빼니 학습에 쓸 입력 열이 없습니다",
                "no usable feature columns once the target leaks are left out",
            )
        dups = twin_key(fm)
        plan = plan_split(fm, task.kind, seed, dups, clock)
    assert fm.y is not None
    tr = T.train(fm, task.kind, plan, seed)
    primary = M.PRIMARY[task.kind]
    n_cls = len(fm.spec.classes)
    fn = M.metric_fns(task.kind, n_cls, T.defect_code(fm, task.kind))[primary]
    sign = 1.0 if M.HIGHER_IS_BETTER[primary] else -1.0
    basis: dict[str, Any] = {"goal": goal}
    if task.kind == "classification":
        bad = bad_classes(fm.spec.classes, fm.y, fm.spec.target)
        basis["bad_classes"] = [fm.spec.classes[i] for i in bad]
        badness = lambda p: p[:, bad].sum(axis=1)  # noqa: E731
    elif task.kind == "rul":
        basis["horizon"] = float(np.quantile(fm.y, 0.15))
        badness = lambda p: -p  # noqa: E731
    else:
        badness = (lambda p: -p) if goal == "max" else (lambda p: p)
    fold_model = tr.fold_models[0]
    _, te = plan.folds[0]
    sub = te[:: max(1, len(te) // 600)]
    gain = getattr(fold_model, "feature_importances_", None)
    cand = None if gain is None else [int(j) for j in np.argsort(-gain, kind="stable")[:12]]
    drivers = (
        permutation_drivers(
            lambda X: T.predict(fold_model, X, task.kind, n_cls),
            lambda y, p: sign * fn(y, p),
            badness,
            fm.X[sub],
            fm.y[sub],
            fm.spec.names,
            seed=seed,
            candidates=cand,
        )
        if plan.measurable
        else []
    )
    data = {
        "metrics": tr.metrics if plan.measurable else _not_measured(plan, len(tr.y_test)),
        "baseline": tr.baseline_name,
        "family": tr.family,
        "params": tr.params,
        "search": tr.search,
        "split": plan.record(),
        "uplift": M.uplift(tr.metrics, primary) if plan.measurable else None,
        "drivers": drivers,
        "drivers_basis": drivers_basis(len(sub)),
        "basis": basis,
        **_honesty(task.kind, tr.metrics, plan, dups),
        "leaks": [lk.to_dict() for lk in leaks],
    }
    return data, tr.model, fm


def _not_measured(plan: SplitPlan, n: int) -> dict[str, Any]:
    """The metrics block of a split that cannot measure the task: no numbers, the reason."""
    return {
        "n": n,
        "measurable": False,
        "reason_en": plan.info.get("why_not_en", ""),
        "reason_ko": plan.info.get("why_not_ko", ""),
        "model": {},
        "baseline": {},
        "difference": {},
    }


def _honesty(
    kind: str, metrics: dict[str, Any], plan: SplitPlan, dups: NDArray[np.int64]
) -> dict[str, Any]:
    """Top-level fields of metrics.json: measurable, usable + reason (ko/en), duplicate rows."""
    return {
        "measurable": plan.measurable,
        **M.verdict(kind, metrics, plan.measurable),
        "duplicate_rows": int(len(dups) - len(np.unique(dups))),
    }


def _anomaly(
    fm: FeatureMatrix, seed: int, alpha: float, clock: Clock
) -> tuple[dict[str, Any], Any]:
    dups = twin_key(fm)
    if fm.time is not None:
        plan = make_split(len(fm.X), time=fm.time, seed=seed, dups=dups, clock=clock)
        tr, te = plan.folds[0]
    else:  # row order is the only order there is
        cut = int(len(fm.X) * 0.75)
        tr, te = np.arange(cut), np.arange(cut, len(fm.X))
        tr = tr[~np.isin(dups[tr], dups[te])]  # no twin of a test row in the normal window
        plan = None
    if len(tr) < 10:  # e.g. every row repeats a test row: no normal window to learn
        raise NotLearnable(
            f"정상 구간으로 쓸 수 있는 행이 {len(tr)}개뿐이라 모델을 학습하지 않습니다",
            f"only {len(tr)} rows can form the normal window: no model is trained",
        )
    mon = Mon.fit_pca(fm.X[tr], alpha=alpha)
    metrics = Mon.evaluate_monitor(mon, fm.X[tr], fm.X[te], seed=seed)
    forest, thr = Mon.fit_iforest(fm.X[tr], alpha, seed)
    center = np.nanmean(fm.X[tr], axis=0)

    def Xc(X: NDArray[np.float64]) -> NDArray[np.float64]:
        out: NDArray[np.float64] = np.nan_to_num(X - center)
        return out

    metrics["isolation_forest"] = {
        "threshold": thr,
        "false_alarm_rate_train": float((-forest.score_samples(Xc(fm.X[tr])) > thr).mean()),
        "false_alarm_rate": float((-forest.score_samples(Xc(fm.X[te])) > thr).mean()),
    }
    contrib = mon.contributions(fm.X[te])
    top = np.argsort(-contrib, kind="stable")[:8]
    lo, hi = Mon.shewhart(fm.X[tr], alpha)
    split = (
        plan.record()
        if plan
        else {
            "kind": "row_order_holdout",
            "folds": 1,
            "train_rows": [len(tr)],
            "test_rows": [len(te)],
            "reason_en": "first 75% of rows (in file order) as the normal window",
            "reason_ko": "파일 순서의 앞 75%를 정상 구간으로 사용",
        }
    )
    data: dict[str, Any] = {
        "metrics": metrics,
        "baseline": "per_tag_limits_bonferroni",
        "family": "pca_t2_spe",
        "params": {"alpha": alpha, "components": int(mon.loadings.shape[1])},
        "search": [],
        "split": split,
        "uplift": M.uplift(metrics, "detection_rate")
        if metrics["model"]["detection_rate"]["value"] is not None
        and metrics["baseline"]["detection_rate"]["value"] is not None  # drifting tags: every
        else None,  # held-out row alarms under the per-tag limits, no row is left to shift
        "drivers": [
            {
                "feature": fm.spec.names[j],
                "importance": float(contrib[j]),
                "importance_sd": 0.0,
                "direction": 0,
            }
            for j in top
        ],
        "basis": {
            "t2_limit": mon.t2_limit,
            "spe_limit": mon.spe_limit,
            "alpha": alpha,
            "tag_limits": {fm.spec.names[j]: [float(lo[j]), float(hi[j])] for j in top},
            "false_alarm_rate_train": metrics["model"]["false_alarm_rate_train"]["value"],
        },
    }
    measurable = plan.measurable if plan else len(te) >= 10
    data.update(
        {
            "measurable": measurable,
            **M.verdict("anomaly", metrics, measurable),
            "duplicate_rows": int(len(dups) - len(np.unique(dups))),
        }
    )
    return data, mon


def fit_model(
    frame: pl.LazyFrame,
    target: str | None,
    *,
    group: str | None = None,
    time: str | None = None,
    task: str | None = None,
    exclude: set[str] | None = None,
    goal: str = "max",
    max_rows: int = 1_000_000,
    seed: int = 0,
    alpha: float = 0.01,
    product: str = "",
    zone: str | None = None,
    outcomes: set[str] | None = None,
) -> Fitted:
    """Detect the task, build features, train and evaluate honestly, export ONNX and the card.
    ``zone``: the product's time zone; time stamps in the split record are local time in it.
    ``outcomes``: columns the semantics layer knows as results measured after the process
    (left out as target leaks, see :mod:`mfgdata.modeling.leaks`)."""
    detected = detect_task(frame, target, group=group, time=time, override=task)
    fm = build_features(frame, detected, exclude=exclude, max_rows=max_rows)
    if not fm.spec.names:
        raise NotLearnable("학습에 쓸 수 있는 입력 열이 없습니다", "no usable feature columns")
    if len(fm.X) < MIN_ROWS:
        raise NotLearnable(
            f"행이 {len(fm.X)}개뿐이라 모델을 학습하지 않습니다 (최소 {MIN_ROWS})",
            f"only {len(fm.X)} rows: no model is trained (at least {MIN_ROWS})",
        )
    if fm.y is not None and len(np.unique(fm.y)) < 2:
        raise NotLearnable(
            "목표 값이 한 가지뿐입니다", "the target has a single value", column=detected.target
        )
    clock = time_clock(frame.collect_schema().get(detected.time), zone) if detected.time else plain
    if detected.kind == "anomaly":
        part, model = _anomaly(fm, seed, alpha, clock)
    else:
        part, model, fm = _supervised(fm, detected, goal, seed, clock, outcomes or set())
    data = {
        "task": detected.kind,
        "target": detected.target,
        "group": detected.group,
        "time": detected.time,
        "reason_ko": detected.reason_ko,
        "reason_en": detected.reason_en,
        "features": fm.spec.names,
        "excluded": fm.excluded,
        "sampling": fm.sampling,
        "spec": fm.spec.to_dict(),
        "seed": seed,
        "product": product,
        **part,
    }
    return Fitted(data, export(model, len(fm.spec.names)), render_card(data), model, fm)
